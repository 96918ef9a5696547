"""The solver hides exactly the cells its first, plain version hid, on many random tables.

The faster solver (reports.suppression) skips lines whose cells did not change; what
coordinators see must not change with it: the same hidden cells, the same markers."""

import random
from decimal import Decimal

import pytest

from civic_app.reports.suppression import Suppression
from tests.reports import reference_suppression


def _build(solver_class, seed: int):
    rng = random.Random(seed)
    s = solver_class(below=5)

    def count():
        return rng.choice([0, 0, rng.randint(1, 4), rng.randint(5, 40)])

    for table in range(rng.randint(1, 4)):
        rows, cols = rng.randint(1, 6), rng.randint(1, 5)
        grid = {(r, c): count() for r in range(rows) for c in range(cols)}
        for (r, c), value in grid.items():
            s.count(("t", table, r, c), value)
            hours = Decimal(rng.randint(0, 40)) / 4 if value else Decimal(0)
            s.amount(("h", table, r, c), hours, group=value)
        for r in range(rows):
            total = sum(grid[(r, c)] for c in range(cols))
            s.count(("row", table, r), total)
            s.line([("t", table, r, c) for c in range(cols)], ("row", table, r))
            s.line([("h", table, r, c) for c in range(cols)])
        for c in range(cols):
            total = sum(grid[(r, c)] for r in range(rows))
            s.count(("col", table, c), total)
            s.line([("t", table, r, c) for r in range(rows)], ("col", table, c))
        s.count(("all", table), sum(grid.values()))
        s.line([("row", table, r) for r in range(rows)], ("all", table))
        s.line([("col", table, c) for c in range(cols)], ("all", table))
        # One measure broken down two ways: the same total, implied (a family).
        people = rng.randint(0, 30)
        for dimension in ("sex", "age"):
            parts = _split(rng, people, rng.randint(2, 4))
            keys = [s.count(("b", table, dimension, i), v) for i, v in enumerate(parts)]
            s.line(keys, family=("b", table))
    return s.solve()


def _split(rng, total: int, n: int) -> list[int]:
    cuts = sorted(rng.randint(0, total) for _ in range(n - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


@pytest.mark.parametrize("seed", range(300))
def test_the_same_cells_are_hidden_as_by_the_plain_solver(seed):
    fast = _build(Suppression, seed)
    plain = _build(reference_suppression.Suppression, seed)
    assert fast.hidden == plain.hidden
    assert fast.visible() == plain.visible()
