"""Inline annotation markup: the way golden test cases and hand-annotated notice sources are written.

    下一步，将在<D k=by s=2025-06-18 e=2025-12-31>年底前</D><M>新建中心<Q v=12 u=个>12个</Q></M>

Tags (long or short names): MEASURE/M, QUANTITY/Q, DEADLINE/D. Attributes are ``key=value`` (quote
values that contain spaces). QUANTITY: value/v, unit/u, comparator/c (eq ge le gt lt approx range, or
the symbols without < and >: = ~ range), upper/hi, role/r (target qualifier). DEADLINE: kind/k (by period vague from),
start/s, end/e, id. MEASURE: dl=<deadline id> or dl=none to override the default deadline rule.
Only these tag names are markup; any other ``<`` in the text stays text. Parsing strips the tags and
returns the plain text with exact offsets; the text itself is never generated.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from typing import Any

from extractor.assemble import link_deadlines, link_quantities
from extractor.schema import Span

TAG = re.compile(r"<(/?)(MEASURE|QUANTITY|DEADLINE|M|Q|D)((?:\s+[^<>]*)?)>")
LONG = {"M": "MEASURE", "Q": "QUANTITY", "D": "DEADLINE"}
ATTR_ALIASES = {"v": "value", "u": "unit", "c": "comparator", "hi": "upper", "r": "role",
                "k": "kind", "s": "start", "e": "end"}
COMPARATORS = {"eq": "=", "=": "=", "ge": ">=", "le": "<=", "gt": ">", "lt": "<", "approx": "~", "~": "~",
               "range": "range"}


class MarkupError(ValueError):
    pass


@dataclass
class Marked:
    span: Span
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass
class ParsedMarkup:
    text: str
    items: list[Marked]

    def spans(self) -> list[Span]:
        return [m.span for m in self.items]

    def commitments(self) -> list[dict[str, Any]]:
        """Commitment records in the annotation JSON format (annotations/GUIDELINES.md)."""
        measures = [m for m in self.items if m.span.label == "MEASURE"]
        quantities = [m for m in self.items if m.span.label == "QUANTITY"]
        deadlines = [m for m in self.items if m.span.label == "DEADLINE"]
        q_links = link_quantities([m.span for m in measures], [q.span for q in quantities], self.text)
        d_links = link_deadlines([m.span for m in measures], [d.span for d in deadlines], self.text)
        by_id = {d.attrs["id"]: i for i, d in enumerate(deadlines) if "id" in d.attrs}
        out = []
        for mi, m in enumerate(measures):
            override = m.attrs.get("dl")
            if override == "none":
                di = None
            elif override is not None:
                if override not in by_id:
                    raise MarkupError(f"measure at {m.span.start} names unknown deadline id {override!r}")
                di = by_id[override]
            else:
                di = d_links.get(mi)
            out.append({
                "measure": [m.span.start, m.span.end],
                "quantities": [_quantity(quantities[qi]) for qi, target in sorted(q_links.items())
                               if target == mi],
                "deadline": _deadline(deadlines[di]) if di is not None else None,
            })
        return out


def _number(raw: str) -> int | float:
    value = float(raw)
    return int(value) if value.is_integer() and "." not in raw else value


def _quantity(q: Marked) -> dict[str, Any]:
    a = q.attrs
    if "value" not in a or "unit" not in a:
        raise MarkupError(f"QUANTITY at {q.span.start} needs value and unit")
    comparator = COMPARATORS.get(a.get("comparator", "eq"))
    if comparator is None:
        raise MarkupError(f"QUANTITY at {q.span.start}: unknown comparator {a['comparator']!r}")
    out: dict[str, Any] = {"span": [q.span.start, q.span.end], "value": _number(a["value"]), "unit": a["unit"],
                           "comparator": comparator, "role": a.get("role", "target")}
    if "upper" in a:
        out["upper"] = _number(a["upper"])
    return out


def _deadline(d: Marked) -> dict[str, Any]:
    a = d.attrs
    kind = a.get("kind")
    if kind not in ("by", "period", "vague", "from"):
        raise MarkupError(f"DEADLINE at {d.span.start} needs kind=by|period|vague|from, got {kind!r}")
    return {"span": [d.span.start, d.span.end], "start": a.get("start"), "end": a.get("end"), "kind": kind}


def _attrs(raw: str, where: int) -> dict[str, str]:
    try:
        parts = shlex.split(raw)
    except ValueError as exc:
        raise MarkupError(f"bad attributes at {where}: {raw!r} ({exc})") from exc
    out = {}
    for part in parts:
        key, eq, value = part.partition("=")
        if not eq:
            raise MarkupError(f"attribute {part!r} at {where} is not key=value")
        out[ATTR_ALIASES.get(key, key)] = value
    return out


def parse(markup: str) -> ParsedMarkup:
    text_parts: list[str] = []
    items: list[Marked] = []
    open_tags: list[tuple[str, int, dict[str, str]]] = []
    length, cursor = 0, 0
    for match in TAG.finditer(markup):
        chunk = markup[cursor:match.start()]
        text_parts.append(chunk)
        length += len(chunk)
        cursor = match.end()
        closing, name, raw = match.group(1), LONG.get(match.group(2), match.group(2)), match.group(3)
        if not closing:
            open_tags.append((name, length, _attrs(raw, length)))
            continue
        if not open_tags or open_tags[-1][0] != name:
            raise MarkupError(f"closing </{name}> at text offset {length} does not match an open tag")
        _, start, attrs = open_tags.pop()
        if length <= start:
            raise MarkupError(f"empty {name} at text offset {start}")
        items.append(Marked(Span(start=start, end=length, label=name), attrs))
    if open_tags:
        raise MarkupError(f"unclosed <{open_tags[-1][0]}> at text offset {open_tags[-1][1]}")
    text_parts.append(markup[cursor:])
    items.sort(key=lambda m: (m.span.start, m.span.end))
    return ParsedMarkup("".join(text_parts), items)


def render(text: str, spans: list[Span], attrs: dict[tuple[int, int, str], str] | None = None,
           short: bool = False) -> str:
    """Inverse of parse: tags around the spans, with each span's attribute string from ``attrs`` (keyed by
    (start, end, label)) and short tag names (M/Q/D) when asked."""
    short_names = {v: k for k, v in LONG.items()}
    # At one position: closings before openings, inner spans closed first and opened last.
    events: list[tuple[int, int, int, str]] = []
    for s in spans:
        name = short_names[s.label] if short else s.label
        extra = (attrs or {}).get((s.start, s.end, s.label), "")
        events.append((s.start, 1, -s.end, f"<{name}{extra}>"))
        events.append((s.end, 0, -s.start, f"</{name}>"))
    out, cursor = [], 0
    for pos, _, _, tag in sorted(events):
        out.append(text[cursor:pos])
        out.append(tag)
        cursor = pos
    out.append(text[cursor:])
    return "".join(out)
