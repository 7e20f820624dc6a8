"""A pool's key or CHAP secret in a libvirt secret: stored, found and deleted by its usage.

One secret per pool, with a UUID derived from the pool name and the usage id
``quantix-pool-<name>`` (``domain.pool_xml``), so a re-init reuses it and destroying the pool
finds it. The value goes to libvirt with ``virSecretSetValue`` only: it is never written into
XML, never logged and never returned (the secrets are ``private``: libvirt will not hand the
value back to any client either).

Blocking libvirt calls: run them through ``LibvirtConnection.call_sync`` in a worker thread.
"""

from __future__ import annotations

import base64
import logging

import libvirt

from domain.pool_xml import SECRET_USAGE_PREFIX, build_secret_xml, secret_uuid
from domain.pools import Backend, PoolSpec

log = logging.getLogger(__name__)

# A pool's secret has one of these usage types (domain.pool_xml.secret_usage).
_USAGE_TYPES = (libvirt.VIR_SECRET_USAGE_TYPE_CEPH, libvirt.VIR_SECRET_USAGE_TYPE_ISCSI)


def secret_value(spec: PoolSpec) -> bytes:
    """The bytes libvirt stores: the decoded cephx key (libvirt base64-encodes it again for
    librados, as ``virsh secret-set-value`` does), or the CHAP secret as typed."""
    (secret,) = spec.secrets()
    if spec.backend is Backend.CEPH_RBD:
        return base64.b64decode(secret, validate=True)
    return secret.encode()


def secret_label(spec: PoolSpec) -> str:
    return "Ceph key" if spec.backend is Backend.CEPH_RBD else "CHAP secret"


def driver_keeps_no_secrets(error: libvirt.libvirtError) -> bool:
    """libvirt's test driver has no secret driver: every secret call is VIR_ERR_NO_SUPPORT."""
    return error.get_error_code() == libvirt.VIR_ERR_NO_SUPPORT


def secret_exists(conn: libvirt.virConnect, spec: PoolSpec) -> bool | None:
    """Whether the pool's secret is defined; None when the driver keeps no secrets."""
    try:
        conn.secretLookupByUUIDString(secret_uuid(spec))
    except libvirt.libvirtError as error:
        if driver_keeps_no_secrets(error):
            return None
        if error.get_error_code() == libvirt.VIR_ERR_NO_SECRET:
            return False
        raise
    return True


def store_secret(conn: libvirt.virConnect, spec: PoolSpec) -> bool:
    """Define (or redefine) the pool's secret and set its value; False when the driver keeps
    no secrets. Safe to run twice (the connection manager replays a step after a drop)."""
    try:
        secret = conn.secretDefineXML(build_secret_xml(spec), 0)
    except libvirt.libvirtError as error:
        if driver_keeps_no_secrets(error):
            return False
        raise
    secret.setValue(secret_value(spec), 0)
    log.info(
        "stored the %s of pool %s in libvirt secret %s",
        secret_label(spec),
        spec.name,
        secret.UUIDString(),
        extra={"pool": spec.name},
    )
    return True


def undefine_secret(conn: libvirt.virConnect, spec: PoolSpec) -> None:
    """Undo ``store_secret`` (rollback): undefine the pool's secret if it exists."""
    try:
        conn.secretLookupByUUIDString(secret_uuid(spec)).undefine()
    except libvirt.libvirtError as error:
        if error.get_error_code() != libvirt.VIR_ERR_NO_SECRET:
            raise


def delete_pool_secret(conn: libvirt.virConnect, pool_name: str) -> bool:
    """Undefine Quantix's secret of pool ``pool_name`` (found by its usage id, so a secret an
    admin made and referenced is never touched); whether one was deleted."""
    usage_id = SECRET_USAGE_PREFIX + pool_name
    deleted = False
    for usage_type in _USAGE_TYPES:
        try:
            secret = conn.secretLookupByUsage(usage_type, usage_id)
        except libvirt.libvirtError as error:
            if driver_keeps_no_secrets(error):
                return False
            if error.get_error_code() == libvirt.VIR_ERR_NO_SECRET:
                continue
            raise
        uuid = secret.UUIDString()
        secret.undefine()
        log.info("deleted libvirt secret %s of pool %s", uuid, pool_name)
        deleted = True
    return deleted
