"""Download cloud image…: the chosen host fetches a URL (or a catalog entry) into a pool.

A catalog entry (domain.image_catalog) fills the URL and the publisher's checksum file, which
the host reads the SHA-256 from; any other http(s) URL can be typed, with an optional SHA-256
or checksum-file URL. The name is pre-filled from the URL's last segment until the user types
one; the kind is guessed from it (a disk image unless it ends in .iso). Only pools READY on a
host that can create volumes are offered.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from console.images.dialog_parts import NAME_HINT, ImageDialog, Submit, Taken
from console.images.pool_targets import Targets
from console.wizards.field_row import FieldRow
from domain.errors import ValidationError
from domain.image_catalog import CatalogImage
from domain.images import ImageKind, kind_for_file, name_for_file, validate_url
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.image_codec import KIND_TO_PB

ANY_URL = ""  # the source combo's data for "a URL of my own"


def last_segment(url: str) -> str:
    """``"https://x/a/b/noble.img?x=1"`` -> ``"noble.img"``."""
    try:
        return urlsplit(url).path.rsplit("/", 1)[-1]
    except ValueError:
        return ""


def optional_url(text: str, field: str) -> str:
    return validate_url(text.strip(), field) if text.strip() else ""


class DownloadDialog(ImageDialog):
    def __init__(
        self,
        targets: Targets,
        submit: Submit,
        taken: Taken,
        catalog: Sequence[CatalogImage] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Download Cloud Image", "&Download", targets, "a download", submit, parent)
        self.setObjectName("downloadDialog")
        self._taken = taken
        self.catalog = tuple(catalog)
        self.source_combo = QComboBox(self)
        self.source_combo.setObjectName("catalogEntry")
        self.source_combo.addItem("Any URL (type it below)", ANY_URL)
        for entry in self.catalog:
            self.source_combo.addItem(f"{entry.label} — {entry.os}", entry.id)
        self.source = self.add_row(
            FieldRow(
                self,
                "&Image:",
                self.source_combo,
                field="catalog_id",
                hint="A well-known cloud image (its checksum is read from its publisher), "
                "or any URL"
                if self.catalog
                else "No built-in catalog in this console: type any URL",
            )
        )
        self.source_combo.currentIndexChanged.connect(self._on_source_changed)
        self.url = self.add_row(
            FieldRow(
                self,
                "&URL:",
                QLineEdit(self),
                field="url",
                hint="http:// or https://; redirects are followed",
                validator=lambda text: validate_url(text.strip(), "url"),
            )
        )
        self.url.changed.connect(self._on_url_changed)
        self.checksum_url = self.add_row(
            FieldRow(
                self,
                "Checksum &file:",
                QLineEdit(self),
                field="checksum_url",
                hint="Optional: the publisher's SHA256SUMS URL, read for this file's SHA-256",
                validator=lambda text: optional_url(text, "checksum_url"),
            )
        )
        self.add_sha256_row()
        self.add_kind_row((ImageKind.DISK, ImageKind.ISO), "Guessed from the URL")
        self.add_name_row("&Name:", NAME_HINT)
        self.add_target_row()
        self.finish_layout()

    # --- what follows from what -------------------------------------------------------------

    def entry(self) -> CatalogImage | None:
        entry_id = self.source_combo.currentData()
        return next((e for e in self.catalog if e.id == entry_id), None)

    def _on_source_changed(self, _index: int) -> None:
        entry = self.entry()
        for row in (self.url, self.checksum_url):
            editor = row.editor
            assert isinstance(editor, QLineEdit)
            editor.setReadOnly(entry is not None)
        if entry is not None:
            self.url.set_text(entry.url)
            self.checksum_url.set_text(entry.checksum_url)
            self.sha256.set_text("")
        self.sha256.editor.setEnabled(entry is None)
        self.revalidate()

    def _on_url_changed(self) -> None:
        segment = last_segment(self.url.text().strip())
        if not segment:
            return
        if not self.name.touched:
            self.name.set_text(name_for_file(segment))
        if not self.kind_chosen:
            guess = kind_for_file(segment)
            self.kind.set_text((ImageKind.ISO if guess is ImageKind.ISO else ImageKind.DISK).name)

    # --- checking -------------------------------------------------------------------------

    def cross_check(self) -> None:
        target = self.target()
        name = self.name.text()
        if self.name.is_valid and target is not None and self._taken(target.pool, name):
            self.name.set_external_error(
                f"is already used in pool {target.pool}: choose another name", visible=True
            )

    def ready_text(self) -> str:
        target = self.target()
        host = target.host if target is not None else "the host"
        return f"Ready: {host} fetches the image itself; this console need not stay open."

    def build(self) -> pb.CreateDownloadRequest:
        target = self.target()
        if target is None:
            raise ValidationError("pool", "is required")
        request = pb.CreateDownloadRequest(
            pool=target.pool,
            host=target.host,
            name=self.name.text(),
            kind=KIND_TO_PB[ImageKind[str(self.kind_combo.currentData())]],
        )
        entry = self.entry()
        if entry is not None:
            request.catalog_id = entry.id
        else:
            request.url = self.url.text().strip()
            request.checksum_url = str(self.checksum_url.value or "")
            request.sha256 = str(self.sha256.value or "")
        return request
