"""Score `commitments track` against the hand-linked target → outcome pairs.

``annotations/fulfilment/pairs.jsonl`` links quantified annual targets of State Council work reports to
the outcome statements of the next year's report, as standoff (record ids, offsets, values, a sha256 of
each record's text); the texts are joined from ``--corpus``. Year pairs are split into dev and a frozen
test half (``split`` on each line). Per split:

- target recall: gold targets whose span holds a target the tracker found (spans overlap);
- linking precision / recall: a link is right when the tracker's outcome span overlaps the gold one;
  precision over the tracker's links for found targets, recall over gold pairs with an outcome;
- decision accuracy: over found targets, the tracker's met / missed / not_reported equals the gold one.

Each is a proportion with its Wilson 95% interval (pairs of one year pair are not independent: read the
intervals as a lower bound on the uncertainty).

    python -m eval.fulfilment --corpus ../shared/corpus [--split dev|test] [--tagger rules]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import defaultdict
from pathlib import Path

PAIRS = Path("annotations/fulfilment/pairs.jsonl")
REPORTS = "state_council_work_reports.jsonl"


def load_reports(corpus: Path) -> dict[str, dict]:
    path = corpus / REPORTS
    if not path.is_file():
        raise SystemExit(f"{path}: missing (give the real corpus folder with --corpus)")
    out = {}
    for line in path.open(encoding="utf-8"):
        record = json.loads(line)
        if record["id"] != "gwr-na":
            out[record["id"]] = {"id": record["id"], "text": record["text"], "year": int(record["year"])}
    return out


def load_pairs(path: Path, reports: dict[str, dict]) -> list[dict]:
    pairs = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        pair = json.loads(line)
        for side in ("earlier", "later"):
            record = reports.get(pair[f"{side}_id"])
            if record is None:
                raise SystemExit(f"{path}:{lineno}: no report {pair[f'{side}_id']!r} in the corpus")
            digest = hashlib.sha256(record["text"].encode("utf-8")).hexdigest()
            if digest != pair[f"{side}_sha256"]:
                raise SystemExit(f"{path}:{lineno}: the text of {record['id']} differs from the annotated one")
        pairs.append(pair)
    return pairs


def _overlaps(a: dict | None, b: dict | None) -> bool:
    return a is not None and b is not None and a["start"] < b["end"] and b["start"] < a["end"]


def score(pairs: list[dict], predictions: dict[tuple[str, str], list[dict]]) -> dict[str, tuple[int, int]]:
    """Each measure as (k, n): a proportion, reported with its Wilson 95% interval."""
    found = links = right_links = right_decisions = 0
    gold_links = sum(p["outcome"] is not None for p in pairs)
    for p in pairs:
        rows = predictions[(p["earlier_id"], p["later_id"])]
        match = next((r for r in rows if _overlaps(r["target"], p["target"])), None)
        if match is None:
            continue
        found += 1
        links += match["outcome"] is not None
        right_links += _overlaps(match["outcome"], p["outcome"])
        right_decisions += match["decision"] == p["decision"]
    return {"target recall": (found, len(pairs)), "linking precision": (right_links, links),
            "linking recall": (right_links, gold_links),
            "decision accuracy (found targets)": (right_decisions, found),
            "decision accuracy (all gold pairs)": (right_decisions, len(pairs))}


def _cell(k: int, n: int) -> str:
    from extractor.report.aggregates import wilson

    if not n:
        return "n/a"
    low, high = wilson(k, n)
    return f"{k / n:.3f} [{low:.3f}, {high:.3f}] ({k}/{n})"


def main(argv: list[str] | None = None) -> int:
    from extractor.fulfilment.cli import load_target_extractor, track_pair

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpus"))
    parser.add_argument("--pairs", type=Path, default=PAIRS)
    parser.add_argument("--split", choices=("dev", "test"), help="one split (default: dev, test and both)")
    parser.add_argument("--tagger", default="rules", help="tagger for the earlier reports (default rules)")
    parser.add_argument("--errors", action="store_true", help="list the pairs the tracker gets wrong")
    args = parser.parse_args(argv)
    reports = load_reports(args.corpus)
    pairs = load_pairs(args.pairs, reports)
    extractor = load_target_extractor(args.tagger)
    by_pair: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for key in sorted({(p["earlier_id"], p["later_id"]) for p in pairs}):
        by_pair[key] = track_pair(extractor, reports[key[0]], reports[key[1]])
    splits = [args.split] if args.split else ["dev", "test", None]
    if "test" in splits:
        print("note: scoring the fulfilment test half — report these numbers, do not tune on them", file=sys.stderr)
    for split in splits:
        chosen = [p for p in pairs if split is None or p["split"] == split]
        print(f"\n{split or 'all'} ({len({(p['earlier_id'], p['later_id']) for p in chosen})} year pairs, "
              f"tagger {args.tagger})\n\n| measure | value |\n|---|---|")
        print(f"| gold pairs | {len(chosen)} |\n| gold links (outcome stated) | "
              f"{sum(p['outcome'] is not None for p in chosen)} |")
        for name, (k, n) in score(chosen, by_pair).items():
            print(f"| {name} | {_cell(k, n)} |")
        if args.errors:
            for p in chosen:
                rows = by_pair[(p["earlier_id"], p["later_id"])]
                match = next((r for r in rows if _overlaps(r["target"], p["target"])), None)
                if match is None:
                    print(f"  target not found: {p['pair_id']} {p['indicator']}")
                elif match["decision"] != p["decision"] or (p["outcome"] is not None
                                                              and not _overlaps(match["outcome"], p["outcome"])):
                    print(f"  {p['pair_id']} {p['indicator']}: gold {p['decision']} "
                          f"{p['outcome'] and (p['outcome']['start'], p['outcome']['end'])}, tracker "
                          f"{match['decision']} {match['outcome'] and (match['outcome']['start'], match['outcome']['end'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
