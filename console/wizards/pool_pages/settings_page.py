"""Step 2: name, description and the chosen backend's own settings, each checked as typed.

Every field is checked alone by its domain function (the row shows the rule); when all are
valid, the whole spec is checked by ``validate_pool_spec`` as the coordinator will, which adds
the rules across fields (a CHAP user without a secret, a Ceph key pasted into the
description, the same monitor twice) and pins each on the field it names. Next stays disabled
until nothing is left.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from console.wizards.field_row import FieldRow
from console.wizards.fields_page import FieldsPage
from console.wizards.pool_forms.ceph_form import CephForm
from console.wizards.pool_forms.form import BackendForm
from console.wizards.pool_forms.iscsi_form import IscsiForm
from console.wizards.pool_forms.local_form import LocalForm
from console.wizards.pool_forms.nfs_form import NfsForm
from domain.errors import ValidationError
from domain.pools import (
    Backend,
    PoolSpec,
    validate_description,
    validate_pool_name,
    validate_pool_spec,
)

# A name the user has not chosen: "<prefix>-<n>", the first n not taken (as virt-manager's
# find_free_name does), so Next works at once and two suggestions never collide.
NAME_PREFIXES = {
    Backend.LOCAL_DIR: "local",
    Backend.NFS: "nfs",
    Backend.CEPH_RBD: "ceph",
    Backend.ISCSI: "iscsi",
}

# The whole-spec check needs hosts, which the next page chooses: stand-ins that satisfy the
# host rule (one host for a local directory, none - every host - for shared storage) so that
# only this page's own fields can fail here.
_STAND_IN_HOSTS = {True: (), False: ("stand-in-host",)}

SUBTITLES = {
    Backend.LOCAL_DIR: "A directory on one host. The next page chooses the host.",
    Backend.NFS: "The NFS export every assigned host mounts.",
    Backend.CEPH_RBD: "The Ceph cluster and the cephx user every assigned host connects as.",
    Backend.ISCSI: "The iSCSI target every assigned host logs into.",
}


def suggest_name(backend: Backend, taken: set[str]) -> str:
    prefix = NAME_PREFIXES[backend]
    number = 1
    while f"{prefix}-{number}" in taken:
        number += 1
    return f"{prefix}-{number}"


class SettingsPage(FieldsPage):
    def __init__(self, backend: Callable[[], Backend], taken_names: Callable[[], set[str]]) -> None:
        super().__init__("Settings")
        self._backend = backend
        self._taken_names = taken_names
        self._shown: Backend | None = None

        grid = self.grid
        self.name = self.add_row(
            "Pool n&ame:",
            QLineEdit(self),
            field="name",
            hint="Letters, digits, '.', '_' and '-', at most 64; unique among pools.",
            validator=self._validate_name,
        )
        description = QLineEdit(self)
        description.setPlaceholderText("Optional")
        description.setObjectName("description")
        self.description = self.add_row(
            "&Description:",
            description,
            field="description",
            hint="Optional; shown on the pool's card. Never a key or secret.",
            validator=validate_description,
        )
        self.forms: dict[Backend, BackendForm] = {
            form.backend: form
            for form in (
                LocalForm(self, grid),
                NfsForm(self, grid),
                CephForm(self, grid),
                IscsiForm(self, grid),
            )
        }
        grid.setRowStretch(grid.rowCount(), 1)
        for form in self.forms.values():
            form.changed.connect(self.revalidate)
            form.set_visible(False)
        self.name.editor.textChanged.connect(self._on_name_changed)

    # --- the wizard's view ----------------------------------------------------------------

    @property
    def form(self) -> BackendForm:
        return self.forms[self._backend()]

    def rows(self) -> list[FieldRow]:
        return [self.name, self.description, *self.form.rows]

    def row_for(self, field: str) -> FieldRow | None:
        """The row of a field the domain or the coordinator named."""
        base = field.removeprefix("spec.")
        if base in ("name", "description"):
            return self.name if base == "name" else self.description
        prefix = base.split(".", 1)[0].split("[", 1)[0]
        if prefix in ("local", "local_dir", "nfs", "ceph", "ceph_rbd", "iscsi"):
            return self.form.row_for(base) or (self.form.rows[0] if self.form.rows else None)
        return None

    def spec(self, hosts: tuple[str, ...]) -> PoolSpec:
        """The spec as typed, with ``hosts``; validate_pool_spec is the caller's to run."""
        return PoolSpec(
            name=self.name.text(),
            backend=self._backend(),
            source=self.form.source(),
            description=self.description.text(),
            hosts=hosts,
        )

    # --- QWizardPage ----------------------------------------------------------------------

    def initializePage(self) -> None:
        backend = self._backend()
        if backend is not self._shown:
            for key, form in self.forms.items():
                form.set_visible(key is backend)
            self._shown = backend
        self.setSubTitle(SUBTITLES[backend])
        if not self.name.touched:
            self.name.set_text(suggest_name(backend, self._taken_names()))
        self.form.name_changed(self.name.text())
        self.revalidate()

    # --- checks ---------------------------------------------------------------------------

    def focus_first(self) -> None:
        """The cursor to the first field still to fill in (the wizard calls this once the
        page is shown, after QWizard has placed its own focus)."""
        for row in (self.name, self.description):
            if row.needs_input:
                row.editor.setFocus(Qt.FocusReason.TabFocusReason)
                return
        target = self.form.first_to_fill()
        if target is not None:
            target.setFocus(Qt.FocusReason.TabFocusReason)

    def _validate_name(self, text: str) -> str:
        name = validate_pool_name(text)
        if name in self._taken_names():
            raise ValidationError("name", f"a pool named {name} exists already")
        return name

    def _on_name_changed(self, text: str) -> None:
        self.form.name_changed(text)

    def check(self) -> None:
        """The rules across fields, as the coordinator runs them."""
        validate_pool_spec(self.spec(_STAND_IN_HOSTS[self._backend().shared]))
