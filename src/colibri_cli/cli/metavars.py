"""What the help shows after an option or in place of an argument: what to type there.

Click would show the value's Python type (`--due <str>`, `--days <int range>`), which tells a
salesperson nothing. One table names each value by what it is, so that `--due DATE` reads the
same in every command; a value the table does not know is named after its option
(`--city CITY`). A metavar given where the parameter is declared (`FILE|-`) is kept.
"""

from typer._click.core import Command, Parameter
from typer._click.types import IntParamType
from typer.core import TyperGroup

DATE = "DATE"

BY_OPTION = {
    "--due": DATE,
    "--on": DATE,
    "--since": DATE,
    "--until": DATE,
    "--as-of": DATE,
    "--from": DATE,
    "--created-on": DATE,
    "--closed-on": DATE,
    "--follow-up-due": DATE,
    "--next-due": DATE,
    "--due-before": DATE,
    "--due-after": DATE,
    "--account": "ACCOUNT",
    "--contact": "CONTACT",
    "--opp": "OPP",
    "--status": "STATUS",
    "--amount": "AMOUNT",
    "--probability": "PERCENT",
    "--currency": "CURRENCY",
    "--duration": "DURATION",
    "--follow-up": "TITLE",
    "--next": "TITLE",
    "--output": "FILE",
    "--external-id": "ID",
    "--search": "TEXT",
    "--notes": "TEXT",
    "--description": "TEXT",
    "--position": "N",
    "--renew": "PERIOD",
}
"""By option: what its value is. Options with a count (`--days`, `--last`) are N."""


def name_the_values(command: Command) -> None:
    """Give every parameter of `command` and its sub-commands a metavar that says what to type."""
    for parameter in command.params:
        _name(parameter)
    if isinstance(command, TyperGroup):
        for sub_command in command.commands.values():
            name_the_values(sub_command)


def _name(parameter: Parameter) -> None:
    if parameter.metavar is not None or getattr(parameter, "is_flag", False):
        return
    if parameter.param_type_name == "argument":
        parameter.metavar = (parameter.name or "").upper()
        return
    if getattr(parameter.type, "choices", None):
        return  # Click lists the choices: <table|csv|json>
    longest = max(parameter.opts, key=len)
    if longest in BY_OPTION:
        parameter.metavar = BY_OPTION[longest]
    elif isinstance(parameter.type, IntParamType):
        parameter.metavar = "N"
    else:
        parameter.metavar = longest.lstrip("-").upper()
