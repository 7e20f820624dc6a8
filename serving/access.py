"""Who may call what: one server interceptor that reads the caller's certificate and checks
every call against its server's table of rules, before the servicer sees the request.

The caller is known from the certificate the TLS handshake verified (gRPC's auth context): its
role (an admin role, node or coordinator), its name, and for a node the host it was issued to.
A rule may also bind a request field to that host: a node speaks only for itself.

A method without a rule is refused: a new RPC is unusable until someone decides who may call
it (a test checks every RPC of both services has one).

With an audit sink, every refused call and every call of a method listed as a change is
reported once it is decided: who, from where, which method, which object, and the result.
"""

from __future__ import annotations

import contextvars
import functools
import inspect
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import grpc

from domain.errors import ValidationError
from domain.validation import validate_hostname
from trust import pki
from trust.config import COORDINATOR_ROLE, NODE_ROLE, ROLES

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Peer:
    """The verified caller of the current RPC."""

    name: str  # the certificate's common name: an admin's name, a host, the coordinator
    role: str
    host: str  # the host of a node's certificate; "" for everyone else
    fingerprint: str  # sha256:<hex> of the certificate

    @property
    def who(self) -> str:
        """How refusals name the caller: ``alice (admin)``."""
        return f"{self.name} ({self.role or 'no role'})"


@dataclass(frozen=True)
class Rule:
    """The roles that may call a method, and how a refusal words the need.

    ``own_host_field``: the request field that must name the caller's own host (a node's
    certificate speaks only for its host). A malformed name there is left to the servicer,
    which refuses it as INVALID_ARGUMENT naming the field."""

    roles: frozenset[str]
    need: str
    needs_certificate: bool = True
    own_host_field: str = ""


def at_least(role: str) -> Rule:
    """An admin role or any stronger one: viewer < operator < admin."""
    stronger = ROLES[ROLES.index(role) :]
    return Rule(frozenset(stronger), f"the {role} role")


def at_least_or(role: str, service: str) -> Rule:
    """An admin role (or stronger) or a service's own certificate."""
    rule = at_least(role)
    return Rule(rule.roles | {service}, f"{rule.need} or the {service}'s certificate")


def node_for_itself(field: str) -> Rule:
    """A node's certificate, for the host the request's ``field`` names."""
    return Rule(frozenset({NODE_ROLE}), "a node's certificate", own_host_field=field)


# Enrolment: a new host has no certificate yet (it proves itself with a join token).
NO_CERTIFICATE = Rule(frozenset(), "nothing", needs_certificate=False)
COORDINATOR_ONLY = Rule(frozenset({COORDINATOR_ROLE}), "the coordinator's certificate")
# Any certificate of the fleet's CA: health checks and reflection.
ANY_CERTIFICATE = Rule(frozenset({*ROLES, NODE_ROLE, COORDINATOR_ROLE}), "a certificate")

# Health checking and reflection answer anyone the handshake let in (standard gRPC tools with
# an identity file).
STANDARD_SERVICES = ("/grpc.health.v1.Health/", "/grpc.reflection.v1alpha.ServerReflection/")


@functools.lru_cache(maxsize=1024)
def _peer(certificate_pem: bytes) -> Peer:
    # Each connection presents the same certificate on every call: parse it once.
    certificate = pki.load_cert(certificate_pem)
    return Peer(
        pki.common_name(certificate),
        pki.role_of(certificate),
        pki.host_of(certificate),
        pki.fingerprint(certificate),
    )


def peer_of(context: grpc.aio.ServicerContext) -> Peer | None:
    """The caller's verified certificate, or None when it presented none."""
    certificates = context.auth_context().get("x509_pem_cert")
    return _peer(certificates[0]) if certificates else None


def caller_name(context: grpc.aio.ServicerContext) -> str:
    """Who made a call, as records name them (an image's or a cluster's ``created_by``, a
    join token's maker): the certificate's name."""
    peer = peer_of(context)
    return peer.name if peer is not None else "anonymous (--insecure)"


def method_name(full: str) -> str:
    """``DeletePool`` of ``/quantix.v1.Coordinator/DeletePool``."""
    return full.rpartition("/")[2]


def _speaks_for_another(rule: Rule, peer: Peer, request: Any) -> str:
    """The well-formed host name the request claims other than the caller's own, or ""."""
    if not rule.own_host_field or request is None:
        return ""
    claimed = getattr(request, rule.own_host_field)
    try:
        claimed = validate_hostname(claimed, rule.own_host_field)
    except ValidationError:
        return ""  # the servicer refuses it, naming the field
    return claimed if claimed != peer.host else ""


@dataclass(frozen=True)
class AuditedCall:
    """One call for the audit log, as the caller's certificate and the outcome tell it."""

    who: str  # the certificate's name; "" without one
    role: str
    peer: str  # gRPC's peer string, e.g. "ipv4:10.0.0.7:51234"
    method: str  # short name, e.g. "DeletePool"
    object: str  # e.g. "pool nfs-a"; "" when the call names none
    code: grpc.StatusCode
    message: str  # the details the caller got; "" on success


AuditSink = Callable[[AuditedCall], None]

# Which object a changing call is about: a label, the request field that names it ("spec.name":
# a nested field) and how many of its characters to keep, e.g. ("pool", "spec.name", 80) for
# CreatePool; a field that may hold a secret by mistake keeps only the part that is not.
Subject = tuple[str, str, int]
# Object names in the audit log are what a client sent: cut to this many characters.
MAX_AUDITED_NAME = 80


def subject_of(request: Any, subject: Subject | None) -> str:
    """``pool nfs-a``: the object a request names, bounded and stripped of control
    characters (it is the caller's text, not yet validated)."""
    if subject is None or request is None:
        return ""
    label, path, keep = subject
    value: Any = request
    for part in path.split("."):
        value = getattr(value, part, "")
    kept = str(value)[: min(keep, MAX_AUDITED_NAME)]
    text = "".join(ch if ch.isprintable() else "?" for ch in kept)
    return f"{label} {text}" if text else label


# What a servicer knows only once the call has run (the ID of the token it made), for the
# audit entry of the current call; "" leaves the entry's object to the request (Subject).
_noted_object: contextvars.ContextVar[str] = contextvars.ContextVar("audit_object", default="")


def note_audit_object(text: str) -> None:
    """Name the object of the current call in its audit entry (e.g. ``join token abc123``)."""
    _noted_object.set(text)


class HostBinding(Protocol):
    def refusal(self, host: str, fingerprint: str) -> str:
        """Why the certificate ``fingerprint`` may not speak for ``host``; "" if it may."""
        ...


class AccessControl(grpc.aio.ServerInterceptor):
    """Checks each call against ``rules`` (full method name -> Rule); with ``bindings``, a
    node's certificate must also be the one its host name is bound to.

    ``enforce`` False (a daemon started with ``--insecure``: there are no certificates to check)
    admits every call and still reports changes to the audit sink."""

    def __init__(
        self,
        rules: Mapping[str, Rule],
        bindings: HostBinding | None = None,
        audit: AuditSink | None = None,
        changes: Mapping[str, Subject] | None = None,
        enforce: bool = True,
    ) -> None:
        self._enforce = enforce
        self._rules = dict(rules)
        self._bindings = bindings
        self._audit = audit
        self._changes = dict(changes or {})

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
        admit = functools.partial(self._admit, method, self.rule_for(method))
        outcome = None
        if self._audit is not None and method in self._changes:
            outcome = functools.partial(self._report, method)
        return _guarded(handler, admit, outcome)

    def _report(
        self,
        method: str,
        context: grpc.aio.ServicerContext,
        request: Any,
        peer: Peer | None,
        code: grpc.StatusCode,
        message: str,
    ) -> None:
        if self._audit is None:
            return
        try:
            self._audit(
                AuditedCall(
                    who=peer.name if peer else "",
                    role=peer.role if peer else "",
                    peer=context.peer() or "",
                    method=method_name(method),
                    object=_noted_object.get() or subject_of(request, self._changes.get(method)),
                    code=code,
                    message=message,
                )
            )
        except Exception:
            # The call's own outcome stands: a broken audit log is the server's problem,
            # logged here, never a different answer to the caller.
            log.exception("could not audit %s", method_name(method))

    async def _admit(
        self, method: str, rule: Rule | None, context: grpc.aio.ServicerContext, request: Any
    ) -> Peer | None:
        """Abort the call unless ``rule`` lets the caller make it (``request``: the request
        of a call with one request, None for streamed requests); the verified caller."""
        if not self._enforce:
            return None
        peer = peer_of(context)
        if rule is not None and not rule.needs_certificate:
            return peer
        name = method_name(method)
        if peer is None:
            code, message = (
                grpc.StatusCode.UNAUTHENTICATED,
                f"{name} needs a client certificate of this fleet's CA",
            )
        elif rule is None:
            code, message = grpc.StatusCode.PERMISSION_DENIED, f"{name} is not open to anyone"
        elif peer.role not in rule.roles:
            code, message = (
                grpc.StatusCode.PERMISSION_DENIED,
                f"{name} needs {rule.need}; {peer.who} may not call it",
            )
        elif other := _speaks_for_another(rule, peer, request):
            code, message = (
                grpc.StatusCode.PERMISSION_DENIED,
                f"the certificate of {peer.host or peer.name} cannot speak for {other}",
            )
        elif rule.own_host_field and self._bindings is not None and peer.host:
            refusal = self._bindings.refusal(peer.host, peer.fingerprint)
            if not refusal:
                return peer
            code, message = grpc.StatusCode.PERMISSION_DENIED, refusal
        else:
            return peer
        log.warning("refused %s from %s: %s", method, peer.who if peer else context.peer(), message)
        self._report(method, context, request, peer, code, message)
        await context.abort(code, message)
        raise AssertionError("abort() returns only by raising")


# Checks a call; returns the verified caller (parsed once per call: reading the auth context
# builds every certificate property, and a change is reported after the call too).
Admit = Callable[[grpc.aio.ServicerContext, Any], Awaitable["Peer | None"]]
# Called with the outcome of an admitted call: (context, request, caller, code, details).
Outcome = Callable[[grpc.aio.ServicerContext, Any, "Peer | None", grpc.StatusCode, str], None]


def _guarded(
    handler: grpc.RpcMethodHandler, admit: Admit, outcome: Outcome | None = None
) -> grpc.RpcMethodHandler:
    """``handler`` with ``admit(context, request)`` run first, for each of the four call
    shapes (``request`` None where requests are streamed); for a call with one request and
    one reply, ``outcome`` is told how the admitted call ended."""
    serializers = {
        "request_deserializer": handler.request_deserializer,
        "response_serializer": handler.response_serializer,
    }
    if handler.unary_unary is not None:
        inner_uu = handler.unary_unary

        async def unary_unary(request: Any, context: grpc.aio.ServicerContext) -> Any:
            peer = await admit(context, request)
            _noted_object.set("")
            if outcome is None:
                return await inner_uu(request, context)
            try:
                reply = await inner_uu(request, context)
            except BaseException:
                # An abort set the code and details; anything else reaches the client as
                # UNKNOWN (and is a bug).
                code = context.code()
                details = context.details() or ""
                outcome(context, request, peer, code or grpc.StatusCode.UNKNOWN, details)
                raise
            outcome(context, request, peer, grpc.StatusCode.OK, "")
            return reply

        return grpc.unary_unary_rpc_method_handler(unary_unary, **serializers)
    if handler.stream_unary is not None:
        inner_su = handler.stream_unary

        async def stream_unary(requests: Any, context: grpc.aio.ServicerContext) -> Any:
            await admit(context, None)
            return await inner_su(requests, context)

        return grpc.stream_unary_rpc_method_handler(stream_unary, **serializers)
    if handler.unary_stream is not None:
        return grpc.unary_stream_rpc_method_handler(
            _streaming(handler.unary_stream, admit, one_request=True), **serializers
        )
    return grpc.stream_stream_rpc_method_handler(
        _streaming(handler.stream_stream, admit, one_request=False), **serializers
    )


def _streaming(
    inner: Callable[..., Any], admit: Admit, one_request: bool
) -> Callable[..., AsyncIterator[Any]]:
    async def stream(request: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
        await admit(context, request if one_request else None)
        result = inner(request, context)
        if inspect.isasyncgen(result):
            async for reply in result:
                yield reply
        else:  # a handler that writes with context.write() and returns
            await result

    return stream
