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


def first_hedge(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The aspirational cue in text[start:end] that ends first. A measure's sentence holds a hedge before
    it iff this one ends before the measure: assembly asks once per sentence instead of slicing the
    sentence again for each of its (maybe thousands of) measures."""
    found = [(i + len(cue), i) for cue in table("modality")["aspirational"] if (i := text.find(cue, start, end)) >= 0]
    return (min(found)[1], min(found)[0]) if found else None
