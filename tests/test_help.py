"""Every command explains itself: a one-line summary and at least one example."""

import pytest
from typer.main import get_command

from colibri_cli.cli.app import app


def commands(command=None, path=()):
    """(path, command) for every runnable command, groups with a callback of their own too."""
    command = command or get_command(app)
    subcommands = getattr(command, "commands", {})
    if path and (not subcommands or getattr(command, "invoke_without_command", False)):
        yield path, command
    for name, sub in subcommands.items():
        yield from commands(sub, (*path, name))


ALL = sorted(commands(), key=lambda item: item[0])


def test_every_command_is_found():
    names = {" ".join(path) for path, _ in ALL}
    assert {"account add", "opp create", "opp status", "forecast", "forecast accuracy"} <= names
    assert {"pipeline", "stats", "agenda", "demo", "task export", "target set"} <= names


@pytest.mark.parametrize(("path", "command"), ALL, ids=[" ".join(path) for path, _ in ALL])
def test_command_has_a_summary_and_an_example(path, command, cli):
    help_text = command.help or ""
    summary = help_text.strip().splitlines()[0] if help_text.strip() else ""
    assert summary.endswith("."), f"colibri {' '.join(path)} needs a one-line summary"
    assert f"Example: colibri {path[0]}" in help_text or "Example: colibri --db" in help_text, (
        f"colibri {' '.join(path)} needs an example in its help"
    )
    result = cli(*path, "--help")
    assert result.exit_code == 0, result.output
    assert summary in " ".join(result.stdout.split())
