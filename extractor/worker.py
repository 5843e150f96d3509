"""What one worker does with a chunk of tasks: read (if it was given a path or bytes), extract, serialise.

The same function runs in-process, in a process pool and on Dask workers. Each worker process keeps one
Extractor per configuration, loaded on first use (so the model is loaded once per worker, not per task).
Nothing raises out of ``process_chunk``: every problem becomes a result with an error.
"""

from __future__ import annotations

import json
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from extractor.ingest import IngestFailure, RecordFields, notice_from_raw, read_document
from extractor.ingest.decode import MAX_BYTES
from extractor.io import to_record
from extractor.schema import Extraction
from extractor.taggers import DEFAULT_TAGGER

TaskKind = Literal["path", "bytes", "record", "failure"]
NOTICE_TIMEOUT = 300.0  # normal notices take milliseconds; a 20 MB one about two minutes with the rules


class NoticeTimeout(BaseException):
    """Raised by the alarm inside a notice's extraction. A BaseException, so that no ``except Exception``
    on the way swallows it."""


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Interrupt the block after ``seconds`` with NoticeTimeout. Signals reach only a process's main
    thread: the serial backend and the pool workers get the limit, Dask's worker threads do not."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise NoticeTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass(frozen=True)
class BatchConfig:
    """Everything that decides the output for a given input; a resumed run must use the same."""

    tagger: str = DEFAULT_TAGGER
    model_dir: str | None = None
    anchor_date: date | None = None
    fields: RecordFields = field(default_factory=RecordFields)
    max_bytes: int = MAX_BYTES
    device: str = "auto"  # where the model runs; not part of the fingerprint (the output does not depend on it)
    precision: str = "fp32"  # fp32, bf16 autocast or int8 (the CLI resolves auto): these can move a span, so it is part of the fingerprint
    # seconds one notice may take (None: no limit); not in the fingerprint, so a resumed run may change it
    notice_timeout: float | None = NOTICE_TIMEOUT

    def fingerprint(self) -> dict[str, Any]:
        return {"tagger": self.tagger, "model_dir": self.model_dir,
                "anchor_date": self.anchor_date.isoformat() if self.anchor_date else None,
                "id_field": self.fields.id, "text_field": self.fields.text, "date_fields": list(self.fields.date),
                "max_bytes": self.max_bytes, "precision": self.precision}


@dataclass(frozen=True)
class Task:
    key: str  # unique per notice in a run: the source (FILE, or FILE:N for a record)
    kind: TaskKind
    payload: Any  # path str | (path str, bytes) | RawRecord | IngestFailure


@dataclass(frozen=True)
class Result:
    key: str
    record: str  # the Extraction as one JSON line (no newline)
    commitments: int
    error: str | None
    warnings: tuple[str, ...] = ()


_EXTRACTORS: dict[tuple, Any] = {}


def get_extractor(config: BatchConfig):
    from extractor.pipeline import Extractor

    key = (config.tagger, config.model_dir, config.anchor_date, config.device, config.precision)
    if key not in _EXTRACTORS:
        _EXTRACTORS[key] = Extractor.load(config.tagger, config.model_dir, config.anchor_date, config.device,
                                          config.precision)
    return _EXTRACTORS[key]


def warm(config: BatchConfig) -> None:
    """Process-pool initializer: load the model before the first task arrives."""
    get_extractor(config)


def failure_result(task: Task, reason: str) -> Result:
    source = _source(task)
    notice_id = Path(source).stem if task.kind in ("path", "bytes") else source
    if task.kind == "record":
        notice_id = task.payload.notice_id
    elif task.kind == "failure":
        notice_id = task.payload.notice_id or task.payload.source
    e = Extraction(notice_id=notice_id, source=source, error=reason)
    return Result(task.key, json.dumps(to_record(e), ensure_ascii=False), 0, reason)


def _source(task: Task) -> str:
    if task.kind == "path":
        return task.payload
    if task.kind == "bytes":
        return task.payload[0]
    return task.payload.source


def _read(task: Task, config: BatchConfig):
    if task.kind == "path":
        return read_document(Path(task.payload), config.max_bytes)
    if task.kind == "bytes":
        path, data = task.payload
        return read_document(Path(path), config.max_bytes, data=data)
    if task.kind == "record":
        return notice_from_raw(task.payload)
    return task.payload


def process_task(task: Task, config: BatchConfig) -> Result:
    extractor = get_extractor(config)  # loaded outside the limit: the first task must not pay for it
    try:
        with time_limit(config.notice_timeout):
            item = _read(task, config)
            if isinstance(item, IngestFailure):
                return failure_result(task, item.reason)
            extraction = extractor.extract(item)
            return Result(task.key, json.dumps(to_record(extraction), ensure_ascii=False),
                          len(extraction.commitments), None, tuple(extraction.warnings))
    except NoticeTimeout:
        return failure_result(task, f"time limit: the notice took longer than the per-notice limit of "
                                    f"{config.notice_timeout:g} s (--notice-timeout) and was skipped")
    except Exception as exc:  # noqa: BLE001 - one bad notice must not stop a batch of thousands
        return failure_result(task, f"extraction failed: {exc!r}")


def process_chunk(config: BatchConfig, tasks: list[Task]) -> list[Result]:
    return [process_task(t, config) for t in tasks]
