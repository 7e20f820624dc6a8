"""A cluster's fields, each by its rule (domain.clusters), and how an update mask applies."""

from __future__ import annotations

import dataclasses

import pytest

from domain.clusters import (
    DRS_FIELDS,
    HA_FIELDS,
    LABEL_KEY_MAX,
    LABEL_VALUE_MAX,
    MAX_FAILURES_TO_TOLERATE,
    MAX_LABELS,
    MAX_MASK_PATHS,
    UPDATABLE_PATHS,
    ClusterSpec,
    DrsAutomation,
    DrsSettings,
    HaSettings,
    IsolationResponse,
    RestartPriority,
    apply_update,
    format_labels,
    parse_labels,
    validate_cluster_spec,
    validate_failures_to_tolerate,
    validate_labels,
    validate_migration_threshold,
    validate_update_paths,
)
from domain.errors import ValidationError
from domain.limits import QUOTE_LIMIT

# Every field away from its default, so a field that is dropped or mixed up shows.
FULL = ClusterSpec(
    name="prod",
    description="Production\nrack 12",
    labels=(("env", "prod"), ("rack", "r12")),
    ha=HaSettings(
        enabled=True,
        admission_control=False,
        host_failures_to_tolerate=2,
        host_monitoring=False,
        vm_monitoring=True,
        restart_priority=RestartPriority.HIGHEST,
        isolation_response=IsolationResponse.POWER_OFF,
    ),
    drs=DrsSettings(
        enabled=True,
        automation=DrsAutomation.FULLY_AUTOMATED,
        migration_threshold=5,
        power_management=True,
    ),
    default_pool="nfs-a",
    default_network="vm-net",
)


def refused(call, field: str, rule: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call()
    assert caught.value.field == field, str(caught.value)
    assert rule in caught.value.rule, str(caught.value)
    return caught.value


def test_a_spec_with_every_field_set_is_valid_and_kept_as_given():
    assert validate_cluster_spec(FULL) == FULL


def test_labels_come_back_sorted_by_key():
    spec = dataclasses.replace(FULL, labels=(("zone", "b"), ("env", "prod")))
    assert validate_cluster_spec(spec).labels == (("env", "prod"), ("zone", "b"))


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        ({"name": ""}, "name", "is required"),
        ({"name": "two words"}, "name", "may contain only letters"),
        ({"name": "-lead"}, "name", "must start with a letter or digit"),
        ({"name": "x" * 200}, "name", "must be at most"),
        ({"description": "a\x00b"}, "description", "control characters"),
        ({"description": "x" * 5000}, "description", "must be at most"),
        ({"labels": (("", "v"),)}, "labels", "a label's key is required"),
        ({"labels": (("env", "a"), ("env", "b"))}, "labels", "key 'env' is given twice"),
        ({"labels": (("bad key", "v"),)}, "labels", "a key may contain only"),
        ({"labels": (("env", "a b"),)}, "labels['env']", "may contain only"),
        ({"labels": (("k" * 64, ""),)}, "labels key", f"at most {LABEL_KEY_MAX}"),
        ({"labels": (("env", "v" * 64),)}, "labels['env']", f"at most {LABEL_VALUE_MAX}"),
        (
            {"labels": tuple((f"k{i}", "") for i in range(MAX_LABELS + 1))},
            "labels",
            f"at most {MAX_LABELS} labels (got {MAX_LABELS + 1})",
        ),
        ({"default_pool": "no pool"}, "default_pool", "may contain only"),
        ({"default_network": "/net"}, "default_network", "may contain only"),
    ],
)
def test_each_bad_field_is_refused_naming_it_and_its_rule(changes, field, rule):
    refused(lambda: validate_cluster_spec(dataclasses.replace(FULL, **changes)), field, rule)


@pytest.mark.parametrize(
    ("ha", "drs", "field", "rule"),
    [
        ({"host_failures_to_tolerate": 0}, {}, "ha.host_failures_to_tolerate", "from 1 to 31"),
        (
            {"host_failures_to_tolerate": MAX_FAILURES_TO_TOLERATE + 1},
            {},
            "ha.host_failures_to_tolerate",
            "(got 32)",
        ),
        ({}, {"migration_threshold": 0}, "drs.migration_threshold", "from 1 to 5"),
        ({}, {"migration_threshold": 6}, "drs.migration_threshold", "(got 6)"),
    ],
)
def test_ha_and_drs_numbers_are_bounded(ha, drs, field, rule):
    spec = dataclasses.replace(
        FULL, ha=dataclasses.replace(FULL.ha, **ha), drs=dataclasses.replace(FULL.drs, **drs)
    )
    refused(lambda: validate_cluster_spec(spec), field, rule)


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("", "a whole number from 1 to 31"),
        ("²", "a whole number"),  # a digit to str.isdigit, not to int()
        ("1.5", "a whole number"),
        ("1000", "a whole number"),
        (True, "from 1 to 31"),
    ],
)
def test_failures_to_tolerate_typed_in_a_field_must_be_ascii_digits(value, rule):
    refused(lambda: validate_failures_to_tolerate(value), "ha.host_failures_to_tolerate", rule)


def test_numbers_typed_as_text_are_read():
    assert validate_failures_to_tolerate("3") == 3
    assert validate_migration_threshold("5") == 5


def test_a_long_bad_value_is_quoted_only_by_a_short_prefix():
    error = refused(lambda: validate_labels([("k", "é" * LABEL_VALUE_MAX)]), "labels['k']", "may")
    assert "é" * (QUOTE_LIMIT + 1) not in str(error)
    assert f"…' ({LABEL_VALUE_MAX} characters)" in str(error)


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        ("", ()),
        ("env=prod", (("env", "prod"),)),
        ("rack=r12, env=prod", (("env", "prod"), ("rack", "r12"))),
        ("  gpu  env=prod ", (("env", "prod"), ("gpu", ""))),
        ("a\nb", None),
    ],
)
def test_labels_as_typed_are_parsed_and_formatted_back_to_the_same(text, labels):
    if labels is None:  # one line of text: a newline is refused, not read as a separator
        refused(lambda: parse_labels(text), "labels", "control characters")
        return
    assert parse_labels(text) == labels
    assert parse_labels(format_labels(labels)) == labels


@pytest.mark.parametrize(
    ("text", "field", "rule"),
    [
        ("a=b=c", "labels['a']", "may contain only"),
        ("=v", "labels", "a label's key is required"),
        ("env=a env=b", "labels", "given twice"),
        ("x" * 5000, "labels", "must be at most"),
    ],
)
def test_bad_label_text_is_refused(text, field, rule):
    refused(lambda: parse_labels(text), field, rule)


# --- update masks ----------------------------------------------------------------------------


def test_an_empty_mask_means_every_updatable_path():
    assert validate_update_paths([]) == UPDATABLE_PATHS
    assert "name" not in UPDATABLE_PATHS
    assert {f"ha.{f}" for f in HA_FIELDS} | {f"drs.{f}" for f in DRS_FIELDS} <= set(UPDATABLE_PATHS)


@pytest.mark.parametrize(
    ("paths", "rule"),
    [
        (["name"], "a cluster cannot be renamed"),
        (["spec.description"], "'spec.description' is not a cluster setting"),
        (["ha.nope"], "'ha.nope' is not a cluster setting"),
        (["labels", "labels"], "names a path twice"),
        (["description"] * (MAX_MASK_PATHS + 1), f"at most {MAX_MASK_PATHS} paths"),
    ],
)
def test_a_bad_mask_is_refused_naming_the_mask(paths, rule):
    refused(lambda: validate_update_paths(paths), "update_mask", rule)


BASE = ClusterSpec(name="prod")


@pytest.mark.parametrize(
    ("paths", "expected"),
    [
        (["description"], dataclasses.replace(BASE, description=FULL.description)),
        (["labels"], dataclasses.replace(BASE, labels=FULL.labels)),
        (["ha"], dataclasses.replace(BASE, ha=FULL.ha)),
        (["drs"], dataclasses.replace(BASE, drs=FULL.drs)),
        (["ha.enabled"], dataclasses.replace(BASE, ha=HaSettings(enabled=True))),
        (
            ["ha.restart_priority", "drs.migration_threshold"],
            dataclasses.replace(
                BASE,
                ha=HaSettings(restart_priority=RestartPriority.HIGHEST),
                drs=DrsSettings(migration_threshold=5),
            ),
        ),
        (["default_pool"], dataclasses.replace(BASE, default_pool="nfs-a")),
        (["default_network"], dataclasses.replace(BASE, default_network="vm-net")),
        (list(UPDATABLE_PATHS), FULL),
    ],
)
def test_apply_update_takes_exactly_the_named_fields(paths, expected):
    assert apply_update(BASE, FULL, paths) == expected


def test_apply_update_keeps_the_name_whatever_the_new_spec_says():
    renamed = dataclasses.replace(FULL, name="other")
    assert apply_update(BASE, renamed, UPDATABLE_PATHS).name == "prod"


@pytest.mark.parametrize("path", [f"ha.{f}" for f in HA_FIELDS] + [f"drs.{f}" for f in DRS_FIELDS])
def test_each_single_setting_path_changes_that_setting_alone(path):
    group, _, name = path.partition(".")
    updated = apply_update(BASE, FULL, [path])
    assert getattr(getattr(updated, group), name) == getattr(getattr(FULL, group), name)
    other = "drs" if group == "ha" else "ha"
    assert getattr(updated, other) == getattr(BASE, other)
    for field in HA_FIELDS if group == "ha" else DRS_FIELDS:
        if field != name:
            assert getattr(getattr(updated, group), field) == getattr(getattr(BASE, group), field)
