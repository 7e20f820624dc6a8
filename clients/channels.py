"""The one place that creates gRPC channels.

Every caller (console, quantixctl, coordinator fan-out, node registration) gets its channel
here from an ``Endpoint``: where to dial and who to be. Every channel is mutual TLS with the
fleet's CA as the only trusted root; plaintext exists only towards loopback, for a daemon
started with ``--insecure`` (the TLS-versus-plaintext benchmark). Channels are grpc.aio
channels and must be created inside the running event loop.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass

import grpc

from domain.errors import ValidationError
from domain.validation import parse_address, validate_address
from trust.credentials import Identity, channel_credentials
from trust.pki import node_server_name

MiB = 1024 * 1024

# Bulk transfers stream 1 MiB chunks (NOTES.md: 1 MiB reaches ~1 GB/s on loopback where 64 KiB
# halves that). 16 MiB leaves room for a chunk plus framing and for large inventory replies
# (10,000 nodes with host facts is ~5 MiB) while still refusing a runaway message.
MAX_MESSAGE_BYTES = 16 * MiB

# Keepalive pings every 20 s detect a coordinator that vanished without closing the socket
# (host power-off, cable pulled) within ~30 s instead of the kernel's 2 h TCP timeout, which
# matters for the long-lived Watch stream. Servers are configured to accept this rate.
KEEPALIVE_TIME_MS = 20_000
KEEPALIVE_TIMEOUT_MS = 10_000

# Deadline of a unary call: long enough for a libvirt call on a loaded host, short enough that
# a hung peer is reported to the user within seconds rather than never.
UNARY_DEADLINE_S = 10.0

# Reconnect attempts after a failure are at most this far apart (gRPC's own default is 120 s,
# too long for a console whose user is watching a "reconnecting" banner).
MAX_RECONNECT_BACKOFF_MS = 10_000


def channel_options() -> Sequence[tuple[str, int]]:
    return (
        ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
        ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
        ("grpc.keepalive_time_ms", KEEPALIVE_TIME_MS),
        ("grpc.keepalive_timeout_ms", KEEPALIVE_TIMEOUT_MS),
        ("grpc.keepalive_permit_without_calls", 1),
        ("grpc.http2.max_pings_without_data", 0),
        ("grpc.max_reconnect_backoff_ms", MAX_RECONNECT_BACKOFF_MS),
    )


@dataclass(frozen=True)
class Endpoint:
    """A peer to dial: its ``host:port``, the identity to present (None: plaintext, loopback
    only), and the name its certificate must carry when that is not the address's host (a
    node is verified by its host name, whatever address it has today)."""

    address: str
    identity: Identity | None
    server_name: str = ""

    def with_address(self, address: str) -> Endpoint:
        return Endpoint(address, self.identity, self.server_name)


def node_endpoint(address: str, host: str, identity: Identity | None) -> Endpoint:
    """The node daemon of ``host`` at ``address``: its certificate must be ``host``'s."""
    return Endpoint(address, identity, node_server_name(host))


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def open_channel(endpoint: Endpoint) -> grpc.aio.Channel:
    """A mutual-TLS channel to the endpoint (plaintext only to a loopback address)."""
    address = validate_address(endpoint.address)
    options = list(channel_options())
    if endpoint.identity is None:
        if not is_loopback(parse_address(address).host):
            raise ValidationError(
                "address", f"{address} is not loopback: plaintext is refused (no identity given)"
            )
        return grpc.aio.insecure_channel(address, options=options)
    if endpoint.server_name:
        options.append(("grpc.ssl_target_name_override", endpoint.server_name))
    return grpc.aio.secure_channel(address, channel_credentials(endpoint.identity), options=options)


def open_enrolment_channel(address: str, ca: bytes) -> grpc.aio.Channel:
    """TLS to a coordinator's enrolment port, trusting only ``ca`` (read from the handshake
    and checked against a join string's pin) and presenting no certificate: a new host has
    none yet. The coordinator's certificate must name ``address``'s host, as on every
    channel."""
    address = validate_address(address)
    credentials = grpc.ssl_channel_credentials(root_certificates=ca)
    return grpc.aio.secure_channel(address, credentials, options=list(channel_options()))
