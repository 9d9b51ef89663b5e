"""Importing a file of accounts, contacts, opportunities, tasks or activities.

The engine is in `engine`; each kind in `kinds` (accounts, contacts, tasks, activities) and `deals`
(opportunities); references to accounts in `references`.

Matching, so that importing a file twice creates nothing the second time: a row with an
external id matches the record with that external id; a row without one matches on its
natural key (accounts: name; contacts and opportunities: account and name; tasks: title,
account, opportunity and due date; activities: text, account, kind, date and time), ignoring
case. A matched record is skipped, or updated
with --upsert. A row that matches a record created from an earlier row of the same file is
a duplicate, and is rejected.
"""

import sqlite3

from colibri_cli.core import files
from colibri_cli.core.errors import InvalidInput
from colibri_cli.core.transfer import columns as cols
from colibri_cli.core.transfer.deals import OpportunityImporter
from colibri_cli.core.transfer.engine import Importer, Options, Rejection, Result
from colibri_cli.core.transfer.kinds import (
    AccountImporter,
    ActivityImporter,
    ContactImporter,
    TaskImporter,
)
from colibri_cli.core.transfer.sources import Source
from colibri_cli.i18n import _

__all__ = ["IMPORTERS", "Importer", "Options", "Rejection", "Result", "cols", "prepare"]

IMPORTERS = {
    importer.kind.name: importer
    for importer in (
        AccountImporter,
        ContactImporter,
        OpportunityImporter,
        TaskImporter,
        ActivityImporter,
    )
}


def prepare(conn: sqlite3.Connection, kind: str, source: Source, options: Options) -> Importer:
    """Read the columns and check the options against the file: refuse what cannot work
    before any row is read."""
    if options.rejects and not options.skip_invalid:
        raise InvalidInput(_("--rejects FILE goes with --skip-invalid: it keeps the skipped rows."))
    if options.rejects:
        files.refuse_dash(options.rejects)
        files.refuse_database(options.rejects, files.database_of(conn))
    importer = IMPORTERS[kind](conn, source, options)
    importer.defaults = importer.read_defaults()
    importer.check_required_columns()
    return importer
