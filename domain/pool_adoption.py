"""Adopting a pool Quantix did not create: which libvirt types it can manage, and the spec a
pool's own XML gives (read back with ``domain.pool_xml.describe_pool_xml``, the parser the
node's idempotent-init check uses, so an adopted pool initializes as "already there").
"""

from __future__ import annotations

from collections.abc import Sequence

from domain.errors import ValidationError
from domain.pool_types import pool_type_label
from domain.pool_xml import PoolXmlSettings, build_pool_xml, compare_settings, describe_pool_xml
from domain.pools import (
    NFS_VERSION_AUTO,
    Backend,
    CephSource,
    HostPort,
    IscsiInitiator,
    IscsiSource,
    LocalDirSource,
    NfsSource,
    PoolSpec,
    Source,
    validate_pool_spec,
)

# libvirt pool type -> the backend Quantix manages it as.
ADOPTABLE_TYPES: dict[str, Backend] = {
    "dir": Backend.LOCAL_DIR,
    "netfs": Backend.NFS,
    "rbd": Backend.CEPH_RBD,
    "iscsi": Backend.ISCSI,
    "iscsi-direct": Backend.ISCSI,
}


def adoptable(pool_type: str) -> bool:
    return pool_type in ADOPTABLE_TYPES


def not_adoptable_reason(pool_type: str) -> str:
    """ "" for a type Quantix manages; otherwise the sentence the console and CLI show."""
    if adoptable(pool_type):
        return ""
    kinds = sorted({pool_type_label(t) for t in ADOPTABLE_TYPES})
    return (
        f"{pool_type_label(pool_type)} pools are shown, not managed: Quantix can adopt "
        f"{', '.join(kinds[:-1])} and {kinds[-1]} pools"
    )


def _host_port(value: str, default_port: int) -> HostPort | str:
    name, sep, port = value.rpartition(":")
    if sep and port.isascii() and port.isdigit():
        return HostPort(name, int(port))
    return HostPort(value, default_port) if value else value


def _source(settings: PoolXmlSettings) -> Source:
    if settings.type == "dir":
        return LocalDirSource(settings.target_path)
    if settings.type == "netfs":
        return NfsSource(
            server=settings.hosts[0] if settings.hosts else "",
            export_path=settings.source_dir,
            version=settings.nfs_version or NFS_VERSION_AUTO,
            mount_options=settings.mount_options,
            mount_point=settings.target_path,
        )
    if settings.type == "rbd":
        return CephSource(
            monitors=tuple(str(_host_port(h, 6789)) for h in settings.hosts),
            pool=settings.source_name,
            user=settings.auth_user,
        )
    return IscsiSource(
        portal=str(_host_port(settings.hosts[0], 3260)) if settings.hosts else "",
        target_iqn=settings.device,
        initiator_iqn=settings.initiator_iqn,
        chap_user=settings.auth_user if settings.auth_type == "chap" else "",
        initiator=(
            IscsiInitiator.USERSPACE if settings.type == "iscsi-direct" else IscsiInitiator.KERNEL
        ),
    )


def spec_from_xml(xml: str, hosts: Sequence[str], secret: str = "") -> PoolSpec:
    """The Quantix spec of a pool as libvirt defines it (validated), for ``hosts``.

    Raises ValidationError naming the field when the pool breaks a Quantix rule (a system
    directory, a name Quantix cannot use...) or needs a secret that was not given.
    """
    settings = describe_pool_xml(xml)
    backend = ADOPTABLE_TYPES.get(settings.type)
    if backend is None:
        raise ValidationError("type", not_adoptable_reason(settings.type))
    source = _source(settings)
    if isinstance(source, CephSource) and source.user:
        source = CephSource(source.monitors, source.pool, source.user, secret, source.namespace)
    elif isinstance(source, IscsiSource) and source.chap_user:
        source = IscsiSource(
            source.portal,
            source.target_iqn,
            None,
            source.initiator_iqn,
            source.chap_user,
            secret,
            source.initiator,
        )
    needs_secret = isinstance(source, CephSource | IscsiSource) and bool(
        getattr(source, "user", "") or getattr(source, "chap_user", "")
    )
    if needs_secret and not secret:
        raise ValidationError(
            "secret",
            "this pool authenticates: give its key or CHAP secret (libvirt keeps it private "
            "on the hosts, so it cannot be read back)",
        )
    spec = PoolSpec(settings.name, backend, source, hosts=tuple(hosts))
    return validate_pool_spec(spec)


def host_differences(host: str, xml: str, other_host: str, other_xml: str) -> list[str]:
    """How two hosts' definitions of a pool differ (none when they agree):
    ``["source host: host-b has nas2, host-a has nas1"]``."""
    return compare_settings(
        describe_pool_xml(other_xml), describe_pool_xml(xml), f"{other_host} has", f"{host} has"
    )


def unwritable_differences(host: str, xml: str, spec: PoolSpec) -> list[str]:
    """What Quantix would write differently for the spec read from ``xml`` (none when it
    would write the same): such a pool cannot be re-initialized as it is, so it is refused."""
    mount_point = spec.source.mount_point if isinstance(spec.source, NfsSource) else ""
    ours = describe_pool_xml(build_pool_xml(spec, mount_point=mount_point))
    return compare_settings(describe_pool_xml(xml), ours, f"{host} has", "Quantix would set")
