"""Write a gold notice back as a markup source (front matter + inline tags with their attributes).

The inverse of ``source.build_notice``: ``build_notice(render_source(n))`` gives ``n`` back whenever the
links in ``n`` are those the automatic rule (assemble.py) draws, or differ only where a ``dl=`` override
can say so. Used by ``import-ls --as-source`` and by the agreement tooling.
"""

from __future__ import annotations

from typing import Any

import yaml

from extractor.assemble import link_deadlines, link_quantities
from extractor.markup import render
from extractor.schema import Span

COMPARATOR_CODES = {"=": None, ">=": "ge", "<=": "le", ">": "gt", "<": "lt", "~": "approx", "range": "range"}


def _fmt(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return repr(value)  # keep 4.0 a float
    return str(value)


def _quote(value: str) -> str:
    return value if value and not any(c.isspace() or c in "<>\"'" for c in value) else '"' + value + '"'


def _attrs(pairs: list[tuple[str, Any]]) -> str:
    return "".join(f" {k}={_quote(_fmt(v))}" for k, v in pairs if v is not None)


def tag_attributes(notice: dict[str, Any]) -> dict[tuple[int, int, str], str]:
    """Attribute strings per span (start, end, label), with deadline ids and dl= overrides where needed."""
    text = notice["text"]
    spans = [Span(start=s["start"], end=s["end"], label=s["label"]) for s in notice["spans"]]
    measures = [s for s in spans if s.label == "MEASURE"]
    quantities = [s for s in spans if s.label == "QUANTITY"]
    deadlines = [s for s in spans if s.label == "DEADLINE"]
    attrs: dict[tuple[int, int, str], str] = {}
    q_values: dict[tuple[int, int], dict] = {}
    d_values: dict[tuple[int, int], dict] = {}
    gold_links: dict[tuple[int, int], tuple[int, int] | None] = {}
    for c in notice["commitments"]:
        for q in c["quantities"]:
            q_values[tuple(q["span"])] = q
        if c["deadline"] is not None:
            d_values[tuple(c["deadline"]["span"])] = c["deadline"]
        gold_links[tuple(c["measure"])] = tuple(c["deadline"]["span"]) if c["deadline"] else None
    auto_q = link_quantities(measures, quantities, text)
    for qi, q in enumerate(quantities):
        gold_q = q_values.get((q.start, q.end))
        if gold_q is None:
            raise ValueError(f"QUANTITY {q.start}-{q.end} has no values in any commitment")
        owner = next(tuple(c["measure"]) for c in notice["commitments"]
                     if any(tuple(x["span"]) == (q.start, q.end) for x in c["quantities"]))
        auto = auto_q.get(qi)
        if auto is None or (measures[auto].start, measures[auto].end) != owner:
            raise ValueError(f"QUANTITY {q.start}-{q.end} is linked to a measure the markup cannot express")
        attrs[(q.start, q.end, "QUANTITY")] = _attrs([
            ("v", gold_q["value"]), ("u", gold_q["unit"]), ("c", COMPARATOR_CODES[gold_q["comparator"]]),
            ("hi", gold_q.get("upper")), ("r", None if gold_q["role"] == "target" else gold_q["role"])])
    auto_d = link_deadlines(measures, deadlines, text)
    overrides: dict[tuple[int, int], str] = {}
    named: dict[tuple[int, int], str] = {}
    for mi, m in enumerate(measures):
        want = gold_links.get((m.start, m.end))
        got = auto_d.get(mi)
        got_span = (deadlines[got].start, deadlines[got].end) if got is not None else None
        if want == got_span:
            continue
        if want is None:
            overrides[(m.start, m.end)] = "none"
        else:
            named.setdefault(want, f"d{len(named) + 1}")
            overrides[(m.start, m.end)] = named[want]
    for d in deadlines:
        v = d_values.get((d.start, d.end))
        if v is None:
            raise ValueError(f"DEADLINE {d.start}-{d.end} governs no measure: its values are unknown")
        attrs[(d.start, d.end, "DEADLINE")] = _attrs([("id", named.get((d.start, d.end))), ("k", v["kind"]),
                                                      ("s", v.get("start")), ("e", v.get("end"))])
    for m in measures:
        attrs[(m.start, m.end, "MEASURE")] = _attrs([("dl", overrides.get((m.start, m.end)))])
    return attrs


def render_body(notice: dict[str, Any]) -> str:
    spans = [Span(start=s["start"], end=s["end"], label=s["label"]) for s in notice["spans"]]
    return render(notice["text"], spans, tag_attributes(notice), short=True)


def render_source(notice: dict[str, Any], extra_front: dict[str, Any] | None = None) -> str:
    front = {"id": notice["id"], **(extra_front or {}), **notice["metadata"]}
    head = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, default_flow_style=False)
    return f"---\n{head}---\n{render_body(notice)}\n"
