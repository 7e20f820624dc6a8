import pytest

from domain.errors import ValidationError
from domain.tasks import (
    FINISHED,
    MIN_RATE_SPAN_S,
    PUBLISHES_PER_SECOND,
    RATE_WINDOW_S,
    RateWindow,
    TaskPhase,
    TaskRefused,
    cancel_refusal,
    check_progress,
    check_transition,
    eta_seconds,
    publish_delay,
)

P = TaskPhase


@pytest.mark.parametrize(
    ("current", "new"),
    [
        (P.QUEUED, P.RUNNING),
        (P.QUEUED, P.CANCELLING),
        (P.QUEUED, P.FAILED),
        (P.RUNNING, P.RUNNING),
        (P.RUNNING, P.SUCCEEDED),
        (P.RUNNING, P.CANCELLING),
        (P.CANCELLING, P.CANCELLED),
        (P.CANCELLING, P.SUCCEEDED),  # finished before the cancel reached it
        (P.CANCELLING, P.FAILED),
    ],
)
def test_allowed_transitions(current, new):
    check_transition("t1", current, new)


@pytest.mark.parametrize("finished", sorted(FINISHED, key=lambda p: p.value))
@pytest.mark.parametrize("new", list(TaskPhase))
def test_a_finished_task_never_changes_again(finished, new):
    with pytest.raises(TaskRefused, match=f"task t1 has {finished.value}: a finished task"):
        check_transition("t1", finished, new)


@pytest.mark.parametrize(
    ("current", "new"),
    [(P.RUNNING, P.QUEUED), (P.CANCELLING, P.RUNNING), (P.CANCELLING, P.QUEUED)],
)
def test_no_going_back(current, new):
    with pytest.raises(TaskRefused, match=f"is {current.value}: it cannot become {new.value}"):
        check_transition("t1", current, new)


@pytest.mark.parametrize(
    ("phase", "reason"),
    [
        (P.QUEUED, None),
        (P.RUNNING, None),
        (P.CANCELLING, "task t1 is already being cancelled"),
        (P.SUCCEEDED, "task t1 has already succeeded: there is nothing left to cancel"),
        (P.FAILED, "task t1 has already failed: there is nothing left to cancel"),
        (P.CANCELLED, "task t1 has already cancelled: there is nothing left to cancel"),
    ],
)
def test_cancel_refusal(phase, reason):
    assert cancel_refusal("t1", phase) == reason


@pytest.mark.parametrize(
    ("done", "total"), [(0, 0), (5, 0), (0, 10), (10, 10), (3, 10), (2**63, 0)]
)
def test_progress_accepted(done, total):
    check_progress(done, total)


@pytest.mark.parametrize(
    ("done", "total", "field", "rule"),
    [
        (11, 10, "bytes_done", "11 is more than the total of 10 bytes"),
        (-1, 10, "bytes_done", "must not be negative"),
        (1, -1, "bytes_total", "must not be negative"),
    ],
)
def test_progress_refused(done, total, field, rule):
    with pytest.raises(ValidationError) as caught:
        check_progress(done, total)
    assert (caught.value.field, caught.value.rule) == (field, rule)


def _window(samples):
    window = RateWindow()
    for time, done in samples:
        window.add(time, done)
    return window


@pytest.mark.parametrize(
    ("samples", "rate"),
    [
        ([], None),
        ([(0.0, 0)], None),
        # Not enough data: the samples span less than the minimum.
        ([(0.0, 0), (MIN_RATE_SPAN_S - 0.1, 10**6)], None),
        ([(0.0, 0), (1.0, 100), (2.0, 200)], 100.0),
        # Only the last RATE_WINDOW_S count: an early slow second is forgotten.
        ([(0.0, 0), (1.0, 1)] + [(1.0 + t, 1 + 50 * t) for t in range(1, 21)], 50.0),
        # Going back (a retry from an earlier point) starts a fresh measurement.
        ([(0.0, 0), (5.0, 500), (6.0, 100), (7.0, 200)], None),
    ],
)
def test_rate_over_a_moving_window(samples, rate):
    assert _window(samples).rate() == rate


def test_window_keeps_only_its_length():
    window = _window([(float(t), t * 10) for t in range(100)])
    # 10 bytes a second over exactly the window's length.
    assert window.rate() == 10.0
    assert len(window._samples) <= RATE_WINDOW_S + 2


@pytest.mark.parametrize(
    ("done", "total", "rate", "eta"),
    [
        (0, 1000, 100.0, 10.0),
        (900, 1000, 100.0, 1.0),
        (1000, 1000, 100.0, 0.0),
        (10, 0, 100.0, None),  # total unknown
        (10, 1000, None, None),  # not enough data
        (10, 1000, 0.0, None),  # stalled: no honest ETA
    ],
)
def test_eta(done, total, rate, eta):
    assert eta_seconds(done, total, rate) == eta


INTERVAL = 1.0 / PUBLISHES_PER_SECOND


@pytest.mark.parametrize(
    ("last", "now", "urgent", "delay"),
    [
        (None, 5.0, False, 0.0),  # the first state is published at once
        (5.0, 5.0, True, 0.0),  # a phase change is published at once
        (5.0, 5.0 + INTERVAL, False, 0.0),
        (5.0, 5.0 + INTERVAL + 3, False, 0.0),
        (5.0, 5.0, False, INTERVAL),
        (5.0, 5.0 + INTERVAL / 2, False, INTERVAL / 2),
    ],
)
def test_publish_delay(last, now, urgent, delay):
    assert publish_delay(last, now, urgent) == pytest.approx(delay)


def test_a_burst_is_coalesced_to_a_few_publishes_and_the_last_is_kept():
    """200 reports in a second: a publisher following publish_delay (keeping the latest held
    state, flushing it when the delay is over) publishes about PUBLISHES_PER_SECOND states."""
    published: list[int] = []
    last: float | None = None
    held: tuple[float, int] | None = None  # (due, value)
    for i in range(200):
        now = i / 200
        if held is not None and held[0] <= now:
            published.append(held[1])
            last, held = held[0], None
        delay = publish_delay(last, now, urgent=False)
        if delay == 0:
            published.append(i)
            last, held = now, None
        else:
            held = (now + delay, i)
    if held is not None:
        published.append(held[1])
    assert published[-1] == 199
    assert len(published) <= PUBLISHES_PER_SECOND + 2
