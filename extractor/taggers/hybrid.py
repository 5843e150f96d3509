"""The hybrid tagger: the fine-tuned model's spans first, the rule proposals after them.

MEASURE comes from the model (rule measures fill in only where the model has none, when
``rule_measures`` is on); for QUANTITY and DEADLINE the rule candidates are added after the model's, so
the filters keep the model's span where it parses and fall back to a rule span where the model's is
rejected or missing (rule recall). The filters then decide everything else, with reasons.
"""

from __future__ import annotations

from extractor.schema import Span, TagResult
from extractor.segment import Document


def _overlaps(span: Span, others: list[Span]) -> bool:
    return any(span.start < o.end and o.start < span.end for o in others)


class HybridTagger:
    name = "hybrid"

    def __init__(self, model, rules, rule_measures: bool = False):
        self.model, self.rules, self.rule_measures = model, rules, rule_measures

    def __call__(self, doc: Document) -> TagResult:
        learned, proposed = self.model(doc), self.rules(doc)
        measures = [s for s in learned.spans if s.label == "MEASURE"]
        if self.rule_measures:
            measures += [s for s in proposed.spans if s.label == "MEASURE" and not _overlaps(s, measures)]
        layer2 = [s for s in learned.spans if s.label != "MEASURE"]
        layer2 += [s for s in proposed.spans if s.label != "MEASURE"]
        rejections = learned.rejections + (proposed.rejections if self.rule_measures else [])
        return TagResult(spans=measures + layer2, rejections=rejections)
