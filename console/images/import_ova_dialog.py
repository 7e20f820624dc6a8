"""Import OVA…: an .ova file from this machine becomes a template in a pool on a host.

The file is uploaded like an ISO; its host then extracts it, checks it against its manifest,
converts every disk to qcow2 and registers the template with its OVF facts. The template's
name is pre-filled from the file (without ".ova") and checked as typed; only pools that hold
qcow2 files (domain.images.supports_templates) are offered.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from console.images.dialog_parts import ImageDialog, Submit, Taken
from console.images.pool_targets import Targets
from console.images.transfers import UploadRequest
from domain.errors import ValidationError
from domain.images import name_for_file, template_disk_name
from proto.quantix.v1 import common_pb2 as cpb

NOT_OVA = "must be an .ova archive (an OVF descriptor, its disks and manifest in one tar file)"


class ImportOvaDialog(ImageDialog):
    def __init__(
        self, targets: Targets, submit: Submit, taken: Taken, parent: QWidget | None = None
    ) -> None:
        super().__init__("Import OVA", "&Import", targets, "a template", submit, parent)
        self.setObjectName("importOvaDialog")
        self._taken = taken
        self.file = self.add_file_row(
            "&File:",
            "An .ova exported by VMware, VirtualBox or another OVF tool",
            "OVA archives (*.ova);;All files (*)",
        )
        self.add_name_row(
            "&Template:", "The template's name; its disks become <name>-disk1.qcow2, ..."
        )
        self.add_target_row()
        self.add_sha256_row()
        self.finish_layout()

    def file_chosen(self, path: Path) -> None:
        if not self.name.touched:
            self.name.set_text(name_for_file(path.name))

    def cross_check(self) -> None:
        path = self.file.value
        if self.file.is_valid and isinstance(path, Path) and path.suffix.lower() != ".ova":
            self.file.set_external_error(NOT_OVA, visible=True)
        target = self.target()
        name = self.name.text()
        if self.name.is_valid and target is not None:
            # The template's own record and its first disk's volume must both be free.
            for taken in (name, template_disk_name(name, 1)):
                if self._taken(target.pool, taken):
                    self.name.set_external_error(
                        f"is already used in pool {target.pool} (it holds {taken})", visible=True
                    )
                    break

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
            kind=cpb.IMAGE_KIND_OVA_TEMPLATE,
            size_bytes=self.file_size,
            sha256=str(self.sha256.value or ""),
        )
