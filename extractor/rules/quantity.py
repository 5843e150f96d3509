"""Quantities: the candidate pattern, and parsing a span into (value, upper, unit, comparator) or a rejection.

Values are ``Decimal``; Chinese numerals go through cn2an; money is normalised to 元; magnitudes
(万、亿) are multiplied out. The tables live in rules/data/{units,comparators,magnitudes}.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

import cn2an

from extractor.rules.tables import table

# A number starts where a run of digits (numerals) starts, and its parts are bounded: on a run of 300,000
# digits or 200,000 × 一, unbounded repeats retried from every position make the search quadratic. No
# real amount comes near the bounds.
ARABIC = r"(?<!\d)\d{1,30}(?:,\d{3}){0,10}(?:\.\d{1,30})?"
CHINESE = (r"(?<![零〇一二两三四五六七八九十百千万亿])[零〇一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]{0,30}"
           r"(?:点[零〇一二三四五六七八九]{1,30})?")
NUMBER = rf"(?:{ARABIC}|{CHINESE})"
MAGNITUDE = r"(?:万亿|千(?![米瓦克])|[十百万亿])"  # 8千米 is 8 km, not 8000 m
UNIT_ALIASES = {"个百分点": "百分点", "周岁": "岁", "％": "%"}
# 4吨/平方公里·月, 2公里/平方公里, 500元/月: a known unit per another unit or a time, kept whole as the unit
PER_UNIT = r"(?:[/／](?:平方公里|平方米|公顷|亩|人|户|月|年|日|天)(?:·[日月年天])?)"


@dataclass(frozen=True)
class ParsedQuantity:
    value: Decimal
    unit: str
    comparator: str = "="
    upper: Decimal | None = None


@dataclass(frozen=True)
class QuantityRejection:
    reason: str


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@cache
def _units() -> list[str]:
    units = [entry["unit"] for entry in table("units")["units"]]
    conversions = list(table("magnitudes")["conversions"])
    return units + conversions + list(UNIT_ALIASES)


@cache
def _comparator_words() -> tuple[dict[str, str], dict[str, str]]:
    data = table("comparators")
    prefix = {w: cmp for cmp, words in data["prefix"].items() for w in words}
    suffix = {w: cmp for cmp, words in data["suffix"].items() for w in words}
    return prefix, suffix


@cache
def pattern() -> re.Pattern[str]:
    prefix, suffix = _comparator_words()
    rng = _alternation(table("comparators")["range"])
    units = _alternation(_units())
    suffixes = _alternation(list(suffix))
    number = rf"{NUMBER}{MAGNITUDE}?"
    return re.compile(
        rf"(?P<pre>{_alternation(list(prefix))})?"
        rf"(?:(?P<pct>百分之)(?P<pctnum>{NUMBER})"
        rf"|(?P<scale>[十百千万])(?P<sunit>{units})级"
        rf"|翻(?P<doubling>[一两二三])番"
        rf"|(?P<num>{number})(?:(?P<unit0>{units})?(?P<rng>{rng})(?P<num2>{number}))?(?P<approx>余|多)?(?P<unit>{units})"
        rf"(?P<per>{PER_UNIT})?"
        # 千人以上 / 超百亿元 / 不少于一半: a scale word or 一半 only with a comparator (千家万户, 数千人 are none)
        rf"|(?P<bare>万亿|[十百千]亿|[十百千]万|[十百千万亿])(?P<bunit>{units})(?(pre)|(?={suffixes}))"
        rf"|(?P<half>一半|半数)(?(pre)|(?={suffixes})))"
        rf"(?P<suf>{_alternation(list(suffix))})?"
    )


def to_decimal(number: str) -> Decimal:
    """Arabic or Chinese numeral, with a trailing magnitude (3000万, 1.2亿, 三千五百)."""
    magnitudes = table("magnitudes")["magnitudes"]
    factor = Decimal(1)
    if re.fullmatch(rf"{ARABIC}{MAGNITUDE}", number):
        for mag in sorted(magnitudes, key=len, reverse=True):
            if number.endswith(mag):
                number, factor = number[: -len(mag)], Decimal(magnitudes[mag])
                break
    if re.fullmatch(ARABIC, number):
        return Decimal(number.replace(",", "")) * factor
    try:
        converted = cn2an.cn2an(number, "smart")
    except (ValueError, KeyError, IndexError) as exc:
        raise InvalidOperation(f"not a numeral: {number}") from exc
    return Decimal(str(converted)) * factor


def _scale_value(scale: str) -> Decimal:
    """A bare scale word (千, 百亿, 万亿) as the product of its magnitude characters."""
    magnitudes = table("magnitudes")["magnitudes"]
    value = Decimal(1)
    for ch in scale:
        value *= Decimal(magnitudes[ch])
    return value


def _normalise(value: Decimal, upper: Decimal | None, unit: str) -> tuple[Decimal, Decimal | None, str]:
    unit = UNIT_ALIASES.get(unit, unit)
    conversion = table("magnitudes")["conversions"].get(unit)
    if conversion:
        factor = Decimal(conversion["factor"])
        return value * factor, None if upper is None else upper * factor, conversion["unit"]
    return value, upper, unit


def _clean(d: Decimal) -> Decimal:
    d = d.normalize()
    return d.quantize(Decimal(1)) if d == d.to_integral_value() else d


def parse_match(m: re.Match[str]) -> ParsedQuantity | QuantityRejection:
    prefix, suffix = _comparator_words()
    comparator = prefix.get(m.group("pre") or "") or suffix.get(m.group("suf") or "") or "="
    try:
        if m.group("pct"):
            return ParsedQuantity(_clean(to_decimal(m.group("pctnum"))), "%", comparator)
        if m.group("scale"):
            scale = Decimal(table("magnitudes")["scale_words"][m.group("scale")])
            value, _, unit = _normalise(scale, None, m.group("sunit"))
            return ParsedQuantity(_clean(value), unit, ">=")
        if m.group("half"):
            return ParsedQuantity(Decimal(50), "%", comparator)
        if m.group("bare"):
            value, _, unit = _normalise(_scale_value(m.group("bare")), None, m.group("bunit"))
            return ParsedQuantity(_clean(value), unit, comparator)
        if m.group("doubling"):
            return ParsedQuantity(Decimal(table("magnitudes")["doublings"][m.group("doubling")]), "倍", "=")
        value = to_decimal(m.group("num"))
        upper = to_decimal(m.group("num2")) if m.group("num2") else None
    except InvalidOperation as exc:
        return QuantityRejection(str(exc))
    if m.group("approx"):
        comparator = ">"
    if m.group("unit0") and m.group("unit0") != m.group("unit"):
        return QuantityRejection(f"range with two units {m.group('unit0')} and {m.group('unit')}")
    if upper is not None:
        if upper <= value:
            return QuantityRejection(f"range upper bound {upper} is not above {value}")
        comparator = "range"
    value, upper, unit = _normalise(value, upper, m.group("unit"))
    unit += (m.group("per") or "").replace("／", "/")
    return ParsedQuantity(_clean(value), unit, comparator, None if upper is None else _clean(upper))


def parse_quantity(text: str) -> ParsedQuantity | QuantityRejection:
    """Parse a whole QUANTITY span; a span the rules cannot read is rejected with a reason."""
    m = pattern().fullmatch(text.strip())
    if not m:
        return QuantityRejection(f"no number with a known unit in {text!r}")
    rejection = surface_rejection(text.strip()[m.start():m.end()])
    return QuantityRejection(rejection) if rejection else parse_match(m)


def surface_rejection(surface: str) -> str | None:
    """Why this surface, wherever it stands, is not an amount (二期, 零部件, 一批), or None."""
    if re.fullmatch(r"[一二两三四五六七八九十]+期", surface):
        return "phase name (二期), not an amount"
    if re.match(r"零(?![点.])", surface):
        return "零 in a word (零部件), not a number"
    if re.match(r"一(?![十百千万亿点.])", surface) and not re.match(r"一[十百千万亿]", surface):
        return "一 used as an article or in a fixed phrase (一批, 一个)"
    return None


def candidates(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Every match of the quantity pattern in text[start:end]: proposals the rule filters then check."""
    return [m.span() for m in pattern().finditer(text, start, len(text) if end is None else end)]
