"""The hybrid tagger: the fine-tuned model's spans and the rule proposals, combined, then filtered.

QUANTITY and DEADLINE: the model's spans first, the rule candidates after them, so the filters keep the
model's span where it parses and fall back to a rule span where the model's is rejected or missing (rule
recall). A rule span that strictly holds a model span of its label goes before it: the rules' patterns
carry the comparator and the frame (5000万元以上, 从今年开始) that the model tends to cut off. MEASURE follows ``measures``, a policy chosen on the dev splits (see the model card):

- ``model``: the model's measures alone;
- ``model+rules``: the model's, plus each rule measure that overlaps none of them;
- ``rules+model``: the rule measures, plus each model measure that overlaps none of them.

A text that reads as a work report (``rules/genre.py``: long, and addressing no reader) follows
``report_measures`` instead (``model`` by default), and takes QUANTITY from the model alone unless
``report_rule_quantities``: on the report sections of the real dev split the model's measures and
quantities beat the rule-led policy (measure strict F1 0.853 vs 0.818, quantity 0.895 vs 0.852, 19
sections, constrained decoding), while on replies and the team's notices the rule-led policy wins by far
(real dev replies 0.561 vs 0.338 for the model's measures, argmax decoding; model card). ``report_measures=None`` applies ``measures`` to every text.

Model measures whose score (mean character probability) is below ``min_model_score`` are left out
first; a model measure that stops inside a word (扩大人民民|主，; 安排100亿元|财政资金支持产业发展，) is carried on
to its clause end when that is at most MAX_EXTENSION characters away (on the train and dev splits such a
span was never right as it stood; carried on, most are the gold span). The filters then decide
everything else, with reasons, whoever proposed a span.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Literal

from extractor.intervals import Intervals
from extractor.rules.genre import reads_as_report
from extractor.schema import Span, TagResult
from extractor.segment import CLAUSE_END, Document, cut_inside_word

MeasurePolicy = Literal["model", "model+rules", "rules+model"]
MEASURE_POLICIES: tuple[str, ...] = ("model", "model+rules", "rules+model")
DEFAULT_MEASURES: MeasurePolicy = "rules+model"
DEFAULT_REPORT_MEASURES: MeasurePolicy = "model"  # chosen on the real dev split's report sections
DEFAULT_MIN_MODEL_SCORE = 0.85  # chosen on the dev splits with the policy (model card)


def _overlaps(span: Span, others: list[Span]) -> bool:
    return any(span.start < o.end and o.start < span.end for o in others)


def _measures(spans: list[Span]) -> list[Span]:
    return [s for s in spans if s.label == "MEASURE"]


_EDGE = set(CLAUSE_END) | {"、"}


MAX_EXTENSION = 20  # characters a cut model measure may be carried on to reach its clause end


def to_clause_end(text: str, span: Span, next_start: int | None = None) -> Span:
    """The model measure, carried on to its clause end when it stops one character short of it (扩大人民民|主，)
    or inside a word with the end near (安排100亿元|财政资金支持产业发展，), never into the next model measure
    (``next_start``); a cut span left as it is gets rejected."""
    e = span.end
    if e >= len(text) or text[e] in _EDGE or text[e].isspace():
        return span
    if e + 1 < len(text) and text[e + 1] in _EDGE:
        return span.model_copy(update={"end": e + 1})
    if not cut_inside_word(text, e):
        return span
    limit = min(len(text), e + MAX_EXTENSION, next_start if next_start is not None else len(text))
    for i in range(e, limit):
        if text[i] in _EDGE or text[i] == "\n":
            return span.model_copy(update={"end": i})
    return span


def _next_start(starts: list[int], start: int) -> int | None:
    i = bisect_right(starts, start)
    return starts[i] if i < len(starts) else None


def _layer2(learned: list[Span], proposed: list[Span], rule_quantities: bool = True) -> list[Span]:
    """QUANTITY and DEADLINE spans in the order the filters should prefer them. Without
    ``rule_quantities`` a rule QUANTITY candidate is kept only as the fallback of a model quantity it
    overlaps (the model's span cut inside the number, 3|50个, is rejected and the rule span parses)."""
    model = [s for s in learned if s.label != "MEASURE"]
    spans = {label: [s for s in model if s.label == label] for label in ("QUANTITY", "DEADLINE")}
    if not rule_quantities:
        proposed = [s for s in proposed if s.label != "QUANTITY" or _overlaps(s, spans["QUANTITY"])]
    index = {label: Intervals(found) for label, found in spans.items()}
    wider, rest = [], []
    for span in (s for s in proposed if s.label != "MEASURE"):
        inner = [spans[span.label][i] for i in index[span.label].within(span.start, span.end)]
        (wider if any((m.start, m.end) != (span.start, span.end) for m in inner) else rest).append(span)
    return wider + model + rest


class HybridTagger:
    name = "hybrid"

    def __init__(self, model, rules, measures: MeasurePolicy = DEFAULT_MEASURES,
                 min_model_score: float = DEFAULT_MIN_MODEL_SCORE,
                 report_measures: MeasurePolicy | None = DEFAULT_REPORT_MEASURES,
                 report_rule_quantities: bool = False):
        for policy in (measures, report_measures):
            if policy is not None and policy not in MEASURE_POLICIES:
                raise ValueError(f"unknown measure policy {policy!r}: use one of {', '.join(MEASURE_POLICIES)}")
        self.model, self.rules, self.measures = model, rules, measures
        self.min_model_score = min_model_score
        self.report_measures, self.report_rule_quantities = report_measures, report_rule_quantities

    def policy(self, text: str) -> tuple[MeasurePolicy, bool]:
        """(measure policy, whether rule QUANTITY candidates are used) for this text."""
        if self.report_measures is not None and reads_as_report(text):
            return self.report_measures, self.report_rule_quantities
        return self.measures, True

    def __call__(self, doc: Document) -> TagResult:
        learned, proposed = self.model(doc), self.rules(doc)
        kept = [s for s in learned.spans if s.label != "MEASURE" or s.score >= self.min_model_score]
        starts = sorted(s.start for s in kept if s.label == "MEASURE")
        learned = TagResult(spans=[to_clause_end(doc.text, s, _next_start(starts, s.start)) if s.label == "MEASURE"
                                   else s for s in kept], rejections=learned.rejections)
        measure_policy, rule_quantities = self.policy(doc.text)
        if measure_policy == "model":
            first, second = _measures(learned.spans), []
        elif measure_policy == "model+rules":
            first, second = _measures(learned.spans), _measures(proposed.spans)
        else:
            first, second = _measures(proposed.spans), _measures(learned.spans)
        measures = first + [s for s in second if not _overlaps(s, first)]
        layer2 = _layer2(learned.spans, proposed.spans, rule_quantities)
        rejections = learned.rejections + (proposed.rejections if measure_policy != "model" else [])
        return TagResult(spans=measures + layer2, rejections=rejections)
