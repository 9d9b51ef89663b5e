"""How the command line words the problems core tells apart by their code: core says them of
records and fields; here they get the command or the option that fixes them."""

from colibri_cli.core import accounts, activities, contacts, tasks
from colibri_cli.core.errors import ColibriError, Wording, worded
from colibri_cli.i18n import N_, Np_

WORDINGS: dict[str, Wording] = {
    tasks.Missing.code: N_("No task {ref!r}. See `colibri task list --all`."),
    tasks.SeriesWithoutDue.code: N_(
        "A task that repeats needs a due date to count from: give one with --due."
    ),
    activities.Missing.code: N_("No activity {ref!r}. See `colibri activity list`."),
    activities.ToCome.code: N_(
        "The activity date {day} is in the future: log it once it happened, "
        "or plan it with colibri task add."
    ),
    activities.WithoutAccount.code: N_(
        "Give --account, --opp or --contact: an activity is logged at an account."
    ),
    contacts.Namesake.code: N_(
        "{account} already has a contact {name!r} (id {id}): see colibri contact show "
        "{id}, or give --allow-duplicate to add another."
    ),
    contacts.DealsLeftBehind.code: N_(
        "{name} is the contact of opportunities {ids} at {account}: give them another "
        "contact first (colibri opp edit ID --contact …)."
    ),
    contacts.TasksLeftBehind.code: N_(
        "{name} is the contact of tasks {ids} at {account}: give them another contact "
        'first (colibri task edit ID --contact …, or --contact "").'
    ),
    accounts.HasDeals.code: Np_(
        "Account {name!r} has {count} opportunity (in the trash too): move it to "
        "another account first, or use --force to purge it with the account.",
        "Account {name!r} has {count} opportunities (in the trash too): move them to "
        "another account first, or use --force to purge them with the account.",
    ),
}


def said(problem: ColibriError) -> str:
    """What the command line says of `problem`."""
    return worded(problem, WORDINGS)
