"""Names of libvirt storage pool types, known and unknown."""

from __future__ import annotations

# libvirt's pool type names (virStoragePoolType) and how the console labels them.
POOL_TYPE_LABELS: dict[str, str] = {
    "dir": "Local directory",
    "fs": "Pre-formatted block device",
    "netfs": "Network file system (NFS)",
    "logical": "LVM volume group",
    "disk": "Physical disk",
    "iscsi": "iSCSI target",
    "iscsi-direct": "iSCSI target (user space)",
    "scsi": "SCSI host adapter",
    "mpath": "Multipath devices",
    "rbd": "Ceph RBD",
    "sheepdog": "Sheepdog",
    "gluster": "GlusterFS",
    "zfs": "ZFS pool",
    "vstorage": "Virtuozzo storage",
}


def is_known_pool_type(pool_type: str) -> bool:
    return pool_type in POOL_TYPE_LABELS


def pool_type_label(pool_type: str) -> str:
    """A label for any type libvirt may report; an unknown one is shown, never dropped."""
    if not pool_type:
        return "Unknown type"
    return POOL_TYPE_LABELS.get(pool_type, f"Unknown type ({pool_type})")
