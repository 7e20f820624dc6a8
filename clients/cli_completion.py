"""`quantixctl completion bash|zsh`: a shell completion script generated from quantixctl's own
parser by shtab, so every topic, verb, flag and choice added to the parser completes without
a hand-written script to keep in step. Old verbs kept as hidden aliases are not offered."""

from __future__ import annotations

import argparse
from typing import Any

# The shells the script is made for; shtab writes others too, but these are the ones tested.
SHELLS = ("bash", "zsh")


def add_command(topics: Any) -> None:
    parser = topics.add_parser(
        "completion",
        help="print a shell completion script",
        description="Print a completion script for SHELL. Bash: "
        'eval "$(quantixctl completion bash)" in ~/.bashrc; zsh: '
        "quantixctl completion zsh > a directory on $fpath, named _quantixctl.",
    )
    parser.add_argument("shell", choices=SHELLS)


def script(parser: argparse.ArgumentParser, shell: str) -> str:
    """The completion script for ``shell`` (one of SHELLS), generated from ``parser``."""
    import shtab  # only this command needs it: every other command starts without it

    return shtab.complete(parser, shell=shell)
