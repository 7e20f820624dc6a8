"""Why the pool manager refuses a request; the servicer maps each to a gRPC status code."""

from __future__ import annotations


class PoolNotFound(LookupError):
    def __init__(self, name: str) -> None:
        super().__init__(f"no pool named {name!r}")


class PoolExists(Exception):
    def __init__(self, name: str) -> None:
        super().__init__(f"a pool named {name!r} already exists: choose another name")


class PoolRefused(Exception):
    """The request is valid but the pool's state forbids it now (FAILED_PRECONDITION)."""
