"""Turn input paths into Notices. Every failure becomes an IngestFailure naming the file and the problem,
so a batch goes on with the rest."""

from __future__ import annotations

import glob
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from extractor.ingest.decode import DecodeError, check_text, decode_bytes
from extractor.ingest.header import parse_date, parse_header
from extractor.schema import Notice

TEXT_SUFFIXES = {".txt", ".text"}
RECORD_SUFFIXES = {".jsonl", ".ndjson"}
SUPPORTED = TEXT_SUFFIXES | RECORD_SUFFIXES


@dataclass(frozen=True)
class IngestFailure:
    source: str
    reason: str
    notice_id: str | None = None


def iter_inputs(inputs: Iterable[str]) -> Iterator[Path]:
    """Files named, files under directories (recursively, sorted), and glob matches; unsupported
    suffixes inside directories are skipped, a missing path is reported by read_notices."""
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED)
        elif not path.exists() and any(ch in raw for ch in "*?["):
            yield from sorted(Path(p) for p in glob.glob(raw, recursive=True) if Path(p).is_file())
        else:
            yield path


def _notice_date(meta: dict[str, object], explicit: object = None) -> date | None:
    for value in (explicit, meta.get("doc_date"), meta.get("signature_date")):
        if isinstance(value, date):
            return value
        if isinstance(value, str) and parse_date(value):
            return parse_date(value)
    return None


def notice_from_text(notice_id: str, text: str, source: str, explicit_date: object = None,
                     metadata: dict | None = None) -> Notice:
    meta = parse_header(text)
    meta.update(metadata or {})
    return Notice(id=notice_id, text=text, date=_notice_date(meta, explicit_date), source=source, metadata=meta)


def _read_text_file(path: Path) -> Iterator[Notice | IngestFailure]:
    try:
        text, encoding = decode_bytes(path.read_bytes())
        check_text(text)
    except (OSError, DecodeError) as exc:
        yield IngestFailure(str(path), _reason(exc), path.stem)
        return
    notice = notice_from_text(path.stem, text, str(path))
    notice.metadata["encoding"] = encoding
    yield notice


def _read_records(path: Path) -> Iterator[Notice | IngestFailure]:
    try:
        raw, _ = decode_bytes(path.read_bytes())
    except (OSError, DecodeError) as exc:
        yield IngestFailure(str(path), _reason(exc))
        return
    for lineno, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield IngestFailure(where, f"malformed JSON: {exc.msg} at column {exc.colno}")
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            yield IngestFailure(where, "record needs a string 'text' field")
            continue
        notice_id = str(record.get("id") or f"{path.stem}-{lineno}")
        try:
            check_text(record["text"])
        except DecodeError as exc:
            yield IngestFailure(where, str(exc), notice_id)
            continue
        metadata = record.get("metadata") if isinstance(record.get("metadata"), dict) else {}
        yield notice_from_text(notice_id, record["text"], where, record.get("date"), metadata)


def _reason(exc: Exception) -> str:
    if isinstance(exc, FileNotFoundError):
        return "file not found"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, IsADirectoryError):
        return "is a directory"
    return str(exc)


def read_notices(path: Path) -> Iterator[Notice | IngestFailure]:
    suffix = path.suffix.lower()
    if suffix in RECORD_SUFFIXES:
        yield from _read_records(path)
    elif suffix in TEXT_SUFFIXES or suffix == "":
        yield from _read_text_file(path)
    else:
        yield IngestFailure(str(path), f"unsupported file type {suffix!r} (supported: {sorted(SUPPORTED)})")
