"""Extractor: a notice in, an Extraction out. The flow is segment -> tag (any registered tagger) ->
filter (the rule layer parses, checks and rejects spans) -> assemble. Batch jobs, the CLI, evaluation and
the spaCy components all call this."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from extractor.assemble import assemble
from extractor.rules.filters import filter_spans
from extractor.schema import Extraction, Notice
from extractor.segment import Document
from extractor.taggers import DEFAULT_MODEL_DIR, DEFAULT_PRECISION, DEFAULT_TAGGER, Tagger, load_tagger

__all__ = ["DEFAULT_MODEL_DIR", "Extractor"]

NO_DATE_WARNING = ("no notice date (the record's date, 发文日期, signature date or --anchor-date): relative "
                   "deadlines are kept with kind and text but no dates")


class Extractor:
    """``Extractor.load("rules")``, ``Extractor.load("model", model_dir)`` or ``Extractor.load("hybrid")``."""

    def __init__(self, tagger: Tagger, anchor_date: date | None = None):
        self.tagger = tagger
        self.name = tagger.name
        self.anchor_date = anchor_date

    @classmethod
    def load(cls, tagger: str = DEFAULT_TAGGER, model_dir: str | Path | None = None,
             anchor_date: date | None = None, device: str = "auto", precision: str = DEFAULT_PRECISION) -> Extractor:
        return cls(load_tagger(tagger, model_dir, device, precision), anchor_date)

    def document(self, notice: Notice) -> Document:
        return Document(notice.text, notice.date or self.anchor_date)

    def extract(self, notice: Notice) -> Extraction:
        doc = self.document(notice)
        warnings = [] if doc.anchor else [NO_DATE_WARNING]
        if "invalid_date" in notice.metadata:  # ingest.readers.INVALID_DATE: a record date such as 2025-13-45
            warnings.insert(0, f"the record's date {notice.metadata['invalid_date']!r} is not a valid date and was "
                               "ignored (the notice date comes from the header, if it has one)")
        tagged = self.tagger(doc)
        filtered = filter_spans(doc, tagged.spans)
        rejections = sorted(tagged.rejections + filtered.rejections, key=lambda r: (r.start, r.end, r.label))
        return Extraction(notice_id=notice.id, source=notice.source, date=notice.date, metadata=notice.metadata,
                          warnings=warnings, text=notice.text, spans=filtered.spans,
                          commitments=assemble(doc, filtered), rejections=rejections)
