"""When a deal or an account was last touched: the day of its latest activity or of the
latest task done for it, as SQL expressions that listings select beside each row."""


def _latest(*days: str) -> str:
    """The latest of the days that subqueries give, NULL when none gives one (SQLite's
    max() of several values is NULL as soon as one is)."""
    known = ", ".join(f"coalesce({day}, '')" for day in days)
    return f"nullif(max({known}), '')"


def opportunity_last_touch(deal: str = "o") -> str:
    """The day of the latest activity at the deal `deal` (a table alias) or of the latest
    task done for it; NULL if there is none."""
    return _latest(
        f"(SELECT max(happened_on) FROM activities WHERE opportunity_id = {deal}.id)",
        f"(SELECT max(done_on) FROM tasks WHERE opportunity_id = {deal}.id)",
    )


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
