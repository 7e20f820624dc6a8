"""Upload ISO…: a file from this machine into a pool on a host, as an ISO or a disk image.

The name is pre-filled from the file (domain.images.name_for_file) until the user types one,
and checked as typed (validate_image_name, and not already in the chosen pool); the kind is
guessed from the suffix (kind_for_file) and can be changed; a SHA-256 is optional (the node
checks what arrived against it). Only pools READY on a host and able to take uploads are
offered (console.images.pool_targets); the others are listed with the reason.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from console.images.dialog_parts import NAME_HINT, ImageDialog, Submit, Taken
from console.images.pool_targets import Targets
from console.images.transfers import UploadRequest
from domain.errors import ValidationError
from domain.images import (
    ImageKind,
    kind_for_file,
    name_for_file,
)
from wire.image_codec import KIND_TO_PB

OVA_INSTEAD = "is an OVA: Import OVA… (Ctrl+I) unpacks it into a template"


class UploadDialog(ImageDialog):
    def __init__(
        self, targets: Targets, submit: Submit, taken: Taken, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            "Upload ISO or Disk Image", "&Upload", targets, "an upload", submit, parent
        )
        self.setObjectName("uploadDialog")
        self._taken = taken
        self.file = self.add_file_row(
            "&File:",
            "An ISO or a disk image (qcow2, raw) on this machine",
            "Images (*.iso *.qcow2 *.img *.raw);;All files (*)",
        )
        self.add_kind_row((ImageKind.ISO, ImageKind.DISK), "Guessed from the suffix")
        self.add_name_row("&Name:", NAME_HINT)
        self.add_target_row()
        self.add_sha256_row()
        self.finish_layout()

    def file_chosen(self, path: Path) -> None:
        if not self.name.touched:
            self.name.set_text(name_for_file(path.name))
        guess = kind_for_file(path.name)
        if not self.kind_chosen and guess is not ImageKind.OVA_TEMPLATE:
            self.kind.set_text(guess.name)

    def selected_kind(self) -> ImageKind:
        return ImageKind[str(self.kind_combo.currentData())]

    def cross_check(self) -> None:
        path = self.file.value
        is_ova = isinstance(path, Path) and kind_for_file(path.name) is ImageKind.OVA_TEMPLATE
        if self.file.is_valid and is_ova:
            self.file.set_external_error(OVA_INSTEAD, visible=True)
        target = self.target()
        name = self.name.text()
        if self.name.is_valid and target is not None and self._taken(target.pool, name):
            self.name.set_external_error(
                f"is already used in pool {target.pool}: choose another name", visible=True
            )

    def build(self) -> UploadRequest:
        target = self.target()
        path = self.file.value
        if target is None or not isinstance(path, Path):
            raise ValidationError("file", "is required")
        return UploadRequest(
            path=path,
            pool=target.pool,
            host=target.host,
            name=self.name.text(),
            kind=KIND_TO_PB[self.selected_kind()],
            size_bytes=self.file_size,
            sha256=str(self.sha256.value or ""),
        )
