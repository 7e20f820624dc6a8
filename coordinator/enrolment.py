"""Enrolment: a new host trades a join token and a signing request for its node certificate,
and each host name stays bound to the certificate it enrolled with.

The binding is what makes a host name mean one machine: any certificate the CA signed for
``host-b`` passes the TLS handshake, but only the one bound to ``host-b`` may register,
heartbeat or report as it. A name is bound when it enrols, or, for a certificate issued
offline by whoever holds the CA key (a local fleet), when it first registers. Removing the
host (RemoveNode) forgets the binding and revokes that certificate: the removed machine cannot
take its name back by registering again, and a reinstalled one enrols with a new join token.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from coordinator.join_tokens import JoinTokens
from coordinator.store import Store
from domain.errors import ValidationError
from domain.join import parse_token
from domain.validation import validate_hostname
from trust import pki

log = logging.getLogger(__name__)


class EnrolmentRefused(Exception):
    """The host may not enrol (a name bound to another certificate); the message says why."""


class EnrolmentUnavailable(Exception):
    """This coordinator cannot sign certificates (it runs without a CA)."""


def bound_elsewhere(host: str) -> str:
    return f"{host} is enrolled with another certificate; remove it first"


def revoked(host: str) -> str:
    return (
        f"this certificate of {host} was revoked when {host} was removed; enrol the host "
        "again with a join token"
    )


def registered_unbound(host: str) -> str:
    return f"{host} is a registered host; remove it first to enrol another machine under its name"


class HostBindings:
    """host name -> SHA-256 fingerprint of the certificate it is bound to."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._bound = store.host_bindings()
        self._revoked = store.revoked_certificates()

    def refusal(self, host: str, fingerprint: str) -> str:
        """Why the certificate ``fingerprint`` may not speak for ``host`` ("" if it may). A
        name nobody holds yet is bound to this certificate now, unless it was revoked."""
        if fingerprint in self._revoked:
            return revoked(host)
        bound = self._bound.get(host)
        if bound is None:
            self._store.bind_host(host, fingerprint)
            self._bound[host] = fingerprint
            log.info("host %s bound to its certificate %s", host, fingerprint[:19])
            return ""
        return "" if bound == fingerprint else bound_elsewhere(host)

    def is_bound(self, host: str) -> bool:
        return host in self._bound

    def bind(self, host: str, fingerprint: str) -> None:
        self._bound[host] = fingerprint

    def forget(self, host: str) -> bool:
        """Release ``host``'s name and revoke the certificate it was bound to; False when
        it was bound to none."""
        fingerprint = self._bound.pop(host, None)
        if fingerprint is None:
            return False
        self._store.unbind_host(host, revoke=True)
        self._revoked.add(fingerprint)
        log.warning("host %s released; its certificate %s is revoked", host, fingerprint[:19])
        return True


class Enroller:
    """Signs node certificates for valid join tokens."""

    def __init__(
        self,
        store: Store,
        tokens: JoinTokens,
        bindings: HostBindings,
        ca: pki.Issued | None,
        enrolment_port: int,
        registered: Callable[[str], bool] = lambda _host: False,
    ) -> None:
        self._store = store
        self._tokens = tokens
        self._bindings = bindings
        self._ca = ca
        self.enrolment_port = enrolment_port
        self._registered = registered

    @property
    def ca_fingerprint(self) -> str:
        """What join strings pin; EnrolmentUnavailable when this coordinator has no CA."""
        return pki.fingerprint(self._require_ca().certificate)

    def _require_ca(self) -> pki.Issued:
        if self._ca is None:
            raise EnrolmentUnavailable(
                "this coordinator runs without a CA (--insecure) and cannot enrol hosts"
            )
        return self._ca

    def enrol(self, token_text: str, hostname: str, csr_pem: bytes) -> tuple[bytes, bytes]:
        """The node certificate and the CA certificate (PEM) for ``hostname``'s key.

        Raises ValidationError (malformed input or signing request), TokenRefused or
        EnrolmentRefused; nothing is stored unless a certificate is returned."""
        ca = self._require_ca()
        token = parse_token(token_text)
        host = validate_hostname(hostname)
        row = self._tokens.check(token)
        if self._bindings.is_bound(host):
            raise EnrolmentRefused(bound_elsewhere(host))
        if self._registered(host):  # known, yet bound to nothing (registered before bindings)
            raise EnrolmentRefused(registered_unbound(host))
        try:
            certificate = pki.node_certificate_for(ca, csr_pem, host)
        except pki.CsrRefused as error:
            raise ValidationError("csr", str(error)) from None
        fingerprint = pki.fingerprint(certificate)
        # One transaction: the token is used exactly when the name is bound; memory follows
        # only once it is stored.
        used = self._tokens.used(row, host)
        self._store.bind_host(host, fingerprint, used)
        self._tokens.replace(used)
        self._bindings.bind(host, fingerprint)
        log.info("host %s enrolled with join token %s", host, token.id)
        return pki.cert_pem(certificate), pki.cert_pem(ca.certificate)
