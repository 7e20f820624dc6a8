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
from PySide6.QtWidgets import QGridLayout, QLineEdit, QWizardPage

from console.wizards.field_row import FieldRow
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


class SettingsPage(QWizardPage):
    def __init__(self, backend: Callable[[], Backend], taken_names: Callable[[], set[str]]) -> None:
        super().__init__()
        self.setTitle("Settings")
        self._backend = backend
        self._taken_names = taken_names
        self._complete = False
        self._shown: Backend | None = None

        grid = QGridLayout(self)
        grid.setColumnStretch(1, 1)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        self.name = FieldRow(
            self,
            "Pool n&ame:",
            QLineEdit(self),
            field="name",
            hint="Letters, digits, '.', '_' and '-', at most 64; unique among pools.",
            validator=self._validate_name,
        )
        self.name.editor.setObjectName("name")
        self.name.add_to(grid)
        description = QLineEdit(self)
        description.setPlaceholderText("Optional")
        description.setObjectName("description")
        self.description = FieldRow(
            self,
            "&Description:",
            description,
            field="description",
            hint="Optional; shown on the pool's card. Never a key or secret.",
            validator=validate_description,
        )
        self.description.add_to(grid)
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
        for row in (self.name, self.description):
            row.changed.connect(self.revalidate)
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

    def isComplete(self) -> bool:
        return self._complete

    def cleanupPage(self) -> None:
        """Back to step 1 keeps what was typed (QWizard would reset the fields)."""

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

    def revalidate(self) -> None:
        valid = all([row.validate() for row in self.rows()])
        if valid:
            try:
                validate_pool_spec(self.spec(_STAND_IN_HOSTS[self._backend().shared]))
            except ValidationError as error:
                valid = False
                row = self.row_for(error.field)
                if row is not None:
                    # Shown at once when the user has typed anywhere on the page: the
                    # cause may be another field (a CHAP user without its secret).
                    engaged = any(other.touched for other in self.rows())
                    row.set_external_error(error.rule, visible=engaged)
        if valid != self._complete:
            self._complete = valid
            self.completeChanged.emit()
