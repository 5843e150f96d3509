"""The specificity level of a commitment (annotations/GUIDELINES.md, "Specificity of a commitment"):
0 rhetorical, 1 concrete, 2 a target quantity or a dated deadline, 3 both. Levels 2 and 3 follow from the
parsed values; 0 vs 1 from the tables in rules/data/specificity.yaml (a generic verb with only abstract
nouns is rhetorical)."""

from __future__ import annotations

from functools import cache

from extractor.rules.cues import starts
from extractor.rules.modality import ADVERBIALS
from extractor.rules.tables import table

LEVELS = {0: "rhetorical", 1: "concrete", 2: "quantified or dated", 3: "quantified and dated"}


@cache
def _words() -> tuple[list[str], list[str]]:
    t = table("specificity")
    verbs = sorted(t["generic_verbs"], key=len, reverse=True)
    fillers = sorted(set(t["abstract_nouns"] + t["connectors"] + ADVERBIALS), key=len, reverse=True)
    return verbs, fillers


def rhetorical(measure: str) -> bool:
    """Only generic verbs, adverbials, abstract nouns and connectors, with at least one generic verb
    (加强监督管理, 进一步做好相关工作): nothing a reader could later check."""
    verbs, fillers = _words()
    rest, seen_verb = measure, False
    while rest:
        verb = starts(rest, verbs)
        word = verb or starts(rest, fillers)
        if word is None:
            return False  # a named object, a place, a document, a number: something checkable
        seen_verb = seen_verb or verb is not None
        rest = rest[len(word):]
    return seen_verb


def level(quantified: bool, dated: bool, measure: str) -> int:
    if quantified and dated:
        return 3
    if quantified or dated:
        return 2
    return 0 if rhetorical(measure) else 1
