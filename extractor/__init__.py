"""Commitment extraction from Chinese government reply notices.

``Extractor`` is the batch API; ``load()`` returns a spaCy pipeline over the same functions.
"""

from __future__ import annotations

__version__ = "0.1.0"


def load(tagger: str | None = None, model_dir: str | None = None, anchor_date: str | None = None):
    """A ``spacy.blank("zh")`` pipeline that fills ``doc.spans["commitments"]`` and ``doc._.commitments``.

    ``tagger`` is a name from ``extractor.taggers.NAMES`` (default: the product default). Set
    ``doc._.anchor_date`` (a date) per document, or pass ``anchor_date`` for all of them.
    """
    import spacy

    import extractor.spacy_pipes  # noqa: F401  (registers the factories when not installed as a package)
    from extractor.taggers import DEFAULT_TAGGER

    tagger = tagger or DEFAULT_TAGGER

    nlp = spacy.blank("zh")
    nlp.add_pipe("commitments_tagger", config={"tagger": tagger, "model_dir": model_dir, "anchor_date": anchor_date})
    nlp.add_pipe("commitments_assembler")
    return nlp
