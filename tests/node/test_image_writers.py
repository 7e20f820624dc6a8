"""The stream writer (logical, rbd, zfs... pools: bytes through libvirt's upload stream) on the
real libvirtd. No pool of those types can run here, but a directory pool takes a libvirt
upload stream too, so the same calls are exercised for real: data and holes in order, holes
kept sparse, a taken name refused, and a removed partial volume gone. And the ticket book's
bounds, with a clock of the test's own."""

from __future__ import annotations

import asyncio
import hashlib
import os

import pytest

from domain.errors import ValidationError
from domain.images import ImageKind
from node_daemon.image_stream_writer import StreamWriter
from node_daemon.image_tickets import (
    MAX_TICKET_LIFETIME_S,
    TicketBook,
    TicketRefused,
    TooManyTickets,
    TransferTicket,
    secret_digest,
)
from node_daemon.image_writers import VolumeExists
from node_daemon.libvirt_conn import LibvirtConnection
from tests.node.conftest import new_task_id

MiB = 1024 * 1024


def test_the_stream_writer_sends_data_and_holes_and_removes_a_partial_volume(
    system_libvirt_uri: str, dir_pool
) -> None:
    pool, pool_dir = dir_pool
    head, tail = os.urandom(MiB), os.urandom(MiB)
    size = 8 * MiB

    async def run() -> tuple[int, int, bool]:
        libvirt_conn = LibvirtConnection(system_libvirt_uri)
        try:
            digest = hashlib.sha256()
            writer = StreamWriter(new_task_id(), pool, "s.img", size, libvirt_conn.call, "dir")
            entry = await writer.create()
            await writer.write(0, head, digest.update)
            await writer.hole(MiB, 6 * MiB)
            await writer.write(7 * MiB, tail, digest.update)
            await writer.finish(size)
            allocated = await writer.allocated()
            with pytest.raises(VolumeExists):
                await StreamWriter(
                    new_task_id(), pool, "s.img", MiB, libvirt_conn.call, "dir"
                ).create()
            partial = StreamWriter(new_task_id(), pool, "p.img", size, libvirt_conn.call, "dir")
            await partial.create()
            await partial.write(0, head, digest.update)
            existed = (pool_dir / "p.img").exists()
            await partial.remove()
            assert entry.volume == "s.img" and entry.volume_key == writer.path
            return allocated, len(digest.digest()), existed
        finally:
            await libvirt_conn.close()

    allocated, _, partial_existed = asyncio.run(run())

    stored = (pool_dir / "s.img").read_bytes()
    assert stored == head + bytes(6 * MiB) + tail
    assert allocated == os.stat(pool_dir / "s.img").st_blocks * 512 <= 3 * MiB
    assert partial_existed and not (pool_dir / "p.img").exists()


# --- the ticket book ------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def ticket(secret: str, expires_at: float, identity: str = "alice") -> TransferTicket:
    return TransferTicket(
        task_id=new_task_id(),
        secret_sha256=secret_digest(secret),
        identity=identity,
        pool="vms",
        volume="a.iso",
        kind=ImageKind.ISO,
        size=MiB,
        expected_sha256="",
        expires_at=expires_at,
    )


def test_the_book_is_bounded_and_makes_room_only_from_spent_tickets() -> None:
    clock = Clock()
    book = TicketBook(clock, capacity=3)
    for index in range(3):
        book.add(ticket(f"secret-{index}", clock.now + 60))

    with pytest.raises(TooManyTickets):
        book.add(ticket("one too many", clock.now + 60))
    book.redeem("secret-0", "alice")  # used: its place may be taken
    book.add(ticket("fourth", clock.now + 60))
    clock.now += 61  # all expired: they make room too
    for index in range(3):
        book.add(ticket(f"later-{index}", clock.now + 60))

    assert len(book) == 3
    with pytest.raises(TicketRefused, match="not one this host holds"):
        book.redeem("secret-1", "alice")  # dropped to make room
    with pytest.raises(ValidationError, match="expires_at: is more than 24 hours from now"):
        book.add(ticket("far", clock.now + MAX_TICKET_LIFETIME_S + 1))


def test_a_ticket_presented_by_the_wrong_identity_is_spent() -> None:
    clock = Clock()
    book = TicketBook(clock)
    book.add(ticket("leaked", clock.now + 60, identity="alice"))

    with pytest.raises(TicketRefused, match="issued to alice, not to mallory"):
        book.redeem("leaked", "mallory")
    with pytest.raises(TicketRefused, match="has been used already"):
        book.redeem("leaked", "alice")
