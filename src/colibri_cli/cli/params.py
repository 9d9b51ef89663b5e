"""Parameters that several commands share, with their shell completion."""

from collections.abc import Iterable
from enum import StrEnum
from typing import Annotated, Any

import typer

from colibri_cli.cli import completion
from colibri_cli.i18n import _


def given(**options: str | None) -> dict[str, str]:
    """The options typed on the command line: one left out is None ("" means clear it)."""
    return {name: value for name, value in options.items() if value is not None}


def choices(name: str, words: Iterable[str]) -> type[StrEnum]:
    """The words an option takes, as an enum made from the core's own list of them: Typer
    then lists them in the help (`<month|quarter>`), completes them, and refuses any other
    in the one wording of every choice ("'week' is not one of 'month', 'quarter'")."""
    # The functional API makes a class; typeshed reads the call as a member's lookup.
    return StrEnum(name, [(word, word) for word in words])  # type: ignore[return-value]


def choice_info(words: Iterable[str], *flags: str, help: str) -> Any:
    """The Typer option (for `Annotated[str, …]`) that takes one of `words`, in any case (as
    `--format`), and gives the word: Typer's own choice of an enum of them, with its help,
    completion and refusal, without an enum class that no type checker could see."""
    click_type = typer.main.get_click_type(
        annotation=choices("Choice", words), parameter_info=typer.Option(case_sensitive=False)
    )
    return typer.Option(*flags, help=help, click_type=click_type)


def choice_option(words: type[StrEnum], *flags: str, help: str, optional: bool = False):
    """An option that takes one of `words`, in any case (as `--format`); left out, None if
    `optional`. (`choice_info` is its form for type-checked annotations.)"""
    kind = words | None if optional else words
    return Annotated[kind, typer.Option(*flags, help=help, case_sensitive=False)]


Yes = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]


def past_day_info(*flags: str, help: str) -> Any:
    """The Typer option (for `Annotated[str | None, …]`) of a day gone by (of a close, a task
    done, a report as it stood): completion offers no day to come."""
    return typer.Option(*flags, help=help, autocompletion=completion.past_date_words)


def past_day_option(*flags: str, help: str):
    """`past_day_info` as a whole annotation."""
    return Annotated[str | None, past_day_info(*flags, help=help)]


def coming_day_option(*flags: str, help: str):
    """A day to come (a due date, a follow-up's): completion offers no day gone by."""
    return Annotated[
        str | None, typer.Option(*flags, help=help, autocompletion=completion.coming_date_words)
    ]


def allow_duplicate_option(help: str):
    return Annotated[bool, typer.Option("--allow-duplicate", help=help)]


def account_argument(help: str = "Account id or name."):
    return Annotated[
        str, typer.Argument(metavar="ACCOUNT", help=help, autocompletion=completion.account_names)
    ]


def account_option(help: str = "Account id or name.", *, filtering: bool = False):
    """--account; `filtering` for a listing it narrows, where an empty one is refused."""
    return Annotated[
        str | None,
        typer.Option(
            "--account",
            "-a",
            help=help,
            autocompletion=completion.account_names,
            callback=given_filter if filtering else None,
        ),
    ]


def contact_argument(help: str = "Contact id or name."):
    return Annotated[
        str, typer.Argument(metavar="CONTACT", help=help, autocompletion=completion.contact_names)
    ]


def contact_option(help: str = "Contact id or name at the account."):
    return Annotated[
        str | None, typer.Option("--contact", help=help, autocompletion=completion.contact_names)
    ]


def opportunity_argument(help: str = "Opportunity id."):
    return Annotated[
        str, typer.Argument(metavar="OPP", help=help, autocompletion=completion.opportunity_ids)
    ]


def opportunity_option(help: str = "Opportunity id or name."):
    return Annotated[
        str | None,
        typer.Option("--opp", help=help, autocompletion=completion.opportunity_ids),
    ]


def status_argument(help: str = "Status: key, prefix or French name."):
    return Annotated[
        str, typer.Argument(metavar="STATUS", help=help, autocompletion=completion.status_names)
    ]


def search_option(help: str, *short: str):
    """--search TEXT (and its `short` name, if any); empty, it would select everything while
    its listing says "match these filters", so it is refused."""
    return Annotated[
        str | None, typer.Option("--search", *short, help=help, callback=_text_to_look_for)
    ]


def _text_to_look_for(value: str | None) -> str | None:
    if value is not None and not value.strip():
        raise typer.BadParameter(_("give some text to look for, or leave --search out."))
    return value


def given_filter(param: typer.CallbackParam, value: str | None) -> str | None:
    """The callback of a listing's filter (--tag, --account, --due-before…): empty, it would
    select everything, as if left out, so it is refused."""
    if value is not None and not value.strip():
        raise typer.BadParameter(
            _("give a value, or leave {option} out (empty, it would match everything).").format(
                option=param.opts[0]
            )
        )
    return value
