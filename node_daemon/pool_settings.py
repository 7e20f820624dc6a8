"""What a spec asks of libvirt on this node, and what to tell the user libvirt did not do.

Pure functions (no libvirt calls): the XML a spec gives on this node (the NFS mount point
resolved against the node's data dir), and the notes of an InitStoragePool reply: settings
libvirt did not keep (compared on the XML read back), and spec fields libvirt's pool types
have no place for.
"""

from __future__ import annotations

import posixpath
from dataclasses import fields

from domain.pool_xml import PoolXmlSettings, build_pool_xml
from domain.pools import CephSource, IscsiSource, NfsSource, PoolSpec

# Where NFS pools without a mount point of their own mount: <data dir>/mnt/<pool name>.
MOUNT_DIR = "mnt"

# How notes name the settings of ``PoolXmlSettings``.
_LABELS = {
    "type": "pool type",
    "name": "name",
    "target_path": "target path",
    "hosts": "source hosts",
    "source_dir": "source directory",
    "source_name": "source name",
    "device": "device",
    "nfs_version": "NFS version",
    "mount_options": "mount options",
    "auth_type": "authentication type",
    "auth_user": "user",
    "initiator_iqn": "initiator IQN",
}


def mount_point(spec: PoolSpec, data_dir: str) -> str:
    """The NFS mount point: the spec's own, or ``<data dir>/mnt/<pool name>``; "" otherwise.

    The pool name is validated ([A-Za-z0-9._-], not starting with '.'), so it is one path
    component that cannot climb out of the data dir.
    """
    if not isinstance(spec.source, NfsSource):
        return ""
    return spec.source.mount_point or posixpath.join(data_dir, MOUNT_DIR, spec.name)


def default_mount_root(data_dir: str) -> str:
    """The directory whose sub-directories are mount points this node made."""
    return posixpath.join(data_dir, MOUNT_DIR)


def pool_xml_for(spec: PoolSpec, data_dir: str) -> str:
    """The pool XML this node defines for ``spec``, always with the <auth> reference: on a
    driver that keeps no secrets the reference stays, so the pool reads back as specified."""
    return build_pool_xml(spec, mount_point=mount_point(spec, data_dir), with_secret=True)


def _shown(value: str | tuple[str, ...]) -> str:
    return ", ".join(value) if isinstance(value, tuple) else value


def unkept_settings(wanted: PoolXmlSettings, actual: PoolXmlSettings, driver: str) -> list[str]:
    """Notes for every setting the spec gave that the pool read back from libvirt lacks.

    libvirt's TEST driver, for one, drops the ``fs:mount_opts`` of a netfs pool.
    """
    notes = []
    for field in fields(PoolXmlSettings):
        want = getattr(wanted, field.name)
        have = getattr(actual, field.name)
        if want and want != have:
            label = _LABELS.get(field.name, field.name)
            kept = f" (it has {_shown(have)})" if have else ""
            notes.append(
                f"libvirt's {driver} driver did not keep the {label} {_shown(want)}{kept}: "
                "not applied on this host"
            )
    return notes


def unsupported_fields(spec: PoolSpec) -> list[str]:
    """Notes for spec fields that libvirt's pool XML has no place for (checked on libvirt
    9.0: its storage pool schema and the rbd backend, which opens the Ceph pool without
    setting a RADOS namespace)."""
    source = spec.source
    notes = []
    if isinstance(source, CephSource) and source.namespace:
        notes.append(
            f"Ceph namespace {source.namespace!r} is not applied: libvirt's rbd pool has no "
            "namespace setting, so its volumes are in the Ceph pool's default namespace"
        )
    if isinstance(source, IscsiSource) and source.lun is not None:
        notes.append(
            f"LUN {source.lun} is not a pool setting in libvirt: the iSCSI pool lists every "
            "LUN of the target as a volume"
        )
    return notes
