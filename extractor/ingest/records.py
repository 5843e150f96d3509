"""Record files: JSONL, CSV and Parquet with one notice per record. Column names are configurable
(``--id-field``, ``--text-field``, ``--date-field``); files are streamed, never loaded whole, and every
bad record becomes an IngestFailure naming ``FILE:N`` (N: the line for JSONL, the data row for CSV and
Parquet) while the rest of the file goes on."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractor.ingest.decode import MAX_BYTES, DecodeError, check_text, decode_bytes

RECORD_SUFFIXES = {".jsonl", ".ndjson", ".csv", ".tsv", ".parquet"}
DATE_FIELDS = ("date", "reply_date", "doc_date", "publish_date", "pub_date")
SAMPLE_BYTES = 1 << 20


@dataclass(frozen=True)
class RecordFields:
    id: str = "id"
    text: str = "text"
    date: tuple[str, ...] = DATE_FIELDS
    max_chars: int = MAX_BYTES  # a record's text, in characters

    @classmethod
    def of(cls, id_field: str | None = None, text_field: str | None = None, date_field: str | None = None,
           max_chars: int | None = None) -> RecordFields:
        return cls(id=id_field or "id", text=text_field or "text",
                   date=(date_field,) if date_field else DATE_FIELDS, max_chars=max_chars or MAX_BYTES)


@dataclass
class RawRecord:
    """A record's fields before the header parser runs (cheap to ship to a worker)."""

    source: str
    notice_id: str
    text: str
    date: Any = None
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class IngestFailure:
    source: str
    reason: str
    notice_id: str | None = None


def _from_mapping(record: Any, where: str, default_id: str, fields: RecordFields) -> RawRecord | IngestFailure:
    if not isinstance(record, dict):
        return IngestFailure(where, f"record is a {type(record).__name__}, not an object")
    raw_id = record.get(fields.id)
    notice_id = str(raw_id) if raw_id not in (None, "") else default_id
    text = record.get(fields.text)
    if not isinstance(text, str):
        got = "missing" if text is None else f"a {type(text).__name__}"
        return IngestFailure(where, f"record needs a string {fields.text!r} field ({got}; set --text-field)",
                             notice_id)
    try:
        check_text(text, fields.max_chars)
    except DecodeError as exc:
        return IngestFailure(where, str(exc), notice_id)
    date = next((record[f] for f in fields.date if record.get(f) not in (None, "")), None)
    skip = {fields.id, fields.text, "metadata", *fields.date}
    metadata = {k: v for k, v in record.items()
                if k not in skip and isinstance(v, (str, int, float)) and not (isinstance(v, float) and not math.isfinite(v))}
    if isinstance(record.get("metadata"), dict):
        metadata.update(record["metadata"])
    return RawRecord(where, notice_id, text, str(date) if date is not None else None, metadata)


def iter_records(path: Path, fields: RecordFields = RecordFields()) -> Iterator[RawRecord | IngestFailure]:
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            yield from _parquet(path, fields)
        elif suffix in (".csv", ".tsv"):
            yield from _csv(path, fields, "\t" if suffix == ".tsv" else ",")
        else:
            yield from _jsonl(path, fields)
    except FileNotFoundError:
        yield IngestFailure(str(path), "file not found")
    except PermissionError:
        yield IngestFailure(str(path), "permission denied")
    except IsADirectoryError:
        yield IngestFailure(str(path), "is a directory")
    except OSError as exc:
        yield IngestFailure(str(path), f"cannot read: {exc}")


def _jsonl(path: Path, fields: RecordFields) -> Iterator[RawRecord | IngestFailure]:
    with path.open("rb") as fh:
        if not fh.read(1):
            yield IngestFailure(str(path), "empty file")
            return
        fh.seek(0)
        for lineno, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            where = f"{path}:{lineno}"
            if len(raw) > fields.max_chars * 4:
                yield IngestFailure(where, f"record too large: {len(raw) / 1e6:.1f} MB")
                continue
            try:
                line, _ = decode_bytes(raw.lstrip(b"\xef\xbb\xbf") if lineno == 1 else raw, max_bytes=len(raw) + 1)
                record = json.loads(line)
            except DecodeError as exc:
                yield IngestFailure(where, str(exc))
                continue
            except json.JSONDecodeError as exc:
                yield IngestFailure(where, f"malformed JSON: {exc.msg} at column {exc.colno}")
                continue
            except RecursionError:
                yield IngestFailure(where, "malformed JSON: nested too deeply")
                continue
            yield _from_mapping(record, where, f"{path.stem}-{lineno}", fields)


def _csv(path: Path, fields: RecordFields, delimiter: str) -> Iterator[RawRecord | IngestFailure]:
    with path.open("rb") as fh:
        sample = fh.read(SAMPLE_BYTES)
        if not sample:
            yield IngestFailure(str(path), "empty file")
            return
        cut = sample.rfind(b"\n") if len(sample) == SAMPLE_BYTES else len(sample)
        try:
            _, encoding = decode_bytes(sample[:cut if cut > 0 else len(sample)], max_bytes=SAMPLE_BYTES + 1)
        except DecodeError as exc:
            yield IngestFailure(str(path), str(exc))
            return
        fh.seek(0)
        text = io.TextIOWrapper(fh, encoding="utf-8-sig" if encoding in ("utf-8", "utf_8") else encoding,
                                errors="strict", newline="")
        csv.field_size_limit(max(fields.max_chars * 4, 1 << 20))
        reader = csv.DictReader(text, delimiter=delimiter)
        row = 0
        try:
            if reader.fieldnames is None:
                yield IngestFailure(str(path), "no header row")
                return
            if fields.text not in reader.fieldnames:
                yield IngestFailure(str(path), f"no {fields.text!r} column (columns: {reader.fieldnames[:20]}; "
                                               f"set --text-field)")
                return
            for row, record in enumerate(reader, 1):
                record.pop(None, None)  # cells beyond the header
                yield _from_mapping(record, f"{path}:{row}", f"{path.stem}-{row}", fields)
        except UnicodeDecodeError as exc:
            yield IngestFailure(f"{path}:{row + 1}", f"invalid {encoding} from this row on ({exc.reason}); "
                                                     "the rest of the file is skipped")
        except csv.Error as exc:
            yield IngestFailure(f"{path}:{row + 1}", f"malformed CSV: {exc}; the rest of the file is skipped")


def _parquet(path: Path, fields: RecordFields) -> Iterator[RawRecord | IngestFailure]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except (pa.ArrowInvalid, pa.ArrowException, OSError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        yield IngestFailure(str(path), f"not a readable Parquet file: {exc}")
        return
    names = pf.schema_arrow.names
    if fields.text not in names:
        yield IngestFailure(str(path), f"no {fields.text!r} column (columns: {names[:20]}; set --text-field)")
        return
    row = 0
    try:
        for batch in pf.iter_batches(batch_size=512):
            for record in batch.to_pylist():
                row += 1
                yield _from_mapping(record, f"{path}:{row}", f"{path.stem}-{row}", fields)
    except (pa.ArrowException, OSError) as exc:
        yield IngestFailure(f"{path}:{row + 1}", f"corrupt Parquet data from this row on: {exc}")
