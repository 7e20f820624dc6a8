"""Small helpers for tests that drive async clients from synchronous test functions."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

T = TypeVar("T")


async def eventually(
    probe: Callable[[], Awaitable[T]],
    accept: Callable[[T], bool],
    timeout_s: float = 30.0,
    what: str = "condition",
) -> T:
    """Poll ``probe`` until ``accept`` holds; fail with the last value seen after timeout_s.

    Generous timeouts: this is about behaviour (does it ever happen), not speed.
    """
    end = time.monotonic() + timeout_s
    last: T | None = None
    while time.monotonic() < end:
        last = await probe()
        if accept(last):
            return last
        await asyncio.sleep(0.05)
    raise AssertionError(f"{what} not reached within {timeout_s} s; last value: {last!r}")


def json_log_records(text: str) -> list[dict[str, Any]]:
    """The JSON records of a daemon's log. libvirt writes plain-text warnings of its own to the
    same stderr (e.g. "getaddrinfo failed" on a host without /etc/hosts): those are skipped."""
    records = []
    for line in text.splitlines():
        if line.startswith("{"):
            records.append(json.loads(line))
    return records
