"""Reading notices from files: decoding, record files, header metadata. Failures are values, not crashes."""

from extractor.ingest.readers import IngestFailure, iter_inputs, read_notices

__all__ = ["IngestFailure", "iter_inputs", "read_notices"]
