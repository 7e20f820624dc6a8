"""quantixctl's progress bar as a user sees it: on a real pseudo-terminal a bar redrawn in
place at most five times a second; on a pipe no bar at all, a line per phase change."""

import fcntl
import os
import pty
import struct
import termios

import pytest

from clients.progress_bar import MIN_REDRAW_S, Progress, ProgressBar

GIB = 1024**3


class Clock:
    """Monotonic time the test sets: which readings are drawn must not depend on the machine."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def read_all(fd):
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the pty's other side is closed: all read
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode()


@pytest.fixture
def terminal():
    """A pseudo-terminal 120 columns wide: the bar writes to its slave side, the test reads
    what a terminal would show from the master side."""
    master, slave = pty.openpty()
    resize(slave, 120)
    attrs = termios.tcgetattr(slave)
    attrs[1] &= ~termios.ONLCR  # keep "\n" as written (a terminal would add "\r")
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    stream = os.fdopen(slave, "w", encoding="utf-8")

    def output():
        stream.close()
        return read_all(master)

    yield stream, output
    os.close(master)


def resize(fd, columns):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))


def draws(text):
    """Each redraw of the bar: the pieces between carriage returns."""
    return [piece for piece in text.split("\r") if piece]


def test_on_a_terminal_the_bar_is_redrawn_in_place_at_most_five_times_a_second(terminal):
    stream, output = terminal
    clock = Clock()
    bar = ProgressBar(stream, "upload isos/alpine.iso", clock=clock)
    assert bar.terminal
    # 1,000 chunk callbacks within one redraw interval: one redraw (the first).
    for i in range(1, 1001):
        bar.update(Progress(i * 1024 * 1024, 4 * GIB, "uploading"))
    clock.now += MIN_REDRAW_S
    thirty_percent = (12 * GIB + 9) // 10  # 1.2 GiB, rounded up so that 30 % is not 29 %
    bar.update(Progress(thirty_percent, 4 * GIB, "uploading", 85 * 1024 * 1024, 35.2))
    clock.now += MIN_REDRAW_S / 2  # too soon: not drawn
    bar.update(Progress(2 * GIB, 4 * GIB, "uploading", 85 * 1024 * 1024, 34.0))
    # A new phase is drawn at once, however soon.
    bar.update(Progress(4 * GIB, 4 * GIB, "verifying"))
    bar.finish("succeeded")
    text = output()

    shown = draws(text)
    assert len(shown) == 4, shown
    first, second, phase, last = shown
    assert first.startswith("upload isos/alpine.iso [")
    assert "0 %  1.0 MiB of 4.0 GiB  —  ETA —  uploading" in first
    assert "30 %  1.2 GiB of 4.0 GiB  85.0 MiB/s  ETA 0:35  uploading" in second
    assert second.count("#") == 30 * 30 // 100  # 30 % of the bar's 30 cells
    assert "100 %  4.0 GiB of 4.0 GiB" in phase and phase.endswith("verifying\x1b[K")
    assert last.endswith("succeeded\x1b[K\n")  # the line is ended for what follows
    assert "[" + "#" * 30 + "]" in last
    for piece in shown:
        line = piece.removesuffix("\n").removesuffix("\x1b[K")
        assert len(line) < 120, line  # never wraps: a wrapped line cannot be redrawn in place


def test_a_narrow_terminal_cuts_the_label_then_drops_the_bar_but_keeps_every_figure(terminal):
    stream, output = terminal
    clock = Clock()
    label = "download images/ubuntu-24.04-server-cloudimg-amd64.img"
    bar = ProgressBar(stream, label, clock=clock)
    reading = Progress(512 * 1024 * 1024, 0, "downloading")  # total not known yet
    figures = "—  512.0 MiB  —  ETA —  downloading"
    for columns in (120, 80, 50):
        resize(stream.fileno(), columns)
        clock.now += MIN_REDRAW_S
        bar.update(reading)
        bar.interrupt()  # a line each, so each width's drawing is read whole
    wide, medium, narrow = [piece.removesuffix("\x1b[K\n") for piece in draws(output())]
    assert wide == f"{label} [{'.' * 26}] {figures}"  # as many cells as fit, up to 30
    assert medium == f"{label[:29]}… [{'.' * 10}] {figures}"
    assert len(medium) == 79
    # Too narrow for a bar: the label is cut to MIN_LABEL, the line to the width.
    assert narrow == f"download images… {figures}"[:49]


def test_on_a_pipe_there_is_no_bar_only_a_line_per_phase_change():
    read_end, write_end = os.pipe()
    stream = os.fdopen(write_end, "w", encoding="utf-8")
    clock = Clock()
    bar = ProgressBar(stream, "import vms/appliance", clock=clock)
    assert not bar.terminal
    for phase in ("uploading", "extracting", "converting disk 1 of 2", "converting disk 2 of 2"):
        for i in range(50):
            clock.now += 1.0
            bar.update(Progress(i, 50, phase, 10.0, 5.0))
    bar.finish("succeeded")
    stream.close()
    with os.fdopen(read_end, encoding="utf-8") as pipe:
        text = pipe.read()
    assert text.splitlines() == [
        "import vms/appliance: uploading",
        "import vms/appliance: extracting",
        "import vms/appliance: converting disk 1 of 2",
        "import vms/appliance: converting disk 2 of 2",
        "import vms/appliance: succeeded",
    ]
    assert "\r" not in text and "\x1b" not in text


def test_an_interrupted_bar_ends_its_line_before_the_error(terminal):
    stream, output = terminal
    bar = ProgressBar(stream, "upload isos/a.iso", clock=Clock())
    bar.update(Progress(10, 100, "uploading"))
    bar.interrupt()
    stream.write("quantixctl: upload of a.iso to host-a failed\n")
    text = output()
    assert text.endswith("uploading\x1b[K\nquantixctl: upload of a.iso to host-a failed\n")
