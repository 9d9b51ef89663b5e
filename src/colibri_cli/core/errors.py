"""The one exception family of colibri; each kind carries its documented exit code.

Exit codes: 0 ok, 1 error, 2 invalid input or usage, 3 not found, 4 conflict,
5 database problem. The CLI prints the message as one line on stderr.
"""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from colibri_cli.i18n import _, format_day, ngettext


class ColibriError(Exception):
    """A failure the user can act on: the message says what is wrong and how to fix it."""

    exit_code = 1


class InvalidInput(ColibriError):
    exit_code = 2


class NotFound(ColibriError):
    exit_code = 3


class RecordMissing(NotFound):
    """No record of a kind has the id or name given. The message goes on to a did-you-mean or
    where to look; `said` is its first sentence alone, and `suggestions` the names it offers,
    for a form that offers to create the record instead."""

    def __init__(self, message: str, *, said: str, suggestions: list[str]):
        super().__init__(message)
        self.said = said
        self.suggestions = suggestions


class Conflict(ColibriError):
    exit_code = 4


class DatabaseProblem(ColibriError):
    exit_code = 5


# Opportunities' rules: told apart by their class, each with the values its message names.


class UnknownStatus(InvalidInput):
    """No status is named `text`."""

    def __init__(self, message: str, *, text: str):
        super().__init__(message)
        self.text = text


class DayInFuture(InvalidInput):
    """A day that has to have come (a creation or closing date, `field`) is `day` (ISO), to
    come; `text` is what was typed, where the day was typed."""

    def __init__(self, message: str, *, field: str, day: str, text: str | None = None):
        super().__init__(message)
        self.field, self.text, self.day = field, text, day


class ClosedBeforeCreated(InvalidInput):
    """A deal cannot close on `closed_on`, before the day it was created, `created_on`."""

    def __init__(self, message: str, *, closed_on: str, created_on: str):
        super().__init__(message)
        self.closed_on, self.created_on = closed_on, created_on


class OutOfPlace(InvalidInput):
    """A field given where it does not go: `field` (closed_on, probability) with a status
    of the other side (`kind`: open, or a close); the CLI names the option instead."""

    def __init__(self, message: str, *, field: str, kind: str):
        super().__init__(message)
        self.field, self.kind = field, kind


class OpenNamesake(Conflict):
    """A new deal has the name of an open one at its account: opportunity `id`, named
    `name` at `account`."""

    def __init__(self, message: str, *, id: int, name: str, account: str):
        super().__init__(message)
        self.id, self.name, self.account = id, name, account


Wording = str | tuple[str, str]
"""A message to translate and fill with a problem's parameters: one msgid, or the singular
and the plural one, chosen by the parameter `count`."""


class Told(ColibriError):
    """A problem told apart by its `code`, with the `params` it is worded with: core says it
    of records and fields (its message); a face words it its own way (`worded`), the command
    line with the option or command that fixes it. Subclasses are of the family's kinds too
    (`class Missing(Told, NotFound)`), for their exit code."""

    code = ""

    def __init__(self, message: Wording, **params: Any) -> None:
        self.params = params
        super().__init__(self.words(message))

    def words(self, message: Wording) -> str:
        """`message` translated, filled with the parameters (a date as people read it)."""
        text = _(message) if isinstance(message, str) else ngettext(*message, self.params["count"])
        shown = {
            name: format_day(value) if isinstance(value, dt.date) else value
            for name, value in self.params.items()
        }
        return text.format(**shown)


def worded(problem: ColibriError, wordings: Mapping[str, Wording]) -> str:
    """What a face says of `problem`: its wording of the problem's code, else core's message."""
    if isinstance(problem, Told) and problem.code in wordings:
        return problem.words(wordings[problem.code])
    return str(problem)
