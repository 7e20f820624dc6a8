"""The identity the console presents to each coordinator (certificate, private key, CA, as
`quantixctl pki issue-admin` writes them): kept in the OS keyring, never in settings or a file
of the console's. Qt-free.

One entry per coordinator: service ``"quantix"``, username = the coordinator's canonical
``host:port``, the identity file's PEM text as the secret. Every keyring call runs in a worker
thread: the Secret Service backend talks D-Bus and may wait for the user to unlock the
keyring, which must not freeze the window.

Without a usable keyring (headless, no Secret Service: keyring's ``fail`` backend raises
NoKeyringError) an identity is kept in memory for this session only, and callers are told so.

keyring (and its backends' D-Bus libraries) is imported by the first call, in its worker
thread, and the PKI parts (cryptography) when an identity is read or kept: the window makes
its store before it shows and pays for neither.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trust.credentials import Identity

log = logging.getLogger(__name__)

SERVICE = "quantix"


@dataclass(frozen=True)
class KeyringStatus:
    """Whether identities can be remembered; if not, why: ``problem`` in a few words for the
    dialog, ``detail`` with the keyring library's own full text (for a tooltip or a log)."""

    available: bool
    problem: str = ""
    detail: str = ""


def _unavailable(error: BaseException) -> KeyringStatus:
    from keyring.errors import NoKeyringError

    if isinstance(error, NoKeyringError):
        problem = "no system keyring (such as GNOME Keyring or KWallet) is available"
    else:
        problem = f"the system keyring failed ({error})"
    return KeyringStatus(False, problem, f"{type(error).__name__}: {error}")


@dataclass(frozen=True)
class Recalled:
    identity: Identity | None  # None when none is known (or the stored one is unreadable)
    status: KeyringStatus


class IdentityStore:
    """Remembers identities in the keyring, or for this session only when there is none."""

    def __init__(self) -> None:
        # Identities of this session: every one given to remember(), so the session keeps
        # working whatever the keyring does. Memory only, never written anywhere.
        self._session: dict[str, Identity] = {}

    async def status(self) -> KeyringStatus:
        """Probe the keyring (choosing a backend can itself talk D-Bus, hence the thread)."""
        try:
            await asyncio.to_thread(_get_password, "")
        except Exception as error:
            # Any failure of a keyring backend (a third-party plugin boundary) means "cannot
            # remember"; it must never take the console down.
            return _unavailable(error)
        return KeyringStatus(True)

    async def recall(self, address: str) -> Recalled:
        if address in self._session:
            return Recalled(self._session[address], await self.status())
        try:
            text = await asyncio.to_thread(_get_password, address)
        except Exception as error:
            return Recalled(None, _unavailable(error))
        if not text:
            return Recalled(None, KeyringStatus(True))
        from trust.credentials import parse_identity
        from trust.files import PkiError

        try:
            identity = parse_identity(text.encode(), f"the identity kept for {address}")
        except PkiError as error:
            log.warning("ignoring the identity kept in the keyring: %s", error)
            return Recalled(None, KeyringStatus(True))
        return Recalled(identity, KeyringStatus(True))

    async def remember(self, address: str, identity: Identity | None) -> KeyringStatus:
        """Keep ``identity`` for ``address`` (None forgets it); say whether it persisted."""
        if identity is not None:
            self._session[address] = identity
        else:
            self._session.pop(address, None)
        try:
            if identity is not None:
                from trust.credentials import identity_text

                text = identity_text(identity)
                await asyncio.to_thread(_set_password, address, text)
            else:
                await asyncio.to_thread(_delete_quietly, address)
        except Exception as error:
            status = _unavailable(error)
            log.warning("identity for %s kept for this session only: %s", address, status.detail)
            return status
        return KeyringStatus(True)


def _get_password(address: str) -> str | None:
    import keyring  # here, in the worker thread: see the module's docstring

    return keyring.get_password(SERVICE, address)


def _set_password(address: str, text: str) -> None:
    import keyring

    keyring.set_password(SERVICE, address, text)


def _delete_quietly(address: str) -> None:
    import keyring
    from keyring.errors import KeyringError, NoKeyringError, PasswordDeleteError

    try:
        keyring.delete_password(SERVICE, address)
    except PasswordDeleteError:
        pass  # nothing stored: nothing to forget
    except NoKeyringError:
        raise
    except KeyringError as error:
        # Some backends raise a plain KeyringError for a missing entry.
        log.debug("could not delete the identity for %s: %s", address, error)
