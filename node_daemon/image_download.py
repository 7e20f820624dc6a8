"""Download a URL into a file on the node: streamed, hashed as it arrives, resumable, verified.

``download_into(dest, url, ...)`` is the whole interface; the daemon's download job calls it
with the volume's path and reports ``progress(done, total)`` as the task's progress.

- HTTP(S) with httpx: redirects followed (at most ``MAX_REDIRECTS``), the body streamed as the
  server sends it and written in ``CHUNK_BYTES`` blocks. Bytes are stored exactly as published
  (``Accept-Encoding: identity`` is asked, and the raw body is kept even if a server encodes it
  anyway): they are what the publisher's checksum covers and what a Range request counts.
- Writing and hashing run on one worker thread per download, one block in flight while the
  next arrives: a 1 MiB SHA-256 takes milliseconds and a write can block for much longer when
  the host's page cache is full of dirty pages, neither of which the event loop (RPCs,
  heartbeats, other jobs) may wait for. ``hashlib`` and file writes release the GIL.
- Resume: with ``resume=True`` the bytes already in ``dest`` are hashed first, then the rest is
  asked for with ``Range: bytes=<size>-``. 206 appends; 200 (the server ignored Range) starts
  over; 416 with the file already complete finishes without a transfer (any other 416 starts
  over). A file that changed on the server between attempts fails the checksum at the end.
- Checksums: ``expected_sha256``, or else the checksum file at ``checksum_url`` (fetched first,
  so a wrong checksum URL fails before any image byte moves). The file is looked up under the
  image URL's name and, if the server redirected, the final URL's name. Debian publishes
  SHA-512 only: a SHA-512 is verified the same way; SHA-256 is always what is returned.
- Deadlines: connecting (TCP and TLS) and each read have one (``DownloadTimeouts``); a server
  that trickles fewer than ``slow_min_bytes`` per ``slow_window_s`` is a stall too. Nothing
  waits forever.
- Cancellation (CancelledError) closes the connection and leaves what was written in ``dest``:
  the caller keeps it for a Retry or removes it. Every failure raises DownloadFailed, whose text
  names the URL and the HTTP status or the network cause; a checksum mismatch says
  "checksum mismatch" and the caller removes the file.
- TLS trusts the host's CA store (``ssl.create_default_context()``: OpenSSL's default paths,
  e.g. /etc/ssl/certs on Debian, /etc/pki/tls on RHEL; SSL_CERT_FILE/SSL_CERT_DIR honoured), not
  httpx's default certifi bundle: an admin who adds the company CA with update-ca-certificates
  expects every tool on the host, curl included, to trust an internal mirror. Proxies set in
  the daemon's environment (HTTPS_PROXY, NO_PROXY) are used, as curl would use them.
- Speed: httpx reads the socket 64 KiB at a time (httpcore's READ_NUM_BYTES), which costs more
  CPU per byte than curl; on a busy 2-core test VM over loopback, 1 GiB into tmpfs took
  3.2-4.1 s (with SHA-256) against curl's 1.3-1.8 s (no hash). A 1 Gb/s link (~118 MB/s) is
  the limit long before either.
"""

from __future__ import annotations

import asyncio
import errno
import hashlib
import os
import ssl
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import httpx

from domain.checksums import (
    CHECKSUM_FILE_MAX_BYTES,
    ChecksumFileError,
    DigestAlgorithm,
    NoLineForFile,
    PublishedDigest,
    checksum_source,
    file_name_of,
    find_digest_for_any,
    shown_name,
    url_for_message,
)
from domain.images import IMAGE_SIZE_MAX, validate_sha256, validate_url
from domain.units import format_bytes

# Blocks written and hashed at a time: 1 MiB keeps the per-block overhead (a thread hand-off,
# a write call) below 1 % at disk speed, as the upload path's 1 MiB gRPC chunks do.
CHUNK_BYTES = 1 << 20
# Mirror redirectors send one or two hops (download.fedoraproject.org -> a mirror, a CDN to an
# edge); 10 follows any real chain and stops a loop early (browsers allow 20, curl 50).
MAX_REDIRECTS = 10
# Shown in servers' logs, so a mirror admin can tell who is downloading.
USER_AGENT = "Quantix-node (cloud image download)"

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class DownloadTimeouts:
    # TCP connect plus TLS handshake: a far mirror answers in well under a second; 30 s allows
    # a slow DNS and a lossy link, and still fails a dead host in a reasonable time.
    connect_s: float = 30.0
    # No byte at all for this long is a stalled server. Busy mirrors pause for seconds; 60 s
    # is nginx's default send_timeout, after which the server itself would give up.
    read_s: float = 60.0
    # The whole checksum file (~1 KB) must arrive within this: it bounds a server that sends it
    # a byte at a time.
    checksum_file_s: float = 60.0
    # A server that trickles (a byte now and then, never idle for read_s) is stalled too: less
    # than 1 MiB in 5 minutes (~3.4 KiB/s) would take a week for a 2 GiB image.
    slow_window_s: float = 300.0
    slow_min_bytes: int = 1 << 20

    def __post_init__(self) -> None:
        for name in ("connect_s", "read_s", "checksum_file_s", "slow_window_s"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be more than 0 (got {getattr(self, name)})")
        if self.slow_min_bytes < 0:
            raise ValueError(f"slow_min_bytes cannot be negative (got {self.slow_min_bytes})")


@dataclass(frozen=True)
class DownloadResult:
    size: int  # bytes in dest
    sha256: str  # hex, lower case, of dest's bytes


class DownloadFailed(Exception):
    """The download cannot finish; ``str()`` names the URL and the HTTP status or the network
    cause ("GET https://example.org/x.img: 404 Not Found")."""


class BadDownload(DownloadFailed):
    """What arrived is no good and must not be kept for a Retry: a checksum mismatch, a body
    larger than allowed, a disk that filled up."""


async def download_into(
    dest: Path,
    url: str,
    *,
    expected_sha256: str = "",
    checksum_url: str = "",
    resume: bool = False,
    progress: ProgressCallback | None = None,
    timeouts: DownloadTimeouts = DownloadTimeouts(),  # frozen: one shared default is safe
    max_bytes: int = IMAGE_SIZE_MAX,
) -> DownloadResult:
    """Download ``url`` into ``dest`` (see the module's docstring); DownloadFailed when it
    cannot, ValidationError for a bad URL or checksum before anything is touched."""
    validate_url(url, "url")
    expected_sha256 = validate_sha256(expected_sha256, "sha256")
    if checksum_url and not expected_sha256:
        validate_url(checksum_url, "checksum_url")
    async with _client(timeouts) as client:
        checks = _Checks(expected_sha256)
        if not expected_sha256 and checksum_url:
            content = await _fetch_checksum_file(client, checksum_url, timeouts)
            checks.read_checksum_file(content, checksum_url, url)
        sink = _Sink(dest, checks.algorithms(), max_bytes)
        try:
            await sink.open(keep=resume)
            final_url = await _transfer(client, url, sink, checks, progress, timeouts)
            await sink.finish()
        finally:
            await sink.close()
        checks.verify(sink, file_name_of(str(final_url)), url)
        return DownloadResult(sink.size, sink.hexdigest(DigestAlgorithm.SHA256))


def _client(timeouts: DownloadTimeouts) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        verify=ssl.create_default_context(),
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        timeout=httpx.Timeout(
            connect=timeouts.connect_s,
            read=timeouts.read_s,
            write=timeouts.read_s,
            pool=timeouts.connect_s,
        ),
        headers={"User-Agent": USER_AGENT},
    )


# --- the checksum -------------------------------------------------------------------------------


class _Checks:
    """What the file must hash to: given, or read from the publisher's checksum file."""

    def __init__(self, expected_sha256: str) -> None:
        self.digest: PublishedDigest | None = (
            PublishedDigest(DigestAlgorithm.SHA256, expected_sha256, "the SHA-256 given")
            if expected_sha256
            else None
        )
        self._content = b""  # the checksum file, when the lookup waits for the final URL
        self._checksum_url = ""

    def read_checksum_file(self, content: bytes, checksum_url: str, url: str) -> None:
        """Look the image up under its URL's name now, so the right digest is computed while
        the bytes arrive; a file listing it only under a redirect's name is read at the end."""
        try:
            self.digest = find_digest_for_any(content, (file_name_of(url),), checksum_url)
        except NoLineForFile:
            self._content, self._checksum_url = content, checksum_url
        except ChecksumFileError as error:
            raise DownloadFailed(str(error)) from None

    def algorithms(self) -> tuple[DigestAlgorithm, ...]:
        if self.digest is None and self._content:  # not known until the final URL: both
            return (DigestAlgorithm.SHA256, DigestAlgorithm.SHA512)
        if self.digest is not None and self.digest.algorithm is DigestAlgorithm.SHA512:
            return (DigestAlgorithm.SHA256, DigestAlgorithm.SHA512)
        return (DigestAlgorithm.SHA256,)

    def look_up_final_name(self, final_url: str, url: str) -> None:
        """Before the body is read: the checksum file must list the image under one of its
        names, or the download stops here instead of after gigabytes."""
        if self.digest is not None or not self._content:
            return
        names = (file_name_of(final_url), file_name_of(url))
        try:
            self.digest = find_digest_for_any(self._content, names, self._checksum_url)
        except ChecksumFileError as error:
            raise DownloadFailed(str(error)) from None

    def verify(self, sink: _Sink, file_name: str, url: str) -> None:
        if self.digest is None:
            return  # nothing to compare with: the caller records the SHA-256 it got
        actual = sink.hexdigest(self.digest.algorithm)
        if actual != self.digest.hex:
            label = self.digest.algorithm.label
            raise BadDownload(
                f"checksum mismatch: {shown_name(file_name) or url_for_message(url)} has {label} "
                f"{actual[:16]}…, but {self.digest.source} says {self.digest.hex[:16]}…"
            )


async def _fetch_checksum_file(
    client: httpx.AsyncClient, checksum_url: str, timeouts: DownloadTimeouts
) -> bytes:
    what = f"the checksum file {checksum_source(checksum_url)}"
    try:
        async with asyncio.timeout(timeouts.checksum_file_s):
            async with client.stream("GET", checksum_url) as response:
                if response.status_code != 200:
                    raise DownloadFailed(f"{_status_text(response, checksum_url)} ({what})")
                data = bytearray()
                async for piece in response.aiter_bytes():  # decoded: its text is what counts
                    data += piece
                    if len(data) > CHECKSUM_FILE_MAX_BYTES:
                        raise DownloadFailed(
                            f"{what} is larger than {format_bytes(CHECKSUM_FILE_MAX_BYTES)}: "
                            "not a checksum file"
                        )
                return bytes(data)
    except TimeoutError:
        raise DownloadFailed(
            f"{what} did not arrive within {timeouts.checksum_file_s:g} s"
        ) from None
    except httpx.HTTPError as error:
        raise _network_failure(error, checksum_url, None, timeouts, what) from None


# --- the transfer -------------------------------------------------------------------------------


async def _transfer(
    client: httpx.AsyncClient,
    url: str,
    sink: _Sink,
    checks: _Checks,
    progress: ProgressCallback | None,
    timeouts: DownloadTimeouts,
) -> httpx.URL:
    """GET the body into ``sink`` (the rest of it when sink holds a partial file); the URL it
    finally came from."""
    restarted = False
    while True:
        offset = sink.size
        headers = {"Accept-Encoding": "identity"}
        if offset:
            headers["Range"] = f"bytes={offset}-"
        try:
            async with client.stream("GET", url, headers=headers) as response:
                status = response.status_code
                if status == 416 and offset and not restarted:
                    if _range_total(response) == offset:
                        checks.look_up_final_name(str(response.url), url)
                        _report(progress, offset, offset)
                        return response.url  # complete already: nothing left to send
                    restarted = True  # the partial file is not a prefix of this one
                    await sink.restart()
                    continue
                if status == 206 and offset:
                    total = _checked_range(response, offset, url)
                elif status == 200:
                    if offset:  # the server ignored Range: its whole body follows
                        await sink.restart()
                    total = _content_length(response)
                else:
                    raise DownloadFailed(_status_text(response, url))
                checks.look_up_final_name(str(response.url), url)
                await _receive(response, sink, total, progress, timeouts, url)
                if status == 206 and total and sink.size != total:
                    raise DownloadFailed(
                        f"GET {url_for_message(str(response.url))}: the server sent bytes up to "
                        f"{format_bytes(sink.size)} of {format_bytes(total)} and no more"
                    )
                return response.url
        except httpx.HTTPError as error:
            raise _network_failure(error, url, sink, timeouts) from None


async def _receive(
    response: httpx.Response,
    sink: _Sink,
    total: int,
    progress: ProgressCallback | None,
    timeouts: DownloadTimeouts,
    url: str,
) -> None:
    loop = asyncio.get_running_loop()
    _report(progress, sink.size, total)
    pending: list[bytes] = []
    pending_bytes = 0
    window_start, window_bytes = loop.time(), 0
    try:
        async for piece in response.aiter_raw():  # the bytes as published, whatever the encoding
            pending.append(piece)
            pending_bytes += len(piece)
            window_bytes += len(piece)
            if pending_bytes >= CHUNK_BYTES:
                block, pending, pending_bytes = pending, [], 0
                await sink.write(block)
                _report(progress, sink.size, total)
            now = loop.time()
            if now - window_start >= timeouts.slow_window_s:
                if window_bytes < timeouts.slow_min_bytes:
                    raise DownloadFailed(
                        f"GET {url_for_message(str(response.url))}: stalled at "
                        f"{format_bytes(sink.size + pending_bytes)}: only "
                        f"{format_bytes(window_bytes)} in {timeouts.slow_window_s:g} s"
                    )
                window_start, window_bytes = now, 0
    finally:
        # What arrived is kept, also when the connection broke: a Retry resumes after it.
        # (Not when cancelled: the caller is waiting, and the partial file is valid either way.)
        if pending and not _cancelling():
            await sink.write(pending)
        # Also when the connection broke: the job says how far it got ("stopped at") from the
        # last report, which must count the bytes just kept.
        _report(progress, sink.size, total)


def _cancelling() -> bool:
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


def _report(progress: ProgressCallback | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, max(total, done) if total else 0)


def _content_length(response: httpx.Response) -> int:
    text = response.headers.get("Content-Length", "")
    return int(text) if text.isascii() and text.isdigit() else 0


def _range_total(response: httpx.Response) -> int | None:
    """The complete length from 'Content-Range: bytes */1234' (a 416's), if it says."""
    text = response.headers.get("Content-Range", "")
    _, _, total = text.rpartition("/")
    return int(total) if total.isascii() and total.isdigit() else None


def _checked_range(response: httpx.Response, offset: int, url: str) -> int:
    """A 206's total length (0 when '*'), after checking it starts where the file ends."""
    text = response.headers.get("Content-Range", "")
    unit, _, rest = text.partition(" ")
    span, _, total = rest.partition("/")
    start, _, _end = span.partition("-")
    if unit != "bytes" or not (start.isascii() and start.isdigit()) or int(start) != offset:
        raise DownloadFailed(
            f"GET {url_for_message(str(response.url))}: asked for the bytes from {offset:,}, "
            f"the server sent Content-Range {text[:60]!r}"
        )
    return int(total) if total.isascii() and total.isdigit() else 0


def _status_text(response: httpx.Response, url: str) -> str:
    text = f"GET {url_for_message(str(response.url))}: {response.status_code}"
    if response.reason_phrase:
        text += f" {response.reason_phrase[:60]}"
    if str(response.url) != url:
        text += f" (redirected from {url_for_message(url)})"
    return text


def _network_failure(
    error: httpx.HTTPError,
    url: str,
    sink: _Sink | None,
    timeouts: DownloadTimeouts,
    what: str = "",
) -> DownloadFailed:
    """The error's URL (after redirects), its cause in words, and how far the file got."""
    try:
        failed_url = str(error.request.url)
    except RuntimeError:  # an error raised before a request existed
        failed_url = url
    where = f"GET {url_for_message(failed_url)}"
    kind = type(error).__name__
    done = f" after {format_bytes(sink.size)}" if sink is not None and sink.size else ""
    detail = str(error)[:160]
    if isinstance(error, httpx.ConnectTimeout):
        cause = f"no connection within {timeouts.connect_s:g} s ({kind})"
    elif isinstance(error, httpx.ConnectError):
        cause = f"cannot connect: {detail} ({kind})"
    elif isinstance(error, httpx.ReadTimeout):
        cause = f"stalled: no data for {timeouts.read_s:g} s{done} ({kind})"
    elif isinstance(error, httpx.TooManyRedirects):
        cause = f"more than {MAX_REDIRECTS} redirects"
    elif isinstance(error, httpx.UnsupportedProtocol):
        cause = f"redirected to an address that is not http or https ({detail})"
    elif isinstance(error, httpx.TransportError):
        cause = f"connection lost{done or ' before the whole response arrived'} ({kind})"
    else:
        cause = f"{detail} ({kind})"
    return DownloadFailed(f"{where}: {cause}" + (f" ({what})" if what else ""))


# --- the file -----------------------------------------------------------------------------------


class _Sink:
    """``dest`` and its digests, written on a worker thread of its own, one block in flight.

    ``size`` counts the bytes handed over (the file's length once ``finish`` returns). A write
    error surfaces at the next ``write``/``finish`` as DownloadFailed naming the file.
    """

    def __init__(self, dest: Path, algorithms: tuple[DigestAlgorithm, ...], max_bytes: int) -> None:
        self.dest = dest
        self.size = 0
        # A body may say any length, or none, and go on for ever: it stops here.
        self.max_bytes = max_bytes
        self._algorithms = algorithms
        self._hashes = {a: hashlib.new(a.value) for a in algorithms}
        self._file: BinaryIO | None = None
        # One thread, so blocks are written and hashed in order.
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="download")
        self._in_flight: Future[None] | None = None
        self._stop = threading.Event()  # ends hashing an existing partial file early

    async def open(self, *, keep: bool) -> None:
        """Open ``dest``: with ``keep``, a partial file stays and is hashed first."""
        self.size = await self._run(self._open, keep)

    async def write(self, block: list[bytes]) -> None:
        """Hand over one block (the pieces as they arrived: not joined, which would copy
        every byte once more on the event loop's thread)."""
        length = sum(map(len, block))
        if self.size + length > self.max_bytes:
            raise BadDownload(
                f"writing {self.dest}: the download is larger than the "
                f"{format_bytes(self.max_bytes)} it may take (the largest image, or the pool's "
                "free space less a reserve)"
            )
        await self._wait_in_flight()
        self._in_flight = self._thread.submit(self._write, block)
        self.size += length

    async def restart(self) -> None:
        """Throw away what is there: the body that follows starts at byte 0."""
        await self._wait_in_flight()
        await self._run(self._truncate)
        self.size = 0

    async def finish(self) -> None:
        """Every block written (an error in the last one raises here)."""
        await self._wait_in_flight()
        await self._run(self._flush)

    async def close(self) -> None:
        """Close the file, after the block being written (also when cancelled: the thread
        cannot be interrupted, and the file must not close under it)."""
        self._stop.set()
        in_flight, self._in_flight = self._in_flight, None
        if in_flight is not None:
            await asyncio.wait([asyncio.wrap_future(in_flight)])
        await asyncio.wait([asyncio.wrap_future(self._thread.submit(self._close))])
        self._thread.shutdown(wait=False)

    def hexdigest(self, algorithm: DigestAlgorithm) -> str:
        return self._hashes[algorithm].hexdigest()

    async def _wait_in_flight(self) -> None:
        in_flight, self._in_flight = self._in_flight, None
        if in_flight is not None:
            await self._checked(asyncio.wrap_future(in_flight))

    async def _run(self, fn: Callable[..., int | None], *args: object) -> int:
        return await self._checked(asyncio.wrap_future(self._thread.submit(fn, *args))) or 0

    async def _checked(self, future: asyncio.Future[int | None]) -> int | None:
        try:
            return await future
        except OSError as error:
            where = f" at {format_bytes(self.size)}" if self.size else ""
            failure = BadDownload if error.errno == errno.ENOSPC else DownloadFailed
            raise failure(f"writing {self.dest}{where}: {error.strerror or error}") from None

    # On the worker thread:

    def _open(self, keep: bool) -> int:
        # Never through a symbolic link: the pool's directory may be writable by others, and
        # the daemon runs as root.
        flags = os.O_RDWR | os.O_CLOEXEC | os.O_NOFOLLOW
        try:
            fd = os.open(self.dest, flags if keep else flags | os.O_CREAT | os.O_TRUNC, 0o600)
        except FileNotFoundError:
            fd = os.open(self.dest, flags | os.O_CREAT, 0o600)
            keep = False
        self._file = os.fdopen(fd, "r+b")
        if not keep:
            self._file.truncate(0)
            return 0
        size = 0
        while not self._stop.is_set() and (block := self._file.read(CHUNK_BYTES)):
            self._hash(block)
            size += len(block)
        return size

    def _write(self, block: list[bytes]) -> None:
        assert self._file is not None
        self._file.writelines(block)
        for piece in block:
            self._hash(piece)

    def _hash(self, block: bytes) -> None:
        for digest in self._hashes.values():
            digest.update(block)

    def _truncate(self) -> None:
        assert self._file is not None
        self._file.seek(0)
        self._file.truncate()
        self._hashes = {a: hashlib.new(a.value) for a in self._algorithms}

    def _flush(self) -> None:
        assert self._file is not None
        self._file.flush()

    def _close(self) -> None:
        if self._file is not None:
            self._file.close()
