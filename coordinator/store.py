"""Persistence of the coordinator's inventory behind one interface.

The coordinator keeps its working state in memory and writes every change through to a Store,
which also keeps a bounded log of Watch events so that a client can resume after a reconnect or
a coordinator restart. SQLite (WAL) is the embedded default; another backend (PostgreSQL) only
has to implement ``Store``.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from coordinator.secret_box import SecretBox, SecretsUnreadable

# How many Watch events are kept for resuming. At 1,000 nodes changing state every few seconds
# this is still minutes of history, enough to ride out a console reconnect or a coordinator
# restart; a client further behind gets a fresh snapshot instead (RESET), which is always safe.
EVENT_LOG_SIZE = 10_000

log = logging.getLogger(__name__)


@dataclass
class StoredObject:
    kind: int  # ObjectKind
    key: str
    revision: int  # revision of the object's last change
    payload: bytes  # serialized proto message of the object


@dataclass
class StoredEvent:
    revision: int
    payload: bytes  # serialized WatchEvent


@dataclass
class Intent:
    id: int
    scope: str  # the object it is about, e.g. "pool/nfs-a"
    payload: str  # JSON: what to do (the owner of the scope reads it)


@dataclass
class TokenRow:
    """A join token as stored: the SHA-256 of its secret, never the secret."""

    id: str
    secret_sha256: str
    created_at: float
    expires_at: float
    created_by: str
    used_at: float | None = None
    used_by: str = ""
    revoked_at: float | None = None
    revoked_by: str = ""


class Store(Protocol):
    def load_objects(self, kind: int) -> list[StoredObject]: ...
    def current_revision(self) -> int: ...
    def oldest_event_revision(self) -> int | None: ...
    def events_after(self, revision: int) -> list[StoredEvent]: ...
    def commit_change(
        self, obj: StoredObject | None, removed: tuple[int, str] | None, event: StoredEvent
    ) -> None: ...
    def update_object_quietly(self, obj: StoredObject) -> None: ...
    # Secrets (Ceph keys, CHAP secrets) the coordinator must send again on every re-init. They
    # live apart from the objects, so no object, Watch event or read reply can carry one.
    def put_secrets(self, scope: str, secrets: dict[str, str]) -> None: ...
    def load_secrets(self, scope: str) -> dict[str, str]: ...
    def delete_secrets(self, scope: str) -> None: ...
    def secret_scopes(self) -> list[str]: ...
    # Intents: multi-host work (delete, unassign) recorded before anything is sent to a host,
    # removed when it is done, so a coordinator that crashes in between finishes it on restart.
    def add_intent(self, scope: str, payload: str) -> int: ...
    def remove_intent(self, intent_id: int) -> None: ...
    def intents(self) -> list[Intent]: ...
    # Enrolment: join tokens, and which certificate each enrolled host name is bound to.
    def join_tokens(self) -> list[TokenRow]: ...
    def put_join_token(self, row: TokenRow) -> None: ...
    def delete_join_tokens(self, ids: list[str]) -> None: ...
    def host_bindings(self) -> dict[str, str]: ...
    def bind_host(self, host: str, fingerprint: str, token: TokenRow | None = None) -> None: ...
    def unbind_host(self, host: str, revoke: bool) -> None: ...
    def revoked_certificates(self) -> set[str]: ...
    # The audit log's history (serialized AuditEntry by id; newest first when read).
    def put_audit_entry(self, entry_id: int, time: float, payload: bytes) -> None: ...
    def audit_entries(self, since: float, limit: int) -> list[bytes]: ...
    def last_audit_entry(self) -> bytes | None: ...
    def prune_audit(self, keep_after_id: int) -> None: ...
    def close(self) -> None: ...


class SQLiteStore:
    """SQLite in WAL mode: readers never block the writer, and a crash loses at most the last
    transaction. ``synchronous=NORMAL`` skips the fsync per commit (WAL stays consistent), which
    keeps a heartbeat write well under a millisecond.

    Secrets are sealed with ``box`` (coordinator.secret_box) before they are written. Deleted
    or replaced secrets leave nothing behind: ``secure_delete`` zeroes freed content, and a
    truncating checkpoint after each such change empties the WAL, which still holds the old
    pages otherwise."""

    def __init__(self, path: Path, box: SecretBox) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        _owner_only(path)
        self._box = box
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA secure_delete=ON")
        self._db.executescript(
            """
            CREATE TABLE IF NOT EXISTS objects (
                kind INTEGER NOT NULL,
                key TEXT NOT NULL,
                revision INTEGER NOT NULL,
                payload BLOB NOT NULL,
                PRIMARY KEY (kind, key)
            );
            CREATE TABLE IF NOT EXISTS events (
                revision INTEGER PRIMARY KEY,
                payload BLOB NOT NULL
            );
            CREATE TABLE IF NOT EXISTS meta (
                name TEXT PRIMARY KEY,
                value INTEGER NOT NULL
            );
            INSERT OR IGNORE INTO meta (name, value) VALUES ('revision', 0);
            CREATE TABLE IF NOT EXISTS intents (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                scope TEXT NOT NULL,
                payload TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS secrets (
                scope TEXT NOT NULL,
                name TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (scope, name)
            );
            CREATE TABLE IF NOT EXISTS join_tokens (
                id TEXT PRIMARY KEY,
                secret_sha256 TEXT NOT NULL,
                created_at REAL NOT NULL,
                expires_at REAL NOT NULL,
                created_by TEXT NOT NULL,
                used_at REAL,
                used_by TEXT NOT NULL,
                revoked_at REAL,
                revoked_by TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS audit (
                id INTEGER PRIMARY KEY,
                time REAL NOT NULL,
                payload BLOB NOT NULL
            );
            CREATE TABLE IF NOT EXISTS revoked_certificates (
                fingerprint TEXT PRIMARY KEY,
                host TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS host_bindings (
                host TEXT PRIMARY KEY,
                fingerprint TEXT NOT NULL
            );
            """
        )
        self._seal_plain_secrets()
        self._check_key()

    def load_objects(self, kind: int) -> list[StoredObject]:
        rows = self._db.execute(
            "SELECT kind, key, revision, payload FROM objects WHERE kind = ? ORDER BY key", (kind,)
        )
        return [StoredObject(*row) for row in rows]

    def current_revision(self) -> int:
        (value,) = self._db.execute("SELECT value FROM meta WHERE name = 'revision'").fetchone()
        return int(value)

    def oldest_event_revision(self) -> int | None:
        (value,) = self._db.execute("SELECT MIN(revision) FROM events").fetchone()
        return None if value is None else int(value)

    def events_after(self, revision: int) -> list[StoredEvent]:
        rows = self._db.execute(
            "SELECT revision, payload FROM events WHERE revision > ? ORDER BY revision", (revision,)
        )
        return [StoredEvent(*row) for row in rows]

    def commit_change(
        self,
        obj: StoredObject | None,
        removed: tuple[int, str] | None,
        event: StoredEvent,
    ) -> None:
        """Store one change and its Watch event atomically, and advance the revision."""
        with self._transaction():
            if obj is not None:
                self._upsert(obj)
            if removed is not None:
                self._db.execute("DELETE FROM objects WHERE kind = ? AND key = ?", removed)
            self._db.execute(
                "INSERT INTO events (revision, payload) VALUES (?, ?)",
                (event.revision, event.payload),
            )
            self._db.execute("UPDATE meta SET value = ? WHERE name = 'revision'", (event.revision,))
            self._db.execute(
                "DELETE FROM events WHERE revision <= ?", (event.revision - EVENT_LOG_SIZE,)
            )

    def update_object_quietly(self, obj: StoredObject) -> None:
        """Persist a change that is not worth a Watch event (a heartbeat's last_seen)."""
        with self._transaction():
            self._upsert(obj)

    def put_secrets(self, scope: str, secrets: dict[str, str]) -> None:
        """Replace every secret of ``scope`` (e.g. ``pool/ceph-a``) with ``secrets``."""
        with self._transaction():
            replaced = self._db.execute("DELETE FROM secrets WHERE scope = ?", (scope,)).rowcount
            self._db.executemany(
                "INSERT INTO secrets (scope, name, value) VALUES (?, ?, ?)",
                [
                    (scope, name, self._box.seal(scope, name, value))
                    for name, value in secrets.items()
                ],
            )
        if replaced:
            self._forget_freed_pages()

    def load_secrets(self, scope: str) -> dict[str, str]:
        rows = self._db.execute("SELECT name, value FROM secrets WHERE scope = ?", (scope,))
        secrets = {}
        for name, value in rows.fetchall():
            try:
                secrets[name] = self._box.open(scope, name, value)
            except SecretsUnreadable as error:
                # Left out: the node then reports the missing secret on the pool's card.
                log.error("%s", error)
        return secrets

    def delete_secrets(self, scope: str) -> None:
        with self._transaction():
            deleted = self._db.execute("DELETE FROM secrets WHERE scope = ?", (scope,)).rowcount
        if deleted:
            self._forget_freed_pages()

    def _forget_freed_pages(self) -> None:
        # Pages written before the delete are still in the WAL until a checkpoint copies the
        # new ones over them and TRUNCATE empties the file.
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _check_key(self) -> None:
        """Refuse a key that opens nothing here (the key file lost or replaced): starting with
        it would fail every pool that needs a secret, far from the cause."""
        row = self._db.execute("SELECT scope, name, value FROM secrets LIMIT 1").fetchone()
        if row is not None:
            self._box.open(*row)

    def _seal_plain_secrets(self) -> None:
        """Seal secrets a coordinator stored before it encrypted them."""
        rows = self._db.execute("SELECT scope, name, value FROM secrets").fetchall()
        plain = [
            (scope, name, value) for scope, name, value in rows if not SecretBox.is_sealed(value)
        ]
        if not plain:
            return
        with self._transaction():
            self._db.executemany(
                "UPDATE secrets SET value = ? WHERE scope = ? AND name = ?",
                [(self._box.seal(scope, name, value), scope, name) for scope, name, value in plain],
            )
        # Pages freed before secure_delete was on may still hold the plain text: rewrite the
        # whole file once, then empty the WAL.
        self._db.execute("VACUUM")
        self._forget_freed_pages()

    def secret_scopes(self) -> list[str]:
        rows = self._db.execute("SELECT DISTINCT scope FROM secrets ORDER BY scope")
        return [scope for (scope,) in rows]

    def add_intent(self, scope: str, payload: str) -> int:
        with self._transaction():
            cursor = self._db.execute(
                "INSERT INTO intents (scope, payload) VALUES (?, ?)", (scope, payload)
            )
        return int(cursor.lastrowid or 0)

    def remove_intent(self, intent_id: int) -> None:
        with self._transaction():
            self._db.execute("DELETE FROM intents WHERE id = ?", (intent_id,))

    def intents(self) -> list[Intent]:
        rows = self._db.execute("SELECT id, scope, payload FROM intents ORDER BY id")
        return [Intent(*row) for row in rows]

    def join_tokens(self) -> list[TokenRow]:
        rows = self._db.execute(
            "SELECT id, secret_sha256, created_at, expires_at, created_by, used_at, used_by, "
            "revoked_at, revoked_by FROM join_tokens ORDER BY created_at"
        )
        return [TokenRow(*row) for row in rows]

    def put_join_token(self, row: TokenRow) -> None:
        with self._transaction():
            self._put_token(row)

    def delete_join_tokens(self, ids: list[str]) -> None:
        with self._transaction():
            self._db.executemany("DELETE FROM join_tokens WHERE id = ?", [(i,) for i in ids])

    def host_bindings(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT host, fingerprint FROM host_bindings").fetchall())

    def bind_host(self, host: str, fingerprint: str, token: TokenRow | None = None) -> None:
        """Bind ``host`` to a certificate, and mark ``token`` used in the same transaction (an
        enrolment either happened completely or not at all)."""
        with self._transaction():
            self._db.execute(
                "INSERT INTO host_bindings (host, fingerprint) VALUES (?, ?) "
                "ON CONFLICT (host) DO UPDATE SET fingerprint = excluded.fingerprint",
                (host, fingerprint),
            )
            if token is not None:
                self._put_token(token)

    def unbind_host(self, host: str, revoke: bool) -> None:
        """Forget ``host``'s binding; with ``revoke``, its certificate never binds again."""
        with self._transaction():
            if revoke:
                self._db.execute(
                    "INSERT OR IGNORE INTO revoked_certificates (fingerprint, host) "
                    "SELECT fingerprint, host FROM host_bindings WHERE host = ?",
                    (host,),
                )
            self._db.execute("DELETE FROM host_bindings WHERE host = ?", (host,))

    def revoked_certificates(self) -> set[str]:
        rows = self._db.execute("SELECT fingerprint FROM revoked_certificates")
        return {fingerprint for (fingerprint,) in rows}

    def put_audit_entry(self, entry_id: int, time: float, payload: bytes) -> None:
        with self._transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO audit (id, time, payload) VALUES (?, ?, ?)",
                (entry_id, time, payload),
            )

    def audit_entries(self, since: float, limit: int) -> list[bytes]:
        rows = self._db.execute(
            "SELECT payload FROM audit WHERE time >= ? ORDER BY id DESC LIMIT ?", (since, limit)
        )
        return [payload for (payload,) in rows]

    def last_audit_entry(self) -> bytes | None:
        row = self._db.execute("SELECT payload FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        return row[0] if row else None

    def prune_audit(self, keep_after_id: int) -> None:
        with self._transaction():
            self._db.execute("DELETE FROM audit WHERE id <= ?", (keep_after_id,))

    def close(self) -> None:
        self._db.close()

    def _put_token(self, row: TokenRow) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO join_tokens (id, secret_sha256, created_at, expires_at, "
            "created_by, used_at, used_by, revoked_at, revoked_by) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                row.id,
                row.secret_sha256,
                row.created_at,
                row.expires_at,
                row.created_by,
                row.used_at,
                row.used_by,
                row.revoked_at,
                row.revoked_by,
            ),
        )

    def _upsert(self, obj: StoredObject) -> None:
        self._db.execute(
            "INSERT INTO objects (kind, key, revision, payload) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (kind, key) DO UPDATE SET revision = excluded.revision, "
            "payload = excluded.payload",
            (obj.kind, obj.key, obj.revision, obj.payload),
        )

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)


def _owner_only(path: Path) -> None:
    """The database holds secrets: readable by the coordinator's user only. SQLite gives its
    -wal and -shm files the database file's permissions, so they follow."""
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    os.chmod(path, 0o600)


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *_rest: object) -> None:
        self._db.execute("ROLLBACK" if exc_type else "COMMIT")
