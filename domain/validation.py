"""Validation of names and addresses shared by the console, quantixctl and the servers."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from domain.errors import ValidationError

# RFC 1123: a host name is at most 253 characters of dot-separated labels, each 1-63 letters,
# digits or hyphens, neither starting nor ending with a hyphen.
HOSTNAME_MAX_LENGTH = 253
_LABEL_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")


def validate_hostname(value: str, field: str = "hostname") -> str:
    """Return ``value`` as a host name, or raise ValidationError naming ``field``."""
    if not value:
        raise ValidationError(field, "is required")
    if len(value) > HOSTNAME_MAX_LENGTH:
        raise ValidationError(
            field, f"must be at most {HOSTNAME_MAX_LENGTH} characters (got {len(value)})"
        )
    name = value[:-1] if value.endswith(".") else value
    for label in name.split("."):
        if not _LABEL_RE.match(label):
            raise ValidationError(
                field,
                "must be dot-separated labels of 1-63 letters, digits or hyphens, "
                f"not starting or ending with a hyphen (got {value!r})",
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
    text = value.strip()
    if not text:
        raise ValidationError(field, "is required (host:port)")
    rule = f"must be host:port, e.g. 127.0.0.1:7443 or [::1]:7443 (got {value!r})"
    if text.startswith("["):
        host, sep, rest = text[1:].partition("]")
        if not sep or not rest.startswith(":"):
            raise ValidationError(field, rule)
        port_text = rest[1:]
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise ValidationError(field, f"{host!r} is not an IPv6 address") from None
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
    if not port_text.isdigit():
        raise ValidationError(field, rule)
    port = int(port_text)
    if not 1 <= port <= 65535:
        raise ValidationError(field, f"port must be 1-65535 (got {port})")
    return Address(host, port)


def validate_address(value: str, field: str = "address") -> str:
    """Return the canonical ``host:port`` form of ``value``, or raise ValidationError."""
    return str(parse_address(value, field))
