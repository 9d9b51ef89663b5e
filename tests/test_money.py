import pytest
from hypothesis import given
from hypothesis import strategies as st

from colibri_cli.core.errors import InvalidInput
from colibri_cli.core.money import (
    MAX_AMOUNT,
    ParsedAmount,
    format_amount,
    mark_shown,
    parse_amount,
)

HINT = "write a whole number such as 15000, 15 000, 15k or 1.5M"
NEGATIVE = "it cannot be negative; write 0 or more, such as 15000."


@pytest.mark.parametrize(
    ("text", "value", "rounded", "currency"),
    [
        ("15000", 15000, False, None),
        ("0", 0, False, None),
        ("  15000  ", 15000, False, None),
        ("15 000", 15000, False, None),
        ("15\u202f000", 15000, False, None),
        ("15\u00a0000", 15000, False, None),
        ("1\u202f500\u202f000", 1_500_000, False, None),
        ("15'000", 15000, False, None),
        ("15\u2019000", 15000, False, None),
        ("1'500'000", 1_500_000, False, None),
        ("CHF 15'000", 15000, False, "CHF"),
        ("1'500.50 CHF", 1501, True, "CHF"),
        ("1\u2019500,50", 1501, True, None),
        ("1'500,000", 1500, False, None),  # as 1 500,000: no thousands of 1'500
        ("15,000", 15000, False, None),
        ("1,500,000", 1_500_000, False, None),
        ("15.000", 15000, False, None),
        ("1.500", 1500, False, None),
        ("1.500.000", 1_500_000, False, None),
        ("15k", 15000, False, None),
        ("15K", 15000, False, None),
        ("15 k", 15000, False, None),
        ("2.5k", 2500, False, None),
        ("1.5M", 1_500_000, False, None),
        ("1,5M", 1_500_000, False, None),
        ("1.5m", 1_500_000, False, None),
        ("1.2345k", 1235, True, None),
        ("15 000 €", 15000, False, "EUR"),
        ("15000€", 15000, False, "EUR"),
        ("15k€", 15000, False, "EUR"),
        ("€15,000", 15000, False, "EUR"),
        ("$1,500.00", 1500, False, "USD"),
        ("£250", 250, False, "GBP"),
        ("1 500,00 €", 1500, False, "EUR"),
        ("1.500.000,00 €", 1_500_000, False, "EUR"),
        ("15000 EUR", 15000, False, "EUR"),
        ("15000EUR", 15000, False, "EUR"),
        ("EUR 15000", 15000, False, "EUR"),
        ("USD15k", 15000, False, "USD"),
        ("15 000 chf", 15000, False, "CHF"),
        ("1.5M GBP", 1_500_000, False, "GBP"),
        ("15000.00", 15000, False, None),
        ("1500,50", 1501, True, None),
        ("12.5", 13, True, None),
        ("2.5", 3, True, None),
        ("1500.49", 1500, True, None),
        ("0,4", 0, True, None),
        ("12.3456", 12, True, None),
        ("9225.225", 9225, True, None),  # no thousands of 9225: the point is decimal
        ("0.500", 1, True, None),
        ("1 500,000", 1500, False, None),
        ("120.125", 120125, False, None),  # alone, a thousands separator
        (str(MAX_AMOUNT), MAX_AMOUNT, False, None),
    ],
)
def test_parse_amount_accepts(text, value, rounded, currency):
    assert parse_amount(text) == ParsedAmount(value=value, rounded=rounded, currency=currency)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", f"Missing amount: {HINT}."),
        ("   ", f"Missing amount: {HINT}."),
        ("abc", f"Invalid amount 'abc': {HINT}."),
        ("12abc", f"Invalid amount '12abc': {HINT}."),
        ("1..2", f"Invalid amount '1..2': {HINT}."),
        ("1,50.00", f"Invalid amount '1,50.00': {HINT}."),
        ("15'00", f'Invalid amount "15\'00": {HINT}.'),
        ("15''000", f"Invalid amount \"15''000\": {HINT}."),
        ("15'000\u2019000", f'Invalid amount "15\'000\u2019000": {HINT}.'),
        ("'15000", f'Invalid amount "\'15000": {HINT}.'),
        ("15,0000,000", f"Invalid amount '15,0000,000': {HINT}."),
        ("12.", f"Invalid amount '12.': {HINT}."),
        (".5", f"Invalid amount '.5': {HINT}."),
        ("k", f"Invalid amount 'k': {HINT}."),
        ("EUR", f"Invalid amount 'EUR': {HINT}."),
        ("€", f"Invalid amount '€': {HINT}."),
        ("€15 EUR", f"Invalid amount '€15 EUR': {HINT}."),
        ("1e5", f"Invalid amount '1e5': {HINT}."),
        ("-abc", f"Invalid amount '-abc': {HINT}."),
        ("12-5", f"Invalid amount '12-5': {HINT}."),
        ("١٢", f"Invalid amount '١٢': {HINT}."),
        ("-5", f"Invalid amount '-5': {NEGATIVE}"),
        ("- 5", f"Invalid amount '- 5': {NEGATIVE}"),
        ("\u22125", f"Invalid amount '\u22125': {NEGATIVE}"),
        ("(5)", f"Invalid amount '(5)': {NEGATIVE}"),
        ("-5 €", f"Invalid amount '-5 €': {NEGATIVE}"),
        ("€-5", f"Invalid amount '€-5': {NEGATIVE}"),
        (
            "1000000000000001",
            "Invalid amount '1000000000000001': it is more than 1,000,000,000,000,000; "
            "check the number of digits.",
        ),
        (
            "2000000000M",
            "Invalid amount '2000000000M': it is more than 1,000,000,000,000,000; "
            "check the number of digits.",
        ),
    ],
)
def test_parse_amount_refuses(text, message):
    with pytest.raises(InvalidInput) as caught:
        parse_amount(text)
    assert str(caught.value) == message
    assert caught.value.exit_code == 2


def test_refusal_names_the_field():
    with pytest.raises(InvalidInput, match=r"^Invalid target amount 'lots': "):
        parse_amount("lots", field="target amount")


@pytest.mark.parametrize(
    ("value", "currency", "expected"),
    [
        (0, None, "0"),
        (999, None, "999"),
        (15000, "EUR", "15,000 EUR"),
        (1_500_000, "USD", "1,500,000 USD"),
        (-2500, "EUR", "-2,500 EUR"),
    ],
)
def test_format_amount(value, currency, expected):
    assert format_amount(value, currency) == expected


whole_amounts = st.integers(min_value=0, max_value=10**12)
space_separators = st.sampled_from([" ", "\u00a0", "\u202f", ",", ".", "'", "\u2019"])


@given(whole_amounts, space_separators)
def test_whole_numbers_read_back_with_any_thousands_separator(n, separator):
    assert parse_amount(str(n)) == ParsedAmount(n, False, None)
    assert parse_amount(f"{n:,}".replace(",", separator)) == ParsedAmount(n, False, None)


@given(whole_amounts, st.integers(min_value=0, max_value=99), st.sampled_from([".", ","]))
def test_cents_round_half_up(n, cents, mark):
    parsed = parse_amount(f"{n}{mark}{cents:02d}")
    assert parsed == ParsedAmount(n + (cents >= 50), cents != 0, None)


@given(whole_amounts, st.sampled_from(["EUR", "USD", "GBP", "CHF"]))
def test_formatted_amounts_read_back(n, currency):
    assert parse_amount(format_amount(n, currency)) == ParsedAmount(n, False, currency)


@pytest.mark.parametrize("text", ["5000 net", "15000 TTC", "60k ttc", "ABC 100"])
def test_a_word_that_is_no_currency_is_not_taken_for_one(text):
    with pytest.raises(InvalidInput) as caught:
        parse_amount(text)
    assert str(caught.value) == (
        f"Invalid amount {text!r}: write a whole number such as 15000, 15 000, 15k or 1.5M."
    )


@pytest.mark.parametrize(
    ("text", "decimal", "value", "rounded"),
    [
        ("120.125", ".", 120, True),
        ("120.125", ",", 120125, False),
        ("1,500", ",", 2, True),
        ("1,500", ".", 1500, False),
        ("1.500.000", ".", 1_500_000, False),  # repeated: thousands whatever the file says
        ("1.5k", ",", 1500, False),
    ],
)
def test_the_decimal_mark_of_a_file_settles_an_ambiguous_amount(text, decimal, value, rounded):
    assert parse_amount(text, decimal=decimal) == ParsedAmount(value, rounded, None)


@pytest.mark.parametrize(
    ("text", "mark"),
    [("9225.225", "."), ("1 500,50 €", ","), ("$1,500.00", "."), ("1.500.000", ","),
     ("1.5k", "."), ("120.125", None), ("15000", None), ("12.", None), ("abc", None)],
)  # fmt: skip
def test_the_decimal_mark_an_amount_shows(text, mark):
    assert mark_shown(text) == mark
