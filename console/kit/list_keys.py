"""Lists and tables by the keyboard: Tab passes through them (arrows move inside), and Tab into
one with nothing selected selects its first row, so the arrows have somewhere to start from and
the page's detail shows at once.

One helper for every view of the pages (card grids, the hosts, images, clusters, audit and
switch lists, detail tables): ``keyboard_list(view)``. Type-ahead is Qt's own
(``QAbstractItemView.keyboardSearch``): it matches the DisplayRole of the current column, so the
models keep the object's name as column 0's DisplayRole, card models included (their text is
painted by a delegate, but DisplayRole still says the name).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QAbstractItemView

# Focus that came from the Tab key (forwards or backwards): a click already picks its own row.
_TAB_REASONS = (Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason)


class _FirstRowOnTab(QObject):
    """Selects the view's first row when Tab brings the focus and nothing is selected."""

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view)
        self._view = view

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.FocusIn
            and isinstance(event, QFocusEvent)
            and event.reason() in _TAB_REASONS
        ):
            select_first_row(self._view)
        return False


def select_first_row(view: QAbstractItemView) -> None:
    """Make the first row current (and selected) unless something is selected already."""
    model = view.model()
    selection = view.selectionModel()
    if model is None or selection is None or selection.hasSelection():
        return
    if model.rowCount(view.rootIndex()) == 0:
        return
    view.setCurrentIndex(model.index(0, 0, view.rootIndex()))


def keyboard_list(view: QAbstractItemView) -> QAbstractItemView:
    """Tab leaves ``view`` (arrows move in it) and Tab into it selects its first row."""
    view.setTabKeyNavigation(False)
    view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    view.installEventFilter(_FirstRowOnTab(view))
    return view
