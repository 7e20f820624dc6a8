"""The one place that creates gRPC channels.

Every caller (console, quantixctl, coordinator fan-out, node registration) gets its channel
here, so TLS and credentials can be added in one place later without touching callers.
Channels are grpc.aio channels and must be created inside the running event loop.
"""

from __future__ import annotations

from collections.abc import Sequence

import grpc

from domain.validation import validate_address

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


def open_channel(address: str) -> grpc.aio.Channel:
    """An insecure loopback/LAN channel to ``address`` (validated ``host:port``)."""
    return grpc.aio.insecure_channel(validate_address(address), options=channel_options())
