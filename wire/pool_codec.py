"""Between the wire (quantix.v1 PoolSpec) and the domain (domain.pools.PoolSpec).

Decoding never validates: callers run ``domain.pools.validate_pool_spec`` on the result, so the
console, quantixctl and both servers apply the same rules to the same value.
"""

from __future__ import annotations

from domain.errors import ValidationError
from domain.pools import (
    Backend,
    CephSource,
    IscsiInitiator,
    IscsiSource,
    LocalDirSource,
    NfsSource,
    PoolSpec,
)
from domain.realization import Phase
from proto.quantix.v1 import common_pb2 as cpb

BACKEND_FROM_PB = {
    cpb.POOL_BACKEND_LOCAL_DIR: Backend.LOCAL_DIR,
    cpb.POOL_BACKEND_NFS: Backend.NFS,
    cpb.POOL_BACKEND_CEPH_RBD: Backend.CEPH_RBD,
    cpb.POOL_BACKEND_ISCSI: Backend.ISCSI,
}
BACKEND_TO_PB = {value: key for key, value in BACKEND_FROM_PB.items()}
_SOURCE_FIELD = {
    Backend.LOCAL_DIR: "local_dir",
    Backend.NFS: "nfs",
    Backend.CEPH_RBD: "ceph_rbd",
    Backend.ISCSI: "iscsi",
}
INITIATOR_FROM_PB = {
    cpb.ISCSI_INITIATOR_KERNEL: IscsiInitiator.KERNEL,
    cpb.ISCSI_INITIATOR_USERSPACE: IscsiInitiator.USERSPACE,
}
INITIATOR_TO_PB = {value: key for key, value in INITIATOR_FROM_PB.items()}
PHASE_TO_PB = {
    Phase.PENDING: cpb.PHASE_PENDING,
    Phase.READY: cpb.PHASE_READY,
    Phase.DEGRADED: cpb.PHASE_DEGRADED,
    Phase.ERROR: cpb.PHASE_ERROR,
    Phase.OFFLINE: cpb.PHASE_OFFLINE,
    Phase.DELETING: cpb.PHASE_DELETING,
}
PHASE_FROM_PB = {value: key for key, value in PHASE_TO_PB.items()}


def spec_from_pb(message: cpb.PoolSpec) -> PoolSpec:
    """The domain spec of a wire spec; ValidationError when backend and source disagree."""
    backend = BACKEND_FROM_PB.get(message.backend)
    if backend is None:
        raise ValidationError("backend", "must be LOCAL_DIR, NFS, CEPH_RBD or ISCSI")
    which = message.WhichOneof("source")
    if which != _SOURCE_FIELD[backend]:
        raise ValidationError(
            _SOURCE_FIELD[backend],
            f"is required for a pool of backend {backend.value}"
            + (f" (got {which} settings instead)" if which else ""),
        )
    source: LocalDirSource | NfsSource | CephSource | IscsiSource
    if backend is Backend.LOCAL_DIR:
        source = LocalDirSource(message.local_dir.path)
    elif backend is Backend.NFS:
        nfs = message.nfs
        source = NfsSource(
            server=nfs.server,
            export_path=nfs.export_path,
            version=nfs.version,
            mount_options=tuple(nfs.mount_options),
            mount_point=nfs.mount_point,
        )
    elif backend is Backend.CEPH_RBD:
        ceph = message.ceph_rbd
        source = CephSource(
            monitors=tuple(ceph.monitors),
            pool=ceph.pool,
            user=ceph.user,
            key=ceph.key,
            namespace=ceph.namespace,
        )
    else:
        iscsi = message.iscsi
        source = IscsiSource(
            portal=iscsi.portal,
            target_iqn=iscsi.target_iqn,
            lun=iscsi.lun if iscsi.HasField("lun") else None,
            initiator_iqn=iscsi.initiator_iqn,
            chap_user=iscsi.chap_user,
            chap_secret=iscsi.chap_secret,
            initiator=_initiator(iscsi.initiator),
        )
    return PoolSpec(
        name=message.name,
        backend=backend,
        source=source,
        description=message.description,
        hosts=tuple(message.hosts),
    )


def _initiator(value: int) -> IscsiInitiator:
    """A value this version does not know is refused, never read as the default (KERNEL)."""
    initiator = INITIATOR_FROM_PB.get(value)
    if initiator is None:
        raise ValidationError(
            "iscsi.initiator", f"must be KERNEL or USERSPACE (got the unknown value {value})"
        )
    return initiator


def spec_to_pb(spec: PoolSpec, *, include_secrets: bool) -> cpb.PoolSpec:
    """The wire spec; without secrets unless ``include_secrets`` (only for the node's init)."""
    message = cpb.PoolSpec(
        name=spec.name,
        description=spec.description,
        backend=BACKEND_TO_PB[spec.backend],
        hosts=list(spec.hosts),
    )
    source = spec.source
    if isinstance(source, LocalDirSource):
        message.local_dir.path = source.path
    elif isinstance(source, NfsSource):
        message.nfs.CopyFrom(
            cpb.NfsSource(
                server=source.server,
                export_path=source.export_path,
                version=source.version,
                mount_options=list(source.mount_options),
                mount_point=source.mount_point,
            )
        )
    elif isinstance(source, CephSource):
        message.ceph_rbd.CopyFrom(
            cpb.CephRbdSource(
                monitors=[str(m) for m in source.monitors],
                pool=source.pool,
                user=source.user,
                key=source.key if include_secrets else "",
                namespace=source.namespace,
                has_key=bool(source.key),
            )
        )
    else:
        message.iscsi.CopyFrom(
            cpb.IscsiSource(
                portal=str(source.portal),
                target_iqn=source.target_iqn,
                initiator_iqn=source.initiator_iqn,
                chap_user=source.chap_user,
                chap_secret=source.chap_secret if include_secrets else "",
                has_chap_secret=bool(source.chap_secret),
                initiator=INITIATOR_TO_PB[source.initiator],
            )
        )
        if source.lun is not None:
            message.iscsi.lun = source.lun
    return message
