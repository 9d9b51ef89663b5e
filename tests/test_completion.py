"""Shell completion: a real bash completes a name with spaces to one argument that runs; what
bash, zsh and fish receive on Tab (names quoted as each needs); the words options and
arguments take (`--by`, `--period`, `--sort`, kinds, status keys, date keywords).

Bash gets COMP_WORDS (the words as typed, the last one being completed) and puts each line
of the answer on the command line as it is; zsh evaluates its answer; fish gets one
`value<TAB>help` line per suggestion and quotes what it inserts itself.
"""

import datetime as dt
import json
import os
import sys
from pathlib import Path

import pexpect
import pytest

from colibri_cli.cli.app import DAY_ORDER
from colibri_cli.core import dates
from colibri_cli.core.suggestions import DATE_WORDS
from conftest import TERMINAL_TIMEOUT

DEAL = ("--amount", "5000", "--due", "2027-01-31", "--status", "quote")
NAMES = ("Boulangerie Martin", "L'Atelier: Paris", 'Café "Le Zinc" $5')


@pytest.fixture
def accounts(ok, empty_db):
    for name in NAMES:
        ok("account", "add", name)


def bash(cli, *words: str, env: dict | None = None) -> list[str]:
    """What bash receives on Tab after `words`, the last being the one completed."""
    result = cli(
        env={
            "_COLIBRI_COMPLETE": "complete_bash",
            "COMP_WORDS": " ".join(words),
            "COMP_CWORD": str(len(words) - 1),
            **(env or {}),
        }
    )
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    return list(filter(None, result.stdout.split("\n")))  # nothing to offer: one "\n"


def zsh_or_fish(cli, shell: str, line: str, env: dict | None = None) -> str:
    """What zsh or fish receives on Tab at the end of `line`."""
    result = cli(
        env={
            "_COLIBRI_COMPLETE": f"complete_{shell}",
            "_TYPER_COMPLETE_ARGS": line,
            "_TYPER_COMPLETE_FISH_ACTION": "get-args",
            **(env or {}),
        }
    )
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    return result.stdout


PROMPT = "colibri-test$ "


@pytest.fixture
def shell(tmp_path):
    """An interactive bash (no rc file) that has sourced `colibri --show-completion`, with
    the venv's colibri first on PATH; every wait times out in 10 s."""
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "PS1": PROMPT,
        "TERM": "dumb",
        "HISTFILE": str(tmp_path / "history"),
    }
    child = pexpect.spawn(
        "bash", ["--norc", "--noprofile"], env=env, encoding="utf-8", timeout=TERMINAL_TIMEOUT
    )
    child.expect_exact(PROMPT)
    child.sendline("source <(colibri --show-completion)")
    child.expect_exact(PROMPT)
    yield child
    child.close(force=True)


def completed_then_run(shell, typed: str) -> tuple[str, str, str]:
    """Type `typed` and press Tab; then run the completed line. The line as completed, what
    the command printed, and its exit status."""
    shell.send(typed + "\t")
    shell.sendline("")  # read once the Tab is done with: the line echoed is the completed one
    shell.expect_exact(PROMPT)
    completed, _, printed = shell.before.partition("\r\n")
    shell.sendline("echo status=$?")
    shell.expect(r"status=(\d+)\r\n")
    status = shell.match.group(1)
    shell.expect_exact(PROMPT)
    return completed, printed, status


@pytest.mark.parametrize(
    ("typed", "completed", "name"),
    [
        ("colibri account show Boul", "colibri account show Boulangerie\\ Martin ", NAMES[0]),
        ('colibri account show "Boul', 'colibri account show "Boulangerie Martin" ', NAMES[0]),
        ("colibri account show L", "colibri account show L\\'Atelier\\:\\ Paris ", NAMES[1]),
        ("colibri account show 'L", "colibri account show 'L'\\''Atelier: Paris' ", NAMES[1]),
        (
            "colibri account show Caf",
            'colibri account show Café\\ \\"Le\\ Zinc\\"\\ \\$5 ',
            NAMES[2],
        ),
        ('colibri account show "Caf', 'colibri account show "Café \\"Le Zinc\\" \\$5" ', NAMES[2]),
    ],
)
def test_a_real_bash_completes_a_name_to_one_argument_that_runs(
    accounts, shell, typed, completed, name
):
    line, printed, status = completed_then_run(shell, typed)

    assert line == completed
    assert status == "0", printed
    assert f"Name     {name}\r\n" in printed


def test_a_real_bash_completes_a_french_date_keyword_that_the_command_reads(
    ok, rows, empty_db, shell
):
    ok("config", "set", "language", "fr")

    line, printed, status = completed_then_run(
        shell, "colibri task add Relancer --due fin\\ de\\ l"
    )

    assert line == "colibri task add Relancer --due fin\\ de\\ l\\'année "
    assert status == "0", printed
    assert rows("SELECT title, due_date FROM tasks") == [
        {"title": "Relancer", "due_date": "2026-12-31"}
    ]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Boul", ["Boulangerie\\ Martin"]),
        ("Boulangerie\\ M", ["Boulangerie\\ Martin"]),
        ('"Boulangerie M', ["Boulangerie Martin"]),
        ("L", ["L\\'Atelier\\:\\ Paris"]),
        ('"L', ["L'Atelier: Paris"]),
        ("'L", ["L'\\''Atelier: Paris"]),
        ("Caf", ['Café\\ \\"Le\\ Zinc\\"\\ \\$5']),
        ('"Caf', ['Café \\"Le Zinc\\" \\$5']),
        ("'Caf", ['Café "Le Zinc" $5']),
        ("Z", []),
    ],
)
def test_bash_receives_names_quoted_as_the_word_being_completed_is(cli, accounts, word, expected):
    assert bash(cli, "colibri", "account", "show", word) == expected


def test_a_quote_closed_before_the_word_being_completed_leaves_it_unquoted(cli, accounts):
    words = ("colibri", "opp", "create", '"Site web"', "--account", "Boul")

    assert bash(cli, *words) == ["Boulangerie\\ Martin"]


def test_contact_names_and_account_options_come_quoted_too(ok, cli, accounts):
    ok("contact", "add", "Jeanne d'Arc", "--account", "Boulangerie Martin")

    assert bash(cli, "colibri", "contact", "show", "Jea") == ["Jeanne\\ d\\'Arc"]
    assert bash(cli, "colibri", "contact", "list", "--account", "'Boul") == ["Boulangerie Martin"]
    assert bash(cli, "colibri", "opp", "create", "Site", "--contact", '"J') == ["Jeanne d'Arc"]


def test_zsh_receives_names_that_keep_their_quotes_colons_and_dollars(cli, accounts):
    assert zsh_or_fish(cli, "zsh", "colibri account show ") == (
        '_arguments \'*: :(("Boulangerie Martin"\n'
        '"Café \\"Le Zinc\\" \\$5"\n'
        "\"L'\\''Atelier\\\\: Paris\"))'\n"
    )


def test_zsh_receives_an_opportunity_id_with_its_name_as_help(ok, cli, accounts):
    ok("opp", "create", "Site l'été", *DEAL, "--account", "Boulangerie Martin")

    assert zsh_or_fish(cli, "zsh", "colibri opp show ") == (
        "_arguments '*: :((\"1\":\"Site l'\\''été (Boulangerie Martin)\"))'\n"
    )


def test_zsh_with_nothing_to_offer_falls_back_to_files(cli, accounts):
    assert zsh_or_fish(cli, "zsh", "colibri account show Z") == "_files\n"


def test_fish_receives_names_as_they_are_and_quotes_them_itself(ok, cli, accounts):
    ok("opp", "create", "Site web", *DEAL, "--account", "L'Atelier: Paris")

    assert zsh_or_fish(cli, "fish", "colibri account show ") == (
        'Boulangerie Martin\nCafé "Le Zinc" $5\nL\'Atelier: Paris\n'
    )
    assert zsh_or_fish(cli, "fish", "colibri opp show ") == "1\tSite web (L'Atelier: Paris)\n"


def test_command_names_complete_in_the_order_of_the_help_with_their_line(cli):
    assert bash(cli, "colibri", "") == list(DAY_ORDER)
    assert zsh_or_fish(cli, "zsh", "colibri a") == (
        '_arguments \'*: :(("agenda":"What is overdue, due today and due soon:..."\n'
        '"activity":"Activities: what happened with an account,..."\n'
        '"account":"Accounts: the companies you sell to."))\'\n'
    )
    assert zsh_or_fish(cli, "fish", "colibri co") == (
        "contact\tContacts: the people at your accounts.\n"
        "config\tSettings: currency, date order,...\n"
    )


def test_command_names_complete_in_french_too(cli):
    assert zsh_or_fish(cli, "fish", "colibri co", env={"COLIBRI_LANG": "fr"}) == (
        "contact\tContacts : les personnes de vos comptes.\n"
        "config\tRéglages : devise, ordre des dates,...\n"
    )


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (("--d",), ["--db"]),
        (("agenda", "--d"), ["--days"]),
        (("opp", "cr"), ["create"]),
        (("account", "list", "--s"), ["--search"]),
    ],
)
def test_the_options_and_sub_commands_of_a_command_complete(cli, words, expected):
    assert bash(cli, "colibri", *words) == expected


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (("pipeline", "--by", ""), ["status", "month", "quarter", "account"]),
        (("pipeline", "-b", "m"), ["month"]),
        (("stats", "funnel", "--by", ""), ["source", "type", "account", "currency"]),
        (("stats", "funnel", "--by", "c"), ["currency"]),
        (("forecast", "--period", ""), ["month", "quarter"]),
        (("forecast", "accuracy", "-p", "q"), ["quarter"]),
        (("opp", "list", "--sort", "a"), ["amount", "account"]),
        (("opp", "list", "--sort", "x"), []),
        (("log", ""), ["call", "email", "meeting", "note"]),
        (("activity", "list", "--kind", "m"), ["meeting"]),
        (("activity", "edit", "1", "--kind", ""), ["call", "email", "meeting", "note"]),
        (("statuses", "add", "relance", "--kind", ""), ["open", "won", "lost", "cancelled"]),
        (("statuses", "edit", "quote", "--kind", "c"), ["cancelled"]),
    ],
)
def test_options_complete_the_words_they_take(cli, empty_db, words, expected):
    assert bash(cli, "colibri", *words) == expected


def test_opp_list_sort_offers_every_sort(cli, empty_db):
    assert bash(cli, "colibri", "opp", "list", "--sort", "") == [
        "due",
        "amount",
        "name",
        "account",
        "status",
        "created",
        "id",
    ]


@pytest.mark.parametrize(
    "words",
    [
        ("opp", "list", "--status"),
        ("opp", "list", "-s"),
        ("opp", "create", "Site", "--status"),
        ("opp", "status", "1"),
        ("statuses", "edit"),
        ("statuses", "delete"),
    ],
)
def test_status_arguments_and_options_complete_the_keys_of_the_database(ok, cli, empty_db, words):
    ok("statuses", "add", "relance", "--label", "Relance", "--probability", "30")
    keys = [status["key"] for status in json.loads(ok("statuses", "list", "-f", "json").stdout)]

    assert bash(cli, "colibri", *words, "") == keys
    assert bash(cli, "colibri", *words, "rel") == ["relance"]


def test_in_french_a_deal_s_status_completes_by_its_french_name_too(ok, cli, empty_db):
    ok("config", "set", "language", "fr")

    assert bash(cli, "colibri", "opp", "status", "1", "g") == ["gagnée"]
    assert bash(cli, "colibri", "opp", "list", "--status", "n") == ["negotiation", "négociation"]
    assert bash(cli, "colibri", "statuses", "edit", "g") == []  # a key there, not a name
    ok("config", "set", "language", "en")
    assert bash(cli, "colibri", "opp", "status", "1", "g") == []


def test_a_new_status_key_is_not_completed(cli, empty_db):
    assert bash(cli, "colibri", "statuses", "add", "") == []


DATE_OPTIONS = [
    ("opp", "create", "Site", "--due"),
    ("opp", "create", "Site", "--follow-up-due"),
    ("opp", "list", "--due-before"),
    ("opp", "list", "--due-after"),
    ("opp", "edit", "1", "--due"),
    ("opp", "status", "1", "won", "--follow-up-due"),
    ("task", "add", "Rappeler", "--due"),
    ("task", "edit", "1", "--due"),
    ("activity", "list", "--since"),
    ("activity", "list", "--until"),
    ("statuses", "calibrate", "--since"),
    ("stats", "--since"),
    ("stats", "slippage", "--since"),
    ("stats", "slippage", "--until"),
    ("stats", "funnel", "--since"),
    ("stats", "funnel", "--until"),
    ("rate", "set", "USD", "0.92", "--on"),
]


@pytest.mark.parametrize("words", DATE_OPTIONS, ids=" ".join)
def test_every_date_option_completes_date_keywords(cli, empty_db, words):
    assert bash(cli, "colibri", *words, "t") == ["today", "tomorrow", "tuesday", "thursday"]
    assert bash(cli, "colibri", *words, "eo") == ["eow", "eom", "eoq", "eoy"]


COMING_DATE_OPTIONS = [
    ("opp", "create", "Site", "--due"),
    ("opp", "create", "Site", "--follow-up-due"),
    ("opp", "edit", "1", "--due"),
    ("opp", "status", "1", "won", "--follow-up-due"),
    ("task", "add", "Rappeler", "--due"),
    ("task", "edit", "1", "--due"),
    ("task", "done", "1", "--next-due"),
    ("task", "snooze", "1"),
]
"""Where a day to come is given: a due date, the day a task is put off until."""


@pytest.mark.parametrize("words", COMING_DATE_OPTIONS, ids=" ".join)
def test_a_day_to_come_is_not_offered_a_past_keyword(ok, cli, empty_db, words):
    assert bash(cli, "colibri", *words, "y") == []
    assert bash(cli, "colibri", *words, "") == [
        word.replace(" ", "\\ ") for word in DATE_WORDS["en"] if word != "yesterday"
    ]
    ok("config", "set", "language", "fr")
    assert bash(cli, "colibri", *words, "h") == []
    assert bash(cli, "colibri", *words, "de") == ["demain"]


PAST_DATE_OPTIONS = [
    ("log", "Appel", "--on"),
    ("pipeline", "--as-of"),
    ("forecast", "--as-of"),
    ("opp", "create", "Site", "--created-on"),
    ("opp", "create", "Site", "--closed-on"),
    ("opp", "edit", "1", "--created-on"),
    ("opp", "edit", "1", "--closed-on"),
    ("opp", "status", "1", "won", "--on"),
    ("task", "done", "1", "--on"),
    ("activity", "edit", "1", "--on"),
    ("stats", "--until"),
]
"""Where a day that can only be past is given: a close, a task done, an activity, a report
as it stood, a creation entered late."""


@pytest.mark.parametrize("words", PAST_DATE_OPTIONS, ids=" ".join)
def test_a_day_that_can_only_be_past_is_offered_no_keyword_after_today(ok, cli, empty_db, words):
    assert bash(cli, "colibri", *words, "t") == ["today", "tuesday", "thursday"]
    assert bash(cli, "colibri", *words, "eo") == []
    assert bash(cli, "colibri", *words, "n") == []
    assert bash(cli, "colibri", *words, "") == [
        "today", "yesterday", "monday", "tuesday", "wednesday", "thursday", "friday",
        "saturday", "sunday",
    ]  # fmt: skip
    ok("config", "set", "language", "fr")
    assert bash(cli, "colibri", *words, "d") == ["dimanche"]
    assert bash(cli, "colibri", *words, "fin") == []
    assert bash(cli, "colibri", *words, "s") == ["saturday", "sunday", "samedi"]
    assert bash(cli, "colibri", *words, "h") == ["hier"]


@pytest.mark.parametrize(
    "words", [("task", "done", "1", "--on"), ("opp", "list", "--due-before")], ids=" ".join
)
def test_a_day_that_may_be_past_is_offered_yesterday(cli, empty_db, words):
    assert bash(cli, "colibri", *words, "y") == ["yesterday"]


def test_date_keywords_are_french_too_when_the_database_speaks_french(ok, cli, empty_db):
    ok("config", "set", "language", "fr")
    words = ("colibri", "task", "add", "Rappeler", "--due")

    assert bash(cli, *words, "fin") == [
        "fin\\ de\\ semaine",
        "fin\\ du\\ mois",
        "fin\\ du\\ trimestre",
        "fin\\ de\\ l\\'année",
    ]
    assert bash(cli, *words, "ve") == ["vendredi"]
    assert bash(cli, *words, "aujourd") == ["aujourd\\'hui"]
    assert bash(cli, *words, "to") == ["today", "tomorrow"]  # English ones still work


def test_date_keywords_follow_colibri_lang_and_the_db_named_on_the_line(ok, cli, tmp_path):
    french = tmp_path / "fr.db"
    ok("--db", str(french), "config", "set", "language", "fr")

    assert bash(cli, "colibri", "task", "add", "X", "--due", "de") == []
    assert bash(cli, "colibri", "task", "add", "X", "--due", "de", env={"COLIBRI_LANG": "fr"}) == [
        "demain"
    ]
    assert bash(cli, "colibri", "--db", str(french), "task", "add", "X", "--due", "de") == [
        "demain"
    ]


@pytest.mark.parametrize("word", [*DATE_WORDS["en"], *DATE_WORDS["fr"]])
def test_every_date_keyword_offered_is_a_date_colibri_reads(word):
    assert dates.parse_date(word, today=dt.date(2026, 11, 26))
