"""Step 1: which kind of storage. Four choices, each with one line on what it is for."""

from __future__ import annotations

from console.wizards.choice_page import Choice, ChoicePage
from domain.pools import Backend

# Mnemonics avoid N, B and F: the wizard's own Next, Back and Finish buttons use those.
CHOICES: tuple[Choice[Backend], ...] = (
    Choice(
        Backend.LOCAL_DIR,
        "&Local directory",
        "A directory on one host's own disk: simple and fast, used by that host's VMs only.",
    ),
    Choice(
        Backend.NFS,
        "NF&S share",
        "An export of an NFS server, mounted on each host: VMs can move between hosts.",
    ),
    Choice(
        Backend.CEPH_RBD,
        "&Ceph RBD",
        "Block images in a Ceph cluster, reached by every host over the network with a cephx key.",
    ),
    Choice(
        Backend.ISCSI,
        "&iSCSI target",
        "LUNs of an iSCSI target, logged into from each host, with optional CHAP.",
    ),
)


class BackendPage(ChoicePage[Backend]):
    def __init__(self) -> None:
        super().__init__(
            "Kind of storage",
            "Where the pool's volumes live. The next page asks for its settings.",
            CHOICES,
        )

    def backend(self) -> Backend:
        return self.value()

    def set_backend(self, backend: Backend) -> None:
        self.set_value(backend)
