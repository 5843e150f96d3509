"""What the text around a span says about it: quotes and titles, ordinals, codes, frequencies, objects.

These checks read the whole notice text, so they apply to spans from any tagger (rules/filters.py)."""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from functools import lru_cache

from extractor.segment import BOUNDARIES, is_cjk

OPEN_QUOTES, CLOSE_QUOTES = "“‘《「『\"〈", "”’》」』\"〉"
_QUOTE_EVENT = re.compile(f"[{re.escape(OPEN_QUOTES + CLOSE_QUOTES + BOUNDARIES['quote_scope'])}]")
# 今年首次…, 3月份已到账, 实现今年预期目标: an explanation or a status report, not a time of action
STATUS_AFTER = re.compile(r"(?:首次|第一次|已经|已|(?:预期|发展|主要)目标)")
# 做好今年工作, 2025年项目, 今年是…: the year names an object or starts a copula, it is no deadline
OBJECT_AFTER = re.compile(r"(?:的|工作|政府工作|各项|项目|预算|任务|目标|是|度的|年度|度[^，,。；;内]{0,10}?(?:计划|预算|项目|任务))")


def inside_quotes(text: str, start: int) -> bool:
    """True if ``start`` lies inside a quoted name or a 《title》 in its sentence (a stray 《 earlier in the
    text must not hide everything after it)."""
    positions, depths = _quote_depths(text)
    i = bisect_left(positions, start)
    return i > 0 and depths[i - 1] > 0


@lru_cache(maxsize=4)
def _quote_depths(text: str) -> tuple[array, array]:
    """The quote depth after each quote or scope character of ``text``, computed once per notice: a scan
    back to the sentence start per span is quadratic when one sentence holds thousands of spans."""
    positions, depths = array("q"), array("q")
    depth = 0
    for m in _QUOTE_EVENT.finditer(text):
        ch = m.group()
        if ch in BOUNDARIES["quote_scope"]:
            depth = 0
        elif ch == '"':
            depth = 0 if depth else 1
        elif ch in OPEN_QUOTES:
            depth += 1
        elif depth:
            depth -= 1
        positions.append(m.start())
        depths.append(depth)
    return positions, depths


def in_title_parens(text: str, pos: int) -> bool:
    """Years in a title's parenthesis: 《…行动方案（2024—2026年）》 even when the 》 is far, or right after
    it: 《…专项规划》(2010年—2030年)."""
    before = text[max(0, pos - 2):pos]
    after = text[pos:pos + 20]
    if not before.endswith(("（", "(")):
        return False
    return before.startswith("》") or re.match(r"[^）)]*[）)]》", after) is not None


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
    if text[start:end] == "二次" and following[:1] and is_cjk(following[0]):
        return "二次 in a compound word (二次供水, 二次污染), not a count"
    return None


def deadline_context(text: str, start: int, end: int) -> str | None:
    """Why the time expression at text[start:end] is no deadline here, or None."""
    if inside_quotes(text, start) or in_title_parens(text, start):
        return "inside a quoted name or a title"
    if OBJECT_AFTER.match(text, end):
        return "the year belongs to an object (做好今年工作, 2025年项目) or a copula (今年是…)"
    if STATUS_AFTER.match(text, end):
        return "an explanation or a status (今年首次…, 3月份已…, 实现今年预期目标), not a deadline"
    if start > 0 and text[start - 1] in "每第" or text[max(0, start - 2):start] in ("满", "每年", "每月"):
        return "frequency, ordinal or duration, not a deadline"
    if WEEKDAY_RANGE_BEFORE.search(text, max(0, start - 5), start) or WEEKDAY_RANGE_AFTER.match(text, end):
        return "a weekly schedule (星期一至星期五), not a deadline"
    if TARGET_DURATION_BEFORE.search(text, max(0, start - 6), start) and COUNTED_DURATION.match(text, start, end):
        return "a duration the measure sets as its target (压缩至3个工作日内): a QUANTITY, not a deadline"
    if signature_date(text, start, end):
        return "the signature date at the end of the notice, not a deadline"
    clause = text[clause_start(text, start):start]
    if "应当" in clause or RULE_MODAL.search(clause):
        return "a rule that binds someone (…应当…内, 须在…内), not a promise of this notice"
    if NARRATIVE_YEAR.search(clause[-4:]) or EARLIER_PLAN.search(clause):
        return "the year of an event told before (同年12月) or an earlier plan (原计划…), background"
    if PLAN_NAME_VERB.search(clause) and BARE_YEAR.fullmatch(text, start, end):
        return "the year names the plan or list it belongs to (纳入2018年建设计划), not a deadline"
    if ORDER_TO_PARTY.search(clause) or (ASKED_OF_PARTY.search(clause) and not FUTURE_IN_CLAUSE.search(clause)):
        return "the time limit of an order to another party (责令…于…前, 已要求其尽快…), not this body's deadline"
    return None


# 应在 / 应分别在 / 须在 / 必须于: a rule that binds someone (响应, 供应… are other words). Neither gold set
# holds a measure or a deadline clause with one on its train/dev splits.
RULE_MODAL = re.compile(r"(?<![响反供适对相答效])应(?:当|该)?(?:分别|及时)?(?=[在于按当予])|须(?:分别)?(?=[在于])")


# 星期一至星期五 / 周一到周五: opening hours, a schedule; no gold deadline of either set is a weekday
_WEEKDAY = r"(?:周|星期|礼拜)[一二三四五六日天]"
WEEKDAY_RANGE_BEFORE = re.compile(rf"{_WEEKDAY}\s*(?:至|到|-|—|~|～)\s*$")
WEEKDAY_RANGE_AFTER = re.compile(rf"\s*(?:至|到|-|—|~|～)\s*{_WEEKDAY}")


CLAUSE_LOOKBACK = 40  # the clause checks read a short prefix: a bounded scan keeps 60,000 deadlines linear


def clause_start(text: str, pos: int) -> int:
    """Where the clause holding ``pos`` begins (after the last comma or stop before it), looking back at
    most CLAUSE_LOOKBACK characters."""
    low = max(0, pos - CLAUSE_LOOKBACK)
    return max(low, max(text.rfind(c, low, pos) for c in "，,。；;！!？?\n") + 1)


# 责令三家企业在3个工作日内…, 限周南武在5月底前…: the ordered party acts by then (限期, 限时 are no order).
ORDER_TO_PARTY = re.compile(r"(?:责令|责成|勒令|限令|(?<![期时定额])限(?![期时定额制购行速流]))[^、，,。；;]{1,16}?(?:在|于)?\s*$")


# 已要求该负责人尽快…, 通知县教育局尽快…, 函告该公司，要求10日内…: the same, unless this body is to ask
# (将要求…); 按要求于…前 / 根据通知 is a norm the body follows, not an order it gives.
ASKED_OF_PARTY = re.compile(r"(?<![按照的据])(?:要求|通知)[^、，,。；;]{0,16}?(?:在|于)?\s*$")
FUTURE_IN_CLAUSE = re.compile(r"将|拟|会|计划|下一步|下步")
NARRATIVE_YEAR = re.compile(r"(?:同年|当年|次年)的?$")
EARLIER_PLAN = re.compile(r"原计划|原定")
PLAN_NAME_VERB = re.compile(r"(?:纳入|列入|列为|作为|为|申报|上报|报)了?\s*$")
BARE_YEAR = re.compile(r"(?:19|20)\d{2}\s*年")


# After the last sentence: nothing, or a short signer named as a body (XX县教育局), before the date.
_SIGNER = re.compile(r"[\s　]*(?:[^，,。；;：:！!？?\s　]{0,22}(?:局|委|办|厅|府|中心|公司|部|院|会|处|所|站|队|镇|"
                     r"街道|乡|村|区|县|市|室|组|管委会|办公室))?[\s　]*$")


_NOTHING_AFTER = re.compile(r"[\s　。.]*\Z")


def signature_date(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is the date that closes the notice (…。　A7县教育局 2013年1月5日)."""
    if start == 0 or not _NOTHING_AFTER.match(text, end):  # a match at end: no copy of the rest per candidate
        return False
    last_stop = max(text.rfind(c, 0, start) for c in "。！!？?；;")
    return last_stop >= 0 and _SIGNER.fullmatch(text, last_stop + 1, start) is not None


# A duration (3个工作日, 两个月内), not a date: 预计完成时间为2018年1月底 is a deadline.
COUNTED_DURATION = re.compile(r"[\d一二两三四五六七八九十半]{1,3}\s*(?:个)?(?:年|月|工作日|小时|天|日|星期|周|礼拜)(?!\d)")


# A duration right after a verb of reduction or a time-limit noun is the value being set, not when the
# action is done: 审批时限压缩至5个工作日内, 办结时间控制在3天内.
TARGET_DURATION_BEFORE = re.compile(r"(?:压缩|缩短|缩减|压减|减少|降低|降|控制|限定|提速)(?:至|到|在|为)\s*$|"
                                    r"(?:时限|时间|周期|期限|用时)(?:为|是)?\s*$")


# 开学后一周内, 灾害发生后2小时内: a duration counted from an event, not from the notice date.
_DURATION_WITHIN = re.compile(r"[\d一二两三四五六七八九十半]+\s*(?:个)?(?:年|月|工作日|小时|天|日|星期|周|礼拜)(?:之?内|时间内)$")


def event_relative(text: str, start: int, end: int) -> bool:
    """Whether the duration deadline at text[start:end] counts from an event (…后一周内): kind vague."""
    return start > 0 and text[start - 1] == "后" and _DURATION_WITHIN.search(text, start, end) is not None
