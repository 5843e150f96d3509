"""`commitments annotations stats`: plain-text tables describing the gold corpus."""

from __future__ import annotations

import json
import statistics
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

LABELS = ("MEASURE", "QUANTITY", "DEADLINE")
LENGTH_BINS = ((0, 500), (500, 1000), (1000, 1500), (1500, 2000), (2000, 3000), (3000, 5000), (5000, 10**9))


def load(path: Path) -> list[dict[str, Any]]:
    files = [path] if path.is_file() else sorted(path.glob("*.json"))
    return [json.loads(f.read_text(encoding="utf-8")) for f in files]


def _table(title: str, header: list[str], rows: Iterable[list[Any]]) -> str:
    rows = [[str(c) for c in r] for r in rows]
    widths = [max(_width(x) for x in col) for col in zip(header, *rows, strict=False)]
    def line(cells: list[str]) -> str:
        return "  ".join(c + " " * (w - _width(c)) if i == 0 else " " * (w - _width(c)) + c
                         for i, (c, w) in enumerate(zip(cells, widths, strict=False))).rstrip()
    sep = "  ".join("-" * w for w in widths)
    return "\n".join([title, line(header), sep, *[line(r) for r in rows]])


def _width(s: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)


def _label_counts(notice: dict[str, Any]) -> Counter:
    return Counter(s["label"] for s in notice["spans"])


def _group(notices: list[dict[str, Any]], key, title: str) -> str:
    groups: dict[str, list[dict[str, Any]]] = {}
    for n in notices:
        groups.setdefault(str(key(n)), []).append(n)
    rows = []
    for name in sorted(groups, key=lambda g: (-len(groups[g]), g)):
        members = groups[name]
        counts = sum((_label_counts(n) for n in members), Counter())
        rows.append([name, len(members), *[counts[label] for label in LABELS],
                     sum(len(n["text"]) for n in members)])
    return _table(title, [title.split(" ")[-1], "notices", *LABELS, "chars"], rows)


def _distribution(title: str, counter: Counter) -> str:
    total = sum(counter.values()) or 1
    rows = [[k, v, f"{100 * v / total:.1f}%"] for k, v in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))]
    return _table(title, ["value", "count", "share"], rows)


def report(notices: list[dict[str, Any]], batch_of: dict[str, str | None] | None = None,
           split_of: dict[str, str] | None = None) -> str:
    batch_of = batch_of or {}
    split_of = split_of or {}
    counts = sum((_label_counts(n) for n in notices), Counter())
    # Team notices carry issuer / level / kind / topic; real documents (standoff gold) genre / annotator.
    team = all("issuer" in n["metadata"] for n in notices)
    lengths = [len(n["text"]) for n in notices]
    commitments = [c for n in notices for c in n["commitments"]]
    quantities = [q for c in commitments for q in c["quantities"]]
    deadlines = {}
    for n in notices:
        for c in n["commitments"]:
            if c["deadline"]:
                deadlines[(n["id"], tuple(c["deadline"]["span"]))] = c["deadline"]
    parts = [_table("Totals", ["", "count", "per notice"], [
        ["notices", len(notices), ""],
        *[[label, counts[label], f"{counts[label] / max(1, len(notices)):.1f}"] for label in LABELS],
        ["commitments", len(commitments), f"{len(commitments) / max(1, len(notices)):.1f}"],
        ["  with a quantity", sum(bool(c["quantities"]) for c in commitments), ""],
        ["  with a deadline", sum(c["deadline"] is not None for c in commitments), ""],
        ["notices without a quantity", sum(not any(s["label"] == "QUANTITY" for s in n["spans"])
                                           for n in notices), ""],
        *([["issuers", len({n["metadata"]["issuer"] for n in notices}), ""],
           ["topics", len({n["metadata"]["topic"] for n in notices}), ""]] if team else []),
    ])]
    if lengths:
        parts.append(_table("Length (characters)", ["", "value"], [
            ["min", min(lengths)], ["median", int(statistics.median(lengths))],
            ["mean", int(statistics.mean(lengths))], ["max", max(lengths)],
            *[[f"{lo}-{hi if hi < 10**9 else ''}", sum(lo <= x < hi for x in lengths)] for lo, hi in LENGTH_BINS],
        ]))
    parts.append(_group(notices, lambda n: split_of.get(n["id"], "(none)"), "By split"))
    if not team:
        parts.append(_group(notices, lambda n: n["metadata"].get("genre") or "(none)", "By genre"))
        parts.append(_group(notices, lambda n: f'{n["metadata"].get("genre")} / {split_of.get(n["id"], "(none)")}',
                            "By genre and split"))
        parts.append(_group(notices, lambda n: n["metadata"].get("annotator") or "(none)", "By annotator"))
        parts.append(_group(notices, lambda n: "with a commitment" if n["commitments"] else "no commitment",
                            "Documents with / without a commitment"))
    else:
        parts.append(_group(notices, lambda n: batch_of.get(n["id"]) or "(unknown)", "By batch"))
        parts.append(_group(notices, lambda n: n["metadata"]["level"], "By level"))
        parts.append(_group(notices, lambda n: n["metadata"]["kind"], "By kind"))
        parts.append(_group(notices, lambda n: n["metadata"]["topic"], "By topic"))
    if split_of and team:
        def field_sets(field: str) -> tuple[set, set]:
            test = {n["metadata"][field] for n in notices if split_of.get(n["id"]) == "test"}
            rest = {n["metadata"][field] for n in notices if split_of.get(n["id"]) in ("train", "dev")}
            return test, rest
        (ti, ri), (tt, rt) = field_sets("issuer"), field_sets("topic")
        parts.append(_table("Test split novelty", ["", "in test", "only in test"], [
            ["issuers", len(ti), len(ti - ri)], ["topics", len(tt), len(tt - rt)]]))
    parts.append(_distribution("Quantity units", Counter(q["unit"] for q in quantities)))
    parts.append(_distribution("Quantity comparators", Counter(q["comparator"] for q in quantities)))
    parts.append(_distribution("Quantity roles", Counter(q["role"] for q in quantities)))
    parts.append(_distribution("Deadline kinds (distinct DEADLINE spans)",
                               Counter(d["kind"] for d in deadlines.values())))
    return "\n\n".join(parts) + "\n"
