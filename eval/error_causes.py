"""One system's exact-span errors on gold notices, counted by cause (train or dev: never tune on test).

    python -m eval.error_causes --gold annotations/real --corpus ../shared/corpus --split dev --system rules

A missed gold span is "found with other boundaries" when a predicted span of its label overlaps it, else
"rejected: <reason>" with the rule filters' first reason for an overlapping candidate, else "never
proposed". A spurious span is "other boundaries than the gold" when it overlaps a gold span of its label,
else it is split by whether its sentence holds a strong future cue (``rules.regions.future_cue``): plan
prose read as forward-looking, or a clause with no cue that the proposer took all the same.
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Sequence

from eval.disagree import _genre, add_gold_arguments
from eval.gold import gold_spans, load_gold
from eval.systems import run_system
from extractor.annotations.model import GoldNotice
from extractor.labels import SPAN_LABELS
from extractor.rules.regions import future_cue
from extractor.schema import Extraction
from extractor.segment import full_stop_end, sentence_start


def _overlaps(a: int, b: int, spans) -> bool:
    return any(x < b and a < y for x, y in spans)


def causes(notices: Sequence[GoldNotice], extractions: Sequence[Extraction]) -> Counter:
    """(label, "missed" | "spurious", genre, cause) -> count."""
    out: Counter = Counter()
    for notice, got in zip(notices, extractions, strict=True):
        genre, text = _genre(notice), notice.text
        for label in SPAN_LABELS:
            gold = {(s.start, s.end) for s in gold_spans(notice) if s.label == label}
            pred = {(s.start, s.end) for s in got.spans if s.label == label}
            for a, b in sorted(gold - pred):
                reasons = [r.reason for r in got.rejections if r.label == label and r.start < b and a < r.end]
                cause = ("found with other boundaries" if _overlaps(a, b, pred)
                         else f"rejected: {reasons[0]}" if reasons else "never proposed")
                out[label, "missed", genre, cause] += 1
            for a, b in sorted(pred - gold):
                if _overlaps(a, b, gold):
                    cause = "other boundaries than the gold"
                else:
                    cued = future_cue(text[sentence_start(text, a):full_stop_end(text, a)])
                    cause = f"no gold span there; {'a' if cued else 'no'} future cue in the sentence"
                out[label, "spurious", genre, cause] += 1
    return out


def table(counts: Counter) -> str:
    rows = ["| label | error | genre | cause | count |", "| --- | --- | --- | --- | ---: |"]
    for (label, error, genre, cause), n in sorted(counts.items(), key=lambda kv: (*kv[0][:3], -kv[1])):
        rows.append(f"| {label} | {error} | {genre} | {cause} | {n} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m eval.error_causes", description=__doc__.split("\n\n")[0])
    add_gold_arguments(p)
    p.add_argument("--system", default="rules")
    args = p.parse_args(argv)
    gold = load_gold(args.gold, args.split, args.corpus)
    run = run_system(args.system, gold.notices, args.model_dir)
    print(f"{args.gold} ({args.split}, {len(gold.notices)} documents): {run.name}, errors by cause\n")
    print(table(causes(gold.notices, run.extractions)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
