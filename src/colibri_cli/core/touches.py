"""When a deal or an account was last touched: the day of its latest activity or of the
latest task done for it, as SQL expressions that listings select beside each row; and when
an open deal is stale: nothing touched it, not even a change, for `stale-days` days."""


def fresh_from(deal: str, day: str, stale_days: str) -> str:
    """SQL of the first day a touch keeps the deal `deal` (a table alias) fresh on `day`
    (SQL): one untouched since the day before has been so for its status's stale days, else
    `stale_days` (SQL: the setting's), and is stale."""
    days = f"coalesce((SELECT stale_days FROM statuses WHERE key = {deal}.status), {stale_days})"
    return f"date({day}, printf('-%d days', {days} - 1))"


def _latest(*days: str) -> str:
    """The latest of the days that subqueries give, NULL when none gives one (SQLite's
    max() of several values is NULL as soon as one is)."""
    known = ", ".join(f"coalesce({day}, '')" for day in days)
    return f"nullif(max({known}), '')"


def _deal_touches(deal: str, until: str | None) -> tuple[str, str]:
    """The day of the latest activity at the deal `deal` (a table alias) and that of the
    latest task done for it, on the day `until` (SQL) or before if it is given."""
    activities, tasks = (
        "" if until is None else f" AND happened_on <= {until}",
        "" if until is None else f" AND done_on <= {until}",
    )
    return (
        f"(SELECT max(happened_on) FROM activities WHERE opportunity_id = {deal}.id{activities})",
        f"(SELECT max(done_on) FROM tasks WHERE opportunity_id = {deal}.id{tasks})",
    )


def opportunity_last_touch(deal: str = "o") -> str:
    """The day of the latest activity at the deal `deal` (a table alias) or of the latest
    task done for it; NULL if there is none."""
    return _latest(*_deal_touches(deal, None))


def untouched_since(deal: str, since: str, until: str | None = None) -> str:
    """SQL true of the deal `deal` (a table alias) when nothing touched it on the day
    `since` (SQL) or after, up to the day `until` if given: no change (its `updated_at`,
    or its history's time of change as of a past day), no activity, no task done."""
    return f"{_latest(f'{deal}.updated_at', *_deal_touches(deal, until))} < {since}"


def account_last_touch(account: str = "a") -> str:
    """The day of the latest activity at the account `account` (a table alias; an activity
    at one of its deals is at it too), or of the latest task done for it or for one of its
    deals; NULL if there is none."""
    return _latest(
        f"(SELECT max(happened_on) FROM activities WHERE account_id = {account}.id)",
        f"(SELECT max(done_on) FROM tasks WHERE account_id = {account}.id)",
        "(SELECT max(t.done_on) FROM tasks AS t JOIN opportunities AS d ON d.id = t.opportunity_id"
        f" WHERE d.account_id = {account}.id)",
    )
