"""Join tokens and join strings: the rules the coordinator, quantixctl, the console and
``quantix-node --join`` share.

A join token is ``ID.SECRET`` (kubeadm's bootstrap-token shape): the ID names the token in
lists, the audit log and revocation; the SECRET proves the holder was given it and is never
stored (the coordinator keeps its SHA-256), logged or quoted in an error.

A join string is everything a new host needs, on one line an admin pastes:
``quantix-join-1,<coordinator HOST:PORT>,<enrolment port>,<ID.SECRET>,sha256:<64 hex>``.
The last field pins the fleet's CA: the node checks it before it sends the token, so a host
that answers at the coordinator's address without the fleet's CA never learns the token.
Commas (not ``?``, ``&`` or ``#``) keep it one word in a shell when pasted unquoted.
"""

from __future__ import annotations

import re
import secrets
import shlex
from dataclasses import dataclass

from domain.durations import parse_duration
from domain.errors import ValidationError
from domain.limits import HOST_PORT_MAX, MAX_PORT_DIGITS, is_ascii_digits, too_long
from domain.validation import validate_address

JOIN_PREFIX = "quantix-join-1"

# Token IDs and secrets use lower-case letters and digits only (safe in a shell, a URL and a
# file name). 6 ID characters tell a few hundred tokens apart; 16 secret characters are
# 36**16 ~ 2**82 guesses, far beyond what a network attacker can try within a token's life.
TOKEN_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
TOKEN_ID_LENGTH = 6
TOKEN_SECRET_LENGTH = 16
_TOKEN_ID_RE = re.compile(f"[a-z0-9]{{{TOKEN_ID_LENGTH}}}")
_TOKEN_RE = re.compile(f"([a-z0-9]{{{TOKEN_ID_LENGTH}}})\\.([a-z0-9]{{{TOKEN_SECRET_LENGTH}}})")
_FINGERPRINT_RE = re.compile("sha256:[0-9a-f]{64}")

# A join string is the five fields above: the prefix, an address, a port, a token and a
# fingerprint. Anything longer is not one (checked before it is split).
JOIN_STRING_MAX = len(JOIN_PREFIX) + HOST_PORT_MAX + MAX_PORT_DIGITS + 24 + 71 + 4

# How long a token stays usable. One hour by default (the time to get to the new host and
# start its daemon); at least one minute (less cannot be typed in time); at most seven days,
# so a forgotten token does not stay a way into the fleet (kubeadm's default is one day).
DEFAULT_JOIN_TTL_S = 3600
MIN_JOIN_TTL_S = 60
MAX_JOIN_TTL_S = 7 * 24 * 3600

# Unused, unexpired tokens at once: more is an admin script gone wrong, and each one is a
# standing way in.
MAX_OPEN_TOKENS = 100


@dataclass(frozen=True)
class JoinToken:
    id: str
    secret: str

    def __str__(self) -> str:
        return f"{self.id}.{self.secret}"


def new_token() -> JoinToken:
    """A fresh token from the operating system's CSPRNG."""

    def draw(length: int) -> str:
        return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(length))

    return JoinToken(draw(TOKEN_ID_LENGTH), draw(TOKEN_SECRET_LENGTH))


def parse_token(value: str, field: str = "token") -> JoinToken:
    """``ID.SECRET``; an error never quotes the value (it may be a real secret)."""
    if len(value) > TOKEN_ID_LENGTH + 1 + TOKEN_SECRET_LENGTH:
        raise too_long(field, TOKEN_ID_LENGTH + 1 + TOKEN_SECRET_LENGTH, value)
    match = _TOKEN_RE.fullmatch(value)
    if not match:
        raise ValidationError(
            field,
            f"must be a join token: {TOKEN_ID_LENGTH} lower-case letters or digits, a dot, "
            f"then {TOKEN_SECRET_LENGTH} more",
        )
    return JoinToken(match.group(1), match.group(2))


def validate_token_id(value: str, field: str = "id") -> str:
    """Never quoted: a whole ``ID.SECRET`` pasted here would otherwise be echoed."""
    if not _TOKEN_ID_RE.fullmatch(value):
        raise ValidationError(
            field,
            f"must be a join token ID: {TOKEN_ID_LENGTH} lower-case letters or digits "
            "(the part before the dot)",
        )
    return value


def validate_fingerprint(value: str, field: str = "fingerprint") -> str:
    """Never quoted: in a join string with its parts out of order this may be the token."""
    if not _FINGERPRINT_RE.fullmatch(value):
        raise ValidationError(field, "must be 'sha256:' and 64 lower-case hex digits")
    return value


def validate_join_ttl(seconds: int, field: str = "ttl") -> int:
    if not MIN_JOIN_TTL_S <= seconds <= MAX_JOIN_TTL_S:
        raise ValidationError(
            field,
            f"must be between {describe_ttl(MIN_JOIN_TTL_S)} and {describe_ttl(MAX_JOIN_TTL_S)}"
            f" (got {describe_ttl(seconds) if seconds > 0 else seconds})",
        )
    return seconds


def parse_ttl(value: str, field: str = "--ttl") -> int:
    """``90s``, ``30m``, ``1h``, ``2d`` as seconds, within the allowed range."""
    return validate_join_ttl(parse_duration(value, field), field)


def describe_ttl(seconds: int) -> str:
    """The largest whole unit: ``1 hour``, ``90 minutes``, ``7 days``."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"


@dataclass(frozen=True)
class JoinString:
    coordinator: str  # HOST:PORT the node registers with afterwards
    enrolment_port: int  # the port on the same host that enrols without a certificate
    token: JoinToken
    ca_fingerprint: str  # sha256:<hex> of the fleet CA's certificate (DER)

    def __str__(self) -> str:
        return ",".join(
            (
                JOIN_PREFIX,
                self.coordinator,
                str(self.enrolment_port),
                str(self.token),
                self.ca_fingerprint,
            )
        )

    @property
    def enrolment_address(self) -> str:
        host = self.coordinator.rpartition(":")[0]
        return f"{host}:{self.enrolment_port}"


def parse_join_string(value: str, field: str = "--join") -> JoinString:
    """A join string as ``quantixctl hosts join-token`` prints it. Errors name the part that
    is wrong and quote nothing after the address (the token is a secret)."""
    text = value.strip(" \t")
    if len(text) > JOIN_STRING_MAX:
        raise ValidationError(field, f"is not a join string (longer than {JOIN_STRING_MAX})")
    parts = text.split(",")
    if len(parts) != 5 or parts[0] != JOIN_PREFIX:
        raise ValidationError(
            field,
            f"is not a join string: it starts with '{JOIN_PREFIX},' and has five "
            "comma-separated parts (print one with `quantixctl hosts join-token`)",
        )
    _, coordinator, port, token, fingerprint = parts
    coordinator = validate_address(coordinator, f"{field} (coordinator address)")
    if not (is_ascii_digits(port) and len(port) <= MAX_PORT_DIGITS and 1 <= int(port) <= 65535):
        # Not quoted: with the parts out of order this may be the token.
        raise ValidationError(f"{field} (enrolment port)", "must be a port 1-65535")
    return JoinString(
        coordinator,
        int(port),
        parse_token(token, f"{field} (token)"),
        validate_fingerprint(fingerprint, f"{field} (CA fingerprint)"),
    )


# The port the suggested command gives a new node: next to the coordinator's 7443 (gRPC) and
# 7444 (enrolment), so one firewall rule range covers a Quantix fleet.
SUGGESTED_NODE_PORT = 7445


# ``quantix-node`` reads the join string from this variable when ``--join`` is not given. The
# suggested command passes it so: any user of a host can read a process's command line (ps),
# only its owner its environment, and the token must not be readable (and usable) by another
# user in the moment before the node has enrolled with it.
JOIN_ENV = "QUANTIX_JOIN"


def join_command(join: JoinString) -> str:
    """The command an admin runs on the new host (shown by quantixctl and the console): its
    own address is asked of the shell, since the coordinator cannot know it."""
    return (
        f"{JOIN_ENV}={shlex.quote(str(join))} "
        "quantix-node --libvirt-uri qemu:///system "
        f"--listen 0.0.0.0:{SUGGESTED_NODE_PORT} "
        f'--advertise "$(hostname -f):{SUGGESTED_NODE_PORT}"'
    )
