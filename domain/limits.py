"""Size limits of every value the validators accept, and the helpers that enforce them.

The console, quantixctl, the coordinator and the node daemon validate the same input with
these rules. Every string and every list a validator accepts has a bound here, checked before
any regex, parse or decode, so that hostile input (a 20 KB name, a million hosts) is refused
cheaply and with a short message. Each limit says why it has that value.
"""

from __future__ import annotations

import unicodedata

from domain.errors import ValidationError

# --- quoting a bad value in an error ------------------------------------------------------

# Errors quote at most this many characters of a bad value: enough to recognise a typo, short
# enough that a 20 KB value cannot blow up a gRPC status, a log line or a wizard label.
QUOTE_LIMIT = 40

# --- generic limits (reusable by other validators, e.g. host facts) -----------------------

# Names, versions, CPU models: real ones are far shorter (libvirt/OS versions < 64, CPU model
# strings < 100); 256 leaves room for odd vendors while bounding what is stored and shown.
MAX_SHORT_TEXT = 256
# Generic list bound: Quantix targets fleets of tens to hundreds of hosts; 1,000 items of any
# list is beyond what a console table or one RPC reply should carry.
MAX_LIST = 1000

# --- names and addresses --------------------------------------------------------------------

# RFC 1123 / RFC 1035: a host name is at most 253 characters.
HOSTNAME_MAX_LENGTH = 253
# A TCP port is 1-65535: five digits. Longer digit strings are refused before int(), so a
# 100,000-digit "port" costs nothing (and never hits int()'s digit limit).
MAX_PORT_DIGITS = 5
# A server is a host name, an IPv4 address or an IPv6 address in optional brackets (an IPv6
# address with a zone, "fe80::1%eth0", is at most 45 + 1 + 15 characters: far below this).
SERVER_MAX = HOSTNAME_MAX_LENGTH + len("[]")
# "[" host "]" ":" port: the longest host[:port] or [v6]:port text worth parsing.
HOST_PORT_MAX = HOSTNAME_MAX_LENGTH + len("[]:") + MAX_PORT_DIGITS

# --- storage pools --------------------------------------------------------------------------

# Pool names become libvirt object names, file names (mount points) and secret usage names;
# 64 characters of a conservative alphabet fit all three on every file system.
POOL_NAME_MAX = 64
# A pool description is a note for admins, shown in a card and a table cell: a paragraph.
DESCRIPTION_MAX = 512
# PATH_MAX on Linux.
PATH_MAX = 4096
# Hosts a pool is assigned to: Quantix targets small fleets (tens to hundreds of hosts), so a
# pool on more than 1,000 hosts is a mistake or an attack, and each one costs an RPC fan-out.
MAX_HOSTS = MAX_LIST
# NFS mount options: a real mount line has fewer than ten; 32 is generous and keeps the libvirt
# XML and the mount(8) command line small.
MAX_MOUNT_OPTIONS = 32
# An option is a name (1-32 lower-case characters) and an optional "=value" (1-128 characters).
MOUNT_OPTION_NAME_MAX = 32
MOUNT_OPTION_VALUE_MAX = 128
MOUNT_OPTION_MAX = MOUNT_OPTION_NAME_MAX + len("=") + MOUNT_OPTION_VALUE_MAX
# The comma-separated form: MAX_MOUNT_OPTIONS options of the longest kind and their commas.
MOUNT_OPTIONS_TEXT_MAX = MAX_MOUNT_OPTIONS * (MOUNT_OPTION_MAX + len(","))
# Ceph clusters run 3 or 5 monitors, rarely 7; 16 covers any real monmap with room to spare.
MAX_CEPH_MONITORS = 16
# Ceph pool and RADOS namespace names: Ceph allows more, but these travel through libvirt XML,
# command lines and file names, where 128 characters of a safe alphabet are enough.
CEPH_NAME_MAX = 128
# A cephx user name (without "client."): 64 characters of the same alphabet.
CEPH_USER_MAX = 64
# A cephx key is base64 of a 12-byte header and a 16-byte AES key: exactly 40 characters.
CEPH_KEY_LENGTH = 40
# RFC 3720 3.2.6: iSCSI names are at most 223 bytes.
IQN_MAX = 223
# SAM-5 flat LUN addressing goes up to 16383: five digits.
MAX_LUN_DIGITS = 5
# RFC 3720 leaves CHAP names and secrets unbounded; open-iscsi and LIO store at most 255 bytes.
CHAP_USER_MAX = 255
CHAP_SECRET_MAX = 255


# --- helpers ----------------------------------------------------------------------------------

_ASCII_DIGITS = frozenset("0123456789")


def is_ascii_digits(text: str) -> bool:
    """Non-empty and only '0'-'9'. ``str.isdigit`` is not enough: ``'²'.isdigit()`` is True
    and ``int('²')`` raises, and ``int('٣')`` (an Arabic-Indic digit) silently succeeds."""
    return bool(text) and all(ch in _ASCII_DIGITS for ch in text)


def quoted(value: str, limit: int = QUOTE_LIMIT) -> str:
    """``repr(value)`` for an error message, cut to ``limit`` characters.

    A cut value ends in '…' and says its full length: ``'aaaa…' (20000 characters)``. The
    prefix is shortened further while its repr is wider than ``limit`` (escapes such as
    ``\\U000e0001`` take up to ten characters each), so the result is always short.
    """
    prefix = value[:limit]
    while prefix and len(repr(prefix)) > limit + len("''"):
        prefix = prefix[:-1]
    if prefix == value:
        return repr(value)
    return f"{prefix + '…'!r} ({len(value)} characters)"


def too_long(field: str, max_len: int, value: str, unit: str = "characters") -> ValidationError:
    """The error for a value over its length limit; it states lengths, never the value."""
    return ValidationError(field, f"must be at most {max_len} {unit} (got {len(value)})")


# Unicode categories refused in text: Cc are the C0/C1 control characters (and DEL), which
# break one-line displays, log lines and libvirt XML; Cs are lone surrogates, which cannot be
# encoded as UTF-8 and would fail later, in gRPC or in libvirt, instead of here.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cs"})
# Line and paragraph separators end a line in Qt labels and many terminals, like "\n".
_LINE_BREAKS = frozenset("\u2028\u2029")


def has_control_characters(text: str, allowed: str = "") -> bool:
    """True when ``text`` has a control character (other than those in ``allowed``)."""
    for ch in text:
        if ch in allowed:
            continue
        if ch in _LINE_BREAKS or unicodedata.category(ch) in _REFUSED_CATEGORIES:
            return True
    return False


def validate_text(value: str, field: str, max_len: int, *, allow_newlines: bool = False) -> str:
    """Free text: at most ``max_len`` characters and no control characters.

    ``allow_newlines`` admits '\\n' and '\\t' for multi-line notes (a description); one-line
    text (a name, a version, a CPU model) refuses them. Empty text passes: whether a field is
    required is the caller's rule. Returns ``value`` unchanged.
    """
    if not isinstance(value, str):
        raise ValidationError(field, f"must be text (got {type(value).__name__})")
    if len(value) > max_len:
        raise too_long(field, max_len, value)
    allowed = "\n\t" if allow_newlines else ""
    if has_control_characters(value, allowed):
        raise ValidationError(
            field,
            "must not contain control characters"
            + ("" if allow_newlines else " (it is one line of text)"),
        )
    return value


def shortened(text: str, limit: int = QUOTE_LIMIT * 2) -> str:
    """``text`` cut to ``limit`` characters and '…', for text already known to be safe to
    show unquoted (e.g. a list of validated host names, which may be long)."""
    return text if len(text) <= limit else text[:limit] + "…"


# --- the audit log ------------------------------------------------------------------------------

# Entries one ListAuditEntries returns: a page by default (a day of changes in a busy fleet),
# at most what one reply should carry (~2 MB).
AUDIT_LIST_DEFAULT = 1_000
AUDIT_LIST_MAX = 10_000

# --- distributed switches -----------------------------------------------------------------------

# Uplinks of a switch: servers carry 2-4 data NICs, rarely more than 8; Linux bonding accepts
# more, but a team of 8 already exceeds what any host here has.
MAX_SWITCH_UPLINKS = 8
# Port groups of a switch: each VLAN port group costs two interfaces (a sub-interface and its
# bridge) on every host; 256 is far more than a small fleet's VLAN plan and keeps one switch's
# interfaces (and its health reply) small.
MAX_PORT_GROUPS = 256
