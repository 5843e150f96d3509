"""Inter-annotator agreement between the gold sources and an independent second pass.

``annotations/agreement/sample.json`` freezes which notices were annotated twice (chosen once, seeded,
round-robin across the train batches); ``annotations/agreement/second_pass/<id>.txt`` holds the second
pass in the same markup. Span agreement is scored per label with the first pass as reference:
exact (same start, end, label) and overlap (one-to-one, same label, any shared character).
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from extractor.annotations.build import batches, build_one
from extractor.schema import Span

SEED = 20240603
SAMPLE_SIZE = 15
LABELS = ("MEASURE", "QUANTITY", "DEADLINE")


def select_sample(batch_of: dict[str, str | None], size: int = SAMPLE_SIZE, seed: int = SEED,
                  exclude: set[str] = frozenset()) -> list[str]:
    """``size`` train notices, round-robin over the train batches, each batch shuffled with ``seed``."""
    per_batch: dict[str, list[str]] = defaultdict(list)
    for nid, batch in sorted(batch_of.items()):
        if batch and batch.startswith("train") and nid not in exclude:
            per_batch[batch].append(nid)
    rng = random.Random(seed)
    queues = []
    for batch in sorted(per_batch):
        ids = sorted(per_batch[batch])
        rng.shuffle(ids)
        queues.append(ids)
    out: list[str] = []
    while len(out) < size and any(queues):
        for q in queues:
            if q and len(out) < size:
                out.append(q.pop(0))
    return sorted(out)


def write_sample(src: Path, path: Path, exclude: set[str]) -> list[str]:
    if path.exists():
        raise FileExistsError(f"{path} exists: the sample is frozen")
    batch_of = batches(src)
    ids = select_sample(batch_of, exclude=exclude)
    record = {"seed": SEED, "size": SAMPLE_SIZE, "rule": "round-robin over train batches, seeded shuffle",
              "excluded": sorted(exclude), "candidates": sorted(k for k, b in batch_of.items()
                                                                   if b and b.startswith("train")),
              "ids": ids, "batches": {i: batch_of[i] for i in ids}}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return ids


def _spans(notice: dict[str, Any]) -> list[Span]:
    return [Span(start=s["start"], end=s["end"], label=s["label"]) for s in notice["spans"]]


def _overlap(a: Span, b: Span) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def match_overlap(gold: list[Span], other: list[Span]) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, other index) of same-label overlapping spans, largest overlap first."""
    pairs = sorted(((_overlap(g, o), gi, oi) for gi, g in enumerate(gold) for oi, o in enumerate(other)
                    if g.label == o.label and _overlap(g, o) > 0), reverse=True)
    used_g, used_o, out = set(), set(), []
    for _, gi, oi in pairs:
        if gi not in used_g and oi not in used_o:
            used_g.add(gi)
            used_o.add(oi)
            out.append((gi, oi))
    return out


@dataclass
class Counts:
    first: int = 0
    second: int = 0
    exact: int = 0
    overlap: int = 0

    def f1(self, matched: int) -> float:
        return 2 * matched / (self.first + self.second) if self.first + self.second else 1.0


@dataclass
class Disagreement:
    notice: str
    kind: str  # only-first, only-second, boundary, value, link
    label: str
    offset: int
    detail: str


@dataclass
class Agreement:
    counts: dict[str, Counts] = field(default_factory=lambda: {label: Counts() for label in LABELS})
    values: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    disagreements: list[Disagreement] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    realigned: list[str] = field(default_factory=list)
    set_aside: list[Disagreement] = field(default_factory=list)


def _values(notice: dict[str, Any]) -> tuple[dict, dict, dict]:
    q, d, links = {}, {}, {}
    for c in notice["commitments"]:
        for x in c["quantities"]:
            q[tuple(x["span"])] = (x["value"], x.get("upper"), x["unit"], x["comparator"], x["role"])
        if c["deadline"]:
            dl = c["deadline"]
            d[tuple(dl["span"])] = (dl["kind"], dl["start"], dl["end"])
        links[tuple(c["measure"])] = tuple(c["deadline"]["span"]) if c["deadline"] else None
    return q, d, links


def _blocks(old: str, new: str) -> list[tuple[int, int, int]]:
    return [tuple(b) for b in SequenceMatcher(None, old, new, autojunk=False).get_matching_blocks() if b.size]


def _inside(blocks: list[tuple[int, int, int]], start: int, end: int, side: int) -> tuple[int, int] | None:
    """Offsets on the other side of a span lying inside one matching block (side 0: old -> new, 1: new)."""
    for block in blocks:
        a, size = block[side], block[2]
        if a <= start and end <= a + size:
            shift = block[1 - side] - a
            return start + shift, end + shift
    return None


def restrict(notice: dict[str, Any], keep) -> tuple[dict[str, Any], list[tuple[int, int, str]]]:
    """A notice mapped through ``keep(start, end) -> (start, end) | None``; spans mapped to None are dropped."""
    dropped, spans = [], []
    for s in notice["spans"]:
        moved = keep(s["start"], s["end"])
        if moved is None:
            dropped.append((s["start"], s["end"], s["label"]))
        else:
            spans.append({"start": moved[0], "end": moved[1], "label": s["label"]})
    commitments = []
    for c in notice["commitments"]:
        m = keep(*c["measure"])
        if m is None:
            continue
        quantities = [{**q, "span": list(keep(*q["span"]))} for q in c["quantities"] if keep(*q["span"])]
        d = c["deadline"]
        deadline = {**d, "span": list(keep(*d["span"]))} if d and keep(*d["span"]) else None
        commitments.append({"measure": list(m), "quantities": quantities, "deadline": deadline})
    return {**notice, "spans": spans, "commitments": commitments}, dropped


def compare(first: dict[str, Any], second: dict[str, Any], result: Agreement) -> None:
    """Score ``second`` against ``first``. When a writer edited the text after the second pass, both passes
    are compared on the text both annotators saw: spans in changed text are set aside and listed."""
    nid, text = first["id"], first["text"]
    if second["text"] != text:
        blocks = _blocks(second["text"], text)
        old_text = second["text"]
        second, dropped_second = restrict(second, lambda s, e: _inside(blocks, s, e, 0))
        second["text"] = text
        first, dropped_first = restrict(first, lambda s, e: (s, e) if _inside(blocks, s, e, 1) else None)
        result.realigned.append(nid)
        for start, end, label in dropped_first:
            result.set_aside.append(Disagreement(nid, "first pass, text added after the second pass", label,
                                                 start, repr(text[start:end])))
        for start, end, label in dropped_second:
            result.set_aside.append(Disagreement(nid, "second pass, text changed after the second pass", label,
                                                 start, repr(old_text[start:end])))
    result.notices.append(nid)
    a, b = _spans(first), _spans(second)
    exact_b = {(s.start, s.end, s.label) for s in b}
    for label in LABELS:
        c = result.counts[label]
        c.first += sum(s.label == label for s in a)
        c.second += sum(s.label == label for s in b)
        c.exact += sum(s.label == label and (s.start, s.end, s.label) in exact_b for s in a)
    pairs = match_overlap(a, b)
    for gi, oi in pairs:
        result.counts[a[gi].label].overlap += 1
        if (a[gi].start, a[gi].end) != (b[oi].start, b[oi].end):
            result.disagreements.append(Disagreement(
                nid, "boundary", a[gi].label, a[gi].start,
                f"first {text[a[gi].start:a[gi].end]!r} / second {text[b[oi].start:b[oi].end]!r}"))
    matched_a = {gi for gi, _ in pairs}
    matched_b = {oi for _, oi in pairs}
    for gi, s in enumerate(a):
        if gi not in matched_a:
            result.disagreements.append(Disagreement(nid, "only-first", s.label, s.start, repr(text[s.start:s.end])))
    for oi, s in enumerate(b):
        if oi not in matched_b:
            result.disagreements.append(Disagreement(nid, "only-second", s.label, s.start, repr(text[s.start:s.end])))
    qa, da, la = _values(first)
    qb, db, lb = _values(second)

    def show(span) -> str:
        return repr(text[span[0]:span[1]]) if span else "none"

    for name, kind, label, va_all, vb_all in (("quantity values", "value", "QUANTITY", qa, qb),
                                              ("deadline values", "value", "DEADLINE", da, db),
                                              ("measure deadline links", "link", "MEASURE", la, lb)):
        for key, va in va_all.items():
            if key not in vb_all:
                continue
            agree = va == vb_all[key]
            result.values[name][0] += agree
            result.values[name][1] += 1
            if agree:
                continue
            if kind == "link":
                detail = f"{text[key[0]:key[1]][:30]!r}: deadline first {show(va)} / second {show(vb_all[key])}"
            else:
                detail = f"{text[key[0]:key[1]]!r}: first {va} / second {vb_all[key]}"
            result.disagreements.append(Disagreement(nid, kind, label, key[0], detail))

def run(src: Path, second: Path, sample: Path) -> Agreement:
    ids = json.loads(sample.read_text(encoding="utf-8"))["ids"]
    result = Agreement()
    for nid in ids:
        other = second / f"{nid}.txt"
        if not other.exists():
            continue
        compare(build_one(src / f"{nid}.txt"), build_one(other), result)
    return result


def run_real(gold_dir: Path, second: Path, corpus: Path) -> Agreement:
    """The blind second pass over real documents (standoff, both joined with the corpus) against the gold,
    on every document both passes hold."""
    from extractor.annotations.standoff import load_real, notice_dict

    gold = {n.id: n for n in load_real(gold_dir, corpus)}
    result = Agreement()
    for other in sorted(load_real(second, corpus), key=lambda n: n.id):
        if other.id in gold:
            compare(notice_dict(gold[other.id]), notice_dict(other), result)
    return result


def table(result: Agreement) -> str:
    rows = ["| label | first pass | second pass | exact match | exact F1 | overlap match | overlap F1 |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    total = Counts()
    for label in LABELS:
        c = result.counts[label]
        rows.append(f"| {label} | {c.first} | {c.second} | {c.exact} | {c.f1(c.exact):.3f} | {c.overlap} | "
                    f"{c.f1(c.overlap):.3f} |")
        total.first += c.first
        total.second += c.second
        total.exact += c.exact
        total.overlap += c.overlap
    rows.append(f"| all | {total.first} | {total.second} | {total.exact} | {total.f1(total.exact):.3f} | "
                f"{total.overlap} | {total.f1(total.overlap):.3f} |")
    rows.append("")
    rows.append("| values compared on exactly matched spans | agree | compared | rate |")
    rows.append("| --- | ---: | ---: | ---: |")
    for name in ("quantity values", "deadline values", "measure deadline links"):
        agree, n = result.values.get(name, [0, 0])
        rows.append(f"| {name} | {agree} | {n} | {agree / n if n else 1:.3f} |")
    return "\n".join(rows)


def disagreement_listing(result: Agreement) -> str:
    by_kind: dict[str, list[Disagreement]] = defaultdict(list)
    for d in result.disagreements:
        by_kind[f"{d.kind} {d.label}"].append(d)
    out = []
    if result.set_aside:
        out.append(f"## set aside: text edited by the writer after the second pass ({len(result.set_aside)}; "
                   f"not scored; notices {', '.join(result.realigned)})")
        out += [f"- {d.notice}@{d.offset}: {d.kind}: {d.label} {d.detail}" for d in result.set_aside]
    for key in sorted(by_kind, key=lambda k: (-len(by_kind[k]), k)):
        out.append(f"## {key} ({len(by_kind[key])})")
        for d in sorted(by_kind[key], key=lambda d: (d.notice, d.offset)):
            out.append(f"- {d.notice}@{d.offset}: {d.detail}")
    return "\n".join(out)


BEGIN, END = "<!-- agreement:begin -->", "<!-- agreement:end -->"


def write_table_into(readme: Path, result: Agreement) -> None:
    """Replace the text between the agreement markers of the README with the current table."""
    content = readme.read_text(encoding="utf-8")
    if BEGIN not in content or END not in content:
        raise ValueError(f"{readme} has no {BEGIN} … {END} markers")
    head, rest = content.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    block = f"{BEGIN}\n{len(result.notices)} notices annotated twice.\n\n{table(result)}\n{END}"
    readme.write_text(head + block + tail, encoding="utf-8")
