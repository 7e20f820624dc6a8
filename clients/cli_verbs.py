"""quantixctl's verbs: the same words for every object kind (``list``, ``show``, ``create``,
``delete``), old words kept working as hidden aliases, and the walk over the parser that the
usage lines, the completion scripts and the tests read.

An old word (``hosts remove``) is a parser of its own that sets the command to the standard
verb: it is not listed in help, usage or completion (argparse and shtab list only parsers
added with a help text), yet a script that types it runs the same command.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator, Sequence

# Verbs every object kind has: read them all, read one.
READ_VERBS = ("list", "show")
# Verbs a kind has when it can be made or removed from the command line.
CHANGE_VERBS = ("create", "delete")


def subcommands_action(parser: argparse.ArgumentParser) -> argparse._SubParsersAction | None:
    """``parser``'s sub-commands (argparse keeps them as an action), if it has any."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    return None


def is_alias(commands: argparse._SubParsersAction, name: str) -> bool:
    """Whether ``name`` is an old word: its parser says the command is another verb."""
    return commands.choices[name].get_default(commands.dest) not in (None, name)


def verbs(
    parser: argparse.ArgumentParser, aliases: bool = False
) -> dict[str, argparse.ArgumentParser]:
    """``parser``'s sub-commands by name, without the old words unless ``aliases``."""
    commands = subcommands_action(parser)
    if commands is None:
        return {}
    return {
        name: sub
        for name, sub in commands.choices.items()
        if aliases or not is_alias(commands, name)
    }


def add_verb(
    commands: argparse._SubParsersAction,
    name: str,
    help_text: str,
    arguments: Callable[[argparse.ArgumentParser], None],
    old_names: Sequence[str] = (),
) -> argparse.ArgumentParser:
    """Add the verb ``name`` with ``arguments`` and, for each of ``old_names``, a hidden parser
    with the same arguments that runs ``name``."""
    parser = commands.add_parser(name, help=help_text, description=help_text)
    arguments(parser)
    for old in old_names:
        alias = commands.add_parser(old, description=help_text)  # no help=: not listed
        arguments(alias)
        alias.set_defaults(**{commands.dest: name})
    return parser


def hide_aliases(parser: argparse.ArgumentParser) -> None:
    """Usage lines list a parser's sub-commands from its choices, old words included; give
    every sub-command list that has old words a usage of the standard verbs only."""
    for _path, sub in walk(parser):
        commands = subcommands_action(sub)
        if commands is not None and any(is_alias(commands, n) for n in commands.choices):
            commands.metavar = "{" + ",".join(verbs(sub)) + "}"


def walk(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every parser under ``parser`` (itself first) with the words that reach it, old words
    left out."""
    yield path, parser
    for name, sub in verbs(parser).items():
        yield from walk(sub, (*path, name))
