"""Clusters: what one is (spec, HA and DRS settings, labels) and every rule of its fields.

The console's wizard and settings tab, quantixctl and the coordinator all check a cluster with
these functions, so a rule reads the same wherever it fires. Rules about members (at most one
cluster per host, HA admission control, default pool and network on every member) and the
cluster's status are in ``domain.cluster_rules``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import Enum

from domain.errors import ValidationError
from domain.limits import quoted, too_long, validate_text
from domain.pools import validate_description, validate_pool_name


class RestartPriority(Enum):
    LOWEST = "lowest"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    HIGHEST = "highest"


class IsolationResponse(Enum):
    LEAVE_POWERED_ON = "leave-powered-on"
    SHUT_DOWN = "shut-down"
    POWER_OFF = "power-off"


class DrsAutomation(Enum):
    MANUAL = "manual"
    PARTIALLY_AUTOMATED = "partially-automated"
    FULLY_AUTOMATED = "fully-automated"


RESTART_PRIORITY_LABELS = {
    RestartPriority.LOWEST: "Lowest",
    RestartPriority.LOW: "Low",
    RestartPriority.MEDIUM: "Medium",
    RestartPriority.HIGH: "High",
    RestartPriority.HIGHEST: "Highest",
}
ISOLATION_RESPONSE_LABELS = {
    IsolationResponse.LEAVE_POWERED_ON: "Leave powered on",
    IsolationResponse.SHUT_DOWN: "Shut down VMs",
    IsolationResponse.POWER_OFF: "Power off VMs",
}
DRS_AUTOMATION_LABELS = {
    DrsAutomation.MANUAL: "Manual",
    DrsAutomation.PARTIALLY_AUTOMATED: "Partially automated",
    DrsAutomation.FULLY_AUTOMATED: "Fully automated",
}

# vSphere's scale: 1 moves VMs only for must-do reasons, 5 for any small imbalance; 3 (its
# default) moves them when the gain is clear.
MIGRATION_THRESHOLD_MIN = 1
MIGRATION_THRESHOLD_MAX = 5
DEFAULT_MIGRATION_THRESHOLD = 3
MIGRATION_THRESHOLD_LABELS = {
    1: "1 — Conservative",
    2: "2",
    3: "3 — Balanced",
    4: "4",
    5: "5 — Aggressive",
}

# Host failures HA can plan for. Admission control then needs one more host than this. vSphere
# caps it at 31 (its clusters hold up to 64 hosts); Quantix's small fleets stay far below, and
# a bound keeps a bad request from asking for four billion.
MAX_FAILURES_TO_TOLERATE = 31

# Labels: a few per cluster ("env=prod", "rack=r12"). Keys and values as Kubernetes bounds
# them (63 characters), without its prefix syntax: letters, digits, '.', '_', '-'; a key
# starts with a letter or digit, a value may be empty.
MAX_LABELS = 32
LABEL_KEY_MAX = 63
LABEL_VALUE_MAX = 63
_LABEL_KEY_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_LABEL_VALUE_RE = re.compile(r"[A-Za-z0-9._-]*")

# The names a cluster's defaults may take: pool and network names share the pool name rule.
NAME_FIELD = "name"


@dataclass(frozen=True)
class HaSettings:
    enabled: bool = False
    # On by default as vSphere has it: HA that cannot restart VMs is worse than none.
    admission_control: bool = True
    host_failures_to_tolerate: int = 1
    host_monitoring: bool = True
    vm_monitoring: bool = False
    restart_priority: RestartPriority = RestartPriority.MEDIUM
    isolation_response: IsolationResponse = IsolationResponse.LEAVE_POWERED_ON


@dataclass(frozen=True)
class DrsSettings:
    enabled: bool = False
    automation: DrsAutomation = DrsAutomation.MANUAL
    migration_threshold: int = DEFAULT_MIGRATION_THRESHOLD
    power_management: bool = False


@dataclass(frozen=True)
class ClusterSpec:
    name: str
    description: str = ""
    labels: tuple[tuple[str, str], ...] = ()  # sorted by key
    ha: HaSettings = field(default_factory=HaSettings)
    drs: DrsSettings = field(default_factory=DrsSettings)
    default_pool: str = ""
    default_network: str = ""


# Paths UpdateCluster's field mask may name, and what each replaces. "ha" and "drs" replace
# the whole group; "ha.<field>" one setting of it.
HA_FIELDS = tuple(HaSettings.__dataclass_fields__)
DRS_FIELDS = tuple(DrsSettings.__dataclass_fields__)
UPDATABLE_PATHS = (
    "description",
    "labels",
    "ha",
    *(f"ha.{name}" for name in HA_FIELDS),
    "drs",
    *(f"drs.{name}" for name in DRS_FIELDS),
    "default_pool",
    "default_network",
)
# An update mask is a handful of paths; every path at most once makes this the bound.
MAX_MASK_PATHS = len(UPDATABLE_PATHS)


# --- field validators ---------------------------------------------------------------------


def validate_cluster_name(value: str, field: str = NAME_FIELD) -> str:
    """Cluster names follow the pool name rule: one word of letters, digits, '.', '_', '-'."""
    return validate_pool_name(value, field)


def validate_labels(
    labels: Mapping[str, str] | Iterable[tuple[str, str]], field: str = "labels"
) -> tuple[tuple[str, str], ...]:
    """Labels as sorted (key, value) pairs; each key once, each key and value by its rule."""
    pairs = list(labels.items()) if isinstance(labels, Mapping) else list(labels)
    if len(pairs) > MAX_LABELS:
        raise ValidationError(field, f"must have at most {MAX_LABELS} labels (got {len(pairs)})")
    seen: set[str] = set()
    for key, value in pairs:
        where = f"{field}[{quoted(key, 20)}]"
        if not key:
            raise ValidationError(field, "a label's key is required")
        if len(key) > LABEL_KEY_MAX:
            raise too_long(f"{field} key", LABEL_KEY_MAX, key)
        if not _LABEL_KEY_RE.fullmatch(key):
            raise ValidationError(
                field,
                "a key may contain only letters, digits, '.', '_' and '-', and must start "
                f"with a letter or digit (got {quoted(key)})",
            )
        if key in seen:
            raise ValidationError(field, f"key {quoted(key)} is given twice")
        seen.add(key)
        if len(value) > LABEL_VALUE_MAX:
            raise too_long(where, LABEL_VALUE_MAX, value)
        if not _LABEL_VALUE_RE.fullmatch(value):
            raise ValidationError(
                where, f"may contain only letters, digits, '.', '_' and '-' (got {quoted(value)})"
            )
    return tuple(sorted(pairs))


def parse_labels(text: str, field: str = "labels") -> tuple[tuple[str, str], ...]:
    """``env=prod, rack=r12`` (commas or blanks between, ``key`` alone for an empty value), as
    the wizard's field and ``quantixctl --labels`` take them."""
    validate_text(text, field, MAX_LABELS * (LABEL_KEY_MAX + LABEL_VALUE_MAX + 2))
    pairs = []
    for item in re.split(r"[,\s]+", text.strip()):
        if not item:
            continue
        key, _, value = item.partition("=")
        pairs.append((key, value))
    return validate_labels(pairs, field)


def format_labels(labels: Iterable[tuple[str, str]]) -> str:
    """The text ``parse_labels`` reads back to the same labels."""
    return ", ".join(f"{key}={value}" if value else key for key, value in labels)


def validate_failures_to_tolerate(
    value: int | str, field: str = "ha.host_failures_to_tolerate"
) -> int:
    return _bounded_int(value, field, 1, MAX_FAILURES_TO_TOLERATE)


def validate_migration_threshold(value: int | str, field: str = "drs.migration_threshold") -> int:
    return _bounded_int(value, field, MIGRATION_THRESHOLD_MIN, MIGRATION_THRESHOLD_MAX)


def _bounded_int(value: int | str, field: str, low: int, high: int) -> int:
    if isinstance(value, str):
        if not value or len(value) > 3 or not all(ch in "0123456789" for ch in value):
            raise ValidationError(
                field, f"must be a whole number from {low} to {high} (got {quoted(value)})"
            )
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(field, f"must be from {low} to {high} (got {value})")
    return value


def validate_default_name(value: str, field: str) -> str:
    """A default pool or network: empty (none) or a name by the pool name rule."""
    return validate_pool_name(value, field) if value else value


def validate_cluster_spec(spec: ClusterSpec) -> ClusterSpec:
    """Every field by its rule; the first broken one raises ValidationError naming it."""
    validate_cluster_name(spec.name)
    validate_description(spec.description)
    labels = validate_labels(spec.labels)
    validate_failures_to_tolerate(spec.ha.host_failures_to_tolerate)
    validate_migration_threshold(spec.drs.migration_threshold)
    validate_default_name(spec.default_pool, "default_pool")
    validate_default_name(spec.default_network, "default_network")
    return replace(spec, labels=labels)


def validate_update_paths(paths: Iterable[str], field: str = "update_mask") -> tuple[str, ...]:
    """The mask's paths, each known and given once; empty means every updatable path."""
    result = list(paths)
    if len(result) > MAX_MASK_PATHS:
        raise ValidationError(
            field, f"must name at most {MAX_MASK_PATHS} paths (got {len(result)})"
        )
    for path in result:
        if path == NAME_FIELD:
            raise ValidationError(field, "a cluster cannot be renamed: 'name' says which cluster")
        if path not in UPDATABLE_PATHS:
            raise ValidationError(
                field,
                f"{quoted(path)} is not a cluster setting (one of: description, labels, ha, "
                "ha.<setting>, drs, drs.<setting>, default_pool, default_network)",
            )
    if len(set(result)) != len(result):
        raise ValidationError(field, "names a path twice")
    return tuple(result) or UPDATABLE_PATHS


def apply_update(current: ClusterSpec, new: ClusterSpec, paths: Iterable[str]) -> ClusterSpec:
    """``current`` with the fields ``paths`` name taken from ``new`` (the name stays)."""
    ha, drs, changes = current.ha, current.drs, {}
    for path in paths:
        group, _, name = path.partition(".")
        if group == "ha":
            ha = new.ha if not name else replace(ha, **{name: getattr(new.ha, name)})
        elif group == "drs":
            drs = new.drs if not name else replace(drs, **{name: getattr(new.drs, name)})
        else:
            changes[path] = getattr(new, path)
    return replace(current, ha=ha, drs=drs, **changes)
