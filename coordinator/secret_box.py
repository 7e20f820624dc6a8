"""Encryption of the secrets the coordinator keeps (Ceph keys, CHAP secrets) at rest.

Each secret is sealed with AES-256-GCM under a key kept in its own file (``secrets.key`` in the
coordinator's data directory, 0600), apart from the database: a copy of the database alone (a
backup, a support bundle, a stolen disk image of the data volume without the key) reveals no
secret. The pool and field a secret belongs to are bound into its seal (GCM's associated data),
so a sealed value moved to another pool's row does not open there.
"""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from trust.files import write_file

KEY_FILE = "secrets.key"
# AES-256: the key is read once at start; there is no cost worth saving with a shorter one.
KEY_BYTES = 32
# GCM's standard nonce; random per seal (a few secrets per pool: no risk of reuse).
NONCE_BYTES = 12
# Sealed values start with this, so a value stored before encryption existed is recognised
# (and sealed on the next start) instead of failing to open.
SEALED_PREFIX = "aesgcm1:"
KEY_MODE = 0o600


class SecretsUnreadable(Exception):
    """The key file is missing its protection, malformed, or not the key the secrets were
    sealed with; the message says which."""


class SecretBox:
    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise SecretsUnreadable(f"a secrets key is {KEY_BYTES} bytes, not {len(key)}")
        self._aead = AESGCM(key)

    @staticmethod
    def new_key() -> bytes:
        return AESGCM.generate_key(bit_length=KEY_BYTES * 8)

    @classmethod
    def of_data_dir(cls, data_dir: Path) -> SecretBox:
        """The key in ``data_dir``, made (0600) on first use. Refused when the file is
        readable by anyone but its owner: the key would then protect nothing."""
        path = data_dir / KEY_FILE
        if not path.exists():
            write_file(path, base64.b64encode(cls.new_key()) + b"\n", KEY_MODE)
        mode = stat.S_IMODE(os.stat(path).st_mode)
        if mode & 0o077:
            raise SecretsUnreadable(
                f"{path} is readable by others (mode {mode:04o}): run `chmod 600 {path}`"
            )
        try:
            key = base64.b64decode(path.read_bytes().strip(), validate=True)
        except ValueError:
            raise SecretsUnreadable(f"{path} is not a secrets key (base64 text)") from None
        return cls(key)

    @staticmethod
    def is_sealed(value: str) -> bool:
        return value.startswith(SEALED_PREFIX)

    def seal(self, scope: str, name: str, value: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, value.encode(), _bound(scope, name))
        return SEALED_PREFIX + base64.b64encode(nonce + sealed).decode()

    def open(self, scope: str, name: str, sealed: str) -> str:
        try:
            raw = base64.b64decode(sealed.removeprefix(SEALED_PREFIX), validate=True)
            plain = self._aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _bound(scope, name))
        except (ValueError, InvalidTag):
            raise SecretsUnreadable(
                f"the secret {name} of {scope} cannot be opened with this coordinator's "
                f"{KEY_FILE}: the key file was replaced, or the database comes from another "
                "coordinator"
            ) from None
        return plain.decode()


def _bound(scope: str, name: str) -> bytes:
    return f"{scope}\0{name}".encode()
