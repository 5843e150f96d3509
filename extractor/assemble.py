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
from collections.abc import Sequence
from typing import TYPE_CHECKING

from extractor.rules.modality import modality
from extractor.schema import Commitment, Deadline, Quantity, Span, TextSpan
from extractor.segment import (
    LIST_ITEM,
    Document,
    clause_end,
    full_stop_end,
    list_level,
    segment_end,
    sentence_start,
)

if TYPE_CHECKING:
    from extractor.rules.filters import Filtered


def link_quantities(measures: Sequence[Span], quantities: Sequence[Span], text: str) -> dict[int, int]:
    """Map quantity index -> measure index."""
    links: dict[int, int] = {}
    for qi, q in enumerate(quantities):
        inside = [mi for mi, m in enumerate(measures) if m.start <= q.start and q.end <= m.end]
        if inside:
            links[qi] = inside[0]
            continue
        before = [mi for mi, m in enumerate(measures) if m.end <= q.start]
        if before:
            mi = before[-1]
            if clause_end(text, measures[mi].end) >= q.start:
                links[qi] = mi
    return links


def _list_end(text: str, pos: int) -> int:
    """End of the enumerated list below the line holding ``pos``: the first later line that is not an
    item, or an item of a higher level than the list's own items (a new 四、 section ends a （一） list)."""
    line_end = text.find("\n", pos)
    if line_end < 0:
        return len(text)
    cursor, item_level = line_end + 1, None
    while cursor < len(text):
        nxt = text.find("\n", cursor)
        nxt = len(text) if nxt < 0 else nxt
        line = text[cursor:nxt].lstrip(" \t\u3000")
        level = list_level(line) if line and LIST_ITEM.match(line) else None
        if line and level is not None:
            if item_level is None:
                item_level = level
            elif level < item_level:
                return cursor
        elif line and item_level is not None:
            return cursor
        cursor = nxt + 1
    return len(text)


def link_deadlines(measures: Sequence[Span], deadlines: Sequence[Span], text: str) -> dict[int, int]:
    """Map measure index -> deadline index."""
    links: dict[int, int] = {}
    ordered = sorted(range(len(deadlines)), key=lambda i: deadlines[i].start)
    list_scopes: list[tuple[int, int, int]] = []  # (start, end, deadline index)
    for pos, di in enumerate(ordered):
        d = deadlines[di]
        seg_end = segment_end(text, d.end)
        nxt = deadlines[ordered[pos + 1]].start if pos + 1 < len(ordered) else len(text)
        limit = min(seg_end, nxt)
        for mi, m in enumerate(measures):
            contains = m.start <= d.start and d.end <= m.end
            after = d.end <= m.start and m.start < limit
            if contains or after:
                links[mi] = di
        stripped = text[d.end:seg_end].rstrip(" \t\u3000")
        colon = re.search(r"[：:]", text[d.end:seg_end])
        if stripped.endswith(("：", ":")) and seg_end < len(text) and text[seg_end] == "\n":
            list_scopes.append((seg_end, _list_end(text, d.end), di))
        elif colon:  # an in-line list (今年主要预期目标是：A；B；C。) runs to the end of its sentence
            list_scopes.append((d.end + colon.end(), full_stop_end(text, d.end), di))
    for start, end, di in list_scopes:
        for mi, m in enumerate(measures):
            if mi not in links and start <= m.start < end:
                links[mi] = di
    return links


def _role(text: str, span: Span, later_quantity: bool, unit: str, comparator: str) -> str:
    """qualifier when the amount describes the object (5000万元以上项目8个, 60岁以上老人), not when it
    counts it (建设500个重大项目)."""
    after = text[span.end:span.end + 1]
    if unit == "岁" or after == "的" or text[span.start:span.end].rstrip("以上").endswith("级"):
        return "qualifier"
    threshold = comparator == ">=" or unit in ("元", "平方米", "亩", "吨", "%")
    if later_quantity and threshold and re.match(r"[\u4e00-\u9fff]", after):
        return "qualifier"
    return "target"


def assemble(doc: Document, filtered: Filtered) -> list[Commitment]:
    """One Commitment per kept MEASURE, with the parsed values the filters attached (nothing is re-parsed)."""
    text, anchor = doc.text, doc.anchor
    measures, quantities, deadlines = filtered.of("MEASURE"), filtered.of("QUANTITY"), filtered.of("DEADLINE")
    q_links = link_quantities(measures, quantities, text)
    d_links = link_deadlines(measures, deadlines, text)
    commitments = []
    for mi, m in enumerate(measures):
        own = [qi for qi in sorted(q_links) if q_links[qi] == mi]
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
        commitments.append(Commitment(
            measure=TextSpan(start=m.start, end=m.end, text=text[m.start:m.end]),
            quantities=qs, deadline=deadline,
            modality=modality(text[m.start:m.end], text[sentence_start(text, m.start):m.start]),
            section=doc.section(m.start), score=score))
    return commitments
