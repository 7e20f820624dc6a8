"""How pages, dialogs and wizards reach the coordinator the window shows: a callable that
returns its endpoint (address and the identity the console connected with), or None when the
window is not connected. Asked at each call, so a reconnect elsewhere is followed at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # gRPC and cryptography: not imported for a type (the window shows first)
    from clients.channels import Endpoint
    from trust.credentials import Identity

EndpointSource = Callable[[], "Endpoint | None"]
# The identity node reads present (the one the console connected to the coordinator with).
IdentitySource = Callable[[], "Identity | None"]


def not_connected() -> Endpoint | None:
    return None


def no_identity() -> Identity | None:
    return None


def identity_of(source: EndpointSource) -> IdentitySource:
    """The identity of whatever endpoint ``source`` returns at the time of asking."""

    def identity() -> Identity | None:
        endpoint = source()
        return endpoint.identity if endpoint is not None else None

    return identity
