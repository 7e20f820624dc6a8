"""Tab follows reading order on every page, in every dialog and on every page of every wizard
path (tests.console.surfaces).

The rule (focus_walk.reading_breaks): the stops of one lap of Tab, started at the stop a reader
meets first, must each be read no earlier than the one before. A stop is read before another
when its top edge is higher by more than ROW_TOLERANCE_PX (6 px), or, on one row (tops within
6 px), when its left edge is further left. Panels are read whole: a scroll area, a dock, a side
of a splitter and a page of a stack count as one block at their own top-left corner, so a
detail to the right of a list is read after the whole list and before what lies under the
list's panel; two stops are compared at the outermost panels that differ. Tab leaving a panel
and coming back to it later breaks the rule. Each page is walked with each tab of its tab
widgets, each dialog and wizard page as it opens (after the keys that fill it).
"""

from __future__ import annotations

import pytest

from tests.console.conftest import activate
from tests.console.focus_walk import reading_breaks, tab_walk
from tests.console.surfaces import NAMES, PAGE_STATES, show_page, surface, visit
from tests.console.test_focus_chain import tab_states


@pytest.mark.parametrize("name", sorted(PAGE_STATES))
def test_tab_follows_reading_order_on_each_page(inventory_window, qtbot, name):
    window = inventory_window
    activate(qtbot, window)
    key, prepare = PAGE_STATES[name]
    show_page(qtbot, window, key)
    prepare(window)
    breaks = []
    for state in tab_states(window):
        stops = tab_walk(qtbot, window.sidebar)
        breaks += [f"{name}{state}: {b}" for b in reading_breaks(stops, window)]
    assert not breaks, "against reading order:\n  " + "\n  ".join(breaks)


@pytest.mark.parametrize("name", NAMES)
def test_tab_follows_reading_order_in_each_dialog(inventory_window, qtbot, name):
    window = inventory_window
    activate(qtbot, window)
    breaks = []
    for dialog, where in visit(qtbot, window, surface(name)):
        for state in tab_states(dialog):
            stops = tab_walk(qtbot, dialog.focusWidget() or dialog)
            breaks += [f"{where}{state}: {b}" for b in reading_breaks(stops, dialog)]
    assert not breaks, "against reading order:\n  " + "\n  ".join(breaks)
