"""Tab order in reading order: top to bottom, left to right, a panel (a side of a splitter, a
detail) read whole before the next.

Qt's focus chain is the order widgets were created in, and a page is rarely built in the order
it is read: its top bar's buttons are added after the search field and the cards, a detail
after the list. ``set_reading_order(*parts)`` says the order once, by parts: a widget that takes
the focus is one stop; a box layout (a top bar) is its widgets left to right; a splitter is its
sides in order; a tab widget is one stop (its tab bar, the corner widget right of it, then its
pages); any other widget is every stop inside it, in the order it already has. So a page names
its few parts and the stops inside a detail keep their own order.

A compound widget (one whose focus proxy is a child: a tab widget and its tab bar) is moved
whole: Tab reaching the compound goes to its proxy, so moving the proxy alone would leave the
compound behind and send the next Tab back to it.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QLayout, QSplitter, QTabWidget, QWidget

Part = QWidget | QLayout


def _is_compound(widget: QWidget) -> bool:
    proxy = widget.focusProxy()
    return proxy is not None and widget.isAncestorOf(proxy)


def _is_stop(widget: QWidget) -> bool:
    """Takes the focus by Tab itself, or is a compound (a widget whose proxy is its parent,
    a combo box's line edit, moves with it)."""
    takes_tab = bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
    return takes_tab and (widget.focusProxy() is None or _is_compound(widget))


def _chain_stops(root: QWidget) -> list[QWidget]:
    """``root`` and every stop inside it, in the window's focus chain order, a compound's
    insides left to it; hidden and disabled ones too (Tab skips them while they are, and
    they keep their place)."""
    if _is_stop(root) and _is_compound(root):
        return _compound_stops(root)
    found = [root] if _is_stop(root) else []
    compounds: list[QWidget] = []
    window = root.window()
    widget = window.nextInFocusChain()
    while widget is not window and widget is not None:
        inside = widget is not root and root.isAncestorOf(widget)
        if inside and _is_stop(widget) and not any(c.isAncestorOf(widget) for c in compounds):
            found.append(widget)
            if _is_compound(widget):
                compounds.append(widget)
        widget = widget.nextInFocusChain()
    for compound in compounds:
        _compound_stops(compound)
    return found


def _compound_stops(compound: QWidget) -> list[QWidget]:
    """The compound as one stop, its insides made one run of the chain right after it: Qt
    moves a compound as the run of its children that follow it, so a tab's page made
    elsewhere and added later would be left behind, and Tab would come back to the compound
    from there. A tab widget's run is its tab bar, the corner widget right of it, then its
    pages in order (other compounds are left as Qt keeps them)."""
    if isinstance(compound, QTabWidget):
        corner = compound.cornerWidget(Qt.Corner.TopRightCorner)
        # The tab bar with its scroll buttons (shown when the tabs do not fit).
        heads = _chain_stops(compound.tabBar()) + (_chain_stops(corner) if corner else [])
        pages = [compound.widget(index) for index in range(compound.count())]
        inside = heads + [stop for page in pages for stop in _stops(page)]
        for first, second in itertools.pairwise(inside):
            QWidget.setTabOrder(first, second)
    return [compound]


def _stops(part: Part) -> list[QWidget]:
    """The stops of ``part`` in reading order (see the module's docstring)."""
    if isinstance(part, QLayout):
        if not isinstance(part, QBoxLayout):
            raise TypeError(f"only box layouts have an order of their own, not {part}")
        found: list[QWidget] = []
        for index in range(part.count()):
            item = part.itemAt(index)
            child = item.widget() or item.layout()
            if child is not None:
                found += _stops(child)
        return found
    if isinstance(part, QSplitter):
        return [stop for index in range(part.count()) for stop in _stops(part.widget(index))]
    if isinstance(part, QTabWidget):
        return _compound_stops(part)
    return _chain_stops(part)


def set_reading_order(*parts: Part) -> None:
    """Tab visits ``parts`` in the order given, each part's stops in their reading order."""
    stops = [stop for part in parts for stop in _stops(part)]
    for first, second in itertools.pairwise(stops):
        QWidget.setTabOrder(first, second)
