"""quantixctl's --output, --version and the verbs every kind shares, as a user runs them: a real
quantixctl process against a real coordinator on loopback."""

import json

import yaml

from domain.version import version_line
from tests.cli.test_quantixctl import quantixctl


def ok(result) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_version_prints_the_one_version_line():
    result = quantixctl("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == version_line("quantixctl")


def test_yaml_and_json_print_the_same_facts_for_every_read(coordinator):
    ok(quantixctl("clusters", "create", "prod", coordinator=coordinator))
    token = json.loads(ok(quantixctl("join-tokens", "create", "--json", coordinator=coordinator)))
    reads = [
        ("clusters", "list"),
        ("clusters", "show", "prod"),
        ("join-tokens", "list"),
        ("audit", "list"),
        ("audit",),
        ("tasks", "list"),
        ("pools", "list"),
    ]
    for read in reads:
        as_json = json.loads(ok(quantixctl(*read, "--json", coordinator=coordinator)))
        also_json = json.loads(ok(quantixctl(*read, "--output", "json", coordinator=coordinator)))
        as_yaml = yaml.safe_load(ok(quantixctl(*read, "-o", "yaml", coordinator=coordinator)))
        # The flag before the topic means the same.
        yaml_first = yaml.safe_load(
            ok(quantixctl("--output", "yaml", *read, coordinator=coordinator))
        )
        assert as_yaml == as_json == also_json == yaml_first, read
    shown = yaml.safe_load(
        ok(quantixctl("clusters", "show", "prod", "-o", "yaml", coordinator=coordinator))
    )
    assert shown["name"] == "prod"
    tokens = yaml.safe_load(
        ok(quantixctl("join-tokens", "list", "-o", "yaml", coordinator=coordinator))
    )
    assert [t["id"] for t in tokens] == [token["id"]]
    audit = yaml.safe_load(ok(quantixctl("audit", "list", "-o", "yaml", coordinator=coordinator)))
    assert {"CreateCluster", "CreateJoinToken"} <= {
        entry["rpc"].rsplit("/", 1)[-1] for entry in audit
    }


def test_table_stays_the_default(coordinator):
    ok(quantixctl("clusters", "create", "prod", coordinator=coordinator))
    table = ok(quantixctl("clusters", "list", coordinator=coordinator)).splitlines()
    assert table[0].split()[0] == "NAME"
    assert table[1].split()[0] == "prod"
    assert (
        ok(quantixctl("clusters", "list", "-o", "table", coordinator=coordinator)).splitlines()
        == table
    )


def test_a_bad_output_is_refused_naming_the_flag():
    result = quantixctl("clusters", "list", "--output", "xml", address="127.0.0.1:9")
    assert result.returncode == 2
    assert "--output" in result.stderr
    assert "invalid choice: 'xml'" in result.stderr
    assert result.stdout == ""


def test_join_tokens_are_a_kind_with_list_create_delete(coordinator):
    made = json.loads(
        ok(quantixctl("join-tokens", "create", "--ttl", "30m", "--json", coordinator=coordinator))
    )
    other = json.loads(ok(quantixctl("join-tokens", "create", "--json", coordinator=coordinator)))
    deleted = json.loads(
        ok(quantixctl("join-tokens", "delete", made["id"], "--json", coordinator=coordinator))
    )
    assert deleted["state"] == "revoked"
    # `revoke`, the old word, still runs the same command.
    revoked = ok(quantixctl("join-tokens", "revoke", other["id"], coordinator=coordinator))
    assert revoked.startswith(f"Join token {other['id']}: ")
    listed = json.loads(ok(quantixctl("join-tokens", "list", "--json", coordinator=coordinator)))
    assert {t["id"]: t["state"] for t in listed} == {made["id"]: "revoked", other["id"]: "revoked"}
    # Bad input names the argument and is refused before any call.
    bad = quantixctl("join-tokens", "delete", "NOT-AN-ID", coordinator=coordinator)
    assert bad.returncode == 2
    assert "ID: must be a join token ID" in bad.stderr


def test_hosts_delete_and_its_old_word_remove_run_the_same_command(coordinator):
    deleted = quantixctl("hosts", "delete", "ghost", coordinator=coordinator)
    removed = quantixctl("hosts", "remove", "ghost", coordinator=coordinator)
    assert deleted.returncode == removed.returncode == 1
    assert "ghost" in deleted.stderr
    assert deleted.stderr == removed.stderr
