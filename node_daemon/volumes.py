"""The volumes of a storage pool as ``quantix.v1.Volume`` (blocking libvirt calls)."""

from __future__ import annotations

import logging

import libvirt

from node_daemon import xmlutil
from node_daemon.libvirt_conn import is_connection_error
from proto.quantix.v1 import common_pb2

log = logging.getLogger(__name__)


def list_volumes(pool: libvirt.virStoragePool) -> list[common_pb2.Volume]:
    """Every volume of an active pool, sorted by name; one that vanishes meanwhile is left out."""
    volumes = []
    for volume in pool.listAllVolumes(0):
        entry = read_volume(volume)
        if entry is not None:
            volumes.append(entry)
    return sorted(volumes, key=lambda entry: entry.name)


def read_volume(volume: libvirt.virStorageVol) -> common_pb2.Volume | None:
    """One volume; None if it was deleted while being read."""
    try:
        _type, capacity, allocation = volume.info()
        return common_pb2.Volume(
            name=volume.name(),
            key=volume.key(),
            path=volume.path(),
            format=volume_format(volume.XMLDesc(0)),
            capacity_bytes=capacity,
            allocation_bytes=allocation,
        )
    except libvirt.libvirtError as error:
        if is_connection_error(error):
            raise
        if error.get_error_code() == libvirt.VIR_ERR_NO_STORAGE_VOL:
            log.info("volume %s vanished while listing; skipped", volume.name())
            return None
        raise


def volume_names(pool: libvirt.virStoragePool) -> list[str]:
    return sorted(volume.name() for volume in pool.listAllVolumes(0))


def volume_format(xml: str) -> str:
    """``<target><format type='qcow2'/>``: "qcow2", "raw", ...; "" when libvirt gives none
    (iSCSI LUNs and RBD images have no format element)."""
    return xmlutil.attr(xmlutil.parse(xml), "target/format", "type")
