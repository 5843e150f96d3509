"""What the text around a span says about it: quotes and titles, ordinals, codes, frequencies, objects.

These checks read the whole notice text, so they apply to spans from any tagger (rules/filters.py)."""

from __future__ import annotations

import re

from extractor.segment import BOUNDARIES

OPEN_QUOTES, CLOSE_QUOTES = "“‘《「『\"〈", "”’》」』\"〉"
# 做好今年工作, 2025年项目, 今年是…: the year names an object or starts a copula, it is no deadline
OBJECT_AFTER = re.compile(r"(?:的|工作|政府工作|各项|项目|预算|任务|目标|是|度的|年度)")


def inside_quotes(text: str, start: int) -> bool:
    """True if ``start`` lies inside a quoted name or a 《title》 in its sentence (a stray 《 earlier in the
    text must not hide everything after it)."""
    depth = 0
    scope = max(text.rfind(ch, 0, start) for ch in BOUNDARIES["quote_scope"]) + 1
    for ch in text[scope:start]:
        if ch in OPEN_QUOTES and ch != '"':
            depth += 1
        elif ch in CLOSE_QUOTES and ch != '"' and depth:
            depth -= 1
        elif ch == '"':
            depth = 0 if depth else 1
    return depth > 0


def in_title_parens(text: str, pos: int) -> bool:
    """Years in a title's parenthesis: 《…行动方案（2024—2026年）》 even when the 》 is far."""
    before = text[max(0, pos - 2):pos]
    after = text[pos:pos + 20]
    return before.endswith(("（", "(")) and re.match(r"[^）)]*[）)]》", after) is not None


def quantity_context(text: str, start: int, end: int) -> str | None:
    """Why the number at text[start:end] is not a QUANTITY (an ordinal, a code, a name, a count of
    aspects), judged from its neighbours; None if the context allows it."""
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    if before == "第":
        return "ordinal (第N)"
    if before and (before.isascii() and (before.isalnum() or before in "+.-/")):
        return "part of a code or name (e.g. PM2.5, 1+3)"
    if after and after.isascii() and (after.isalpha() or after == "+"):
        return "part of a code or name (e.g. 5G)"
    if inside_quotes(text, start):
        return "inside quotes or a title"
    following = text[end:end + 3]
    if following.startswith(("全会", "会议", "党代会")):
        return "session ordinal (六次全会), not an amount"
    if following.startswith(("方面", "个方面")):
        return "a count of aspects (八个方面), not an amount"
    return None


def deadline_context(text: str, start: int, end: int) -> str | None:
    """Why the time expression at text[start:end] is no deadline here, or None."""
    if inside_quotes(text, start) or in_title_parens(text, start):
        return "inside a quoted name or a title"
    if OBJECT_AFTER.match(text, end):
        return "the year belongs to an object (做好今年工作, 2025年项目) or a copula (今年是…)"
    if start > 0 and text[start - 1] in "每第" or text[max(0, start - 2):start] == "满":
        return "frequency, ordinal or duration, not a deadline"
    return None
