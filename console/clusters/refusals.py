"""Which field a coordinator's refusal of a cluster is about, so the wizard and the settings
tab can put its words under that field. Qt-free.

INVALID_ARGUMENT names the field (``quantix-field`` metadata, or ``field: rule``); a taken
name is ALREADY_EXISTS; a broken membership rule is FAILED_PRECONDITION with the sentence of
domain.cluster_rules, recognised here by the words that function writes.
"""

from __future__ import annotations

import grpc

from console.pool_ops import Failure

# Sentences of domain.cluster_rules and what each is about.
_RULE_WORDS: tuple[tuple[str, str], ...] = (
    ("HA admission control", "ha.host_failures_to_tolerate"),
    ("is already in cluster", "hosts"),
    ("no pool named", "default_pool"),
    ("no network named", "default_network"),
    ("pool ", "default_pool"),
    ("network ", "default_network"),
)


def refused_field(failure: Failure) -> str:
    """The spec field (``name``, ``ha.host_failures_to_tolerate``, ``hosts``...) the refusal
    is about, or "" when it names none."""
    if failure.field:
        return failure.field.removeprefix("spec.")
    if failure.code == grpc.StatusCode.ALREADY_EXISTS:
        return "name"
    if failure.code in (grpc.StatusCode.FAILED_PRECONDITION, grpc.StatusCode.NOT_FOUND):
        for words, field in _RULE_WORDS:
            if words in failure.details:
                return field
    return ""
