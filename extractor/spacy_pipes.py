"""spaCy components over the same functions the batch pipeline uses (no second implementation).

``extractor.load()`` returns ``spacy.blank("zh")`` (character segmentation, which matches the char-level
tagger) with two components registered through the ``spacy_factories`` entry point:
``commitments_tagger`` fills ``doc.spans["commitments"]`` and ``commitments_assembler`` fills
``doc._.commitments`` (a list of Commitment objects). ``displacy.render(doc, style="span",
options={"spans_key": "commitments"})`` shows the spans.
"""

from __future__ import annotations

from datetime import date

from spacy.language import Language
from spacy.tokens import Doc

from extractor.pipeline import Extractor, assemble
from extractor.schema import Span

SPANS_KEY = "commitments"

for _name, _default in (("commitments", None), ("anchor_date", None), ("rejections", None), ("span_scores", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


def _char_span(doc: Doc, span: Span):
    return doc.char_span(span.start, span.end, label=span.label, alignment_mode="expand")


class CommitmentTagger:
    def __init__(self, tagger: str = "rules", model_dir: str | None = None, anchor_date: str | None = None):
        self.extractor = Extractor.load(tagger, model_dir)
        self.anchor_date = date.fromisoformat(anchor_date) if anchor_date else None

    def __call__(self, doc: Doc) -> Doc:
        anchor = doc._.anchor_date or self.anchor_date
        doc._.anchor_date = anchor
        tagged = self.extractor.tagger(doc.text, anchor)
        doc.spans[SPANS_KEY] = [s for s in (_char_span(doc, span) for span in tagged.spans) if s is not None]
        doc._.span_scores = {(s.start, s.end, s.label): s.score for s in tagged.spans}  # the model's confidence
        doc._.rejections = tagged.rejections
        return doc


class CommitmentAssembler:
    def __call__(self, doc: Doc) -> Doc:
        scores = doc._.span_scores or {}
        spans = [Span(start=s.start_char, end=s.end_char, label=s.label_,
                      score=scores.get((s.start_char, s.end_char, s.label_), 1.0))
                 for s in doc.spans.get(SPANS_KEY, [])]
        commitments, _ = assemble(doc.text, spans, doc._.anchor_date)
        doc._.commitments = commitments
        return doc


def make_tagger(nlp: Language, name: str, tagger: str, model_dir: str | None, anchor_date: str | None):
    return CommitmentTagger(tagger, model_dir, anchor_date)


def make_assembler(nlp: Language, name: str):
    return CommitmentAssembler()


Language.factory("commitments_tagger", default_config={"tagger": "rules", "model_dir": None, "anchor_date": None},
                 func=make_tagger)
Language.factory("commitments_assembler", func=make_assembler)
