"""`commitments extract`: read inputs, extract commitments, write one output file, print a summary."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from tqdm import tqdm

from extractor.ingest import IngestFailure, iter_inputs, read_notices
from extractor.io import FORMATS, format_for, write
from extractor.pipeline import Extractor
from extractor.schema import Extraction


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO date (YYYY-MM-DD): {value!r}") from exc


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("extract", help="extract commitments from notices",
                       description="Extract commitments from .txt notices (UTF-8, GB18030, Big5) and JSONL "
                                   "records {id, text, date?, metadata?}; directories are read recursively.")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files, directories or glob patterns")
    p.add_argument("-o", "--output", required=True, type=Path, help="output file (.jsonl, .csv or .parquet)")
    p.add_argument("--format", choices=FORMATS, help="output format (default: from the output suffix)")
    p.add_argument("--anchor-date", type=_date,
                   help="date to resolve relative deadlines when a notice carries none (YYYY-MM-DD)")
    p.add_argument("--tagger", choices=("rules", "model"), default="rules",
                   help="span tagger: the rule tagger (default) or the fine-tuned model")
    p.add_argument("--model-dir", type=Path, help="model checkpoint directory for --tagger model")
    p.set_defaults(func=run)


class Stats:
    def __init__(self) -> None:
        self.notices = self.commitments = self.failures = 0


def _extract_all(extractor: Extractor, inputs: list[str], stats: Stats) -> Iterator[Extraction]:
    paths = list(iter_inputs(inputs))
    bar = tqdm(paths, unit="file", disable=not sys.stderr.isatty(), desc="extract")
    for path in bar:
        for item in read_notices(path):
            stats.notices += 1
            if isinstance(item, IngestFailure):
                stats.failures += 1
                print(f"error: {item.source}: {item.reason}", file=sys.stderr)
                yield Extraction(notice_id=item.notice_id or item.source, source=item.source, error=item.reason)
                continue
            try:
                result = extractor.extract(item)
            except Exception as exc:  # one bad notice must not stop a batch of thousands
                stats.failures += 1
                print(f"error: {item.source}: extraction failed: {exc!r}", file=sys.stderr)
                yield Extraction(notice_id=item.id, source=item.source, error=f"extraction failed: {exc!r}")
                continue
            for warning in result.warnings:
                print(f"warning: {item.source}: {warning}", file=sys.stderr)
            stats.commitments += len(result.commitments)
            yield result


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    try:
        extractor = Extractor.load(args.tagger, args.model_dir, args.anchor_date)
    except (OSError, ValueError) as exc:
        print(f"error: cannot load the {args.tagger} tagger: {exc}", file=sys.stderr)
        return 2
    stats = Stats()
    fmt = format_for(args.output, args.format)
    write(_extract_all(extractor, args.inputs, stats), args.output, fmt)
    seconds = time.perf_counter() - started
    print(f"{stats.notices} notices, {stats.commitments} commitments, {stats.failures} failed, "
          f"{seconds:.1f}s -> {args.output} ({fmt}, tagger: {extractor.name})", file=sys.stderr)
    return 1 if stats.failures else 0
