"""`colibri config show|set`: the settings kept in the database's `settings` table."""

import pytest

KNOWN = (
    "currency, date-order, date-display, commit-threshold, stale-days, follow-up-delay, language, "
    "fiscal-year-start, renew-after.TYPE"
)
DEFAULTS = {
    "currency": "EUR",
    "date-order": "dmy",
    "date-display": "iso",
    "commit-threshold": "70",
    "stale-days": "30",
    "follow-up-delay": "3m",
    "language": "auto",
    "fiscal-year-start": "1",
}


@pytest.fixture(autouse=True)
def database(empty_db):
    """Settings live in a database: every case here starts from a new, empty one."""
    return empty_db


def stored(rows, key: str) -> str:
    [row] = rows("SELECT value FROM settings WHERE key = ?", (key,))
    return row["value"]


def test_a_new_database_stores_every_default(ok, rows):
    ok("config", "show")

    assert rows("SELECT key, value FROM settings ORDER BY key") == [
        {"key": key, "value": value} for key, value in sorted(DEFAULTS.items())
    ]


def test_show_table(ok):
    result = ok("config", "show")

    assert result.stderr == ""
    assert result.stdout == "\n".join(
        [
            "Setting            Value  Default  Meaning",
            "currency           EUR    EUR      currency of new opportunities and targets",
            "date-order         dmy    dmy      how 03/04/2027 is read: dmy or mdy",
            "date-display       iso    iso      how dates are shown: iso (2026-11-30) or dmy "
            "(30/11/2026)",
            "commit-threshold   70     70       probability (%) from which an open opportunity cou"
            "nts as commit",
            "stale-days         30     30       days untouched after which an open deal is stale",
            "follow-up-delay    3m     3m       when the follow-up task proposed at a close is due"
            " (e.g. 3m)",
            "language           auto   auto     language of messages: auto (from the environment),"
            " en or fr",
            "fiscal-year-start  1      1        month (1-12) in which the fiscal year, and so its "
            "quarters, begin",
            "",
        ]
    )


def test_show_json(ok):
    ok("config", "set", "currency", "usd")

    result = ok("config", "show", "--format", "json")

    assert result.stdout == (
        "[\n"
        '  {"key": "currency", "value": "USD", "default": "EUR", '
        '"description": "currency of new opportunities and targets"},\n'
        '  {"key": "date-order", "value": "dmy", "default": "dmy", '
        '"description": "how 03/04/2027 is read: dmy or mdy"},\n'
        '  {"key": "date-display", "value": "iso", "default": "iso", '
        '"description": "how dates are shown: iso (2026-11-30) or dmy (30/11/2026)"},\n'
        '  {"key": "commit-threshold", "value": "70", "default": "70", '
        '"description": "probability (%) from which an open opportunity counts as commit"},\n'
        '  {"key": "stale-days", "value": "30", "default": "30", '
        '"description": "days untouched after which an open deal is stale"},\n'
        '  {"key": "follow-up-delay", "value": "3m", "default": "3m", '
        '"description": "when the follow-up task proposed at a close is due (e.g. 3m)"},\n'
        '  {"key": "language", "value": "auto", "default": "auto", '
        '"description": "language of messages: auto (from the environment), en or fr"},\n'
        '  {"key": "fiscal-year-start", "value": "1", "default": "1", '
        '"description": "month (1-12) in which the fiscal year, and so its quarters, begin"}\n'
        "]\n"
    )


def test_show_csv(ok):
    result = ok("config", "show", "--format", "csv")

    assert result.stdout == (
        "key,value,default,description\n"
        "currency,EUR,EUR,currency of new opportunities and targets\n"
        "date-order,dmy,dmy,how 03/04/2027 is read: dmy or mdy\n"
        "date-display,iso,iso,how dates are shown: iso (2026-11-30) or dmy (30/11/2026)\n"
        "commit-threshold,70,70,probability (%) from which an open opportunity counts as commit\n"
        "stale-days,30,30,days untouched after which an open deal is stale\n"
        "follow-up-delay,3m,3m,when the follow-up task proposed at a close is due (e.g. 3m)\n"
        'language,auto,auto,"language of messages: auto (from the environment), en or fr"\n'
        'fiscal-year-start,1,1,"month (1-12) in which the fiscal year, '
        'and so its quarters, begin"\n'
    )


@pytest.mark.parametrize("key", ["stale-days", "stale_days", "STALE-DAYS", " Stale_Days "])
def test_show_one_setting(ok, key):
    result = ok("config", "show", key)

    assert result.stdout == "\n".join(
        [
            "Setting     Value  Default  Meaning",
            "stale-days  30     30       days untouched after which an open deal is stale",
            "",
        ]
    )


def test_show_one_setting_as_json(ok):
    ok("config", "set", "language", "fr")

    result = ok("config", "show", "language", "-f", "json")

    assert result.stdout == (
        "[\n"
        '  {"key": "language", "value": "fr", "default": "auto", '
        '"description": "language of messages: auto (from the environment), en or fr"}\n'
        "]\n"
    )


@pytest.mark.parametrize("command", [["show", "colour"], ["set", "colour", "red"]])
def test_an_unknown_setting_is_a_usage_error(cli, rows, command):
    result = cli("config", *command)

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"Error: Unknown setting 'colour'. Known settings: {KNOWN}.\n"
    assert "colour" not in {row["key"] for row in rows("SELECT key FROM settings")}


@pytest.mark.parametrize(
    ("key", "value", "saved_key", "saved"),
    [
        ("currency", "usd", "currency", "USD"),
        ("currency", " gbp ", "currency", "GBP"),
        ("CURRENCY", "EUR", "currency", "EUR"),
        ("date-order", "MDY", "date-order", "mdy"),
        ("date_order", "dmy", "date-order", "dmy"),
        ("commit-threshold", "0", "commit-threshold", "0"),
        ("commit-threshold", "100", "commit-threshold", "100"),
        ("commit-threshold", "085", "commit-threshold", "85"),
        ("stale_days", "45", "stale-days", "45"),
        ("stale-days", "1", "stale-days", "1"),
        ("stale-days", "3650", "stale-days", "3650"),
        ("follow-up-delay", "+2W", "follow-up-delay", "2w"),
        ("follow_up_delay", "10d", "follow-up-delay", "10d"),
        ("follow-up-delay", "1q", "follow-up-delay", "1q"),
        ("follow-up-delay", "1Y", "follow-up-delay", "1y"),
        ("follow-up-delay", "6m", "follow-up-delay", "6m"),
        ("language", "FR", "language", "fr"),
        ("language", "en", "language", "en"),
        ("language", "Auto", "language", "auto"),
        ("fiscal-year-start", "4", "fiscal-year-start", "4"),
        ("fiscal_year_start", "12", "fiscal-year-start", "12"),
    ],
)
def test_set_saves_the_normalised_value(ok, rows, key, value, saved_key, saved):
    result = ok("config", "set", key, value)

    assert result.stdout == ""
    assert result.stderr == f"{saved_key} = {saved}\n"
    assert stored(rows, saved_key) == saved
    assert (
        ok("config", "show", key, "--format", "csv")
        .stdout.splitlines()[1]
        .startswith(f"{saved_key},{saved},{DEFAULTS[saved_key]},")
    )


def test_set_twice_keeps_one_row(ok, rows):
    ok("config", "set", "currency", "usd")
    ok("config", "set", "currency", "chf")

    assert rows("SELECT key, value FROM settings WHERE key = 'currency'") == [
        {"key": "currency", "value": "CHF"}
    ]


CURRENCY = "a currency is a three-letter ISO 4217 code such as EUR, USD or GBP"
DELAY = "give a delay such as 10d, 2w, 3m, 1q or 1y"


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("currency", "eu", f"Invalid value 'eu' for currency: {CURRENCY}."),
        ("currency", "euro", f"Invalid value 'euro' for currency: {CURRENCY}."),
        ("currency", "€", f"Invalid value '€' for currency: {CURRENCY}."),
        ("currency", "", f"Invalid value '' for currency: {CURRENCY}."),
        ("date-order", "ymd", "Invalid value 'ymd' for date-order: choose one of dmy, mdy."),
        (
            "commit-threshold",
            "101",
            "Invalid value '101' for commit-threshold: give a whole number from 0 to 100.",
        ),
        (
            "commit-threshold",
            "-1",
            "Invalid value '-1' for commit-threshold: give a whole number from 0 to 100.",
        ),
        (
            "commit-threshold",
            "70%",
            "Invalid value '70%' for commit-threshold: give a whole number from 0 to 100.",
        ),
        (
            "commit-threshold",
            "7.5",
            "Invalid value '7.5' for commit-threshold: give a whole number from 0 to 100.",
        ),
        (
            "stale-days",
            "0",
            "Invalid value '0' for stale-days: give a whole number from 1 to 3650.",
        ),
        (
            "stale_days",
            "3651",
            "Invalid value '3651' for stale-days: give a whole number from 1 to 3650.",
        ),
        (
            "stale-days",
            "thirty",
            "Invalid value 'thirty' for stale-days: give a whole number from 1 to 3650.",
        ),
        ("follow-up-delay", "0d", f"Invalid value '0d' for follow-up-delay: {DELAY}."),
        ("follow-up-delay", "3", f"Invalid value '3' for follow-up-delay: {DELAY}."),
        ("follow-up-delay", "3 months", f"Invalid value '3 months' for follow-up-delay: {DELAY}."),
        ("follow-up-delay", "-3m", f"Invalid value '-3m' for follow-up-delay: {DELAY}."),
        ("language", "de", "Invalid value 'de' for language: choose one of auto, en, fr."),
        (
            "fiscal-year-start",
            "13",
            "Invalid value '13' for fiscal-year-start: give a whole number from 1 to 12.",
        ),
        (
            "fiscal-year-start",
            "0",
            "Invalid value '0' for fiscal-year-start: give a whole number from 1 to 12.",
        ),
    ],
)
def test_set_refuses_a_bad_value_and_keeps_the_old_one(ok, cli, rows, key, value, message):
    ok("config", "show")  # the database exists, with its defaults

    result = cli("config", "set", key, value)

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"Error: {message}\n"
    assert rows("SELECT key, value FROM settings ORDER BY key") == [
        {"key": key, "value": value} for key, value in sorted(DEFAULTS.items())
    ]


def test_set_needs_a_value(cli):
    result = cli("config", "set", "currency")

    assert result.exit_code == 2
    assert result.stderr == "Error: Missing argument 'VALUE'. See 'colibri config set --help'.\n"


# --- renew-after.TYPE: the renewal a win of a deal of that type proposes --------------------

RENEW_AFTER_MEANING = "renewal proposed, after this period, when a deal of this type is won"


@pytest.mark.parametrize(
    ("key", "value", "saved_key", "saved"),
    [
        ("renew-after.support", "12m", "renew-after.support", "12m"),
        ("renew-after.Support", " 1Y ", "renew-after.support", "1y"),
        ("RENEW_AFTER. Hébergement ", "+6m", "renew-after.hebergement", "6m"),
        ("renew-after.managed hosting", "2 ans", "renew-after.managed hosting", "2 ans"),
    ],
)
def test_renew_after_is_set_per_deal_type(ok, rows, key, value, saved_key, saved):
    result = ok("config", "set", key, value)

    assert result.stderr == f"{saved_key} = {saved}\n"
    assert stored(rows, saved_key) == saved
    assert ok("config", "show", key, "-f", "csv").stdout == (
        f'key,value,default,description\n{saved_key},{saved},,"{RENEW_AFTER_MEANING}"\n'
    )


def test_show_lists_the_renew_after_of_each_type_after_the_fixed_settings(ok):
    ok("config", "set", "renew-after.support", "12m")
    ok("config", "set", "renew-after.licence", "1y")

    listed = ok("config", "show", "-f", "json").stdout
    table = ok("config", "show").stdout.splitlines()

    assert listed.splitlines()[-3:] == [
        '  {"key": "renew-after.licence", "value": "1y", "default": null, '
        f'"description": "{RENEW_AFTER_MEANING}"}},',
        '  {"key": "renew-after.support", "value": "12m", "default": null, '
        f'"description": "{RENEW_AFTER_MEANING}"}}',
        "]",
    ]
    assert [line.split()[:2] for line in table[-4:] if line.startswith("renew")] == [
        ["renew-after.licence", "1y"],
        ["renew-after.support", "12m"],
    ]


@pytest.mark.parametrize(
    "command", [["set", "renew-after.SUPPORT", " "], ["unset", "renew-after.support"]]
)
def test_an_empty_value_or_unset_removes_a_renew_after(ok, rows, command):
    ok("config", "set", "renew-after.support", "12m")

    result = ok("config", *command)

    assert result.stderr == "renew-after.support removed.\n"
    assert rows("SELECT key FROM settings WHERE key LIKE 'renew%'") == []
    assert ok("config", "show", "renew-after.support").stderr == "No settings.\n"


def test_unset_brings_a_fixed_setting_back_to_its_default(ok, rows):
    ok("config", "set", "stale-days", "45")

    result = ok("config", "unset", "stale_days")

    assert result.stderr == "stale-days = 30\n"
    assert stored(rows, "stale-days") == "30"


def test_removing_a_renew_after_not_set_says_so(ok, cli, rows):
    ok("config", "show")

    result = cli("config", "unset", "renew-after.support")

    assert result.exit_code == 3
    assert result.stderr == "Error: renew-after.support is not set: nothing to remove.\n"


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        (
            "renew-after.support",
            "0m",
            "Invalid value '0m' for renew-after.support: a renewal is due after the close: "
            "give a period such as 12m.",
        ),
        (
            "renew-after.support",
            "soon",
            "Invalid value 'soon' for renew-after.support: give a period such as 6m, 12m or 2y.",
        ),
        (
            "renew-after.support",
            "-3m",
            "Invalid value '-3m' for renew-after.support: give a period such as 6m, 12m or 2y.",
        ),
        (
            "renew-after.",
            "12m",
            "The setting 'renew-after.' names no deal type: write it renew-after.support.",
        ),
        ("renew-after. ", "12m", "The setting 'renew-after. ' names no deal type: write it "
         "renew-after.support."),
        ("stale-days.support", "12m",
         f"Unknown setting 'stale-days.support'. Known settings: {KNOWN}."),
    ],
)  # fmt: skip
def test_a_bad_renew_after_is_refused_and_nothing_stored(ok, cli, rows, key, value, message):
    ok("config", "show")

    result = cli("config", "set", key, value)

    assert result.exit_code == 2
    assert result.stderr == f"Error: {message}\n"
    assert len(rows("SELECT key FROM settings")) == len(DEFAULTS)
