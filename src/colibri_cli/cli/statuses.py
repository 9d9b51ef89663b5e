"""`colibri statuses`: the stages an opportunity goes through."""

from typing import Annotated

import typer

from colibri_cli.cli.context import database, delete_confirmed
from colibri_cli.cli.output import FormatOption, OutputFormat, render_rows, say
from colibri_cli.cli.params import Yes
from colibri_cli.core import statuses
from colibri_cli.i18n import N_, _

app = typer.Typer(help="Statuses: the stages of an opportunity.", no_args_is_help=True)

StatusKey = Annotated[str, typer.Argument(metavar="KEY", help="Status key, e.g. quote.")]
Probability = Annotated[
    int | None, typer.Option(min=0, max=100, help="Default probability in %, 0 to 100.")
]
Kind = Annotated[str | None, typer.Option(help="open, won, lost or cancelled.")]
COLUMNS = (
    ("position", "#"),
    ("key", N_("Key")),
    ("label", N_("Label"), lambda row: statuses.display_label(row["key"], row["label"])),
    ("probability", N_("Prob."), lambda row: f"{row['probability']}%"),
    ("kind", N_("Kind")),
)


def _line(status: dict) -> str:
    label = statuses.display_label(status["key"], status["label"])
    return f"{status['key']} ({label}, {status['probability']}%, {status['kind']})"


@app.command("list")
def list_(output: FormatOption = OutputFormat.table) -> None:
    """List statuses in pipeline order, with their default probability and kind.

    Example: colibri statuses list
    """
    with database(write=False) as conn:
        rows = statuses.list_statuses(conn)
    render_rows(rows, output, fields=statuses.COLUMNS, columns=COLUMNS, empty=_("No statuses."))


@app.command("add")
def add(
    key: StatusKey,
    label: Annotated[str, typer.Option(help="The name shown in tables.")],
    probability: Annotated[
        int, typer.Option(min=0, max=100, help="Default probability in %, 0 to 100.")
    ],
    kind: Annotated[str, typer.Option(help="open, won, lost or cancelled.")] = "open",
) -> None:
    """Add a stage, placed last.

    Example: colibri statuses add proposal --label "Proposal sent" --probability 50
    """
    with database(write=True) as conn:
        status = statuses.add(conn, key, label, probability, kind)
    say(_("Added status {status}.").format(status=_line(status)))


@app.command("edit")
def edit(
    key: StatusKey,
    label: Annotated[str | None, typer.Option(help="New label (renames the stage).")] = None,
    probability: Probability = None,
    kind: Kind = None,
    position: Annotated[
        int | None, typer.Option(help="Place in the pipeline order, 1 first; the others make room.")
    ] = None,
) -> None:
    """Rename a stage, change its probability, kind (if unused) or place.

    Example: colibri statuses edit quote --label "Proposal sent" --probability 50
    """
    if label is None and probability is None and kind is None and position is None:
        raise typer.BadParameter(_("give at least one change, e.g. --probability 50."))
    with database(write=True) as conn:
        status = statuses.edit(
            conn, key, label=label, probability=probability, kind=kind, position=position
        )
    say(_("Updated status {status}.").format(status=_line(status)))


@app.command("delete")
def delete(
    key: StatusKey,
    yes: Yes = False,
) -> None:
    """Remove a stage that no opportunity uses, now or in its history.

    Example: colibri statuses delete proposal --yes
    """

    def find(conn):
        status = _line(statuses.ensure_removable(conn, key))
        return _("status {status}").format(status=status), key

    what = delete_confirmed(find, statuses.delete, yes=yes, question=N_("Remove {what}?"))
    say(_("Removed {what}.").format(what=what))
