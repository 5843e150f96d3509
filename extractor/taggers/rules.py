"""The rule proposer: the baseline the trained model must beat, the fallback without a model, and the
recall source of the hybrid. It proposes spans; rules/filters.py checks them, as it checks any tagger's.

How it decides (annotations/GUIDELINES.md; README "How the rule tagger decides"):
1. Where commitments can be (rules/regions.py): background vs forward-looking regions, headings,
   future and past cues per sentence.
2. Each clause of a forward-looking sentence is trimmed of list markers, discourse markers, the
   subject, modals and a leading deadline (rules/filters.trim_measure); the clause is proposed as a
   MEASURE (the filters trim it the same way) if what is left opens with its action or states a target,
   unless it is framing, a cause or condition, a purpose or result after another clause, courtesy, a
   description, a list introduction or a decline (rules/measure.classify): those clauses come back as
   MEASURE rejections with the reason.
3. Every match of the quantity pattern and of the deadline terms is proposed; the filters keep those
   that parse, stand in a plain context and belong to a kept measure.
"""

from __future__ import annotations

from datetime import date

from extractor.intervals import Intervals
from extractor.rules import deadline, quantity
from extractor.rules.cues import cues, has
from extractor.rules.filters import (
    deadline_verdict,
    filter_spans,
    quantity_verdict,
    review_probability,
    trim_measure,
)
from extractor.rules.measure import classify, outside_deadlines
from extractor.rules.regions import (
    CURRENT_PERIOD,
    HEADER_FIELD,
    INLINE_OPENER,
    action_item,
    forward,
    heading_end,
    past,
    region_of_line,
    target_list_opener,
)
from extractor.schema import Rejection, Span, TagResult
from extractor.segment import Document, Segment

# Standalone, a line outside any explicit region that the review classifier reads as plan prose
# (smoothed P(review) below this) counts as forward-looking: a work-report excerpt cut from inside its plan
# part has no 下一步 / 今年工作安排 opener. Chosen on the dev splits (README). The hybrid's rule proposer
# leaves it off: there the model covers plan prose, and its measures are better bounded.
PLAN_PARAGRAPH_ODDS = 0.05


class RuleTagger:
    name = "rules"

    def __init__(self, plan_odds: float | None = PLAN_PARAGRAPH_ODDS):
        self.plan_odds = plan_odds

    def __call__(self, doc: Document) -> TagResult:
        return propose(doc, self.plan_odds)


def _plan_paragraph(doc: Document, line: Segment, plan_odds: float | None) -> bool:
    if plan_odds is None:
        return False
    p = review_probability(doc, line.start)
    return p is not None and p < plan_odds


def propose(doc: Document, plan_odds: float | None = PLAN_PARAGRAPH_ODDS) -> TagResult:
    text, anchor = doc.text, doc.anchor
    year = anchor.year if anchor else None
    q_candidates = quantity.candidates(text)
    d_candidates = deadline.candidates(text)
    all_q = [c for c in q_candidates if isinstance(quantity_verdict(doc, *c), quantity.ParsedQuantity)]
    verdicts = {c: deadline_verdict(doc, *c) for c in d_candidates}
    all_d = [c for c, v in verdicts.items() if isinstance(v, deadline.ParsedDeadline)]
    past_d = [c for c, v in verdicts.items()
              if isinstance(v, deadline.DeadlineRejection) and "before the notice date" in v.reason]
    d_index, past_index, q_index = Intervals(all_d), Intervals(past_d), Intervals(all_q)
    result = TagResult()
    state = ("backward", False)
    measures: list[Span] = []
    for line in doc.lines:
        state = region_of_line(line.text, state, year)
        region = state[0]
        if region == "backward" and not state[1] and (action_item(line.text)
                                                       or _plan_paragraph(doc, line, plan_odds)):
            region = "forward"
        if HEADER_FIELD.search(line.text):
            continue
        title_end = heading_end(text, line)
        if title_end == line.end:
            continue
        body_start = title_end if title_end is not None else line.start
        carried_forward = False
        for sent in doc.sentences(body_start, line.end):
            if INLINE_OPENER.match(sent.text):
                state, region = ("forward", True), "forward"
            elif target_list_opener(sent.text, year):
                region = "forward"  # the year's targets, to the end of this line
            named = [all_d[i] for i in d_index.starting_in(sent.start, sent.end)
                     if not _current_period(text[all_d[i][0]:all_d[i][1]], year)]
            has_deadline = bool(named)
            # a date after the notice's (…已进入验收阶段，估计9月可投入使用): the past clauses go one by one
            dated_ahead = any(_ahead(verdicts[d], anchor) for d in named)
            if region == "backward" and past_index.starting_in(sent.start, sent.end) and not dated_ahead:
                continue  # a sentence about an earlier date is background (its past clauses go one by one)
            continued = carried_forward  # a sentence after ；of a forward one continues it
            carried_forward = False
            if not continued and not forward(sent.text, region, has_deadline, dated_ahead):
                continue
            carried_forward = sent.end < len(text) and text[sent.end] in "；;"
            for clause in doc.clauses(sent.start, sent.end):
                inside_d = [all_d[i] for i in sorted(d_index.within(clause.start, clause.end))]
                start = trim_measure(doc, clause.start, clause.end, inside_d)
                if start >= clause.end:
                    continue
                core = text[start:clause.end]
                if not outside_deadlines(text, start, clause.end, inside_d):
                    continue
                has_quantity = bool(q_index.within(start, clause.end))
                # a deadline alone makes a target only with an action in the clause (近期确实有抬头之势 is none)
                has_target = has_quantity or (bool(inside_d) and has(core, cues()["action_verbs"]))
                if past(core) or past_index.starting_in(clause.start, clause.end):
                    continue
                # measures come in text order, and clauses start inside their sentence
                first = not (measures and measures[-1].start >= sent.start)
                reason = classify(core, has_target, first)
                if reason is None:  # the whole clause is proposed: the filters trim it (to ``start``)
                    measures.append(Span(start=clause.start, end=clause.end, label="MEASURE"))
                else:
                    result.rejections.append(Rejection(start=start, end=clause.end, text=core, label="MEASURE",
                                                       reason=reason))
    result.spans = sorted(measures + [Span(start=s, end=e, label="QUANTITY") for s, e in q_candidates]
                          + [Span(start=s, end=e, label="DEADLINE") for s, e in d_candidates],
                          key=lambda s: (s.start, s.end))
    return result


def _current_period(span: str, year: int | None) -> bool:
    """今年 / 全年 / 上半年, or the notice's own year written out (2018年 in a 2018 reply): these describe
    this year's past as well as its plans, so they make no sentence forward-looking by themselves."""
    return bool(CURRENT_PERIOD.match(span)) or (year is not None and span == f"{year}年")


def _ahead(parsed: deadline.ParsedDeadline, anchor: date | None) -> bool:
    """A deadline that ends after the notice date."""
    return anchor is not None and parsed.end is not None and parsed.end > anchor


def tag(text: str, anchor: date | None) -> TagResult:
    """Proposals and filters in one call: the rule tagger's final spans and every rejection."""
    doc = Document(text, anchor)
    proposed = propose(doc)
    filtered = filter_spans(doc, proposed.spans)
    return TagResult(spans=filtered.spans, rejections=proposed.rejections + filtered.rejections)
