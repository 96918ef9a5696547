"""Hiding small counts so that they cannot be worked back (docs/reports.md, "Privacy").

What coordinators receive (the national dashboard and the network's files) shows no
count of 1 to `below - 1` people, and no measure of such a small group:

- primary suppression: a count of people (or of their marks) from 1 to below-1 is shown
  as "<5"; the hours (and any other measure) of a group of 1 to below-1 people are shown
  as "x"; zero is shown, since it says nothing about anyone;
- complementary (secondary) suppression: figures that add up to a total the reader knows
  (a table's total row, another table's figure, or the same total broken down by another
  dimension) are a "line". In a line with a hidden cell, the smallest other non-zero
  cells are hidden too ("x") until no hidden cell can be computed back exactly from the
  total and what is shown, given what the markers say ("<5" is 1 to below-1, an "x" count
  is at least `below`, hidden hours are at least a quarter hour). When no cell is left to
  hide in a line, its total is hidden; a line whose total is only implied (the other
  dimensions of a breakdown) then hides every non-zero cell of its family of lines, so
  that no dimension gives the total away.

`Suppression` is the solver: cells with their values, lines between them, `solve()`, then
`shown(key)`. It knows nothing about reports; reports.protection builds the cells.
"""

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
    #: Bumped whenever one of its cells is hidden or its family's total opens: a line
    #: checked at its current version needs no second look (the answer depends on
    #: nothing else).
    version: int = field(default=0, compare=False)
    settled: int = field(default=-1, compare=False)


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
    def _bounds(self, key, people: bool):
        """(least, most) a reader can tell of the cell; ints where exact (no Decimal is
        built for a shown count: the national files have some 100,000 cells)."""
        value = self.values[key]
        if key not in self.hidden:
            return value, value
        if not people:
            return self._units[key], INFINITY
        if self._small(value):
            return 1, self.below - 1
        return self.below, INFINITY

    def _total_bounds(self, line: Line):
        if line.total is not None:
            return self._bounds(line.total, line.people)
        if line.family is not None and line.family in self._open_totals:
            return None  # no dimension gives this total away any more
        values = self.values
        total = sum(values[p] for p in line.parts)
        if line.people and self._small(total):
            return 1, self.below - 1  # every one of its cells is "<5"
        return total, total

    def _unsafe(self, line: Line) -> bool:
        """Can a hidden cell of the line be computed exactly from the rest?"""
        hidden = self.hidden
        total_hidden = line.total is not None and line.total in hidden
        if not total_hidden and hidden.isdisjoint(line.parts):
            return False
        total = self._total_bounds(line)
        if total is None:
            return False
        # _bounds of every part, inlined: the network's lines have hundreds of parts.
        values, units, below, people = self.values, self._units, self.below, line.people
        bounds = []
        low = 0
        finite_high = 0
        infinite = 0
        for p in line.parts:
            value = values[p]
            if p not in hidden:
                lo = hi = value
            elif not people:
                lo, hi = units[p], INFINITY
            elif value is not None and 0 < value < below:
                lo, hi = 1, below - 1
            else:
                lo, hi = below, INFINITY
            bounds.append((lo, hi))
            low += lo
            if hi is INFINITY:
                infinite += 1
            else:
                finite_high += hi
        total_low, total_high = total
        for key, (lo, hi) in zip(line.parts, bounds, strict=True):
            if key not in hidden:
                continue
            others_low = low - lo
            if infinite - (hi is INFINITY):
                others_high = INFINITY
            else:
                others_high = finite_high - (0 if hi is INFINITY else hi)
            least = max(lo, total_low - others_high)
            most = min(hi, total_high - others_low)
            if least == most:
                return True
        if total_hidden:
            high = INFINITY if infinite else finite_high
            if max(total_low, low) == min(total_high, high):
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
        lines = self._lines_of[key]
        for line in lines:
            line.version += 1
        queue.extend(lines)

    def solve(self) -> "Suppression":
        """Hide complementary cells until no line gives a hidden cell back."""
        queue = [line for line in self.lines]
        while queue:
            line = queue.pop()
            if line.settled == line.version:
                continue  # nothing it depends on changed since it was last settled
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
                    sibling.version += 1
                    for part in sibling.parts:
                        if part not in self.hidden and self.values[part]:
                            self._hide(part, queue)
                break
            line.settled = line.version
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
