"""Where commitments can be: background vs forward-looking regions, headings, and the sentence-level
future and past cues (the first two steps of the rule tagger)."""

from __future__ import annotations

import re

from extractor.rules.context import clause_start
from extractor.rules.cues import cues, has, starts
from extractor.rules.modality import strip_adverbials
from extractor.segment import LIST_ITEM, Segment

HEADER_FIELD = re.compile(r"(?:索引号|发布机构|发文日期|发布日期|发布时间|成文日期|主题分类|文号|发文机关|主题词|公开方式|"
                          r"联系人|联系电话|联系方式|抄送)\s*[：:|\s]")
# A paragraph opening with a short title sentence followed by its body (推动产业链供应链优化升级。…).
RUN_IN_TITLE = re.compile(r"^[^，,。；;：:！!？?“”\d]{4,18}。(?=.{20,})")
# 下一步 / 今后 opening a sentence switches the region in text without line breaks (web replies).
INLINE_OPENER = re.compile(r"^(?:[^，,。；;]{0,10}?)(?:下一步|下步|下阶段|下一阶段|接下来|今后)")
FUTURE_HUI = re.compile(r"(?<![社协委员机大学工年都宴省议])会(?![同议商签员场谈展计务所长办])")  # the modal 会
REPORTED = re.compile(r"(?:承诺|表示|声称|答应|保证)[，,]?[^，,。；;]{0,6}?(?:将|会|在|于|能)")
OWN_SUBJECT = re.compile(r"(?:我局|我们|本局|我委|我厅|我办|我单位|我中心|我区|我市|我县|我镇|我街道|我部门|我司)")
CURRENT_PERIOD = re.compile(r"^(?:今年|全年|本年|今年全年|上半年|下半年)$")  # also describe this year's past
BASELINE = re.compile(r"(?:较|比|同)(?:上年|去年|上一年|(?:19|20)\d{2}年)(?:同期)?")
PAST_VERB_LE = re.compile(r"(?<![为除])[\u4e00-\u9fff]了(?!解|结|如指掌)|(?<!为|除)(?<=[\u4e00-\u9fff])了(?=[，,。；;])")


# A target word followed by the report that it was met (主要目标任务圆满完成, 重点工作取得新进展).
REPORTED_DONE = re.compile(r"(?:目标|任务|工作|指标)[^，,。；;：:是为]{0,4}?(?:全面|圆满|超额|顺利|较好|基本)?"
                           r"(?:完成|实现|达成|取得|向好|齐升|好转|显著)")


def is_heading_line(line: str) -> bool:
    body = LIST_ITEM.sub("", line, count=1)
    return len(body) <= 30 and not re.search(r"[，,。；;]", body.rstrip("。：:"))


PLAN_YEAR_HEADING = re.compile(r"(今年|明年|(?:19|20)\d{2}年)[^，,。；;]{0,8}(?:工作|任务|安排|目标|打算|计划)")
# 今年全省经济社会发展的主要预期目标是：… opens a list of the year's targets, with or without a line break
TARGET_LIST = re.compile(r"(今年|明年|(?:19|20)\d{2}年)[^，,。；;：:]{0,20}?预期目标")


def _names_plan_year(pattern: re.Pattern[str], text: str, year: int | None) -> bool:
    """``pattern`` names 今年/明年 or a year not before the notice's, and the text is no 回顾 (review)."""
    m = pattern.search(text)
    if not m or "回顾" in text:
        return False
    if m.group(1) in ("今年", "明年"):
        return True
    return year is not None and int(m.group(1)[:4]) >= year


def plan_year_heading(opener: str, year: int | None) -> bool:
    """关于2025年工作 / 2025年主要任务 / 今年工作安排 in a notice or report of that year or before."""
    return _names_plan_year(PLAN_YEAR_HEADING, opener, year)


def target_list_opener(sentence: str, year: int | None) -> bool:
    """A sentence that opens the list of a year's targets (the year governs every item: the guide)."""
    return _names_plan_year(TARGET_LIST, sentence[:40], year)


def region_of_line(line: str, current: tuple[str, bool], year: int | None = None) -> tuple[str, bool]:
    """(region, explicit): explicit when a region heading or opener set it, not the notice's default."""
    c = cues()
    head = LIST_ITEM.sub("", line, count=1)[:30]
    opener = re.split(r"[，,。；;：:]", head, maxsplit=1)[0]
    if REPORTED_DONE.search(opener) and not has(opener, c["future"]):
        return "backward", True  # 主要目标全面完成: a review subtitle that names the goals it reports on
    if (has(opener, c["forward_headings"]) and not has(opener, c["backward_headings"])) or plan_year_heading(
            opener, year):
        return "forward", True
    if has(opener, c["backward_headings"]):
        return "backward", True
    return current


def action_item(line: str) -> bool:
    """A list item titled by an action (（一）深化隐患排查整治。) outside any background section."""
    m = LIST_ITEM.match(line)
    if not m:
        return False
    title = re.split(r"[，,。；;：:]", line[m.end():].lstrip(), maxsplit=1)[0]
    return bool(starts(strip_adverbials(title, once=True), cues()["action_verbs"])) and not past(line)


def heading_end(text: str, line: Segment) -> int | None:
    """End offset of a heading at the start of this line, or None."""
    marker = LIST_ITEM.match(line.text)
    if not marker:
        if is_heading_line(line.text) and not re.search(r"[。；;]$", line.text):
            return line.end
        title = RUN_IN_TITLE.match(line.text)
        return line.start + title.end() if title else None
    first = re.search(r"[。；;：:！!]", line.text[marker.end():])
    if first is None:
        return line.end if is_heading_line(line.text) else None
    head = line.text[marker.end(): marker.end() + first.start()]
    rest = line.text[marker.end() + first.end():].strip()
    titled = not future_cue(head) and not OWN_SUBJECT.search(head)  # 3、我镇下一步将… is content
    if titled and rest and (len(head) <= 40 and line.text[marker.end() + first.start()] == "。" or (
            len(head) <= 30 and not re.search(r"[，,]", head))):
        return line.start + marker.end() + first.end()
    if titled and not rest and len(head) <= 20 and not re.search(r"[，,、]", head):
        return line.end  # a title-only item line: （六）推进改造数字化管理。
    return None


def past(text: str) -> bool:
    text = BASELINE.sub("", text)  # 较上年增长25% compares with the past, it does not report it
    return has(text, cues()["past"]) or bool(PAST_VERB_LE.search(text))




def future_cue(sentence: str) -> bool:
    """A strong future cue (将、拟、下一步… and 会 as a modal); 现将…答复如下 is 将 as 把, 将近 is about."""
    cleaned = re.sub(r"现将|将近|将要", "", sentence)
    return has(cleaned, cues()["future"]) or bool(FUTURE_HUI.search(cleaned))


def forward(sentence: str, region: str, has_deadline: bool, dated_ahead: bool = False) -> bool:
    """Whether the sentence can hold commitments; ``dated_ahead``: it names a date after the notice's."""
    if region != "forward" and past(sentence) and not future_cue(sentence) and not dated_ahead:
        return False  # elsewhere past clauses are dropped one by one (…已进入验收阶段，估计9月可投入使用)
    if reported_promise(sentence):
        return False  # another party's promise (开发商承诺将…) is not this body's commitment
    return region == "forward" or has_deadline or future_cue(sentence)


def reported_promise(sentence: str) -> bool:
    """A promise reported of another party: 老板承诺将…, 该公司现已承诺，在…前… (the clause that holds the
    verb of promising names no subject of this body's own; 我局承诺将… is the body's)."""
    for m in REPORTED.finditer(sentence):
        clause = sentence[clause_start(sentence, m.start()):m.start()]
        if not OWN_SUBJECT.search(clause):
            return True
    return False
