"""Bar charts drawn with block characters, read at a glance on a terminal."""

from collections.abc import Mapping, Sequence

from colibri_cli.i18n import _

BAR_WIDTH = 24
MINIMUM_BAR = 10
"""The shortest bar worth drawing: a narrower terminal shows the figures alone."""


def _target_legend(won: str = "█", weighted: str = "▒", target: str = "┃") -> str:
    legend = _("{won} won  {weighted} weighted  {target} target")
    return f"{'':9}" + legend.format(won=won, weighted=weighted, target=target)


def target_chart_width() -> int:
    """The columns `expected_against_target` takes, its legend's in the language spoken: a
    narrower terminal has no chart."""
    return len(_target_legend())


def _scaled(value: int, largest: int, width: int = BAR_WIDTH) -> int:
    return round(width * value / largest) if largest else 0


def bars(
    rows: Sequence[Mapping], total_key: str, part_key: str, width: int = BAR_WIDTH
) -> list[str]:
    """One bar a row, `width` at most: the part (e.g. weighted) solid, the rest of the total
    light. Rows are scaled within their currency: currencies are never compared."""
    largest: dict[str, int] = {}
    for row in rows:
        largest[row["currency"]] = max(largest.get(row["currency"], 0), row[total_key])
    drawn = []
    for row in rows:
        total = _scaled(row[total_key], largest[row["currency"]], width)
        part = min(total, _scaled(row[part_key], largest[row["currency"]], width))
        drawn.append(f"[green]{'█' * part}[/green][dim]{'░' * (total - part)}[/dim]")
    return drawn


def expected_against_target(rows: Sequence[Mapping]) -> str:
    """Expected per period (won solid, weighted light), with the target marked ┃."""
    largest = max([row["expected"] for row in rows] + [row["target"] or 0 for row in rows])
    lines = []
    for row in rows:
        won = _scaled(row["won"], largest)
        expected = max(won, _scaled(row["expected"], largest))
        cells = ["[green]█[/green]"] * won + ["[cyan]▒[/cyan]"] * (expected - won)
        cells += [" "] * (BAR_WIDTH + 1 - len(cells))
        if row["target"] is not None:
            mark = min(_scaled(row["target"], largest), BAR_WIDTH)
            cells[mark] = "[bold red]┃[/bold red]"
        lines.append(f"{row['period']:>8} {''.join(cells)}")
    legend = _target_legend("[green]█[/green]", "[cyan]▒[/cyan]", "[bold red]┃[/bold red]")
    return "\n".join([*lines, legend])
