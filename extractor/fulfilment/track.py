"""Targets of an earlier work report, their outcomes in the later one, and the verdict.

- **Targets**: every commitment of the earlier report's extraction with a target quantity, outside its
  review section, whose measure names an indicator of ``data/indicators.yaml``.
- **Outcomes**: in the later report's review section (the whole text when it has no review heading), every
  quantity the rules can parse. A candidate must stand in a clause that names an alias of the target's
  indicator (in the clause, or in the 12 characters before the number) and have the same unit. Among
  those, a clause that names the target's year (2017年, 去年, 过去一年, 刚刚过去的) wins, then the first in text
  order.
- **Verdict** (``decide``): ``>=`` met iff outcome ≥ target, ``<=`` met iff outcome ≤ target; ``~`` and ``=``
  compare against the indicator's direction with a tolerance (0.5 percentage points for %, 5% of the target
  otherwise; none for ``=``): a floor indicator is met iff outcome ≥ target − tolerance, a ceiling one iff
  outcome ≤ target + tolerance. No candidate: ``not_reported``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Literal

import yaml

from extractor.rules.quantity import ParsedQuantity, candidates, parse_quantity
from extractor.rules.report_structure import review_span
from extractor.schema import Extraction

Decision = Literal["met", "missed", "not_reported"]
SENTENCE_STOPS = "。；;！？\n"
ALIAS_BEFORE = 24  # characters before the number, within its sentence, where the indicator must be named
# A share (占…比重) or a multi-year figure (年均, 累计, 五年来, “十二五”) in the sentence, or a paragraph that
# opens on several years: another quantity than a one-year outcome.
SHARE = re.compile(r"占|比重|比例")
MULTI_YEAR = re.compile(r"年均|累计|五年|十年|平均每年|十[一二三四五]五")
BASE_YEAR = re.compile(r"比((?:19|20)\d{2})年")


@dataclass(frozen=True)
class Indicator:
    name: str
    direction: Literal["floor", "ceiling"]
    aliases: tuple[str, ...]


@cache
def indicators() -> tuple[Indicator, ...]:
    raw = yaml.safe_load(resources.files("extractor.fulfilment").joinpath("data", "indicators.yaml").read_text(
        encoding="utf-8"))
    return tuple(Indicator(r["name"], r["direction"], tuple(r["aliases"])) for r in raw)


def indicator_of(text: str) -> Indicator | None:
    """The indicator named last in ``text``, i.e. nearest the number that follows it; of aliases ending at
    the same place the longest (单位国内生产总值能耗 before 国内生产总值, 进出口 before 出口). In
    失业率5.1%，居民消费价格上涨0.2% the figure 0.2% belongs to 居民消费价格, not to the longer alias before it."""
    hits = []
    for k, indicator in enumerate(indicators()):
        for alias in indicator.aliases:
            at = text.rfind(alias)
            if at >= 0:
                hits.append((at + len(alias), len(alias), -k, indicator))
    return max(hits, key=lambda h: h[:3])[3] if hits else None


@dataclass(frozen=True)
class Target:
    start: int            # the target quantity in the earlier text
    end: int
    text: str
    measure: str
    indicator: Indicator
    value: Decimal
    unit: str
    comparator: str


@dataclass(frozen=True)
class Outcome:
    start: int            # the outcome quantity in the later text
    end: int
    text: str
    clause: str
    value: Decimal
    unit: str


@dataclass(frozen=True)
class Tracked:
    target: Target
    outcome: Outcome | None
    decision: Decision
    comparison: str


def targets(earlier: Extraction) -> list[Target]:
    text = earlier.text or ""
    review = review_span(text)
    out = []
    for c in earlier.commitments:
        if review and review[0] <= c.measure.start < review[1]:
            continue  # the earlier report's own review states past figures, not targets
        for q in c.quantities:
            before = text[max(c.measure.start, q.start - ALIAS_BEFORE):q.start]  # the indicator, then its number
            indicator = indicator_of(before)
            if q.role == "target" and indicator is not None:
                out.append(Target(q.start, q.end, q.text, c.measure.text, indicator, q.value, q.unit, q.comparator))
                break  # one target per commitment: its first target quantity
    return out


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    a = max((text.rfind(ch, 0, start) for ch in SENTENCE_STOPS), default=-1) + 1
    ends = [i for i in (text.find(ch, end) for ch in SENTENCE_STOPS) if i >= 0]
    return a, min(ends) if ends else len(text)


def _year_named(clause: str, year: int | None) -> bool:
    return bool(re.search(r"去年|过去一年|刚刚过去的|上一年", clause)) or (year is not None and f"{year}年" in clause)


def _shifted(text: str, sentence_start: int, start: int, target: Target, year: int | None) -> bool:
    """Whether the number at ``start`` is a share, a multi-year figure or a change since a base year."""
    if SHARE.search(text, sentence_start, start) and not SHARE.search(target.measure):
        return True
    para = text.rfind("\n", 0, start) + 1  # a paragraph opened by 五年来 / “十二五”时期 reviews several years
    if (MULTI_YEAR.search(text, sentence_start, start) or MULTI_YEAR.search(text, para, min(start, para + 15))) \
            and not MULTI_YEAR.search(target.measure):
        return True
    base = BASE_YEAR.search(text, sentence_start, start)
    return bool(base and year is not None and int(base.group(1)) < year - 1)


def outcome_candidates(later_text: str) -> list[tuple[int, int, ParsedQuantity]]:
    review = review_span(later_text) or (0, len(later_text))
    found = []
    for start, end in candidates(later_text, *review):
        parsed = parse_quantity(later_text[start:end])
        if isinstance(parsed, ParsedQuantity):
            found.append((start, end, parsed))
    return found


def find_outcome(target: Target, later_text: str, found: list[tuple[int, int, ParsedQuantity]],
                 target_year: int | None) -> Outcome | None:
    best: tuple[int, int, Outcome] | None = None
    for rank, (start, end, parsed) in enumerate(found):
        if parsed.unit != target.unit:
            continue
        a, b = _sentence(later_text, start, end)
        clause = later_text[a:b]
        near = later_text[max(a, start - ALIAS_BEFORE):end]
        if indicator_of(near) != target.indicator:
            continue  # no alias, or a more specific indicator (出口 inside 进出口, 单位国内生产总值能耗)
        if _shifted(later_text, a, start, target, target_year):
            continue
        para = later_text.rfind("\n", 0, start) + 1
        full = max(para, later_text.rfind("。", 0, start) + 1)
        key = (0 if _year_named(later_text[full:b], target_year) else 1, rank)
        if best is None or key < best[:2]:
            best = (*key, Outcome(start, end, later_text[start:end], clause, parsed.value, parsed.unit))
    return best[2] if best else None


def tolerance(target: Target) -> Decimal:
    if target.comparator == "=":
        return Decimal(0)
    return Decimal("0.5") if target.unit == "%" else abs(target.value) * Decimal("0.05")


def decide(target: Target, outcome: Outcome | None) -> tuple[Decision, str]:
    if outcome is None:
        return "not_reported", f"target {target.text}: no outcome for {target.indicator.name} in the later report"
    v, t = outcome.value, target.value
    if target.comparator in (">=", ">"):
        met, rule = v >= t, f"≥ {t}"
    elif target.comparator in ("<=", "<"):
        met, rule = v <= t, f"≤ {t}"
    elif target.indicator.direction == "ceiling":
        bound = t + tolerance(target)
        met, rule = v <= bound, f"≤ {bound} ({t} + tolerance)"
    else:
        bound = t - tolerance(target)
        met, rule = v >= bound, f"≥ {bound} ({t} − tolerance)"
    verdict: Decision = "met" if met else "missed"
    return verdict, f"target {target.text} vs outcome {outcome.text}: {verdict} (needs {rule})"


def track(earlier: Extraction, later_text: str, target_year: int | None = None) -> list[Tracked]:
    found = outcome_candidates(later_text)
    out = []
    for target in targets(earlier):
        outcome = find_outcome(target, later_text, found, target_year)
        decision, comparison = decide(target, outcome)
        out.append(Tracked(target, outcome, decision, comparison))
    return out
