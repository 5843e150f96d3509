"""Reading notices from files: decoding, documents (txt, html, docx, pdf), record files (jsonl, csv,
parquet), header metadata. Failures are values, not crashes."""

from extractor.ingest.readers import (
    IngestFailure,
    RawRecord,
    RecordFields,
    is_record_file,
    iter_inputs,
    notice_from_raw,
    read_document,
    read_notices,
)

__all__ = ["IngestFailure", "RawRecord", "RecordFields", "is_record_file", "iter_inputs", "notice_from_raw",
           "read_document", "read_notices"]
