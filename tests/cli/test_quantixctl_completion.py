"""`quantixctl completion bash|zsh` as a user installs it: the script printed by a real
quantixctl process, checked by the real shells, and bash's completion function called the way
bash calls it on Tab."""

import shlex
import subprocess

import pytest

from tests.cli.test_quantixctl import quantixctl


def script(shell: str) -> str:
    result = quantixctl("completion", shell)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def bash_script(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("completion") / "quantixctl.bash"
    path.write_text(script("bash"))
    return str(path)


def bash(source: str, body: str) -> str:
    result = subprocess.run(
        ["bash", "-c", f"source {shlex.quote(source)}\n{body}"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def offered(source: str, line: str) -> list[str]:
    """What Tab offers after ``line``: the function `complete -p quantixctl` names, called with
    COMP_WORDS, COMP_CWORD, COMP_LINE and COMP_POINT set as bash sets them."""
    words = line.split() + ([""] if line.endswith(" ") else [])
    body = f"""
        function=$(complete -p quantixctl | sed -E 's/.*-F ([^ ]+) .*/\\1/')
        COMP_WORDS=({" ".join(shlex.quote(w) for w in words)})
        COMP_CWORD={len(words) - 1}
        COMP_LINE={shlex.quote(line)}
        COMP_POINT=${{#COMP_LINE}}
        COMPREPLY=()
        "$function" quantixctl "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
        printf '%s\\n' "${{COMPREPLY[@]}}"
    """
    return bash(source, body).split()


def test_bash_script_is_valid_and_registers_quantixctl(bash_script):
    checked = subprocess.run(
        ["bash", "-n", bash_script], capture_output=True, text=True, timeout=30
    )
    assert checked.returncode == 0, checked.stderr
    assert "quantixctl" in bash(bash_script, "complete -p quantixctl")


def test_bash_completes_topics_verbs_and_choices(bash_script):
    assert offered(bash_script, "quantixctl po") == ["pools"]
    assert offered(bash_script, "quantixctl j") == ["join-tokens"]
    assert {"list", "show", "create", "delete"} <= set(offered(bash_script, "quantixctl pools "))
    assert offered(bash_script, "quantixctl hosts list --output ") == ["table", "json", "yaml"]
    assert offered(bash_script, "quantixctl completion ") == ["bash", "zsh"]
    assert offered(bash_script, "quantixctl audit ") == ["list"]


def test_bash_does_not_offer_old_words(bash_script):
    hosts = offered(bash_script, "quantixctl hosts ")
    assert "delete" in hosts
    assert "remove" not in hosts


def test_zsh_script_is_valid(tmp_path):
    path = tmp_path / "_quantixctl"
    text = script("zsh")
    path.write_text(text)
    assert text.startswith("#compdef quantixctl")
    checked = subprocess.run(["zsh", "-n", str(path)], capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr


def test_an_unknown_shell_is_refused_naming_the_argument():
    result = quantixctl("completion", "fish")
    assert result.returncode == 2
    assert "argument shell: invalid choice: 'fish'" in result.stderr
