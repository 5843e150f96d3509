"""Dump every span, rejection and commitment a tagger produces over the gold notices and a real corpus, one
JSON line per document, so that a refactor can be checked for identical behaviour:

    python -m eval.dump --tagger rules --gold annotations/ --corpus ../shared/corpus -o before.jsonl
    python -m eval.dump … -o after.jsonl && python -m eval.dump --compare before.jsonl after.jsonl
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from extractor.schema import Notice

CORPUS_FILES = {"citizen_message_replies.jsonl": "reply_date", "provincial_work_reports_2025.jsonl": None,
                "state_council_work_reports.jsonl": None}


def _corpus_notices(corpus: Path) -> Iterator[Notice]:
    for name, date_field in CORPUS_FILES.items():
        for n, line in enumerate((corpus / name).open(encoding="utf-8")):
            record = json.loads(line)
            if date_field:
                day = dt.date.fromisoformat(record[date_field])
            else:  # reports: anchored on their year, as the corpus README says
                day = dt.date(int(record["year"]), 3, 5) if record.get("year") else None
            yield Notice(id=f"{name}#{n}", text=record["text"], date=day, source=name)


def _gold_notices(gold: Path) -> Iterator[Notice]:
    from eval.gold import as_notice
    from extractor.annotations.model import GoldNotice

    for path in sorted((gold / "notices").glob("*.json")):
        yield as_notice(GoldNotice.model_validate_json(path.read_text(encoding="utf-8")))


def dump(tagger: str, gold: Path | None, corpus: Path | None, out: Path) -> int:
    from extractor.pipeline import Extractor

    extractor = Extractor.load(tagger)
    notices = [*(_gold_notices(gold) if gold else []), *(_corpus_notices(corpus) if corpus else [])]
    with out.open("w", encoding="utf-8") as f:
        for notice in notices:
            ex = extractor.extract(notice)
            f.write(ex.model_dump_json(include={"notice_id", "spans", "commitments", "rejections"}) + "\n")
    return len(notices)


def compare(a: Path, b: Path, ignore: tuple[str, ...] = ()) -> int:
    left = [json.loads(line) for line in a.open(encoding="utf-8")]
    right = [json.loads(line) for line in b.open(encoding="utf-8")]
    if len(left) != len(right):
        print(f"different document counts: {len(left)} vs {len(right)}")
        return 1
    differ = 0
    for x, y in zip(left, right, strict=True):
        for key in ("spans", "commitments", "rejections"):
            if key == "rejections":  # order among equal offsets is not behaviour; MEASURE reasons are new
                x[key], y[key] = (sorted((r for r in side[key] if r["label"] not in ignore),
                                         key=lambda r: (r["start"], r["end"], r["label"], r["reason"]))
                                  for side in (x, y))
            if x[key] != y[key]:
                differ += 1
                print(f"{x['notice_id']}: {key} differ ({len(x[key])} vs {len(y[key])})")
    print(f"{len(left)} documents, {differ} differences")
    return 1 if differ else 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m eval.dump", description=__doc__.split("\n\n")[0])
    p.add_argument("--tagger", default="rules")
    p.add_argument("--gold", type=Path, help="annotations folder (notices/*.json)")
    p.add_argument("--corpus", type=Path, help="../shared/corpus")
    p.add_argument("-o", "--output", type=Path)
    p.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    p.add_argument("--ignore-rejections", nargs="*", default=[], metavar="LABEL",
                   help="with --compare: leave these labels' rejections out (a refactor that adds reasons)")
    args = p.parse_args(argv)
    if args.compare:
        return compare(*args.compare, ignore=tuple(args.ignore_rejections))
    if not args.output:
        p.error("-o/--output is required unless --compare")
    print(f"{dump(args.tagger, args.gold, args.corpus, args.output)} documents -> {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
