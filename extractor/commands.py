"""`commitments extract`: read inputs, extract commitments, write one output file, print a summary.

    commitments extract notices/ -o out/commitments.jsonl
    commitments extract replies.jsonl --date-field reply_date -o out/c.parquet --workers 4
    commitments extract notices/ -o out/c.jsonl --workers 8 --resume      # after a crash or a kill
    commitments extract notices/ -o out/c.jsonl --cluster local --workers 4
    commitments extract notices/ -o out/c.jsonl --scheduler tcp://10.0.0.5:8786
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from extractor.ingest import RecordFields, iter_inputs
from extractor.ingest.decode import MAX_BYTES
from extractor.io import FORMATS, format_for, sidecar_path
from extractor.taggers import DEFAULT_PRECISION, DEFAULT_TAGGER, NAMES, NEEDS_MODEL, PRECISIONS
from extractor.worker import NOTICE_TIMEOUT


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO date (YYYY-MM-DD): {value!r}") from exc


def positive_int(value: str) -> int:
    try:
        n = int(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from exc
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value!r}")
    return n


def _megabytes(value: str) -> int:
    try:
        mb = float(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a number of megabytes: {value!r}") from exc
    if mb <= 0:
        raise argparse.ArgumentTypeError(f"must be positive: {value!r}")
    return int(mb * 1024 * 1024)


def _seconds(value: str) -> float | None:
    try:
        seconds = float(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {value!r}") from exc
    if not seconds >= 0:  # negative or NaN
        raise argparse.ArgumentTypeError(f"must be 0 (no limit) or positive: {value!r}")
    return seconds or None


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "extract", help="extract commitments from notices", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Extract commitments from notices: .txt (UTF-8, GB18030/GBK, Big5, UTF-16), .html/.htm "
                    "pages (article body and header fields), .docx and .pdf files, and record files (.jsonl, "
                    ".csv, .parquet; one notice per record). Directories are read recursively.",
        epilog=__doc__.split("\n\n", 1)[1])
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files, directories or glob patterns")
    p.add_argument("-o", "--output", required=True, type=Path, help="output file (.jsonl, .csv or .parquet)")
    p.add_argument("--format", choices=FORMATS, help="output format (default: from the output suffix); csv and "
                                                     "parquet get the notice texts in OUTPUT.texts.jsonl")
    p.add_argument("--anchor-date", type=_date,
                   help="date to resolve relative deadlines when a notice carries none (YYYY-MM-DD)")
    p.add_argument("--tagger", choices=NAMES, default=DEFAULT_TAGGER,
                   help=f"span tagger (default {DEFAULT_TAGGER}): rules alone, the fine-tuned model, or the hybrid "
                        "(model spans first, rule proposals for recall); the rule filters check every span")
    p.add_argument("--model-dir", type=Path, help="fine-tuned checkpoint for --tagger model/hybrid "
                                                  "(default models/zh-commitment-tagger)")
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto",
                   help="where the model runs (default auto: a GPU when there is one)")
    p.add_argument("--precision", choices=PRECISIONS, default=DEFAULT_PRECISION,
                   help="the model's arithmetic: auto (default: bf16 autocast on a CPU or GPU that computes "
                        "bf16 natively, else fp32), fp32, bf16, or int8 (dynamic quantisation, CPU only, about "
                        "twice fp32's speed); bf16 and int8 can move a span, see the model card")
    g = p.add_argument_group("record files (.jsonl, .csv, .parquet)")
    g.add_argument("--text-field", default="text", help="field holding the notice text (default: text)")
    g.add_argument("--id-field", default="id", help="field holding the notice id (default: id; else FILE-N)")
    g.add_argument("--date-field", help="field holding the notice date (default: the first of date, reply_date, "
                                        "doc_date, publish_date, pub_date)")
    r = p.add_argument_group("running")
    r.add_argument("--workers", type=positive_int, default=1,
                   help="worker processes (default 1: in this process); with --cluster local, Dask workers")
    r.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="run on an existing Dask cluster")
    r.add_argument("--cluster", choices=("local",), help="start a local Dask cluster of --workers processes")
    r.add_argument("--chunk-size", type=positive_int, default=8, help="notices per task sent to a worker (default 8)")
    r.add_argument("--resume", action="store_true",
                   help="continue an interrupted run: notices already done (OUTPUT.part, or a finished "
                        "JSONL output) are skipped; the result equals an uninterrupted run")
    r.add_argument("--notice-timeout", type=_seconds, default=NOTICE_TIMEOUT, metavar="SECONDS",
                   help=f"time one notice may take before it becomes an error record (default {NOTICE_TIMEOUT:g}; "
                        "0: no limit; not applied on Dask workers)")
    r.add_argument("--max-mb", type=_megabytes, default=MAX_BYTES,
                   help=f"refuse document files larger than this (default {MAX_BYTES // 2**20})")
    r.add_argument("--progress", choices=("auto", "on", "off"), default="auto",
                   help="progress bar with rate and ETA (auto: only on a terminal)")
    p.set_defaults(func=run)


def _check_paths(args: argparse.Namespace, fmt: str) -> str | None:
    """Usage problems found before any work: the output path, a format contradicting its suffix, and
    inputs that name nothing to read (an empty directory, a glob matching no file)."""
    out: Path = args.output
    if out.is_dir():
        return f"the output {out} is a directory; give a file name such as {out / 'commitments.jsonl'}"
    if any(parent.exists() and not parent.is_dir() for parent in out.parents):
        return f"the output {out} lies under a path that is a file"
    suffix = out.suffix.lower().lstrip(".")
    if suffix in FORMATS and suffix != fmt:
        return f"--format {fmt} contradicts the output suffix .{suffix}"
    for raw in args.inputs:
        if (Path(raw).is_dir() or not Path(raw).exists()) and not any(True for _ in iter_inputs([raw])):
            return f"{raw}: no files to read (an empty directory or a pattern matching nothing)"
    return None


def _backend(args, config):
    from extractor.backends import DaskBackend, PoolBackend, SerialBackend

    if args.scheduler or args.cluster:
        return DaskBackend.connect(config, args.scheduler, args.workers)
    if args.workers > 1:
        return PoolBackend(config, args.workers)
    return SerialBackend(config)


def run(args: argparse.Namespace) -> int:
    from extractor.batch import BusyError, ResumeError, run_batch
    from extractor.worker import BatchConfig, get_extractor

    if args.scheduler and args.cluster:
        print("error: give --scheduler or --cluster, not both", file=sys.stderr)
        return 2
    fields = RecordFields.of(args.id_field, args.text_field, args.date_field, args.max_mb)
    if args.tagger in NEEDS_MODEL and args.precision == "auto":  # resolved here: the run's fingerprint names it
        from extractor.taggers.model import resolve_device, resolve_precision

        try:
            args.precision = resolve_precision("auto", resolve_device(args.device))
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    config = BatchConfig(args.tagger, str(args.model_dir) if args.model_dir else None, args.anchor_date, fields,
                         args.max_mb, device=args.device, precision=args.precision,
                         notice_timeout=args.notice_timeout)
    try:
        extractor = get_extractor(config)  # fail early, with a clear message, before any worker starts
    except (OSError, ValueError, ImportError) as exc:
        print(f"error: cannot load the {args.tagger} tagger: {exc}", file=sys.stderr)
        return 2
    fmt = format_for(args.output, args.format)
    problem = _check_paths(args, fmt)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    try:
        backend = _backend(args, config)
    except (OSError, TimeoutError, ValueError) as exc:
        print(f"error: cannot start the {'Dask' if args.scheduler or args.cluster else 'worker'} backend: {exc}",
              file=sys.stderr)
        return 2
    progress = None if args.progress == "auto" else args.progress == "on"
    try:
        summary = run_batch(args.inputs, args.output, fmt, config, backend, resume=args.resume,
                            chunk_size=args.chunk_size, progress=progress)
    except ResumeError as exc:
        print(f"error: --resume: {exc}", file=sys.stderr)
        return 2
    except BusyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: cannot write {args.output}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"interrupted: finished notices are kept in {args.output}.part; run the same command with "
              "--resume to continue", file=sys.stderr)
        return 130
    finally:
        backend.close()
    side = sidecar_path(args.output, fmt)
    where = f"{args.output}" + (f" (+ texts in {side})" if side else "")
    workers = "" if backend.name == "serial" or args.scheduler else f", {args.workers} workers"
    print(f"{summary.line()} -> {where} ({fmt}, tagger: {extractor.name}, backend: {backend.name}{workers})",
          file=sys.stderr)
    for reason, n in summary.reasons.most_common(5):
        print(f"  failed: {n} × {reason}", file=sys.stderr)
    return 1 if summary.failures else 0
