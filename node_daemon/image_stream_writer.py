"""A volume libvirt creates and fills through its upload stream (logical, rbd, gluster, zfs,
vstorage pools: the node cannot write those itself). The volume is raw with the upload's size;
the stream is sparse, so a hole is sent as its length (``sendHole``), not as zeros. libvirt
accepts at most ~256 KiB per ``send`` (its RPC payload cap), so a 1 MiB chunk goes in pieces.
Every blocking call runs on the job's share of the daemon's libvirt executor.
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import libvirt

from node_daemon.image_writers import LibvirtCaller, VolumeExists, WriteFailed, settled
from node_daemon.libvirt_conn import LibvirtCallError, error_text
from node_daemon.transfer_journal import TransferEntry

log = logging.getLogger(__name__)

# libvirt's RPC layer carries at most 256 KiB of stream data per message (VIR_NET_MESSAGE_
# LEGACY_PAYLOAD_MAX): larger sends are cut by the binding anyway; sending that much at once
# keeps the number of round trips down.
STREAM_PIECE = 256 * 1024


# Pool types whose volumes must be allocated in full: libvirt makes a logical volume with less
# allocation than capacity as an LVM snapshot (``lvcreate --virtualsize``), not a plain LV.
# Elsewhere (rbd, zfs, gluster, vstorage) an allocation of 0 asks for a thin volume, so holes
# sent through the stream take no space; without it libvirt preallocates the whole capacity.
FULLY_ALLOCATED_POOLS = frozenset({"logical"})


def volume_xml(name: str, size: int, thin: bool) -> str:
    """A raw volume of ``size`` bytes, built with ElementTree (never string formatting)."""
    volume = ET.Element("volume")
    ET.SubElement(volume, "name").text = name
    ET.SubElement(volume, "capacity", unit="bytes").text = str(size)
    if thin:
        ET.SubElement(volume, "allocation", unit="bytes").text = "0"
    target = ET.SubElement(volume, "target")
    ET.SubElement(target, "format", type="raw")
    return ET.tostring(volume, encoding="unicode")


class StreamWriter:
    def __init__(
        self,
        task_id: str,
        pool: str,
        volume: str,
        size: int,
        call: LibvirtCaller[Any],
        pool_type: str,
    ) -> None:
        self._thin = pool_type not in FULLY_ALLOCATED_POOLS
        self._task_id = task_id
        self._pool = pool
        self._volume = volume
        self._size = size
        self._call = call
        self._key = ""
        self._path = ""
        self._stream: libvirt.virStream | None = None

    @property
    def path(self) -> str:
        return self._path

    async def create(self) -> TransferEntry:
        try:
            await settled(self._call(f"creating volume {self._volume}", self._create))
        except LibvirtCallError as error:
            raise WriteFailed(str(error)) from error
        return TransferEntry(self._task_id, self._pool, volume=self._volume, volume_key=self._key)

    def _create(self, conn: libvirt.virConnect) -> None:
        pool = conn.storagePoolLookupByName(self._pool)
        try:
            pool.storageVolLookupByName(self._volume)
        except libvirt.libvirtError as error:
            if error.get_error_code() != libvirt.VIR_ERR_NO_STORAGE_VOL:
                raise
        else:
            raise VolumeExists(f"pool {self._pool} has a volume named {self._volume}")
        volume = pool.createXML(volume_xml(self._volume, self._size, self._thin), 0)
        self._key, self._path = volume.key(), volume.path()
        stream = conn.newStream(0)
        try:
            volume.upload(stream, 0, self._size, libvirt.VIR_STORAGE_VOL_UPLOAD_SPARSE_STREAM)
        except libvirt.libvirtError:
            stream.abort()
            raise
        self._stream = stream

    async def write(self, offset: int, data: bytes, also: Callable[[bytes], Any]) -> None:
        await self._stream_call("sending data to libvirt", lambda s: self._send(s, data, also))

    @staticmethod
    def _send(stream: libvirt.virStream, data: bytes, also: Callable[[bytes], Any]) -> None:
        view = memoryview(data)
        while view:
            sent = stream.send(bytes(view[:STREAM_PIECE]))
            if sent < 0:
                raise WriteFailed(f"libvirt's upload stream refused data (send returned {sent})")
            view = view[sent:]
        also(data)

    async def hole(self, offset: int, length: int) -> None:
        await self._stream_call("sending a hole to libvirt", lambda s: s.sendHole(length, 0))

    async def finish(self, size: int) -> None:
        await self._stream_call("completing the upload stream", lambda s: s.finish())
        self._stream = None

    async def allocated(self) -> int:
        def read(conn: libvirt.virConnect) -> int:
            _type, _capacity, allocation = conn.storageVolLookupByKey(self._key).info()
            return int(allocation)

        return await self._call(f"reading volume {self._volume}", read)

    async def remove(self) -> None:
        def remove(conn: libvirt.virConnect) -> None:
            stream, self._stream = self._stream, None
            if stream is not None:
                try:
                    stream.abort()
                except libvirt.libvirtError as error:
                    log.debug("aborting the upload stream: %s", error_text(error))
            if self._key:
                delete_volume_by_key(conn, self._key)

        try:
            await self._call(f"removing the partial volume {self._volume}", remove)
        except LibvirtCallError as error:
            log.error("%s", error)

    async def _stream_call(self, doing: str, fn: Callable[[libvirt.virStream], Any]) -> None:
        stream = self._stream
        if stream is None:
            raise WriteFailed(f"{doing} failed: the upload stream is closed")
        try:
            await settled(self._call(doing, lambda _conn: fn(stream)))
        except LibvirtCallError as error:
            raise WriteFailed(f"{doing} failed: {error.detail}") from error


def delete_volume_by_key(conn: libvirt.virConnect, key: str) -> bool:
    """Delete the volume ``key`` names; False when it is gone already. Blocking."""
    try:
        volume = conn.storageVolLookupByKey(key)
    except libvirt.libvirtError as error:
        if error.get_error_code() == libvirt.VIR_ERR_NO_STORAGE_VOL:
            return False
        raise
    volume.delete(0)
    log.info("removed the partial volume %s", key)
    return True
