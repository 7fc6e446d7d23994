"""The README's command list says what ``reportgen --help`` says.

The list under "## The commands" is the first thing a new analyst reads; a
command added, renamed or removed in the CLI must show there, and an option
the README offers must exist.
"""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from reportgen.cli import main

README = Path(__file__).resolve().parents[1] / "README.md"


def help_text(*args: str) -> str:
    result = CliRunner().invoke(main, [*args, "--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    return result.output


def commands_in_help() -> set[str]:
    listed = help_text().split("Commands:", 1)[1]
    return {m.group(1) for m in re.finditer(r"^  ([a-z-]+)\s", listed, re.MULTILINE)}


def readme_commands() -> dict[str, str]:
    """Each command in the README's list, with its usage (continuation lines joined)."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## The commands", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    usage: dict[str, str] = {}
    last = None
    for line in block.splitlines():
        if m := re.match(r"reportgen ([a-z-]+)(.*)", line):
            last = m.group(1)
            usage[last] = m.group(2)
        elif line.startswith(" ") and last is not None:
            usage[last] += " " + line.strip()
    return usage


def test_the_readme_lists_every_command_and_only_those() -> None:
    assert set(readme_commands()) == commands_in_help()


def test_every_option_the_readme_shows_exists() -> None:
    for command, usage in readme_commands().items():
        options = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", usage.split("#", 1)[0]))
        offered = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", help_text(command)))
        assert options <= offered, f"reportgen {command}: {sorted(options - offered)} not in --help"
