"""The definitions page (notebooks/definitions.ipynb) defines every metric a lesson names, with an
equation, and each lesson links to the definition where it first uses the metric."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
LESSONS = sorted(NOTEBOOKS.glob("0[0-6]_*.ipynb"))

METRICS = {  # anchor on the definitions page -> how the lessons' prose names the metric
    "eb": r"\bEB\b|empty-bar rate",
    "upc": r"\bUPC\b",
    "qn": r"\bQN\b|qualified-note rate",
    "dp": r"\bDP\b|drum-pattern rate",
    "td": r"\bTD\b|tonal distance",
    "chord-tone-rate": r"chord-tone rate",
    "register-adherence": r"register adherence",
    "voice-crossing-rate": r"voice-crossing rate",
    "chord-in-key-rate": r"chord-in-key rate",
    "walking-bass-rate": r"walking-bass rate",
    "bar-change": r"bar-to-bar harmonic change|from bar to bar",
    "copy-rate": r"copy rate",
    "diversity": r"\bdiversity\b",
    "nll-token": r"nats per token",
    "nll-frame": r"nats per (?:quarter-note )?frame",
    "unseen-frame-share": r"unseen[- ]frame share|share of (?:the )?(?:test |validation )?frames whose set",
    "lag-profile": r"lag profile|self-similarity",
    "recurrence-rate": r"recurrence rate",
    "peak-contrast": r"peak contrast",
    "blur": r"\bblur\b",
    "attack-minus-release": r"attack minus release",
    "step-down-minus-up": r"step down minus up",
    "overlap-area": r"overlap(?:ping)? area",
    "two-sample": r"two-sample",
    "frechet": r"Fr[ée]chet",
    "share-fooled": r"share fooled",
    "returns-rule": r"course's rule",
    "fitted-floor": r"fitted floor",
}


DEFINED_ONLY: tuple[str, ...] = ()
"""Defined on the page (equation and intuition checked) but not required to be linked at first use."""


def named(pattern: str, text: str) -> re.Match | None:
    """The first place ``text`` names the metric (a line break may split its words)."""
    return re.search(pattern.replace(" ", r"\s+"), text)


def markdown(notebook: Path) -> list[str]:
    """The markdown cells' text, reference lists left out (a paper's title is not a use of a metric)."""
    cells = json.loads(notebook.read_text())["cells"]
    return ["".join(c["source"]).split("**References**")[0] for c in cells if c["cell_type"] == "markdown"]


def sections(page: list[str]) -> dict[str, str]:
    """Anchor -> the text from its <a id> up to the next anchor."""
    text = "\n".join(page)
    parts = re.split(r'<a id="([\w-]+)"></a>', text)
    return dict(zip(parts[1::2], parts[2::2]))


def test_every_metric_has_an_equation_an_intuition_and_its_function():
    defined = sections(markdown(NOTEBOOKS / "definitions.ipynb"))
    for anchor in (*METRICS, *DEFINED_ONLY):
        assert anchor in defined, f"no definition of {anchor}"
        if anchor not in ("lag-profile", "recurrence-rate", "peak-contrast"):  # one module, named once above
            assert "$$" in defined[anchor] or "$" in defined[anchor], f"{anchor} has no equation"
        assert "*Intuition:*" in defined[anchor], f"{anchor} has no one-line intuition"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_each_lesson_links_every_metric_it_names_to_its_definition_at_first_use(lesson):
    cells = markdown(lesson)
    for anchor, pattern in METRICS.items():
        first = next((i for i, text in enumerate(cells) if named(pattern, text)), None)
        if first is None:
            continue
        link = f"definitions.ipynb#{anchor}"
        assert any(link in text for text in cells[: first + 1]), (
            f"{lesson.name}: names {anchor!r} in markdown cell {first} without a link to {link}")
