"""Validation of names and addresses shared by the console, quantixctl and the servers.

Every check matches the whole string (``re.fullmatch``: ``$`` also matches before a final
newline), reads only ASCII digits as numbers, bounds the length before any parse, and quotes at
most a short prefix of a bad value (``domain.limits.quoted``).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from domain.errors import ValidationError
from domain.limits import (
    HOST_PORT_MAX,
    HOSTNAME_MAX_LENGTH,
    MAX_PORT_DIGITS,
    is_ascii_digits,
    quoted,
    too_long,
)

# RFC 1123: a host name is dot-separated labels, each 1-63 letters, digits or hyphens, neither
# starting nor ending with a hyphen.
_LABEL_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
# Only spaces and tabs around a value are forgiven (pasted text); a newline or any other
# control character is refused by the rule of the field instead of silently dropped.
BLANKS = " \t"
# An IPv6 zone ("fe80::1%eth0") is an interface name or index. ipaddress accepts any text after
# '%' (a newline, a space); Linux interface names are at most 15 characters (IFNAMSIZ - 1) and
# the ones worth naming use this alphabet.
_ZONE_RE = re.compile(r"[A-Za-z0-9_.-]{1,15}")


def check_ipv6_zone(address: str, field: str) -> str:
    """Return ``address`` (an IPv6 literal), or raise when its ``%zone`` is not an interface
    name: ipaddress alone would keep a zone such as "\\n" or "a b"."""
    _, sep, zone = address.partition("%")
    if sep and not _ZONE_RE.fullmatch(zone):
        raise ValidationError(
            field, f"the IPv6 zone after '%' must be an interface name (got {quoted(zone)})"
        )
    return address


def validate_hostname(value: str, field: str = "hostname") -> str:
    """Return ``value`` as a host name, or raise ValidationError naming ``field``."""
    if not value:
        raise ValidationError(field, "is required")
    if len(value) > HOSTNAME_MAX_LENGTH:
        raise too_long(field, HOSTNAME_MAX_LENGTH, value)
    name = value[:-1] if value.endswith(".") else value
    for label in name.split("."):
        if not _LABEL_RE.fullmatch(label):
            raise ValidationError(
                field,
                "must be dot-separated labels of 1-63 letters, digits or hyphens, "
                f"not starting or ending with a hyphen (got {quoted(value)})",
            )
    return value


@dataclass(frozen=True)
class Address:
    """A gRPC endpoint: a host name or IP literal, and a TCP port."""

    host: str
    port: int

    def __str__(self) -> str:
        if ":" in self.host:  # IPv6 literal
            return f"[{self.host}]:{self.port}"
        return f"{self.host}:{self.port}"


def parse_address(value: str, field: str = "address") -> Address:
    """Parse ``host:port`` (``[v6]:port`` for IPv6), or raise ValidationError naming ``field``."""
    text = value.strip(BLANKS)
    if not text:
        raise ValidationError(field, "is required (host:port)")
    if len(text) > HOST_PORT_MAX:
        raise too_long(field, HOST_PORT_MAX, text)
    rule = f"must be host:port, e.g. 127.0.0.1:7443 or [::1]:7443 (got {quoted(value)})"
    if text.startswith("["):
        host, sep, rest = text[1:].partition("]")
        if not sep or not rest.startswith(":"):
            raise ValidationError(field, rule)
        port_text = rest[1:]
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise ValidationError(field, f"{quoted(host)} is not an IPv6 address") from None
        check_ipv6_zone(host, field)
    else:
        host, sep, port_text = text.rpartition(":")
        if not sep or not host:
            raise ValidationError(field, rule)
        if ":" in host:
            raise ValidationError(field, "IPv6 addresses must be in brackets, e.g. [::1]:7443")
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            validate_hostname(host, field)
    if not is_ascii_digits(port_text):
        raise ValidationError(field, rule)
    if len(port_text) > MAX_PORT_DIGITS:
        raise ValidationError(field, f"port must be 1-65535 (got {quoted(port_text)})")
    port = int(port_text)
    if not 1 <= port <= 65535:
        raise ValidationError(field, f"port must be 1-65535 (got {port})")
    return Address(host, port)


def parse_listen(value: str, field: str = "listen") -> Address:
    """A daemon's listen address: ``host:port`` like ``parse_address``, but port 0 (any free
    port, the bound one reported in the port file) is allowed."""
    host, sep, port = value.strip(BLANKS).rpartition(":")
    if sep and port == "0":
        # Validate the host part with the shared rules, using a placeholder port.
        return Address(parse_address(f"{host}:1", field).host, 0)
    return parse_address(value, field)


def canonical_listen(value: str, field: str = "listen") -> str:
    """``parse_listen``, said back as text (the coordinator keeps its addresses as text)."""
    return str(parse_listen(value, field))


def validate_address(value: str, field: str = "address") -> str:
    """Return the canonical ``host:port`` form of ``value``, or raise ValidationError."""
    return str(parse_address(value, field))
