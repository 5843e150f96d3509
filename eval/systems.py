"""The systems ``commitments evaluate`` can score, each turned into one Extraction per gold notice.

- ``rules``, ``model``, ``hybrid``: the registered taggers (extractor.taggers) through the full pipeline
  (``Extractor.load(name, model_dir)``); the last two need a fine-tuned checkpoint;
- ``jionlp``: the peer baseline — JioNLP's ``extract_time`` scored as DEADLINE and ``extract_money`` as
  QUANTITY, called as a researcher would call them (the notice date as ``time_base``, defaults
  otherwise). It tags no MEASURE and links nothing, so its commitment scores are not applicable;
- a path to a predictions JSONL file in the Extraction contract (``commitments extract`` output).

Every system sees only the notice text, its date and metadata — never the annotations.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from eval.gold import as_notice
from extractor.annotations.model import GoldNotice
from extractor.labels import SPAN_LABELS
from extractor.schema import Extraction, Span

BUILTIN = ("rules", "model", "hybrid", "jionlp")  # the registered taggers (extractor.taggers) and the peer
JIONLP_LABELS = ("QUANTITY", "DEADLINE")


class SystemUnavailable(RuntimeError):
    """The system cannot run here (missing checkpoint, missing optional package, unreadable file)."""


@dataclass
class SystemRun:
    name: str
    extractions: list[Extraction]
    labels: tuple[str, ...] = SPAN_LABELS  # labels the system tags at all
    commitments: bool = True  # whether it assembles commitments
    notes: list[str] = field(default_factory=list)
    description: str = ""


def _run_extractor(extract: Callable, notices: Sequence[GoldNotice], name: str) -> tuple[list[Extraction], list[str]]:
    out, notes = [], []
    for g in notices:
        try:
            out.append(extract(as_notice(g)))
        except Exception as exc:  # noqa: BLE001 - score the notice as empty, and say so
            notes.append(f"{g.id}: {name} failed: {exc!r}")
            out.append(Extraction(notice_id=g.id, error=repr(exc)))
    return out, notes


def run_tagger(name: str, notices: Sequence[GoldNotice], model_dir: Path | None = None) -> SystemRun:
    """A registered tagger (extractor.taggers) through the full pipeline: tag, rule filters, assembly."""
    from extractor.pipeline import Extractor
    from extractor.taggers import DEFAULT_MODEL_DIR, NEEDS_MODEL

    description = "rule tagger + rules + assembly"
    if name in NEEDS_MODEL:
        model_dir = Path(model_dir or DEFAULT_MODEL_DIR)
        if not (model_dir / "config.json").exists():
            raise SystemUnavailable(f"system {name!r}: no checkpoint in {model_dir} (train one, or pass --model-dir)")
        description = f"{'fine-tuned tagger' if name == 'model' else 'hybrid of'} {model_dir} + rules"
    try:
        extractor = Extractor.load(name, model_dir)
    except (OSError, ValueError, ImportError) as exc:
        raise SystemUnavailable(f"system {name!r}: cannot load {model_dir}: {exc}") from exc
    extractions, notes = _run_extractor(extractor.extract, notices, name)
    return SystemRun(name, extractions, notes=notes, description=description)


def import_jionlp():
    """Import JioNLP quietly (it prints a banner on stdout), or fail with the way to install it."""
    try:
        with contextlib.redirect_stdout(sys.stderr):
            import jionlp
    except Exception as exc:  # ImportError, or a broken install raising anything while importing
        raise SystemUnavailable(
            f"system 'jionlp': JioNLP cannot be imported ({exc!r}). It is an optional peer baseline: "
            "install it with `pip install jionlp==1.5.31` and run again") from exc
    return jionlp


def _no_overlap(spans: list[Span]) -> tuple[list[Span], int]:
    """Keep one layer non-overlapping (as IOB2 needs): longer spans first, then earlier ones."""
    kept: list[Span] = []
    for s in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
        if all(s.end <= k.start or s.start >= k.end for k in kept):
            kept.append(s)
    return sorted(kept, key=lambda s: (s.start, s.end)), len(spans) - len(kept)


def jionlp_spans(jio, text: str, date: dt.date | None) -> tuple[list[Span], int]:
    """JioNLP's time expressions as DEADLINE and money expressions as QUANTITY, overlaps resolved."""
    base = dt.datetime.combine(date, dt.time()).timestamp() if date else None
    times = jio.ner.extract_time(text, time_base=base) if base else jio.ner.extract_time(text)
    money = jio.ner.extract_money(text)
    spans = []
    for label, found in (("DEADLINE", times), ("QUANTITY", money)):
        for item in found:
            start, end = item["offset"]
            if 0 <= start < end <= len(text):
                spans.append(Span(start=start, end=end, label=label))
    return _no_overlap(spans)


@contextlib.contextmanager
def _quiet_logging() -> Iterator[None]:
    """JioNLP logs a traceback at ERROR for every candidate its time parser rejects (and carries on)."""
    previous = logging.root.manager.disable
    logging.disable(logging.CRITICAL)
    try:
        yield
    finally:
        logging.disable(previous)


def run_jionlp(notices: Sequence[GoldNotice]) -> SystemRun:
    jio = import_jionlp()
    with _quiet_logging():
        return _run_jionlp(jio, notices)


def _run_jionlp(jio, notices: Sequence[GoldNotice]) -> SystemRun:
    out, notes, dropped = [], [], 0
    for g in notices:
        try:
            spans, n_dropped = jionlp_spans(jio, g.text, g.metadata.doc_date)
        except Exception as exc:  # noqa: BLE001 - one failing notice is scored empty
            notes.append(f"{g.id}: jionlp failed: {exc!r}")
            out.append(Extraction(notice_id=g.id, error=repr(exc)))
            continue
        dropped += n_dropped
        out.append(Extraction(notice_id=g.id, date=g.metadata.doc_date, text=g.text, spans=spans))
    if dropped:
        notes.append(f"{dropped} overlapping JioNLP spans dropped (a layer cannot hold overlapping spans)")
    version = getattr(jio, "__version__", "?")
    return SystemRun("jionlp", out, labels=JIONLP_LABELS, commitments=False, notes=notes,
                     description=f"JioNLP {version}: extract_time as DEADLINE, extract_money as QUANTITY")


def read_predictions(path: Path, notices: Sequence[GoldNotice]) -> SystemRun:
    from extractor.io import read_jsonl

    if not path.exists():
        raise SystemUnavailable(f"predictions file {path} does not exist")
    try:
        by_id: dict[str, Extraction] = {}
        for e in read_jsonl(path):
            by_id[e.notice_id] = e
    except ValueError as exc:
        raise SystemUnavailable(f"{path}: not an Extraction JSONL file: {exc}") from exc
    out, notes = [], []
    for g in notices:
        e = by_id.get(g.id)
        if e is None:
            notes.append(f"{g.id}: no prediction in {path.name}; scored as empty")
            e = Extraction(notice_id=g.id)
        elif e.text is not None and e.text != g.text:
            raise SystemUnavailable(f"{path}: the text of {g.id} differs from the gold text, so its offsets "
                                    "cannot be scored (was the notice re-read or normalised?)")
        elif e.error:
            notes.append(f"{g.id}: prediction carries an error ({e.error}); scored as empty")
        out.append(e)
    extra = len(set(by_id) - {g.id for g in notices})
    if extra:
        notes.append(f"{extra} predictions for notices outside this gold set ignored")
    return SystemRun(path.stem, out, notes=notes, description=f"predictions read from {path}")


def run_system(spec: str, notices: Sequence[GoldNotice], model_dir: Path | None = None) -> SystemRun:
    from extractor.taggers import NAMES

    if spec in NAMES:
        return run_tagger(spec, notices, model_dir)
    if spec == "jionlp":
        return run_jionlp(notices)
    path = Path(spec)
    if path.is_dir():
        raise SystemUnavailable(f"{spec} is a directory: give a predictions .jsonl file")
    if path.suffix == ".jsonl" or path.exists():
        return read_predictions(path, notices)
    raise SystemUnavailable(f"unknown system {spec!r}: use {', '.join(NAMES)}, jionlp or a predictions .jsonl "
                            "path")
