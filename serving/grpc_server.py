"""Building, running and stopping a grpc.aio server the same way in both daemons."""

from __future__ import annotations

import asyncio
import functools
import logging
import signal
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import ParamSpec, TypeVar

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from clients.channels import KEEPALIVE_TIME_MS, MAX_MESSAGE_BYTES, is_loopback
from domain.errors import ValidationError
from wire.metadata import FIELD_KEY

log = logging.getLogger(__name__)

# In-flight RPCs get this long to finish on SIGTERM before they are cancelled: enough for a
# libvirt call to return, short enough for systemd's default 90 s stop timeout.
GRACEFUL_STOP_S = 5.0


def server_options() -> list[tuple[str, int]]:
    return [
        ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
        ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
        # Accept the clients' keepalive pings (see clients.channels) instead of answering
        # them with GOAWAY "too_many_pings".
        ("grpc.http2.min_ping_interval_without_data_ms", KEEPALIVE_TIME_MS // 2),
        ("grpc.keepalive_permit_without_calls", 1),
        # gRPC binds with SO_REUSEPORT by default: a second coordinator started by mistake on
        # a busy port would silently share its connections. Fail to bind instead.
        ("grpc.so_reuseport", 0),
    ]


class InsecureRefused(ValueError):
    """Plaintext was asked for on an address other hosts can reach."""


def check_insecure_listen(listen: str) -> None:
    """``--insecure`` serves plaintext, so it is refused unless nobody else can connect."""
    host = listen.strip().rpartition(":")[0]
    if not is_loopback(host):
        raise InsecureRefused(
            f"--insecure: refused on {listen}: plaintext is allowed only on a loopback "
            "address (127.0.0.1, ::1); other hosts must use mutual TLS"
        )


class ServingServer:
    """A grpc.aio server with health checking and reflection, bound to one address.

    ``credentials`` None serves plaintext, which only a loopback ``listen`` may do."""

    def __init__(
        self,
        listen: str,
        service_names: Iterable[str],
        credentials: grpc.ServerCredentials | None,
        interceptors: Sequence[grpc.aio.ServerInterceptor] = (),
    ) -> None:
        if credentials is None:
            check_insecure_listen(listen)
        self.server = grpc.aio.server(options=server_options(), interceptors=list(interceptors))
        self.health = health.aio.HealthServicer()
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self.server)
        self._service_names = list(service_names)
        reflection.enable_server_reflection(
            [*self._service_names, health.SERVICE_NAME, reflection.SERVICE_NAME], self.server
        )
        if credentials is None:
            self.port = self.server.add_insecure_port(listen)
        else:
            self.port = self.server.add_secure_port(listen, credentials)
        if self.port == 0:
            raise OSError(f"cannot listen on {listen}")
        self.listen = listen

    def add_port(self, listen: str, credentials: grpc.ServerCredentials) -> int:
        """Serve the same services on a second address with other credentials (the
        coordinator's enrolment port); the bound port."""
        port = self.server.add_secure_port(listen, credentials)
        if port == 0:
            raise OSError(f"cannot listen on {listen}")
        return port

    async def start(self) -> None:
        await self.server.start()
        for name in ["", *self._service_names]:
            await self.health.set(name, health_pb2.HealthCheckResponse.SERVING)

    async def stop(self) -> None:
        for name in ["", *self._service_names]:
            await self.health.set(name, health_pb2.HealthCheckResponse.NOT_SERVING)
        await self.server.stop(GRACEFUL_STOP_S)


def install_stop_signals(stop: asyncio.Event) -> None:
    """SIGTERM and SIGINT set ``stop`` so the daemon shuts down cleanly."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)


async def abort_invalid(context: grpc.aio.ServicerContext, error: ValidationError) -> None:
    """INVALID_ARGUMENT with the field and rule; the field also goes in trailing metadata."""
    context.set_trailing_metadata(((FIELD_KEY, error.field),))
    await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(error))


P = ParamSpec("P")
R = TypeVar("R")


def validated(handler: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """Servicer-method decorator: a ValidationError becomes INVALID_ARGUMENT naming the field.

    Applies to methods ``(self, request, context)``.
    """

    @functools.wraps(handler)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await handler(*args, **kwargs)
        except ValidationError as error:
            context = args[2] if len(args) > 2 else kwargs["context"]
            await abort_invalid(context, error)  # type: ignore[arg-type]
            raise AssertionError("abort() returns only by raising") from error

    return wrapper


def aborts_on(
    errors: Mapping[type[Exception], grpc.StatusCode], hint: str = ""
) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R]]]:
    """Servicer-method decorator: an exception of one of the types in ``errors`` becomes that
    status code, with the exception's message (then ``": " + hint``) as the details.

    Applies to methods ``(self, request, context)``; under ``@validated``, which it lets
    ValidationError through to.
    """
    caught = tuple(errors)

    def decorate(handler: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        @functools.wraps(handler)
        async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return await handler(*args, **kwargs)
            except caught as error:
                context = args[2] if len(args) > 2 else kwargs["context"]
                details = f"{error}: {hint}" if hint else str(error)
                code = next(c for kind, c in errors.items() if isinstance(error, kind))
                await context.abort(code, details)  # type: ignore[attr-defined]
                raise AssertionError("abort() returns only by raising") from error

        return wrapper

    return decorate
