"""Deadlines: candidate terms, and normalising a span against an explicit anchor date (the notice date).

Kinds: ``by`` (done by an end date; start is the anchor), ``period`` (work spread over a period),
``from`` (自8月15日起: a start date, open end), ``vague`` (尽快, 近期: no dates). Without an anchor, relative expressions keep their kind and text but
get no dates. The terms live in rules/data/deadlines.yaml with examples the tests run.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import cn2an
from dateutil.relativedelta import relativedelta
from lunardate import LunarDate

from extractor.rules.tables import table

# Full-width digits (５月底前) read as ASCII ones: a one-to-one translation, so offsets stay the text's own.
DIGIT_FOLD = str.maketrans("０１２３４５６７８９", "0123456789")
EITHER = re.compile(r"或者?|或是")
MONTH_PARTS = {"上旬": (1, 10), "初": (1, 10), "中旬": (11, 20), "中": (11, 20), "下旬": (21, None),
               "上中旬": (1, 20), "中下旬": (11, None)}  # days of a month
PLAN_START = {"十一五": 2006, "十二五": 2011, "十三五": 2016, "十四五": 2021, "十五五": 2026, "十六五": 2031}


@dataclass(frozen=True)
class ParsedDeadline:
    kind: str
    start: date | None
    end: date | None
    relative: bool  # needs the anchor to be resolved


@dataclass(frozen=True)
class DeadlineRejection:
    reason: str


def _num(raw: str) -> int:
    if raw == "元":  # 元月: January
        return 1
    return int(raw) if raw.isdigit() else int(cn2an.cn2an(raw, "smart"))


def _month_num(m: re.Match[str], *groups: str) -> int:
    raw = next(m.group(g) for g in groups if m.group(g))
    month = _num(raw)
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} out of range")
    return month


def _year(m: re.Match[str], anchor: date | None) -> int | None:
    """Explicit year, or the anchor year shifted by 今/本/明; None when relative with no anchor."""
    groups = m.groupdict()
    if groups.get("y"):
        return int(groups["y"])
    if anchor is None:
        return None
    rel = groups.get("rel") or groups.get("rel2")
    return anchor.year + (1 if rel == "明" else 0)


def _named_year(m: re.Match[str]) -> bool:
    groups = m.groupdict()
    return any(groups.get(g) for g in ("y", "rel", "y2", "rel2"))


def _month_year(m: re.Match[str], anchor: date | None, month: int) -> int | None:
    """The year of a month: named (2026年, 今年, 明年), or for a year-less month the coming one when it starts
    within half a year of the anchor (元月上旬 in a July reply is next January), else the anchor's year (5月
    in a July reply is this May: a past event the past check rejects)."""
    year = _year(m, anchor)
    if year is None or anchor is None or _named_year(m):
        return year
    if _month_end(year, month) < anchor and (date(year + 1, month, 1) - anchor).days <= YEARLESS_AHEAD_DAYS:
        return year + 1
    return year


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_working_days(d: date, n: int) -> date:
    """n working days after d, skipping Saturdays and Sundays (public holidays are not known here)."""
    while n > 0:
        d += timedelta(days=1)
        if d.weekday() < 5:
            n -= 1
    return d


def _by(anchor: date | None, end: date | None) -> ParsedDeadline:
    return ParsedDeadline("by", anchor, end, relative=end is None)


def _period(start: date | None, end: date | None) -> ParsedDeadline:
    return ParsedDeadline("period", start, end, relative=start is None)


def _plan_period(m, anchor):
    first = PLAN_START[m.group("plan")]
    if m.group("tail") in ("末", "末期"):
        return _by(anchor, date(first + 4, 12, 31))
    return _period(date(first, 1, 1), date(first + 4, 12, 31))


def _year_range(m, anchor):
    y1, y2 = int(m.group("y1")), int(m.group("y2"))
    if y2 < y1:
        return DeadlineRejection(f"year range {y1}–{y2} runs backwards")
    return _period(date(y1, 1, 1), date(y2, 12, 31))


def _month(m, anchor):
    month = _num(m.group("m"))
    if not 1 <= month <= 12:
        return DeadlineRejection(f"month {month} out of range")
    year = _month_year(m, anchor, month)
    if year is None:
        return _by(anchor, None)
    if m.group("d"):
        try:
            return _by(anchor, date(year, month, int(m.group("d"))))
        except ValueError:
            return DeadlineRejection(f"no such date {year}-{month}-{m.group('d')}")
    return _by(anchor, _month_end(year, month))


def _calendar_date(m, anchor):
    year = _year(m, anchor)
    if year is None:
        return _by(anchor, None)
    day = date(year, _month_num(m, "m"), int(m.group("d")))
    if not (m.groupdict().get("y") or m.groupdict().get("rel")) and (day - anchor).days > YEARLESS_AHEAD_DAYS:
        # 12月5日 in a January reply is last December (a past event), not eleven months ahead
        day = date(year - 1, day.month, min(day.day, calendar.monthrange(year - 1, day.month)[1]))
    return _by(anchor, day)


YEARLESS_AHEAD_DAYS = 183


def _from_date(m, anchor):
    if m.group("half"):  # 下半年起 / 2026年下半年开始
        if m.group("y3"):
            year = int(m.group("y3"))
        elif anchor is None:
            return ParsedDeadline("from", None, None, relative=True)
        else:
            year = anchor.year + (m.group("rel3") == "明")
        return ParsedDeadline("from", date(year, 1 if m.group("half") == "上" else 7, 1), None,
                              relative=not m.group("y3"))
    if m.group("y2") or m.group("y4"):
        return ParsedDeadline("from", date(int(m.group("y2") or m.group("y4")), 1, 1), None, relative=False)
    if m.group("rel2"):  # 从今年开始, 从明年起
        if anchor is None:
            return ParsedDeadline("from", None, None, relative=True)
        year = anchor.year + (m.group("rel2") == "明")
        return ParsedDeadline("from", date(year, 1, 1), None, relative=True)
    if not m.group("m"):  # 即日起
        return ParsedDeadline("from", anchor, None, relative=anchor is None)
    month = _month_num(m, "m")
    year = _month_year(m, anchor, month)
    if year is None:
        return ParsedDeadline("from", None, None, relative=True)
    day = int(m.group("d")) if m.group("d") else 1
    return ParsedDeadline("from", date(year, month, day), None, relative=False)


def _date_range(m, anchor):
    year = _month_year(m, anchor, _month_num(m, "m"))
    if year is None:
        return _period(None, None)
    first = date(year, _month_num(m, "m"), int(m.group("d")))
    last = date(int(m.group("y2")) if m.group("y2") else year, _month_num(m, "m2", "m"), int(m.group("d2")))
    if last < first:
        return DeadlineRejection(f"date range {first}–{last} runs backwards")
    return _period(first, last)


def _month_period(m, anchor):
    month = _month_num(m, "m", "m2", "m3")
    year = _month_year(m, anchor, month)
    if year is None:
        return _by(anchor, None) if m.group("pre") else _period(None, None)
    if m.group("pre"):  # 至2027年11月: done by the end of that month
        return _by(anchor, _month_end(year, month))
    return _period(date(year, month, 1), _month_end(year, month))


def _month_range(m, anchor):
    """7月至9月 / 7—9月: from the first day of the one to the last day of the other (9—2月 runs into next year)."""
    first_month, last_month = _month_num(m, "m"), _month_num(m, "m2")
    year = _month_year(m, anchor, last_month)
    if year is None:
        return _period(None, None)
    return _period(date(year - (first_month > last_month), first_month, 1), _month_end(year, last_month))


def _year_start(m, anchor):
    year = _year(m, anchor)
    return _period(None, None) if year is None else _period(date(year, 1, 1), date(year, 3, 31))


def _month_part(m, anchor):
    """上旬/初 days 1–10, 中旬/中 11–20, 下旬 21–end."""
    month = _month_num(m, "m")
    year = _month_year(m, anchor, month)
    if year is None:
        return ParsedDeadline("by" if m.group("tail") else "period", None, None, relative=True)
    first, last = MONTH_PARTS.get(m.group("part"), (21, None))
    last = last or _month_end(year, month).day
    if m.group("tail"):
        return _by(anchor, date(year, month, last))
    return _period(date(year, month, first), date(year, month, last))


def _relative_period(m, anchor):
    if anchor is None:
        kind = "period" if m.group("next_week") or m.group("next_month") else "by"
        return ParsedDeadline(kind, None, None, relative=True)
    if m.group("next_week"):
        monday = anchor + timedelta(days=7 - anchor.weekday())
        if m.group("week_tail"):  # 下周内 / 下周前: done by its Sunday
            return _by(anchor, monday + timedelta(days=6))
        return _period(monday, monday + timedelta(days=6))
    if m.group("this_week"):
        return _by(anchor, anchor + timedelta(days=6 - anchor.weekday()))
    if m.group("next_month"):
        first = anchor.replace(day=1) + relativedelta(months=1)
        last = _month_end(first.year, first.month)
        part = m.group("part")
        if part in ("底", "末"):
            return _by(anchor, last)
        lo, hi = MONTH_PARTS.get(part, (1, None))
        end = last if hi is None else first.replace(day=hi)
        return _by(anchor, end) if m.group("tail") else _period(first.replace(day=lo), end)
    return _by(anchor, _month_end(anchor.year, anchor.month))


WEEKDAYS = "一二三四五六日"


def _weekday(m, anchor):
    if anchor is None:
        return _by(None, None)
    wd = WEEKDAYS.index("日" if m.group("wd") == "天" else m.group("wd"))
    day = anchor - timedelta(days=anchor.weekday()) + timedelta(days=wd)
    if m.group("which") == "下" or (m.group("which") is None and day < anchor):
        day += timedelta(days=7)
    return _by(anchor, day)


def _school_term(m, anchor):
    """秋季开学前 by Y-08-31, 春季开学前 by Y-02-end, 暑期 the period Y-07-01…Y-08-31."""
    groups = m.groupdict()
    if groups.get("y2"):
        year = int(groups["y2"])
    else:
        year = _year(m, anchor)
    if year is None:
        return ParsedDeadline("period" if groups.get("summer") else "by", None, None, relative=True)
    if groups.get("summer"):
        return _period(date(year, 7, 1), date(year, 8, 31))
    if groups.get("next_term"):  # 开学前 / 9月开学前: the next such term start on or after the anchor
        autumn = _num(groups["term_m"]) == 9 if groups.get("term_m") else 3 <= anchor.month <= 8
        end = date(year, 8, 31) if autumn else _month_end(year + (anchor.month >= 3), 2)
        return _by(anchor, end if end >= anchor else date(year + 1, 8, 31))
    return _by(anchor, date(year, 8, 31) if groups.get("autumn") else _month_end(year, 2))


def _festival_day(name: str, year: int) -> date:
    """The day of the holiday in the given (Gregorian) year; 春节 and 中秋 through the lunar calendar."""
    if name == "春节":
        return LunarDate(year, 1, 1).to_solar_date()
    if name.startswith("中秋"):
        return LunarDate(year, 8, 15).to_solar_date()
    return {"元旦": date(year, 1, 1), "五一": date(year, 5, 1)}.get(name, date(year, 10, 1))  # 国庆(节)


SEASONS = {"春季": (3, 5), "夏季": (6, 8), "秋季": (9, 11), "冬季": (12, 14)}  # 冬季: December to February


def _festival_season(m, anchor):
    if m.group("season"):
        year = int(m.group("y2")) if m.group("y2") else _year(m, anchor)
        if year is None:
            return _period(None, None)
        first, last = SEASONS[m.group("season")]
        end_year, end_month = year + (last - 1) // 12, (last - 1) % 12 + 1
        return _period(date(year, first, 1), _month_end(end_year, end_month))
    if m.group("s1"):
        return _short_season(m, anchor)
    fest = "春节" if m.group("lunar_new_year") else m.group("fest")
    if m.group("y") or m.group("rel"):
        year = _year(m, anchor)
        return _by(anchor, None if year is None else _festival_day(fest, year))
    if anchor is None:
        return _by(None, None)
    day = _festival_day(fest, anchor.year)
    return _by(anchor, day if day >= anchor else _festival_day(fest, anchor.year + 1))


SHORT_SEASONS = {"春": "春季", "夏": "夏季", "秋": "秋季", "冬": "冬季"}


def _short_season(m, anchor):
    """今冬 / 明春 / 今冬明春: seasons of this or next year; two of them run from the first to the second."""
    if anchor is None:
        return _period(None, None)
    spans = []
    for rel, season in ((m.group("r1"), m.group("s1")), (m.group("r2"), m.group("s2"))):
        if season:
            year = anchor.year + (rel == "明")
            first, last = SEASONS[SHORT_SEASONS[season]]
            spans.append((date(year, first, 1), _month_end(year + (last - 1) // 12, (last - 1) % 12 + 1)))
    return _period(spans[0][0], spans[-1][1])


def _quarter(m, anchor):
    year, q = _year(m, anchor), _num(m.group("q"))
    done_by = bool(m.group("tail") or m.group("pre"))
    if year is None:
        return ParsedDeadline("by" if done_by else "period", None, None, relative=True)
    first = date(year, 3 * q - 2, 1)
    last = _month_end(year, 3 * q)
    return _by(anchor, last) if done_by else _period(first, last)


def _half_year(m, anchor):
    year = _year(m, anchor)
    if year is None:
        return _by(anchor, None) if m.group("pre") else _period(None, None)
    first, last = (date(year, 1, 1), date(year, 6, 30)) if m.group("half") == "上" else (date(year, 7, 1), date(year, 12, 31))
    return _by(anchor, last) if m.group("pre") or m.group("tail") else _period(first, last)


def _year_end(m, anchor):
    year = _year(m, anchor)
    return _by(anchor, None if year is None else date(year, 12, 31))


def _whole_year(m, anchor):
    if m.group(0) == "下一年度":
        year = anchor.year + 1 if anchor else None
    else:
        year = _year(m, anchor)
    return _period(None, None) if year is None else _period(date(year, 1, 1), date(year, 12, 31))


def _explicit_year(m, anchor):
    year = int(m.group("y"))
    if m.group("pre") or m.group("tail"):
        return _by(anchor, date(year, 12, 31))
    return _period(date(year, 1, 1), date(year, 12, 31))


def _within(m, anchor):
    raw = m.group("n") or m.group("n2")
    unit = (m.group("unit") or m.group("unit2")).lstrip("个")
    if anchor is None:
        return _by(None, None)
    if raw == "半":  # 半年内, 半个月内
        return _by(anchor, anchor + (relativedelta(months=6) if unit == "年" else timedelta(days=15)))
    n = _num(raw)
    if unit == "工作日":
        return _by(anchor, _add_working_days(anchor, n))
    if unit in ("天", "日"):
        return _by(anchor, anchor + timedelta(days=n))
    if unit == "小时":  # dates have no hours: the last day the hours reach into
        return _by(anchor, anchor + timedelta(days=max(1, -(-n // 24))))
    if unit in ("周", "星期", "礼拜"):
        return _by(anchor, anchor + timedelta(weeks=n))
    return _by(anchor, anchor + relativedelta(months=n * 12 if unit == "年" else n))


def _flood_season(m, anchor):
    """汛期前 / 明年汛期前: by 31 March, before the southern flood season opens in April (the next one on or
    after the anchor where no year is named)."""
    year = _year(m, anchor)
    if year is None:
        return _by(anchor, None)
    if not _named_year(m) and date(year, 3, 31) < anchor:
        year += 1
    return _by(anchor, date(year, 3, 31))


def _vague(m, anchor):
    return ParsedDeadline("vague", None, None, relative=False)


RESOLVERS: dict[str, Callable[[re.Match[str], date | None], ParsedDeadline | DeadlineRejection]] = {
    "plan_period": _plan_period, "year_range": _year_range, "month": _month, "quarter": _quarter,
    "half_year": _half_year, "year_end": _year_end, "whole_year": _whole_year, "year": _explicit_year,
    "within": _within, "vague": _vague, "calendar_date": _calendar_date, "month_period": _month_period,
    "school_term": _school_term, "from_date": _from_date, "date_range": _date_range, "month_part": _month_part,
    "relative_period": _relative_period, "weekday": _weekday, "year_start": _year_start, "festival_season": _festival_season,
    "month_range": _month_range, "flood_season": _flood_season,
}


@cache
def terms() -> list[tuple[str, re.Pattern[str], str]]:
    return [(t["name"], re.compile(t["regex"]), t["resolve"]) for t in table("deadlines")["terms"]]


@cache
def proposed_terms() -> list[tuple[str, re.Pattern[str], str]]:
    """The terms the rule proposer looks for: all but those marked ``propose: false``, which only parse a
    span another tagger found (及时: vague where the gold tags it, too often untagged to propose)."""
    names = {t["name"] for t in table("deadlines")["terms"] if t.get("propose", True)}
    return [t for t in terms() if t[0] in names]


def _resolve(name: str, m: re.Match[str], anchor: date | None) -> ParsedDeadline | DeadlineRejection:
    try:
        return RESOLVERS[name](m, anchor)
    except (ValueError, KeyError) as exc:
        return DeadlineRejection(f"cannot resolve {m.group(0)!r}: {exc}")


# 最迟到明年春季 / 至迟在9月底前: at the latest by the term's end, whatever the term's own kind.
LATEST = re.compile(r"(?:最迟|最晚|至迟|不晚于)(?:到|于|在|至)?")
LATEST_BEFORE = re.compile(rf"(?:{LATEST.pattern})$")  # the same words ending where a proposed term starts


def parse_deadline(text: str, anchor: date | None) -> ParsedDeadline | DeadlineRejection:
    """Normalise a whole DEADLINE span against the anchor date. Two terms joined by 或 (5月底或6月初) are
    one deadline, done by the later end."""
    stripped = text.strip().translate(DIGIT_FOLD)
    latest = LATEST.match(stripped)
    if latest and latest.end() < len(stripped):
        inner = parse_deadline(stripped[latest.end():], anchor)
        if isinstance(inner, ParsedDeadline) and inner.kind in ("by", "period") and inner.end:
            return _by(anchor, inner.end)
        return inner if isinstance(inner, ParsedDeadline) else DeadlineRejection(
            f"no deadline expression matches {text!r}")
    parsed = _parse_term(stripped, anchor)
    if isinstance(parsed, ParsedDeadline):
        return parsed
    parts = EITHER.split(stripped)
    if len(parts) == 2 and all(parts):
        either = [_parse_term(part, anchor) for part in parts]
        ends = [p.end for p in either if isinstance(p, ParsedDeadline) and p.end]
        if len(ends) == 2:
            return _by(anchor, max(ends))
    return parsed


def _parse_term(text: str, anchor: date | None) -> ParsedDeadline | DeadlineRejection:
    for _, regex, resolver in terms():
        m = regex.fullmatch(text)
        if m:
            return _past_check(_resolve(resolver, m, anchor), anchor)
    return DeadlineRejection(f"no deadline expression matches {text!r}")


def _past_check(parsed: ParsedDeadline | DeadlineRejection, anchor: date | None):
    if isinstance(parsed, ParsedDeadline) and anchor and parsed.end and parsed.end < anchor:
        return DeadlineRejection(f"ends {parsed.end} before the notice date {anchor}: background, not a deadline")
    # 从今年开始 starts on 1 January of the notice's own year yet looks forward: only a dated start is background
    if (isinstance(parsed, ParsedDeadline) and parsed.kind == "from" and anchor and parsed.start
            and parsed.start < anchor and not (parsed.relative and parsed.start.year == anchor.year)):
        return DeadlineRejection(f"starts {parsed.start} before the notice date {anchor}: a rule already in force, "
                                 "background, not a deadline")
    return parsed


def candidates(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Matches of the deadline terms in text[start:end], longest first where they overlap, two joined by
    或 as one: proposals the rule filters then check."""
    end = len(text) if end is None else end
    text = text.translate(DIGIT_FOLD)
    found = sorted(((m.start(), m.end()) for _, regex, _ in proposed_terms() for m in regex.finditer(text, start, end)),
                   key=lambda c: (c[0], -(c[1] - c[0])))
    out: list[tuple[int, int]] = []
    cursor = start
    for s, e in found:
        if s < cursor:
            continue
        latest = LATEST_BEFORE.search(text, max(cursor, s - 5), s)
        s = latest.start() if latest else s
        if out and EITHER.fullmatch(text, out[-1][1], s):
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
        cursor = e
    return out
