"""Why a manager of realized objects refuses a request; the servicer maps each to a gRPC
status code (NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION)."""

from __future__ import annotations


class ObjectNotFound(LookupError):
    def __init__(self, noun: str, name: str) -> None:
        super().__init__(f"no {noun} named {name!r}")


class ObjectExists(Exception):
    def __init__(self, noun: str, name: str) -> None:
        super().__init__(f"a {noun} named {name!r} already exists: choose another name")


class Refused(Exception):
    """The request is valid but the object's state forbids it now (FAILED_PRECONDITION)."""
