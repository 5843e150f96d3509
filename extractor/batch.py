"""Batch extraction that survives being killed.

Results go first to an append-only part file next to the output (``OUT.part``): one header line naming
the inputs and options, then one JSON line per finished notice, flushed as chunks complete. A kill loses
at most the chunks in flight and possibly a torn last line, which ``--resume`` cuts off. When every
notice is done the output is assembled from the part file in input order and written atomically
(temporary file, then rename), then the part file is removed. A run that was never interrupted takes
exactly the same path, so a killed-and-resumed run writes byte-for-byte the same output.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from extractor.ingest import IngestFailure, is_record_file, iter_inputs
from extractor.ingest.decode import too_large
from extractor.ingest.records import iter_records
from extractor.io import atomic_open, chunked, sidecar_path, write_records
from extractor.worker import BatchConfig, Result, Task

PART_VERSION = 1
MAX_MESSAGES = 20


class ResumeError(ValueError):
    pass


class BusyError(RuntimeError):
    """Another run holds the output (two runs on one output would interleave their part files)."""


def lock_path(output: Path) -> Path:
    return output.with_name(output.name + ".lock")


@contextmanager
def output_lock(output: Path) -> Iterator[None]:
    """One run per output path: a second run refuses at once instead of truncating the first one's part
    file. flock is released by the kernel when a run dies, so a killed run leaves no stale lock."""
    path = lock_path(output)
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise BusyError(f"another run is writing {output} (it holds {path}); wait for it to finish or "
                            "choose another output") from None
        try:
            if os.stat(path).st_ino == os.fstat(fd).st_ino:
                break
        except FileNotFoundError:
            pass
        os.close(fd)  # the previous holder removed the file as we opened it: lock a fresh one
    try:
        yield
    finally:
        path.unlink(missing_ok=True)
        os.close(fd)


@dataclass
class Entry:
    offset: int
    length: int
    commitments: int
    failed: bool


class PartFile:
    """Append-only store of finished notices: ``{"key", "commitments", "error", "record"}`` per line."""

    def __init__(self, output: Path):
        self.path = output.with_name(output.name + ".part")
        self.index: dict[str, Entry] = {}
        self.fh = None

    def start(self, header: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fh = self.path.open("wb")
        self.fh.write((json.dumps({"part": PART_VERSION, **header}, ensure_ascii=False) + "\n").encode())
        self.fh.flush()

    def resume(self, header: dict[str, Any]) -> bool:
        """Open an existing part file made with the same header; False when there is none."""
        if not self.path.exists():
            return False
        with self.path.open("rb") as fh:
            first = fh.readline()
            try:
                found = json.loads(first)
            except json.JSONDecodeError:
                found = None
            if not isinstance(found, dict) or found.get("part") != PART_VERSION:
                raise ResumeError(f"{self.path} is not a partial output of this version; delete it to start over")
            found.pop("part")
            if found != header:
                diff = sorted(k for k in set(found) | set(header) if found.get(k) != header.get(k))
                raise ResumeError(f"{self.path} was started with other {', '.join(diff)}: "
                                  f"{ {k: found.get(k) for k in diff} }; run without --resume to start over")
            good = fh.tell()
            for line in iter(fh.readline, b""):
                if not line.endswith(b"\n"):
                    break  # torn last line of a killed run
                try:
                    item = json.loads(line)
                    self.index[item["key"]] = Entry(good, len(line), item["commitments"], item["error"] is not None)
                except (json.JSONDecodeError, KeyError, TypeError):
                    break
                good += len(line)
        self.fh = self.path.open("r+b")
        self.fh.truncate(good)
        self.fh.seek(good)
        return True

    def append(self, results: Iterable[Result]) -> None:
        for r in results:
            line = (f'{{"key": {json.dumps(r.key, ensure_ascii=False)}, "commitments": {r.commitments}, '
                    f'"error": {json.dumps(r.error, ensure_ascii=False)}, "record": {r.record}}}\n').encode()
            offset = self.fh.tell()
            self.fh.write(line)
            self.index[r.key] = Entry(offset, len(line), r.commitments, r.error is not None)
        self.fh.flush()

    def records(self, keys: Iterable[str]) -> Iterator[dict[str, Any]]:
        self.fh.flush()
        os.fsync(self.fh.fileno())
        with self.path.open("rb") as fh:
            for key in keys:
                entry = self.index[key]
                fh.seek(entry.offset)
                yield json.loads(fh.read(entry.length))["record"]

    def close(self) -> None:
        if self.fh is not None:
            self.fh.close()
            self.fh = None

    def remove(self) -> None:
        self.close()
        self.path.unlink(missing_ok=True)


@dataclass
class Summary:
    notices: int = 0
    commitments: int = 0
    failures: int = 0
    resumed: int = 0
    seconds: float = 0.0
    reasons: Counter = field(default_factory=Counter)

    def line(self) -> str:
        resumed = f" ({self.resumed} from an earlier run)" if self.resumed else ""
        rate = (self.notices - self.resumed) / self.seconds if self.seconds > 0 else 0.0
        return (f"{self.notices} notices{resumed}, {self.commitments} commitments, {self.failures} failed, "
                f"{self.seconds:.1f}s ({rate:.1f} notices/s)")


def run_file(output: Path) -> Path:
    """Beside a finished output: the inputs and options that made it, so --resume can check them."""
    return output.with_name(output.name + ".run.json")


def _seed_from_output(part: PartFile, output: Path, header: dict[str, Any]) -> int:
    """--resume after a finished JSONL run: its records count as done (keyed by their source), but only
    when the run that wrote it had the same inputs and options."""
    try:
        made_by = json.loads(run_file(output).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        made_by = None
    if made_by != header:
        raise ResumeError(f"{output} was not made by this command with these options (no matching "
                          f"{run_file(output).name}); run without --resume to extract everything again")
    n = 0
    with output.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ResumeError(f"{output}:{lineno} is not a JSON record ({exc.msg})") from exc
            if rec.get("source") and rec["source"] not in part.index:
                part.append([Result(rec["source"], line.rstrip("\n"), len(rec.get("commitments") or []),
                                    rec.get("error"))])
                n += 1
    return n


def _tasks(paths: list[Path], config: BatchConfig, done: dict, order: dict, ship_bytes: bool) -> Iterator[Task]:
    for path in paths:
        items = iter_records(path, config.fields) if is_record_file(path) else [None]
        for item in items:
            key = item.source if item is not None else str(path)
            if key in order:
                continue
            order[key] = None
            if key in done:
                continue
            if item is not None:
                yield Task(key, "failure" if isinstance(item, IngestFailure) else "record", item)
            elif ship_bytes:
                yield _bytes_task(path, key, config.max_bytes)
            else:
                yield Task(key, "path", key)


def _bytes_task(path: Path, key: str, max_bytes: int) -> Task:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return Task(key, "failure", IngestFailure(key, too_large(size, max_bytes), path.stem))
        return Task(key, "bytes", (key, path.read_bytes()))
    except OSError:
        return Task(key, "path", key)  # the worker reports why it cannot be read


def estimate(paths: list[Path]) -> int:
    """Roughly how many notices (for the progress bar): files, plus lines or rows of record files."""
    n = 0
    for p in paths:
        try:
            if p.suffix.lower() == ".parquet":
                import pyarrow.parquet as pq

                n += pq.ParquetFile(p).metadata.num_rows
            elif is_record_file(p):
                with p.open("rb") as fh:
                    n += sum(1 for line in fh if line.strip()) - (p.suffix.lower() in (".csv", ".tsv"))
            else:
                n += 1
        except Exception:  # noqa: BLE001 - an estimate only; reading reports the real problem
            n += 1
    return n


def run_batch(inputs: list[str], output: Path, fmt: str, config: BatchConfig, backend, *, resume: bool = False,
              chunk_size: int = 8, progress: bool | None = None, log: TextIO = sys.stderr) -> Summary:
    with output_lock(output):
        return _run_batch(inputs, output, fmt, config, backend, resume, chunk_size, progress, log)


def _run_batch(inputs: list[str], output: Path, fmt: str, config: BatchConfig, backend, resume: bool,
               chunk_size: int, progress: bool | None, log: TextIO) -> Summary:
    started = time.perf_counter()
    part = PartFile(output)
    header = {"inputs": [str(i) for i in inputs], "config": config.fingerprint()}
    summary = Summary()
    try:
        if not (resume and part.resume(header)):
            part.start(header)
            if resume and output.exists() and fmt == "jsonl" and sidecar_path(output, fmt) is None:
                print(f"resume: {_seed_from_output(part, output, header)} notices already in {output}", file=log)
            elif resume:
                print(f"resume: no unfinished run for {output}; extracting everything", file=log)
        elif part.index:
            print(f"resume: {len(part.index)} notices already done in {part.path}", file=log)
        done = dict(part.index)
        exclude = [output, part.path, run_file(output), lock_path(output)] + ([sidecar_path(output, fmt)] if sidecar_path(output, fmt)
                                                            else [])
        paths = list(iter_inputs(inputs, exclude=exclude))
        show = log.isatty() if progress is None else progress
        total = max(estimate(paths) - len(done), 0) if show else None
        order: dict[str, None] = {}
        chunks = chunked(_tasks(paths, config, done, order, ship_bytes=not backend.reads_files), chunk_size)
        from tqdm import tqdm

        messages = 0
        with tqdm(total=total, unit="notice", desc="extract", disable=not show, file=log, smoothing=0.05) as bar:
            for results in backend.run(chunks):
                part.append(results)
                bar.update(len(results))
                for r in results:
                    for text in ([f"error: {r.key}: {r.error}"] if r.error else []) + \
                                [f"warning: {r.key}: {w}" for w in r.warnings]:
                        messages += 1
                        if messages <= MAX_MESSAGES:
                            bar.write(text, file=log)
        if messages > MAX_MESSAGES:
            print(f"… {messages - MAX_MESSAGES} more errors and warnings (see the 'error' and 'warnings' fields)",
                  file=log)
        for key in order:
            entry = part.index[key]
            summary.notices += 1
            summary.commitments += entry.commitments
            summary.failures += entry.failed
            summary.resumed += key in done
        for record in part.records(k for k in order if part.index[k].failed):
            summary.reasons[_reason_group(record.get("error") or "")] += 1
        write_records(_unique_ids(part.records(order)), output, fmt)
        with atomic_open(run_file(output)) as fh:
            json.dump(header, fh, ensure_ascii=False)
        part.remove()
    finally:
        part.close()
    summary.seconds = time.perf_counter() - started
    return summary


def _unique_ids(records: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Notice ids are file stems, so a/x.txt and b/x.txt (or x.docx and x.pdf) would share one: a repeated
    id is replaced by the notice's source path, which is unique, in input order (deterministic)."""
    seen: set[str] = set()
    for rec in records:
        nid = rec["notice_id"]
        if nid in seen:
            nid = rec.get("source") or nid
            n = 2
            while nid in seen:
                nid, n = f"{rec['notice_id']}~{n}", n + 1
            rec = {**rec, "notice_id": nid}
        seen.add(nid)
        yield rec


def _reason_group(reason: str) -> str:
    head = reason.split(":")[0].split("(")[0].strip()
    return head[:60] or "unknown"
