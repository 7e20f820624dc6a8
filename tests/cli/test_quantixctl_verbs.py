"""The same verbs for every object kind, read off quantixctl's real parser: a new kind, or a
kind that grows a `get` or an `rm`, fails here until it speaks like the others."""

import argparse
import contextlib
import io

from clients.cli import build_parser
from clients.cli_verbs import CHANGE_VERBS, READ_VERBS, subcommands_action, verbs, walk

# Which kinds can be made and removed from the command line, from what the coordinator offers.
CHANGE_VERBS_OF = {
    "hosts": {"delete"},  # a host is made by joining with a token (join-tokens create)
    "pools": {"create", "delete"},
    "networks": {"create", "delete"},
    "switches": {"create", "delete"},
    "clusters": {"create", "delete"},
    "images": {"delete"},  # made by upload, download or import-ova, each its own verb
    "join-tokens": {"create", "delete"},  # delete revokes
    "tasks": set(),  # made by the work they follow; cancelled, never deleted
    "audit": set(),  # written by the coordinator only
}
# Kinds the coordinator only lists: there is no call that reads one (no GetAuditEntry,
# no GetJoinToken), and a `show` that scanned a list would be a fake.
NO_SHOW = {"audit", "join-tokens"}
# Topics that are not object kinds: local PKI files, and the shell's set-up.
NOT_KINDS = {"pki", "completion"}
# Words other tools use for the standard verbs: a kind offers the standard one instead.
SYNONYMS = {"get", "describe", "ls", "rm", "remove", "destroy", "new", "add", "revoke"}
# Old words kept working for scripts, and the verb each runs.
OLD_WORDS = {("hosts", "remove"): "delete", ("join-tokens", "revoke"): "delete"}


def topics() -> dict[str, argparse.ArgumentParser]:
    return verbs(build_parser())


def test_every_topic_is_classified():
    assert set(topics()) == set(CHANGE_VERBS_OF) | NOT_KINDS


def test_every_kind_lists_and_shows():
    for kind, parser in topics().items():
        if kind in NOT_KINDS:
            continue
        expected = set(READ_VERBS) - ({"show"} if kind in NO_SHOW else set())
        assert expected <= set(verbs(parser)), kind


def test_create_and_delete_where_a_kind_can_be_made_or_removed():
    for kind, change_verbs in CHANGE_VERBS_OF.items():
        assert set(verbs(topics()[kind])) & set(CHANGE_VERBS) == change_verbs, kind


def test_no_kind_uses_another_word_for_a_standard_verb():
    for kind, parser in topics().items():
        assert not set(verbs(parser)) & SYNONYMS, kind


def test_old_words_run_the_standard_verb_and_are_not_offered():
    parser = build_parser()
    for (kind, old), verb in OLD_WORDS.items():
        kind_parser = topics()[kind]
        assert old in verbs(kind_parser, aliases=True)
        assert old not in verbs(kind_parser)
        listed = kind_parser.format_usage().split("{", 1)[1].split("}", 1)[0].split(",")
        assert verb in listed
        assert old not in listed
        help_lines = [line.split() for line in kind_parser.format_help().splitlines()]
        assert [verb] in [words[:1] for words in help_lines]
        assert [old] not in [words[:1] for words in help_lines]
        args = parser.parse_args([kind, old, "x"])
        assert args.command == verb


def test_every_command_that_prints_takes_output_and_json():
    for path, parser in walk(build_parser()):
        if subcommands_action(parser) is not None or path[:1] == ("completion",):
            continue  # a topic, or the command that prints a shell script
        flags = {flag for action in parser._actions for flag in action.option_strings}
        assert {"--output", "--json"} <= flags, path


def test_show_takes_the_name_of_one_object():
    for kind, parser in topics().items():
        show = verbs(parser).get("show")
        if show is None:
            continue
        with contextlib.redirect_stderr(io.StringIO()) as stderr:
            try:
                show.parse_args([])
            except SystemExit as refused:
                assert refused.code == 2
        assert "the following arguments are required" in stderr.getvalue(), kind
