"""Shell completion of account and contact names, opportunity ids and statuses.

Completion runs on every Tab: it reads an existing database only (never creates one) and
never fails loudly — a problem simply means no suggestions.
"""

import sqlite3
from collections.abc import Callable

import typer

from colibri_cli.core import store, suggestions
from colibri_cli.core.errors import ColibriError


def _suggest(ctx: typer.Context, find: Callable[[sqlite3.Connection], list]) -> list:
    try:  # no database, or a path that cannot be one: no suggestions
        path = store.database_path(ctx.find_root().params.get("db"))
        with store.session(path, write=False) as conn:
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
