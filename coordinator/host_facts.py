"""Bounds on what a node may tell the coordinator about itself: host facts at registration and
the storage pools and networks it reports.

These values are stored, published on Watch and sent to every console, so each string and
list is bounded (domain.limits) and free of control characters before anything is stored: a
node that sends 5 MB of "CPU model" gets INVALID_ARGUMENT naming the field, and ListNodes
keeps working for everyone else.
"""

from __future__ import annotations

from collections.abc import Sequence

from google.protobuf.message import Message

from domain.errors import ValidationError
from domain.limits import MAX_LIST, MAX_SHORT_TEXT, validate_text
from domain.reported_pools import LONG_TEXT_MAX, validate_reported_pool
from proto.quantix.v1 import common_pb2

# libvirt knows ~15 pool types; 64 leaves room for types a newer libvirt adds.
MAX_POOL_TYPES = 64
# Network interfaces of one host: physical NICs, bonds, VLANs and bridges stay far below this.
MAX_NICS = MAX_LIST
# Storage pools a host reports: libvirt hosts with hundreds exist; past this it is not a host.
MAX_REPORTED_POOLS = MAX_LIST
# Networks a host has: a few in practice (default, an isolated one, one per VLAN); hosts with
# hundreds exist, and past this it is not a host.
MAX_REPORTED_NETWORKS = MAX_LIST
# Addresses on one network: an IPv4 and an IPv6 one, a few more at most; 32 leaves room.
MAX_NETWORK_ADDRESSES = 32
# One host's report in bytes: 1,000 pools of ~300 bytes each, with room to spare.
MAX_REPORT_BYTES = 1024 * 1024
# A daemon version ("0.1.0", "1.2.3+git.abcdef"): short.
DAEMON_VERSION_MAX = 64


def _list(values: Sequence[object], field: str, limit: int) -> None:
    if len(values) > limit:
        raise ValidationError(field, f"must list at most {limit} entries (got {len(values)})")


def validate_host_info(info: common_pb2.HostInfo, field: str = "host_info") -> None:
    """Every string of the host facts short and one line, every list bounded."""
    for name in ("hostname", "libvirt_version", "hypervisor", "hypervisor_version"):
        validate_text(getattr(info, name), f"{field}.{name}", MAX_SHORT_TEXT)
    for name in ("pool_types_source", "libvirt_uri"):
        validate_text(getattr(info, name), f"{field}.{name}", LONG_TEXT_MAX)
    validate_text(info.cpu.model, f"{field}.cpu.model", MAX_SHORT_TEXT)
    validate_text(info.cpu.arch, f"{field}.cpu.arch", MAX_SHORT_TEXT)
    _list(info.supported_pool_types, f"{field}.supported_pool_types", MAX_POOL_TYPES)
    for i, pool_type in enumerate(info.supported_pool_types):
        validate_text(pool_type, f"{field}.supported_pool_types[{i}]", MAX_SHORT_TEXT)
    _list(info.nics, f"{field}.nics", MAX_NICS)
    for i, nic in enumerate(info.nics):
        for name in ("name", "mac", "link_state"):
            validate_text(getattr(nic, name), f"{field}.nics[{i}].{name}", MAX_SHORT_TEXT)


def validate_daemon_version(value: str, field: str = "daemon_version") -> str:
    return validate_text(value, field, DAEMON_VERSION_MAX)


def validate_reported_pools(
    pools: Sequence[common_pb2.HostStoragePool], field: str = "pools"
) -> None:
    """The pools a node reports: libvirt's names are shown as they are (they need not follow
    Quantix's naming rule), but bounded and one line each."""
    _list(pools, field, MAX_REPORTED_POOLS)
    for i, pool in enumerate(pools):
        validate_reported_pool(
            pool.name, pool.type, pool.uuid, pool.source, pool.target_path, f"{field}[{i}]"
        )
    _report_size(pools, field)


def validate_reported_networks(
    networks: Sequence[common_pb2.HostNetwork], field: str = "networks"
) -> None:
    """A node's networks, as it lists them: libvirt's names shown as they are, bounded and one
    line each, like its pools."""
    _list(networks, field, MAX_REPORTED_NETWORKS)
    for i, network in enumerate(networks):
        where = f"{field}[{i}]"
        validate_text(network.name, f"{where}.name", MAX_SHORT_TEXT)
        if not network.name:
            raise ValidationError(f"{where}.name", "is required")
        for name in ("uuid", "bridge", "forward_mode"):
            validate_text(getattr(network, name), f"{where}.{name}", MAX_SHORT_TEXT)
        _list(network.ip_cidrs, f"{where}.ip_cidrs", MAX_NETWORK_ADDRESSES)
        for j, cidr in enumerate(network.ip_cidrs):
            validate_text(cidr, f"{where}.ip_cidrs[{j}]", MAX_SHORT_TEXT)
    _report_size(networks, field)


def _report_size(items: Sequence[Message], field: str) -> None:
    # Characters are bounded per field; bytes for the whole report too (4-byte characters in
    # every field would otherwise make one report ~11 MB, stored and sent to every console).
    size = sum(item.ByteSize() for item in items)
    if size > MAX_REPORT_BYTES:
        raise ValidationError(field, f"must take at most {MAX_REPORT_BYTES} bytes (got {size})")


# A node's run id (a uuid4 in hex, 32 characters).
BOOT_ID_MAX = 64


def validate_stamp(stamp: common_pb2.ChangeStamp, field: str = "stamp") -> None:
    validate_text(stamp.boot_id, f"{field}.boot_id", BOOT_ID_MAX)
