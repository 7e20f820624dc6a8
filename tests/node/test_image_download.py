"""Cloud-image downloads against a real HTTP server on loopback: redirects, error statuses, a
connection cut halfway and resumed with Range, servers that ignore Range, checksum files read
from the publisher's URL, mismatches, stalls, trickles and cancellation."""

from __future__ import annotations

import asyncio
import hashlib
import os
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.errors import ValidationError
from node_daemon.image_download import (
    MAX_REDIRECTS,
    BadDownload,
    DownloadFailed,
    DownloadResult,
    DownloadTimeouts,
    download_into,
)
from tests.http_server import HttpServer
from tests.node.conftest import free_port
from trust import pki

MIB = 1 << 20
NOBLE = "noble-server-cloudimg-amd64.img"
# An image of a few MiB plus an odd tail: several 1 MiB blocks and a short last one.
IMAGE = os.urandom(5 * MIB + 12_345)
IMAGE_SHA256 = hashlib.sha256(IMAGE).hexdigest()


@pytest.fixture
def server() -> Iterator[HttpServer]:
    running = HttpServer().start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def https_server(tmp_path) -> Iterator[tuple[HttpServer, Path]]:
    """An HTTPS server on loopback whose certificate a CA of the test's own signed; the CA's
    PEM file is returned, for the test to make the host trust it or not."""
    ca = pki.make_ca("Mirror test CA")
    issued = pki.issue_server(ca, ["mirror.test"], ["127.0.0.1"])
    (tmp_path / "server.pem").write_bytes(pki.cert_pem(issued.certificate))
    (tmp_path / "server.key").write_bytes(pki.key_pem(issued.key))
    (tmp_path / "ca.pem").write_bytes(pki.cert_pem(ca.certificate))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tmp_path / "server.pem", tmp_path / "server.key")
    running = HttpServer(tls=context).start()
    try:
        yield running, tmp_path / "ca.pem"
    finally:
        running.stop()


class Progress:
    """Every progress(done, total) call, in order."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []

    def __call__(self, done: int, total: int) -> None:
        self.calls.append((done, total))

    def assert_moved_to(self, size: int) -> None:
        dones = [done for done, _ in self.calls]
        assert dones == sorted(dones), "progress went backwards"
        assert len(set(dones)) > 2, "progress did not move in steps"
        assert self.calls[-1] == (size, size)


def download(dest: Path, url: str, **options) -> DownloadResult:
    return asyncio.run(download_into(dest, url, **options))


def failure(dest: Path, url: str, **options) -> str:
    with pytest.raises(DownloadFailed) as error:
        download(dest, url, **options)
    return str(error.value)


def test_a_redirected_download_arrives_whole_with_its_size_sha256_and_progress(server, tmp_path):
    server.serve(f"/images/{NOBLE}", IMAGE)
    url = server.redirect(f"/current/{NOBLE}", server.url(f"/images/{NOBLE}"))
    dest = tmp_path / "noble.img"
    progress = Progress()
    result = download(dest, url, expected_sha256=IMAGE_SHA256.upper(), progress=progress)
    assert result == DownloadResult(len(IMAGE), IMAGE_SHA256)
    assert dest.read_bytes() == IMAGE
    progress.assert_moved_to(len(IMAGE))
    assert {call[1] for call in progress.calls} == {len(IMAGE)}  # Content-Length known at once
    assert server.requests_for(f"/images/{NOBLE}")[0].headers["accept-encoding"] == "identity"


def test_a_404_is_named_with_the_url(server, tmp_path):
    url = server.url("/images/missing.img")
    assert failure(tmp_path / "x.img", url) == f"GET {url}: 404 Not Found"


def test_a_body_larger_than_allowed_is_stopped_and_not_kept_for_a_retry(server, tmp_path):
    server.serve(f"/images/{NOBLE}", IMAGE)
    dest = tmp_path / "noble.img"
    with pytest.raises(BadDownload) as stopped:
        download(dest, server.url(f"/images/{NOBLE}"), max_bytes=len(IMAGE) // 2)
    assert "the download is larger than the" in str(stopped.value)
    assert dest.stat().st_size <= len(IMAGE) // 2  # it stopped there


def test_a_symbolic_link_at_the_destination_is_not_followed(server, tmp_path):
    server.serve(f"/images/{NOBLE}", IMAGE)
    victim = tmp_path / "victim"
    victim.write_bytes(b"keep me")
    (tmp_path / "noble.img").symlink_to(victim)
    with pytest.raises(DownloadFailed, match="Too many levels of symbolic links"):
        download(tmp_path / "noble.img", server.url(f"/images/{NOBLE}"))
    assert victim.read_bytes() == b"keep me"


def test_an_error_after_a_redirect_names_both_urls(server, tmp_path):
    server.serve("/mirror/x.img", b"", status=503)
    url = server.redirect("/x.img", server.url("/mirror/x.img"))
    assert failure(tmp_path / "x.img", url) == (
        f"GET {server.url('/mirror/x.img')}: 503 Service Unavailable (redirected from {url})"
    )


def test_a_redirect_loop_stops_after_the_bound(server, tmp_path):
    url = server.redirect("/loop", "/loop")
    assert failure(tmp_path / "x.img", url) == f"GET {url}: more than {MAX_REDIRECTS} redirects"


def test_nothing_listening_is_a_connection_error_naming_the_url(tmp_path):
    url = f"http://127.0.0.1:{free_port()}/x.img"
    message = failure(tmp_path / "x.img", url)
    assert message.startswith(f"GET {url}: cannot connect: ")
    assert message.endswith("(ConnectError)")


def test_a_connection_cut_halfway_is_resumed_with_a_range_request(server, tmp_path):
    half = len(IMAGE) // 2
    url = server.serve(f"/{NOBLE}", IMAGE, cut_at=half)
    dest = tmp_path / "noble.img"
    message = failure(dest, url, expected_sha256=IMAGE_SHA256)
    assert message == f"GET {url}: connection lost after 2.5 MiB (RemoteProtocolError)"
    assert dest.read_bytes() == IMAGE[:half]  # everything that arrived was kept

    progress = Progress()
    result = download(dest, url, expected_sha256=IMAGE_SHA256, resume=True, progress=progress)

    assert result == DownloadResult(len(IMAGE), IMAGE_SHA256)
    assert dest.read_bytes() == IMAGE
    resumed = server.requests_for(f"/{NOBLE}")[-1]
    assert resumed.headers["range"] == f"bytes={half}-"
    assert progress.calls[0] == (half, len(IMAGE))  # starts where the first attempt stopped
    progress.assert_moved_to(len(IMAGE))


def test_a_server_that_ignores_range_starts_the_file_over(server, tmp_path):
    url = server.serve(f"/{NOBLE}", IMAGE, honour_range=False)
    dest = tmp_path / "noble.img"
    dest.write_bytes(b"stale bytes of another build" * 1000)
    result = download(dest, url, expected_sha256=IMAGE_SHA256, resume=True)
    assert result == DownloadResult(len(IMAGE), IMAGE_SHA256)
    assert dest.read_bytes() == IMAGE
    assert server.requests_for(f"/{NOBLE}")[0].headers["range"] == "bytes=28000-"


def test_a_file_already_complete_is_verified_without_a_transfer(server, tmp_path):
    url = server.serve(f"/{NOBLE}", IMAGE)
    dest = tmp_path / "noble.img"
    dest.write_bytes(IMAGE)
    progress = Progress()
    result = download(dest, url, expected_sha256=IMAGE_SHA256, resume=True, progress=progress)
    assert result == DownloadResult(len(IMAGE), IMAGE_SHA256)
    assert [r.headers["range"] for r in server.requests_for(f"/{NOBLE}")] == [
        f"bytes={len(IMAGE)}-"
    ]
    assert progress.calls == [(len(IMAGE), len(IMAGE))]


def test_a_partial_file_longer_than_the_servers_starts_over(server, tmp_path):
    url = server.serve(f"/{NOBLE}", IMAGE)
    dest = tmp_path / "noble.img"
    dest.write_bytes(IMAGE + b"junk from an older, longer build")
    result = download(dest, url, expected_sha256=IMAGE_SHA256, resume=True)
    assert result == DownloadResult(len(IMAGE), IMAGE_SHA256)
    assert dest.read_bytes() == IMAGE
    ranges = [r.headers.get("range") for r in server.requests_for(f"/{NOBLE}")]
    assert ranges == [f"bytes={len(IMAGE) + 32}-", None]


def ubuntu_sha256sums(digest: str) -> bytes:
    other = hashlib.sha256(b"arm").hexdigest()
    return f"{other} *noble-server-cloudimg-arm64.img\n{digest} *{NOBLE}\n".encode()


def test_the_checksum_is_read_from_the_publishers_checksum_file(server, tmp_path):
    url = server.serve(f"/noble/current/{NOBLE}", IMAGE)
    sums_url = server.serve("/noble/current/SHA256SUMS", ubuntu_sha256sums(IMAGE_SHA256))
    result = download(tmp_path / "noble.img", url, checksum_url=sums_url)
    assert result == DownloadResult(len(IMAGE), IMAGE_SHA256)
    first = server.requests[0]
    assert first.path == "/noble/current/SHA256SUMS"  # the checksum file before the image


def test_a_sha512_checksum_file_is_verified_as_debian_publishes_it(server, tmp_path):
    name = "debian-12-generic-amd64.qcow2"
    url = server.serve(f"/bookworm/latest/{name}", IMAGE)
    sums = f"{hashlib.sha512(IMAGE).hexdigest()}  {name}\n".encode()
    sums_url = server.serve("/bookworm/latest/SHA512SUMS", sums)
    result = download(tmp_path / "debian.qcow2", url, checksum_url=sums_url)
    assert result == DownloadResult(len(IMAGE), IMAGE_SHA256)

    bad = f"{hashlib.sha512(b'other').hexdigest()}  {name}\n".encode()
    server.serve("/bookworm/latest/SHA512SUMS", bad)
    message = failure(tmp_path / "debian.qcow2", url, checksum_url=sums_url)
    assert message.startswith(f"checksum mismatch: {name} has SHA-512 ")
    assert f"but SHA512SUMS at {sums_url} says " in message


def test_a_checksum_file_naming_the_redirected_file_is_read_at_the_final_url(server, tmp_path):
    dated = "AlmaLinux-9-GenericCloud-9.6-20250522.x86_64.qcow2"
    server.serve(f"/images/{dated}", IMAGE)
    url = server.redirect("/images/AlmaLinux-9-GenericCloud-latest.x86_64.qcow2", dated)
    sums_url = server.serve("/images/CHECKSUM", f"{IMAGE_SHA256}  {dated}\n".encode())
    result = download(tmp_path / "alma.qcow2", url, checksum_url=sums_url)
    assert result == DownloadResult(len(IMAGE), IMAGE_SHA256)


def test_a_checksum_file_without_the_image_fails_before_any_image_byte(server, tmp_path):
    url = server.serve(f"/noble/current/{NOBLE}", IMAGE)
    sums_url = server.serve("/noble/current/SHA256SUMS", b"%s *other.img\n" % (b"a" * 64))
    dest = tmp_path / "noble.img"
    progress = Progress()
    message = failure(dest, url, checksum_url=sums_url, progress=progress)
    assert message == f"SHA256SUMS at {sums_url} has no line for {NOBLE}"
    # The image's headers were read (a redirect could have named another file), its body not.
    assert dest.stat().st_size == 0
    assert progress.calls == []


def test_a_missing_checksum_file_is_named(server, tmp_path):
    url = server.serve(f"/{NOBLE}", IMAGE)
    sums_url = server.url("/SHA256SUMS")
    message = failure(tmp_path / "noble.img", url, checksum_url=sums_url)
    assert message == (
        f"GET {sums_url}: 404 Not Found (the checksum file SHA256SUMS at {sums_url})"
    )
    assert server.requests_for(f"/{NOBLE}") == []


def test_a_mismatch_with_the_given_sha256_is_refused(server, tmp_path):
    url = server.serve(f"/{NOBLE}", IMAGE)
    wrong = hashlib.sha256(b"another image").hexdigest()
    message = failure(tmp_path / "noble.img", url, expected_sha256=wrong)
    assert message == (
        f"checksum mismatch: {NOBLE} has SHA-256 {IMAGE_SHA256[:16]}…, but the SHA-256 given "
        f"says {wrong[:16]}…"
    )


def test_a_mismatch_with_the_publishers_checksum_names_the_checksum_file(server, tmp_path):
    url = server.serve(f"/noble/current/{NOBLE}", IMAGE)
    wrong = hashlib.sha256(b"yesterday's build").hexdigest()
    sums_url = server.serve("/noble/current/SHA256SUMS", ubuntu_sha256sums(wrong))
    message = failure(tmp_path / "noble.img", url, checksum_url=sums_url)
    assert message.startswith(f"checksum mismatch: {NOBLE} has SHA-256 {IMAGE_SHA256[:16]}…")
    assert message.endswith(f"but SHA256SUMS at {sums_url} says {wrong[:16]}…")


def test_a_stalled_server_fails_the_download_and_the_connection_is_closed(server, tmp_path):
    url = server.serve(f"/{NOBLE}", IMAGE, stall_at=3 * MIB)
    dest = tmp_path / "noble.img"
    message = failure(dest, url, timeouts=DownloadTimeouts(read_s=0.5))
    assert message == f"GET {url}: stalled: no data for 0.5 s after 3.0 MiB (ReadTimeout)"
    server.wait_for_disconnects(1)
    assert dest.read_bytes() == IMAGE[: 3 * MIB]


def test_a_trickling_server_is_a_stall_too(server, tmp_path):
    url = server.serve(f"/{NOBLE}", IMAGE, trickle=True)
    timeouts = DownloadTimeouts(read_s=5, slow_window_s=0.3, slow_min_bytes=64 << 10)
    message = failure(tmp_path / "noble.img", url, timeouts=timeouts)
    assert message.startswith(f"GET {url}: stalled at ")
    assert " in 0.3 s" in message


def test_cancelling_closes_the_connection_and_leaves_the_partial_file(server, tmp_path):
    url = server.serve(f"/{NOBLE}", IMAGE, stall_at=3 * MIB + 100)
    dest = tmp_path / "noble.img"

    async def main() -> None:
        reached = asyncio.Event()

        def progress(done: int, _total: int) -> None:
            if done >= 2 * MIB:
                reached.set()

        task = asyncio.create_task(download_into(dest, url, progress=progress))
        await asyncio.wait_for(reached.wait(), 30)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    server.wait_for_disconnects(1)
    kept = dest.read_bytes()
    assert len(kept) >= 2 * MIB
    assert kept == IMAGE[: len(kept)]  # a valid prefix: a Retry can resume from it


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"url": "ftp://mirror.example/x.img"}, "url"),
        ({"url": "http://127.0.0.1/x.img", "expected_sha256": "abc"}, "sha256"),
        ({"url": "http://127.0.0.1/x.img", "checksum_url": "file:///etc/passwd"}, "checksum_url"),
    ],
)
def test_bad_input_is_refused_naming_the_field_before_anything_is_touched(tmp_path, options, field):
    dest = tmp_path / "x.img"
    url = options.pop("url")
    with pytest.raises(ValidationError) as error:
        download(dest, url, **options)
    assert error.value.field == field
    assert not dest.exists()


def test_timeouts_that_cannot_work_are_refused():
    with pytest.raises(ValueError, match="read_s must be more than 0"):
        DownloadTimeouts(read_s=0)


def test_https_is_verified_against_the_hosts_ca_store(https_server, tmp_path, monkeypatch):
    server, ca_file = https_server
    url = server.serve(f"/{NOBLE}", IMAGE)
    message = failure(tmp_path / "noble.img", url)  # the host's store: this CA is not in it
    assert message.startswith(f"GET {url}: cannot connect: [SSL: CERTIFICATE_VERIFY_FAILED]")
    assert message.endswith("(ConnectError)")
    assert server.requests_for(f"/{NOBLE}") == []

    # An admin adds the mirror's CA to the host's store (OpenSSL's default location, pointed
    # elsewhere here so the machine's own store is left alone): the download is trusted.
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path / "no-such-dir"))
    result = download(tmp_path / "noble.img", url, expected_sha256=IMAGE_SHA256)
    assert result == DownloadResult(len(IMAGE), IMAGE_SHA256)
