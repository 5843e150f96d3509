"""Extraction records (the JSONL of `commitments extract`) into the DuckDB research database.

Rows go in through Arrow tables (one insert per table per chunk, not one per row). A batch replaces the
rows of its own notice ids in one transaction, so appending the same batch twice, or a re-run of some
notices, changes no row count and leaves no half-written batch behind.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractor.db.schema import TABLES, ddl
from extractor.ingest.header import region_of
from extractor.io import chunked, read_jsonl
from extractor.schema import Extraction

CHUNK = 500  # notices per transaction: bounded memory on batches of any size


@dataclass
class BuildSummary:
    notices: int = 0
    failed: int = 0
    rows: dict[str, int] = field(default_factory=dict)

    def line(self, path: Path) -> str:
        counts = ", ".join(f"{name} {n:,}" for name, n in self.rows.items())
        return f"{path}: {self.notices:,} notices loaded ({self.failed:,} error records); tables now hold {counts}"


def connect(path: Path, read_only: bool = False):
    import duckdb

    if str(path) == ":memory:":  # `db query :memory: "… read_parquet('out/*.parquet')"`: SQL over files
        return duckdb.connect(":memory:")
    if read_only and not path.is_file():
        raise FileNotFoundError(f"{path}: no such database (build it with `commitments db build`)")
    con = duckdb.connect(str(path), read_only=read_only)
    if not read_only:
        for statement in ddl():
            con.execute(statement)
    return con


def _region(meta: dict[str, Any]) -> dict[str, str]:
    region = meta.get("region")
    if isinstance(region, dict):
        return {k: v for k, v in region.items() if isinstance(v, str)}
    return region_of(region) if isinstance(region, str) else {}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def rows_of(e: Extraction) -> dict[str, list[tuple]]:
    """The rows one extraction record contributes to each table."""
    rows: dict[str, list[tuple]] = {name: [] for name in TABLES if name != "fulfilment"}
    record = e.model_dump_json()
    rows["records"].append((e.notice_id, record))
    if e.error:
        rows["errors"].append((e.notice_id, e.source, e.error))
        return rows
    meta, text = e.metadata, e.text or ""
    region = _region(meta)
    rows["notices"].append((
        e.notice_id, e.source, e.date, e.date.year if e.date else None,
        _text(meta.get("issuer")) or _text(meta.get("signature_body")), _text(meta.get("title")),
        _text(meta.get("kind")), _text(meta.get("level")), region.get("province"), region.get("city"),
        region.get("district"), _text(meta.get("topic")), len(text), len(e.commitments), list(e.warnings),
        json.dumps(meta, ensure_ascii=False, default=str), text))
    for i, c in enumerate(e.commitments):
        quantified = any(q.role == "target" for q in c.quantities)
        d = c.deadline  # dated: a deadline with a date (尽快 and other vague deadlines are not), as in specificity
        dated = d is not None and d.kind != "vague" and (d.end_date is not None or d.start_date is not None)
        rows["commitments"].append((e.notice_id, i, c.measure.text, c.measure.start, c.measure.end, c.modality,
                                    c.specificity, " > ".join(c.section) or None, c.score, quantified, dated))
        for j, q in enumerate(c.quantities):
            rows["quantities"].append((e.notice_id, i, j, q.text, q.start, q.end, q.value, q.upper, q.unit,
                                       q.comparator, q.role))
        if c.deadline is not None:
            d = c.deadline
            rows["deadlines"].append((e.notice_id, i, d.text, d.start, d.end, d.kind, d.start_date, d.end_date,
                                      d.anchor))
    for s in e.spans:
        rows["spans"].append((e.notice_id, s.start, s.end, s.label, s.score, text[s.start:s.end]))
    for r in e.rejections:
        rows["rejections"].append((e.notice_id, r.start, r.end, r.label, r.text, r.reason))
    return rows


def _insert(con, table: str, rows: list[tuple]) -> None:
    """One INSERT … SELECT from an Arrow table (DuckDB reads it in place; row-by-row inserts are slow)."""
    if not rows:
        return
    import pyarrow as pa

    columns = [c[0] for c in con.execute(f"SELECT * FROM {table} LIMIT 0").description]
    batch = pa.Table.from_pydict({name: list(values) for name, values in zip(columns, zip(*rows))})
    con.register("_batch", batch)
    try:
        con.execute(f"INSERT INTO {table} SELECT * FROM _batch")
    finally:
        con.unregister("_batch")


def load_records(con, records: Iterable[Extraction]) -> BuildSummary:
    summary = BuildSummary()
    extraction_tables = [name for name in TABLES if name != "fulfilment"]
    for chunk in chunked(records, CHUNK):
        ids = [e.notice_id for e in chunk]
        if len(set(ids)) != len(ids):
            dup = next(i for i in ids if ids.count(i) > 1)
            raise ValueError(f"notice id {dup!r} occurs twice in one batch: ids must be unique")
        table_rows: dict[str, list[tuple]] = {name: [] for name in extraction_tables}
        for e in chunk:
            for name, rows in rows_of(e).items():
                table_rows[name].extend(rows)
            summary.notices += 1
            summary.failed += e.error is not None
        con.execute("BEGIN TRANSACTION")
        try:
            for name in extraction_tables:  # replace what an earlier load of these notices wrote
                con.execute(f"DELETE FROM {name} WHERE notice_id IN (SELECT unnest(?::VARCHAR[]))", [ids])
            for name, rows in table_rows.items():
                _insert(con, name, rows)
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
    summary.rows = {name: con.execute(f"SELECT count(*) FROM {name}").fetchone()[0] for name in extraction_tables}
    return summary


def load_fulfilment(con, rows: list[dict]) -> int:
    """Replace the fulfilment rows of the report pairs in ``rows`` (the JSON of `commitments track`)."""
    pairs = sorted({(r["earlier_id"], r["later_id"]) for r in rows})
    table = [(r["earlier_id"], r["later_id"], r["year"], r["indicator"], r["target"]["start"], r["target"]["end"],
              r["target"]["text"], r["target"]["measure"], r["target"]["value"], r["target"]["unit"],
              r["target"]["comparator"], *((o["start"], o["end"], o["text"], o["sentence"], o["value"], o["unit"])
                                          if (o := r["outcome"]) else (None,) * 6), r["decision"], r["comparison"])
             for r in rows]
    con.execute("BEGIN TRANSACTION")
    try:
        for earlier, later in pairs:
            con.execute("DELETE FROM fulfilment WHERE earlier_id = ? AND later_id = ?", [earlier, later])
        _insert(con, "fulfilment", table)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return con.execute("SELECT count(*) FROM fulfilment").fetchone()[0]


def build(inputs: list[Path], output: Path) -> BuildSummary:
    """Load extraction JSONL files into ``output`` (created, or appended to idempotently)."""
    for path in inputs:
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no such extraction output")
    con = connect(output)
    try:
        total = BuildSummary()
        for path in inputs:
            part = load_records(con, read_jsonl(path))
            total.notices += part.notices
            total.failed += part.failed
            total.rows = part.rows
        con.execute("CHECKPOINT")  # write the batch out and free the blocks of replaced rows
        return total
    finally:
        con.close()
