"""Segmentation, done once per notice: lines, sections with their heading paths, sentences, clauses and
model windows, all with offsets into the original text (never rewritten). ``Document`` holds them for one
notice; the rule proposers, the rule filters, the model's windowing and assembly all read it.

Real notices mix full-width and half-width punctuation, so every boundary set holds both forms; the sets
are the one table ``BOUNDARIES``.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache
from typing import Any

# The one table of boundary characters. full_stop ends a sentence proper (an in-line list 目标是：A；B；C。
# runs to it); sentence also splits at ；, which the rules treat as a sentence end; clause adds ，and ：.
BOUNDARIES: dict[str, str] = {"full_stop": "。！？!?\n"}
BOUNDARIES["sentence"] = BOUNDARIES["full_stop"] + "；;"
BOUNDARIES["clause"] = BOUNDARIES["sentence"] + "，,：:"
BOUNDARIES["quote_scope"] = "\n。；;"  # an open quote is looked for back to here: quotes hold ！？ (“加油！”)
FULL_STOP = BOUNDARIES["full_stop"]
SENTENCE_END = SEGMENT_END = BOUNDARIES["sentence"]
CLAUSE_END = BOUNDARIES["clause"]

_CN_NUM = "一二三四五六七八九十"
# List markers real notices use: 一、 （一） (一) 一是 1. 1、 1） ① and 第一，
LIST_ITEM = re.compile(
    rf"^(?:[{_CN_NUM}]{{1,3}}[、.．]|[（(][{_CN_NUM}]{{1,3}}[）)]|[{_CN_NUM}]{{1,3}}是|"
    rf"\d{{1,2}}(?:[.．、](?!\d)|[）)])|[①-⑳]|第[{_CN_NUM}]{{1,3}}[，,、])"
)
# Section levels: 一、 > （一） > 1. > ①  (一是 is a run-in item inside a paragraph).
_LEVELS = [
    (0, re.compile(rf"[{_CN_NUM}]{{1,3}}[、.．]")),
    (1, re.compile(rf"[（(][{_CN_NUM}]{{1,3}}[）)]")),
    (2, re.compile(r"\d{1,2}(?:[.．、](?!\d)|[）)])")),
    (3, re.compile(r"[①-⑳]")),
]
RUN_IN_ITEM = re.compile(rf"(?:^|(?<=[。；;，,：:\s]))(?:[{_CN_NUM}]{{1,3}}是|第[{_CN_NUM}]{{1,3}}(?=[，,、]))")


@dataclass(frozen=True)
class Segment:
    start: int
    end: int
    text: str


def _is_stop(text: str, i: int, stops: str) -> bool:
    ch = text[i]
    if ch == "," and 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit():
        return False  # a thousands separator (1,200), not a clause break
    if ch == "." and "。" in stops:
        return _ascii_full_stop(text, i)  # a half-width full stop after Chinese text ends a sentence
    return ch in stops


def _scan_end(text: str, pos: int, stops: str) -> int:
    """First stop at or after ``pos`` by a plain scan: for short texts (one line's title)."""
    for i in range(pos, len(text)):
        if _is_stop(text, i, stops):
            return i
    return len(text)


@lru_cache(maxsize=16)
def _stops(text: str, stops: str) -> array:
    """Every stop position of ``text``, found once per (text, stop set): a notice's spans ask for the
    next or previous stop over and over, and a scan per question is quadratic on a long sentence."""
    chars = stops + ("." if "。" in stops else "")  # see _is_stop: an ASCII full stop may end a sentence
    found = re.finditer(f"[{re.escape(chars)}]", text)
    return array("q", (m.start() for m in found if _is_stop(text, m.start(), stops)))


def _find_end(text: str, pos: int, stops: str) -> int:
    found = _stops(text, stops)
    i = bisect_left(found, pos)
    return found[i] if i < len(found) else len(text)


def next_stop(text: str, pos: int, stops: str) -> int:
    """Position of the first of ``stops`` at or after ``pos`` (len(text) if none)."""
    return _find_end(text, pos, stops)


def sentence_start(text: str, pos: int) -> int:
    """Start of the sentence (up to ；) that holds ``pos``."""
    found = _stops(text, SENTENCE_END)
    i = bisect_left(found, pos)
    return found[i - 1] + 1 if i else 0


def full_stop_end(text: str, pos: int) -> int:
    return _find_end(text, pos, FULL_STOP)


def clause_end(text: str, pos: int) -> int:
    return _find_end(text, pos, CLAUSE_END)


def segment_end(text: str, pos: int) -> int:
    return _find_end(text, pos, SEGMENT_END)


def _split(text: str, stops: str, start: int = 0, end: int | None = None) -> Iterator[Segment]:
    """Pieces between stop characters; the stop character stays outside; whitespace is trimmed."""
    end = len(text) if end is None else end
    piece = start
    for i in range(start, end + 1):
        if i == end or _is_stop(text, i, stops):
            a, b = piece, i
            while a < b and text[a].isspace():
                a += 1
            while b > a and text[b - 1].isspace():
                b -= 1
            if b > a:
                yield Segment(a, b, text[a:b])
            piece = i + 1


def _ascii_full_stop(text: str, i: int) -> bool:
    prev = text[i - 1] if i > 0 else ""
    nxt = text[i + 1] if i + 1 < len(text) else ""
    return bool(prev) and (is_cjk(prev) or prev in "）)”") and not nxt.isdigit()


def lines(text: str) -> list[Segment]:
    return list(_split(text, "\n"))


def sentences(text: str, start: int = 0, end: int | None = None) -> list[Segment]:
    return list(_split(text, SENTENCE_END, start, end))


def clauses(text: str, start: int = 0, end: int | None = None) -> list[Segment]:
    return list(_split(text, CLAUSE_END, start, end))


def list_level(line: str) -> int | None:
    """Heading level of a line that starts with a list marker, else None."""
    for level, pattern in _LEVELS:
        if pattern.match(line):
            return level
    return None


def section_paths(text: str) -> list[tuple[int, int, list[str]]]:
    """(start, end, path) per line, where path lists the enclosing list markers with their titles."""
    stack: list[tuple[int, str]] = []
    out: list[tuple[int, int, list[str]]] = []
    for line in lines(text):
        level = list_level(line.text)
        if level is not None:
            while stack and stack[-1][0] >= level:
                stack.pop()
            title_end = _scan_end(line.text[:40], 0, "。；;：:\n")
            stack.append((level, line.text[: min(title_end, 40)]))
        out.append((line.start, line.end, [title for _, title in stack]))
    return out


def windows(text: str, max_len: int, overlap: int = 32) -> list[tuple[int, int]]:
    """Split text into windows of at most ``max_len`` characters, cutting at clause boundaries.

    Consecutive windows overlap by up to ``overlap`` characters so that spans near a cut are seen whole
    at least once. Nothing is truncated: the windows cover every character.
    """
    if len(text) <= max_len:
        return [(0, len(text))]
    out: list[tuple[int, int]] = []
    start = 0
    while start < len(text):
        end = min(start + max_len, len(text))
        if end < len(text):
            cut = max((i + 1 for i in range(start + max_len // 2, end) if text[i] in CLAUSE_END), default=end)
            end = cut
        out.append((start, end))
        if end >= len(text):
            break
        back = max((i + 1 for i in range(max(start + 1, end - overlap), end) if text[i] in CLAUSE_END),
                   default=end)
        start = back if back > start else end
    return out


@dataclass
class Document:
    """One notice, segmented once. ``anchor`` is the date relative deadlines resolve against. ``verdicts``
    memoises the rule filters' decision per span, so a span the proposers already checked is not parsed
    again when the filters see it."""

    text: str
    anchor: date | None = None
    verdicts: dict[tuple[str, int, int], Any] = field(default_factory=dict, repr=False)

    @cached_property
    def lines(self) -> list[Segment]:
        return lines(self.text)

    @cached_property
    def section_paths(self) -> list[tuple[int, int, list[str]]]:
        return section_paths(self.text)

    @cached_property
    def _line_starts(self) -> list[int]:
        return [line.start for line in self.lines]  # lines and section_paths share these starts

    def line_index(self, pos: int) -> int | None:
        """Index of the line that holds ``pos`` (a bisection: a notice may have thousands of lines)."""
        i = bisect_right(self._line_starts, pos) - 1
        return i if i >= 0 and pos <= self.lines[i].end else None

    def section(self, pos: int) -> list[str]:
        """Heading path of the line that holds ``pos``."""
        i = self.line_index(pos)
        return [] if i is None else self.section_paths[i][2]

    def sentences(self, start: int = 0, end: int | None = None) -> list[Segment]:
        return sentences(self.text, start, end)

    def clauses(self, start: int = 0, end: int | None = None) -> list[Segment]:
        return clauses(self.text, start, end)

    def line_of(self, pos: int) -> Segment | None:
        i = self.line_index(pos)
        return None if i is None else self.lines[i]

    def windows(self, max_len: int, overlap: int = 32) -> list[tuple[int, int]]:
        return windows(self.text, max_len, overlap)


def is_cjk(c: str) -> bool:
    """A CJK unified ideograph (the basic block)."""
    return "\u4e00" <= c <= "\u9fff"


def cut_inside_word(text: str, end: int) -> bool:
    """Whether a span ending at ``end`` stops inside a word (扩大人民民|主) or an amount (突破1|.8万家, 新建3|所)."""
    if end <= 0 or end >= len(text):
        return False
    last, nxt = text[end - 1], text[end]
    if is_cjk(last) and is_cjk(nxt):
        return True
    return last.isdigit() and (nxt.isdigit() or nxt in ".．%％" or is_cjk(nxt))
