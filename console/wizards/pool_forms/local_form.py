"""Local directory: one absolute path on one host."""

from __future__ import annotations

import posixpath

from console.wizards.pool_forms.form import BackendForm
from domain.pools import Backend, LocalDirSource, Source, validate_pool_directory

# Where a local pool goes unless the user says otherwise: under the node daemon's data dir
# (node_daemon.options.DEFAULT_DATA_DIR), named after the pool, so two pools never share one.
DEFAULT_POOLS_DIR = "/var/lib/quantix/pools"


class LocalForm(BackendForm):
    backend = Backend.LOCAL_DIR

    def build(self) -> None:
        self.path = self.row(
            "&Path:",
            self.line("/var/lib/quantix/pools/images"),
            "local.path",
            "An absolute directory on the host, without '..'; created if it does not exist.",
            lambda text: validate_pool_directory(text, "local.path"),
        )

    def name_changed(self, name: str) -> None:
        # The default path follows the name until the user types a path of their own.
        if not self.path.touched:
            self.path.set_text(posixpath.join(DEFAULT_POOLS_DIR, name) if name else "")

    def source(self) -> Source:
        return LocalDirSource(self.path.text())
