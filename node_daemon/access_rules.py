"""Who may call each node daemon RPC (``serving.access`` enforces it).

Only the coordinator changes a host: a console or a script goes through the coordinator, which
keeps the desired state and the audit log. Reads also answer admins of any role (the console's
host detail reads a node directly).
"""

from __future__ import annotations

from serving.access import COORDINATOR_ONLY, Rule, at_least_or
from trust.config import COORDINATOR_ROLE

SERVICE = "quantix.v1.NodeDaemon"

_READ = at_least_or("viewer", COORDINATOR_ROLE)

_RULES: dict[str, Rule] = {
    "GetHostInfo": _READ,
    "ListStoragePools": _READ,
    "ListNetworks": _READ,
    "ListVolumes": _READ,
    "GetStoragePoolXml": _READ,
    "GetNetworkXml": _READ,
    "InitStoragePool": COORDINATOR_ONLY,
    "DestroyStoragePool": COORDINATOR_ONLY,
    "InitNetwork": COORDINATOR_ONLY,
    "DestroyNetwork": COORDINATOR_ONLY,
    "InitSwitch": COORDINATOR_ONLY,
    "DestroySwitch": COORDINATOR_ONLY,
    "GetSwitchHealth": _READ,
    # Re-reads a pool's figures; changes no setting.
    "RefreshStoragePool": at_least_or("operator", COORDINATOR_ROLE),
    # Images. Only the coordinator starts work or issues tickets; an upload's bytes come from
    # an operator's console or quantixctl, and are written only with a ticket the coordinator
    # issued for that very identity (checked by the upload itself).
    "AddTransferTicket": COORDINATOR_ONLY,
    "UploadImage": at_least_or("operator", COORDINATOR_ROLE),
    "StartDownload": COORDINATOR_ONLY,
    "CancelJob": COORDINATOR_ONLY,
    "DeleteVolumes": COORDINATOR_ONLY,
}

RULES = {f"/{SERVICE}/{method}": rule for method, rule in _RULES.items()}
