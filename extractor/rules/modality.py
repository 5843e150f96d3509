"""Modality of a commitment: firm (确保/将), aspirational (力争/争取 hedges) or exploratory (探索/研究/鼓励)."""

from __future__ import annotations

from extractor.rules.tables import table

ADVERBIALS: list[str] = sorted(table("modality")["adverbials"], key=len, reverse=True)


def strip_adverbials(text: str, once: bool = False) -> str:
    """Drop leading adverbials of manner (进一步、加快、持续…): all of them, or only the first."""
    while adv := next((a for a in ADVERBIALS if text.startswith(a)), None):
        text = text[len(adv):]
        if once:
            break
    return text


def modality(measure_text: str, before: str) -> str:
    """``before`` is the text of the measure's sentence up to the measure (modals live there)."""
    cues = table("modality")
    core = strip_adverbials(measure_text)
    if any(core.startswith(cue) for cue in cues["exploratory"]):
        return "exploratory"
    if any(cue in before or core.startswith(cue) for cue in cues["aspirational"]):
        return "aspirational"
    return "firm"
