"""A page of status cards for any realized kind: title, live summary, search, filter tabs with
live counts, the card grid (or in its place why it is empty) and a stale banner while the
coordinator cannot be reached. The kind's page subclasses it and adds its buttons, its detail
(``lay_out``) and what a selection does.

Cards come from a card model (console.kit.card_model) through a CardFilterProxy; the kind says
how many cards each tab holds (``tab_counts``) and whether its models are synced.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractItemModel, QItemSelectionModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from console.kit.card_filter import CardFilterProxy, PhaseFilter
from console.kit.card_view import StatusCardView
from console.kit.phase_text import plural
from console.kit.search_keys import esc_clears_search
from console.kit.tab_order import set_reading_order
from console.watch import ConnectionState, EmptyListTexts, Phase

TabT = TypeVar("TabT", bound=PhaseFilter)

# Palette keys of Unmanaged cards (``reveal_card``).
UNMANAGED_PREFIX = "unmanaged:"


@dataclass(frozen=True)
class CardTab(Generic[TabT]):
    """One filter tab: its value (what the proxy filters by), its text with a mnemonic, its
    tooltip and the word the summary counts it with ("" when the summary leaves it out)."""

    value: TabT
    text: str
    tip: str
    summary_word: str = ""


@dataclass(frozen=True)
class CardPageTexts:
    title: str
    noun: str  # one card's object: "pool"
    search_placeholder: str
    empty: EmptyListTexts


@dataclass(frozen=True)
class CardPageNames:
    """Object and accessible names, for style sheets, tests and screen readers."""

    search: str
    tabs: str
    tabs_accessible: str
    view: str
    view_accessible: str


class CardPage(QWidget, Generic[TabT]):
    def __init__(
        self,
        texts: CardPageTexts,
        names: CardPageNames,
        tabs: Sequence[CardTab[TabT]],
        cards: QAbstractItemModel,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.texts = texts
        self.tabs = tuple(tabs)
        self.cards = cards
        self.proxy: CardFilterProxy[TabT] = CardFilterProxy(cards, self.tabs[0].value, self)
        self._connection = ConnectionState(Phase.IDLE, "")
        self._build_header(names)
        self._build_cards(names)
        self.proxy.rowsInserted.connect(self._on_view_rows_changed)
        self.proxy.rowsRemoved.connect(self._on_view_rows_changed)
        self.proxy.modelReset.connect(self._on_view_rows_changed)

    # --- building -------------------------------------------------------------------------

    def _build_header(self, names: CardPageNames) -> None:
        title = QLabel(self.texts.title, self)
        title.setObjectName("pageTitle")
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("pageSummary")
        search_label = QLabel("Se&arch:", self)
        self.search_edit = QLineEdit(self)
        self.search_edit.setObjectName(names.search)
        self.search_edit.setPlaceholderText(self.texts.search_placeholder)
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(220)
        self.search_edit.setMaximumWidth(300)
        search_label.setBuddy(self.search_edit)
        self.search_edit.textChanged.connect(self._on_search_changed)
        self.top = QHBoxLayout()
        self.top.addWidget(title)
        self.top.addSpacing(12)
        self.top.addWidget(self.summary_label, 1)
        self._buttons_end = self.top.count()
        self.top.addSpacing(12)
        self.top.addWidget(search_label)
        self.top.addWidget(self.search_edit)

        self.stale_label = QLabel(self)
        self.stale_label.setObjectName("staleBanner")
        self.stale_label.setWordWrap(True)
        self.stale_label.setVisible(False)

        self.tab_bar = QTabBar(self)
        self.tab_bar.setObjectName(names.tabs)
        self.tab_bar.setDrawBase(False)
        self.tab_bar.setExpanding(False)
        self.tab_bar.setAccessibleName(names.tabs_accessible)
        for number, tab in enumerate(self.tabs):
            index = self.tab_bar.addTab(tab.text)
            self.tab_bar.setTabToolTip(index, tab.tip)
            self.tab_bar.setTabData(index, number)
        self.tab_bar.currentChanged.connect(self._on_tab_changed)

    def _build_cards(self, names: CardPageNames) -> None:
        self.view = StatusCardView(self)
        self.view.setObjectName(names.view)
        self.view.setAccessibleName(names.view_accessible)
        self.delegate = self.view.card_delegate
        self.view.setModel(self.proxy)
        self.empty_label = QLabel(self.texts.empty.not_connected, self)
        self.empty_label.setObjectName("placeholderText")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.cards_stack = QStackedWidget(self)
        self.cards_stack.addWidget(self.view)
        self.cards_stack.addWidget(self.empty_label)
        esc_clears_search(self.search_edit, self.cards_stack.currentWidget)

    def add_button(self, button: QWidget) -> None:
        """A button in the top bar, left of the search field."""
        self.top.insertWidget(self._buttons_end, button)
        self._buttons_end += 1

    def lay_out(self, body: QWidget) -> None:
        """The page under its header: ``body`` holds ``cards_stack`` (and the kind's detail)."""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.addLayout(self.top)
        layout.addWidget(self.stale_label)
        layout.addWidget(self.tab_bar)
        layout.addWidget(body, 1)
        # The top bar's buttons are added after the search field and the cards were made.
        set_reading_order(layout)

    # --- what the kind says ---------------------------------------------------------------

    def tab_counts(self, search: str = "") -> dict[Any, int]:
        """The cards each tab's value shows, among those named like ``search``."""
        raise NotImplementedError

    def is_synced(self) -> bool:
        raise NotImplementedError

    # --- public ---------------------------------------------------------------------------

    def set_tab(self, tab: TabT) -> None:
        self.tab_bar.setCurrentIndex([t.value for t in self.tabs].index(tab))

    def select_card(self, model: Any, key: str) -> bool:
        """Select the card of ``model``'s object ``key`` (``model``: one of the models the page's
        cards come from); a card hidden by the tab or the search is shown (every card, no search).
        Whether there is such a card."""
        row = model.row_of(key)
        if row is None:
            return False

        def index() -> QModelIndex:
            return self.proxy.mapFromSource(self.cards.index_of(model, row))  # type: ignore[attr-defined]

        found = index()
        if not found.isValid():
            self.set_tab(self.tabs[0].value)
            self.search_edit.clear()
            found = index()
            if not found.isValid():
                return False
        self.view.selectionModel().setCurrentIndex(
            found, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self.view.scrollTo(found)
        return True

    def reveal_card(self, key: str, managed: Any, unmanaged: Any) -> bool:
        """The command palette's ``reveal_object`` for a page of managed and Unmanaged cards
        (an Unmanaged card's key carries UNMANAGED_PREFIX: the two may share a name)."""
        if key.startswith(UNMANAGED_PREFIX):
            found = self.select_card(unmanaged, key.removeprefix(UNMANAGED_PREFIX))
        else:
            found = self.select_card(managed, key)
        if found:
            self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)
        return found

    def search_field(self) -> QLineEdit:
        """Where the window's Ctrl+F goes."""
        return self.search_edit

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def set_connection_state(self, state: ConnectionState) -> None:
        was_connected = self._connection.phase is Phase.CONNECTED
        self._connection = state
        if state.phase is Phase.RECONNECTING and self.cards.rowCount() > 0:
            if was_connected or not self.stale_label.isVisible():
                self.stale_label.setText(
                    f"The coordinator cannot be reached: the {self.texts.noun}s below are as "
                    f"they were at {time.strftime('%H:%M:%S')} and may be out of date."
                )
            self.stale_label.setVisible(True)
        else:
            self.stale_label.setVisible(False)
        self._on_rows_changed()

    # --- handlers -------------------------------------------------------------------------

    def _on_search_changed(self, text: str) -> None:
        self.proxy.set_search(text)
        self._update_tab_counts()
        self._on_view_rows_changed()

    def _on_tab_changed(self, index: int) -> None:
        number = self.tab_bar.tabData(index)
        if number is not None:
            self.proxy.set_tab(self.tabs[int(number)].value)
        self._on_view_rows_changed()

    def _on_rows_changed(self, *_args: object) -> None:
        self._on_view_rows_changed()
        self._update_tab_counts()
        self._update_summary()

    def _on_view_rows_changed(self, *_args: object) -> None:
        if self.proxy.rowCount():
            self.cards_stack.setCurrentWidget(self.view)
            return
        noun = self.texts.noun
        if self.cards.rowCount():
            search = self.search_edit.text().strip()
            tab = self.proxy.tab
            where = "" if tab == self.tabs[0].value else f" in {self._tab_name(tab)}"
            if search:
                self.empty_label.setText(f"No {noun} named like “{search}”{where}.")
            else:
                self.empty_label.setText(f"No {noun}s{where}.")
        else:
            self.empty_label.setText(
                self.texts.empty.pick(self._connection.phase, self.is_synced())
            )
        self.cards_stack.setCurrentWidget(self.empty_label)

    def _tab_name(self, tab: TabT) -> str:
        """The tab's text without its mnemonic: "Error"."""
        text = next(t.text for t in self.tabs if t.value == tab)
        return text.replace("&", "")

    def _update_tab_counts(self) -> None:
        counts = self.tab_counts(self.search_edit.text())
        for index, tab in enumerate(self.tabs):
            self.tab_bar.setTabText(index, f"{tab.text} ({counts[tab.value]})")

    def _update_summary(self) -> None:
        counts = self.tab_counts()
        total = counts[self.tabs[0].value]
        if not total:
            self.summary_label.setText("")
            return
        parts = [plural(total, self.texts.noun)]
        parts += [
            f"{counts[tab.value]} {tab.summary_word}"
            for tab in self.tabs[1:]
            if tab.summary_word and counts[tab.value]
        ]
        self.summary_label.setText(" · ".join(parts))
