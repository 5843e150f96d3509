"""Assembly: link quantities and deadlines to the measures they belong to (annotations/GUIDELINES.md,
"Commitments") and build the Commitment records from the filtered spans and their parsed values.

The same linking serves predictions and the gold markup converter, so gold and system follow one rule:
- a QUANTITY belongs to the MEASURE that contains it, else to the nearest MEASURE before it in its clause;
- a DEADLINE governs the MEASURE that contains it and every MEASURE after it up to the end of its
  segment (；。 or a line break) or until the next DEADLINE;
- a DEADLINE whose segment ends with a colon opens a list: it governs every measure of the list that
  has no deadline of its own (the list ends at the first later line that is not a list item).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from extractor.intervals import Intervals
from extractor.rules.modality import first_hedge, modality
from extractor.rules.specificity import level
from extractor.schema import Commitment, Deadline, Quantity, Span, TextSpan
from extractor.segment import (
    LIST_ITEM,
    Document,
    clause_end,
    full_stop_end,
    list_level,
    next_stop,
    segment_end,
    sentence_start,
)

if TYPE_CHECKING:
    from extractor.rules.filters import Filtered


def link_quantities(measures: Sequence[Span], quantities: Sequence[Span], text: str) -> dict[int, int]:
    """Map quantity index -> measure index."""
    links: dict[int, int] = {}
    index = Intervals(measures)
    by_end = sorted(range(len(measures)), key=lambda mi: measures[mi].end)
    ends = [measures[mi].end for mi in by_end]
    latest: list[int] = []  # the highest measure index among the first k measures by end
    for mi in by_end:
        latest.append(max(mi, latest[-1]) if latest else mi)
    for qi, q in enumerate(quantities):
        inside = index.containing(q.start, q.end)
        if inside:
            links[qi] = min(inside)
            continue
        k = bisect_right(ends, q.start) - 1  # measures ending at or before the quantity
        if k >= 0:
            mi = latest[k]
            if clause_end(text, measures[mi].end) >= q.start:
                links[qi] = mi
    return links


@dataclass(frozen=True)
class _ListLines:
    """Line starts of a text by kind: list items (by level) and other non-blank lines."""

    items: list[int]
    item_levels: list[int]
    others: list[int]
    above: dict[int, list[int]]  # level -> starts of items of a higher rank (a lower level number)


@lru_cache(maxsize=4)
def _list_lines(text: str) -> _ListLines:
    """Read once per text: a notice of thousands of colon-ended lines asks for a list end per line."""
    items: list[int] = []
    levels: list[int] = []
    others: list[int] = []
    above: dict[int, list[int]] = {level: [] for level in range(5)}
    cursor = 0
    for raw in text.split("\n"):
        line = raw.lstrip(" \t\u3000")
        level = list_level(line) if line and LIST_ITEM.match(line) else None
        if level is not None:
            items.append(cursor)
            levels.append(level)
            for higher in range(level + 1, 5):
                above[higher].append(cursor)
        elif line:
            others.append(cursor)
        cursor += len(raw) + 1
    return _ListLines(items, levels, others, above)


def _next(starts: list[int], pos: int, default: int) -> int:
    k = bisect_right(starts, pos)
    return starts[k] if k < len(starts) else default


def _list_end(text: str, pos: int) -> int:
    """End of the enumerated list below the line holding ``pos``: the first later line that is not an
    item, or an item of a higher level than the list's own items (a new 四、 section ends a （一） list).
    Lines before the first item are skipped."""
    line_end = text.find("\n", pos)
    if line_end < 0:
        return len(text)
    lines = _list_lines(text)
    k = bisect_left(lines.items, line_end + 1)
    if k == len(lines.items):
        return len(text)
    first, level = lines.items[k], lines.item_levels[k]
    return min(_next(lines.others, first, len(text)), _next(lines.above[level], first, len(text)))


def link_deadlines(measures: Sequence[Span], deadlines: Sequence[Span], text: str) -> dict[int, int]:
    """Map measure index -> deadline index."""
    links: dict[int, int] = {}
    index = Intervals(measures)
    ordered = sorted(range(len(deadlines)), key=lambda i: deadlines[i].start)
    list_scopes: list[tuple[int, int, int]] = []  # (start, end, deadline index)
    visible_end: dict[int, int] = {}  # per segment end: where its text ends once trailing blanks are cut
    for pos, di in enumerate(ordered):
        d = deadlines[di]
        seg_end = segment_end(text, d.end)
        nxt = deadlines[ordered[pos + 1]].start if pos + 1 < len(ordered) else len(text)
        limit = min(seg_end, nxt)
        for mi in index.containing(d.start, d.end) + index.starting_in(d.end, limit):
            links[mi] = di
        if seg_end not in visible_end:
            tail = seg_end
            while tail > 0 and text[tail - 1] in " \t\u3000":
                tail -= 1
            visible_end[seg_end] = tail
        tail = visible_end[seg_end]
        colon = next_stop(text, d.end, "：:")
        if tail > d.end and text[tail - 1] in "：:" and seg_end < len(text) and text[seg_end] == "\n":
            list_scopes.append((seg_end, _list_end(text, d.end), di))
        elif colon < seg_end:  # an in-line list (今年主要预期目标是：A；B；C。) runs to the end of its sentence
            list_scopes.append((colon + 1, full_stop_end(text, d.end), di))
    for start, end, di in list_scopes:
        for mi in index.starting_in(start, end):
            if mi not in links:
                links[mi] = di
    return links


def _role(text: str, span: Span, later_quantity: bool, unit: str, comparator: str) -> str:
    """qualifier when the amount describes the object (5000万元以上项目8个, 60岁以上老人), not when it
    counts it (建设500个重大项目)."""
    after = text[span.end:span.end + 1]
    if unit == "岁" or after == "的" or text[span.start:span.end].rstrip("以上").endswith("级"):
        return "qualifier"
    noun_after = re.match(r"[\u4e00-\u9fff]", after) is not None
    if comparator == ">=" and text[span.start - 1:span.start] == "对" and noun_after:
        return "qualifier"  # 对千人以上供水工程开展检测: the threshold selects the objects
    threshold = comparator == ">=" or unit in ("元", "平方米", "亩", "吨", "%")
    if later_quantity and threshold and noun_after:
        return "qualifier"
    return "target"


def _hedge_before(text: str, pos: int, hedges: dict[int, tuple[int, int] | None]) -> str:
    """What modality() needs of the sentence before ``pos``: the hedge that ends first, if it ends before
    ``pos``, else nothing (the same answer as the whole prefix, without slicing it once per measure)."""
    start = sentence_start(text, pos)
    if start not in hedges:
        hedges[start] = first_hedge(text, start, segment_end(text, start))
    hedge = hedges[start]
    return text[hedge[0]:hedge[1]] if hedge and hedge[1] <= pos else ""


def assemble(doc: Document, filtered: Filtered) -> list[Commitment]:
    """One Commitment per kept MEASURE, with the parsed values the filters attached (nothing is re-parsed)."""
    text, anchor = doc.text, doc.anchor
    measures, quantities, deadlines = filtered.of("MEASURE"), filtered.of("QUANTITY"), filtered.of("DEADLINE")
    q_links = link_quantities(measures, quantities, text)
    d_links = link_deadlines(measures, deadlines, text)
    owned: dict[int, list[int]] = {}
    for qi in sorted(q_links):
        owned.setdefault(q_links[qi], []).append(qi)
    hedges: dict[int, tuple[int, int] | None] = {}  # per sentence start: its first hedge
    commitments = []
    for mi, m in enumerate(measures):
        own = owned.get(mi, [])
        qs = []
        for pos, qi in enumerate(own):
            q = quantities[qi]
            p = filtered.quantities[(q.start, q.end)]
            qs.append(Quantity(start=q.start, end=q.end, text=text[q.start:q.end], value=p.value, upper=p.upper,
                               unit=p.unit, comparator=p.comparator,
                               role=_role(text, q, pos + 1 < len(own), p.unit, p.comparator)))
        deadline = None
        di = d_links.get(mi)
        if di is not None:
            d = deadlines[di]
            p = filtered.deadlines[(d.start, d.end)]
            deadline = Deadline(start=d.start, end=d.end, text=text[d.start:d.end], kind=p.kind,
                                start_date=p.start, end_date=p.end, anchor=anchor)
        score = min([m.score] + [quantities[qi].score for qi in own])
        dated = deadline is not None and deadline.kind != "vague" and (deadline.end_date or deadline.start_date)
        commitments.append(Commitment(
            measure=TextSpan(start=m.start, end=m.end, text=text[m.start:m.end]),
            quantities=qs, deadline=deadline,
            modality=modality(text[m.start:m.end], _hedge_before(text, m.start, hedges)),
            section=doc.section(m.start), score=score,
            specificity=level(any(q.role == "target" for q in qs), bool(dated), text[m.start:m.end])))
    return commitments
