"""The rule layer over spans from any tagger (rules, model, hybrid): MEASUREs are trimmed and checked,
QUANTITY and DEADLINE spans are read in their context and parsed into typed values, and a layer-2 span is
kept only where it belongs to a kept MEASURE. Every span that does not survive becomes a Rejection with
its reason; offsets are never invented (a trimmed MEASURE starts later inside the span it was given).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractor.assemble import link_deadlines
from extractor.intervals import Disjoint, Intervals
from extractor.rules import deadline
from extractor.rules.clause_roles import clause_role
from extractor.rules.context import deadline_context, event_relative, quantity_context
from extractor.rules.cues import cues, has, starts
from extractor.rules.deadline import DeadlineRejection, ParsedDeadline, parse_deadline
from extractor.rules.measure import outside_deadlines, strip_prefix, too_short
from extractor.rules.quantity import ParsedQuantity, QuantityRejection, parse_quantity
from extractor.rules.regions import HEADER_FIELD, future_cue, heading_end, past
from extractor.rules.review import ParagraphOdds
from extractor.schema import Rejection, Span
from extractor.segment import Document, Segment, full_stop_end, sentence_start

REVIEW_THRESHOLD = 0.9  # smoothed P(review) above which a paragraph is read as a review (chosen on dev)
PLAN_YEAR = re.compile(r"今年|明年|((?:19|20)\d{2})年")
# The reply's signature date followed by an attachment (…农业局2019年1月7日附[…]5号…关于…的决定): what
# follows is an older document quoted in full, not this reply's commitments. 附近/附属… are not attachments.
APPENDIX = re.compile(r"(?:\d{4}年\d{1,2}月\d{1,2}日|\d{4}[-.]\d{1,2}[-.]\d{1,2})\s*附件?(?=[：:\s《\[“(（一二三四1-9])")


@dataclass
class Filtered:
    """The spans that survived, their parsed values (keyed by offsets) and every rejection."""

    spans: list[Span] = field(default_factory=list)
    quantities: dict[tuple[int, int], ParsedQuantity] = field(default_factory=dict)
    deadlines: dict[tuple[int, int], ParsedDeadline] = field(default_factory=dict)
    rejections: list[Rejection] = field(default_factory=list)

    def of(self, label: str) -> list[Span]:
        return [s for s in self.spans if s.label == label]


def quantity_verdict(doc: Document, start: int, end: int) -> ParsedQuantity | QuantityRejection:
    """The value of the QUANTITY at doc.text[start:end], or why it is none (memoised on the document)."""
    key = ("QUANTITY", start, end)
    if key not in doc.verdicts:
        reason = quantity_context(doc.text, start, end)
        doc.verdicts[key] = QuantityRejection(reason) if reason else parse_quantity(doc.text[start:end])
    return doc.verdicts[key]


def deadline_verdict(doc: Document, start: int, end: int) -> ParsedDeadline | DeadlineRejection:
    """The normalised DEADLINE at doc.text[start:end] (against doc.anchor), or why it is none."""
    key = ("DEADLINE", start, end)
    if key not in doc.verdicts:
        reason = deadline_context(doc.text, start, end)
        verdict = DeadlineRejection(reason) if reason else parse_deadline(doc.text[start:end], doc.anchor)
        if isinstance(verdict, ParsedDeadline) and verdict.kind == "by" and event_relative(doc.text, start, end):
            verdict = ParsedDeadline("vague", None, None, relative=False)
        doc.verdicts[key] = verdict
    return doc.verdicts[key]


def trim_measure(doc: Document, start: int, end: int, deadlines: list[tuple[int, int]]) -> int:
    """Where the measure in doc.text[start:end] begins once list markers, discourse markers, the subject,
    modals and a leading deadline are left outside (memoised: the proposer and the filters ask alike)."""
    key = ("MEASURE", start, end)
    if key not in doc.verdicts:
        doc.verdicts[key] = strip_prefix(doc.text, start, end, deadlines)
    return doc.verdicts[key]


def _line_facts(doc: Document, line: Segment) -> tuple[bool, int | None]:
    """Whether the line is a header field, and where its heading ends (memoised per line: reading the
    line again for each of its measures is quadratic on a line of thousands of sentences)."""
    key = ("LINE", line.start, line.end)
    if key not in doc.verdicts:
        doc.verdicts[key] = (HEADER_FIELD.search(line.text) is not None, heading_end(doc.text, line))
    return doc.verdicts[key]


# A promise on a condition (一经发现，依法处罚; 如有情况将及时反馈; 如果您…，我们将…) is not a commitment: the gold
# never holds a measure after one of these in its sentence (real and team train/dev), the rules proposed 21.
CONDITION = re.compile(r"如若|如果|假如|倘若|若(?!干)|一旦|一经|如其|如有|如发现|如再|如仍|如需|如遇|如您|凡是|只要")


def on_condition(doc: Document, start: int) -> bool:
    text = doc.text
    return CONDITION.search(text, sentence_start(text, start), start) is not None


def appendix_start(doc: Document) -> int | None:
    """Where a document appended after the reply's signature date begins (memoised per document)."""
    key = ("APPENDIX", 0, 0)
    if key not in doc.verdicts:
        found = APPENDIX.search(doc.text)
        doc.verdicts[key] = found.end() if found else None
    return doc.verdicts[key]


def measure_rejection(doc: Document, start: int, end: int, deadlines: list[tuple[int, int]]) -> str | None:
    """Why the trimmed span doc.text[start:end] cannot be a measure, whoever proposed it."""
    text = doc.text
    core = text[start:end]
    if start >= end or not outside_deadlines(text, start, end, deadlines):
        return "nothing left but list markers, a subject, a modal or a deadline"
    if too_short(core):
        return "too short to be a measure"
    if starts(core, cues()["courtesy"]) or "感谢" in core:
        return "courtesy or thanks"
    if has(core, cues()["declines"]):
        return "declines or postpones"
    if past(core):
        return "reports a past action"
    if on_condition(doc, start):
        return "a promise on a condition (如果/一旦/如有…), not a commitment"
    appendix = appendix_start(doc)
    if appendix is not None and start >= appendix:
        return "in a document appended after the reply's signature date (附…)"
    bare = bare_phrase(core) or clause_role(text, start, end)
    if bare:
        return bare
    line = doc.line_of(start)
    if line is not None:
        header, title_end = _line_facts(doc, line)
        if header:
            return "in a header field (索引号, 发文日期 …)"
        if title_end is not None and end <= title_end:
            return "a heading, not a measure"
        if _in_review(doc, start):
            return "in a paragraph that reviews past work (review classifier), with no future cue"
    return None


def paragraph_odds(doc: Document) -> ParagraphOdds:
    """The document's lazy P(review) scorer, one per document (the filters and the proposer share it)."""
    key = ("REVIEW", 0, 0)
    if key not in doc.verdicts:
        doc.verdicts[key] = ParagraphOdds([line.text for line in doc.lines])
    return doc.verdicts[key]


def review_probability(doc: Document, pos: int) -> float | None:
    """Smoothed P(review) of the line holding ``pos`` (None where the line is too short to score)."""
    i = doc.line_index(pos)
    return None if i is None else paragraph_odds(doc).probability(i)


def _in_review(doc: Document, start: int) -> bool:
    p = review_probability(doc, start)
    if p is None or p < REVIEW_THRESHOLD:
        return False
    sentence = doc.text[sentence_start(doc.text, start): full_stop_end(doc.text, start)]
    if future_cue(sentence):
        return False
    year = doc.anchor.year if doc.anchor else None  # 今年 / a year not before the notice's names the plan
    return not any(m.group(1) is None or (year is not None and int(m.group(1)) >= year)
                   for m in PLAN_YEAR.finditer(sentence))


FREQUENCY = re.compile(r"^(?:每年|每月|每季度|每周|每半年)")
# A phrase that only frames the next clause, as a model may cut one at a comma: 对用地紧张的片区，探索…;
# 会同各街道办事处，完成…. Each has no verb of its own by construction of the pattern.
BARE_FRAMES = (
    (re.compile(r"^(?:对|针对|对于)[^，,。；;]{1,16}的[^，,。；;的]{1,4}$"), "a condition (对…的…) with no action of its own"),
    (re.compile(r"^(?:会同|联合|配合|协同|联同)[^，,。；;]{0,14}(?:局|委|办|处|厅|部门|单位|政府|中心|街道|办事处|公司|企业|"
                r"学校|机构)$"), "a partner phrase (会同…) with no action of its own"),
)


def bare_phrase(core: str) -> str | None:
    """Why a span holds no action of its own (a time expression alone, 每年3月前; a framing phrase), or None."""
    rest = FREQUENCY.sub("", core)
    if rest and any(s == 0 and e == len(rest) for s, e in deadline.candidates(rest)):
        return "a time expression, not a measure"
    return next((reason for pattern, reason in BARE_FRAMES if pattern.match(core)), None)


def _reject(span: Span, text: str, reason: str, start: int | None = None) -> Rejection:
    start = span.start if start is None else start
    return Rejection(start=start, end=span.end, text=text[start:span.end], label=span.label, reason=reason)


def filter_spans(doc: Document, spans: list[Span]) -> Filtered:
    """Keep, trim, parse or reject every span. Where spans of one label overlap (a hybrid's union), the
    first one in ``spans`` that passes wins: callers list their preferred source first."""
    text, out = doc.text, Filtered()
    deadlines: list[Span] = []
    kept = Disjoint()  # kept spans of one label never overlap: the overlap check is a bisection
    for span in (s for s in spans if s.label == "DEADLINE"):
        verdict = deadline_verdict(doc, span.start, span.end)
        if isinstance(verdict, DeadlineRejection):
            out.rejections.append(_reject(span, text, verdict.reason))
        elif kept.overlaps(span.start, span.end):
            out.rejections.append(_reject(span, text, "overlaps a kept DEADLINE"))
        else:
            deadlines.append(span)
            kept.add(span.start, span.end)
            out.deadlines[(span.start, span.end)] = verdict
    deadline_cover = kept
    measures: list[Span] = []
    bounds = [(d.start, d.end) for d in deadlines]
    d_index, kept = Intervals(bounds), Disjoint()
    for span in (s for s in spans if s.label == "MEASURE"):
        inside = [bounds[i] for i in sorted(d_index.within(span.start, span.end))]
        start = trim_measure(doc, span.start, span.end, inside)
        reason = measure_rejection(doc, start, span.end, inside)
        trimmed = span if start == span.start else span.model_copy(update={"start": min(start, span.end - 1)})
        if reason:
            out.rejections.append(_reject(span, text, reason))
        elif kept.overlaps(trimmed.start, trimmed.end):
            out.rejections.append(_reject(span, text, "overlaps a kept MEASURE"))
        else:
            measures.append(trimmed)
            kept.add(trimmed.start, trimmed.end)
    measures.sort(key=lambda s: s.start)
    quantities: list[Span] = []
    m_index, kept = Intervals(measures), Disjoint()
    for span in (s for s in spans if s.label == "QUANTITY"):
        verdict = quantity_verdict(doc, span.start, span.end)
        if isinstance(verdict, QuantityRejection):
            out.rejections.append(_reject(span, text, verdict.reason))
        elif not m_index.containing(span.start, span.end):
            out.rejections.append(_reject(span, text, "not inside a commitment measure"))
        elif deadline_cover.overlaps(span.start, span.end):
            out.rejections.append(_reject(span, text, "a duration that limits the action: a DEADLINE"))
        elif kept.overlaps(span.start, span.end):
            out.rejections.append(_reject(span, text, "overlaps a kept QUANTITY"))
        else:
            quantities.append(span)
            kept.add(span.start, span.end)
            out.quantities[(span.start, span.end)] = verdict
    governed = set(link_deadlines(measures, deadlines, text).values())
    for i, span in enumerate(deadlines):
        if i not in governed:
            out.rejections.append(_reject(span, text, "governs no commitment measure"))
            del out.deadlines[(span.start, span.end)]
    kept_deadlines = [d for i, d in enumerate(deadlines) if i in governed]
    out.spans = sorted(measures + quantities + kept_deadlines, key=lambda s: (s.start, s.end))
    return out
