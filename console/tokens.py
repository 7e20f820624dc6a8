"""Access tokens for coordinators: kept in the OS keyring, never in settings or a file. Qt-free.

One entry per coordinator: service ``"quantix"``, username = the coordinator's canonical
``host:port``. Every keyring call runs in a worker thread: the Secret Service backend talks
D-Bus and may wait for the user to unlock the keyring, which must not freeze the window.

Without a usable keyring (headless, no Secret Service: keyring's ``fail`` backend raises
NoKeyringError) a token is kept in memory for this session only, and callers are told so.

Note: the servers do not check tokens yet and the clients do not send them yet; this only
stores and recalls them, so the connect dialog works the same once they do.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

import keyring
from keyring.errors import KeyringError, NoKeyringError, PasswordDeleteError

log = logging.getLogger(__name__)

SERVICE = "quantix"


@dataclass(frozen=True)
class KeyringStatus:
    """Whether tokens can be remembered; if not, why: ``problem`` in a few words for the
    dialog, ``detail`` with the keyring library's own full text (for a tooltip or a log)."""

    available: bool
    problem: str = ""
    detail: str = ""


def _unavailable(error: BaseException) -> KeyringStatus:
    if isinstance(error, NoKeyringError):
        problem = "no system keyring (such as GNOME Keyring or KWallet) is available"
    else:
        problem = f"the system keyring failed ({error})"
    return KeyringStatus(False, problem, f"{type(error).__name__}: {error}")


@dataclass(frozen=True)
class Recalled:
    token: str  # "" when none is known
    status: KeyringStatus


class TokenStore:
    """Remembers tokens in the keyring, or for this session only when there is none."""

    def __init__(self) -> None:
        # Tokens of this session: every token given to remember(), so the session keeps working
        # whatever the keyring does. Memory only, never written anywhere.
        self._session: dict[str, str] = {}

    def session_token(self, address: str) -> str:
        return self._session.get(address, "")

    async def status(self) -> KeyringStatus:
        """Probe the keyring (choosing a backend can itself talk D-Bus, hence the thread)."""
        try:
            await asyncio.to_thread(keyring.get_password, SERVICE, "")
        except Exception as error:
            # Any failure of a keyring backend (a third-party plugin boundary) means "cannot
            # remember"; it must never take the console down.
            return _unavailable(error)
        return KeyringStatus(True)

    async def recall(self, address: str) -> Recalled:
        if address in self._session:
            return Recalled(self._session[address], await self.status())
        try:
            token = await asyncio.to_thread(keyring.get_password, SERVICE, address)
        except Exception as error:
            return Recalled("", _unavailable(error))
        return Recalled(token or "", KeyringStatus(True))

    async def remember(self, address: str, token: str) -> KeyringStatus:
        """Keep ``token`` for ``address`` (an empty token forgets it); say whether it persisted."""
        if token:
            self._session[address] = token
        else:
            self._session.pop(address, None)
        try:
            if token:
                await asyncio.to_thread(keyring.set_password, SERVICE, address, token)
            else:
                await asyncio.to_thread(_delete_quietly, address)
        except Exception as error:
            status = _unavailable(error)
            log.warning("token for %s kept for this session only: %s", address, status.detail)
            return status
        return KeyringStatus(True)


def _delete_quietly(address: str) -> None:
    try:
        keyring.delete_password(SERVICE, address)
    except PasswordDeleteError:
        pass  # nothing stored: nothing to forget
    except NoKeyringError:
        raise
    except KeyringError as error:
        # Some backends raise a plain KeyringError for a missing entry.
        log.debug("could not delete token for %s: %s", address, error)
