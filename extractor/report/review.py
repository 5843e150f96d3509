"""One review page per notice: the notice text with MEASURE, QUANTITY and DEADLINE highlighted (displaCy
span style: coloured marks, the label shown at a span's start) beside the table of its commitments.

Spans are drawn from their offsets into the original text; the text is HTML-escaped piece by piece and
never altered, so the page's text content equals the notice text (labels are CSS ``::before`` content,
which is not part of it). Nested spans become nested marks; spans that cross are split into pieces.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from html import escape

from extractor.schema import Commitment, Extraction

RANK = {"MEASURE": 0, "DEADLINE": 1, "QUANTITY": 2}   # outer layer first where spans coincide
SYMBOLS = {"=": "=", ">=": "≥", "<=": "≤", "~": "≈", ">": ">", "<": "<", "range": "="}
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_CONTROL = re.compile(r"[\r\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def esc(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def text_html(text: str) -> str:
    """Escape text for an element with ``white-space: pre-wrap``; carriage returns and other control
    characters become character references so the parser does not normalise them away."""
    return _CONTROL.sub(lambda m: f"&#{ord(m.group(0))};", escape(text, quote=False))


class PageNamer:
    """A file name per notice id: the id where it is a safe file name, else a hash; unique even on
    case-insensitive file systems (a later id that collides gets a hash suffix)."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self._taken: set[str] = set()

    def __call__(self, nid: str) -> str:
        if nid in self.names:
            return self.names[nid]
        digest = hashlib.sha1(nid.encode("utf-8")).hexdigest()
        stem = nid if _SAFE_ID.fullmatch(nid) else "n-" + digest[:16]
        if stem.lower() in self._taken:
            stem = f"{stem}-{digest[:8]}"
        self._taken.add(stem.lower())
        self.names[nid] = stem + ".html"
        return self.names[nid]


def page_names(ids: Iterable[str]) -> dict[str, str]:
    namer = PageNamer()
    for nid in ids:
        namer(nid)
    return namer.names


def span_id(start: int, end: int, label: str) -> str:
    return f"{label[0].lower()}-{start}-{end}"


def review_spans(e: Extraction) -> list[tuple[int, int, str]]:
    """All tagged spans plus every span a commitment points at, deduplicated, valid against the text."""
    found = {(s.start, s.end, s.label) for s in e.spans}
    for c in e.commitments:
        found.add((c.measure.start, c.measure.end, "MEASURE"))
        found.update((q.start, q.end, "QUANTITY") for q in c.quantities)
        if c.deadline:
            found.add((c.deadline.start, c.deadline.end, "DEADLINE"))
    n = len(e.text or "")
    return sorted((s for s in found if 0 <= s[0] < s[1] <= n), key=lambda s: (s[0], -s[1], RANK[s[2]]))


def highlight(text: str, spans: Sequence[tuple[int, int, str]]) -> str:
    """HTML of ``text`` with each (start, end, label) span as a <mark>; spans must lie inside the text."""
    order = {s: i for i, s in enumerate(sorted(spans, key=lambda s: (s[0], -s[1], RANK[s[2]])))}
    starts: dict[int, list] = {}
    for s in order:
        starts.setdefault(s[0], []).append(s)
    bounds = sorted({0, len(text)} | {b for s in order for b in s[:2]})
    out: list[str] = []
    stack: list[tuple[int, int, str]] = []
    active: set[tuple[int, int, str]] = set()
    for i, pos in enumerate(bounds[:-1]):
        active = {s for s in active if s[1] > pos} | set(starts.get(pos, ()))
        want = sorted(active, key=order.__getitem__)
        keep = 0
        while keep < min(len(stack), len(want)) and stack[keep] == want[keep]:
            keep += 1
        out.extend("</mark>" for _ in stack[keep:])
        for s in want[keep:]:
            first = s[0] == pos
            out.append(f'<mark class="hl {s[2]}{" first" if first else ""}" data-label="{s[2]}" '
                       f'data-start="{s[0]}" data-end="{s[1]}"'
                       + (f' id="{span_id(*s)}"' if first else "") + ">")
        stack = want
        out.append(text_html(text[pos:bounds[i + 1]]))
    out.extend("</mark>" for _ in stack)
    return "".join(out)


def _quantities(c: Commitment) -> str:
    items = []
    for q in c.quantities:
        value = f"{q.value}" + (f"–{q.upper}" if q.upper is not None else "")
        comparator = SYMBOLS.get(q.comparator, q.comparator)
        items.append(f'<li class="{esc(q.role)}"><a href="#{span_id(q.start, q.end, "QUANTITY")}">{esc(q.text)}</a>'
                     f' {esc(comparator)} {esc(value)} {esc(q.unit)}'
                     + (' <span class="role">qualifier</span>' if q.role == "qualifier" else "") + "</li>")
    return f"<ul>{''.join(items)}</ul>" if items else ""


def _deadline(c: Commitment) -> str:
    d = c.deadline
    if d is None:
        return ""
    when = d.end_date.isoformat() if d.end_date else ""
    if d.start_date and d.kind == "period":
        when = f"{d.start_date.isoformat()} – {when}"
    return (f'<a href="#{span_id(d.start, d.end, "DEADLINE")}">{esc(d.text)}</a> '
            f'<span class="kind">{esc(d.kind)}</span> {esc(when)}')


def commitments_table(e: Extraction) -> str:
    rows = []
    for i, c in enumerate(e.commitments, 1):
        mid = span_id(c.measure.start, c.measure.end, "MEASURE")
        rows.append(
            f'<tr data-measure="{mid}" class="{esc(c.modality)}"><td class="num">{i}</td>'
            f'<td><a href="#{mid}">{esc(c.measure.text)}</a></td><td>{_quantities(c)}</td><td>{_deadline(c)}</td>'
            f'<td>{esc(c.modality)}</td><td>{esc(" › ".join(c.section))}</td></tr>')
    if not rows:
        return '<p class="empty">No commitments were extracted from this notice.</p>'
    return ('<table class="commitments" id="commitments"><thead><tr><th>#</th><th>Measure</th><th>Quantities</th>'
            f'<th>Deadline</th><th>Modality</th><th>Section</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')
