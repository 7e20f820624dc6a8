"""Upload tickets: the coordinator's single-use permission for one identity to write one volume.

The coordinator gives this host the SHA-256 of a ticket's secret (never the secret) with what
the ticket allows: which task, which caller's certificate name, which pool and volume, what
kind of image, how many bytes, until when. The uploader presents the secret as the stream's
first message. Redeeming checks, in constant time against every ticket held, that the secret
hashes to one of them, then that the caller is the ticket's identity and that it has not
expired; a ticket is consumed the moment its secret is presented, even when the check or the
upload after it fails (a secret shown to the wrong identity is spent, not left for a second
try). Refusals say why and never contain the secret.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from domain.errors import ValidationError
from domain.images import (
    ImageKind,
    validate_image_name,
    validate_sha256,
    validate_size,
)
from domain.limits import MAX_SHORT_TEXT, validate_text
from domain.pools import validate_pool_name
from domain.tasks import validate_task_id
from proto.quantix.v1 import node_pb2
from wire.image_codec import KIND_OF
from wire.proto_time import timestamp_seconds

log = logging.getLogger(__name__)

# Tickets held at once. A ticket lives from the coordinator's CreateUpload until the console
# starts streaming (seconds) or it expires (minutes); 256 waiting uploads on one host is far
# beyond what a small fleet's operators start within a ticket's lifetime (the busiest
# case is 20 parallel transfers in the whole fleet), and it bounds both the memory a misbehaving
# coordinator can take and the constant-time scan every redeem makes (256 compares: microseconds).
MAX_TICKETS = 256
# A ticket further in the future than this is a mistake (a clock off by years, a unit error):
# a ticket is for an upload about to start, and a day covers any console left open at a dialog.
MAX_TICKET_LIFETIME_S = 24 * 3600.0
# Expired and used tickets are remembered this long, so a late or repeated upload is told
# "expired" or "already used" instead of "unknown ticket"; they are dropped sooner when the
# book is full.
REMEMBERED_S = 3600.0
# The secret a caller presents: the coordinator makes ~43 characters (32 random bytes in
# URL-safe base64); anything far longer is not a ticket and is not hashed.
SECRET_MAX = 512


def image_kind(value: int, field: str = "kind") -> ImageKind:
    kind = KIND_OF.get(value)
    if kind is None:
        raise ValidationError(field, f"must be ISO, DISK or OVA_TEMPLATE (got {value})")
    return kind


def secret_digest(secret: str) -> str:
    """The hex SHA-256 the coordinator sends for ``secret``."""
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class TransferTicket:
    task_id: str
    secret_sha256: str  # hex
    identity: str  # the certificate name allowed to use it
    pool: str
    volume: str
    kind: ImageKind
    size: int
    expected_sha256: str  # "" when the user gave none
    expires_at: float  # seconds since the epoch


def ticket_from_request(request: node_pb2.AddTransferTicketRequest) -> TransferTicket:
    """The ticket an AddTransferTicket asks for, every field checked with the domain's rules
    (ValidationError names the field)."""
    validate_task_id(request.task_id, "task_id")
    secret_sha256 = validate_sha256(request.secret_sha256, "secret_sha256")
    if not secret_sha256:
        raise ValidationError("secret_sha256", "is required")
    identity = validate_text(request.identity, "identity", MAX_SHORT_TEXT)
    if not identity:
        raise ValidationError("identity", "is required")
    if not request.HasField("expires_at"):
        raise ValidationError("expires_at", "is required")
    return TransferTicket(
        task_id=request.task_id,
        secret_sha256=secret_sha256,
        identity=identity,
        pool=validate_pool_name(request.pool, "pool"),
        volume=validate_image_name(request.volume, "volume"),
        kind=image_kind(request.kind),
        size=validate_size(request.size_bytes, "size_bytes"),
        expected_sha256=validate_sha256(request.expected_sha256, "expected_sha256"),
        expires_at=timestamp_seconds(request.expires_at, "expires_at"),
    )


class TicketRefused(Exception):
    """A presented ticket does not allow this upload; the message says why (no secret)."""


class TooManyTickets(Exception):
    """The book is full of live tickets."""


@dataclass
class _Entry:
    ticket: TransferTicket
    used: bool = False
    cancelled: bool = False


class TicketBook:
    """The tickets this host holds; used on the event loop's thread only."""

    def __init__(self, clock: Callable[[], float] = time.time, capacity: int = MAX_TICKETS) -> None:
        self._clock = clock
        self._capacity = capacity
        self._entries: list[_Entry] = []

    def __len__(self) -> int:
        return sum(1 for entry in self._entries if not entry.used)

    def add(self, ticket: TransferTicket) -> None:
        """Hold ``ticket``; one for the same task replaces it (the coordinator issued again)."""
        now = self._clock()
        if ticket.expires_at > now + MAX_TICKET_LIFETIME_S:
            raise ValidationError(
                "expires_at", f"is more than {MAX_TICKET_LIFETIME_S / 3600:.0f} hours from now"
            )
        self._entries = [e for e in self._entries if e.ticket.task_id != ticket.task_id]
        self._forget(now, room_for=1)
        if len(self._entries) >= self._capacity:
            raise TooManyTickets(
                f"this host already holds {self._capacity} upload tickets that are neither "
                "used nor expired: wait for uploads to start or for their tickets to expire"
            )
        self._entries.append(_Entry(ticket))
        log.info(
            "upload ticket added",
            extra={
                "task": ticket.task_id,
                "pool": ticket.pool,
                "volume": ticket.volume,
                "identity": ticket.identity,
            },
        )

    def redeem(self, secret: str, identity: str | None) -> TransferTicket:
        """The ticket ``secret`` opens for ``identity`` (None: the daemon runs ``--insecure``
        and no caller has a name), consumed; TicketRefused otherwise."""
        if not secret:
            raise TicketRefused("the upload's first message must be its ticket")
        if len(secret) > SECRET_MAX:
            raise TicketRefused("the ticket is not one this host issued for an upload")
        digest = secret_digest(secret).encode()
        found: _Entry | None = None
        # Every entry is compared, in constant time, whatever matches: how long a refusal
        # takes says nothing about how close a guess came.
        for entry in self._entries:
            if hmac.compare_digest(entry.ticket.secret_sha256.encode(), digest):
                found = entry
        now = self._clock()
        if found is None:
            raise TicketRefused("the ticket is not one this host holds (unknown or mistyped)")
        ticket = found.ticket
        if found.cancelled:
            raise TicketRefused(f"the upload of task {ticket.task_id} was cancelled")
        if found.used:
            raise TicketRefused(
                f"the ticket of task {ticket.task_id} has been used already: a ticket is "
                "good for one upload; start the upload again for a new one"
            )
        found.used = True  # spent from here on, whatever follows
        if identity is not None and identity != ticket.identity:
            raise TicketRefused(
                f"the ticket of task {ticket.task_id} was issued to {ticket.identity}, "
                f"not to {identity}"
            )
        if ticket.expires_at <= now:
            raise TicketRefused(
                f"the ticket of task {ticket.task_id} expired "
                f"{_ago(now - ticket.expires_at)} ago: start the upload again for a new one"
            )
        return ticket

    def revoke(self, task_id: str) -> bool:
        """The task was cancelled: its ticket opens nothing from now on. True when it had not
        been used (no upload of it runs here, so nothing on this host will report it)."""
        unused = False
        for entry in self._entries:
            if entry.ticket.task_id == task_id:
                unused = unused or not entry.used
                entry.used = entry.cancelled = True
        return unused

    def _forget(self, now: float, room_for: int) -> None:
        """Drop what is no longer worth remembering; when the book would still be too full,
        the expired and used ones first (oldest expiry first)."""
        self._entries = [e for e in self._entries if e.ticket.expires_at + REMEMBERED_S > now]
        excess = len(self._entries) + room_for - self._capacity
        if excess <= 0:
            return
        spent = sorted(
            (e for e in self._entries if e.used or e.ticket.expires_at <= now),
            key=lambda e: e.ticket.expires_at,
        )
        dropped = {id(e) for e in spent[:excess]}
        self._entries = [e for e in self._entries if id(e) not in dropped]


def _ago(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min"
