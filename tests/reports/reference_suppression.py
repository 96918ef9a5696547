"""The suppression solver as it was first written: the oracle the faster one is checked
against (tests/reports/test_solver_matches_reference.py). Not used by the app."""

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

INFINITY = Decimal("Infinity")

#: What a hidden cell shows when it is not a small count: hidden so that a small count
#: cannot be computed back, or a measure of a small group.
HIDDEN = "x"


@dataclass
class Line:
    parts: list
    total: Hashable | None  # None: a total the reader knows without it being a cell here
    family: Hashable | None
    people: bool


@dataclass
class Suppression:
    below: int
    values: dict = field(default_factory=dict)
    people: set = field(default_factory=set)
    hidden: set = field(default_factory=set)
    lines: list = field(default_factory=list)
    _units: dict = field(default_factory=dict)
    _lines_of: dict = field(default_factory=lambda: defaultdict(list))
    _families: dict = field(default_factory=lambda: defaultdict(list))
    _open_totals: set = field(default_factory=set)

    # Cells ------------------------------------------------------------------------------
    def _small(self, value) -> bool:
        return value is not None and 0 < value < self.below

    def count(self, key, value: int, *, group=None):
        """A count of people (or of their marks): hidden from 1 to below-1, and hidden
        whatever it is (unless zero) when it counts a group of 1 to below-1 people."""
        self.values[key] = value
        self.people.add(key)
        self._units[key] = 1
        if self._small(value) or (value and self._small(group)):
            self.hidden.add(key)
        return key

    def amount(self, key, value, *, group, unit=Decimal("0.25")):
        """A measure of a group of people (hours): hidden when the group has 1 to
        below-1 people, unless it is zero. `unit` is its smallest non-zero value."""
        self.values[key] = value
        self._units[key] = unit
        if value and self._small(group):
            self.hidden.add(key)
        return key

    def line(self, parts: Iterable, total=None, *, family=None) -> None:
        """`parts` add up to `total` (a cell), or to a total the reader knows (None).

        A `family` groups lines with the same implied total (one measure broken down by
        sex, by age band, by citizenship)."""
        parts = [p for p in parts if p in self.values]
        if not parts or (total is not None and total not in self.values):
            return
        line = Line(parts, total, family, parts[0] in self.people)
        self.lines.append(line)
        for key in [*parts, total]:
            if key is not None:
                self._lines_of[key].append(line)
        if family is not None:
            self._families[family].append(line)

    # Solving ------------------------------------------------------------------------------
    def _bounds(self, key, people: bool) -> tuple[Decimal, Decimal]:
        value = Decimal(self.values[key])
        if key not in self.hidden:
            return value, value
        if not people:
            return Decimal(self._units[key]), INFINITY
        if self._small(self.values[key]):
            return Decimal(1), Decimal(self.below - 1)
        return Decimal(self.below), INFINITY

    def _total_bounds(self, line: Line) -> tuple[Decimal, Decimal] | None:
        if line.total is not None:
            return self._bounds(line.total, line.people)
        if line.family is not None and line.family in self._open_totals:
            return None  # no dimension gives this total away any more
        total = Decimal(sum(self.values[p] for p in line.parts))
        if line.people and self._small(total):
            return Decimal(1), Decimal(self.below - 1)  # every one of its cells is "<5"
        return total, total

    def _unsafe(self, line: Line) -> bool:
        """Can a hidden cell of the line be computed exactly from the rest?"""
        cells = [p for p in line.parts if p in self.hidden]
        total_hidden = line.total is not None and line.total in self.hidden
        if not cells and not total_hidden:
            return False
        total = self._total_bounds(line)
        if total is None:
            return False
        bounds = [self._bounds(p, line.people) for p in line.parts]
        low = sum(lo for lo, _hi in bounds)
        finite_high = sum(hi for _lo, hi in bounds if hi != INFINITY)
        infinite = sum(1 for _lo, hi in bounds if hi == INFINITY)
        for key, (lo, hi) in zip(line.parts, bounds, strict=True):
            if key not in self.hidden:
                continue
            others_low = low - lo
            if infinite - (hi == INFINITY):
                others_high = INFINITY
            else:
                others_high = finite_high - (hi if hi != INFINITY else 0)
            least = max(lo, total[0] - others_high)
            most = min(hi, total[1] - others_low)
            if least == most:
                return True
        if total_hidden:
            high = INFINITY if infinite else finite_high
            if max(total[0], low) == min(total[1], high):
                return True
        return False

    def _next_to_hide(self, line: Line):
        shown = [p for p in line.parts if p not in self.hidden and self.values[p]]
        if shown:
            return min(shown, key=lambda p: self.values[p])  # first of the smallest
        if line.total is not None and line.total not in self.hidden and self.values[line.total]:
            return line.total
        return None

    def _hide(self, key, queue: list) -> None:
        self.hidden.add(key)
        queue.extend(self._lines_of[key])

    def solve(self) -> "Suppression":
        """Hide complementary cells until no line gives a hidden cell back."""
        queue = [line for line in self.lines]
        while queue:
            line = queue.pop()
            while self._unsafe(line):
                key = self._next_to_hide(line)
                if key is not None:
                    self._hide(key, queue)
                    continue
                if line.family is None:
                    break  # nothing left to hide: every cell and the total already are
                # The total is implied by the family's other lines: hide every non-zero
                # cell of all of them, so that none of them gives it away.
                self._open_totals.add(line.family)
                for sibling in self._families[line.family]:
                    for part in sibling.parts:
                        if part not in self.hidden and self.values[part]:
                            self._hide(part, queue)
                break
        return self

    # Reading ------------------------------------------------------------------------------
    def is_hidden(self, key) -> bool:
        return key in self.hidden

    def shown(self, key, default=0):
        """The value of `key`, or its marker: "<5" for a small count, "x" otherwise."""
        if key not in self.values:
            return default
        if key not in self.hidden:
            return self.values[key]
        if key in self.people and self._small(self.values[key]):
            return f"<{self.below}"
        return HIDDEN

    def visible(self) -> dict:
        """{key: value or marker} of every cell: what the reports show (cacheable)."""
        return {key: self.shown(key) for key in self.values}
