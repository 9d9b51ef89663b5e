"""`colibri task` and `colibri agenda`: what to do next, and when."""

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from colibri_cli.cli import completion
from colibri_cli.cli.context import database, delete_confirmed, interactive, lookups
from colibri_cli.cli.output import (
    FormatOption,
    OutputFormat,
    amount_cell,
    destination,
    due_cell,
    explain_overdue,
    is_stdout,
    moment,
    plural,
    print_no_next_step,
    print_sections,
    render_record,
    render_rows,
    say,
    stdout_console,
    task_due,
)
from colibri_cli.cli.params import (
    Yes,
    account_option,
    coming_day_option,
    contact_option,
    given,
    opportunity_option,
    past_day_option,
    search_option,
)
from colibri_cli.core import agenda as agenda_core
from colibri_cli.core import calendar, clock, inputs, opportunities, store, tasks
from colibri_cli.core.errors import InvalidInput
from colibri_cli.i18n import N_, Nc_, _, format_day, pgettext

if TYPE_CHECKING:
    from colibri_cli.cli import forms

app = typer.Typer(
    help="Tasks: the next thing to do for an account or a deal.", no_args_is_help=True
)

TaskId = Annotated[str, typer.Argument(metavar="TASK", help="Task id.")]
Due = coming_day_option(
    "--due", help="Due date, maybe with a time: 2027-01-15, tomorrow, friday 10:00, +2w…"
)
Opp = opportunity_option("Opportunity id it belongs to.")
Account = account_option()
Contact = contact_option("Contact id or name it is for (their account goes with it).")
Notes = Annotated[str | None, typer.Option(help="Free notes.")]
Every = Annotated[
    str | None,
    typer.Option(
        "--every",
        metavar="PERIOD",
        help="Repeat it: 1w, 2w, 1m, 1q, 1y (1s, 1 mois, 1 an…); done, the next one is due.",
    ),
]
REPEAT_MARK = "↻"
PERIODS = {
    "d": (N_("every day"), N_("every {count} days")),
    "w": (N_("every week"), N_("every {count} weeks")),
    "m": (N_("every month"), N_("every {count} months")),
    "q": (N_("every quarter"), N_("every {count} quarters")),
    "y": (N_("every year"), N_("every {count} years")),
}
"""How often a task repeats, in words, by the unit letter of its period: for one unit, and
for more (from 2 to `dates.LONGEST_PERIOD`, always plural)."""
UNIT_LETTERS = {
    "d": Nc_("period unit", "d"),
    "w": Nc_("period unit", "w"),
    "m": Nc_("period unit", "m"),
    "q": Nc_("period unit", "q"),
    "y": Nc_("period unit", "y"),
}
"""The unit letter of a period in a listing's compact mark: 1s, 10j in French."""


def period_text(period: str) -> str:
    """A period as `dates.parse_period` writes it ("2w") for people: "every 2 weeks"."""
    count = int(period[:-1])
    one, more = PERIODS[period[-1]]
    return _(one) if count == 1 else _(more).format(count=count)


def _due_and_period(row: dict) -> str:
    """The due cell of a listing, with "↻ 1w" after it for a task that repeats."""
    due = due_cell(row)
    if not row.get("every"):
        return due
    letter = pgettext("period unit", UNIT_LETTERS[row["every"][-1]])
    return f"{due} {REPEAT_MARK} {row['every'][:-1]}{letter}"


LIST_COLUMNS = (
    ("id", N_("ID")),
    ("due_date", N_("Due"), _due_and_period),
    ("title", N_("Task")),
    ("account_name", N_("Account")),
    ("opportunity_id", N_("Opp.")),
    ("done_on", N_("Done")),
)
CARD = (
    ("id", N_("ID")),
    ("title", N_("Task")),
    ("due_date", N_("Due"), task_due),
    ("every", N_("Repeats"), lambda row: period_text(row["every"]) if row["every"] else ""),
    ("account_name", N_("Account")),
    ("opportunity_name", N_("Opportunity")),
    ("contact_name", N_("Contact")),
    ("done_on", N_("Done on")),
    ("notes", N_("Notes")),
    ("created_at", N_("Created"), moment("created_at")),
    ("updated_at", N_("Updated"), moment("updated_at")),
)
SAVED = {
    "Added": N_("Added task {id}: {title}{where}{due}."),
    "Updated": N_("Updated task {id}: {title}{where}{due}."),
    "Snoozed": N_("Put off task {id}: {title}{where}{due}."),
    "Next": N_("Next: task {id}, {title}{where}{due}."),
}


def _described(task: dict) -> dict:
    """The parts of a task's one-line description: its title, account and due date."""
    due = _(", due {day}").format(day=task_due(task)) if task["due_date"] else ""
    if task.get("every"):
        due += f", {period_text(task['every'])}"
    where = f" ({task['account_name']})" if task["account_name"] else ""
    return {"title": task["title"], "where": where, "due": due}


def _saved(task: dict, verb: str, output: OutputFormat) -> None:
    say(_(SAVED[verb]).format(id=task["id"], **_described(task)))
    if output is not OutputFormat.table:
        render_record(task, output, fields=tasks.LISTED_COLUMNS, labels=CARD)


@app.command("add")
def add(
    ctx: typer.Context,
    title: Annotated[
        str | None, typer.Argument(metavar="TITLE", help="What to do; asked on a terminal.")
    ] = None,
    due: Due = None,
    opp: Opp = None,
    account: Account = None,
    contact: Contact = None,
    notes: Notes = None,
    every: Every = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Add a task, for an opportunity, an account or a contact, with an optional due date.

    With --every, the task repeats: when it is done, the next one is due a period after its
    due date (in whole periods from the first, until after the day it was done).

    On a terminal, a missing title is asked for, then the due date and what the task is
    for; in a script, it is an error (exit 2).

    Example: colibri task add "Send the revised quote" --opp 12 --due friday
    """
    from colibri_cli.cli import forms  # asks what is missing: only for a form

    form = forms.FormResult(given(title=title, due=due, opp=opp, account=account, contact=contact))
    if forms.form_wanted(ctx, title=title):
        with lookups() as conn:
            form = forms.task_form(conn, form.given)
            with store.rehearsal(conn):
                task, _account = _add(conn, form, notes, every)
        forms.confirm_creation(_("New task: {title}{where}{due}.").format(**_described(task)))
    with database(write=True) as conn:
        task, new_account = _add(conn, form, notes, every)
        if new_account:
            say(forms.account_added(new_account))
    _saved(task, "Added", output)


def _add(
    conn, form: "forms.FormResult", notes: str | None, every: str | None
) -> tuple[dict, dict | None]:
    """The task of the form, and the account made for it when the form chose a new one."""
    from colibri_cli.cli import forms

    new_account = forms.add_new_account(conn, form)
    fields = form.given
    due_date, due_time = inputs.read_optional_moment(conn, fields.get("due"), field="due date")
    task = tasks.add(
        conn,
        fields["title"],
        due=due_date,
        due_time=due_time,
        opportunity=fields.get("opp"),
        account=fields.get("account"),
        contact=fields.get("contact"),
        notes=notes,
        every=_period(every),
    )
    return task, new_account


def _period(text: str | None) -> str | None:
    return None if text is None else tasks.parse_period(text)


class View(StrEnum):
    open = "open"
    all = "all"
    done = "done"
    overdue = "overdue"
    today = "today"
    week = "week"


VIEW_NAMES = {
    View.open: Nc_("task view", "open"),
    View.all: Nc_("task view", "all"),
    View.done: Nc_("task view", "done"),
    View.overdue: Nc_("task view", "overdue"),
    View.today: Nc_("task view", "today"),
    View.week: Nc_("task view", "week"),
}
"""The views of `task list`, as "No tasks (week)." names them."""


def _view_name(view: View) -> str:
    return pgettext("task view", VIEW_NAMES[view])


@app.command("list")
def list_(
    all_: Annotated[bool, typer.Option("--all", help="Open and done tasks.")] = False,
    done: Annotated[bool, typer.Option("--done", help="Only done tasks.")] = False,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Open tasks due before today.")
    ] = False,
    today: Annotated[bool, typer.Option("--today", help="Open tasks due today.")] = False,
    week: Annotated[
        bool, typer.Option("--week", help="Open tasks due in the next 7 days.")
    ] = False,
    contact: contact_option("Only this contact's tasks.") = None,
    account: account_option("Only this account's tasks, its deals' included.") = None,
    opp: opportunity_option("Only this opportunity's tasks.") = None,
    search: search_option("Only those whose title or notes contain this.") = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """List tasks by due date: open ones unless told otherwise.

    Example: colibri task list --week --account ACME
    """
    chosen = [
        view
        for view, wanted in (
            (View.all, all_),
            (View.done, done),
            (View.overdue, overdue),
            (View.today, today),
            (View.week, week),
        )
        if wanted
    ]
    if len(chosen) > 1:
        raise typer.BadParameter(
            _("choose one of {options}, not several.").format(
                options=", ".join(f"--{view.value}" for view in chosen)
            )
        )
    view = chosen[0] if chosen else View.open
    if any(ref is not None for ref in (account, opp, search)):
        empty = _("No tasks ({view}) match these filters.").format(view=_view_name(view))
    elif contact is not None:
        empty = _("No tasks ({view}) for this contact.").format(view=_view_name(view))
    elif view is View.open:
        empty = _("No open tasks. Add one with: colibri task add TITLE --due DATE")
    else:
        empty = _("No tasks ({view}).").format(view=_view_name(view))
    with database(write=False) as conn:
        rows = tasks.list_tasks(
            conn, view.value, contact=contact, account=account, opportunity=opp, search=search
        )
        shown = render_rows(
            rows, output, fields=tasks.LISTED_COLUMNS, columns=LIST_COLUMNS, empty=empty
        )
    explain_overdue(shown)


@app.command("show")
def show(task: TaskId, output: FormatOption = OutputFormat.table) -> None:
    """Show a task.

    Example: colibri task show 7
    """
    with database(write=False) as conn:
        record = tasks.get(conn, task)
    render_record(record, output, fields=tasks.LISTED_COLUMNS, labels=CARD)


NEXT_DUE = N_("next task due date")
NextTitle = Annotated[
    str | None,
    typer.Option(
        "--next",
        help="Title of the next task for its deal (when none is left open, asked on a terminal).",
    ),
]
NextDue = coming_day_option("--next-due", help="Due date of the next task (default: in a week).")
NoNext = Annotated[
    bool, typer.Option("--no-next", help="Leave its deal without a next task, without asking.")
]


@app.command("done")
def done(
    task: TaskId,
    on: past_day_option("--on", help="When it was done, if not today.") = None,
    next_title: NextTitle = None,
    next_due: NextDue = None,
    no_next: NoNext = False,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Mark a task done (today, or --on DATE).

    When it was the last open task of an open deal, the deal has no next step: on a
    terminal, the next task is asked for (pre-filled: Enter three times schedules it); in a
    script, a line on stderr says so with the command that adds one. --next and
    --next-due add it without asking; --no-next leaves the deal without one.

    With --format json or csv, stdout has the tasks written: the one done, and the next.

    Example: colibri task done 7 --next "Call back about the quote" --next-due friday
    """
    if no_next and (next_title is not None or next_due is not None):
        raise typer.BadParameter(_("--no-next excludes --next and --next-due."))
    if next_title is not None and not next_title.strip():
        raise InvalidInput(_("The next task's title cannot be empty: give one, or pass --no-next."))
    with lookups() as conn:
        with store.rehearsal(conn):
            rehearsed, _following = tasks.mark_done(conn, task, _done_on(conn, on))
            deal = tasks.open_deal_of(conn, rehearsed)
        next_task = _next_task(conn, rehearsed, deal, next_title, next_due, no_next)
    with database(write=True) as conn:
        finished, following = tasks.mark_done(conn, task, _done_on(conn, on))
        created = next_task and _add_next_task(conn, next_task, deal)
    say(
        _("Done: task {id}, {title} ({day}).").format(
            id=finished["id"], title=finished["title"], day=format_day(finished["done_on"])
        )
    )
    if following:
        say(_(SAVED["Next"]).format(id=following["id"], **_described(following)))
    if created:
        say(_(SAVED["Added"]).format(id=created["id"], **_described(created)))
    elif deal and deal["without_next_step"] and not no_next:
        _suggest_next_task(deal)
    if output is not OutputFormat.table:
        written = [task for task in (finished, following, created) if task]
        render_rows(written, output, fields=tasks.LISTED_COLUMNS, columns=(), empty="")


def _add_next_task(conn, next_task: "forms.FollowUp", deal: dict) -> dict:
    due_date, due_time = inputs.read_moment(conn, next_task.due, field=NEXT_DUE)
    return tasks.add(conn, next_task.title, due=due_date, due_time=due_time, opportunity=deal["id"])


def _done_on(conn, on: str | None) -> dt.date | None:
    return inputs.read_date(conn, on, field="done date", past=True) if on else None


def _next_task(
    conn, task: dict, deal: dict | None, title: str | None, due: str | None, no_next: bool
) -> "forms.FollowUp | None":
    """The next task for the deal of the task done: as given, else asked on a terminal
    when the deal has none left open (the proposal pre-filled), else none."""
    given = title is not None or due is not None
    if deal is None:
        if given or no_next:
            raise InvalidInput(
                _(
                    "--next, --next-due and --no-next go with a task of an open deal;"
                    " task {id} is not."
                ).format(id=task["id"])
            )
        return None
    if not given and (no_next or not deal["without_next_step"] or not interactive()):
        return None
    from colibri_cli.cli import forms  # asks, or holds what was given: only then

    proposed_title, proposed_due = tasks.next_step_proposal(deal)
    due_text = (
        tasks.due_text(*inputs.read_moment(conn, due, field=NEXT_DUE))
        if due
        else proposed_due.isoformat()
    )
    if given:
        return forms.FollowUp((title or proposed_title).strip(), due_text)
    question = _("Schedule its next task now?")
    return forms.ask_follow_up(conn, proposed_title, due_text, question=question)


def _suggest_next_task(deal: dict) -> None:
    title, due = tasks.next_step_proposal(deal)
    say(
        _(
            "Opportunity {id} ({name}) has no open task left: no next step. Add one with: {command}"
        ).format(
            id=deal["id"],
            name=deal["name"],
            command=opportunities.follow_up_command(deal["id"], title, due),
        )
    )


@app.command("edit")
def edit(
    task: TaskId,
    title: Annotated[str | None, typer.Option(help="New title.")] = None,
    due: coming_day_option(
        "--due",
        help='New due date, maybe with a time (a date alone has none); "" or none removes it.',
    ) = None,
    opp: Opp = None,
    account: Account = None,
    contact: contact_option('Contact id or name it is for; "" unlinks it.') = None,
    notes: Notes = None,
    reopen: Annotated[bool, typer.Option("--reopen", help="Mark a done task open again.")] = False,
    every: Every = None,
    no_every: Annotated[
        bool, typer.Option("--no-every", help="Stop repeating it: this task is the last.")
    ] = False,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Change a task: title, due date, notes, links, how often it repeats; or reopen it.

    Example: colibri task edit 7 --due +1w
    """
    changes: dict[str, object] = {}
    if title is not None:
        changes["title"] = title
    if notes is not None:
        changes["notes"] = notes
    if opp is not None:
        changes["opportunity"] = opp
    if account is not None:
        changes["account"] = account
    if contact is not None:
        changes["contact"] = contact
    if reopen:
        changes["done_on"] = None
    if every is not None and no_every:
        raise typer.BadParameter(_("--no-every excludes --every."))
    if every is not None or no_every:
        changes["every"] = _period(every)
    if not changes and due is None:
        raise typer.BadParameter(_("give at least one change, e.g. --due +1w."))
    with database(write=True) as conn:
        if due is not None:
            changes["due_date"], changes["due_time"] = inputs.read_optional_moment(
                conn, due, field="due date"
            )
        updated = tasks.edit(conn, task, changes)
    _saved(updated, "Updated", output)


@app.command("snooze")
def snooze(
    task: TaskId,
    until: Annotated[
        str,
        typer.Argument(
            metavar="DATE",
            help="The day to do it instead, maybe with a time: +1w, monday 9:00, 15/12…",
            autocompletion=completion.coming_date_words,
        ),
    ],
    output: FormatOption = OutputFormat.table,
) -> None:
    """Put an open task off until another day.

    Example: colibri task snooze 7 +1w
    """
    with database(write=True) as conn:
        day, time_of_day = inputs.read_moment(conn, until, field=N_("snooze date"))
        updated = tasks.snooze(conn, task, day, time_of_day)
    _saved(updated, "Snoozed", output)


@app.command("delete")
def delete(
    task: TaskId,
    yes: Yes = False,
) -> None:
    """Delete a task.

    Example: colibri task delete 7 --yes
    """

    def find(conn):
        found = tasks.get(conn, task)
        return _("task {id}: {title}").format(id=found["id"], title=found["title"]), found["id"]

    what = delete_confirmed(find, tasks.delete, yes=yes)
    say(_("Deleted {what}.").format(what=what))


class ExportFormat(StrEnum):
    ics = "ics"


@app.command("export")
def export(
    export_format: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="ics: an iCalendar file (RFC 5545).")
    ] = ExportFormat.ics,
    output_file: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write; default: stdout.")
    ] = None,
) -> None:
    """Export open tasks with a due date to a calendar file that calendar apps open.

    Tasks done or deleted in the last 90 days come as cancelled events, so that importing
    the file again removes them from the calendar.

    Example: colibri task export --format ics -o ~/colibri-tasks.ics
    """
    with database(write=False) as conn:
        open_tasks = list(tasks.list_tasks(conn, "open"))
        gone = tasks.gone_lately(conn)
    stamp = clock.moment().astimezone(dt.UTC).replace(microsecond=0)
    text = calendar.to_ics(open_tasks, stamp=stamp, cancelled=gone)
    undated = sum(1 for task in open_tasks if not task["due_date"])
    with destination(output_file and output_file.expanduser()) as out:
        out.write(text)
    if not is_stdout(output_file):
        _say_written(len(open_tasks) - undated, len(gone), output_file)
    if undated:
        say(_("Left out {tasks} without a due date.").format(tasks=plural(undated, "open tasks")))


def _say_written(events: int, cancelled: int, path: Path) -> None:
    """What the calendar file holds: the tasks' events, and the cancelled ones if any."""
    tasks_written = plural(events, "tasks")
    if cancelled:
        say(
            _("Wrote {tasks} and {cancelled} to {path}.").format(
                tasks=tasks_written, cancelled=plural(cancelled, "cancelled events"), path=path
            )
        )
    else:
        say(_("Wrote {tasks} to {path}.").format(tasks=tasks_written, path=path))


KINDS = {"opportunity": N_("deal"), "task": N_("task")}
AGENDA_COLUMNS = (
    ("due_date", N_("Due"), due_cell),
    ("kind", N_("What"), lambda row: _(KINDS.get(row["kind"], row["kind"]))),
    ("id", N_("ID")),
    ("title", N_("Title")),
    ("account_name", N_("Account")),
    ("amount", N_("Amount"), amount_cell),
)
SECTION_TITLES = {"overdue": N_("Overdue"), "today": N_("Today")}


def agenda(
    days: Annotated[int, typer.Option(min=1, max=366, help="How many days ahead.")] = 7,
    output: FormatOption = OutputFormat.table,
) -> None:
    """What is overdue, due today and due soon: tasks and deals.

    Under them, the open deals without a next step (no open task) are counted; with
    --format json or csv they are listed, in the section no_next_step.

    Example: colibri agenda --days 14
    """
    with database(write=False) as conn:
        items = agenda_core.agenda(conn, days)
        if output is not OutputFormat.table:
            items += agenda_core.without_next_step(conn)
        else:
            stuck = agenda_core.totals_without_next_step(conn)
    if output is not OutputFormat.table:
        render_rows(items, output, fields=agenda_core.FIELDS, columns=(), empty="")
        return
    if not items:
        say(
            _("Nothing overdue or due in the next {days} ({today}).").format(
                days=plural(days, "days"), today=format_day(clock.today())
            )
        )
    else:
        _print_agenda(items, days)
    if stuck:
        print_no_next_step(stdout_console(), stuck)


def _print_agenda(items: list[dict], days: int) -> None:
    titles = {
        **{key: _(title) for key, title in SECTION_TITLES.items()},
        "upcoming": _("Next {days}").format(days=plural(days, "days")),
    }
    sections = [
        (titles[section], [item for item in items if item["section"] == section])
        for section in agenda_core.SECTIONS
    ]
    print_sections([(title, rows) for title, rows in sections if rows], AGENDA_COLUMNS)
    explain_overdue(items)
