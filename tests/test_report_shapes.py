"""The JSON of every report is the type core/shapes.py declares for it: the same keys (those
marked NotRequired only with the option that adds them), values of the declared types, at
every level. A key added to a report, renamed or dropped fails here until its type says so.
"""

import json
import types
import typing

import pytest

from colibri_cli.core import shapes

TODAY = "2026-12-04"


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    """The demo's year of work, with a rate for its dollars and a call: every section of
    every report has rows."""
    from typer.testing import CliRunner

    from colibri_cli.cli.app import app

    path = tmp_path_factory.mktemp("shapes") / "demo.db"
    runner = CliRunner()
    for arguments in (
        ("demo",),
        ("rate", "set", "USD", "0.92", "--on", "2025-01-01"),
        ("forecast", "call", "2026-12", "30k"),
    ):
        result = runner.invoke(app, ["--db", str(path), *arguments], env={"COLIBRI_TODAY": TODAY})
        assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def document(cli, demo_file):
    def run(*arguments: str) -> dict:
        result = cli(
            "--db", str(demo_file), *arguments, "--format", "json", env={"COLIBRI_TODAY": TODAY}
        )
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    return run


def mismatches(value, declared, where: str = "") -> list[str]:
    """Where `value` is not of the `declared` type, and why."""
    if typing.is_typeddict(declared):
        return _record_mismatches(value, declared, where)
    origin, arguments = typing.get_origin(declared), typing.get_args(declared)
    if origin in (typing.Union, types.UnionType):
        found = [mismatches(value, option, where) for option in arguments]
        return [] if [] in found else min(found, key=len)
    if origin is list:
        if not isinstance(value, list):
            return [f"{where}: {value!r} is not a list"]
        return [
            gap
            for n, item in enumerate(value)
            for gap in mismatches(item, *arguments, f"{where}[{n}]")
        ]
    if origin is dict:
        if not isinstance(value, dict):
            return [f"{where}: {value!r} is not an object"]
        return [
            gap
            for key, item in value.items()
            for gap in mismatches(item, arguments[1], f"{where}.{key}")
        ]
    if declared is type(None):
        return [] if value is None else [f"{where}: {value!r} is not null"]
    if declared is float:  # a whole figure is written without decimals
        declared = int | float
    if isinstance(value, bool) and declared is not bool:
        return [f"{where}: {value!r} is not {declared}"]
    return [] if isinstance(value, declared) else [f"{where}: {value!r} is not {declared}"]


def _record_mismatches(value, declared, where: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{where}: {value!r} is not an object"]
    hints = typing.get_type_hints(declared)
    gaps = [f"{where}.{key}: not declared" for key in value.keys() - hints.keys()]
    gaps += [f"{where}.{key}: missing" for key in declared.__required_keys__ - value.keys()]
    for key in value.keys() & hints.keys():
        gaps += mismatches(value[key], hints[key], f"{where}.{key}")
    return gaps


def optional_keys(value, declared) -> set[str]:
    """The NotRequired keys that `value` has, at any depth (by the type that declares them)."""
    if typing.is_typeddict(declared) and isinstance(value, dict):
        hints = typing.get_type_hints(declared)
        found = {f"{declared.__name__}.{key}" for key in declared.__optional_keys__ & value.keys()}
        for key in value.keys() & hints.keys():
            found |= optional_keys(value[key], hints[key])
        return found
    arguments = typing.get_args(declared)
    if isinstance(value, list) and arguments:
        return set().union(*(optional_keys(item, arguments[0]) for item in value))
    return (
        set().union(*(optional_keys(value, option) for option in arguments)) if arguments else set()
    )


REPORTS = [
    (("pipeline",), shapes.PipelineReport, set()),
    (("pipeline", "--by", "account", "--as-of", "2026-10-01"), shapes.PipelineReport, set()),
    (("pipeline", "--in", "EUR"), shapes.PipelineReport, {"PipelineReport.conversion"}),
    (("forecast",), shapes.ForecastReport, set()),
    (
        ("forecast", "--period", "quarter", "--calibrated", "--in", "EUR"),
        shapes.ForecastReport,
        {"ForecastReport.conversion", "ForecastReport.corrections", "ForecastRow.calibrated"},
    ),
    (("forecast", "accuracy"), shapes.AccuracyReport, set()),
    (
        ("forecast", "accuracy", "--details", "--calibrated", "--in", "EUR"),
        shapes.AccuracyReport,
        {
            "AccuracyReport.conversion",
            "AccuracyRow.slipped",
            "AccuracyRow.calibrated",
            "AccuracyRow.calibrated_error",
            "AccuracyRow.calibrated_error_pct",
            "AccuracySummary.calibrated_mape",
            "AccuracySummary.calibrated_bias",
            "AccuracySummary.calibrated_bias_amount",
        },
    ),
    (("stats",), shapes.StatsReport, set()),
    (("stats", "--in", "EUR"), shapes.StatsReport, {"StatsReport.conversion"}),
    (("stats", "funnel"), shapes.FunnelReport, set()),
    (("stats", "funnel", "--by", "source"), shapes.FunnelReport, set()),
    (("stats", "slippage"), shapes.SlippageReport, set()),
    (("statuses", "calibrate"), shapes.CalibrationReport, set()),
]


@pytest.mark.parametrize(
    ("arguments", "declared", "options"), REPORTS, ids=[" ".join(a) for a, *_ in REPORTS]
)
def test_a_report_s_json_is_the_type_declared_for_it(document, arguments, declared, options):
    report = document(*arguments)

    assert mismatches(report, declared) == []
    assert optional_keys(report, declared) == options


def test_every_list_of_the_demo_s_reports_has_rows_to_check(document):
    """No type checked only over empty lists."""
    pipeline = document("pipeline")
    assert all(pipeline[key] for key in ("groups", "totals", "no_next_step"))
    assert pipeline["overdue"]["opportunities"] and pipeline["stale"]["opportunities"]
    accuracy = document("forecast", "accuracy", "--details", "--in", "EUR")
    assert any(row["slipped"] for row in accuracy["periods"])
    assert accuracy["conversion"]["rates"]
    stats = document("stats")
    assert all(stats[key] for key in ("won", "velocity", "time_in_status", "reasons"))
    assert document("stats", "slippage")["pushes"]["by_status"]
    assert document("stats", "funnel")["funnel"][0]["amounts"]
    assert document("statuses", "calibrate")["statuses"]


def test_a_key_the_type_does_not_declare_is_found():
    row = {"currency": "EUR", "count": 1, "amount": 5, "weighted": 2, "extra": 0}

    assert mismatches(row, shapes.Totals) == [".extra: not declared"]
    assert mismatches({**row, "extra": None, "count": "1"}, shapes.Totals) == [
        ".extra: not declared",
        ".count: '1' is not <class 'int'>",
    ]
