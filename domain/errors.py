"""Errors raised by the domain layer."""

from __future__ import annotations


class ValidationError(ValueError):
    """Bad input: names the field and the rule it breaks.

    ``str(error)`` reads ``"<field>: <rule>"`` so that it can be shown as is, in a wizard next
    to the field, in quantixctl's one-line error and in a gRPC INVALID_ARGUMENT status.
    """

    def __init__(self, field: str, rule: str) -> None:
        super().__init__(f"{field}: {rule}")
        self.field = field
        self.rule = rule
