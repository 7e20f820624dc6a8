"""Ceph RBD: monitors, pool, user, key (a secret) and an optional namespace."""

from __future__ import annotations

import re

from console.wizards.pool_forms.form import BackendForm
from domain.pools import (
    DEFAULT_CEPH_PORT,
    DEFAULT_CEPH_USER,
    Backend,
    CephSource,
    HostPort,
    Source,
    validate_ceph_key,
    validate_ceph_namespace,
    validate_ceph_pool,
    validate_ceph_user,
    validate_host_port,
)

_SEPARATORS = re.compile(r"[,\s]+")


def split_monitors(text: str) -> tuple[str, ...]:
    """One per line or comma-separated (what `ceph mon dump` and ceph.conf's mon_host give)."""
    return tuple(item for item in _SEPARATORS.split(text.strip()) if item)


def validate_monitors(text: str) -> tuple[HostPort, ...]:
    """Each monitor by the domain's rule; "at least one" and duplicates are the whole-spec
    check's (validate_pool_spec), so their wording is the server's too."""
    return tuple(
        validate_host_port(item, f"ceph.monitors[{i}]", DEFAULT_CEPH_PORT)
        for i, item in enumerate(split_monitors(text))
    )


class CephForm(BackendForm):
    backend = Backend.CEPH_RBD

    def build(self) -> None:
        self.monitors = self.row(
            "&Monitors:",
            self.lines("mon1.example.com\nmon2.example.com:6789"),
            "ceph.monitors",
            "One or more monitors as host[:port] (port 6789 by default), "
            "one per line or comma-separated.",
            validate_monitors,
            required=True,  # at least one (the whole-spec check says so in its words)
        )
        self.pool = self.row(
            "Ceph poo&l:",
            self.line("rbd"),
            "ceph.pool",
            "The RADOS pool that holds the images.",
            validate_ceph_pool,
        )
        self.user = self.row(
            "&User:",
            self.line(DEFAULT_CEPH_USER),
            "ceph.user",
            "The cephx user, without 'client.'.",
            validate_ceph_user,
        )
        self.user.set_text(DEFAULT_CEPH_USER)
        self.key = self.row(
            "&Key:",
            self.line("AQ… (40 characters)", secret=True),
            "ceph.key",
            "As printed by 'ceph auth get-key client.USER'. Kept in a libvirt secret on each "
            "host; never shown again.",
            validate_ceph_key,
        )
        self.namespace = self.row(
            "Namespa&ce:",
            self.line("Optional"),
            "ceph.namespace",
            "Optional RADOS namespace inside the pool.",
            validate_ceph_namespace,
        )

    def source(self) -> Source:
        return CephSource(
            monitors=split_monitors(self.monitors.text()),
            pool=self.pool.text(),
            user=self.user.text(),
            key=self.key.text().strip(),
            namespace=self.namespace.text(),
        )
