"""Writers for extraction results: JSONL (one object per notice) and CSV / Parquet (one row per
commitment, notice fields repeated; a failed notice gets one row carrying its error, a notice without
commitments one row with empty commitment fields). Writes are atomic:
the file appears complete under its name or not at all."""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO, TypeVar

from extractor.csvsafe import safe_dict
from extractor.schema import Extraction

T = TypeVar("T")
FORMATS = ("jsonl", "csv", "parquet")
FLAT_COLUMNS = [
    "notice_id", "source", "date", "error", "issuer", "region", "level", "kind", "commitment_index",
    "measure_start", "measure_end", "measure_text", "modality", "specificity", "section", "score",
    "target_value", "target_upper", "target_unit", "target_comparator", "target_text", "quantities",
    "deadline_text", "deadline_kind", "deadline_start", "deadline_end",
]


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of ``size`` items (the last one shorter): bounded memory over a stream."""
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def format_for(path: Path, explicit: str | None) -> str:
    if explicit:
        return explicit
    suffix = path.suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else "jsonl"


@contextmanager
def atomic_open(path: Path, mode: str = "w") -> Iterator[TextIO]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode, encoding=None if "b" in mode else "utf-8", newline=None if "b" in mode else "") as fh:
            yield fh
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; the output is an ordinary file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def to_record(extraction: Extraction) -> dict[str, Any]:
    return extraction.model_dump(mode="json")


def flat_rows(extraction: Extraction) -> Iterator[dict[str, Any]]:
    meta = extraction.metadata
    region = meta.get("region") if isinstance(meta.get("region"), dict) else {}
    base = {
        "notice_id": extraction.notice_id, "source": extraction.source,
        "date": extraction.date.isoformat() if extraction.date else None, "error": extraction.error,
        "issuer": meta.get("issuer") or meta.get("signature_body"),
        # the qualified name (深圳市南山区), so that two 鼓楼区 in different cities stay apart
        "region": "".join(region.get(k, "") for k in ("province", "city", "district")) or None if region
        else meta.get("region"),
        "level": meta.get("level"), "kind": meta.get("kind"),
    }
    if extraction.error or not extraction.commitments:
        # One row with empty commitment fields, so that every notice (failed or without commitments) is
        # counted in flat outputs.
        yield {**{c: None for c in FLAT_COLUMNS}, **base}
        return
    for i, c in enumerate(extraction.commitments):
        target = next((q for q in c.quantities if q.role == "target"), None)
        d = c.deadline
        yield {
            **base, "commitment_index": i,
            "measure_start": c.measure.start, "measure_end": c.measure.end, "measure_text": c.measure.text,
            "modality": c.modality, "specificity": c.specificity, "section": " > ".join(c.section),
            "score": c.score,
            "target_value": float(target.value) if target else None,
            "target_upper": float(target.upper) if target and target.upper is not None else None,
            "target_unit": target.unit if target else None,
            "target_comparator": target.comparator if target else None,
            "target_text": target.text if target else None,
            "quantities": json.dumps([q.model_dump(mode="json") for q in c.quantities], ensure_ascii=False),
            "deadline_text": d.text if d else None, "deadline_kind": d.kind if d else None,
            "deadline_start": d.start_date.isoformat() if d and d.start_date else None,
            "deadline_end": d.end_date.isoformat() if d and d.end_date else None,
        }


def write(extractions: Iterable[Extraction], path: Path, fmt: str) -> int:
    """Write Extraction objects (atomically; CSV and Parquet with their texts sidecar); returns the number of
    notices written."""
    return write_records((to_record(e) for e in extractions), path, fmt)


def _arrow_schema(pa):
    numeric = {"commitment_index": pa.int64(), "measure_start": pa.int64(), "measure_end": pa.int64(),
               "specificity": pa.int64(), "score": pa.float64(), "target_value": pa.float64(), "target_upper": pa.float64()}
    return pa.schema([(c, numeric.get(c, pa.string())) for c in FLAT_COLUMNS])


def read_jsonl(path: Path) -> Iterator[Extraction]:
    """Extraction records of a JSONL output; a malformed line raises ValueError naming ``path:line``."""
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if line.strip():
                try:
                    yield Extraction.model_validate_json(line)
                except ValueError as exc:
                    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                    raise ValueError(f"{path}:{lineno}: not an extraction record ({first})") from exc


def sidecar_path(path: Path, fmt: str) -> Path | None:
    """Flat formats keep no notice text, so the decoded texts go beside them (``OUT.texts.jsonl``, one
    ``{"notice_id", "source", "text"}`` per notice, in output order): every offset can be resolved."""
    return None if fmt == "jsonl" else path.with_name(path.name + ".texts.jsonl")


def write_records(records: Iterable[dict[str, Any]], path: Path, fmt: str, row_group: int = 5000) -> int:
    """Write JSON records (``to_record`` output) in the order given, atomically and streaming; for CSV and
    Parquet also the texts sidecar. Returns the number of notices."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: use one of {FORMATS}")
    count = 0
    if fmt == "jsonl":
        with atomic_open(path) as fh:
            for rec in records:
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
                count += 1
        return count
    side = sidecar_path(path, fmt)
    with atomic_open(side) as texts, atomic_open(path, "w" if fmt == "csv" else "wb") as fh:
        if fmt == "csv":
            writer = csv.DictWriter(fh, fieldnames=FLAT_COLUMNS)
            writer.writeheader()

            def emit(rows):
                writer.writerows(safe_dict(r) for r in rows)  # no formula runs when a spreadsheet opens it
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            schema = _arrow_schema(pa)
            pw = pq.ParquetWriter(fh, schema)

            def emit(rows):
                pw.write_table(pa.Table.from_pylist(rows, schema=schema))
        rows: list[dict[str, Any]] = []
        for rec in records:
            e = Extraction.model_validate(rec)
            texts.write(json.dumps({"notice_id": e.notice_id, "source": e.source, "text": e.text},
                                   ensure_ascii=False) + "\n")
            rows.extend(flat_rows(e))
            count += 1
            if len(rows) >= row_group:
                emit(rows)
                rows = []
        if rows or fmt == "csv":
            emit(rows)
        if fmt == "parquet":
            pw.close()
    return count
