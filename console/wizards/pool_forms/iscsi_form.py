"""iSCSI: portal, target, optional LUN, initiator (kernel or user space) and optional CHAP."""

from __future__ import annotations

from console.wizards.pool_forms.form import BackendForm
from domain.pools import (
    DEFAULT_ISCSI_PORT,
    Backend,
    IscsiInitiator,
    IscsiSource,
    Source,
    validate_host_port,
    validate_iscsi_name,
    validate_lun,
)


def _optional_iqn(text: str) -> str:
    return validate_iscsi_name(text, "iscsi.initiator_iqn") if text.strip() else ""


class IscsiForm(BackendForm):
    backend = Backend.ISCSI

    def build(self) -> None:
        self.portal = self.row(
            "&Portal:",
            self.line(f"san.example.com or 192.0.2.20:{DEFAULT_ISCSI_PORT}"),
            "iscsi.portal",
            f"host[:port] of the target's portal (port {DEFAULT_ISCSI_PORT} by default).",
            lambda text: validate_host_port(text, "iscsi.portal", DEFAULT_ISCSI_PORT),
        )
        self.target = self.row(
            "&Target IQN:",
            self.line("iqn.2024-01.com.example:storage"),
            "iscsi.target_iqn",
            "The target's name: iqn.YYYY-MM.reversed.domain[:id], or an eui. or naa. name.",
            lambda text: validate_iscsi_name(text, "iscsi.target_iqn"),
        )
        self.lun = self.row(
            "&LUN:",
            self.line("Optional"),
            "iscsi.lun",
            "Optional LUN number, 0-16383.",
            validate_lun,
        )
        self.initiator = self.row(
            "Initiator &kind:",
            self.combo(
                [
                    ("Host kernel (open-iscsi)", IscsiInitiator.KERNEL.value),
                    ("User space (libiscsi, no iscsid)", IscsiInitiator.USERSPACE.value),
                ],
                IscsiInitiator.KERNEL.value,
            ),
            "iscsi.initiator",
            "The kernel initiator needs iscsid on each host; user space needs an initiator IQN.",
        )
        self.initiator_iqn = self.row(
            "&Initiator IQN:",
            self.line("Optional: iqn.2024-01.com.example:host"),
            "iscsi.initiator_iqn",
            "Optional with the kernel initiator (the host's own is used); required in user space.",
            _optional_iqn,
        )
        self.chap_user = self.row(
            "CHAP &user:",
            self.line("Optional"),
            "iscsi.chap_user",
            "Optional. Give both user and secret when the target requires CHAP.",
        )
        self.chap_secret = self.row(
            "CHAP s&ecret:",
            self.line("Optional", secret=True),
            "iscsi.chap_secret",
            "12-255 characters. Kept in a libvirt secret on each host; never shown again.",
        )

    def source(self) -> Source:
        return IscsiSource(
            portal=self.portal.text(),
            target_iqn=self.target.text(),
            lun=validate_lun(self.lun.text()),
            initiator_iqn=self.initiator_iqn.text().strip(),
            chap_user=self.chap_user.text(),
            chap_secret=self.chap_secret.text(),
            initiator=IscsiInitiator(self.initiator.text()),
        )
