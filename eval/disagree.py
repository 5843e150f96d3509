"""Where two systems differ, counted: what one gets right (a gold span found exactly, or no span where the
gold has none) and the other gets wrong, per label and genre, on gold notices (train or dev: never tune on
test); and how often they disagree on unlabelled text, where nobody can say who is right.

    python -m eval.disagree --gold annotations/real --corpus ../shared/corpus --split dev --systems rules hybrid
    python -m eval.disagree --gold annotations --split dev --systems rules hybrid --examples 5

The table's columns: ``only A`` gold spans A finds exactly and B misses, ``only B`` the reverse; ``spurious
only A`` spans A adds that the gold does not hold and B does not add, ``spurious only B`` the reverse.
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from eval.gold import gold_spans, load_gold
from eval.systems import run_system
from extractor.annotations.model import GoldNotice
from extractor.labels import SPAN_LABELS
from extractor.schema import Extraction

COLUMNS = ("both found", "only A", "only B", "both missed", "spurious only A", "spurious only B", "spurious both")


@dataclass
class Disagreement:
    counts: Counter = field(default_factory=Counter)  # (genre, label, column) -> n
    examples: dict = field(default_factory=dict)  # (label, column) -> [(notice id, text)]


def _genre(notice: GoldNotice) -> str:
    return getattr(notice.metadata, "genre", None) or "team"


def compare(notices: Sequence[GoldNotice], a: Sequence[Extraction], b: Sequence[Extraction],
            keep_examples: int = 0) -> Disagreement:
    """Count, per genre and label, gold spans found by both, one or neither system, and spurious spans."""
    out = Disagreement()
    for notice, ea, eb in zip(notices, a, b, strict=True):
        genre = _genre(notice)
        for label in SPAN_LABELS:
            gold = {(s.start, s.end) for s in gold_spans(notice) if s.label == label}
            pa = {(s.start, s.end) for s in ea.spans if s.label == label}
            pb = {(s.start, s.end) for s in eb.spans if s.label == label}
            cells = {
                "both found": gold & pa & pb, "only A": (gold & pa) - pb, "only B": (gold & pb) - pa,
                "both missed": gold - pa - pb, "spurious only A": pa - pb - gold,
                "spurious only B": pb - pa - gold, "spurious both": (pa & pb) - gold,
            }
            for column, spans in cells.items():
                out.counts[genre, label, column] += len(spans)
                if keep_examples and spans and column not in ("both found", "both missed", "spurious both"):
                    slot = out.examples.setdefault((label, column), [])
                    for s, e in sorted(spans)[:max(0, keep_examples - len(slot))]:
                        slot.append((notice.id, notice.text[s:e]))
    return out


def table(result: Disagreement, a: str, b: str) -> str:
    genres = sorted({g for g, _, _ in result.counts})
    head = ["genre", "label", *[c.replace(" A", f" {a}").replace(" B", f" {b}") for c in COLUMNS]]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for genre in [*genres, "all"]:
        for label in SPAN_LABELS:
            vals = [sum(n for (g, lab, col), n in result.counts.items()
                        if col == c and lab == label and (genre == "all" or g == genre)) for c in COLUMNS]
            rows.append("| " + " | ".join([genre, label, *map(str, vals)]) + " |")
    return "\n".join(rows)


def add_gold_arguments(p: argparse.ArgumentParser) -> None:
    """--gold, --corpus, --split (train or dev only) and --model-dir, shared by the error-analysis tools."""
    p.add_argument("--gold", type=Path, required=True, help="gold folder (annotations or annotations/real)")
    p.add_argument("--corpus", type=Path, help="real corpus folder for standoff gold")
    p.add_argument("--split", choices=("train", "dev"), default="dev",
                   help="train or dev (the test splits are for reporting, not for error analysis)")
    p.add_argument("--model-dir", type=Path)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m eval.disagree", description=__doc__.split("\n\n")[0])
    add_gold_arguments(p)
    p.add_argument("--systems", nargs=2, metavar=("A", "B"), default=["rules", "hybrid"])
    p.add_argument("--examples", type=int, default=0, help="show up to N spans per disagreement cell")
    args = p.parse_args(argv)
    gold = load_gold(args.gold, args.split, args.corpus)
    a, b = (run_system(s, gold.notices, args.model_dir) for s in args.systems)
    result = compare(gold.notices, a.extractions, b.extractions, args.examples)
    print(f"{args.gold} ({args.split}, {len(gold.notices)} documents): {a.name} (A) against {b.name} (B)\n")
    print(table(result, a.name, b.name))
    for (label, column), spans in sorted(result.examples.items()):
        print(f"\n{label}, {column.replace(' A', ' ' + a.name).replace(' B', ' ' + b.name)}:")
        for notice_id, text in spans:
            print(f"  {notice_id}: {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
