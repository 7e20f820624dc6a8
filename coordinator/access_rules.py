"""Who may call each coordinator RPC (``serving.access`` enforces it).

viewer reads and watches; operator also retries and toggles maintenance; admin does
everything, deletes included. Only a node's own certificate registers, heartbeats and reports,
and only for the host it was issued to.
"""

from __future__ import annotations

from domain.join import TOKEN_ID_LENGTH
from domain.limits import HOSTNAME_MAX_LENGTH
from domain.tasks import TASK_ID_LENGTH
from serving.access import NO_CERTIFICATE, Rule, Subject, at_least, node_for_itself

SERVICE = "quantix.v1.Coordinator"

_RULES: dict[str, Rule] = {
    "RegisterNode": node_for_itself("hostname"),
    "Heartbeat": node_for_itself("hostname"),
    "ReportStoragePools": node_for_itself("hostname"),
    "ListNodes": at_least("viewer"),
    "GetNode": at_least("viewer"),
    "ListPools": at_least("viewer"),
    "GetPool": at_least("viewer"),
    "ListDiscoveredPools": at_least("viewer"),
    "Watch": at_least("viewer"),
    "RetryPool": at_least("operator"),
    "SetNodeMaintenance": at_least("operator"),
    "CreatePool": at_least("admin"),
    "AssignHosts": at_least("admin"),
    "UnassignHosts": at_least("admin"),
    "DeletePool": at_least("admin"),
    "AdoptPool": at_least("admin"),
    "RemoveNode": at_least("admin"),
    "CreateJoinToken": at_least("admin"),
    "ListJoinTokens": at_least("admin"),
    "RevokeJoinToken": at_least("admin"),
    # A new host has no certificate yet: its join token is checked by the servicer.
    "Enrol": NO_CERTIFICATE,
    "ListAuditEntries": at_least("admin"),
    "ListNetworks": at_least("viewer"),
    "GetNetwork": at_least("viewer"),
    "RetryNetwork": at_least("operator"),
    "CreateNetwork": at_least("admin"),
    "UpdateNetwork": at_least("admin"),
    "AssignNetworkHosts": at_least("admin"),
    "UnassignNetworkHosts": at_least("admin"),
    "DeleteNetwork": at_least("admin"),
    "ListSwitches": at_least("viewer"),
    "GetSwitch": at_least("viewer"),
    "RetrySwitch": at_least("operator"),
    "CreateSwitch": at_least("admin"),
    "UpdateSwitch": at_least("admin"),
    "DeleteSwitch": at_least("admin"),
    "ListDiscoveredNetworks": at_least("viewer"),
    "AdoptNetwork": at_least("admin"),
    "ListTasks": at_least("viewer"),
    "GetTask": at_least("viewer"),
    # Stopping a transfer is day-to-day work, like a retry: nothing is deleted by it.
    "CancelTask": at_least("operator"),
    "ReportTaskProgress": node_for_itself("hostname"),
    "ListImages": at_least("viewer"),
    "GetImage": at_least("viewer"),
    # Putting media and templates into pools is day-to-day work; removing one is not undone.
    "CreateUpload": at_least("operator"),
    "CreateDownload": at_least("operator"),
    "RetryImage": at_least("operator"),
    "DeleteImage": at_least("admin"),
    "ListClusters": at_least("viewer"),
    "GetCluster": at_least("viewer"),
    "GetUsageHistory": at_least("viewer"),
    # Clusters carry HA and DRS policy for every host in them: an admin's decision.
    "CreateCluster": at_least("admin"),
    "UpdateCluster": at_least("admin"),
    "DeleteCluster": at_least("admin"),
    "AddClusterHosts": at_least("admin"),
    "RemoveClusterHosts": at_least("admin"),
}

# Names kept in an audit entry: every valid host or pool name fits (MAX_AUDITED_NAME cuts
# anything longer).
NAME_KEPT = HOSTNAME_MAX_LENGTH

# The calls that change something, audited with their outcome (refused calls of every method
# are audited too), and the object each one names. Heartbeats and pool reports are not here:
# they change only a node's own facts, every few seconds.
_CHANGES: dict[str, Subject] = {
    "RegisterNode": ("host", "hostname", NAME_KEPT),
    "SetNodeMaintenance": ("host", "name", NAME_KEPT),
    "RemoveNode": ("host", "name", NAME_KEPT),
    "CreatePool": ("pool", "spec.name", NAME_KEPT),
    "RetryPool": ("pool", "name", NAME_KEPT),
    "AssignHosts": ("pool", "name", NAME_KEPT),
    "UnassignHosts": ("pool", "name", NAME_KEPT),
    "DeletePool": ("pool", "name", NAME_KEPT),
    "AdoptPool": ("pool", "name", NAME_KEPT),
    "CreateJoinToken": ("join token", "", 0),
    # A pasted ID.SECRET keeps its ID only.
    "RevokeJoinToken": ("join token", "id", TOKEN_ID_LENGTH),
    "Enrol": ("host", "hostname", NAME_KEPT),
    "CreateNetwork": ("network", "spec.name", NAME_KEPT),
    "UpdateNetwork": ("network", "spec.name", NAME_KEPT),
    "RetryNetwork": ("network", "name", NAME_KEPT),
    "AssignNetworkHosts": ("network", "name", NAME_KEPT),
    "UnassignNetworkHosts": ("network", "name", NAME_KEPT),
    "DeleteNetwork": ("network", "name", NAME_KEPT),
    "CreateSwitch": ("switch", "spec.name", NAME_KEPT),
    "UpdateSwitch": ("switch", "spec.name", NAME_KEPT),
    "RetrySwitch": ("switch", "name", NAME_KEPT),
    "DeleteSwitch": ("switch", "name", NAME_KEPT),
    "AdoptNetwork": ("network", "name", NAME_KEPT),
    # Progress reports are not here: a few a second per transfer, changing only the task.
    "CancelTask": ("task", "id", TASK_ID_LENGTH),
    "CreateUpload": ("image", "name", NAME_KEPT),
    "CreateDownload": ("image", "name", NAME_KEPT),
    "RetryImage": ("image", "name", NAME_KEPT),
    "DeleteImage": ("image", "name", NAME_KEPT),
    "CreateCluster": ("cluster", "spec.name", NAME_KEPT),
    "UpdateCluster": ("cluster", "spec.name", NAME_KEPT),
    "DeleteCluster": ("cluster", "name", NAME_KEPT),
    "AddClusterHosts": ("cluster", "name", NAME_KEPT),
    "RemoveClusterHosts": ("cluster", "name", NAME_KEPT),
}

RULES = {f"/{SERVICE}/{method}": rule for method, rule in _RULES.items()}
CHANGES = {f"/{SERVICE}/{method}": subject for method, subject in _CHANGES.items()}
