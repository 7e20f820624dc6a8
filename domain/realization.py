"""An object realized on hosts (a storage pool, a network, a switch): its phase across its
hosts, and the message that says why it is not READY. One set of rules for every kind.

Aggregation rules (issue 3): READY when every assigned host is ready; DEGRADED when some are
and some are not, naming the failing hosts; ERROR when none is, listing every failing host
with its own error; PENDING while initialization is under way, with the failures so far.
Messages name the object as its caller words it (``subject``: "pool nfs-a", "network lab").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum


class Phase(Enum):
    PENDING = "PENDING"
    READY = "READY"
    DEGRADED = "DEGRADED"
    ERROR = "ERROR"
    OFFLINE = "OFFLINE"  # per host only
    DELETING = "DELETING"


@dataclass(frozen=True)
class HostPhase:
    host: str
    phase: Phase
    message: str = ""


def no_hosts_message(subject: str) -> str:
    return (
        f"No connected nodes available to initialize {subject}: register a node or bring one online"
    )


def offline_message(host: str) -> str:
    """What is stored for a host that is offline: timeless. When it went silent is a fact kept
    beside it, worded when shown (clients.present.pool_host_message)."""
    return f"{host} is offline"


def timeout_message(host: str, deadline_s: float) -> str:
    return f"{host} did not answer within {deadline_s:g} s"


def _failure_text(status: HostPhase) -> str:
    """``host-b: NFS mount failed: ...``; a message that already starts with the host name
    (a timeout) is not prefixed twice."""
    message = status.message or status.phase.value.lower()
    return message if message.startswith(f"{status.host} ") else f"{status.host}: {message}"


def aggregate(subject: str, hosts: Sequence[HostPhase]) -> tuple[Phase, str]:
    if not hosts:
        return Phase.ERROR, no_hosts_message(subject)
    ready = [h for h in hosts if h.phase is Phase.READY]
    pending = [h for h in hosts if h.phase is Phase.PENDING]
    failing = [h for h in hosts if h.phase not in (Phase.READY, Phase.PENDING)]
    failures = "; ".join(_failure_text(h) for h in sorted(failing, key=lambda h: h.host))
    if pending:
        waiting = f"Initializing on {len(pending)} of {len(hosts)} hosts"
        return Phase.PENDING, f"{waiting}; failed so far: {failures}" if failing else waiting
    if len(ready) == len(hosts):
        return Phase.READY, ""
    if ready:
        names = ", ".join(sorted(h.host for h in failing))
        return (
            Phase.DEGRADED,
            f"Ready on {len(ready)} of {len(hosts)} hosts; not on {names}: {failures}",
        )
    return Phase.ERROR, f"Not ready on any host: {failures}"
