"""libvirt storage pool and secret XML, built from a validated PoolSpec with ElementTree.

Never string formatting: every value goes through ElementTree, which escapes it, so even a
value that slipped past validation could not inject XML. ``describe_pool_xml`` reads back the
settings Quantix wrote, to compare an existing pool with a spec (idempotent init, conflict
detection) and to check what libvirt kept.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass

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
)

FS_NS = "http://libvirt.org/schemas/storagepool/fs/1.0"
ET.register_namespace("fs", FS_NS)

# Secrets are found by usage: one per pool, named after it, so a re-init reuses the same one.
SECRET_USAGE_PREFIX = "quantix-pool-"
# A fixed namespace makes a pool's secret UUID a function of its name: the same on every host,
# stable across re-inits, and recognisable in libvirt's secret list.
_SECRET_UUID_NAMESPACE = uuid.UUID("6f0c4b1e-5d1a-4c55-9f43-2f1f1d2c9a51")


def libvirt_pool_type(spec: PoolSpec) -> str:
    if spec.backend is Backend.LOCAL_DIR:
        return "dir"
    if spec.backend is Backend.NFS:
        return "netfs"
    if spec.backend is Backend.CEPH_RBD:
        return "rbd"
    assert isinstance(spec.source, IscsiSource)
    return "iscsi-direct" if spec.source.initiator is IscsiInitiator.USERSPACE else "iscsi"


def secret_usage(spec: PoolSpec) -> tuple[str, str]:
    """(usage type, usage id) of the pool's libvirt secret: ceph by name, iscsi by target."""
    usage_id = SECRET_USAGE_PREFIX + spec.name
    return ("ceph" if spec.backend is Backend.CEPH_RBD else "iscsi"), usage_id


def secret_uuid(spec: PoolSpec) -> str:
    return str(uuid.uuid5(_SECRET_UUID_NAMESPACE, spec.name))


def needs_secret(spec: PoolSpec) -> bool:
    return bool(spec.secrets())


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def _host(parent: ET.Element, address: HostPort) -> None:
    _sub(parent, "host", name=address.host, port=str(address.port))


def build_secret_xml(spec: PoolSpec) -> str:
    """A private, persistent libvirt secret for the pool's key or CHAP secret (no value: the
    value is set separately with virSecretSetValue, never written into XML)."""
    usage_type, usage_id = secret_usage(spec)
    root = ET.Element("secret", ephemeral="no", private="yes")
    _sub(root, "uuid", secret_uuid(spec))
    _sub(root, "description", f"Quantix storage pool {spec.name}")
    usage = _sub(root, "usage", type=usage_type)
    _sub(usage, "name" if usage_type == "ceph" else "target", usage_id)
    return ET.tostring(root, encoding="unicode")


def build_pool_xml(spec: PoolSpec, mount_point: str = "", with_secret: bool = True) -> str:
    """The pool XML for a validated spec. ``mount_point`` is where an NFS pool mounts (the
    node resolves the default); ``with_secret`` adds the <auth> reference."""
    root = ET.Element("pool", type=libvirt_pool_type(spec))
    _sub(root, "name", spec.name)
    source = spec.source
    if isinstance(source, LocalDirSource):
        target = _sub(root, "target")
        _sub(target, "path", source.path)
    elif isinstance(source, NfsSource):
        src = _sub(root, "source")
        _sub(src, "host", name=source.server)
        _sub(src, "dir", path=source.export_path)
        _sub(src, "format", type="nfs")
        if source.version != NFS_VERSION_AUTO:
            _sub(src, "protocol", ver=source.version)
        target = _sub(root, "target")
        _sub(target, "path", mount_point or source.mount_point)
        if source.mount_options:
            options = _sub(root, f"{{{FS_NS}}}mount_opts")
            for option in source.mount_options:
                _sub(options, f"{{{FS_NS}}}option", name=option)
    elif isinstance(source, CephSource):
        src = _sub(root, "source")
        _sub(src, "name", source.pool)
        for monitor in source.monitors:
            assert isinstance(monitor, HostPort)
            _host(src, monitor)
        if with_secret and source.user:
            auth = _sub(src, "auth", type="ceph", username=source.user)
            _sub(auth, "secret", uuid=secret_uuid(spec))
    elif isinstance(source, IscsiSource):
        src = _sub(root, "source")
        assert isinstance(source.portal, HostPort)
        _host(src, source.portal)
        _sub(src, "device", path=source.target_iqn)
        if source.initiator_iqn:
            initiator = _sub(src, "initiator")
            _sub(initiator, "iqn", name=source.initiator_iqn)
        if with_secret and source.chap_user:
            auth = _sub(src, "auth", type="chap", username=source.chap_user)
            _sub(auth, "secret", uuid=secret_uuid(spec))
        if source.initiator is IscsiInitiator.KERNEL:
            target = _sub(root, "target")
            _sub(target, "path", "/dev/disk/by-path")
    return ET.tostring(root, encoding="unicode")


@dataclass(frozen=True)
class PoolXmlSettings:
    """The settings of a pool XML that Quantix sets, in a comparable form."""

    type: str
    name: str
    target_path: str = ""
    hosts: tuple[str, ...] = ()  # "name:port" or "name"
    source_dir: str = ""
    source_name: str = ""
    device: str = ""
    nfs_version: str = ""
    mount_options: tuple[str, ...] = ()
    auth_type: str = ""
    auth_user: str = ""
    initiator_iqn: str = ""


def describe_pool_xml(xml: str) -> PoolXmlSettings:
    root = ET.fromstring(xml)
    source = root.find("source")
    auth = source.find("auth") if source is not None else None

    def attr(path: str, name: str) -> str:
        element = root.find(path)
        return element.get(name, "") if element is not None else ""

    hosts = ()
    if source is not None:
        hosts = tuple(
            f"{h.get('name', '')}:{h.get('port')}" if h.get("port") else h.get("name", "")
            for h in source.findall("host")
        )
    return PoolXmlSettings(
        type=root.get("type", ""),
        name=root.findtext("name", ""),
        target_path=root.findtext("target/path", ""),
        hosts=hosts,
        source_dir=attr("source/dir", "path"),
        source_name=root.findtext("source/name", ""),
        device=attr("source/device", "path"),
        nfs_version=attr("source/protocol", "ver"),
        mount_options=tuple(
            o.get("name", "") for o in root.findall(f"{{{FS_NS}}}mount_opts/{{{FS_NS}}}option")
        ),
        auth_type=auth.get("type", "") if auth is not None else "",
        auth_user=auth.get("username", "") if auth is not None else "",
        initiator_iqn=attr("source/initiator/iqn", "name"),
    )


# How differences name each setting of ``PoolXmlSettings``.
SETTING_LABELS = {
    "type": "type",
    "target_path": "target path",
    "hosts": "source host",
    "source_dir": "source directory",
    "source_name": "source name",
    "device": "device",
    "nfs_version": "NFS version",
    "mount_options": "mount options",
    "auth_type": "authentication",
    "auth_user": "user",
    "initiator_iqn": "initiator IQN",
}


def compare_settings(
    left: PoolXmlSettings, right: PoolXmlSettings, left_says: str, right_says: str
) -> list[str]:
    """Human-readable differences, e.g.
    ``["source host: host-b has nas2.lab, host-a has nas.lab"]``.

    Mount options are compared only when ``left`` has some: a driver without the fs namespace
    (the test driver) drops them, which is not a difference of the pool.
    """
    differences = []
    for field_name, label in SETTING_LABELS.items():
        have = getattr(left, field_name)
        want = getattr(right, field_name)
        if field_name == "mount_options" and not have:
            continue
        if want != have:
            show = ", ".join(have) if isinstance(have, tuple) else have
            wish = ", ".join(want) if isinstance(want, tuple) else want
            differences.append(
                f"{label}: {left_says} {show or 'none'}, {right_says} {wish or 'none'}"
            )
    return differences


def settings_differences(wanted: PoolXmlSettings, actual: PoolXmlSettings) -> list[str]:
    """How an existing pool differs from a spec, e.g.
    ``["source host: the existing pool has nas2.lab, the spec says nas.lab"]``."""
    return compare_settings(actual, wanted, "the existing pool has", "the spec says")
