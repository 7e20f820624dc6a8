"""NFS: server, export path, version, mount options and an optional mount point."""

from __future__ import annotations

from console.pool_text import nfs_version_label
from console.wizards.pool_forms.form import BackendForm
from domain.pools import (
    DEFAULT_NFS_VERSION,
    NFS_VERSIONS,
    Backend,
    NfsSource,
    Source,
    parse_mount_options,
    validate_absolute_path,
    validate_nfs_version,
    validate_pool_directory,
    validate_server,
)


def _optional_path(field: str):  # noqa: ANN202 - a validator
    return lambda text: validate_pool_directory(text, field) if text else ""


class NfsForm(BackendForm):
    backend = Backend.NFS

    def build(self) -> None:
        self.server = self.row(
            "&Server:",
            self.line("nas.example.com or 192.0.2.10"),
            "nfs.server",
            "Host name, IPv4 or IPv6 address of the NFS server.",
            lambda text: validate_server(text, "nfs.server"),
        )
        self.export_path = self.row(
            "E&xport path:",
            self.line("/export/vms"),
            "nfs.export_path",
            "The absolute path the server exports.",
            lambda text: validate_absolute_path(text, "nfs.export_path"),
        )
        versions = [(nfs_version_label(v), v) for v in NFS_VERSIONS]
        self.version = self.row(
            "&Version:",
            self.combo(versions, DEFAULT_NFS_VERSION),
            "nfs.version",
            "NFS protocol version; 4.1 unless the server needs another.",
            validate_nfs_version,
        )
        self.options = self.row(
            "Mount &options:",
            self.line("Optional, e.g. soft,timeo=50"),
            "nfs.mount_options",
            "Optional, comma-separated. Not vers= (use Version), suid, dev or exec.",
            parse_mount_options,
        )
        self.mount_point = self.row(
            "Mount poin&t:",
            self.line("Optional: <node data dir>/mnt/<pool name>"),
            "nfs.mount_point",
            "Optional absolute path on each host; one per pool.",
            _optional_path("nfs.mount_point"),
        )

    def source(self) -> Source:
        return NfsSource(
            server=self.server.text(),
            export_path=self.export_path.text(),
            version=self.version.text(),
            mount_options=parse_mount_options(self.options.text()),
            mount_point=self.mount_point.text(),
        )
