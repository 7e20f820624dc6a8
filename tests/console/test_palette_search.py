"""What the command palette lists for what was typed (console.kit.palette_search)."""

from __future__ import annotations

from console.kit.palette_search import MAX_RECENT, Entry, matches, rank, remember

ENTRIES = [
    Entry("page:hosts", "Go to Hosts"),
    Entry("hosts:object:host-a", "Go to host host-a"),
    Entry("hosts:object:host-b", "Go to host host-b"),
    Entry("hosts:Enter maintenance:host-b", "Enter maintenance: host host-b"),
    Entry("hosts:Exit maintenance:host-b", "Exit maintenance: host host-b"),
    Entry("storage:Retry:nfs1", "Retry: pool nfs1"),
    Entry("storage:New pool…", "New pool…"),
    Entry("networks:New network…", "New network…"),
]


def texts(entries):
    return [entry.text for entry in entries]


def test_every_word_typed_must_be_in_the_entry():
    assert texts(rank("maint b", ENTRIES, [])) == [
        "Enter maintenance: host host-b",
        "Exit maintenance: host host-b",
    ]
    assert texts(rank("retry nfs", ENTRIES, [])) == ["Retry: pool nfs1"]


def test_letters_in_order_match_too():
    assert matches("gohb", "Go to host host-b")
    assert not matches("gohz", "Go to host host-b")
    assert texts(rank("newnet", ENTRIES, []))[0] == "New network…"


def test_the_closest_match_comes_first():
    assert texts(rank("host-a", ENTRIES, []))[0] == "Go to host host-a"
    assert texts(rank("new pool", ENTRIES, []))[0] == "New pool…"


def test_nothing_typed_lists_recent_entries_first_in_order_used():
    recent = ["storage:Retry:nfs1", "hosts:object:host-b"]
    assert texts(rank("", ENTRIES, recent))[:3] == [
        "Retry: pool nfs1",
        "Go to host host-b",
        "Go to Hosts",
    ]


def test_a_recent_entry_wins_among_equals_but_not_over_a_better_match():
    recent = ["hosts:Exit maintenance:host-b"]
    assert texts(rank("maintenance", ENTRIES, recent))[0] == "Exit maintenance: host host-b"
    assert texts(rank("enter maintenance", ENTRIES, recent))[0] == (
        "Enter maintenance: host host-b"
    )


def test_nothing_matches_gives_nothing():
    assert rank("zzzz", ENTRIES, []) == []


def test_remember_moves_to_the_front_and_bounds_the_list():
    assert remember(["a", "b", "c"], "b") == ["b", "a", "c"]
    long = [str(n) for n in range(MAX_RECENT)]
    assert remember(long, "new") == ["new", *long[: MAX_RECENT - 1]]
