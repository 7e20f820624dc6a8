"""Storage pool specs: the four backends Quantix creates, their fields and their rules.

The console's wizard validates each field inline with these functions, quantixctl validates
its flags with them, and the coordinator and node daemon validate every request with them
again, so a rule is written once and reads the same everywhere. Every error names the field as
the wizard and the API call it (``nfs.server``, ``ceph.monitors[1]``) and the rule it breaks.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import posixpath
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum

from domain.errors import ValidationError
from domain.validation import validate_hostname


class Backend(Enum):
    LOCAL_DIR = "LOCAL_DIR"
    NFS = "NFS"
    CEPH_RBD = "CEPH_RBD"
    ISCSI = "ISCSI"

    @property
    def label(self) -> str:
        return BACKEND_LABELS[self]

    @property
    def shared(self) -> bool:
        """Shared storage is reachable from many hosts; a local directory lives on one."""
        return self is not Backend.LOCAL_DIR


BACKEND_LABELS = {
    Backend.LOCAL_DIR: "Local directory",
    Backend.NFS: "NFS",
    Backend.CEPH_RBD: "Ceph RBD",
    Backend.ISCSI: "iSCSI",
}

# --- limits, each with its reason --------------------------------------------------------

# Pool names become libvirt object names, file names (mount points) and secret usage names;
# 64 characters of a conservative alphabet fit all three on every file system.
POOL_NAME_MAX = 64
_POOL_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
DESCRIPTION_MAX = 512
# PATH_MAX on Linux.
PATH_MAX = 4096
NFS_VERSIONS = ("3", "4", "4.1", "4.2")
# 4.1 is what current NFS servers (Linux knfsd, NetApp, TrueNAS) serve by default and what
# Linux clients negotiate first; it has sessions (safe retries) that 3 and 4.0 lack.
DEFAULT_NFS_VERSION = "4.1"
# Mount options a user may give. Options that would contradict a field (vers=, nfsvers= are
# the version field) or weaken the host (suid, dev, exec: libvirt mounts nosuid,nodev,noexec)
# are refused rather than silently dropped.
_MOUNT_OPTION_NAME_RE = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
_MOUNT_OPTION_VALUE_RE = re.compile(r"^[A-Za-z0-9._:/@+-]{1,128}$")
_FORBIDDEN_MOUNT_OPTIONS = {
    "vers": "set the version in the NFS version field, not as a mount option",
    "nfsvers": "set the version in the NFS version field, not as a mount option",
    "suid": "would allow set-user-ID programs from the export on the host",
    "dev": "would allow device files from the export on the host",
    "exec": "would allow programs on the export to run on the host",
    "remount": "is not a mount option for a new mount",
}
DEFAULT_CEPH_PORT = 6789
DEFAULT_ISCSI_PORT = 3260
DEFAULT_CEPH_USER = "admin"
# Ceph pool and RADOS namespace names: Ceph allows more, but these travel through libvirt XML,
# command lines and file names, where this alphabet is safe.
_CEPH_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_CEPH_USER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
# A cephx key is base64 of a 12-byte header and a 16-byte AES key: 40 characters.
CEPH_KEY_LENGTH = 40
# RFC 3720 3.2.6: iSCSI names are at most 223 bytes.
IQN_MAX = 223
_IQN_RE = re.compile(
    r"^iqn\.\d{4}-(0[1-9]|1[0-2])\.[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*"
    r"(:[A-Za-z0-9.:_-]+)?$"
)
_EUI_RE = re.compile(r"^eui\.[0-9A-F]{16}$")
_NAA_RE = re.compile(r"^naa\.[0-9A-F]{16}([0-9A-F]{16})?$")
# SAM-5 flat LUN addressing: 0-16383.
LUN_MAX = 16383
# RFC 3720 8.2.1: CHAP secrets of at least 12 bytes (96 bits); targets such as tgt and LIO
# reject shorter ones at login, so refusing them here gives a clearer error sooner.
CHAP_SECRET_MIN = 12
CHAP_SECRET_MAX = 255
CHAP_USER_MAX = 255
_PRINTABLE_NO_SPACE_RE = re.compile(r"^[\x21-\x7e]+$")


# --- field validators ---------------------------------------------------------------------


def validate_pool_name(value: str, field: str = "name") -> str:
    if not value:
        raise ValidationError(field, "is required")
    if len(value) > POOL_NAME_MAX:
        raise ValidationError(
            field, f"must be at most {POOL_NAME_MAX} characters (got {len(value)})"
        )
    if not _POOL_NAME_RE.match(value):
        raise ValidationError(
            field,
            "may contain only letters, digits, '.', '_' and '-', and must start with a letter "
            f"or digit (got {value!r})",
        )
    return value


def validate_description(value: str, field: str = "description") -> str:
    if len(value) > DESCRIPTION_MAX:
        raise ValidationError(
            field, f"must be at most {DESCRIPTION_MAX} characters (got {len(value)})"
        )
    if any(ord(ch) < 32 and ch not in "\t\n" for ch in value):
        raise ValidationError(field, "must not contain control characters")
    return value


def validate_absolute_path(value: str, field: str) -> str:
    """An absolute path without '..', returned normalized ('/srv//x/' -> '/srv/x')."""
    if not value:
        raise ValidationError(field, "is required")
    if len(value) > PATH_MAX:
        raise ValidationError(field, f"must be at most {PATH_MAX} characters")
    if any(ord(ch) < 32 or ch == "\x7f" for ch in value):
        raise ValidationError(field, "must not contain control characters")
    if not value.startswith("/"):
        raise ValidationError(field, f"must be an absolute path starting with '/' (got {value!r})")
    if ".." in value.split("/"):
        raise ValidationError(field, f"must not contain '..' components (got {value!r})")
    normalized = posixpath.normpath(value)
    if normalized.startswith("//"):
        normalized = "/" + normalized.lstrip("/")
    return normalized


def validate_server(value: str, field: str) -> str:
    """A host name, an IPv4 address or an IPv6 address (brackets optional)."""
    text = value.strip()
    if not text:
        raise ValidationError(field, "is required")
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        pass
    if ":" in text:
        raise ValidationError(field, f"{value!r} is neither a host name nor an IP address")
    return validate_hostname(text, field)


@dataclass(frozen=True)
class HostPort:
    host: str
    port: int

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


def validate_host_port(value: str, field: str, default_port: int) -> HostPort:
    """``host``, ``host:port``, ``v4:port``, ``v6`` or ``[v6]:port``."""
    text = value.strip()
    if not text:
        raise ValidationError(field, "is required")
    host, port_text = text, ""
    if text.startswith("["):
        close = text.find("]")
        if close < 0:
            raise ValidationError(field, f"has an unclosed '[' (got {value!r})")
        host, rest = text[1:close], text[close + 1 :]
        if rest:
            if not rest.startswith(":"):
                raise ValidationError(field, f"must be host[:port] (got {value!r})")
            port_text = rest[1:]
    elif text.count(":") == 1:
        host, port_text = text.split(":")
    port = default_port
    if port_text or text.endswith(":"):
        if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
            raise ValidationError(field, f"port must be a number from 1 to 65535 (got {value!r})")
        port = int(port_text)
    return HostPort(validate_server(host, field), port)


def validate_nfs_version(value: str, field: str = "nfs.version") -> str:
    version = value.strip() or DEFAULT_NFS_VERSION
    if version not in NFS_VERSIONS:
        raise ValidationError(field, f"must be one of {', '.join(NFS_VERSIONS)} (got {value!r})")
    return version


def parse_mount_options(
    value: str | Iterable[str], field: str = "nfs.mount_options"
) -> tuple[str, ...]:
    """``"soft,timeo=50"`` (or a list of options) as a validated tuple of options."""
    items = value.split(",") if isinstance(value, str) else list(value)
    options: list[str] = []
    seen: set[str] = set()
    for raw in items:
        option = raw.strip()
        if not option:
            if isinstance(value, str) and not value.strip():
                continue
            raise ValidationError(field, "has an empty option (two commas in a row?)")
        name, sep, arg = option.partition("=")
        if looks_like_ceph_key(arg or name):
            # Checked before the rules below, whose messages quote the option.
            raise ValidationError(field, "must not contain a Ceph key: use the key field")
        if not _MOUNT_OPTION_NAME_RE.match(name):
            raise ValidationError(
                field,
                f"option {option!r}: names are lower-case letters, digits, '_' or '-'",
            )
        if sep and not _MOUNT_OPTION_VALUE_RE.match(arg):
            raise ValidationError(
                field,
                f"option {option!r}: values are 1-128 letters, digits or . _ : / @ + -",
            )
        if name in _FORBIDDEN_MOUNT_OPTIONS:
            raise ValidationError(field, f"option {name!r} {_FORBIDDEN_MOUNT_OPTIONS[name]}")
        if name in seen:
            raise ValidationError(field, f"option {name!r} is given twice")
        seen.add(name)
        options.append(option)
    return tuple(options)


def validate_ceph_pool(value: str, field: str = "ceph.pool") -> str:
    if not value:
        raise ValidationError(field, "is required")
    if not _CEPH_NAME_RE.match(value):
        raise ValidationError(
            field, "must be 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit"
        )
    return value


def validate_ceph_namespace(value: str, field: str = "ceph.namespace") -> str:
    return "" if not value else validate_ceph_pool(value, field)


def validate_ceph_user(value: str, field: str = "ceph.user") -> str:
    user = value.strip() or DEFAULT_CEPH_USER
    if user.startswith("client."):
        raise ValidationError(field, "give the user without the 'client.' prefix, e.g. 'admin'")
    if looks_like_ceph_key(user):
        raise ValidationError(field, "looks like a Ceph key: put the key in the key field")
    if not _CEPH_USER_RE.match(user):
        raise ValidationError(field, "must be 1-64 letters, digits, '.', '_' or '-'")
    return user


def looks_like_ceph_key(value: str) -> bool:
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return False
    return len(value) == CEPH_KEY_LENGTH and len(raw) == 28


def validate_ceph_key(value: str, field: str = "ceph.key") -> str:
    key = value.strip()
    if not key:
        raise ValidationError(field, "is required (the cephx key of the Ceph user)")
    if not looks_like_ceph_key(key):
        raise ValidationError(
            field,
            f"must be a cephx key: {CEPH_KEY_LENGTH} characters of base64 as printed by "
            "'ceph auth get-key client.USER'",
        )
    return key


def validate_iscsi_name(value: str, field: str) -> str:
    """An iSCSI qualified name: iqn.YYYY-MM.reversed.domain[:id], eui.<16 hex> or naa.<hex>."""
    name = value.strip()
    if not name:
        raise ValidationError(field, "is required")
    if len(name.encode()) > IQN_MAX:
        raise ValidationError(field, f"must be at most {IQN_MAX} bytes")
    if name.startswith("iqn."):
        if _IQN_RE.match(name):
            return name
        raise ValidationError(
            field,
            "must look like iqn.YYYY-MM.reversed.domain[:identifier] in lower case, "
            f"e.g. iqn.2024-01.com.example:storage (got {value!r})",
        )
    if _EUI_RE.match(name) or _NAA_RE.match(name):
        return name
    raise ValidationError(
        field,
        f"must be an iqn., eui. or naa. name, e.g. iqn.2024-01.com.example:storage (got {value!r})",
    )


def validate_lun(value: int | str | None, field: str = "iscsi.lun") -> int | None:
    if value is None or value == "":
        return None
    text = str(value).strip()
    if not text.isdigit() or int(text) > LUN_MAX:
        raise ValidationError(field, f"must be a number from 0 to {LUN_MAX} (got {value!r})")
    return int(text)


def validate_chap(user: str, secret: str) -> tuple[str, str]:
    """Both or neither; the secret long enough for real targets."""
    if not user and not secret:
        return "", ""
    if not user:
        raise ValidationError("iscsi.chap_user", "is required when a CHAP secret is given")
    if not secret:
        raise ValidationError("iscsi.chap_secret", "is required when a CHAP user is given")
    if len(user) > CHAP_USER_MAX or not _PRINTABLE_NO_SPACE_RE.match(user):
        raise ValidationError(
            "iscsi.chap_user", f"must be 1-{CHAP_USER_MAX} printable characters without spaces"
        )
    if user == secret:
        raise ValidationError("iscsi.chap_user", "must not be the CHAP secret")
    if not CHAP_SECRET_MIN <= len(secret) <= CHAP_SECRET_MAX:
        raise ValidationError(
            "iscsi.chap_secret",
            f"must be {CHAP_SECRET_MIN}-{CHAP_SECRET_MAX} characters (RFC 3720; targets refuse "
            f"shorter ones) (got {len(secret)})",
        )
    if not _PRINTABLE_NO_SPACE_RE.match(secret):
        raise ValidationError("iscsi.chap_secret", "must be printable characters without spaces")
    return user, secret


def validate_host_names(hosts: Sequence[str], field: str = "hosts") -> tuple[str, ...]:
    """Host names, each valid (``hosts[1]`` names a bad one) and none listed twice."""
    names = tuple(validate_hostname(h, f"{field}[{i}]") for i, h in enumerate(hosts))
    duplicates = sorted(n for n, count in Counter(names).items() if count > 1)
    if duplicates:
        raise ValidationError(field, f"lists {', '.join(duplicates)} more than once")
    return names


def validate_hosts(hosts: Sequence[str], backend: Backend, field: str = "hosts") -> tuple[str, ...]:
    """The hosts of a new pool: valid names, and exactly one for a local directory."""
    names = validate_host_names(hosts, field)
    if backend is Backend.LOCAL_DIR and len(names) != 1:
        raise ValidationError(
            field,
            f"a local directory exists on one host: choose exactly one (got {len(names)})",
        )
    return names


# --- the spec -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LocalDirSource:
    path: str


@dataclass(frozen=True)
class NfsSource:
    server: str
    export_path: str
    version: str = DEFAULT_NFS_VERSION
    mount_options: tuple[str, ...] = ()
    mount_point: str = ""  # empty: <node data dir>/mnt/<pool name>


@dataclass(frozen=True)
class CephSource:
    monitors: tuple[HostPort | str, ...]  # str until validated
    pool: str
    user: str = DEFAULT_CEPH_USER
    key: str = field(default="", repr=False)  # secret
    namespace: str = ""


class IscsiInitiator(Enum):
    """Which initiator logs in: the host kernel's (open-iscsi, libvirt type "iscsi") or
    libiscsi in user space (libvirt type "iscsi-direct", no iscsid needed)."""

    KERNEL = "KERNEL"
    USERSPACE = "USERSPACE"


@dataclass(frozen=True)
class IscsiSource:
    portal: HostPort | str  # str until validated
    target_iqn: str
    lun: int | None = None
    initiator_iqn: str = ""
    chap_user: str = ""
    chap_secret: str = field(default="", repr=False)  # secret
    initiator: IscsiInitiator = IscsiInitiator.KERNEL


Source = LocalDirSource | NfsSource | CephSource | IscsiSource


@dataclass(frozen=True)
class PoolSpec:
    name: str
    backend: Backend
    source: Source
    description: str = ""
    hosts: tuple[str, ...] = ()  # empty for a shared backend: every connected host

    def secrets(self) -> tuple[str, ...]:
        if isinstance(self.source, CephSource):
            return (self.source.key,) if self.source.key else ()
        if isinstance(self.source, IscsiSource):
            return (self.source.chap_secret,) if self.source.chap_secret else ()
        return ()

    def without_secrets(self) -> PoolSpec:
        """The spec as read RPCs return it: secrets blanked."""
        if isinstance(self.source, CephSource):
            return replace(self, source=replace(self.source, key=""))
        if isinstance(self.source, IscsiSource):
            return replace(self, source=replace(self.source, chap_secret=""))
        return self


_SOURCE_TYPES: dict[Backend, type] = {
    Backend.LOCAL_DIR: LocalDirSource,
    Backend.NFS: NfsSource,
    Backend.CEPH_RBD: CephSource,
    Backend.ISCSI: IscsiSource,
}


def _check_no_secret_in(spec: PoolSpec, fields: dict[str, str]) -> None:
    """A secret pasted into a field that is stored and shown (description, user...) would leak:
    refuse it, naming the field."""
    for secret in spec.secrets():
        for name, value in fields.items():
            if value and secret in value:
                raise ValidationError(name, "must not contain a secret (the key or CHAP secret)")
    for name, value in fields.items():
        for word in value.replace(",", " ").split():
            # "key=AQB...==" or a bare "AQB...==" (a cephx key itself ends in '=').
            candidate = word.split("=", 1)[1] if "=" in word.rstrip("=") else word
            if looks_like_ceph_key(candidate):
                raise ValidationError(name, "must not contain a Ceph key: use the key field")


def validate_pool_spec(spec: PoolSpec, *, require_secrets: bool = True) -> PoolSpec:
    """Every rule for a whole spec; returns the normalized spec or raises ValidationError.

    ``require_secrets=False`` accepts a spec whose secrets were blanked (an update that keeps
    the stored key), for callers that merge the stored secret in afterwards.
    """
    name = validate_pool_name(spec.name)
    description = validate_description(spec.description)
    expected = _SOURCE_TYPES[spec.backend]
    if not isinstance(spec.source, expected):
        raise ValidationError("backend", f"{spec.backend.label} needs its own settings")
    hosts = validate_hosts(spec.hosts, spec.backend)
    source = spec.source
    plain: dict[str, str] = {"description": description}
    if isinstance(source, LocalDirSource):
        source = LocalDirSource(validate_absolute_path(source.path, "local.path"))
    elif isinstance(source, NfsSource):
        source = NfsSource(
            server=validate_server(source.server, "nfs.server"),
            export_path=validate_absolute_path(source.export_path, "nfs.export_path"),
            version=validate_nfs_version(source.version),
            mount_options=parse_mount_options(source.mount_options),
            mount_point=(
                validate_absolute_path(source.mount_point, "nfs.mount_point")
                if source.mount_point
                else ""
            ),
        )
        plain["nfs.mount_options"] = ",".join(source.mount_options)
    elif isinstance(source, CephSource):
        if not source.monitors:
            raise ValidationError("ceph.monitors", "needs at least one monitor host[:port]")
        monitors = tuple(
            validate_host_port(str(m), f"ceph.monitors[{i}]", DEFAULT_CEPH_PORT)
            for i, m in enumerate(source.monitors)
        )
        if len(set(monitors)) != len(monitors):
            raise ValidationError("ceph.monitors", "lists the same monitor more than once")
        key = validate_ceph_key(source.key) if (require_secrets or source.key) else ""
        source = CephSource(
            monitors=monitors,
            pool=validate_ceph_pool(source.pool),
            user=validate_ceph_user(source.user),
            key=key,
            namespace=validate_ceph_namespace(source.namespace),
        )
        plain["ceph.user"] = source.user
    elif isinstance(source, IscsiSource):
        if require_secrets or source.chap_secret:
            chap_user, chap_secret = validate_chap(source.chap_user, source.chap_secret)
        else:
            chap_user, chap_secret = source.chap_user, ""
        source = IscsiSource(
            portal=validate_host_port(str(source.portal), "iscsi.portal", DEFAULT_ISCSI_PORT),
            target_iqn=validate_iscsi_name(source.target_iqn, "iscsi.target_iqn"),
            lun=validate_lun(source.lun),
            initiator_iqn=(
                validate_iscsi_name(source.initiator_iqn, "iscsi.initiator_iqn")
                if source.initiator_iqn
                else ""
            ),
            chap_user=chap_user,
            chap_secret=chap_secret,
            initiator=source.initiator,
        )
        if source.initiator is IscsiInitiator.USERSPACE and not source.initiator_iqn:
            raise ValidationError(
                "iscsi.initiator_iqn", "is required with the user-space initiator"
            )
        plain["iscsi.chap_user"] = source.chap_user
    normalized = PoolSpec(name, spec.backend, source, description, hosts)
    _check_no_secret_in(normalized, plain)
    return normalized
