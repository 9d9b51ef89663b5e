"""Help and usage errors in the language colibri speaks.

Typer builds the help from docstrings and `help=` texts, in English. When colibri speaks
French, `translate` rewrites that text in the command tree before it is shown (every
command's help and every parameter's), and gives each command a help formatter that
translates what Click writes itself ("Usage:", "Options", "[default: …]"). Click's usage
errors ("Missing option '--label'") are translated by `usage_error`.

The English texts are the msgids of the catalog: `help_texts` lists them, and `extract`
hands them to Babel (`pybabel extract`, configured in pyproject.toml) so that translators
see them with the messages of the code.
"""

import re
from collections.abc import Iterator

from typer._click import Command, Context
from typer._click.formatting import HelpFormatter

from colibri_cli.i18n import N_, _

CLICK_TEXTS = (
    N_("Usage: "),
    N_("{heading}:"),
    N_("Options"),
    N_("Arguments"),
    N_("Commands"),
    N_("Show this message and exit."),
    N_("default: {value}"),
    N_("required"),
)
"""What Click and Typer write around colibri's own help texts."""

USAGE_ERRORS = (
    (r"(?P<rest>.*) Did you mean (?P<names>.+)\?", N_("{rest} Did you mean {names}?")),
    (
        r"(?P<rest>.*) \(Possible options: (?P<options>.+)\)",
        N_("{rest} (possible options: {options})"),
    ),
    (r"Invalid value: (?P<reason>.+)", N_("Invalid value: {reason}")),
    (
        r"Invalid value for (?P<param>.+?): (?P<reason>.+)",
        N_("Invalid value for {param}: {reason}"),
    ),
    (r"Missing option (?P<param>.+)", N_("Missing option {param}")),
    (r"Missing argument (?P<param>.+)", N_("Missing argument {param}")),
    (r"Missing command", N_("Missing command")),
    (r"No such option: (?P<option>\S+)", N_("No such option: {option}")),
    (r"No such command (?P<name>.+?)\.?", N_("No such command {name}.")),
    (
        r"Got unexpected extra arguments?(?:\(s\))? (?P<args>\(.*\))",
        N_("Unexpected extra arguments {args}"),
    ),
    (
        r"(?P<value>.+) is not in the range (?P<range>.+?)\.?",
        N_("{value} is not in the range {range}"),
    ),
    (r"(?P<value>.+) is not one of (?P<choices>.+?)\.?", N_("{value} is not one of {choices}")),
    (r"(?P<value>.+) is not a valid int(?: range)?\.?", N_("{value} is not a whole number")),
)
"""Click's usage errors as colibri shows them (without the final "."), and their msgids."""


def _commands(command: Command, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple, Command]]:
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, (*path, name))


def help_texts(root: Command) -> Iterator[tuple[str, str]]:
    """(English text, where it is) for every help text of the command tree."""
    for path, command in _commands(root):
        where = " ".join(("colibri", *path))
        for text in (command.help, command.short_help, command.epilog):
            if text:
                yield text, where
        for param in command.params:
            if help_text := getattr(param, "help", None):
                yield help_text, f"{where} {param.opts[0] if param.opts else param.name}"


def translate(root: Command) -> None:
    """Rewrite the help texts of the command tree in the current language."""
    for _path, command in _commands(root):
        translate_command(command)


def translate_command(command: Command) -> None:
    """Rewrite the help texts of `command` alone (not of its sub-commands)."""
    for attribute in ("help", "short_help", "epilog"):
        text = getattr(command, attribute)
        if text:
            setattr(command, attribute, _(text))
    for param in command.params:
        if getattr(param, "help", None):
            param.help = _(param.help)
    command.context_class = TranslatedContext


def usage_error(message: str) -> str:
    """A usage error of Click's, translated where its form is known."""
    for pattern, msgid in USAGE_ERRORS:
        match = re.fullmatch(pattern, message, flags=re.DOTALL)
        if match:
            parts = {
                key: usage_error(value) if key in ("rest", "reason") else value
                for key, value in match.groupdict().items()
            }
            return _(msgid).format(**parts)
    return message


class TranslatedFormatter(HelpFormatter):
    """Click's help formatter, with its own words translated."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, _("Usage: ") if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{_('{heading}:').format(heading=_(heading))}\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(term, _describe(text)) for term, text in rows], col_max, col_spacing)


def _describe(text: str) -> str:
    """A parameter's description: the help text, then Typer's "  [default: x; required]"."""
    if not text:
        return text
    described, marker, extra = text.rpartition("  [")
    if not marker or not extra.endswith("]"):
        return _(text)
    notes = []
    for note in extra[:-1].split("; "):
        if note.startswith("default: "):
            notes.append(_("default: {value}").format(value=note.removeprefix("default: ")))
        else:
            notes.append(_(note))
    return f"{_(described)}  [{'; '.join(notes)}]"


class TranslatedContext(Context):
    formatter_class = TranslatedFormatter


def extract(fileobj, keywords, comment_tags, options):
    """A Babel extractor: the Python messages of the file, then every help text of colibri.

    Configured in pyproject.toml for cli/app.py, the module that assembles the commands.
    """
    from babel.messages.extract import extract_python
    from typer.main import get_command

    from colibri_cli.cli.app import app

    yield from extract_python(fileobj, keywords, comment_tags, options)
    for text, where in help_texts(get_command(app)):
        yield 0, None, text, [f"help of {where}"]
