"""Modality of a commitment: firm (确保/将), aspirational (力争/争取 hedges) or exploratory (探索/研究/鼓励)."""

from __future__ import annotations

from extractor.rules.tables import table

ADVERBIALS: list[str] = sorted(table("modality")["adverbials"], key=len, reverse=True)


def _strip_adverbials(text: str) -> str:
    changed = True
    while changed:
        changed = False
        for adv in ADVERBIALS:
            if text.startswith(adv):
                text, changed = text[len(adv):], True
    return text


def modality(measure_text: str, before: str) -> str:
    """``before`` is the text of the measure's sentence up to the measure (modals live there)."""
    cues = table("modality")
    core = _strip_adverbials(measure_text)
    if any(core.startswith(cue) for cue in cues["exploratory"]):
        return "exploratory"
    if any(cue in before or core.startswith(cue) for cue in cues["aspirational"]):
        return "aspirational"
    return "firm"
