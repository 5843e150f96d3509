"""Check normalised values against their span text: quantity value/unit/comparator, deadline dates.

Quantities are checked with ``extractor.rules.quantity.parse_quantity`` when that module exists; a
span it rejects, or any span while it does not exist, is checked by the fallback here: the value (and
upper bound) must be one of the numbers written in the text after 万/亿 scaling, Chinese numerals
through cn2an, the unit must be written in the text, and the comparator must agree with the cue words.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

import cn2an

SCALES = {"万亿": Decimal(10) ** 12, "亿": Decimal(10) ** 8, "万": Decimal(10) ** 4, "千": Decimal(1000)}
_ARABIC = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?)\s*(万亿|亿|万|千)?")
_CHINESE = re.compile(r"[零〇一二两三四五六七八九十百千万亿点]+")
_ROUND_CN = {"十": 10, "百": 100, "千": 1000, "万": 10000, "亿": 10**8}
_FRACTION = re.compile(r"([\d零〇一二两三四五六七八九十百]+)分之([\d零〇一二两三四五六七八九十]+)")
_DOUBLINGS = re.compile(r"翻([一二两三四五1-5])番")
_RANGE = re.compile(r"[\d零〇一二两三四五六七八九十百千万亿.]\s*[%％]?\s*[a-zA-Z\u4e00-\u9fff/]{0,4}\s*(?:至|到|—|－|-|~|～|–)\s*"
                    r"[\d零〇一二两三四五六七八九十百千万亿]")
# Comparator cues, most specific first; the first that matches decides.
COMPARATOR_CUES: list[tuple[str, tuple[str, ...]]] = [
    ("<=", ("不超过", "不高于", "不多于", "以内", "以下", "控制在", "之内", "内", "最高", "最多", "最长", "封顶")),
    (">=", ("不少于", "不低于", "至少", "以上", "及以上", "不小于", "最低", "最少")),
    (">", ("超过", "多于", "高于", "大于", "突破", "余", "多", "过", "超")),
    ("<", ("低于", "少于", "小于", "不足")),
    ("~", ("左右", "约", "近", "上下", "大约", "大概")),
]
UNIT_HINTS = {"倍": ("番", "倍"), "%": ("%", "％", "百分之", "分之", "成", "一半", "半数"), "元": ("元",),
              "比": ("∶", ":", "：")}
FRACTION_WORDS = {"一半": (Decimal(50), Decimal("0.5")), "半数": (Decimal(50), Decimal("0.5"))}


def _dec(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _close(a: Decimal, b: Decimal) -> bool:
    return abs(a - b) <= Decimal("1e-9") * max(Decimal(1), abs(b))


def numbers_in(text: str) -> set[Decimal]:
    """Every number the text writes, with and without the scale words present in it."""
    raw: list[tuple[Decimal, str | None]] = []
    for m in _ARABIC.finditer(text):
        raw.append((Decimal(m.group(1).replace(",", "")), m.group(2)))
    for m in _CHINESE.finditer(text):
        run = m.group(0)
        try:
            raw.append((Decimal(str(cn2an.cn2an(run, "smart"))), None))
        except (ValueError, KeyError, IndexError, TypeError):
            if run in _ROUND_CN:
                raw.append((Decimal(_ROUND_CN[run]), None))
            elif run[0] in _ROUND_CN and len(run) > 1:  # 百亩级 -> run "百"; 千万 -> 10^7
                total = Decimal(1)
                for ch in run:
                    total *= _ROUND_CN.get(ch, 1)
                raw.append((total, None))
    for m in _DOUBLINGS.finditer(text):
        n = int(cn2an.cn2an(m.group(1), "smart")) if not m.group(1).isdigit() else int(m.group(1))
        raw.append((Decimal(2) ** n, None))
    for m in _FRACTION.finditer(text):  # 三分之二 -> 2/3 and 66.67 (as a percentage, rounded)
        try:
            den, num = (Decimal(str(cn2an.cn2an(g, "smart"))) for g in m.groups())
        except (ValueError, KeyError, IndexError, TypeError):
            continue
        if den:
            for v in (num / den, 100 * num / den):
                raw += [(v.quantize(Decimal(10) ** -k), None) for k in range(5)] + [(v, None)]
    for word, values in FRACTION_WORDS.items():
        if word in text:
            raw += [(v, None) for v in values]
    scales_present = [v for k, v in SCALES.items() if k in text]
    out: set[Decimal] = set()
    for value, scale in raw:
        out.add(value * SCALES[scale] if scale else value)
        out.add(value)
        for s in scales_present:  # 3至5万元: the scale written once applies to both ends
            out.add(value * s)
    return out


_SCALE_LEVEL = re.compile(r"^[\d.]*[十百千万亿]+[\u4e00-\u9fff]{1,2}级$")  # 百亩级, 10万吨级


def expected_comparator(text: str) -> str:
    if _RANGE.search(text):
        return "range"
    if _SCALE_LEVEL.match(text):
        return ">="
    for comparator, cues in COMPARATOR_CUES:
        if any(cue in text for cue in cues):
            return comparator
    return "="


def unit_written(unit: str, text: str) -> bool:
    # Real text writes units with full-width characters (微克／立方米); the gold unit is the normal form.
    text = unicodedata.normalize("NFKC", text)
    return unit in text or any(h in text for h in UNIT_HINTS.get(unit, ()))


QuantityProblem = tuple[str, str]  # (rule, message)


def _rules_parser() -> Callable[[str], Any] | None:
    try:
        from extractor.rules.quantity import parse_quantity  # written by the pipeline issue
    except ImportError:
        return None
    return parse_quantity


def check_quantity(text: str, value: Any, unit: str, comparator: str, upper: Any = None,
                   use_rules: bool = True, before: str = "") -> tuple[list[QuantityProblem], list[QuantityProblem]]:
    """(errors, warnings) for one gold quantity against its span text.

    ``before`` is the text just before the span in its clause: a unit may be named there instead of in the
    span (数据中心平均PUE值降至1.3以下 -> unit PUE).
    """
    errors: list[QuantityProblem] = []
    warnings: list[QuantityProblem] = []
    if unit in ("万元", "亿元", "千元", "万", "亿"):
        errors.append(("quantity-unit", f"unit {unit!r}: money is always in 元 and 万/亿 scale the value"))
    parser = _rules_parser() if use_rules else None
    parsed = None
    if parser is not None:
        try:
            parsed = parser(text)
        except (ValueError, ArithmeticError, LookupError, TypeError, AttributeError) as exc:  # rules bug
            warnings.append(("quantity-rules", f"parse_quantity crashed on {text!r}: {exc}"))
        if parsed is not None and getattr(parsed, "value", None) is None:
            reason = getattr(parsed, "reason", parsed)
            warnings.append(("quantity-rules", f"parse_quantity rejects {text!r}: {reason}"))
            parsed = None
    if parsed is not None:
        got = {"value": _dec(parsed.value), "upper": _dec(getattr(parsed, "upper", None)),
               "unit": getattr(parsed, "unit", None), "comparator": getattr(parsed, "comparator", None)}
        want_v, want_u = _dec(value), _dec(upper)
        if got["value"] is None or want_v is None or not _close(want_v, got["value"]):
            errors.append(("quantity-value", f"value {value} but {text!r} parses as {parsed.value}"))
        if (want_u is None) != (got["upper"] is None) or (want_u is not None and not _close(want_u, got["upper"])):
            errors.append(("quantity-value", f"upper {upper} but {text!r} parses with upper {got['upper']}"))
        if got["comparator"] is not None and got["comparator"] != comparator:
            errors.append(("quantity-comparator",
                           f"comparator {comparator!r} but {text!r} parses as {got['comparator']!r}"))
        if got["unit"] is not None and got["unit"] != unit:
            errors.append(("quantity-unit", f"unit {unit!r} but {text!r} parses with unit {got['unit']!r}"))
        return errors, warnings
    numbers = numbers_in(text)
    for name, v in (("value", value), ("upper", upper)):
        d = _dec(v)
        if d is not None and not any(_close(d, n) for n in numbers):
            shown = ", ".join(sorted({format(n.normalize(), "f") for n in numbers})[:6]) or "none"
            errors.append(("quantity-value", f"{name} {v} is not a number written in {text!r} (found {shown})"))
    if not unit_written(unit, text) and unit not in before:
        errors.append(("quantity-unit", f"unit {unit!r} is not written in {text!r} nor just before it"))
    want = expected_comparator(text)
    if want != comparator:
        errors.append(("quantity-comparator", (f"comparator {comparator!r} but the cue words of {text!r} "
                                               f"say {want!r}")))
    return errors, warnings


PERIOD_LOOKBACK_YEARS = 5
VAGUE_WORDS = ("尽快", "近期", "适时", "及早", "早日", "尽早", "抓紧")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_PLANS = {"十四五": (2021, 2025), "十五五": (2026, 2030), "十三五": (2016, 2020), "十六五": (2031, 2035)}


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def check_deadline(text: str, kind: str, start: dt.date | None, end: dt.date | None,
                   doc_date: dt.date) -> tuple[list[QuantityProblem], list[QuantityProblem]]:
    errors: list[QuantityProblem] = []
    warnings: list[QuantityProblem] = []
    if kind == "vague":
        if _YEAR.search(text) or any(w in text for w in ("年底", "年内", "月底", "季度")):
            warnings.append(("deadline-kind", f"{text!r} names a date but its kind is vague"))
        return errors, warnings
    if any(text.strip() == w or text.startswith(w) for w in VAGUE_WORDS):
        warnings.append(("deadline-kind", f"{text!r} reads as vague but its kind is {kind!r}"))
    if start is None or end is None:
        return errors, warnings  # the schema already reported it
    # The end lies in [D - 1 year, D + 12 years]; a period may have begun earlier, up to the start of
    # the five-year plan it names (“十四五”期间 in a 2022 notice starts 2021-01-01): start >= D - 5 years.
    high = add_years(doc_date, 12)
    for name, day, low, why in (("start", start, add_years(doc_date, -PERIOD_LOOKBACK_YEARS), "- 5 years"),
                                ("end", end, add_years(doc_date, -1), "- 1 year")):
        if not low <= day <= high:
            errors.append(("deadline-range", (f"{name} {day} is outside [{low}, {high}] "
                                              f"(notice date {doc_date} {why}, + 12 years)")))
    if kind == "by":
        if end < doc_date:
            errors.append(("deadline-range", f"'by' deadline ends {end}, before the notice date {doc_date}"))
        if start != doc_date:
            errors.append(("deadline-by-start", (f"'by' deadline starts {start}; a 'by' deadline starts "
                                                 f"at the notice date {doc_date}")))
    years = [int(y) for y in _YEAR.findall(text)]
    for plan, (first, last) in _PLANS.items():
        if plan in text:
            years += [first, last] if kind == "period" else [last]
    if years:
        if end.year != max(years):
            warnings.append(("deadline-year", f"end {end} but {text!r} names the year {max(years)}"))
        if kind == "period" and start.year != min(years):
            warnings.append(("deadline-year", f"start {start} but {text!r} names the year {min(years)}"))
    return errors, warnings
