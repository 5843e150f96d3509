"""Extractor: a notice in, an Extraction out. Tagging (rules or model) finds spans; rules parse them;
assembly links them into commitments. Batch jobs, the CLI and the spaCy components all call this."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

from extractor.assemble import link_deadlines, link_quantities
from extractor.rule_tagger import TagResult
from extractor.rule_tagger import tag as rule_tag
from extractor.rules.deadline import DeadlineRejection, parse_deadline
from extractor.rules.modality import modality
from extractor.rules.quantity import QuantityRejection, parse_quantity
from extractor.schema import Commitment, Deadline, Extraction, Notice, Quantity, Rejection, Span, TextSpan
from extractor.segment import section_paths

DEFAULT_MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "zh-char-tagger"
Tagger = Callable[[str, date | None], TagResult]


class Extractor:
    """``Extractor.load("rules")`` or ``Extractor.load("model", model_dir)``."""

    def __init__(self, tagger: Tagger, name: str, anchor_date: date | None = None):
        self.tagger = tagger
        self.name = name
        self.anchor_date = anchor_date

    @classmethod
    def load(cls, tagger: str = "rules", model_dir: str | Path | None = None,
             anchor_date: date | None = None) -> Extractor:
        if tagger == "rules":
            return cls(rule_tag, "rules", anchor_date)
        if tagger == "model":
            from extractor.tagger import ModelTagger

            return cls(ModelTagger.load(model_dir or DEFAULT_MODEL_DIR), "model", anchor_date)
        raise ValueError(f"unknown tagger {tagger!r}: use 'rules' or 'model'")

    def extract(self, notice: Notice) -> Extraction:
        anchor = notice.date or self.anchor_date
        warnings = []
        if anchor is None:
            warnings.append("no notice date (the record's date, 发文日期, signature date or --anchor-date): "
                            "relative deadlines are kept with kind and text but no dates")
        tagged = self.tagger(notice.text, anchor)
        commitments, rejections = assemble(notice.text, tagged.spans, anchor)
        return Extraction(notice_id=notice.id, source=notice.source, date=notice.date, metadata=notice.metadata,
                          warnings=warnings, text=notice.text, spans=tagged.spans, commitments=commitments,
                          rejections=sorted(tagged.rejections + rejections, key=lambda r: (r.start, r.end)))


def _role(text: str, span: Span, later_quantity: bool, unit: str, comparator: str) -> str:
    """qualifier when the amount describes the object (5000万元以上项目8个, 60岁以上老人), not when it
    counts it (建设500个重大项目)."""
    after = text[span.end:span.end + 1]
    if unit == "岁" or after == "的" or text[span.start:span.end].rstrip("以上").endswith("级"):
        return "qualifier"
    threshold = comparator == ">=" or unit in ("元", "平方米", "亩", "吨", "%")
    if later_quantity and threshold and re.match(r"[\u4e00-\u9fff]", after):
        return "qualifier"
    return "target"


def _section(paths: list[tuple[int, int, list[str]]], pos: int) -> list[str]:
    for start, end, path in paths:
        if start <= pos <= end:
            return path
    return []


def assemble(text: str, spans: list[Span], anchor: date | None) -> tuple[list[Commitment], list[Rejection]]:
    measures = [s for s in spans if s.label == "MEASURE"]
    quantities = [s for s in spans if s.label == "QUANTITY"]
    deadlines = [s for s in spans if s.label == "DEADLINE"]
    rejections: list[Rejection] = []

    parsed_q = {}
    for qi, q in enumerate(quantities):
        parsed = parse_quantity(text[q.start:q.end])
        if isinstance(parsed, QuantityRejection):
            rejections.append(Rejection(start=q.start, end=q.end, text=text[q.start:q.end], label="QUANTITY",
                                        reason=parsed.reason))
        else:
            parsed_q[qi] = parsed
    parsed_d = {}
    for di, d in enumerate(deadlines):
        parsed = parse_deadline(text[d.start:d.end], anchor)
        if isinstance(parsed, DeadlineRejection):
            rejections.append(Rejection(start=d.start, end=d.end, text=text[d.start:d.end], label="DEADLINE",
                                        reason=parsed.reason))
        else:
            parsed_d[di] = parsed

    q_links = link_quantities(measures, quantities, text)
    d_links = link_deadlines(measures, deadlines, text)
    paths = section_paths(text)
    commitments = []
    for mi, m in enumerate(measures):
        own = [qi for qi in sorted(q_links) if q_links[qi] == mi and qi in parsed_q]
        qs = []
        for pos, qi in enumerate(own):
            q, p = quantities[qi], parsed_q[qi]
            qs.append(Quantity(start=q.start, end=q.end, text=text[q.start:q.end], value=p.value, upper=p.upper,
                               unit=p.unit, comparator=p.comparator,
                               role=_role(text, q, pos + 1 < len(own), p.unit, p.comparator)))
        deadline = None
        di = d_links.get(mi)
        if di is not None and di in parsed_d:
            d, p = deadlines[di], parsed_d[di]
            deadline = Deadline(start=d.start, end=d.end, text=text[d.start:d.end], kind=p.kind,
                                start_date=p.start, end_date=p.end, anchor=anchor)
        sentence_start = max(text.rfind(ch, 0, m.start) for ch in "。！？；;\n") + 1
        score = min([m.score] + [quantities[qi].score for qi in own])
        commitments.append(Commitment(
            measure=TextSpan(start=m.start, end=m.end, text=text[m.start:m.end]),
            quantities=qs, deadline=deadline,
            modality=modality(text[m.start:m.end], text[sentence_start:m.start]),
            section=_section(paths, m.start), score=score))
    return commitments, rejections
