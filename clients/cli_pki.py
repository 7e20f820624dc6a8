"""quantixctl pki: the coordinator's CA and certificates, and admin identities (local files; no
coordinator is contacted)."""

from __future__ import annotations

import argparse
import ipaddress
import re
import socket
from pathlib import Path
from typing import Any

from clients.cli_format import add_output_flags, print_data, structured
from domain.errors import ValidationError
from domain.limits import quoted
from domain.validation import validate_hostname
from trust import pki
from trust.config import CERT_VALIDITY, ROLES
from trust.files import PkiError, PkiPaths, init_pki, rotate_server, write_identity

# An admin's name ends up in certificates and the audit log: a login-like name.
_ADMIN_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")

PkiCommandFailed = PkiError


def add_commands(topics: Any) -> None:
    pki_parser = topics.add_parser("pki", help="the coordinator's CA, certificates, identities")
    commands = pki_parser.add_subparsers(dest="command", required=True)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        parser = commands.add_parser(name, help=help_text)
        parser.add_argument(
            "--data-dir", required=True, type=Path, help="the coordinator's data directory"
        )
        add_output_flags(parser)
        return parser

    for name, help_text in (
        ("init", "make a CA and the coordinator's certificate"),
        ("rotate", "renew the coordinator's key and certificate (same CA)"),
    ):
        parser = command(name, help_text)
        parser.add_argument(
            "--name",
            action="append",
            default=[],
            dest="names",
            metavar="DNS_NAME",
            help="a name the coordinator is reached by (repeatable; default: this host's name)",
        )
        parser.add_argument(
            "--address",
            action="append",
            default=[],
            dest="addresses",
            metavar="IP",
            help="an IP address it is reached at (repeatable; default with no --name: 127.0.0.1)",
        )
    admin = command("issue-admin", "an admin identity file (certificate, key and CA; 0600)")
    admin.add_argument("name")
    admin.add_argument("--role", required=True, choices=ROLES)
    admin.add_argument("--out", required=True, type=Path, help="where to write it")


def _names(values: list[str]) -> list[str]:
    return [validate_hostname(v, f"--name[{i}]") for i, v in enumerate(values)]


def _addresses(values: list[str]) -> list[str]:
    addresses = []
    for i, value in enumerate(values):
        try:
            addresses.append(str(ipaddress.ip_address(value)))
        except ValueError:
            raise ValidationError(
                f"--address[{i}]", f"must be an IPv4 or IPv6 address (got {quoted(value)})"
            ) from None
    return addresses


def validate_admin_name(value: str, field: str = "NAME") -> str:
    if not _ADMIN_NAME_RE.fullmatch(value):
        raise ValidationError(
            field,
            "must be 1-64 letters, digits, '.', '_', '@' or '-', starting with a letter or "
            f"digit (got {quoted(value)})",
        )
    return value


def _described(issued: pki.Issued) -> dict[str, Any]:
    certificate = issued.certificate
    names, addresses = pki.server_names(certificate)
    return {
        "subject": pki.common_name(certificate),
        "names": names,
        "addresses": addresses,
        "role": pki.role_of(certificate),
        "not_after": certificate.not_valid_after_utc.isoformat(),
        "fingerprint": pki.fingerprint(certificate),
    }


def run(args: argparse.Namespace) -> None:
    data_dir: Path = args.data_dir
    if args.command in ("init", "rotate"):
        names, addresses = _names(args.names), _addresses(args.addresses)
        if args.command == "init":
            if not names and not addresses:
                names, addresses = [socket.gethostname()], ["127.0.0.1"]
            ca = init_pki(data_dir, names, addresses)
            paths = PkiPaths.of(data_dir)
            server = pki.Issued(pki.load_cert(paths.server_cert.read_bytes()), ca.key)
            facts = {"ca": _described(ca), "coordinator": _described(server)}
        else:
            facts = {"coordinator": _described(rotate_server(data_dir, names, addresses))}
        if structured(args.output):
            print_data(facts, args.output)
            return
        if "ca" in facts:
            print(f"CA made in {data_dir}: fingerprint {facts['ca']['fingerprint']}")
        coordinator = facts["coordinator"]
        reach = ", ".join(coordinator["names"] + coordinator["addresses"])
        print(
            f"Coordinator certificate for {reach}, valid until {coordinator['not_after']} "
            f"({CERT_VALIDITY.days} days); private keys written 0600 in {data_dir}"
        )
        return
    name = validate_admin_name(args.name)
    issued = write_identity(data_dir, name, args.role, args.out)
    if structured(args.output):
        print_data({**_described(issued), "file": str(args.out)}, args.output)
        return
    print(
        f"Identity of {name} ({args.role}) written to {args.out} (0600): certificate, key and "
        f"CA; valid until {issued.certificate.not_valid_after_utc.isoformat()}"
    )
