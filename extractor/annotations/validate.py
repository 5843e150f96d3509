"""`commitments annotations validate`: every rule a gold notice must satisfy, all reported at once.

Each problem is an ``Issue`` naming the notice, the text offset (when there is one) and the rule.
Rules (the names printed in brackets):
  json, schema, id-file          the file parses, matches ``GoldNotice``, and is named after its id
  duplicate-id                   no id twice in the corpus
  offsets                        spans and commitment offsets lie inside the text
  span-text                      a span's optional ``text`` equals its slice
  span-boundary                  no span starts or ends with whitespace or clause punctuation, and no
                                 span runs across a sentence end (。；！？ or a line break that is not layout debris)
  duplicate-span, layer-overlap  spans within one layer never overlap (nor repeat)
  layer-nesting                  a QUANTITY or DEADLINE lies inside a MEASURE or outside all of them
  layer2-sentence                QUANTITY / DEADLINE only in sentences with a MEASURE (a DEADLINE may
                                 instead govern measures after it, e.g. a list opened by a colon)
  commitment-measure             each commitment points at a MEASURE span; each MEASURE has exactly
                                 one commitment
  commitment-quantity            quantities point at QUANTITY spans; each QUANTITY is linked exactly once
  commitment-deadline            deadlines point at DEADLINE spans, one set of values per span; each
                                 DEADLINE governs some measure
  quantity-value/-unit/-comparator  normalised values agree with the span text (values.py)
  deadline-range, deadline-by-start  dates inside [doc_date - 1 year, doc_date + 12 years], a ``by``
                                 deadline starts at the notice date and does not end before it
  repeated-sentence              no sentence of 12+ characters occurs in two notices
  sources-in-sync                the JSON equals what building its source gives (source present)
Warnings (deadline-kind, deadline-year, quantity-rules) never fail the run.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from extractor.annotations.build import build_one
from extractor.annotations.model import GoldNotice, format_validation_error
from extractor.annotations.values import check_deadline, check_quantity
from extractor.labels import LAYER_OF
from extractor.segment import CLAUSE_END, SENTENCE_END, sentences

MIN_REPEATED = 12
BOUNDARY_CHARS = "，,；;。：:、！？!?"


@dataclass(frozen=True)
class Issue:
    notice: str
    offset: int | None
    rule: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.notice}@{self.offset}" if self.offset is not None else self.notice
        return f"{self.severity.upper()} {where} [{self.rule}] {self.message}"


_INVISIBLE = "\u200b\u200c\u200d\ufeff"


def _layout_break(piece: str, i: int) -> bool:
    """A line break inside a span that is layout debris of the source, not a sentence end: it sits inside
    an open 《…》 title, or a neighbouring line holds at most two visible characters (M\n2\n和…, 稳\n\u200b\n定)."""
    if piece[i] != "\n":
        return False
    if piece[:i].count("《") > piece[:i].count("》"):
        return True
    before = piece[:i].rsplit("\n", 1)[-1]
    after = piece[i + 1:].split("\n", 1)[0]
    return any(len(line.strip().strip(_INVISIBLE)) <= 2 for line in (before, after))


def _snippet(text: str, start: int, end: int) -> str:
    return repr(text[start:end]) if 0 <= start < end <= len(text) else f"{start}-{end}"


def check_notice(notice: GoldNotice) -> list[Issue]:
    """All rules that concern one notice alone."""
    out: list[Issue] = []
    nid, text = notice.id, notice.text
    n = len(text)

    def add(offset: int | None, rule: str, message: str, severity: str = "error") -> None:
        out.append(Issue(nid, offset, rule, message, severity))

    spans = sorted(notice.spans, key=lambda s: (s.start, s.end, s.label))
    valid = []
    for s in spans:
        if s.end > n:
            add(s.start, "offsets", f"{s.label} {s.start}-{s.end} ends past the text (length {n})")
            continue
        valid.append(s)
        piece = text[s.start:s.end]
        if s.text is not None and s.text != piece:
            add(s.start, "span-text", f"{s.label} text {s.text!r} differs from the slice {piece!r}")
        if piece != piece.strip() or piece[0] in BOUNDARY_CHARS or piece[-1] in BOUNDARY_CHARS:
            add(s.start, "span-boundary", f"{s.label} {piece!r} starts or ends with whitespace or punctuation")
        inner = [i for i, ch in enumerate(piece) if ch in SENTENCE_END and not _layout_break(piece, i)]
        if inner:
            add(s.start + inner[0], "span-boundary", f"{s.label} {piece!r} runs across a sentence end")
    by_label: dict[str, list] = defaultdict(list)
    for s in valid:
        by_label[s.label].append(s)
    # Layers: no overlap within a layer.
    for layer in ("layer1", "layer2"):
        members = sorted((s for s in valid if LAYER_OF[s.label] == layer), key=lambda s: (s.start, s.end))
        for a, b in pairwise(members):
            if (a.start, a.end) == (b.start, b.end):
                add(b.start, "duplicate-span", f"{a.label} and {b.label} both at {b.start}-{b.end} "
                                                f"{_snippet(text, b.start, b.end)}")
            elif b.start < a.end:
                add(b.start, "layer-overlap", f"{b.label} {_snippet(text, b.start, b.end)} overlaps "
                                              f"{a.label} {_snippet(text, a.start, a.end)} in {layer}")
    measures = by_label["MEASURE"]
    for s in by_label["QUANTITY"] + by_label["DEADLINE"]:
        for m in measures:
            crosses = m.start < s.end and s.start < m.end and not (m.start <= s.start and s.end <= m.end)
            if crosses:
                add(s.start, "layer-nesting", f"{s.label} {_snippet(text, s.start, s.end)} crosses the boundary "
                                              f"of MEASURE {_snippet(text, m.start, m.end)}")
    # Commitments.
    span_keys = {(s.start, s.end, s.label) for s in valid}
    seen_measures: dict[tuple[int, int], int] = {}
    quantity_links: dict[tuple[int, int], int] = defaultdict(int)
    deadline_values: dict[tuple[int, int], tuple] = {}
    governing: set[tuple[int, int]] = set()
    doc_date = notice.metadata.doc_date
    for ci, c in enumerate(notice.commitments):
        m = tuple(c.measure)
        if (m[0], m[1], "MEASURE") not in span_keys:
            add(m[0], "commitment-measure", f"commitment {ci} points at {m[0]}-{m[1]} "
                                            f"{_snippet(text, *m)}, which is not a MEASURE span")
        if m in seen_measures:
            add(m[0], "commitment-measure", f"commitments {seen_measures[m]} and {ci} share the measure "
                                            f"{_snippet(text, *m)}")
        seen_measures.setdefault(m, ci)
        for q in c.quantities:
            qs = tuple(q.span)
            quantity_links[qs] += 1
            if (qs[0], qs[1], "QUANTITY") not in span_keys:
                add(qs[0], "commitment-quantity", f"commitment {ci} links {qs[0]}-{qs[1]} "
                                                  f"{_snippet(text, *qs)}, which is not a QUANTITY span")
                continue
            clause_start = max(text.rfind(ch, 0, qs[0]) for ch in CLAUSE_END) + 1
            errors, warnings = check_quantity(text[qs[0]:qs[1]], q.value, q.unit, q.comparator, q.upper,
                                              before=text[max(clause_start, qs[0] - 12):qs[0]])
            for rule, msg in errors:
                add(qs[0], rule, msg)
            for rule, msg in warnings:
                add(qs[0], rule, msg, "warning")
        d = c.deadline
        if d is None:
            continue
        ds = tuple(d.span)
        governing.add(ds)
        if (ds[0], ds[1], "DEADLINE") not in span_keys:
            add(ds[0], "commitment-deadline", f"commitment {ci} links {ds[0]}-{ds[1]} "
                                              f"{_snippet(text, *ds)}, which is not a DEADLINE span")
            continue
        values = (d.kind, d.start, d.end)
        if ds in deadline_values:
            if deadline_values[ds] != values:
                add(ds[0], "commitment-deadline", f"DEADLINE {_snippet(text, *ds)} has two sets of values: "
                                                  f"{deadline_values[ds]} and {values}")
            continue
        deadline_values[ds] = values
        errors, warnings = check_deadline(text[ds[0]:ds[1]], d.kind, d.start, d.end, doc_date)
        for rule, msg in errors:
            add(ds[0], rule, f"{_snippet(text, *ds)}: {msg}")
        for rule, msg in warnings:
            add(ds[0], rule, msg, "warning")
    for m in measures:
        if (m.start, m.end) not in seen_measures:
            add(m.start, "commitment-measure", f"MEASURE {_snippet(text, m.start, m.end)} has no commitment")
    for q in by_label["QUANTITY"]:
        count = quantity_links.get((q.start, q.end), 0)
        if count != 1:
            add(q.start, "commitment-quantity", f"QUANTITY {_snippet(text, q.start, q.end)} is linked to "
                                                f"{count} commitments (must be exactly 1)")
    for d in by_label["DEADLINE"]:
        if (d.start, d.end) not in governing:
            add(d.start, "commitment-deadline", f"DEADLINE {_snippet(text, d.start, d.end)} governs no measure")
    # Layer 2 only in sentences that hold a MEASURE.
    sents = sentences(text)
    for s in by_label["QUANTITY"] + by_label["DEADLINE"]:
        sent = next((x for x in sents if x.start <= s.start < x.end), None)
        has_measure = sent is not None and any(m.start < sent.end and sent.start < m.end for m in measures)
        if not has_measure and not (s.label == "DEADLINE" and (s.start, s.end) in governing):
            add(s.start, "layer2-sentence", f"{s.label} {_snippet(text, s.start, s.end)} is in a sentence "
                                            f"without a MEASURE")
    return sorted(out, key=lambda i: (i.offset if i.offset is not None else -1, i.rule))


def parse_notice(data: Any, name: str) -> tuple[GoldNotice | None, list[Issue]]:
    try:
        return GoldNotice.model_validate(data), []
    except ValidationError as exc:
        nid = data.get("id", name) if isinstance(data, dict) else name
        return None, [Issue(str(nid), None, "schema", f"{loc}: {msg}" if loc else msg)
                      for loc, msg in format_validation_error(exc)]


def repeated_sentences(notices: Iterable[GoldNotice]) -> list[Issue]:
    first: dict[str, str] = {}
    out = []
    for notice in sorted(notices, key=lambda x: x.id):
        for s in sentences(notice.text):
            if len(s.text) < MIN_REPEATED:
                continue
            owner = first.setdefault(s.text, notice.id)
            if owner != notice.id:
                out.append(Issue(notice.id, s.start, "repeated-sentence",
                                 f"sentence {s.text[:40]!r} also occurs in {owner}"))
    # Same sentence twice in one notice is not an error: only across notices.
    return out


def _first_difference(a: Any, b: Any, path: str = "") -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(a) + [k for k in b if k not in a]:
            if key not in a or key not in b:
                return f"{path}.{key} only on one side"
            if a[key] != b[key]:
                return _first_difference(a[key], b[key], f"{path}.{key}")
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path} has {len(a)} items in the JSON, {len(b)} from the source"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return _first_difference(x, y, f"{path}[{i}]")
    return f"{path or 'notice'}: {str(a)[:60]} in the JSON, {str(b)[:60]} from the source"


def notice_files(path: Path) -> list[Path]:
    return [path] if path.is_file() else sorted(path.glob("*.json"))


def validate_paths(path: Path, src: Path | None = None) -> tuple[list[Issue], int]:
    """Issues of every notice file under ``path`` (a directory or one file), and the number of files."""
    files = notice_files(path)
    issues: list[Issue] = []
    notices: list[GoldNotice] = []
    ids: dict[str, Path] = {}
    for f in files:
        try:
            data = json.loads(f.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            issues.append(Issue(f.stem, None, "json", f"{f}: {exc}"))
            continue
        notice, problems = parse_notice(data, f.stem)
        issues += problems
        if notice is None:
            continue
        if notice.id != f.stem:
            issues.append(Issue(notice.id, None, "id-file", f"id {notice.id!r} but the file is {f.name}"))
        if notice.id in ids:
            issues.append(Issue(notice.id, None, "duplicate-id", f"{f} and {ids[notice.id]} share the id"))
        ids.setdefault(notice.id, f)
        notices.append(notice)
        issues += check_notice(notice)
        source = (src / f"{f.stem}.txt") if src is not None else None
        if source is not None and source.exists():
            try:
                built = build_one(source)
            except (ValueError, yaml.YAMLError, OSError) as exc:
                issues.append(Issue(notice.id, None, "sources-in-sync", f"{source} does not build: {exc}"))
            else:
                if built != data:
                    issues.append(Issue(notice.id, None, "sources-in-sync",
                                        f"differs from {source} ({_first_difference(data, built)}); "
                                        f"run `commitments annotations build`"))
    issues += repeated_sentences(notices)
    return issues, len(files)


def default_src(path: Path) -> Path:
    """annotations/notices -> annotations/src (for one file: its directory's sibling)."""
    base = path.parent if path.is_file() else path
    return base.parent / "src"


def validate_real(gold_dir: Path, corpus: Path) -> tuple[list[Issue], int]:
    """Issues of the standoff gold under ``gold_dir`` (annotations/real) joined with the corpus: the file
    model and the fingerprint (rule ``standoff``), every notice rule above, and the frozen split
    (``real-split``: every document in exactly one split, no split entry without a document)."""
    from extractor.annotations import standoff

    files = standoff.standoff_files(gold_dir)
    store = standoff.Corpus(corpus)
    split_of = standoff.read_splits(gold_dir)
    issues: list[Issue] = []
    notices: list[GoldNotice] = []
    keys: dict[str, Path] = {}
    for f in files:
        try:
            doc = standoff.read_doc(f)
            text = standoff.join(doc, store, str(f))
            notice = standoff.to_notice(doc, text, split_of.get(doc.key))
        except ValueError as exc:
            issues.append(Issue(f.stem, None, "standoff", str(exc)))
            continue
        if doc.key != f.stem or Path(doc.source).stem != f.parent.name:
            issues.append(Issue(doc.key, None, "id-file", f"key {doc.key!r} / source {doc.source!r} but the "
                                                          f"file is {f.parent.name}/{f.name}"))
        if doc.key in keys:
            issues.append(Issue(doc.key, None, "duplicate-id", f"{f} and {keys[doc.key]} share the key"))
        keys.setdefault(doc.key, f)
        notices.append(notice)
        # Offsets in issues are relative to the region; the message names the region start.
        issues += check_notice(notice)
    splits_path = gold_dir / "splits.json"
    if files and not splits_path.exists():
        issues.append(Issue(gold_dir.name, None, "real-split", f"{splits_path} does not exist"))
    elif splits_path.exists():
        from extractor.annotations.splits import check

        problems = check(json.loads(splits_path.read_text(encoding="utf-8")), set(keys))
        issues += [Issue("splits.json", None, "real-split", p) for p in problems]
    # No repeated-sentence rule here: real replies share their boilerplate (greetings, thanks) by nature.
    return issues, len(files)


def is_root(path: Path) -> bool:
    """The annotations folder itself (notices/ inside), not a folder of notice files."""
    return path.is_dir() and (path / "notices").is_dir()
