"""The cue lists of rules/data/measure.yaml (longest first) and the two lookups every rule uses."""

from __future__ import annotations

from functools import cache

from extractor.rules.tables import table


@cache
def cues() -> dict[str, list[str]]:
    return {k: sorted(v, key=len, reverse=True) for k, v in table("measure").items()}


def starts(text: str, words: list[str]) -> str | None:
    """The longest word of ``words`` that ``text`` starts with."""
    return next((w for w in words if text.startswith(w)), None)


def has(text: str, words: list[str]) -> bool:
    return any(w in text for w in words)
