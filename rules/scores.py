"""The year-end self-assessment: a self-score per area, the latest counting, totalled against
the areas' maximum and the department's goal.

The PAR index is out of 100: the seven areas scored by the department carry 67 points between
them, the remaining 33 come from the sociological survey. The plan's goal (over 85/100)
includes the survey, so the area total is shown against 67 and the goal is stated apart."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from nhacviec.base.errors import NhacviecError
from rules.areas import AreaFacts, _code_key

INDEX_TOTAL = 100.0
_NUMBER = re.compile(r"^\d{1,3}(?:[.,]\d{1,2})?$")


class ScoreError(NhacviecError, ValueError):
    """Why a self-score is refused: `reason` is `not_number`, `no_max` or `above_max`."""

    def __init__(self, reason: str, max_score: float | None = None) -> None:
        super().__init__(reason, reason=reason)
        self.max_score = max_score


@dataclass(frozen=True, slots=True)
class ScoreEntry:
    """One self-score recorded for an area (rows are only ever added)."""

    area: str
    points: float
    at: datetime
    note: str | None = None
    officer: str = ""


@dataclass(frozen=True, slots=True)
class AreaScore:
    area: AreaFacts
    latest: ScoreEntry | None

    @property
    def points(self) -> float | None:
        return self.latest.points if self.latest else None


@dataclass(frozen=True, slots=True)
class ScoreSummary:
    """The seven areas' self-scores (the latest of each) against their maximum, target and last
    year's result; `goal_total` is the plan's goal out of `index_total`, survey included."""

    areas: list[AreaScore]
    total: float
    max_total: float
    target_total: float
    scored: int
    goal_total: float
    index_total: float = INDEX_TOTAL

    @property
    def survey_points(self) -> float:
        """The part of the index the survey carries (what the areas do not)."""
        return max(0.0, self.index_total - self.max_total)

    @property
    def complete(self) -> bool:
        return self.scored == len(self.areas)


def parse_points(text: str) -> float | None:
    """`9,5`, `9.5`, `10` -> the number; anything else (a sign, letters, three decimals) None."""
    value = text.strip()
    if not _NUMBER.match(value):
        return None
    return float(value.replace(",", "."))


def check_points(text: str, area: AreaFacts) -> float:
    """A self-score lies between 0 and the area's maximum; an area without a maximum is no
    scored area (a sub-criterion counts for its parent)."""
    points = parse_points(text)
    if points is None:
        raise ScoreError("not_number", area.max_score)
    if area.parent or area.max_score is None:
        raise ScoreError("no_max")
    if points > area.max_score:
        raise ScoreError("above_max", area.max_score)
    return points


def latest_scores(entries: Iterable[ScoreEntry]) -> dict[str, ScoreEntry]:
    """The newest entry of each area; entries at the same instant keep the later one given."""
    latest: dict[str, ScoreEntry] = {}
    for entry in entries:
        known = latest.get(entry.area)
        if known is None or entry.at >= known.at:
            latest[entry.area] = entry
    return latest


def score_summary(
    areas: Iterable[AreaFacts], entries: Iterable[ScoreEntry], goal_total: float
) -> ScoreSummary:
    """Per scored area (top-level, with a maximum), in code order, its latest self-score; the
    total counts the areas scored so far."""
    latest = latest_scores(entries)
    scored_areas = sorted(
        (a for a in areas if not a.parent and a.max_score is not None),
        key=lambda a: _code_key(a.code),
    )
    rows = [AreaScore(area=a, latest=latest.get(a.code)) for a in scored_areas]
    return ScoreSummary(
        areas=rows,
        total=round(sum(r.points or 0.0 for r in rows), 2),
        max_total=round(sum(a.max_score or 0.0 for a in scored_areas), 2),
        target_total=round(sum(a.target_score or 0.0 for a in scored_areas), 2),
        scored=sum(r.latest is not None for r in rows),
        goal_total=goal_total,
    )
