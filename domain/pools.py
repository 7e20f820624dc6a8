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
from itertools import islice

from domain.errors import ValidationError
from domain.limits import (
    CEPH_KEY_LENGTH,
    CEPH_NAME_MAX,
    CEPH_USER_MAX,
    CHAP_SECRET_MAX,
    CHAP_USER_MAX,
    DESCRIPTION_MAX,
    HOST_PORT_MAX,
    IQN_MAX,
    MAX_CEPH_MONITORS,
    MAX_HOSTS,
    MAX_LUN_DIGITS,
    MAX_MOUNT_OPTIONS,
    MAX_PORT_DIGITS,
    MOUNT_OPTION_MAX,
    MOUNT_OPTION_NAME_MAX,
    MOUNT_OPTION_VALUE_MAX,
    MOUNT_OPTIONS_TEXT_MAX,
    PATH_MAX,
    POOL_NAME_MAX,
    SERVER_MAX,
    has_control_characters,
    is_ascii_digits,
    quoted,
    shortened,
    too_long,
    validate_text,
)
from domain.system_paths import check_not_system_directory
from domain.validation import BLANKS, check_ipv6_zone, validate_hostname


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

# --- rules, each with its reason (length limits live in domain.limits) --------------------

_POOL_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
# "auto": no version in the pool; the host's mount negotiates one with the server. Pools made
# outside Quantix often have none, and adopting them must not change that.
NFS_VERSION_AUTO = "auto"
NFS_VERSIONS = ("3", "4", "4.1", "4.2", NFS_VERSION_AUTO)
# 4.1 is what current NFS servers (Linux knfsd, NetApp, TrueNAS) serve by default and what
# Linux clients negotiate first; it has sessions (safe retries) that 3 and 4.0 lack.
DEFAULT_NFS_VERSION = "4.1"
# Mount options a user may give. Options that would contradict a field (vers=, nfsvers= are
# the version field) or weaken the host (suid, dev, exec: libvirt mounts nosuid,nodev,noexec)
# are refused rather than silently dropped.
_MOUNT_OPTION_NAME_RE = re.compile(rf"[a-z][a-z0-9_-]{{0,{MOUNT_OPTION_NAME_MAX - 1}}}")
_MOUNT_OPTION_VALUE_RE = re.compile(rf"[A-Za-z0-9._:/@+-]{{1,{MOUNT_OPTION_VALUE_MAX}}}")
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
_CEPH_NAME_RE = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._-]{{0,{CEPH_NAME_MAX - 1}}}")
_CEPH_USER_RE = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._-]{{0,{CEPH_USER_MAX - 1}}}")
# iSCSI names (RFC 3720 3.2.6). [0-9], not \d: \d also matches non-ASCII digits.
_IQN_RE = re.compile(
    r"iqn\.[0-9]{4}-(0[1-9]|1[0-2])\.[a-z0-9]([a-z0-9-]*[a-z0-9])?"
    r"(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[A-Za-z0-9.:_-]+)?"
)
_EUI_RE = re.compile(r"eui\.[0-9A-F]{16}")
_NAA_RE = re.compile(r"naa\.[0-9A-F]{16}([0-9A-F]{16})?")
# SAM-5 flat LUN addressing: 0-16383.
LUN_MAX = 16383
# RFC 3720 8.2.1: CHAP secrets of at least 12 bytes (96 bits); targets such as tgt and LIO
# reject shorter ones at login, so refusing them here gives a clearer error sooner.
CHAP_SECRET_MIN = 12
_PRINTABLE_NO_SPACE_RE = re.compile(r"[\x21-\x7e]+")


# --- field validators ---------------------------------------------------------------------


def validate_pool_name(value: str, field: str = "name") -> str:
    if not value:
        raise ValidationError(field, "is required")
    if len(value) > POOL_NAME_MAX:
        raise too_long(field, POOL_NAME_MAX, value)
    if not _POOL_NAME_RE.fullmatch(value):
        raise ValidationError(
            field,
            "may contain only letters, digits, '.', '_' and '-', and must start with a letter "
            f"or digit (got {quoted(value)})",
        )
    return value


def validate_description(value: str, field: str = "description") -> str:
    # A multi-line note: newlines and tabs are fine, other control characters are not.
    return validate_text(value, field, DESCRIPTION_MAX, allow_newlines=True)


def validate_absolute_path(value: str, field: str) -> str:
    """An absolute path without '..', returned normalized ('/srv//x/' -> '/srv/x')."""
    if not value:
        raise ValidationError(field, "is required")
    if len(value) > PATH_MAX:
        raise too_long(field, PATH_MAX, value)
    if has_control_characters(value):
        raise ValidationError(field, "must not contain control characters")
    if not value.startswith("/"):
        raise ValidationError(
            field, f"must be an absolute path starting with '/' (got {quoted(value)})"
        )
    if ".." in value.split("/"):
        raise ValidationError(field, f"must not contain '..' components (got {quoted(value)})")
    normalized = posixpath.normpath(value)
    if normalized.startswith("//"):
        normalized = "/" + normalized.lstrip("/")
    return normalized


def validate_pool_directory(value: str, field: str) -> str:
    """A directory on the host that a pool owns (``local.path``, ``nfs.mount_point``): an
    absolute path, normalized, that is neither a system directory, nor contains one, nor lies
    inside a system tree (``domain.system_paths``). Checked after normalization, so '//etc'
    and '/etc/.' are caught too."""
    return check_not_system_directory(validate_absolute_path(value, field), field)


def validate_server(value: str, field: str) -> str:
    """A host name, an IPv4 address or an IPv6 address (brackets optional)."""
    text = value.strip(BLANKS)
    if not text:
        raise ValidationError(field, "is required")
    if len(text) > SERVER_MAX:
        raise too_long(field, SERVER_MAX, text)
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    try:
        address = str(ipaddress.ip_address(text))
    except ValueError:
        address = ""
    if address:
        return check_ipv6_zone(address, field)
    if ":" in text:
        raise ValidationError(field, f"{quoted(value)} is neither a host name nor an IP address")
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
    text = value.strip(BLANKS)
    if not text:
        raise ValidationError(field, "is required")
    if len(text) > HOST_PORT_MAX:
        raise too_long(field, HOST_PORT_MAX, text)
    host, port_text = text, ""
    if text.startswith("["):
        close = text.find("]")
        if close < 0:
            raise ValidationError(field, f"has an unclosed '[' (got {quoted(value)})")
        host, rest = text[1:close], text[close + 1 :]
        if rest:
            if not rest.startswith(":"):
                raise ValidationError(field, f"must be host[:port] (got {quoted(value)})")
            port_text = rest[1:]
    elif text.count(":") == 1:
        host, port_text = text.split(":")
    port = default_port
    if port_text or text.endswith(":"):
        # ASCII digits only, and at most five of them before int(): '²' or a 10,000-digit
        # string must be a ValidationError, never a ValueError from int().
        if (
            len(port_text) > MAX_PORT_DIGITS
            or not is_ascii_digits(port_text)
            or not 1 <= int(port_text) <= 65535
        ):
            raise ValidationError(
                field, f"port must be a number from 1 to 65535 (got {quoted(value)})"
            )
        port = int(port_text)
    return HostPort(validate_server(host, field), port)


def validate_nfs_version(value: str, field: str = "nfs.version") -> str:
    # Empty means "not chosen": the default version, by design. Anything else must be known.
    version = value.strip(BLANKS) or DEFAULT_NFS_VERSION
    if version not in NFS_VERSIONS:
        raise ValidationError(
            field, f"must be one of {', '.join(NFS_VERSIONS)} (got {quoted(value)})"
        )
    return version


def parse_mount_options(
    value: str | Iterable[str], field: str = "nfs.mount_options"
) -> tuple[str, ...]:
    """``"soft,timeo=50"`` (or a list of options) as a validated tuple of options."""
    if isinstance(value, str):
        if len(value) > MOUNT_OPTIONS_TEXT_MAX:
            raise too_long(field, MOUNT_OPTIONS_TEXT_MAX, value)
        if not value.strip(BLANKS):
            return ()
        items = value.split(",")
    else:
        # islice: a huge (or endless) iterable is cut one past the limit, never read whole.
        items = list(islice(value, MAX_MOUNT_OPTIONS + 1))
    if len(items) > MAX_MOUNT_OPTIONS:
        raise ValidationError(
            field, f"must be at most {MAX_MOUNT_OPTIONS} options (got {len(items)} or more)"
        )
    options: list[str] = []
    seen: set[str] = set()
    for raw in items:
        if not isinstance(raw, str):
            raise ValidationError(field, f"options must be text (got {type(raw).__name__})")
        if len(raw) > MOUNT_OPTION_MAX:
            raise ValidationError(
                field,
                f"option {quoted(raw)} is longer than {MOUNT_OPTION_MAX} characters",
            )
        option = raw.strip(BLANKS)
        if not option:
            raise ValidationError(field, "has an empty option (two commas in a row?)")
        name, sep, arg = option.partition("=")
        if looks_like_ceph_key(arg or name):
            # Checked before the rules below, whose messages quote the option.
            raise ValidationError(field, "must not contain a Ceph key: use the key field")
        if not _MOUNT_OPTION_NAME_RE.fullmatch(name):
            raise ValidationError(
                field,
                f"option {quoted(option)}: names are 1-{MOUNT_OPTION_NAME_MAX} lower-case "
                "letters, digits, '_' or '-'",
            )
        if sep and not _MOUNT_OPTION_VALUE_RE.fullmatch(arg):
            raise ValidationError(
                field,
                f"option {quoted(option)}: values are 1-{MOUNT_OPTION_VALUE_MAX} letters, "
                "digits or . _ : / @ + -",
            )
        if name in _FORBIDDEN_MOUNT_OPTIONS:
            raise ValidationError(field, f"option {quoted(name)} {_FORBIDDEN_MOUNT_OPTIONS[name]}")
        if name in seen:
            raise ValidationError(field, f"option {quoted(name)} is given twice")
        seen.add(name)
        options.append(option)
    return tuple(options)


def validate_ceph_pool(value: str, field: str = "ceph.pool") -> str:
    if not value:
        raise ValidationError(field, "is required")
    if len(value) > CEPH_NAME_MAX:
        raise too_long(field, CEPH_NAME_MAX, value)
    if not _CEPH_NAME_RE.fullmatch(value):
        raise ValidationError(
            field,
            f"must be 1-{CEPH_NAME_MAX} letters, digits, '.', '_' or '-', starting with a letter "
            "or digit",
        )
    return value


def validate_ceph_namespace(value: str, field: str = "ceph.namespace") -> str:
    return "" if not value else validate_ceph_pool(value, field)


def validate_ceph_user(value: str, field: str = "ceph.user") -> str:
    # Empty means "not chosen": the default user, by design.
    user = value.strip(BLANKS) or DEFAULT_CEPH_USER
    if len(user) > CEPH_USER_MAX:
        raise too_long(field, CEPH_USER_MAX, user)
    if user.startswith("client."):
        raise ValidationError(field, "give the user without the 'client.' prefix, e.g. 'admin'")
    if looks_like_ceph_key(user):
        raise ValidationError(field, "looks like a Ceph key: put the key in the key field")
    if not _CEPH_USER_RE.fullmatch(user):
        raise ValidationError(field, f"must be 1-{CEPH_USER_MAX} letters, digits, '.', '_' or '-'")
    return user


def looks_like_ceph_key(value: str) -> bool:
    # The length first: a cephx key is exactly 40 characters, and decoding 20 KB of base64 to
    # find out it is not one would be wasted work.
    if len(value) != CEPH_KEY_LENGTH:
        return False
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return False
    return len(raw) == 28


def validate_ceph_key(value: str, field: str = "ceph.key") -> str:
    key = value.strip(BLANKS)
    if not key:
        raise ValidationError(field, "is required (the cephx key of the Ceph user)")
    if not looks_like_ceph_key(key):
        # Never quoted: even a wrong key may be most of a secret.
        raise ValidationError(
            field,
            f"must be a cephx key: {CEPH_KEY_LENGTH} characters of base64 as printed by "
            "'ceph auth get-key client.USER'",
        )
    return key


def validate_iscsi_name(value: str, field: str) -> str:
    """An iSCSI qualified name: iqn.YYYY-MM.reversed.domain[:id], eui.<16 hex> or naa.<hex>."""
    name = value.strip(BLANKS)
    if not name:
        raise ValidationError(field, "is required")
    # Characters first (cheap, and never more than bytes), then bytes, as RFC 3720 counts them;
    # surrogatepass so that a lone surrogate is refused by the rules below, not by encode().
    if len(name) > IQN_MAX or len(name.encode("utf-8", "surrogatepass")) > IQN_MAX:
        raise ValidationError(field, f"must be at most {IQN_MAX} bytes")
    if name.startswith("iqn."):
        if _IQN_RE.fullmatch(name):
            return name
        raise ValidationError(
            field,
            "must look like iqn.YYYY-MM.reversed.domain[:id] in lower case, "
            f"e.g. iqn.2024-01.com.example:storage (got {quoted(value)})",
        )
    if _EUI_RE.fullmatch(name) or _NAA_RE.fullmatch(name):
        return name
    raise ValidationError(
        field,
        "must be an iqn., eui. or naa. name, e.g. iqn.2024-01.com.example:storage "
        f"(got {quoted(value)})",
    )


def validate_lun(value: int | str | None, field: str = "iscsi.lun") -> int | None:
    if value is None or value == "":
        return None
    rule = f"must be a number from 0 to {LUN_MAX}"
    if isinstance(value, bool):  # an int subclass, but never a LUN
        raise ValidationError(field, f"{rule} (got {value})")
    if isinstance(value, int):
        if 0 <= value <= LUN_MAX:
            return value
        # str() of a huge int is slow (and refused past 4,300 digits): say its size instead.
        got = str(value) if -(10**9) < value < 10**9 else "a number that large"
        raise ValidationError(field, f"{rule} (got {got})")
    if not isinstance(value, str):
        raise ValidationError(field, f"{rule} (got {type(value).__name__})")
    text = value.strip(BLANKS)
    # ASCII digits only, at most five of them, before int(): see validate_host_port.
    if len(text) > MAX_LUN_DIGITS or not is_ascii_digits(text) or int(text) > LUN_MAX:
        raise ValidationError(field, f"{rule} (got {quoted(value)})")
    return int(text)


def _validate_chap_user(user: str) -> str:
    """A CHAP user name ("" when none): printable ASCII without spaces, length first."""
    if user and (len(user) > CHAP_USER_MAX or not _PRINTABLE_NO_SPACE_RE.fullmatch(user)):
        raise ValidationError(
            "iscsi.chap_user", f"must be 1-{CHAP_USER_MAX} printable characters without spaces"
        )
    return user


def validate_chap(user: str, secret: str) -> tuple[str, str]:
    """Both or neither; the secret long enough for real targets."""
    if not user and not secret:
        return "", ""
    if not user:
        raise ValidationError("iscsi.chap_user", "is required when a CHAP secret is given")
    if not secret:
        raise ValidationError("iscsi.chap_secret", "is required when a CHAP user is given")
    _validate_chap_user(user)
    if user == secret:
        raise ValidationError("iscsi.chap_user", "must not be the CHAP secret")
    if not CHAP_SECRET_MIN <= len(secret) <= CHAP_SECRET_MAX:
        raise ValidationError(
            "iscsi.chap_secret",
            f"must be {CHAP_SECRET_MIN}-{CHAP_SECRET_MAX} characters (RFC 3720; targets refuse "
            f"shorter ones) (got {len(secret)})",
        )
    if not _PRINTABLE_NO_SPACE_RE.fullmatch(secret):
        raise ValidationError("iscsi.chap_secret", "must be printable characters without spaces")
    return user, secret


def validate_host_names(hosts: Sequence[str], field: str = "hosts") -> tuple[str, ...]:
    """Host names, each valid (``hosts[1]`` names a bad one) and none listed twice."""
    if len(hosts) > MAX_HOSTS:
        raise ValidationError(field, f"must list at most {MAX_HOSTS} hosts (got {len(hosts)})")
    names = tuple(validate_hostname(h, f"{field}[{i}]") for i, h in enumerate(hosts))
    duplicates = sorted(n for n, count in Counter(names).items() if count > 1)
    if duplicates:
        # Each name is at most 253 characters and there may be hundreds: show a prefix.
        raise ValidationError(field, f"lists {shortened(', '.join(duplicates))} more than once")
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


def validate_monitors(
    monitors: Sequence[HostPort | str], field: str = "ceph.monitors"
) -> tuple[HostPort, ...]:
    """Ceph monitors: 1-16 ``host[:port]``, each valid (``ceph.monitors[1]`` names a bad one)
    and none listed twice."""
    if not monitors:
        raise ValidationError(field, "needs at least one monitor host[:port]")
    if len(monitors) > MAX_CEPH_MONITORS:
        raise ValidationError(
            field, f"must list at most {MAX_CEPH_MONITORS} monitors (got {len(monitors)})"
        )
    validated = tuple(
        validate_host_port(str(m), f"{field}[{i}]", DEFAULT_CEPH_PORT)
        for i, m in enumerate(monitors)
    )
    if len(set(validated)) != len(validated):
        raise ValidationError(field, "lists the same monitor more than once")
    return validated


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
    # An unknown backend or initiator is refused, never mapped to a default.
    if not isinstance(spec.backend, Backend):
        raise ValidationError("backend", f"must be one of {', '.join(b.value for b in Backend)}")
    name = validate_pool_name(spec.name)
    description = validate_description(spec.description)
    expected = _SOURCE_TYPES[spec.backend]
    if not isinstance(spec.source, expected):
        raise ValidationError("backend", f"{spec.backend.label} needs its own settings")
    hosts = validate_hosts(spec.hosts, spec.backend)
    source = spec.source
    plain: dict[str, str] = {"description": description}
    if isinstance(source, LocalDirSource):
        source = LocalDirSource(validate_pool_directory(source.path, "local.path"))
    elif isinstance(source, NfsSource):
        source = NfsSource(
            server=validate_server(source.server, "nfs.server"),
            # The export is a path on the NFS server, not on the host: no system-directory rule.
            export_path=validate_absolute_path(source.export_path, "nfs.export_path"),
            version=validate_nfs_version(source.version),
            mount_options=parse_mount_options(source.mount_options),
            mount_point=(
                validate_pool_directory(source.mount_point, "nfs.mount_point")
                if source.mount_point
                else ""
            ),
        )
        plain["nfs.mount_options"] = ",".join(source.mount_options)
    elif isinstance(source, CephSource):
        monitors = validate_monitors(source.monitors)
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
        if not isinstance(source.initiator, IscsiInitiator):
            raise ValidationError(
                "iscsi.initiator", f"must be one of {', '.join(i.value for i in IscsiInitiator)}"
            )
        if require_secrets or source.chap_secret:
            chap_user, chap_secret = validate_chap(source.chap_user, source.chap_secret)
        else:
            # The stored secret is merged in later; the user still gets the user's rules.
            chap_user, chap_secret = _validate_chap_user(source.chap_user), ""
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
