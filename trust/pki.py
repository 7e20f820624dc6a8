"""Quantix's PKI with the ``cryptography`` library: a CA, server certificates for the coordinator,
admin identities with a role, fingerprints. Pure functions over keys and certificates; files are
``trust.files``' business.

A certificate's role travels as a URI subject alternative name ``quantix:role:<role>``: it is
signed with the rest of the certificate, and gRPC servers read it from the peer's certificate
without a database. Roles are the admin roles (viewer, operator, admin) and the two services
(node, coordinator). A node's certificate also names its host (``quantix:host:<name>``) and
carries a DNS name under ``.invalid`` (RFC 2606: never a real name) that clients verify when they
dial that node, so a node's certificate can never pass for the coordinator's or another node's.
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from trust.config import (
    CA_VALIDITY,
    CERT_VALIDITY,
    CLOCK_SKEW,
    COORDINATOR_ROLE,
    NODE_NAME_SUFFIX,
    NODE_ROLE,
    ROLES,
)

ROLE_URI_PREFIX = "quantix:role:"
HOST_URI_PREFIX = "quantix:host:"
# X.509 caps a common name at 64 characters; host names may be longer (the full name is in the
# host URI).
MAX_COMMON_NAME = 64
ORGANIZATION = "Quantix"

PrivateKey = ec.EllipticCurvePrivateKey


@dataclass(frozen=True)
class Issued:
    certificate: x509.Certificate
    key: PrivateKey


def new_key() -> PrivateKey:
    """A fresh ECDSA P-256 key (trust.config says why that curve)."""
    return ec.generate_private_key(ec.SECP256R1())


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANIZATION),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name[:MAX_COMMON_NAME]),
        ]
    )


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def make_ca(common_name: str = "Quantix CA", now: datetime.datetime | None = None) -> Issued:
    """A self-signed CA that may sign end-entity certificates only (path length 0)."""
    key = new_key()
    start = (now or _now()) - CLOCK_SKEW
    name = _name(common_name)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + CA_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .sign(key, hashes.SHA256())
    )
    return Issued(certificate, key)


def _issue(
    ca: Issued,
    common_name: str,
    alt_names: Sequence[x509.GeneralName],
    usages: Sequence[x509.ObjectIdentifier],
    now: datetime.datetime | None,
) -> Issued:
    """A fresh key and its certificate."""
    key = new_key()
    return Issued(_sign(ca, common_name, alt_names, usages, now, key.public_key()), key)


def _sign(
    ca: Issued,
    common_name: str,
    alt_names: Sequence[x509.GeneralName],
    usages: Sequence[x509.ObjectIdentifier],
    now: datetime.datetime | None,
    public_key: ec.EllipticCurvePublicKey,
) -> x509.Certificate:
    start = (now or _now()) - CLOCK_SKEW
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(ca.certificate.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        # Never past the CA: a certificate that outlives its issuer fails verification anyway.
        .not_valid_after(min(start + CERT_VALIDITY, ca.certificate.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage(list(usages)), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), False
        )
    )
    if alt_names:
        builder = builder.add_extension(x509.SubjectAlternativeName(list(alt_names)), False)
    return builder.sign(ca.key, hashes.SHA256())


def issue_server(
    ca: Issued,
    names: Sequence[str],
    addresses: Sequence[str],
    now: datetime.datetime | None = None,
) -> Issued:
    """The coordinator's certificate: server for consoles and nodes, client towards nodes."""
    alt: list[x509.GeneralName] = [x509.DNSName(name) for name in names]
    alt += [x509.IPAddress(ipaddress.ip_address(address)) for address in addresses]
    alt.append(x509.UniformResourceIdentifier(ROLE_URI_PREFIX + COORDINATOR_ROLE))
    common_name = names[0] if names else addresses[0]
    usages = [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
    return _issue(ca, common_name, alt, usages, now)


def node_server_name(host: str) -> str:
    """The DNS name a node's certificate is verified against when a client dials that node."""
    return host + NODE_NAME_SUFFIX


def issue_node(
    ca: Issued,
    host: str,
    public_key: ec.EllipticCurvePublicKey,
    now: datetime.datetime | None = None,
) -> x509.Certificate:
    """A node's certificate for the key it made itself (enrolment sends only the public key):
    server towards the coordinator and consoles, client towards the coordinator."""
    alt: list[x509.GeneralName] = [
        x509.DNSName(node_server_name(host)),
        x509.UniformResourceIdentifier(ROLE_URI_PREFIX + NODE_ROLE),
        x509.UniformResourceIdentifier(HOST_URI_PREFIX + host),
    ]
    usages = [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
    return _sign(ca, host, alt, usages, now, public_key)


# A CSR for one P-256 key and a host name is ~500 bytes of PEM; anything much larger is not one.
MAX_CSR_BYTES = 8 * 1024


class CsrRefused(ValueError):
    """A certificate signing request Quantix does not sign; the message says why."""


def make_csr(key: PrivateKey, host: str) -> bytes:
    """What a node sends to enrol: its public key, signed by its private key (which stays)."""
    request = x509.CertificateSigningRequestBuilder().subject_name(_name(host))
    return request.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)


def node_certificate_for(
    ca: Issued, csr_pem: bytes, host: str, now: datetime.datetime | None = None
) -> x509.Certificate:
    """A node certificate for the key in ``csr_pem``, for ``host`` (the CSR's own names are
    ignored: the certificate says only what the coordinator decided). Refused unless the CSR
    is well formed, signed by its own key (proof the sender holds it) and for a P-256 key."""
    if len(csr_pem) > MAX_CSR_BYTES:
        raise CsrRefused(f"is {len(csr_pem)} bytes; a signing request is under {MAX_CSR_BYTES}")
    try:
        csr = x509.load_pem_x509_csr(csr_pem)
    except ValueError:
        raise CsrRefused("is not a PEM certificate signing request") from None
    public_key = csr.public_key()
    if not isinstance(public_key, ec.EllipticCurvePublicKey) or not isinstance(
        public_key.curve, ec.SECP256R1
    ):
        raise CsrRefused("must be for an ECDSA P-256 key (what quantix-node makes)")
    if not csr.is_signature_valid:
        raise CsrRefused("is not signed by the key it is for")
    return issue_node(ca, host, public_key, now)


def same_public_key(certificate: x509.Certificate, key: PrivateKey) -> bool:
    def der(public: ec.EllipticCurvePublicKey) -> bytes:
        return public.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    public = certificate.public_key()
    return isinstance(public, ec.EllipticCurvePublicKey) and der(public) == der(key.public_key())


def host_of(certificate: x509.Certificate) -> str:
    """The host a node's certificate was issued to; "" for any other certificate."""
    for uri in _uris(certificate):
        if uri.startswith(HOST_URI_PREFIX):
            return uri.removeprefix(HOST_URI_PREFIX)
    return ""


def issue_identity(
    ca: Issued, name: str, role: str, now: datetime.datetime | None = None
) -> Issued:
    """An admin's client certificate carrying its role."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    alt = [x509.UniformResourceIdentifier(ROLE_URI_PREFIX + role)]
    return _issue(ca, name, alt, [ExtendedKeyUsageOID.CLIENT_AUTH], now)


def _uris(certificate: x509.Certificate) -> list[str]:
    try:
        alt = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return []
    return list(alt.value.get_values_for_type(x509.UniformResourceIdentifier))


def role_of(certificate: x509.Certificate) -> str:
    """The role a certificate carries (an admin role, node or coordinator); "" for none."""
    for uri in _uris(certificate):
        role = uri.removeprefix(ROLE_URI_PREFIX)
        if uri.startswith(ROLE_URI_PREFIX) and role in (*ROLES, NODE_ROLE, COORDINATOR_ROLE):
            return role
    return ""


def common_name(certificate: x509.Certificate) -> str:
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else ""


def server_names(certificate: x509.Certificate) -> tuple[list[str], list[str]]:
    """The DNS names and IP addresses a server certificate is for."""
    try:
        alt = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return [], []
    names = list(alt.get_values_for_type(x509.DNSName))
    addresses = [str(ip) for ip in alt.get_values_for_type(x509.IPAddress)]
    return names, addresses


def fingerprint(certificate: x509.Certificate) -> str:
    """``sha256:<64 hex>`` of the DER certificate: what a join string pins."""
    return der_fingerprint(certificate.public_bytes(serialization.Encoding.DER))


def der_fingerprint(der: bytes) -> str:
    return "sha256:" + hashlib.sha256(der).hexdigest()


def verify_issued_by(certificate: x509.Certificate, ca: x509.Certificate) -> None:
    """Raise when ``certificate`` was not signed by ``ca`` (or is outside its validity)."""
    certificate.verify_directly_issued_by(ca)
    now = _now()
    if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
        raise ValueError("the certificate is outside its validity period")


def cert_pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def key_pem(key: PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def load_cert(data: bytes) -> x509.Certificate:
    return x509.load_pem_x509_certificate(data)


def load_key(data: bytes) -> PrivateKey:
    key = serialization.load_pem_private_key(data, password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ValueError("not an ECDSA private key")
    return key
