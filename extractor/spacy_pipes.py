"""spaCy components over the same functions the batch pipeline uses (no second implementation).

``extractor.load()`` returns ``spacy.blank("zh")`` (character segmentation, which matches the char-level
tagger) with two components registered through the ``spacy_factories`` entry point:
``commitments_tagger`` runs a registered tagger and the rule filters, and fills
``doc.spans["commitments"]`` (each span's parsed value in ``span._.value``: a ParsedQuantity or a
ParsedDeadline; the scores in ``doc.spans["commitments"].attrs["scores"]``, as spancat does),
``doc._.rejections`` and ``doc._.warnings``; ``commitments_assembler`` fills ``doc._.commitments`` (a list
of Commitment objects). ``displacy.render(doc, style="span", options={"spans_key": "commitments"})`` shows
the spans.
"""

from __future__ import annotations

from datetime import date

from spacy.language import Language
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from extractor.assemble import assemble
from extractor.pipeline import NO_DATE_WARNING, Extractor
from extractor.rules.filters import Filtered, filter_spans
from extractor.schema import Span
from extractor.segment import Document
from extractor.taggers import DEFAULT_TAGGER

SPANS_KEY = "commitments"

for _name in ("commitments", "anchor_date", "rejections", "warnings"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)
if not SpacySpan.has_extension("value"):
    SpacySpan.set_extension("value", default=None)


class CommitmentTagger:
    def __init__(self, tagger: str = DEFAULT_TAGGER, model_dir: str | None = None, anchor_date: str | None = None):
        self.extractor = Extractor.load(tagger, model_dir)
        self.anchor_date = date.fromisoformat(anchor_date) if anchor_date else None

    def __call__(self, doc: Doc) -> Doc:
        anchor = doc._.anchor_date or self.anchor_date
        doc._.anchor_date = anchor
        document = Document(doc.text, anchor)
        tagged = self.extractor.tagger(document)
        filtered = filter_spans(document, tagged.spans)
        values = {**filtered.quantities, **filtered.deadlines}
        group = []
        for span in filtered.spans:
            char_span = doc.char_span(span.start, span.end, label=span.label, alignment_mode="expand")
            char_span._.value = values.get((span.start, span.end)) if span.label != "MEASURE" else None
            group.append(char_span)
        doc.spans[SPANS_KEY] = group
        doc.spans[SPANS_KEY].attrs["scores"] = [s.score for s in filtered.spans]
        doc._.rejections = tagged.rejections + filtered.rejections
        doc._.warnings = [] if anchor else [NO_DATE_WARNING]
        return doc


class CommitmentAssembler:
    def __call__(self, doc: Doc) -> Doc:
        group = doc.spans.get(SPANS_KEY, [])
        scores = group.attrs.get("scores") if group else None
        filtered = Filtered()
        for i, s in enumerate(group):
            filtered.spans.append(Span(start=s.start_char, end=s.end_char, label=s.label_,
                                       score=scores[i] if scores else 1.0))
            if s.label_ == "QUANTITY":
                filtered.quantities[(s.start_char, s.end_char)] = s._.value
            elif s.label_ == "DEADLINE":
                filtered.deadlines[(s.start_char, s.end_char)] = s._.value
        doc._.commitments = assemble(Document(doc.text, doc._.anchor_date), filtered)
        return doc


def make_tagger(nlp: Language, name: str, tagger: str, model_dir: str | None, anchor_date: str | None):
    return CommitmentTagger(tagger, model_dir, anchor_date)


def make_assembler(nlp: Language, name: str):
    return CommitmentAssembler()


Language.factory("commitments_tagger",
                 default_config={"tagger": DEFAULT_TAGGER, "model_dir": None, "anchor_date": None},
                 func=make_tagger)
Language.factory("commitments_assembler", func=make_assembler)
