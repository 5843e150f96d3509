"""The span taggers and their one registry. Every caller (CLI, batch worker, spaCy component, evaluation,
tests) looks a tagger up here by name; the factories import their modules lazily, so a rules-only run
never imports torch or transformers.

A tagger is any callable ``(Document) -> TagResult`` with a ``name``: it proposes spans, and the rule
filters (rules/filters.py) then parse, check and reject them the same way whoever proposed them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from extractor.schema import TagResult
from extractor.segment import Document

DEFAULT_MODEL_DIR = Path(__file__).resolve().parent.parent.parent / "models" / "zh-commitment-tagger"
PRECISIONS: tuple[str, ...] = ("auto", "fp32", "bf16", "int8")
DEFAULT_PRECISION = "auto"  # bf16 where the hardware has it natively, else fp32 (taggers/model.py)


class Tagger(Protocol):
    name: str

    def __call__(self, doc: Document) -> TagResult: ...


def _rules(**_options) -> Tagger:
    from extractor.taggers.rules import RuleTagger

    return RuleTagger()


def _model(model_dir: str | Path | None = None, device: str = "auto", precision: str = DEFAULT_PRECISION,
           **_options) -> Tagger:
    from extractor.taggers.model import ModelTagger

    return ModelTagger.load(model_dir or DEFAULT_MODEL_DIR, device=device, precision=precision)


def _hybrid(model_dir: str | Path | None = None, device: str = "auto", precision: str = DEFAULT_PRECISION,
            **_options) -> Tagger:
    from extractor.taggers.hybrid import HybridTagger
    from extractor.taggers.rules import RuleTagger

    return HybridTagger(_model(model_dir, device, precision), RuleTagger(plan_odds=None))


TAGGERS: dict[str, Callable[..., Tagger]] = {"rules": _rules, "model": _model, "hybrid": _hybrid}
NAMES: tuple[str, ...] = tuple(TAGGERS)
DEFAULT_TAGGER = "hybrid"  # the product: the fine-tuned model's spans, rule recall, the rule filters
# Taggers that need a fine-tuned checkpoint (``model_dir``).
NEEDS_MODEL = frozenset({"model", "hybrid"})


def load_tagger(name: str, model_dir: str | Path | None = None, device: str = "auto",
                precision: str = DEFAULT_PRECISION) -> Tagger:
    try:
        factory = TAGGERS[name]
    except KeyError:
        raise ValueError(f"unknown tagger {name!r}: use one of {', '.join(NAMES)}") from None
    if precision not in PRECISIONS:
        raise ValueError(f"unknown precision {precision!r}: use one of {', '.join(PRECISIONS)}")
    return factory(model_dir=model_dir, device=device, precision=precision)
