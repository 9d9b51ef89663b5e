"""Shell completion of account and contact names, opportunity ids, statuses, an activity's
kind and date keywords (the options of a few fixed words, `--by`, `--period`, `--sort`, are
enums: Click completes them).

Completion runs on every Tab: it reads an existing database only (never creates one) and
never fails loudly — a problem simply means no suggestions. What it offers reaches the
command line quoted as each shell needs (`Boulangerie\\ Martin` in bash).
"""

import contextlib
import os
import re
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path

import typer
from typer._click.shell_completion import add_completion_class
from typer._completion_classes import BashComplete, ZshComplete

from colibri_cli import i18n
from colibri_cli.cli import context
from colibri_cli.core import store, suggestions
from colibri_cli.core.errors import ColibriError


def _database(ctx: typer.Context) -> Path:
    return store.database_path(ctx.find_root().params.get("db"))


def _suggest(ctx: typer.Context, find: Callable[[sqlite3.Connection], list]) -> list:
    try:  # no database, or a path that cannot be one: no suggestions
        with store.session(_database(ctx), write=False) as conn:
            context.follow(store.spoken(conn))  # a status's French name, in French
            return find(conn)
    except (ColibriError, sqlite3.Error):
        return []


def account_names(ctx: typer.Context, incomplete: str) -> list[str]:
    return _suggest(ctx, lambda conn: suggestions.names(conn, "accounts", incomplete))


def contact_names(ctx: typer.Context, incomplete: str) -> list[str]:
    return _suggest(ctx, lambda conn: suggestions.names(conn, "contacts", incomplete))


def opportunity_ids(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    return _suggest(ctx, lambda conn: suggestions.opportunities(conn, incomplete))


def status_keys(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    return _suggest(ctx, lambda conn: suggestions.statuses(conn, incomplete))


def status_names(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Where a status is read by any of its names: its key, and its French name in French."""
    return _suggest(ctx, lambda conn: suggestions.statuses(conn, incomplete, names=True))


def words(choices: Iterable[str]) -> Callable[[str], list[str]]:
    """Completion of the words of `choices` where more are read (an activity's kind: `appel`
    too), so that they cannot be an enum."""
    listed = tuple(choices)

    def complete(incomplete: str) -> list[str]:
        return [word for word in listed if word.startswith(incomplete)]

    return complete


def date_words(ctx: typer.Context, incomplete: str) -> list[str]:
    """Date keywords (today, eom, friday…), in French too when colibri speaks French."""
    return suggestions.date_words(_language(ctx), incomplete)


def coming_date_words(ctx: typer.Context, incomplete: str) -> list[str]:
    """Date keywords for a day to come (a due date, a snooze): none before today."""
    return suggestions.date_words(_language(ctx), incomplete, past=False)


def past_date_words(ctx: typer.Context, incomplete: str) -> list[str]:
    """Date keywords for a day that can only be past (a close, a task done, an activity,
    `--as-of`): none after today."""
    return suggestions.date_words(_language(ctx), incomplete, coming=False)


def _language(ctx: typer.Context) -> str:
    """The language of the database completion reads: at start-up, `colibri` came alone on
    the command line (the words being completed are in COMP_WORDS), so none was read."""
    if not i18n.forced():
        with contextlib.suppress(ColibriError):  # a bad --db: the environment's language
            i18n.use_setting(store.peek_language(_database(ctx)))
    return i18n.language()


def quote_for_shells() -> None:
    """Have bash and zsh receive completions quoted (Typer's classes, registered as the
    command starts, hand bash raw values and zsh values that lose their quotes). Fish quotes
    what it inserts itself."""
    add_completion_class(QuotingBashComplete, "bash")
    add_completion_class(QuotingZshComplete, "zsh")


_BASH_SPECIAL = frozenset(" \t\n\"'\\$`&|;<>()[]{}*?!~#=:^")


class QuotingBashComplete(BashComplete):
    """Bash puts each completion on the line as it is: a name with a space would become two
    arguments. So each is written as bash reads it, inside the quote the word opens, if any
    (`"Boul` → `"Boulangerie Martin"`, `Boul` → `Boulangerie\\ Martin`)."""

    def complete(self) -> str:
        self.open_quote = _open_quote(os.environ["COMP_WORDS"], int(os.environ["COMP_CWORD"]))
        return super().complete()

    def format_completion(self, item) -> str:
        value = item.value
        if self.open_quote == '"':
            return _in_double_quotes(value)
        if self.open_quote == "'":
            return _in_single_quotes(value)
        return "".join("\\" + char if char in _BASH_SPECIAL else char for char in value)


def _open_quote(line: str, word: int) -> str:
    """The quote (`"` or `'`) that word number `word` of `line` opens and leaves open."""
    import shlex  # on Tab only: `colibri --help` does without it

    lexer = shlex.shlex(line, posix=True)
    lexer.whitespace_split, lexer.commenters = True, ""
    read = 0
    try:
        for _ in lexer:
            read += 1
    except ValueError:  # the line ends inside a quote, or after a lone backslash
        # typeshed leaves out shlex's `state`, the quote it is inside.
        quote = lexer.state  # type: ignore[attr-defined]
        if read == word and quote in ('"', "'"):
            return quote
    return ""


class QuotingZshComplete(ZshComplete):
    """Zsh evaluates `_arguments '*: :(("value":"help"))'`: each value and help goes inside
    double quotes, inside single quotes. Typer doubles quotes there, which zsh reads as
    two strings side by side: `L'Atelier` came back as `LAtelier`."""

    def format_completion(self, item) -> str:
        # _arguments reads a value's backslashes once more: `\\:` is a colon of the name,
        # not the one before the help.
        value = _zsh_quoted(re.sub(r"([\\:])", r"\\\1", item.value))
        if not item.help:
            return f'"{value}"'
        return f'"{value}":"{_zsh_quoted(item.help)}"'


def _zsh_quoted(text: str) -> str:
    return _in_single_quotes(_in_double_quotes(text))


def _in_double_quotes(text: str) -> str:
    """`text` written to be read inside double quotes."""
    return re.sub(r'(["\\$`])', r"\\\1", text)


def _in_single_quotes(text: str) -> str:
    """`text` written to be read inside single quotes: each ' ends them, is escaped, and
    opens them again."""
    return text.replace("'", "'\\''")
