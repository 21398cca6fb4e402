"""TCCB inspects the PAR work of at least 30% of the department's units each year."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class InspectionFacts:
    unit: str
    on: date


@dataclass(frozen=True, slots=True)
class InspectionCoverage:
    """Units inspected in `year` up to a day, out of every unit, against the target share."""

    year: int
    inspected: tuple[str, ...]
    total: int
    target: float

    @property
    def share(self) -> float:
        return len(self.inspected) / self.total if self.total else 0.0

    @property
    def met(self) -> bool:
        return self.total > 0 and self.share >= self.target

    @property
    def needed(self) -> int:
        """How many more units must be inspected to reach the target."""
        # Rounded to 9 places first so that 0.3 * 10 counts as 3, not 3.0000000000000004.
        return max(0, math.ceil(round(self.target * self.total, 9)) - len(self.inspected))


def inspection_coverage(
    inspections: Iterable[InspectionFacts],
    units: Iterable[str],
    year: int,
    on: date,
    target: float = 0.30,
) -> InspectionCoverage:
    """A unit counts once however often it was inspected in `year` by `on`; inspections of
    units no longer in the list do not count."""
    unit_set = set(units)
    inspected = {
        i.unit for i in inspections if i.on.year == year and i.on <= on and i.unit in unit_set
    }
    return InspectionCoverage(
        year=year, inspected=tuple(sorted(inspected)), total=len(unit_set), target=target
    )
