"""Uploads into a directory pool on the real libvirtd (qemu:///system), through a real node
daemon over mutual TLS: the coordinator's identity adds the ticket, the operator's identity
streams the file with the client the console and quantixctl use (clients.image_upload), or,
where a test needs to stop half-way, part by part on the raw stub.

What a user would notice: the volume is there with the right bytes and facts, a sparse image
stays sparse, and every failure or refusal leaves nothing behind in the pool and says why.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import secrets
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import grpc
import pytest

from clients.image_upload import FileChanged, encoded_data, send_file
from node_daemon.transfer_journal import JOURNAL_NAME
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import node_pb2 as npb
from proto.quantix.v1 import node_pb2_grpc as npb_grpc
from tests.node.conftest import (
    NodeProcess,
    new_task_id,
    node_stubs,
    ticket_request,
    uploader_channel,
)
from tests.node.pool_specs import call

MiB = 1024 * 1024
# A condition the node reaches in well under a second here; the bound only fails a broken test.
WAIT_S = 30.0


def random_file(path: Path, size: int) -> str:
    """``size`` random bytes at ``path``; their sha256."""
    digest = hashlib.sha256()
    with path.open("wb") as file:
        for _ in range(size // MiB):
            chunk = os.urandom(MiB)
            digest.update(chunk)
            file.write(chunk)
    return digest.hexdigest()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(4 * MiB):
            digest.update(chunk)
    return digest.hexdigest()


def volume_names(node: NodeProcess, pool: str) -> set[str]:
    call(node.as_coordinator, lambda c: c.refresh_storage_pool(pool))
    return {v.name for v in call(node.as_coordinator, lambda c: c.list_volumes(pool))}


def journal_text(node: NodeProcess) -> str:
    path = node.log_path.parent / "data" / JOURNAL_NAME
    return path.read_text() if path.exists() else '{"transfers": []}'


async def until(condition: Callable[[], bool], what: str) -> None:
    end = time.monotonic() + WAIT_S
    while not condition():
        assert time.monotonic() < end, f"not within {WAIT_S:.0f} s: {what}"
        await asyncio.sleep(0.02)


def data_part(data: bytes, offset: int) -> npb.UploadImageRequest:
    return npb.UploadImageRequest(data=npb.UploadData(offset=offset, data=data))


# --- the bytes arrive ------------------------------------------------------------------------


def test_a_64_mib_file_lands_in_the_pool_verified_with_its_facts(
    system_node, dir_pool, tmp_path: Path
) -> None:
    pool, pool_dir = dir_pool
    source = tmp_path / "disk.img"
    size = 64 * MiB
    digest = random_file(source, size)
    task, secret = new_task_id(), secrets.token_urlsafe(32)
    seen: list[tuple[int, int]] = []

    async def run() -> cpb.ImageFacts:
        async with (
            node_stubs(system_node) as (coordinator, _operator),
            uploader_channel(system_node) as operator,
        ):
            await coordinator.AddTransferTicket(
                ticket_request(task, secret, pool, "disk.img", size, expected_sha256=digest)
            )
            return await send_file(operator, source, secret, lambda d, t: seen.append((d, t)))

    facts = asyncio.run(run())

    stored = pool_dir / "disk.img"
    assert (facts.format, facts.size_bytes, facts.virtual_size_bytes) == ("raw", size, size)
    assert facts.sha256 == digest == sha256_of(stored)
    assert facts.path == str(stored)
    assert facts.allocated_bytes == os.stat(stored).st_blocks * 512 >= size
    assert os.stat(stored).st_mode & 0o777 == 0o600
    assert "disk.img" in volume_names(system_node, pool)
    assert seen[-1] == (size, size)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert '"transfers": []' in journal_text(system_node)
    assert secret not in system_node.log_text()


def test_a_qcow2_image_is_read_by_qemu_img_for_its_format_and_virtual_size(
    system_node, dir_pool, tmp_path: Path
) -> None:
    pool, pool_dir = dir_pool
    source = tmp_path / "cloud.qcow2"
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", str(source), "2G"], check=True)
    subprocess.run(
        ["qemu-io", "-c", "write -P 0x5a 1M 3M", str(source)], check=True, capture_output=True
    )
    size = source.stat().st_size
    task, secret = new_task_id(), secrets.token_urlsafe(32)

    async def run() -> cpb.ImageFacts:
        async with (
            node_stubs(system_node) as (coordinator, _operator),
            uploader_channel(system_node) as operator,
        ):
            await coordinator.AddTransferTicket(
                ticket_request(task, secret, pool, "cloud.qcow2", size)
            )
            return await send_file(operator, source, secret)

    facts = asyncio.run(run())

    assert (facts.format, facts.virtual_size_bytes, facts.size_bytes) == ("qcow2", 2 << 30, size)
    assert sha256_of(pool_dir / "cloud.qcow2") == sha256_of(source) == facts.sha256


def test_a_sparse_1_gib_file_with_8_mib_of_data_arrives_sparse(
    system_node, dir_pool, tmp_path: Path
) -> None:
    pool, pool_dir = dir_pool
    source = tmp_path / "sparse.img"
    size = 1 << 30
    with source.open("wb") as file:
        file.truncate(size)
        for index in range(8):  # 1 MiB of data every 128 MiB, the rest holes
            file.seek(index * 128 * MiB + 5 * MiB)
            file.write(os.urandom(MiB))
    task, secret = new_task_id(), secrets.token_urlsafe(32)
    seen: list[tuple[int, int]] = []

    async def run() -> cpb.ImageFacts:
        async with (
            node_stubs(system_node) as (coordinator, _operator),
            uploader_channel(system_node) as operator,
        ):
            await coordinator.AddTransferTicket(
                ticket_request(task, secret, pool, "sparse.img", size, kind=cpb.IMAGE_KIND_DISK)
            )
            return await send_file(operator, source, secret, lambda d, t: seen.append((d, t)))

    facts = asyncio.run(run())

    stored = pool_dir / "sparse.img"
    allocated = os.stat(stored).st_blocks * 512
    assert stored.stat().st_size == size
    assert 8 * MiB <= allocated <= 12 * MiB  # the data, and not the gigabyte of zeros
    assert facts.allocated_bytes == allocated
    assert facts.sha256 == sha256_of(source) == sha256_of(stored)
    # Holes and data alternate: 8 data parts of 1 MiB and 9 holes between and around them.
    assert len(seen) == 17
    assert seen[-1] == (size, size)


# --- failures leave nothing ------------------------------------------------------------------


async def _half_sent(
    operator: npb_grpc.NodeDaemonStub, secret: str, source: Path, stored: Path
) -> tuple[grpc.aio.StreamUnaryCall, int]:
    """An upload of ``source`` stopped after half its bytes, once the node has written some
    of them to ``stored``."""
    upload = operator.UploadImage()
    await upload.write(npb.UploadImageRequest(ticket=secret))
    half = (await asyncio.to_thread(source.stat)).st_size // 2
    with source.open("rb") as file:
        for offset in range(0, half, MiB):
            await upload.write(data_part(file.read(MiB), offset))
    await until(lambda: stored.exists() and stored.stat().st_size >= MiB, "the node writes")
    return upload, half


def test_cancel_halfway_leaves_no_volume_and_says_where_it_stopped(
    system_node, dir_pool, tmp_path: Path
) -> None:
    pool, pool_dir = dir_pool
    source = tmp_path / "media.iso"
    random_file(source, 64 * MiB)
    task, secret = new_task_id(), secrets.token_urlsafe(32)
    stored = pool_dir / "media.iso"

    async def run() -> grpc.aio.AioRpcError:
        async with node_stubs(system_node) as (coordinator, operator):
            await coordinator.AddTransferTicket(
                ticket_request(task, secret, pool, "media.iso", 64 * MiB, kind=cpb.IMAGE_KIND_ISO)
            )
            upload, _half = await _half_sent(operator, secret, source, stored)
            await coordinator.CancelJob(npb.CancelJobRequest(task_id=task))
            with pytest.raises(grpc.aio.AioRpcError) as ended:
                await upload
            # Unknown (finished) jobs are already over: OK.
            await coordinator.CancelJob(npb.CancelJobRequest(task_id=task))
            return ended.value

    ended = asyncio.run(run())

    assert ended.code() == grpc.StatusCode.CANCELLED
    assert ended.details().startswith("upload to host-real stopped at ")
    assert ended.details().endswith(" of 64.0 MiB: cancelled")
    assert not stored.exists()
    assert "media.iso" not in volume_names(system_node, pool)
    assert '"transfers": []' in journal_text(system_node)


def test_a_broken_stream_leaves_no_volume(system_node, dir_pool, tmp_path: Path) -> None:
    pool, pool_dir = dir_pool
    source = tmp_path / "broken.img"
    random_file(source, 32 * MiB)
    task, secret = new_task_id(), secrets.token_urlsafe(32)
    stored = pool_dir / "broken.img"

    async def run() -> None:
        async with node_stubs(system_node) as (coordinator, operator):
            await coordinator.AddTransferTicket(
                ticket_request(task, secret, pool, "broken.img", 32 * MiB)
            )
            upload, _half = await _half_sent(operator, secret, source, stored)
            upload.cancel()  # the console went away mid-upload
            await until(lambda: not stored.exists(), "the partial volume is removed")
            # The job's failure, as its task's final report says it (the node's log has it).
            await until(lambda: bool(failure_lines()), "the job fails saying why")

    def failure_lines() -> list[str]:
        return [
            line
            for line in system_node.log_text().splitlines()
            if f"job {task} failed" in line and "connection lost" in line
        ]

    asyncio.run(run())

    assert "broken.img" not in volume_names(system_node, pool)
    assert re.search(
        r"upload to host-real stopped at [\d.]+ MiB of 32\.0 MiB: connection lost",
        failure_lines()[0],
    )


def test_a_checksum_mismatch_is_refused_and_nothing_is_left(
    system_node, dir_pool, tmp_path: Path
) -> None:
    pool, pool_dir = dir_pool
    source = tmp_path / "a.img"
    digest = random_file(source, 4 * MiB)
    other = "0" * 64

    async def run() -> list[grpc.aio.AioRpcError]:
        refusals = []
        async with (
            node_stubs(system_node) as (coordinator, operator),
            uploader_channel(system_node) as sender,
        ):
            # The sender read other bytes than the node received.
            secret = secrets.token_urlsafe(32)
            await coordinator.AddTransferTicket(
                ticket_request(new_task_id(), secret, pool, "a.img", 4 * MiB)
            )
            upload = operator.UploadImage()
            await upload.write(npb.UploadImageRequest(ticket=secret))
            await upload.write(data_part(source.read_bytes(), 0))
            await upload.write(npb.UploadImageRequest(sha256=other))
            await upload.done_writing()
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await upload
            refusals.append(refused.value)
            # The file is not what the user said it would be.
            secret = secrets.token_urlsafe(32)
            await coordinator.AddTransferTicket(
                ticket_request(new_task_id(), secret, pool, "a.img", 4 * MiB, expected_sha256=other)
            )
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await send_file(sender, source, secret)
            refusals.append(refused.value)
        return refusals

    sender_wrong, expected_wrong = asyncio.run(run())

    assert sender_wrong.code() == expected_wrong.code() == grpc.StatusCode.DATA_LOSS
    assert sender_wrong.details() == (
        "upload to host-real stopped at 4.0 MiB of 4.0 MiB: checksum mismatch: the sender read "
        f"00000000…, got {digest[:8]}…"
    )
    assert expected_wrong.details().endswith(
        f"checksum mismatch: expected 00000000…, got {digest[:8]}…"
    )
    assert list(pool_dir.iterdir()) == []


# --- refusals before any byte ----------------------------------------------------------------


def test_tickets_that_do_not_allow_the_upload_are_refused_and_nothing_is_written(
    system_node, dir_pool, tmp_path: Path
) -> None:
    pool, pool_dir = dir_pool
    source = tmp_path / "t.iso"
    random_file(source, MiB)
    iso = cpb.IMAGE_KIND_ISO
    used, wrong_identity, expired, cancelled = (secrets.token_urlsafe(32) for _ in range(4))
    cancelled_task = new_task_id()

    async def run() -> dict[str, grpc.aio.AioRpcError]:
        refusals = {}
        async with (
            node_stubs(system_node) as (coordinator, _operator),
            uploader_channel(system_node) as operator,
        ):
            for secret, volume, options in (
                (used, "used.iso", {}),
                (wrong_identity, "admin.iso", {"identity": "local-admin"}),
                (expired, "late.iso", {"expires_in_s": -120.0}),
            ):
                await coordinator.AddTransferTicket(
                    ticket_request(new_task_id(), secret, pool, volume, MiB, kind=iso, **options)
                )
            await coordinator.AddTransferTicket(
                ticket_request(cancelled_task, cancelled, pool, "gone.iso", MiB, kind=iso)
            )
            # Cancelled before its upload began (the coordinator's CancelTask): the ticket
            # opens nothing any more.
            await coordinator.CancelJob(npb.CancelJobRequest(task_id=cancelled_task))
            await send_file(operator, source, used)
            for label, secret in (
                ("cancelled", cancelled),
                ("reused", used),
                ("identity", wrong_identity),
                ("expired", expired),
                ("wrong secret", secrets.token_urlsafe(32)),
                ("no ticket", ""),
            ):
                with pytest.raises(grpc.aio.AioRpcError) as refused:
                    await send_file(operator, source, secret)
                refusals[label] = refused.value
            # A spent ticket stays spent, even for the identity it was issued to.
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                async with uploader_channel(system_node, "admin") as admin:
                    await send_file(admin, source, wrong_identity)
            refusals["spent"] = refused.value
        return refusals

    refusals = asyncio.run(run())

    assert {error.code() for error in refusals.values()} == {grpc.StatusCode.PERMISSION_DENIED}
    details = {label: error.details() for label, error in refusals.items()}
    assert details["cancelled"] == (
        f"host-real: upload refused: the upload of task {cancelled_task} was cancelled"
    )
    assert details["reused"].startswith("host-real: upload refused: the ticket of task ")
    assert details["reused"].endswith(
        "has been used already: a ticket is good for one upload; "
        "start the upload again for a new one"
    )
    assert details["identity"].endswith("was issued to local-admin, not to local-operator")
    assert "expired 2 min ago" in details["expired"] or "expired 120 s ago" in details["expired"]
    assert details["wrong secret"] == (
        "host-real: upload refused: the ticket is not one this host holds (unknown or mistyped)"
    )
    assert details["no ticket"] == (
        "host-real: upload refused: the upload's first message must be its ticket"
    )
    assert "has been used already" in details["spent"]
    assert sorted(p.name for p in pool_dir.iterdir()) == ["used.iso"]
    log = system_node.log_text()
    for secret in (used, wrong_identity, expired):
        assert secret not in log
        assert all(secret not in text for text in details.values())


def test_a_name_that_is_taken_is_refused_before_any_byte_and_the_file_is_kept(
    system_node, dir_pool, tmp_path: Path
) -> None:
    pool, pool_dir = dir_pool
    taken = pool_dir / "taken.iso"
    taken.write_bytes(b"an admin's own ISO")
    source = tmp_path / "new.iso"
    random_file(source, 2 * MiB)
    task, secret = new_task_id(), secrets.token_urlsafe(32)

    async def run() -> grpc.aio.AioRpcError:
        async with (
            node_stubs(system_node) as (coordinator, _operator),
            uploader_channel(system_node) as operator,
        ):
            await coordinator.AddTransferTicket(
                ticket_request(task, secret, pool, "taken.iso", 2 * MiB, kind=cpb.IMAGE_KIND_ISO)
            )
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await send_file(operator, source, secret)
            return refused.value

    refused = asyncio.run(run())

    assert refused.code() == grpc.StatusCode.ALREADY_EXISTS
    assert refused.details() == (
        f"upload of taken.iso to pool {pool} on host-real refused: pool {pool} already has a "
        "volume or file named taken.iso"
    )
    assert taken.read_bytes() == b"an admin's own ISO"


@pytest.mark.parametrize(
    ("volume", "rule"),
    [
        ("../etc/passwd", "volume: must not contain a path separator (got '../etc/passwd')"),
        ("a..b.iso", "volume: must not contain '..' (got 'a..b.iso')"),
        ("x" * 201, "volume: must be at most 200 characters (got 201)"),
    ],
)
def test_a_name_with_a_separator_dots_or_too_long_is_refused_when_the_ticket_is_added(
    system_node, dir_pool, volume: str, rule: str
) -> None:
    pool, pool_dir = dir_pool

    async def run() -> grpc.aio.AioRpcError:
        async with node_stubs(system_node) as (coordinator, _operator):
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await coordinator.AddTransferTicket(
                    ticket_request(new_task_id(), "s", pool, volume, MiB)
                )
            return refused.value

    refused = asyncio.run(run())

    assert refused.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert refused.details() == rule
    assert list(pool_dir.iterdir()) == []


# --- the sender ------------------------------------------------------------------------------


def test_data_parts_go_on_the_wire_exactly_as_the_protobuf_runtime_would_encode_them() -> None:
    # The sender encodes data parts itself (one copy, no message object per MiB); any byte of
    # difference would be a part the node reads wrongly. Offsets and lengths at the edges of
    # protobuf's 7-bit varint groups, the offset 0 that proto3 leaves out, and a whole part.
    for offset in (0, 1, 127, 128, 16_383, 16_384, 5 << 30, 2**64 - 1):
        for length in (1, 127, 128, MiB, MiB + 3):
            payload = os.urandom(length)
            assert encoded_data(offset, payload) == data_part(payload, offset).SerializeToString()


def test_zeros_written_in_full_are_sent_as_holes_and_a_file_that_grows_is_not_sent(
    system_node, dir_pool, tmp_path: Path
) -> None:
    pool, pool_dir = dir_pool
    written = tmp_path / "zeros.img"  # every block allocated, most of them zeros
    data = os.urandom(MiB)
    written.write_bytes(data + bytes(15 * MiB))
    growing = tmp_path / "growing.img"
    random_file(growing, 8 * MiB)
    seen: list[int] = []

    def grow(done: int, _total: int) -> None:
        seen.append(done)
        if len(seen) == 1:  # someone appends to the file while it is being sent
            with growing.open("ab") as file:
                file.write(b"more")

    async def run() -> tuple[cpb.ImageFacts, BaseException]:
        async with (
            node_stubs(system_node) as (coordinator, _operator),
            uploader_channel(system_node) as operator,
        ):
            first, second = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
            await coordinator.AddTransferTicket(
                ticket_request(new_task_id(), first, pool, "zeros.img", 16 * MiB)
            )
            await coordinator.AddTransferTicket(
                ticket_request(new_task_id(), second, pool, "growing.img", 8 * MiB)
            )
            facts = await send_file(operator, written, first)
            with pytest.raises(FileChanged) as changed:
                await send_file(operator, growing, second, grow)
            await until(lambda: not (pool_dir / "growing.img").exists(), "the partial is removed")
            return facts, changed.value

    facts, changed = asyncio.run(run())

    assert facts.sha256 == sha256_of(written)
    assert os.stat(pool_dir / "zeros.img").st_blocks * 512 <= 2 * MiB
    assert str(changed) == (
        f"{growing} changed size while it was being read (it was {8 * MiB} bytes, now "
        f"{8 * MiB + 4}): upload it again once nothing writes to it"
    )
