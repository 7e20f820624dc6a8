"""Step 2: the network's name, unique among networks, and an optional description."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLineEdit

from console.wizards.fields_page import FieldsPage
from domain.errors import ValidationError
from domain.pools import validate_description, validate_pool_name


class NamePage(FieldsPage):
    def __init__(self, taken_names: Callable[[], set[str]]) -> None:
        super().__init__("Name", "How the network is listed, and what it is for.")
        self._taken_names = taken_names
        self.name = self.add_row(
            "Network n&ame:",
            QLineEdit(self),
            field="name",
            hint="Letters, digits, '.', '_' and '-', at most 64; unique among networks.",
            validator=self._validate_name,
        )
        description = QLineEdit(self)
        description.setPlaceholderText("Optional")
        self.description = self.add_row(
            "&Description:",
            description,
            field="description",
            hint="Optional; shown with the network.",
            validator=validate_description,
        )
        self.grid.setRowStretch(self.grid.rowCount(), 1)

    def initializePage(self) -> None:
        self.revalidate()

    def _validate_name(self, text: str) -> str:
        name = validate_pool_name(text)
        if name in self._taken_names():
            raise ValidationError("name", f"a network named {name} exists already")
        return name
