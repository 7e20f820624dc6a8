"""Wire pool specs for the tests, valid by default; tests break one field at a time."""

from proto.quantix.v1 import common_pb2 as cpb

CEPH_KEY = "AQD0vW5mAAAAABAAmzRQ1Ix0r0JtQbJ5wrxqHw=="
CHAP_SECRET = "chap-Secret-0123456"


def nfs(name="nfs-vms", hosts=(), **fields):
    source = {"server": "nas.lab", "export_path": "/export/vms", "version": "4.2"}
    source.update(fields)
    source.setdefault("mount_options", ["soft", "timeo=50"])
    return cpb.PoolSpec(
        name=name, backend=cpb.POOL_BACKEND_NFS, hosts=list(hosts), nfs=cpb.NfsSource(**source)
    )


def ceph(name="rbd-vms", hosts=(), **fields):
    source = {
        "monitors": ["mon1.lab", "mon2.lab:6790", "[fd00::3]:6789"],
        "pool": "vms",
        "user": "quantix",
        "key": CEPH_KEY,
    }
    source.update(fields)
    return cpb.PoolSpec(
        name=name,
        backend=cpb.POOL_BACKEND_CEPH_RBD,
        hosts=list(hosts),
        ceph_rbd=cpb.CephRbdSource(**source),
    )


def iscsi(name="san-vms", hosts=(), **fields):
    source = {
        "portal": "san.lab:3260",
        "target_iqn": "iqn.2024-01.lab.san:vms",
        "initiator_iqn": "iqn.2024-01.lab.hosts:quantix",
        "chap_user": "vmhost",
        "chap_secret": CHAP_SECRET,
    }
    source.update(fields)
    return cpb.PoolSpec(
        name=name,
        backend=cpb.POOL_BACKEND_ISCSI,
        hosts=list(hosts),
        iscsi=cpb.IscsiSource(**source),
    )


def local(name="local-vms", host="host-a", path="/srv/quantix/vms"):
    return cpb.PoolSpec(
        name=name,
        backend=cpb.POOL_BACKEND_LOCAL_DIR,
        hosts=[host],
        local_dir=cpb.LocalDirSource(path=path),
    )


def phases(pool):
    return {h.host: cpb.Phase.Name(h.phase).removeprefix("PHASE_") for h in pool.realization.hosts}
