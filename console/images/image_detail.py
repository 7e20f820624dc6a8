"""The selected image in full: its name with a phase badge, kind and where, its message whole
(selectable), what its host found (format, sizes, SHA-256, path), where it came from and who put
it there; for an OVA template, the machine its OVF descriptor describes (OS, CPUs, memory,
disks, NICs). Retry and Delete act on it (the page's actions, shown here as buttons)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from console.images import image_text
from console.style import set_state_property
from console.widgets.detail_parts import (
    action_button,
    detail_header,
    form_scroll,
    placeholder_stack,
    show_rows,
    value_label,
)
from proto.quantix.v1 import coordinator_pb2 as pb

EMPTY_TEXT = (
    "Select an image to see its format, sizes, checksum and where it came from.\n"
    "Arrow keys move between images; Tab comes here."
)


class ImageDetail(QWidget):
    def __init__(self, retry: QAction, delete: QAction, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("imageDetail")
        self.stack, self.empty_label = placeholder_stack(self, EMPTY_TEXT)
        body = QWidget(self)
        header = detail_header(body)
        self.title, self.badge, self.subtitle = header.title, header.badge, header.subtitle
        header.icon.setVisible(False)
        self.retry_button = action_button(retry, body)
        self.delete_button = action_button(delete, body)
        self.delete_button.setObjectName("dangerButton")
        header.layout.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignTop)
        header.layout.addWidget(self.delete_button, 0, Qt.AlignmentFlag.AlignTop)
        self.message = value_label(body)
        self.message.setObjectName("imageMessage")

        self.facts_box = QGroupBox("Image", body)
        facts_scroll, self.facts_form = form_scroll(self.facts_box)
        QVBoxLayout(self.facts_box).addWidget(facts_scroll)
        self.ovf_box = QGroupBox("OVF machine", body)
        ovf_scroll, self.ovf_form = form_scroll(self.ovf_box)
        QVBoxLayout(self.ovf_box).addWidget(ovf_scroll)
        boxes = QHBoxLayout()
        boxes.addWidget(self.facts_box, 3)
        boxes.addWidget(self.ovf_box, 2)

        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(header.layout)
        layout.addWidget(self.message)
        layout.addLayout(boxes, 1)
        self.stack.addWidget(body)
        self.facts: dict[str, QLabel] = {}
        self.ovf: dict[str, QLabel] = {}

    def show_image(self, image: pb.Image | None, task: pb.Task | None = None) -> None:
        if image is None:
            self.stack.setCurrentIndex(0)
            return
        self.stack.setCurrentIndex(1)
        self.title.setText(image.name)
        self.badge.setText(image_text.phase_label(image))
        set_state_property(self.badge, "phase", image_text.badge_state(image))
        self.subtitle.setText(
            f"{image_text.kind_label(image.kind)} · {image_text.size_text(image, task)} · "
            f"{image_text.where_text(image)}"
        )
        message = image.message or ("" if image.managed else image_text.FOUND_NOTE)
        self.message.setText(message)
        self.message.setVisible(bool(message))
        self.facts = show_rows(self.facts_form, image_text.fact_rows(image, task))
        has_ovf = image_text.has_ovf(image)
        self.ovf_box.setVisible(has_ovf)
        self.ovf = show_rows(self.ovf_form, image_text.ovf_rows(image.facts.ovf)) if has_ovf else {}
