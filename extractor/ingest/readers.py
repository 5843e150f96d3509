"""Turn input paths into Notices. Every failure becomes an IngestFailure naming the file and the problem,
so a batch goes on with the rest.

A document file (.txt, .html/.htm, .docx, .pdf) is one notice, read by what its bytes are rather than
what its name says; a record file (.jsonl, .csv, .parquet) holds one notice per record.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

from extractor.ingest.decode import MAX_BYTES, DecodeError, check_text, decode_bytes, too_large
from extractor.ingest.formats import NOT_NOTICES, READERS, sniff
from extractor.ingest.header import parse_date, parse_header
from extractor.ingest.records import RECORD_SUFFIXES, IngestFailure, RawRecord, RecordFields, iter_records
from extractor.schema import Notice

TEXT_SUFFIXES = {".txt", ".text"}
DOCUMENT_SUFFIXES = TEXT_SUFFIXES | {".html", ".htm", ".shtml", ".xhtml", ".docx", ".pdf"}
SUPPORTED = DOCUMENT_SUFFIXES | RECORD_SUFFIXES

__all__ = [
    "IngestFailure",
    "RawRecord",
    "RecordFields",
    "is_record_file",
    "iter_inputs",
    "notice_from_raw",
    "notice_from_text",
    "read_document",
    "read_notices",
]


def is_record_file(path: Path) -> bool:
    return path.suffix.lower() in RECORD_SUFFIXES


def iter_inputs(inputs: Iterable[str], exclude: Iterable[Path] = ()) -> Iterator[Path]:
    """Files named, files under directories (recursively, sorted), and glob matches; unsupported
    suffixes inside directories are skipped, a missing path is reported by read_notices. A file reached
    twice (named and inside a directory) is read once; ``exclude`` drops our own output files."""
    seen = {os.path.abspath(p) for p in exclude}
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED
                           and not p.name.startswith("."))
        elif not path.exists() and any(ch in raw for ch in "*?["):
            found = sorted(Path(p) for p in glob.glob(raw, recursive=True) if Path(p).is_file())
        else:
            found = [path]
        for p in found:
            key = os.path.abspath(p)
            if key not in seen:
                seen.add(key)
                yield p


INVALID_DATE = "invalid_date"


def _notice_date(meta: dict[str, object], explicit: object = None) -> date | None:
    """A record's own date field (structured, chosen by the user) first, then 发文日期 from the header,
    then the signature date."""
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
    if isinstance(explicit_date, str) and explicit_date.strip() and parse_date(explicit_date) is None:
        meta[INVALID_DATE] = explicit_date[:100]  # kept, so the extraction can warn that it was ignored
    return Notice(id=notice_id, text=text, date=_notice_date(meta, explicit_date), source=source, metadata=meta)


def notice_from_raw(raw: RawRecord) -> Notice:
    return notice_from_text(raw.notice_id, raw.text, raw.source, raw.date, raw.metadata)


def read_document(path: Path, max_bytes: int = MAX_BYTES, data: bytes | None = None) -> Notice | IngestFailure:
    """One document file to one Notice. ``data`` is the file's bytes when the caller has read them
    already (a distributed worker gets bytes, not a path)."""
    try:
        if data is None:
            size = path.stat().st_size
            if size > max_bytes:
                return IngestFailure(str(path), too_large(size, max_bytes), path.stem)
            data = path.read_bytes()
        elif len(data) > max_bytes:
            return IngestFailure(str(path), too_large(len(data), max_bytes), path.stem)
        if not data:
            raise DecodeError("empty file")
        kind = sniff(data)
        if kind in NOT_NOTICES or kind == "zip":
            raise DecodeError(f"{NOT_NOTICES.get(kind, 'a ZIP archive (not a .docx)')}, not a notice")
        if kind == "text":
            text, encoding = decode_bytes(data, max_bytes)
            meta: dict[str, object] = {"encoding": encoding}
        else:
            text, meta = READERS[kind](data, max_bytes)
            meta["format"] = kind
        check_text(text)
    except (OSError, DecodeError) as exc:
        return IngestFailure(str(path), _reason(exc), path.stem)
    declared = path.suffix.lower().lstrip(".")
    if kind != "text" and not (declared == kind or (kind == "html" and declared in ("htm", "shtml", "xhtml"))):
        meta["format_note"] = f"a .{declared or '(none)'} file holding {kind.upper()}"
    notice = notice_from_text(path.stem, text, str(path))
    for key, value in meta.items():
        if key.startswith("page_") or key == "doc_title":
            notice.metadata.setdefault(key, value)
        else:
            notice.metadata[key] = value
    return notice


def _reason(exc: Exception) -> str:
    if isinstance(exc, FileNotFoundError):
        return "file not found"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, IsADirectoryError):
        return "is a directory"
    return str(exc)


DEFAULT_FIELDS = RecordFields()


def read_notices(path: Path, fields: RecordFields = DEFAULT_FIELDS,
                 max_bytes: int = MAX_BYTES) -> Iterator[Notice | IngestFailure]:
    suffix = path.suffix.lower()
    if suffix in RECORD_SUFFIXES:
        for item in iter_records(path, fields):
            yield item if isinstance(item, IngestFailure) else notice_from_raw(item)
    elif suffix in DOCUMENT_SUFFIXES or suffix == "" or not path.is_file():
        yield read_document(path, max_bytes)
    else:
        yield IngestFailure(str(path), f"unsupported file type {suffix!r} (supported: {sorted(SUPPORTED)})")
