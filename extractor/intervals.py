"""Range questions over spans by bisection. The rules ask, per clause or per span, which spans start in,
lie within or contain a range; a scan over every span per question is quadratic, and a hostile notice
(60,000 deadlines in one sentence) turns that into hours."""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Sequence
from typing import Protocol


class HasBounds(Protocol):
    start: int
    end: int


def _bounds(item: HasBounds | tuple[int, int]) -> tuple[int, int]:
    return item if isinstance(item, tuple) else (item.start, item.end)


class Intervals:
    """A fixed list of (start, end) ranges, answered as indices into that list."""

    def __init__(self, items: Sequence[HasBounds | tuple[int, int]]):
        bounds = [_bounds(i) for i in items]
        self.order = sorted(range(len(bounds)), key=lambda i: bounds[i])
        self.starts = [bounds[i][0] for i in self.order]
        self.ends = [bounds[i][1] for i in self.order]
        self.reach: list[int] = []  # the furthest end among the first k ranges (by start)
        for e in self.ends:
            self.reach.append(max(e, self.reach[-1]) if self.reach else e)

    def starting_in(self, a: int, b: int) -> list[int]:
        """Indices of ranges whose start lies in [a, b)."""
        return self.order[bisect_left(self.starts, a):bisect_left(self.starts, b)]

    def within(self, a: int, b: int) -> list[int]:
        """Indices of ranges inside [a, b]."""
        lo, hi = bisect_left(self.starts, a), bisect_right(self.starts, b)
        return [self.order[k] for k in range(lo, hi) if self.ends[k] <= b]

    def containing(self, a: int, b: int) -> list[int]:
        """Indices of ranges that hold [a, b]. Walks back from the last range starting at or before ``a``
        while an earlier range could still reach ``b`` (one step when the ranges do not overlap)."""
        out = []
        k = bisect_right(self.starts, a) - 1
        while k >= 0 and self.reach[k] >= b:
            if self.ends[k] >= b:
                out.append(self.order[k])
            k -= 1
        return out


class Disjoint:
    """Ranges that never overlap, kept sorted as they are added: does a new range overlap one of them?"""

    def __init__(self) -> None:
        self.ranges: list[tuple[int, int]] = []

    def overlaps(self, start: int, end: int) -> bool:
        # the ranges are disjoint, so their ends are sorted too: only the last one starting before ``end``
        # can reach past ``start``
        k = bisect_left(self.ranges, (end, end)) - 1
        return k >= 0 and self.ranges[k][1] > start

    def add(self, start: int, end: int) -> None:
        insort(self.ranges, (start, end))
