"""Join tokens: made by admins, used once by a new host to enrol, listed and revoked.

Only the SHA-256 of a token's secret is kept (in memory and in the store): the secret is shown
once, to the admin who made the token. A token is refused with its own reason: not known (or a
wrong secret: the two are not told apart), expired, already used, revoked.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import hmac
import logging
import time
from collections.abc import Callable

from google.protobuf.timestamp_pb2 import Timestamp

from coordinator.store import Store, TokenRow
from domain.join import MAX_OPEN_TOKENS, JoinToken, new_token, validate_join_ttl
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.proto_time import timestamp_of

log = logging.getLogger(__name__)

# Used, expired and revoked tokens stay listed this long (who enrolled what, and when), then
# they are forgotten; the audit log keeps the history.
KEEP_CLOSED_S = 7 * 24 * 3600


class TokenRefused(Exception):
    """The token cannot enrol anything; the message says why."""


class TooManyTokens(Exception):
    pass


class UnknownToken(Exception):
    pass


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def when(seconds: float) -> str:
    """How messages state a moment: ``2026-11-27 12:00:05 UTC``."""
    moment = datetime.datetime.fromtimestamp(seconds, datetime.UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def _timestamp(seconds: float | None) -> Timestamp | None:
    """Unset (None) for a moment that has not happened (not used, not revoked)."""
    return None if seconds is None else timestamp_of(seconds)


class JoinTokens:
    def __init__(self, store: Store, clock: Callable[[], float] = time.time) -> None:
        self._store = store
        self._clock = clock
        self._rows = {row.id: row for row in store.join_tokens()}

    def state(self, row: TokenRow) -> pb.JoinTokenState.ValueType:
        if row.revoked_at is not None:
            return pb.JOIN_TOKEN_STATE_REVOKED
        if row.used_at is not None:
            return pb.JOIN_TOKEN_STATE_USED
        if self._clock() >= row.expires_at:
            return pb.JOIN_TOKEN_STATE_EXPIRED
        return pb.JOIN_TOKEN_STATE_VALID

    def to_proto(self, row: TokenRow) -> pb.JoinToken:
        return pb.JoinToken(
            id=row.id,
            state=self.state(row),
            created_at=_timestamp(row.created_at),
            expires_at=_timestamp(row.expires_at),
            created_by=row.created_by,
            used_at=_timestamp(row.used_at),
            used_by=row.used_by,
            revoked_at=_timestamp(row.revoked_at),
            revoked_by=row.revoked_by,
        )

    def create(self, ttl_s: int, by: str) -> tuple[TokenRow, JoinToken]:
        validate_join_ttl(ttl_s)
        self._forget_old()
        open_tokens = sum(
            1 for row in self._rows.values() if self.state(row) == pb.JOIN_TOKEN_STATE_VALID
        )
        if open_tokens >= MAX_OPEN_TOKENS:
            raise TooManyTokens(
                f"{open_tokens} join tokens are still open (the limit is {MAX_OPEN_TOKENS}): "
                "revoke the ones nobody will use"
            )
        token = new_token()
        while token.id in self._rows:  # 36**6 IDs: a clash is rare, never fatal
            token = new_token()
        now = self._clock()
        row = TokenRow(token.id, _digest(token.secret), now, now + ttl_s, by)
        self._store.put_join_token(row)
        self._rows[row.id] = row
        log.info("join token %s made by %s, valid until %s", row.id, by, when(row.expires_at))
        return row, token

    def list(self) -> list[pb.JoinToken]:
        self._forget_old()
        rows = sorted(self._rows.values(), key=lambda row: row.created_at, reverse=True)
        return [self.to_proto(row) for row in rows]

    def revoke(self, token_id: str, by: str) -> pb.JoinToken:
        row = self._rows.get(token_id)
        if row is None:
            raise UnknownToken(f"no join token {token_id}")
        if self.state(row) == pb.JOIN_TOKEN_STATE_VALID:
            row = dataclasses.replace(row, revoked_at=self._clock(), revoked_by=by)
            self._store.put_join_token(row)
            self._rows[row.id] = row
            log.info("join token %s revoked by %s", row.id, by)
        return self.to_proto(row)

    def check(self, token: JoinToken) -> TokenRow:
        """The token's row if it can enrol now; otherwise TokenRefused saying why. Marking
        it used is the caller's, together with what it enrolled (``mark_used``)."""
        row = self._rows.get(token.id)
        # Compared in constant time; an unknown ID and a wrong secret get the same answer.
        if row is None or not hmac.compare_digest(row.secret_sha256, _digest(token.secret)):
            raise TokenRefused(f"join token {token.id} is not known to this coordinator")
        state = self.state(row)
        if state == pb.JOIN_TOKEN_STATE_REVOKED:
            raise TokenRefused(
                f"join token {row.id} was revoked by {row.revoked_by} at "
                f"{when(row.revoked_at or 0)}"
            )
        if state == pb.JOIN_TOKEN_STATE_USED:
            raise TokenRefused(
                f"join token {row.id} was already used, by {row.used_by} at "
                f"{when(row.used_at or 0)}; a token enrols one host"
            )
        if state == pb.JOIN_TOKEN_STATE_EXPIRED:
            raise TokenRefused(f"join token {row.id} expired at {when(row.expires_at)}")
        return row

    def used(self, row: TokenRow, host: str) -> TokenRow:
        """A copy of ``row`` used by ``host`` now (the caller stores it, then ``replace``)."""
        return dataclasses.replace(row, used_at=self._clock(), used_by=host)

    def replace(self, row: TokenRow) -> None:
        """Take a row the caller has stored."""
        self._rows[row.id] = row

    def _forget_old(self) -> None:
        cutoff = self._clock() - KEEP_CLOSED_S
        old = [
            row.id
            for row in self._rows.values()
            if max(row.expires_at, row.used_at or 0, row.revoked_at or 0) < cutoff
        ]
        if old:
            self._store.delete_join_tokens(old)
            for token_id in old:
                del self._rows[token_id]
