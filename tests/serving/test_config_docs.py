"""The generated configuration docs and example files: current, and valid for the daemons."""

from __future__ import annotations

from pathlib import Path

import coordinator.options
import node_daemon.options
from domain.validation import Address
from serving.config_docs import REPO_ROOT, example_path, stale_files


def test_committed_docs_and_examples_match_the_declarations() -> None:
    assert stale_files() == [], "run `python -m serving.config_docs` and commit the result"


def test_a_stale_doc_is_reported(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "configuration.md").write_text("# old\n")

    assert stale_files(tmp_path) == [
        "stale: docs/configuration.md",
        "missing: packaging/config/coordinator.toml",
        "missing: packaging/config/node.toml",
    ]


def test_the_coordinator_example_loads_with_its_packaged_settings() -> None:
    args = coordinator.options.parse_args(
        ["--config", str(REPO_ROOT / example_path("coordinator"))]
    )

    assert args.config.found
    assert (args.listen, args.data_dir) == ("0.0.0.0:7443", Path("/var/lib/quantix/coordinator"))
    assert args.enrol_listen == "0.0.0.0:7444"
    assert args.db == Path("/var/lib/quantix/coordinator/coordinator.sqlite")
    assert (args.heartbeat_interval, args.pool_deadline, args.log_level) == (5.0, 30.0, "info")


def test_the_node_example_loads_with_its_packaged_settings() -> None:
    options = node_daemon.options.parse_args(["--config", str(REPO_ROOT / example_path("node"))])

    assert options.config is not None and options.config.found
    assert options.libvirt_uri == "qemu:///system"
    assert options.listen == Address("0.0.0.0", 7445)
    assert options.data_dir == "/var/lib/quantix/node"
    assert (options.join, options.insecure, options.report_usage) == (None, False, True)


def test_every_key_is_in_its_example_file() -> None:
    for name, options in (("coordinator", coordinator.options), ("node", node_daemon.options)):
        text = (REPO_ROOT / example_path(name)).read_text()
        for setting in options.CONFIG.settings:
            assert f"{setting.key} = " in text, f"{setting.key} missing from {name}.toml"
