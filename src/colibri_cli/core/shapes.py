"""The JSON documents of the reports, declared once: `--format json` prints each as the
function that builds it returns it (`reports.pipeline` a PipelineReport…), so these types
are the contract scripts rely on. tests/test_report_shapes.py checks each document against
its type, key by key. Amounts are whole units of their `currency`; days are ISO dates.
"""

from typing import NotRequired, TypedDict

RateUsed = TypedDict(  # "from" is a Python keyword
    "RateUsed", {"currency": str, "rate": str, "from": str, "earlier_days": bool}
)
"""A rate a converted report used: valid from that day; `earlier_days` when it also served
days before it, the currency's first."""


class Conversion(TypedDict):
    """What a report given `--in CURRENCY` was converted into, through which reporting
    currency, at which rates."""

    into: str
    base: str
    rates: list[RateUsed]


# --- pipeline ----------------------------------------------------------------------------


class Totals(TypedDict):
    currency: str
    count: int
    amount: int
    weighted: int


class PipelineGroup(Totals):
    """The open deals of one status, month, quarter or account, in one currency."""

    group: str
    label: str


class ListedDeal(TypedDict):
    """An overdue or stale deal under the pipeline."""

    id: int
    name: str
    account: str
    amount: int
    currency: str
    due_date: str
    status: str
    probability: int
    updated_at: str
    weighted: int


class OpenSection(TypedDict):
    totals: list[Totals]
    opportunities: list[ListedDeal]


class StaleSection(OpenSection):
    days: int
    statuses: dict[str, int]
    """The open statuses with stale days of their own, and theirs."""


class PipelineReport(TypedDict):
    date: str
    as_of: str | None
    by: str
    groups: list[PipelineGroup]
    totals: list[Totals]
    overdue: OpenSection
    stale: StaleSection
    no_next_step: list[Totals] | None
    """None as of a day gone: the tasks keep no history."""
    conversion: NotRequired[Conversion]


# --- forecast ----------------------------------------------------------------------------


class ForecastRow(TypedDict):
    """A period in one currency, or the overdue deals (`period` "overdue", no start nor end)."""

    period: str
    start: str | None
    end: str | None
    currency: str
    count: int
    won: int
    weighted: int
    expected: int
    commit: int
    best_case: int
    target: int | None
    gap: int | None
    call: int | None
    left_to_win: int | None
    coverage: float | None
    coverage_weighted: float | None
    calibrated: NotRequired[int]
    """With --calibrated."""


class Correction(TypedDict):
    """What --calibrated changed of an open status: its share won, its median delay."""

    status: str
    label: str
    probability: int
    calibrated_probability: int | None
    deals: int
    won_deals: int
    shift_days: int | None


class ForecastReport(TypedDict):
    date: str
    as_of: str | None
    period: str
    commit_threshold: int
    periods: list[ForecastRow]
    overdue: list[ForecastRow]
    conversion: NotRequired[Conversion]
    corrections: NotRequired[list[Correction]]
    """With --calibrated."""


# --- forecast accuracy -------------------------------------------------------------------


class SlippedDeal(TypedDict):
    id: int
    name: str
    amount: int
    due_date: str
    status_now: str
    closed_on_now: str | None


class AccuracyRow(TypedDict):
    period: str
    currency: str
    forecast: int
    actual: int
    error: int
    error_pct: float | None
    slipped_count: int
    slipped_amount: int
    call: int | None
    call_error: int | None
    call_error_pct: float | None
    slipped: NotRequired[list[SlippedDeal]]
    """With --details."""
    calibrated: NotRequired[int]
    calibrated_error: NotRequired[int]
    calibrated_error_pct: NotRequired[float | None]


class AccuracySummary(TypedDict):
    currency: str
    periods: int
    measured_periods: int
    unmeasured: list[str]
    mape: float | None
    bias: float | None
    bias_amount: int | None
    call_measured_periods: int
    call_mape: float | None
    call_bias: float | None
    call_bias_amount: int | None
    call_forecast_mape: float | None
    calibrated_mape: NotRequired[float | None]
    calibrated_bias: NotRequired[float | None]
    calibrated_bias_amount: NotRequired[int | None]


class AccuracyReport(TypedDict):
    date: str
    period: str
    history_starts: str | None
    left_out: int
    periods: list[AccuracyRow]
    summary: list[AccuracySummary]
    conversion: NotRequired[Conversion]


# --- stats -------------------------------------------------------------------------------


class WinRate(TypedDict):
    won: int
    lost: int
    cancelled: int
    rate: float | None


class WonAmounts(TypedDict):
    currency: str
    count: int
    amount: int
    average: int
    median: int


class SalesCycle(TypedDict):
    count: int
    median_days: float | None


class Velocity(TypedDict):
    currency: str
    open_deals: int
    per_day: int | None
    missing: str | None
    """Why there is no velocity: no_won_deal, no_sales_cycle or zero_cycle."""


class TimeInStatus(TypedDict):
    status: str
    label: str
    stays: int
    ongoing: int
    average_days: float


class Reason(TypedDict):
    kind: str
    reason: str
    count: int
    currencies: str


class StatsReport(TypedDict):
    date: str
    since: str | None
    until: str | None
    win_rate: WinRate
    won: list[WonAmounts]
    sales_cycle: SalesCycle
    velocity: list[Velocity]
    time_in_status: list[TimeInStatus]
    reasons: list[Reason]
    conversion: NotRequired[Conversion]


# --- stats funnel ------------------------------------------------------------------------


class FunnelAmounts(TypedDict):
    currency: str
    entered_amount: int
    won_amount: int


class FunnelStep(TypedDict):
    group: str | None
    status: str
    label: str
    entered: int
    advanced: int
    won: int
    lost: int
    cancelled: int
    open: int
    advanced_percent: float | None
    won_percent: float | None
    win_rate: float | None
    median_days: float | None
    amounts: list[FunnelAmounts]


class FunnelReport(TypedDict):
    date: str
    since: str | None
    until: str | None
    by: str | None
    funnel: list[FunnelStep]


# --- stats slippage ----------------------------------------------------------------------


class WonSlippage(TypedDict):
    count: int
    late: int
    late_percent: float | None
    median_days_late: float | None
    p90_days_late: int | None


class StatusPushes(TypedDict):
    status: str
    label: str
    pushes: int
    deals: int
    median_days: float
    p90_days: int


class Pushes(TypedDict):
    count: int
    deals: int
    median_days: float | None
    p90_days: int | None
    by_status: list[StatusPushes]


class SlippageReport(TypedDict):
    date: str
    since: str | None
    until: str | None
    won: WonSlippage
    pushes: Pushes


# --- statuses calibrate ------------------------------------------------------------------


class StatusCalibration(TypedDict):
    status: str
    label: str
    probability: int
    used_probability: float | None
    deals: int
    won: int
    lost: int
    cancelled: int
    own_probability: int
    won_percent: float | None
    low_percent: float | None
    high_percent: float | None
    brier: float | None
    suggested: int | None


class CalibrationReport(TypedDict):
    date: str
    since: str | None
    minimum_deals: int
    passages: int
    brier: float | None
    statuses: list[StatusCalibration]
