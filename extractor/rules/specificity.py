"""The specificity level of a commitment (annotations/GUIDELINES.md, "Specificity of a commitment"):
0 rhetorical, 1 concrete, 2 a target quantity or a dated deadline, 3 both. Levels 2 and 3 follow from the
parsed values; 0 vs 1 from the tables in rules/data/specificity.yaml (a generic verb and an abstract head
noun with nothing concrete between them is rhetorical)."""

from __future__ import annotations

from functools import cache

from extractor.rules.cues import starts
from extractor.rules.modality import strip_adverbials
from extractor.rules.tables import table

LEVELS = {0: "rhetorical", 1: "concrete", 2: "quantified or dated", 3: "quantified and dated"}


@cache
def _words() -> tuple[list[str], list[str], list[str]]:
    t = table("specificity")
    return (sorted(t["generic_verbs"], key=len, reverse=True), sorted(t["abstract_heads"], key=len, reverse=True),
            t["concrete_markers"])


def rhetorical(measure: str) -> bool:
    """A generic verb, an abstract head noun at the end and no concrete marker or number (加强监督管理,
    健全应急保障体系): nothing a reader could later check."""
    verbs, heads, markers = _words()
    core = strip_adverbials(measure)
    if not starts(core, verbs) or any(ch.isdigit() for ch in core) or any(m in core for m in markers):
        return False
    return any(core.endswith(h) for h in heads)


def level(quantified: bool, dated: bool, measure: str) -> int:
    if quantified and dated:
        return 3
    if quantified or dated:
        return 2
    return 0 if rhetorical(measure) else 1
