"""Images: ISO media, disk images and OVA templates in storage pools.

The rules every image obeys, wherever it is checked (the console's dialogs, quantixctl, the
coordinator and the node all call these): what a name may be, which pools can take an upload
and how, what a checksum and a URL must look like, the names an OVA template's disks take, and
how a stopped transfer is worded. Qt-free and gRPC-free.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from domain.errors import ValidationError
from domain.limits import has_control_characters, quoted, too_long
from domain.units import format_bytes

# A volume's file name on a host: ext4 and XFS take 255 bytes per name; 200 characters leaves
# room for a template's "-disk12.qcow2" and a partial download's suffix.
IMAGE_NAME_MAX = 200
# The largest image anyone uploads to a small fleet's pool (a disk image of a big guest): 16 TiB.
# Anything above is a mistake or an attack on the node's bookkeeping, refused before a byte moves.
IMAGE_SIZE_MAX = 16 << 40
# URLs as browsers and curl take them in practice (RFC 9110 recommends at least 8,000; cloud
# image URLs are ~100): 2,048 refuses pasted garbage without refusing a real mirror.
URL_MAX = 2048
SHA256_HEX_LENGTH = 64

_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]*")
_SHA256_RE = re.compile(r"[0-9a-f]{64}")


class ImageKind(enum.Enum):
    ISO = "ISO"
    DISK = "disk image"
    OVA_TEMPLATE = "OVA template"


class ImagePhase(enum.Enum):
    UPLOADING = "uploading"
    DOWNLOADING = "downloading"
    EXTRACTING = "extracting"
    VERIFYING = "verifying"
    CONVERTING = "converting"
    REGISTERING = "registering"
    READY = "ready"
    ERROR = "error"

    @property
    def busy(self) -> bool:
        """A task is moving the image: it cannot be deleted or retried now."""
        return self not in (ImagePhase.READY, ImagePhase.ERROR)


# A volume found in a pool was not put there by Quantix (an installer's, an admin's, a guest's
# disk): it is listed so that it can be used, never deleted, as Quantix never changes what it did
# not make.
FOUND_NOT_DELETED = (
    "a volume found in the pool: Quantix did not put it there and does not delete it"
)


def image_key(pool: str, name: str) -> str:
    """The image's key on Watch and in the store: a name is unique within its pool."""
    return f"{pool}/{name}"


def validate_image_name(value: str, field: str = "name") -> str:
    """A volume name that is one file in the pool's directory and nothing else.

    A path separator or '..' could write outside the pool; a leading '.' would hide the file
    from ``ls`` and from a partial download's own name. The specific rule is named first.
    """
    if not value:
        raise ValidationError(field, "is required")
    if len(value) > IMAGE_NAME_MAX:
        raise too_long(field, IMAGE_NAME_MAX, value)
    if "/" in value or "\\" in value:
        raise ValidationError(field, f"must not contain a path separator (got {quoted(value)})")
    if ".." in value:
        raise ValidationError(field, f"must not contain '..' (got {quoted(value)})")
    if has_control_characters(value):
        raise ValidationError(field, "must not contain control characters")
    if not _NAME_RE.fullmatch(value):
        raise ValidationError(
            field,
            "may contain only letters, digits, '.', '_', '+' and '-', and must start with a "
            f"letter or digit (got {quoted(value)})",
        )
    return value


def validate_size(size: int, field: str = "size") -> int:
    if size <= 0:
        raise ValidationError(field, "must be more than 0 bytes (the file is empty)")
    if size > IMAGE_SIZE_MAX:
        raise ValidationError(
            field, f"must be at most {format_bytes(IMAGE_SIZE_MAX)} (got {format_bytes(size)})"
        )
    return size


def validate_sha256(value: str, field: str = "sha256") -> str:
    """An optional SHA-256 in hex; returned lower case ('' stays '': none given)."""
    if not value:
        return ""
    text = value.strip().lower()
    if len(text) != SHA256_HEX_LENGTH:
        raise ValidationError(
            field, f"must be {SHA256_HEX_LENGTH} hex digits (got {len(value)} characters)"
        )
    if not _SHA256_RE.fullmatch(text):
        raise ValidationError(field, f"must be hex digits 0-9 and a-f (got {quoted(value)})")
    return text


def validate_url(value: str, field: str = "url") -> str:
    """An http or https URL with a host; nothing else is fetched."""
    if not value:
        raise ValidationError(field, "is required")
    if len(value) > URL_MAX:
        raise too_long(field, URL_MAX, value)
    if has_control_characters(value) or any(ch.isspace() for ch in value):
        raise ValidationError(field, "must not contain spaces or control characters")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https"):
        raise ValidationError(field, f"must start with http:// or https:// (got {quoted(value)})")
    if not parts.hostname:
        raise ValidationError(field, f"must name a host (got {quoted(value)})")
    if parts.username is not None or parts.password is not None:
        # A URL is shown to every console and kept in the audit log: no secret may ride in it.
        raise ValidationError(field, "must not carry a user name or password (user:pass@host)")
    try:
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
    except ValueError:
        raise ValidationError(field, f"has a bad port (got {quoted(value)})") from None
    return value


# --- kinds and pools -----------------------------------------------------------------------------

_KIND_BY_SUFFIX: dict[str, ImageKind] = {
    ".iso": ImageKind.ISO,
    ".ova": ImageKind.OVA_TEMPLATE,
    ".qcow2": ImageKind.DISK,
    ".img": ImageKind.DISK,
    ".raw": ImageKind.DISK,
}


def kind_for_file(file_name: str) -> ImageKind:
    """What a file most likely is, from its suffix (a guess the dialog lets the user change)."""
    lower = file_name.lower()
    for suffix, kind in _KIND_BY_SUFFIX.items():
        if lower.endswith(suffix):
            return kind
    return ImageKind.DISK


def name_for_file(file_name: str) -> str:
    """A valid image name pre-filled from a file's name: its base name, with characters the
    rules refuse replaced by '-' ('My Disk (1).iso' -> 'My-Disk-1-.iso'); an OVA's template
    drops the '.ova'. May still be refused (e.g. too long): the dialog shows why."""
    base = file_name.replace("\\", "/").rsplit("/", 1)[-1]
    if base.lower().endswith(".ova"):
        base = base[: -len(".ova")]
    cleaned = re.sub(r"[^A-Za-z0-9._+-]+", "-", base).replace("..", ".")
    cleaned = cleaned.lstrip("._+-")
    return cleaned[:IMAGE_NAME_MAX]


class UploadMode(enum.Enum):
    FILE = "file"  # the pool is a directory on the host: write the volume's file, refresh
    STREAM = "stream"  # create the volume in libvirt and send through its upload stream


# Pools whose volumes are files in a directory the node can write (libvirt's file backends).
_FILE_POOLS = frozenset({"dir", "fs", "netfs"})
# Pools where libvirt creates a volume and accepts an upload stream into it.
_STREAM_POOLS = frozenset({"logical", "rbd", "gluster", "zfs", "vstorage"})
# Pools whose volumes are fixed by something outside libvirt: nothing can be created there.
_NO_NEW_VOLUMES: dict[str, str] = {
    "iscsi": "an iSCSI pool's volumes are the target's LUNs; libvirt cannot create one",
    "iscsi-direct": "an iSCSI pool's volumes are the target's LUNs; libvirt cannot create one",
    "scsi": "a SCSI pool's volumes are the adapter's LUNs; libvirt cannot create one",
    "mpath": "a multipath pool's volumes are its devices; libvirt cannot create one",
    "disk": "a disk pool holds partitions, not image files",
}


@dataclass(frozen=True)
class UploadSupport:
    mode: UploadMode | None
    reason: str = ""  # why not, when mode is None


def upload_support(pool_type: str) -> UploadSupport:
    """How bytes get into a pool of this libvirt type, or why they cannot (virt-manager's
    ``StoragePool.supports_volume_creation`` question, answered for uploads)."""
    if pool_type in _FILE_POOLS:
        return UploadSupport(UploadMode.FILE)
    if pool_type in _STREAM_POOLS:
        return UploadSupport(UploadMode.STREAM)
    reason = _NO_NEW_VOLUMES.get(
        pool_type, f"pools of type {pool_type or 'unknown'} take no uploads"
    )
    return UploadSupport(None, reason)


def supports_templates(pool_type: str) -> bool:
    """An OVA's disks are converted to qcow2 files: only file pools hold qcow2."""
    return pool_type in _FILE_POOLS


def template_disk_name(template: str, index: int) -> str:
    """The volume an OVA template's disk ``index`` (from 1) becomes."""
    return f"{template}-disk{index}.qcow2"


# --- how transfers are worded --------------------------------------------------------------------


def stopped_message(verb: str, host: str, done: int, total: int, cause: str) -> str:
    """'upload to host-b stopped at 1.2 GiB of 4.0 GiB: connection lost'."""
    where = format_bytes(done) if total <= 0 else f"{format_bytes(done)} of {format_bytes(total)}"
    return f"{verb} {'to' if verb == 'upload' else 'on'} {host} stopped at {where}: {cause}"


# How a node's own account of a transfer begins (stopped_message, and its refusals "upload of X
# to pool P on host-b refused: ..."): such a message already says what, where and why, and is
# shown as it is; any other failure text is a bare cause the coordinator words.
_WORDED_PREFIXES = (
    "upload to ",
    "upload of ",
    "download on ",
    "download of ",
    "import of ",
    "import on ",
)


def is_worded(message: str) -> bool:
    """True when ``message`` is a whole account of a transfer (see _WORDED_PREFIXES)."""
    return message.startswith(_WORDED_PREFIXES)
