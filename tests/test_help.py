"""Every command explains itself: a one-line summary and at least one example."""

import re

import pytest
from typer.main import get_command

from colibri_cli.cli import helptext
from colibri_cli.cli.app import COMMANDS, DAY_ORDER, app
from colibri_cli.i18n import _


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


@pytest.mark.parametrize(("path", "command"), ALL, ids=[" ".join(path) for path, _ in ALL])
def test_every_value_says_what_to_type(path, command, cli):
    """No Python type where a value goes (`--due <str>`), no argument in lower case."""
    shown = cli(*path, "--help").stdout
    assert not re.search(r"<(str|int|int range|path|float)>", shown), shown
    usage = shown.splitlines()[0]
    arguments = r"( (\[|\{)[A-Z|_-]+(\]|\}))*( COMMAND \[ARGS\]\.\.\.)?"
    assert re.fullmatch(r"Usage: colibri [a-z ]+ \[OPTIONS\]" + arguments, usage), usage


def test_the_values_of_a_deal_are_named_alike_in_every_command(cli):
    for command in ("create", "edit"):
        shown = cli("opp", command, "--help").stdout
        assert "--due DATE" in shown
        assert "--amount AMOUNT" in shown
        assert "-a, --account ACCOUNT" in shown
        assert "--probability PERCENT" in shown
    create = cli("opp", "create", "--help").stdout
    assert "-s, --status STATUS" in create
    assert create.startswith("Usage: colibri opp create [OPTIONS] [NAME]\n")
    assert "  NAME  What the deal is called." in create
    status = cli("opp", "status", "--help").stdout
    assert status.startswith("Usage: colibri opp status [OPTIONS] {OPP} {STATUS}\n")
    assert "--on DATE" in status
    assert "--follow-up-due DATE" in status
    assert "--days N " in cli("agenda", "--help").stdout
    assert "--output FILE " in cli("task", "export", "--help").stdout


def test_the_commands_are_listed_in_the_order_of_a_day(cli):
    listed = cli("--help").stdout.split("Commands:\n")[1].splitlines()
    names = [line.split()[0] for line in listed if line.startswith("  ")]
    assert names == list(DAY_ORDER)
    assert sorted(names) == sorted(get_command(app).commands)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_line_listed_for_a_command_is_the_first_sentence_of_its_help(monkeypatch, language):
    """`colibri --help` lists each command with its line in app.COMMANDS, not importing it:
    that line must be what the command itself would show, in each language."""
    monkeypatch.setenv("COLIBRI_LANG", language)
    root = get_command(app)
    for name, listed in COMMANDS.items():
        command = root.commands[name]
        helptext.translate(command)
        assert _(listed.summary) == command.get_short_help_str(limit=1000), name


@pytest.mark.parametrize("kind", ["accounts", "contacts", "opps", "tasks", "activities"])
def test_an_import_s_help_names_every_field_it_reads(kind, cli):
    from colibri_cli.core.transfer.columns import KINDS

    shown = " ".join(cli("import", kind, "--help").stdout.split())
    listed = set(re.findall(r"[a-z_]+", shown.split("Fields: ")[1].split(".")[0]))
    assert [field for field in KINDS[kind].fields if field not in listed] == []


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        (("pipeline",), "-b, --by <status|month|quarter|account>"),
        (("stats", "funnel"), "-b, --by <source|type|account|currency>"),
        (("forecast",), "-p, --period <month|quarter>"),
        (("forecast", "accuracy"), "-p, --period <month|quarter>"),
        (("opp", "list"), "--sort <due|amount|name|account|status|created|id>"),
        (("statuses", "add"), "--kind <open|won|lost|cancelled>"),
        (("statuses", "edit"), "--kind <open|won|lost|cancelled>"),
    ],
)
def test_an_option_that_takes_fixed_words_lists_them(cli, monkeypatch, path, shown):
    assert shown in cli(*path, "--help").stdout
    monkeypatch.setenv("COLIBRI_LANG", "fr")
    assert shown in cli(*path, "--help").stdout
