"""A wizard step that is one choice among a few: a radio button per choice, each with a
sentence under it on what it is for (the kind of storage, the type of network).

Mnemonics of the choices must avoid N and B: the wizard's own Next and Back buttons use them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Generic, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QButtonGroup, QLabel, QRadioButton, QVBoxLayout, QWizardPage

E = TypeVar("E", bound=Enum)


@dataclass(frozen=True)
class Choice(Generic[E]):
    value: E
    text: str  # the button's text, with its mnemonic: "NF&S share"
    explanation: str  # one sentence under it


class ChoicePage(QWizardPage, Generic[E]):
    choice_changed = Signal(object)  # the chosen value

    def __init__(self, title: str, subtitle: str, choices: Sequence[Choice[E]]) -> None:
        super().__init__()
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.group = QButtonGroup(self)
        self.buttons: dict[E, QRadioButton] = {}
        self.explanations: dict[E, QLabel] = {}
        layout = QVBoxLayout(self)
        layout.setSpacing(2)
        for choice in choices:
            button = QRadioButton(choice.text, self)
            button.setObjectName(f"choice_{str(choice.value.value).lower()}")
            button.setAccessibleDescription(choice.explanation)
            label = QLabel(choice.explanation, self)
            label.setObjectName("choiceExplanation")
            label.setWordWrap(True)
            label.setIndent(26)  # under the button's text, not its circle
            self.group.addButton(button)
            self.buttons[choice.value] = button
            self.explanations[choice.value] = label
            layout.addWidget(button)
            layout.addWidget(label)
            layout.addSpacing(10)
        layout.addStretch(1)
        self._first = choices[0].value
        self.buttons[self._first].setChecked(True)
        self.group.buttonToggled.connect(self._on_toggled)

    def value(self) -> E:
        for value, button in self.buttons.items():
            if button.isChecked():
                return value
        return self._first

    def set_value(self, value: E) -> None:
        self.buttons[value].setChecked(True)

    def set_unavailable(self, value: E, reason: str) -> None:
        """Grey a choice out and say why under it (a port group with no switch to put it on)."""
        self.buttons[value].setEnabled(False)
        label = self.explanations[value]
        label.setText(f"{label.text()} {reason}")
        label.setEnabled(False)

    def focus_first(self) -> None:
        self.buttons[self.value()].setFocus(Qt.FocusReason.TabFocusReason)

    def _on_toggled(self, _button: QRadioButton, checked: bool) -> None:
        if checked:
            self.choice_changed.emit(self.value())
