"""A real HTTP/1.1 server on loopback for download tests, with the misbehaviours real servers
have: Range support (or not), redirects, error statuses, a connection cut halfway, a stall, a
trickle. It runs an asyncio server on a thread of its own, so tests drive it from any loop and
it keeps serving while the code under test blocks or is cancelled.

Every request is recorded (method, path, headers) so tests can assert what the client asked,
e.g. that a resume sent ``Range: bytes=<size>-``.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import threading
from dataclasses import dataclass, field

# A test that waits on the server (a request, a disconnect) fails after this long instead of
# hanging; every wait is met within milliseconds when the code under test is right.
WAIT_TIMEOUT_S = 30.0
# Body bytes per write: small enough that a cut or stall lands where the test asked.
PIECE_BYTES = 64 << 10


@dataclass
class Served:
    """A file served at a path, and how the server misbehaves with it."""

    data: bytes
    honour_range: bool = True  # False: a server that answers every Range with a 200
    cut_at: int | None = None  # close the connection once the body reaches this byte (once)
    stall_at: int | None = None  # send up to this byte, then nothing until the client leaves
    trickle: bool = False  # one byte at a time, slowly, never idle for long
    status: int = 200  # anything else: this status with a short text body
    content_type: str = "application/octet-stream"


@dataclass
class Redirect:
    location: str
    status: int = 302


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names


_REASONS = {
    200: "OK",
    206: "Partial Content",
    302: "Found",
    301: "Moved Permanently",
    404: "Not Found",
    416: "Range Not Satisfiable",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


@dataclass
class HttpServer:
    tls: ssl.SSLContext | None = None  # set: an HTTPS server
    routes: dict[str, Served | Redirect] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    port: int = 0

    def __post_init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task[None]] = set()
        self._changed = threading.Condition()
        self.client_disconnects = 0  # connections the client closed while the server waited

    # --- the test's side (any thread) ---

    def start(self) -> HttpServer:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._start(), self._loop)
        self._server = future.result(WAIT_TIMEOUT_S)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(WAIT_TIMEOUT_S)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(WAIT_TIMEOUT_S)
        self._loop.close()

    def url(self, path: str) -> str:
        scheme = "https" if self.tls is not None else "http"
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def serve(self, path: str, data: bytes, **options: object) -> str:
        self.routes[path] = Served(data, **options)  # type: ignore[arg-type]
        return self.url(path)

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        self.routes[path] = Redirect(location, status)
        return self.url(path)

    def requests_for(self, path: str) -> list[Request]:
        with self._changed:
            return [request for request in self.requests if request.path == path]

    def wait_for_disconnects(self, count: int) -> None:
        """Until the client has closed ``count`` connections the server was holding open."""
        with self._changed:
            if not self._changed.wait_for(lambda: self.client_disconnects >= count, WAIT_TIMEOUT_S):
                raise AssertionError(
                    f"the client closed {self.client_disconnects} connections, not {count}"
                )

    # --- the server's loop ---

    async def _start(self) -> asyncio.Server:
        return await asyncio.start_server(self._connection, "127.0.0.1", 0, ssl=self.tls)

    async def _stop(self) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._handlers):
            task.cancel()
        await asyncio.gather(*self._handlers, return_exceptions=True)

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        try:
            while await self._one_request(reader, writer):
                pass
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError):
            pass
        finally:
            self._handlers.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _one_request(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        """Serve one request; False when the connection is to close."""
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, path, _version = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        with self._changed:
            self.requests.append(Request(method, path, headers))
            self._changed.notify_all()
        route = self.routes.get(path)
        if isinstance(route, Redirect):
            await self._respond(writer, route.status, {"Location": route.location}, b"")
            return True
        if route is None or route.status != 200:
            status = 404 if route is None else route.status
            await self._respond(writer, status, {}, f"{status} {_REASONS[status]}\n".encode())
            return True
        return await self._serve_file(route, headers.get("range", ""), reader, writer)

    async def _serve_file(
        self,
        route: Served,
        range_header: str,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> bool:
        size = len(route.data)
        start = 0
        headers = {"Content-Type": route.content_type, "Accept-Ranges": "bytes"}
        status = 200
        if range_header.startswith("bytes=") and route.honour_range:
            first, _, _last = range_header[len("bytes=") :].partition("-")
            start = int(first)
            if start >= size:
                headers["Content-Range"] = f"bytes */{size}"
                await self._respond(writer, 416, headers, b"")
                return True
            status = 206
            headers["Content-Range"] = f"bytes {start}-{size - 1}/{size}"
        headers["Content-Length"] = str(size - start)
        writer.write(self._head(status, headers))
        position = start
        while position < size:
            end = min(size, position + (1 if route.trickle else PIECE_BYTES))
            for limit in (route.cut_at, route.stall_at):
                if limit is not None and position < limit < end:
                    end = limit
            writer.write(route.data[position:end])
            try:
                await writer.drain()
            except ConnectionError:
                # The client left while the body was still going out (on a loaded machine it
                # may cancel before this thread reaches the stall): a disconnect all the same.
                self._client_left()
                return False
            position = end
            if route.cut_at is not None and position == route.cut_at:
                route.cut_at = None  # once: the retry gets the rest
                return False
            if route.stall_at is not None and position == route.stall_at:
                await self._wait_for_client_to_leave(reader)
                return False
            if route.trickle:
                await asyncio.sleep(0.01)
        return True

    async def _wait_for_client_to_leave(self, reader: asyncio.StreamReader) -> None:
        with contextlib.suppress(ConnectionError):
            while await reader.read(PIECE_BYTES):
                pass
        self._client_left()

    def _client_left(self) -> None:
        with self._changed:
            self.client_disconnects += 1
            self._changed.notify_all()

    async def _respond(
        self, writer: asyncio.StreamWriter, status: int, headers: dict[str, str], body: bytes
    ) -> None:
        headers = {**headers, "Content-Length": str(len(body))}
        writer.write(self._head(status, headers) + body)
        await writer.drain()

    @staticmethod
    def _head(status: int, headers: dict[str, str]) -> bytes:
        lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
