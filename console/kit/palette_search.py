"""What the command palette shows for what was typed: Qt-free, so it is tested on its own.

Matching is two steps. A filter first: every word typed must appear in the entry (``maint b``
finds "Enter maintenance: host host-b" and not "Go to host host-b"), or the letters typed must
appear in order (``gohb``). Then a ranking by rapidfuzz's weighted ratio (the library made for
fuzzy string scores), with entries used recently first among equals: the palette is for
repeating what one did a minute ago as much as for finding something new.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, utils

# How many entries the palette lists: more than fit on screen is no help, and ranking every
# object of a large fleet on each key press stays cheap this way.
MAX_RESULTS = 50
# Entries remembered as recent (kept in the console's settings).
MAX_RECENT = 20
# What being recent is worth against the match score (0-100): a recent entry wins among
# near-equal matches, never over a clearly better one.
RECENT_BONUS = 8.0
# A query longer than this is cut: no command or object name is longer.
MAX_QUERY = 200


@dataclass(frozen=True)
class Entry:
    key: str  # stable across sessions: what "recent" remembers
    text: str


def _subsequence(query: str, text: str) -> bool:
    position = 0
    for char in query:
        position = text.find(char, position) + 1
        if position == 0:
            return False
    return True


def matches(query: str, text: str) -> bool:
    words = query.lower().split()
    lowered = text.lower()
    if all(word in lowered for word in words):
        return True
    return _subsequence("".join(words), lowered)


def rank(query: str, entries: Sequence[Entry], recent: Sequence[str]) -> list[Entry]:
    """The entries to show for ``query``, best first; recent ones first when nothing is typed."""
    query = query[:MAX_QUERY].strip()
    recency = {key: len(recent) - position for position, key in enumerate(recent)}
    if not query:
        recent_first = sorted(entries, key=lambda entry: -recency.get(entry.key, 0))
        return recent_first[:MAX_RESULTS]
    scored = []
    for order, entry in enumerate(entries):
        if not matches(query, entry.text):
            continue
        score = fuzz.WRatio(query, entry.text, processor=utils.default_process)
        if entry.key in recency:
            score += RECENT_BONUS * recency[entry.key] / len(recent)
        scored.append((-score, order, entry))
    scored.sort(key=lambda item: (item[0], item[1]))
    return [entry for _score, _order, entry in scored[:MAX_RESULTS]]


def remember(recent: Sequence[str], key: str) -> list[str]:
    """``recent`` with ``key`` moved to the front, at most MAX_RECENT long."""
    return [key, *(other for other in recent if other != key)][:MAX_RECENT]
