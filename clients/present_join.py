"""How join tokens read, in quantixctl and the console alike."""

from __future__ import annotations

from typing import Any

from clients.present import clock_time, iso_time, timestamp_seconds
from domain.join import JoinString, describe_ttl, join_command
from proto.quantix.v1 import coordinator_pb2 as pb

JOIN_TOKEN_STATE_LABELS: dict[int, str] = {
    pb.JOIN_TOKEN_STATE_VALID: "Valid",
    pb.JOIN_TOKEN_STATE_USED: "Used",
    pb.JOIN_TOKEN_STATE_EXPIRED: "Expired",
    pb.JOIN_TOKEN_STATE_REVOKED: "Revoked",
}


def token_state_text(token: pb.JoinToken, now: float) -> str:
    """``Valid until 13:05:00``, ``Used by host-b at 12:10:03``, ``Revoked by alice``..."""
    label = JOIN_TOKEN_STATE_LABELS.get(token.state, f"Unknown ({token.state})")
    if token.state == pb.JOIN_TOKEN_STATE_VALID:
        return f"{label} until {clock_time(timestamp_seconds(token.expires_at) or 0, now)}"
    if token.state == pb.JOIN_TOKEN_STATE_USED:
        used = clock_time(timestamp_seconds(token.used_at) or 0, now)
        return f"{label} by {token.used_by} at {used}"
    if token.state == pb.JOIN_TOKEN_STATE_REVOKED:
        return f"{label} by {token.revoked_by}"
    if token.state == pb.JOIN_TOKEN_STATE_EXPIRED:
        return f"{label} at {clock_time(timestamp_seconds(token.expires_at) or 0, now)}"
    return label


def token_validity_text(token: pb.JoinToken, now: float) -> str:
    """``Single use, valid until 13:05:00 (1 hour)``: what an admin reads next to a new
    join string."""
    created = timestamp_seconds(token.created_at) or now
    expires = timestamp_seconds(token.expires_at) or now
    life = describe_ttl(round(expires - created))
    return f"Single use, valid until {clock_time(expires, now)} ({life})"


def token_summary(token: pb.JoinToken) -> dict[str, Any]:
    """``quantixctl hosts join-token --list --json``: never a secret."""
    return {
        "id": token.id,
        "state": JOIN_TOKEN_STATE_LABELS.get(token.state, str(token.state)).lower(),
        "created_at": iso_time(token.created_at),
        "created_by": token.created_by,
        "expires_at": iso_time(token.expires_at),
        "used_at": iso_time(token.used_at),
        "used_by": token.used_by,
        "revoked_at": iso_time(token.revoked_at),
        "revoked_by": token.revoked_by,
    }


def new_token_summary(join: JoinString, token: pb.JoinToken) -> dict[str, Any]:
    """``quantixctl hosts join-token --json``: the join string and the command to run."""
    return {**token_summary(token), "join_string": str(join), "command": join_command(join)}
