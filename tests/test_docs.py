"""The README, the pages of docs/, CONTRIBUTING.md and CHANGELOG.md link to each other as
GitHub shows them: every relative link names a file of the repository and, after `#`, a
heading of that page; and the README links to every page of docs/."""

import re
from pathlib import Path

import pytest

from test_readme import DOCS, PAGES, README, ROOT, page_name

FENCE = re.compile(r"^ *```")
HEADING = re.compile(r"^(#{1,6}) +(.*?) *#*$")
CODE_SPAN = re.compile(r"`[^`]*`")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
LINK_TEXT = re.compile(r"\[([^\]]*)\]\([^)]*\)")
LINKING = [*PAGES, ROOT / "CONTRIBUTING.md", ROOT / "CHANGELOG.md"]


def prose(page: Path) -> list[str]:
    """The page's lines outside its code blocks: what GitHub renders as Markdown."""
    lines, in_code = [], False
    for line in page.read_text(encoding="utf-8").splitlines():
        if FENCE.match(line):
            in_code = not in_code
        elif not in_code:
            lines.append(line)
    return lines


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: its text without markup or punctuation, in lower
    case, each space a hyphen."""
    text = LINK_TEXT.sub(r"\1", heading).replace("`", "").replace("*", "")
    return re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    """The anchors of the page's headings; a heading met again gets `-1`, `-2`…"""
    found: set[str] = set()
    for line in prose(page):
        if heading := HEADING.match(line):
            anchor = base = slug(heading[2])
            again = 0
            while anchor in found:
                again += 1
                anchor = f"{base}-{again}"
            found.add(anchor)
    return found


def relative_links(page: Path) -> list[str]:
    return [
        target
        for line in prose(page)
        for target in LINK.findall(CODE_SPAN.sub("``", line))
        if "://" not in target and not target.startswith("mailto:")
    ]


def broken(page: Path, target: str) -> bool:
    path, _, anchor = target.partition("#")
    linked = (page.parent / path).resolve() if path else page
    if not linked.exists() or ROOT.resolve() not in (linked, *linked.parents):
        return True
    return bool(anchor) and (linked.suffix != ".md" or anchor not in anchors(linked))


def test_a_slug_is_what_github_makes_of_a_heading():
    assert slug("Pipeline, forecast and the reliability of forecasts") == (
        "pipeline-forecast-and-the-reliability-of-forecasts"
    )
    assert slug("A salesperson's day") == "a-salespersons-day"
    assert slug("Why `--help` is fast") == "why---help-is-fast"
    assert slug("[colibri](README.md) in French") == "colibri-in-french"


def test_a_link_to_a_missing_page_or_heading_is_broken():
    assert broken(README, "docs/nowhere.md")
    assert broken(README, "docs/data.md#nowhere")
    assert broken(README, "#nowhere")
    assert broken(README, "LICENSE#anything")
    assert broken(README, "../outside.md")
    assert not broken(README, "docs/data.md#where-the-data-lives")
    assert not broken(DOCS / "data.md", "../README.md#a-short-tour")


@pytest.mark.parametrize("page", LINKING, ids=page_name)
def test_every_relative_link_of_every_page_resolves(page):
    links = relative_links(page)
    assert [target for target in links if broken(page, target)] == []


def test_the_readme_links_every_page_of_the_docs():
    linked = {(ROOT / target.partition("#")[0]).resolve() for target in relative_links(README)}
    assert [page_name(page) for page in PAGES[1:] if page.resolve() not in linked] == []
    assert len(PAGES) > 10, "the docs/ pages have gone missing"
