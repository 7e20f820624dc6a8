"""Who may call what: one server interceptor that reads the caller's certificate and checks
every call against its server's table of rules, before the servicer sees the request.

The caller is known from the certificate the TLS handshake verified (gRPC's auth context): its
role (an admin role, node or coordinator), its name, and for a node the host it was issued to.
The servicer reads that ``Peer`` with ``current_peer()`` (audit, binding a registration to the
node's own certificate).

A method without a rule is refused: a new RPC is unusable until someone decides who may call
it (a test checks every RPC of both services has one).
"""

from __future__ import annotations

import contextvars
import functools
import inspect
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import grpc

from trust import pki
from trust.config import COORDINATOR_ROLE, NODE_ROLE, ROLES

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Peer:
    """The verified caller of the current RPC."""

    name: str  # the certificate's common name: an admin's name, a host, the coordinator
    role: str
    host: str  # the host of a node's certificate; "" for everyone else
    fingerprint: str
    address: str  # where the call came from, as gRPC says it (ipv4:127.0.0.1:50312)

    @property
    def who(self) -> str:
        """How audit lines and refusals name the caller: ``alice (admin)``."""
        return f"{self.name} ({self.role or 'no role'})"


@dataclass(frozen=True)
class Rule:
    """The roles that may call a method, and how a refusal words the need."""

    roles: frozenset[str]
    need: str
    needs_certificate: bool = True


def at_least(role: str) -> Rule:
    """An admin role or any stronger one: viewer < operator < admin."""
    stronger = ROLES[ROLES.index(role) :]
    return Rule(frozenset(stronger), f"the {role} role")


def at_least_or(role: str, service: str) -> Rule:
    """An admin role (or stronger) or a service's own certificate."""
    rule = at_least(role)
    return Rule(rule.roles | {service}, f"{rule.need} or the {service}'s certificate")


NODE_ONLY = Rule(frozenset({NODE_ROLE}), "a node's certificate")
COORDINATOR_ONLY = Rule(frozenset({COORDINATOR_ROLE}), "the coordinator's certificate")
# Any certificate of the fleet's CA: health checks and reflection.
ANY_CERTIFICATE = Rule(frozenset({*ROLES, NODE_ROLE, COORDINATOR_ROLE}), "a certificate")
# No certificate needed: enrolment, which a single-use token authorizes instead.
NO_CERTIFICATE = Rule(frozenset(), "nothing", needs_certificate=False)

# Health checking and reflection answer anyone the handshake let in (standard gRPC tools with
# an identity file).
STANDARD_SERVICES = ("/grpc.health.v1.Health/", "/grpc.reflection.v1alpha.ServerReflection/")

_current_peer: contextvars.ContextVar[Peer | None] = contextvars.ContextVar(
    "quantix_peer", default=None
)


def current_peer() -> Peer | None:
    """The caller of the RPC being served (None outside one, or for an open method called
    without a certificate)."""
    return _current_peer.get()


@functools.lru_cache(maxsize=1024)
def _parse(certificate_pem: bytes) -> tuple[str, str, str, str]:
    # Each connection presents the same certificate on every call: parse it once.
    certificate = pki.load_cert(certificate_pem)
    return (
        pki.common_name(certificate),
        pki.role_of(certificate),
        pki.host_of(certificate),
        pki.fingerprint(certificate),
    )


def peer_of(context: grpc.aio.ServicerContext) -> Peer | None:
    """The caller's verified certificate, or None when it presented none."""
    certificates = context.auth_context().get("x509_pem_cert")
    if not certificates:
        return None
    name, role, host, fingerprint = _parse(certificates[0])
    return Peer(name, role, host, fingerprint, context.peer() or "")


RefusalHook = Callable[[str, Peer | None, grpc.StatusCode, str], None]


def method_name(full: str) -> str:
    """``DeletePool`` of ``/quantix.v1.Coordinator/DeletePool``."""
    return full.rpartition("/")[2]


class AccessControl(grpc.aio.ServerInterceptor):
    """Checks each call against ``rules`` (full method name -> Rule); ``on_refused`` hears of
    every refusal (the coordinator audits them)."""

    def __init__(self, rules: Mapping[str, Rule], on_refused: RefusalHook | None = None) -> None:
        self._rules = dict(rules)
        self._on_refused = on_refused

    def rule_for(self, method: str) -> Rule | None:
        rule = self._rules.get(method)
        if rule is None and method.startswith(STANDARD_SERVICES):
            return ANY_CERTIFICATE
        return rule

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        handler = await continuation(handler_call_details)
        if handler is None:
            return None
        method: str = handler_call_details.method  # type: ignore[attr-defined]
        return _guarded(handler, functools.partial(self._admit, method, self.rule_for(method)))

    async def _admit(
        self, method: str, rule: Rule | None, context: grpc.aio.ServicerContext
    ) -> None:
        peer = peer_of(context)
        _current_peer.set(peer)
        if rule is not None and not rule.needs_certificate:
            return
        name = method_name(method)
        if peer is None:
            await self._refuse(
                context,
                method,
                None,
                grpc.StatusCode.UNAUTHENTICATED,
                f"{name} needs a client certificate of this fleet's CA",
            )
        elif rule is None:
            await self._refuse(
                context,
                method,
                peer,
                grpc.StatusCode.PERMISSION_DENIED,
                f"{name} is not open to anyone",
            )
        elif peer.role not in rule.roles:
            await self._refuse(
                context,
                method,
                peer,
                grpc.StatusCode.PERMISSION_DENIED,
                f"{name} needs {rule.need}; {peer.who} may not call it",
            )

    async def _refuse(
        self,
        context: grpc.aio.ServicerContext,
        method: str,
        peer: Peer | None,
        code: grpc.StatusCode,
        message: str,
    ) -> None:
        log.warning("refused %s from %s: %s", method, peer.who if peer else context.peer(), message)
        if self._on_refused is not None:
            self._on_refused(method, peer, code, message)
        await context.abort(code, message)


Admit = Callable[[grpc.aio.ServicerContext], Awaitable[None]]


def _guarded(handler: grpc.RpcMethodHandler, admit: Admit) -> grpc.RpcMethodHandler:
    """``handler`` with ``admit(context)`` run first, for each of the four call shapes."""
    serializers = {
        "request_deserializer": handler.request_deserializer,
        "response_serializer": handler.response_serializer,
    }
    if handler.unary_unary is not None:
        inner_uu = handler.unary_unary

        async def unary_unary(request: Any, context: grpc.aio.ServicerContext) -> Any:
            await admit(context)
            return await inner_uu(request, context)

        return grpc.unary_unary_rpc_method_handler(unary_unary, **serializers)
    if handler.stream_unary is not None:
        inner_su = handler.stream_unary

        async def stream_unary(requests: Any, context: grpc.aio.ServicerContext) -> Any:
            await admit(context)
            return await inner_su(requests, context)

        return grpc.stream_unary_rpc_method_handler(stream_unary, **serializers)
    if handler.unary_stream is not None:
        return grpc.unary_stream_rpc_method_handler(
            _streaming(handler.unary_stream, admit), **serializers
        )
    return grpc.stream_stream_rpc_method_handler(
        _streaming(handler.stream_stream, admit), **serializers
    )


def _streaming(inner: Callable[..., Any], admit: Admit) -> Callable[..., AsyncIterator[Any]]:
    async def stream(request: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
        await admit(context)
        result = inner(request, context)
        if inspect.isasyncgen(result):
            async for reply in result:
                yield reply
        else:  # a handler that writes with context.write() and returns
            await result

    return stream
