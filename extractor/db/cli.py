"""`commitments db build|query`: the DuckDB research database over extraction output."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    db = subparsers.add_parser("db", help="build and query the DuckDB research database of commitments")
    sub = db.add_subparsers(dest="db_command", required=True, metavar="STEP")
    p = sub.add_parser("build", help="load extraction JSONL into a DuckDB file (idempotent by notice id)",
                       description="Load `commitments extract` JSONL output into normalised tables (notices, "
                                   "commitments, quantities, deadlines, spans, rejections, errors, records) "
                                   "and views (commitment_facts, issuer_summary, deadline_horizons). Loading "
                                   "a notice again replaces its rows.")
    p.add_argument("inputs", nargs="+", type=Path, help="JSONL files written by `commitments extract`")
    p.add_argument("-o", "--output", required=True, type=Path, help="the .duckdb file (created or appended to)")
    p.set_defaults(func=_build)
    p = sub.add_parser("query", help="run SQL on the database: print a table or write CSV / Parquet",
                       description="Run one SQL statement on the database, opened read-only.")
    p.add_argument("database", type=Path, help="the .duckdb file, or :memory: for SQL over Parquet / CSV / JSON "
                                               "files (read_parquet('out/*.parquet'))")
    p.add_argument("sql", help="the SQL (tables: notices, commitments, quantities, deadlines, spans, "
                               "rejections, errors, records; views: commitment_facts, issuer_summary, "
                               "deadline_horizons)")
    p.add_argument("-o", "--output", type=Path, help="write .csv (spreadsheet-safe) or .parquet instead")
    p.set_defaults(func=_query)


def _build(args: argparse.Namespace) -> int:
    from extractor.db.build import build

    if args.output.suffix.lower() != ".duckdb":
        print(f"commitments db build: {args.output}: the output must end in .duckdb", file=sys.stderr)
        return 2
    try:
        summary = build(args.inputs, args.output)
    except (OSError, ValueError) as exc:
        print(f"commitments db build: {exc}", file=sys.stderr)
        return 1
    print(summary.line(args.output), file=sys.stderr)
    return 0


def _query(args: argparse.Namespace) -> int:
    from extractor.db.query import print_table, run_query, write_result

    try:
        columns, rows = run_query(args.database, args.sql)
        if args.output:
            write_result(columns, rows, args.output)
            print(f"{len(rows)} rows -> {args.output}", file=sys.stderr)
        else:
            print_table(columns, rows)
    except (OSError, ValueError) as exc:
        print(f"commitments db query: {exc}", file=sys.stderr)
        return 1
    return 0
