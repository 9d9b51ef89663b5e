"""A believable year of a solo salesperson's work, to explore colibri with.

The year is replayed day by day through the same functions the commands use, with the clock
pinned to each day, so the history (slipped due dates, changed amounts, closings and their
follow-ups) is what colibri would have recorded. It is seeded and relative to today: the
same day always gives the same database.
"""

import datetime as dt
import random
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field

from colibri_cli.core import (
    accounts,
    clock,
    contacts,
    opportunities,
    periods,
    settings,
    targets,
    tasks,
)
from colibri_cli.core.errors import Conflict
from colibri_cli.i18n import Np_, _, ngettext

SEED = 2026
TABLES = ("tasks", "opportunity_history", "opportunities", "contacts", "accounts", "targets")

ACCOUNTS = (
    ("Boulangerie Martin", "Food", "Paris", "France", "Jeanne Martin", "Owner"),
    ("ACME Industries", "Manufacturing", "Lyon", "France", "Paul Girard", "Purchasing manager"),
    ("Atelier Dubois", "Furniture", "Nantes", "France", "Claire Dubois", "Founder"),
    ("Clinique du Parc", "Healthcare", "Bordeaux", "France", "Dr Samir Haddad", "Director"),
    ("Hôtel Beau Rivage", "Hospitality", "Nice", "France", "Marco Rossi", "General manager"),
    ("Nordwind GmbH", "Logistics", "Hamburg", "Germany", "Anke Vogel", "Operations lead"),
    ("Pacific Trading Co.", "Import", "San Francisco", "USA", "Grace Lee", "Buyer"),
    ("Librairie des Halles", "Retail", "Lille", "France", "Louis Petit", "Manager"),
    ("Cabinet Leroy Avocats", "Legal", "Toulouse", "France", "Élise Leroy", "Partner"),
    ("Ferme Bio du Vercors", "Agriculture", "Grenoble", "France", "Thomas Roux", "Farmer"),
)
DEALS = (
    ("Website redesign", "new"),
    ("Maintenance contract", "renewal"),
    ("Online shop", "new"),
    ("Training day", "service"),
    ("Booking system", "new"),
    ("Hosting renewal", "renewal"),
    ("Mobile app", "new"),
    ("SEO audit", "service"),
    ("Support plan", "renewal"),
    ("Data migration", "service"),
)
AMOUNTS = (1_200, 2_500, 3_800, 4_800, 6_000, 8_500, 12_000, 15_000, 22_000, 30_000)
SOURCES = ("referral", "website", "trade fair", "existing customer", "cold call")
LOST_REASONS = ("price", "chose a competitor", "no budget", "Price", "timing")
CANCELLED_REASONS = ("project postponed", "budget frozen")


@dataclass(order=True)
class Event:
    day: dt.date
    order: int
    action: Callable[[sqlite3.Connection], object] = field(compare=False)  # result unused


# The English message has always said "1 accounts" (and scripts may match it): both forms
# are plural in English; translations use their own singular.
FOUND = {
    "accounts": Np_("{count} accounts", "{count} accounts"),
    "opportunities": Np_("{count} opportunities", "{count} opportunities"),
    "tasks": Np_("{count} tasks", "{count} tasks"),
    "contacts": Np_("{count} contacts", "{count} contacts"),
    "targets": Np_("{count} targets", "{count} targets"),
}


def _refuse_unless_replaceable(conn: sqlite3.Connection, found: dict[str, int], force: bool):
    names = [name for name, *_ in ACCOUNTS]
    marks = ", ".join("?" * len(names))
    own = conn.execute(
        f"SELECT count(*) FROM accounts WHERE name NOT IN ({marks})", names
    ).fetchone()[0]
    if own:
        raise Conflict(
            _(
                "This database has accounts the demo did not make ({what}): the demo never "
                "replaces them, even with --force. Choose another file with --db."
            ).format(what=ngettext(*FOUND["accounts"], own).format(count=own))
        )
    what = ", ".join(
        ngettext(*FOUND[table], count).format(count=count) for table, count in found.items()
    )
    if not force:
        raise Conflict(
            _(
                "This database already has data ({what}): the demo would replace it. "
                "Use --force to replace it, or choose another file with --db."
            ).format(what=what)
        )


def has_data(conn: sqlite3.Connection) -> dict[str, int]:
    counts = {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in FOUND}
    return {table: count for table, count in counts.items() if count}


def fill(conn: sqlite3.Connection, *, force: bool = False) -> dict[str, int]:
    """Replace the database's records with the demo year ending today (settings and
    statuses stay). A database with data is refused, unless all its accounts are the
    demo's and `force` is given: the demo never replaces a salesperson's own accounts."""
    found = has_data(conn)
    if found:
        _refuse_unless_replaceable(conn, found, force)
    for table in TABLES:
        conn.execute(f"DELETE FROM {table}")
    # A new start: ids count from 1 again, so that the same day gives the same database.
    marks = ", ".join("?" * len(TABLES))
    conn.execute(f"DELETE FROM sqlite_sequence WHERE name IN ({marks})", TABLES)
    today = clock.today()
    for number, event in enumerate(sorted(_events(today, random.Random(SEED)))):
        moment = dt.datetime.combine(event.day, dt.time(9)) + dt.timedelta(minutes=number)
        with clock.pinned(moment):
            event.action(conn)
    return {
        table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in (
            "accounts",
            "contacts",
            "opportunities",
            "opportunity_history",
            "tasks",
            "targets",
        )
    }


def _events(today: dt.date, rng: random.Random) -> list[Event]:
    start = today - dt.timedelta(days=365)
    events = [Event(start, 0, _accounts)]
    for number in range(60):
        created = start + dt.timedelta(days=7 + number * 6 + rng.randint(0, 4))
        if created > today:
            break
        events += _deal(number, created, today, rng)
    events += _tasks_around(today)
    events.append(Event(today, 10**6, _targets))
    return [event for event in events if event.day <= today]


def _accounts(conn: sqlite3.Connection) -> None:
    for name, industry, city, country, person, role in ACCOUNTS:
        domain = name.lower().split()[0].replace("ô", "o").replace("é", "e")
        accounts.add(
            conn,
            name,
            industry=industry,
            city=city,
            country=country,
            email=f"contact@{domain}.example",
        )
        contacts.add(
            conn, person, name, role=role, email=f"{person.split()[-1].lower()}@{domain}.example"
        )


def _deal(number: int, created: dt.date, today: dt.date, rng: random.Random) -> list[Event]:
    """One opportunity's life: created, perhaps slipped and re-priced, moved through the
    open stages, and closed if its day has come."""
    account = ACCOUNTS[rng.randrange(len(ACCOUNTS))][0]
    title, deal_type = DEALS[rng.randrange(len(DEALS))]
    amount = rng.choice(AMOUNTS)
    currency = "USD" if account == "Pacific Trading Co." else "EUR"
    due = created + dt.timedelta(days=rng.randint(25, 110))
    fields = {
        "name": f"{title} #{number + 1}",
        "account": account,
        "amount": str(amount),
        "currency": currency,
        "due_date": due.isoformat(),
        "status": "analysis",
        "type": deal_type,
        "source": rng.choice(SOURCES),
        "created_on": created.isoformat(),
    }
    events = [Event(created, 1, lambda conn: opportunities.create(conn, fields))]
    ref = str(number + 1)
    quote_day = created + dt.timedelta(days=rng.randint(5, 20))
    events.append(Event(quote_day, 2, _move(ref, "quote")))
    if rng.random() < 0.35:  # the customer pushed the date back
        slipped = due + dt.timedelta(days=rng.randint(14, 45))
        slip_day = min(due, quote_day + dt.timedelta(days=rng.randint(5, 30)))
        events.append(Event(slip_day, 3, _edit(ref, {"due_date": slipped.isoformat()})))
        due = slipped
    if rng.random() < 0.25:
        new_amount = max(500, amount + rng.choice((-1_000, 1_500, 3_000)))
        events.append(
            Event(quote_day + dt.timedelta(days=3), 4, _edit(ref, {"amount": str(new_amount)}))
        )
    if rng.random() < 0.6:
        events.append(
            Event(quote_day + dt.timedelta(days=rng.randint(7, 25)), 5, _move(ref, "negotiation"))
        )
    close_day = due + dt.timedelta(days=rng.randint(-12, 6))
    if close_day < today - dt.timedelta(days=3) and rng.random() < 0.9:
        outcome = rng.choices(("won", "lost", "cancelled"), (50, 35, 15))[0]
        reasons = {"won": (None,), "lost": LOST_REASONS, "cancelled": CANCELLED_REASONS}
        closed = max(close_day, quote_day + dt.timedelta(days=30))
        events.append(Event(closed, 6, _close(ref, outcome, rng.choice(reasons[outcome]))))
        follow_up_done = closed + dt.timedelta(days=rng.randint(80, 100))
        if follow_up_done < today - dt.timedelta(days=14) and rng.random() < 0.85:
            events.append(Event(follow_up_done, 8, _follow_up_done(ref)))
    return events


def _move(ref: str, status: str) -> Callable[[sqlite3.Connection], None]:
    def move(conn: sqlite3.Connection) -> None:
        if opportunities.get(conn, ref)["status_kind"] == "open":
            opportunities.change_status(conn, ref, status)

    return move


def _edit(ref: str, changes: dict) -> Callable[[sqlite3.Connection], None]:
    def edit(conn: sqlite3.Connection) -> None:
        if opportunities.get(conn, ref)["status_kind"] == "open":
            opportunities.edit(conn, ref, changes)

    return edit


def _close(ref: str, outcome: str, reason: str | None) -> Callable[[sqlite3.Connection], None]:
    """Close, and schedule the follow-up as colibri proposes it: the habit the demo shows."""

    def close(conn: sqlite3.Connection) -> None:
        plan = opportunities.plan_status_change(conn, ref, outcome)
        assert plan.follow_up_title is not None  # a close always proposes one
        opportunities.change_status(conn, ref, outcome, reason=reason)
        tasks.add(conn, plan.follow_up_title, due=plan.follow_up_due, opportunity=ref)

    return close


def _follow_up_done(ref: str) -> Callable[[sqlite3.Connection], None]:
    def done(conn: sqlite3.Connection) -> None:
        for task in list(tasks.list_tasks(conn, "open")):
            if task["opportunity_id"] == int(ref):
                tasks.mark_done(conn, task["id"])

    return done


def _tasks_around(today: dt.date) -> list[Event]:
    """A few tasks of the kind a week holds: one overdue, some today and this week."""
    planned = (
        (-9, "Send the revised quote", "ACME Industries", -2),
        (-6, "Call back about the booking system", "Hôtel Beau Rivage", 0),
        (-4, "Prepare the training material", "Clinique du Parc", 3),
        (-2, "Invoice the maintenance contract", "Boulangerie Martin", 0),
        (-1, "Visit the new warehouse", "Nordwind GmbH", 6),
        (-1, "Christmas cards to the best customers", None, 20),
    )
    return [
        Event(
            today + dt.timedelta(days=written),
            7,
            _task(title, account, today + dt.timedelta(days=due)),
        )
        for written, title, account, due in planned
    ]


def _task(title: str, account: str | None, due: dt.date) -> Callable[[sqlite3.Connection], object]:
    return lambda conn: tasks.add(conn, title, account=account, due=due)


def _targets(conn: sqlite3.Connection) -> None:
    """A target for this quarter and the next, and for each month of this quarter."""
    fiscal_start = settings.number(conn, "fiscal-year-start")
    quarter = periods.containing(clock.today(), "quarter", fiscal_start)
    for period in (quarter, periods.following(quarter, 1, fiscal_start)):
        targets.set_target(conn, period.label, "45000", "EUR")
    for month in quarter.months():
        targets.set_target(conn, month, "15000", "EUR")
