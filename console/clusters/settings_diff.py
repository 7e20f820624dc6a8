"""The UpdateCluster mask of an edit: exactly the paths whose value changed, one setting at a
time (``ha.vm_monitoring``, not the whole ``ha`` group), so a Save never overwrites a setting
someone else changed meanwhile and the audit log says what was changed. Qt-free."""

from __future__ import annotations

from domain.clusters import DRS_FIELDS, HA_FIELDS, UPDATABLE_PATHS, ClusterSpec


def changed_paths(before: ClusterSpec, after: ClusterSpec) -> tuple[str, ...]:
    """The updatable paths (in domain.clusters.UPDATABLE_PATHS order) where ``after``
    differs from ``before``."""
    changed: list[str] = []
    for path in UPDATABLE_PATHS:
        group, _, name = path.partition(".")
        if group in ("ha", "drs") and not name:
            continue  # whole groups are never sent: their settings are, one by one
        if group == "ha" and name in HA_FIELDS:
            differs = getattr(before.ha, name) != getattr(after.ha, name)
        elif group == "drs" and name in DRS_FIELDS:
            differs = getattr(before.drs, name) != getattr(after.drs, name)
        else:
            differs = getattr(before, path) != getattr(after, path)
        if differs:
            changed.append(path)
    return tuple(changed)
