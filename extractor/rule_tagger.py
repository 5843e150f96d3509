"""The rule-based tagger: the baseline the trained model must beat, and the fallback without a model.

How it decides (ANNOTATION_GUIDE.md):
1. Region: each line is backward (background, achievements) or forward (下一步 / 今后 / 工作安排 …)
   by the latest region heading or opener seen; a sentence is forward-looking when it lies in a forward
   region or carries a future cue (将、拟、力争 …), and carries no past cue (已、累计、取得了 …).
2. Headings (（一）扩大普惠托育供给。 followed by the item's body, or a short line with no clause
   punctuation) are skipped.
3. Each clause of a forward sentence is stripped of list markers, discourse markers, subject, modals and
   a leading deadline; what is left is a MEASURE if it holds an action verb, unless it is framing
   (聚焦… with no verb of its own), a purpose clause (从而…, with no QUANTITY or DEADLINE), courtesy, or
   a list introduction (…以下工作：).
4. QUANTITY spans are kept inside measures; DEADLINE spans are kept when they govern a measure.
Every candidate the rules drop is returned as a rejection with its reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from extractor.rules.deadline import find_deadlines
from extractor.rules.modality import ADVERBIALS
from extractor.rules.quantity import find_quantities
from extractor.rules.tables import table
from extractor.schema import Rejection, Span
from extractor.segment import LIST_ITEM, RUN_IN_ITEM, Segment, clauses, lines, sentences

QUOTED = re.compile(r"《[^》]*》|“[^”]*”|\"[^\"]*\"")
HEADER_FIELD = re.compile(r"(?:索引号|发布机构|发文日期|发布日期|发布时间|成文日期|主题分类|文号|发文机关|主题词|公开方式|"
                          r"联系人|联系电话|联系方式|抄送)\s*[：:|\s]")
FRAMING_TAIL = re.compile(r"(?:要求|部署|精神|规定|原则|思路|方式|方法|途径|形式|手段)$")
CONDITION = re.compile(r"^(?:待|等|如|若|一旦|如果).{0,30}(?:时|后|前|的话)$")  # 按照…的要求 even with a verb inside
YEAR_COPULA = re.compile(r"^(?:今年|明年|本年|(?:19|20)\d{2}年)(?:是|为|既是)")
CIRCUMSTANCE = re.compile(r"(?:过程中|期间|的同时)$")
IDEOLOGY = re.compile(r"(?:精神|方针|理念|思想|重要指示|重要讲话|重要论述|决策部署)$")
CURRENT_PERIOD = re.compile(r"^(?:今年|全年|本年|今年全年|上半年|下半年)$")
FRAMING_YI = re.compile(r"^(?:坚持)?以.{1,40}?为(?:指导|引领|牵引|抓手|重点|目标|核心|主线|契机|统领|导向|根本|突破口|载体|依托|支撑|中心|动力)$")
PAST_VERB_LE = re.compile(r"(?<![为除])[\u4e00-\u9fff]了(?!解|结|如指掌)|(?<!为|除)(?<=[\u4e00-\u9fff])了(?=[，,。；;])")


@dataclass
class TagResult:
    spans: list[Span] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)


@cache
def cues() -> dict[str, list[str]]:
    data = table("measure")
    return {k: sorted(v, key=len, reverse=True) for k, v in data.items()}


def _starts(text: str, words: list[str]) -> str | None:
    return next((w for w in words if text.startswith(w)), None)


def _has(text: str, words: list[str]) -> bool:
    return any(w in text for w in words)


def _is_heading_line(line: str) -> bool:
    body = LIST_ITEM.sub("", line, count=1)
    return len(body) <= 30 and not re.search(r"[，,。；;]", body.rstrip("。：:"))


def _plan_year_heading(opener: str, year: int | None) -> bool:
    """关于2025年工作 / 2025年主要任务 / 今年工作安排 in a notice or report of that year or before."""
    m = re.search(r"(今年|明年|(?:19|20)\d{2}年)[^，,。；;]{0,8}(?:工作|任务|安排|目标|打算|计划)", opener)
    if not m or "回顾" in opener:
        return False
    if m.group(1) in ("今年", "明年"):
        return True
    return year is not None and int(m.group(1)[:4]) >= year


def _region_of_line(line: str, current: tuple[str, bool], year: int | None = None) -> tuple[str, bool]:
    """(region, explicit): explicit when a region heading or opener set it, not the notice's default."""
    c = cues()
    head = LIST_ITEM.sub("", line, count=1)[:30]
    opener = re.split(r"[，,。；;：:]", head, maxsplit=1)[0]
    if (_has(opener, c["forward_headings"]) and not _has(opener, c["backward_headings"])) or _plan_year_heading(
            opener, year):
        return "forward", True
    if _has(opener, c["backward_headings"]):
        return "backward", True
    return current


def _action_item(line: str) -> bool:
    """A list item titled by an action (（一）深化隐患排查整治。) outside any background section."""
    m = LIST_ITEM.match(line)
    if not m:
        return False
    title = re.split(r"[，,。；;：:]", line[m.end():].lstrip(), maxsplit=1)[0]
    core = title
    for adverbial in ADVERBIALS:
        if core.startswith(adverbial):
            core = core[len(adverbial):]
            break
    return bool(_starts(core, cues()["action_verbs"])) and not _past(line)


def _heading_end(text: str, line: Segment) -> int | None:
    """End offset of a heading at the start of this line, or None."""
    marker = LIST_ITEM.match(line.text)
    if not marker:
        if _is_heading_line(line.text) and not re.search(r"[。；;]$", line.text):
            return line.end
        title = RUN_IN_TITLE.match(line.text)
        return line.start + title.end() if title else None
    first = re.search(r"[。；;：:！!]", line.text[marker.end():])
    if first is None:
        return line.end if _is_heading_line(line.text) else None
    head = line.text[marker.end(): marker.end() + first.start()]
    rest = line.text[marker.end() + first.end():].strip()
    titled = not _future_cue(head) and not OWN_SUBJECT.search(head)  # 3、我镇下一步将… is content
    if titled and rest and (len(head) <= 40 and line.text[marker.end() + first.start()] == "。" or (
            len(head) <= 30 and not re.search(r"[，,]", head))):
        return line.start + marker.end() + first.end()
    if titled and not rest and len(head) <= 20 and not re.search(r"[，,、]", head):
        return line.end  # a title-only item line: （六）推进改造数字化管理。
    return None


BASELINE = re.compile(r"(?:较|比|同)(?:上年|去年|上一年|(?:19|20)\d{2}年)(?:同期)?")


def _past(text: str) -> bool:
    text = BASELINE.sub("", text)  # 较上年增长25% compares with the past, it does not report it
    return _has(text, cues()["past"]) or bool(PAST_VERB_LE.search(text))


# A paragraph opening with a short title sentence followed by its body (推动产业链供应链优化升级。…).
RUN_IN_TITLE = re.compile(r"^[^，,。；;：:！!？?“”\d]{4,18}。(?=.{20,})")
INLINE_OPENER = re.compile(r"^(?:[^，,。；;]{0,10}?)(?:下一步|下步|下阶段|下一阶段|接下来|今后)")
FUTURE_HUI = re.compile(r"(?<![社协委员机大学工年都宴省议])会(?![同议商签员场谈展计务所长办])")
REPORTED = re.compile(r"(?:承诺|表示|声称|答应|保证)[^，,。；;]{0,6}?(?:将|会|在|于|能)")
OWN_SUBJECT = re.compile(r"(?:我局|我们|本局|我委|我厅|我办|我单位|我中心|我区|我市|我县|我镇|我街道|我部门|我司)")
SUBJECT_MODAL = re.compile(r"^(?![将拟要对在向为从按把与])[^，,。；;：:\s将]{1,12}?(?=(?:也|还|仍|均|都|亦)?(?:将|拟|计划|准备)(?!来|近|求))")


def _future_cue(sentence: str) -> bool:
    """A strong future cue (将、拟、下一步… and 会 as a modal); 现将…答复如下 is 将 as 把, 将近 is about."""
    cleaned = re.sub(r"现将|将近|将要", "", sentence)
    return _has(cleaned, cues()["future"]) or bool(FUTURE_HUI.search(cleaned))


def _forward(sentence: str, region: str, has_deadline: bool) -> bool:
    if region != "forward" and _past(sentence) and not _future_cue(sentence):
        return False  # elsewhere past clauses are dropped one by one
    if REPORTED.search(sentence) and not OWN_SUBJECT.search(sentence):
        return False  # another party's promise (开发商承诺将…) is not this body's commitment
    return region == "forward" or has_deadline or _future_cue(sentence)


def _strip_prefix(text: str, start: int, end: int, deadlines: list[tuple[int, int]]) -> int:
    """Advance past list markers, discourse markers, subjects, modals and leading deadlines."""
    c = cues()
    pos = start
    while pos < end:
        rest = text[pos:end]
        m = LIST_ITEM.match(rest) or RUN_IN_ITEM.match(rest)
        if m and m.end() > 0:
            pos += m.end()
            continue
        if rest[0] in " \t\u3000、":
            pos += 1
            continue
        if rest[0] in "在于" and any(d[0] == pos + 1 for d in deadlines):
            pos += 1  # 在/于 before a deadline belongs to neither span
            continue
        lead = next((d for d in deadlines if d[0] == pos), None)
        if lead:
            pos = lead[1]
            continue
        framing = _starts(rest, c["framing"])
        subject = SUBJECT_MODAL.match(rest)
        after_subject = rest[subject.end():] if subject else ""
        opening = pos == start or bool(LIST_ITEM.fullmatch(text[start:pos].strip()))
        if (subject and not framing and opening and not _has(subject.group(0), c["action_verbs"] + ADVERBIALS)
                and not re.search(r"\d", subject.group(0))
                and (not after_subject.startswith("将") or _modal_jiang(after_subject[1:], deadlines, pos + subject.end() + 1))):
            pos += subject.end()  # 价格主管部门将… : the subject before the modal stays outside
            continue
        word = _starts(rest, c["discourse"]) or _starts(rest, c["subjects"]) or _starts(rest, c["modals"])
        if word == "将" and not _modal_jiang(rest[1:], deadlines, pos + 1):
            break  # 将 as 把 (将考核结果与资金挂钩) belongs to the measure
        if framing and (not word or len(framing) > len(word)):
            break  # 会同 is framing, not the modal 会
        if word and len(rest) > len(word) + 1:
            pos += len(word)
            continue
        break
    return pos


def _outside_deadlines(text: str, start: int, end: int, deadlines: list[tuple[int, int]]) -> bool:
    """Whether the clause holds any word beyond its deadlines (到“十五五”末 alone is no measure)."""
    return any(re.match(r"[\u4e00-\u9fffA-Za-z0-9]", text[i]) and not any(s <= i < e for s, e in deadlines)
               for i in range(start, end))


BA_VERBS = ("纳入", "列入", "作为", "挂钩", "转为", "转化为", "提交", "移交", "反馈", "融入", "写入", "交由", "用于",
            "推广到", "推广至", "延伸至", "延伸到", "提高到", "提高至", "控制在", "落实到", "转交", "转至", "吸收到",
            "调整为", "改为", "变更为", "列为", "扩大到", "扩大至", "放宽至", "放宽到", "降至", "降低到", "压缩至",
            "提升为", "调整到", "建成", "打造成", "整合为", "合并", "推送到", "推送至", "告知")


def _modal_jiang(after: str, deadlines: list[tuple[int, int]], pos: int) -> bool:
    """将 is a modal unless it means 把: 将 + object + 纳入/列入/作为… (将考核结果与资金挂钩)."""
    if (any(d[0] == pos for d in deadlines) or after[:1] in "对向在于与从按为通过把每"
            or _starts(after, cues()["modals"] + ADVERBIALS)):
        return True
    return not any(after.find(v, 1, 30) > 0 for v in BA_VERBS)  # an object sits between 将 and the verb


COVERB = re.compile(r"^(?:对|在|向|为|与|从|按|把|将|由|给|通过|就|以|于|针对|依法|依规|结合|围绕|面向|根据|按照|联合|会同|配合|"
                    r"每|各|逐|分|全面|同步|统一|定期|及时|尽力|努力|严格|认真|切实|主动|抓紧|尽快|积极)")


def _verb_led(core: str) -> bool:
    """The clause opens with its action: adverbials then a verb, or a coverb phrase (对…开展检查) or a
    distributive (每个项目设立…) followed by a verb. 维护维修难度非常大 merely contains a verb."""
    verbs = cues()["action_verbs"]
    rest = core
    while True:
        if _starts(rest, verbs):
            return True  # checked before each adverbial is stripped: 加快 is both
        adverbial = _starts(rest, ADVERBIALS)
        if not adverbial:
            break
        rest = rest[len(adverbial):]
    return bool(COVERB.match(rest)) and _has(rest[1:], verbs)


def _classify(core: str, has_target: bool, first: bool) -> str | None:
    """None if the clause is a measure, else the reason it is not."""
    c = cues()
    if len(core) < 3:
        return "too short to be a measure"
    if _starts(core, c["courtesy"]) or "感谢" in core:
        return "courtesy or thanks"
    if re.search(r"(?:以下|如下|几个方面)", core):
        return "list introduction"
    if (_starts(core, c["copula"]) and not core.startswith(("为企业", "为群众", "为居民"))) or YEAR_COPULA.match(core):
        return "a description (是…), not an action"
    if FRAMING_YI.match(core):
        return "framing clause (以…为…)"
    if _has(core, c["declines"]):
        return "declines or postpones"
    if core.startswith(("关于", "上述")) or CIRCUMSTANCE.search(core) or IDEOLOGY.search(core):
        return "framing clause (关于…, …过程中, …精神)"
    if _starts(core, c["causal"]) or CONDITION.match(core):
        return "a cause or condition (由于…, 待…后), not an action"
    if core.endswith("是") or (re.search(r"^[^，,]{1,10}是(?!否)|^[^，,]{1,6}为(?!了)", core) and not _verb_led(core)):
        return "a description or list introduction (…是)"
    if _has(core, c["evaluative"]):
        return "evaluates the proposal or addresses the proposer"
    frame = _starts(core, c["framing"])
    if frame:
        verb_after = _has(QUOTED.sub("", core[len(frame) + 2:]), c["action_verbs"]) and not FRAMING_TAIL.search(core)
        if not verb_after and not has_target:
            return f"framing clause ({frame}…)"
        return None
    purpose = _starts(core, c["purpose"])
    if purpose == "为" and not core.startswith("为了") and not _starts(core[1:], c["action_verbs"] + ADVERBIALS):
        purpose = None  # 为 + beneficiary + verb (为80岁以上老人发放津贴) is an action, not a purpose
    if purpose is None and not first:
        purpose = _starts(core, c["result"])
    if purpose and not has_target:
        return f"purpose or result clause ({purpose}…)"
    if has_target and re.match(r"(?:距离|距|位于|约有|现有|共有|总计|目前|现状|天气)", core):
        return "a description with a number (距离…4公里), not a target"
    if _verb_led(core) or has_target:
        return None
    return "does not open with an action (verb, coverb phrase or 每/各 + verb)"


def tag(text: str, anchor: date | None) -> TagResult:
    result = TagResult()
    all_q, rejected_q = find_quantities(text)
    all_d, rejected_d = find_deadlines(text, anchor)
    for s, e, why in rejected_q:
        result.rejections.append(Rejection(start=s, end=e, text=text[s:e], label="QUANTITY", reason=why))
    past_d = [(s, e) for s, e, why in rejected_d if "before the notice date" in why]
    for s, e, why in rejected_d:
        result.rejections.append(Rejection(start=s, end=e, text=text[s:e], label="DEADLINE", reason=why))
    state = ("backward", False)
    measures: list[Span] = []
    for line in lines(text):
        state = _region_of_line(line.text, state, anchor.year if anchor else None)
        region = state[0]
        if region == "backward" and not state[1] and _action_item(line.text):
            region = "forward"
        if HEADER_FIELD.search(line.text):
            continue
        heading_end = _heading_end(text, line)
        if heading_end == line.end:
            continue
        body_start = heading_end if heading_end is not None else line.start
        carried_forward = False
        for sent in sentences(text, body_start, line.end):
            if INLINE_OPENER.match(sent.text):
                state = region = "forward", True
                region = "forward"
            has_deadline = any(sent.start <= d[0] < sent.end and not CURRENT_PERIOD.match(text[d[0]:d[1]])
                               for d in all_d)
            if region == "backward" and any(sent.start <= d[0] < sent.end for d in past_d):
                continue  # a sentence about an earlier year is background
            continued = carried_forward  # a sentence after ；of a forward one continues it
            carried_forward = False
            if not continued and not _forward(sent.text, region, has_deadline):
                continue
            carried_forward = sent.end < len(text) and text[sent.end] in "；;"
            for clause in clauses(text, sent.start, sent.end):
                inside_d = [d for d in all_d if clause.start <= d[0] and d[1] <= clause.end]
                start = _strip_prefix(text, clause.start, clause.end, inside_d)
                if start >= clause.end:
                    continue
                core = text[start:clause.end]
                if not _outside_deadlines(text, start, clause.end, inside_d):
                    continue
                has_quantity = any(start <= q[0] and q[1] <= clause.end for q in all_q)
                # a deadline alone makes a target only with an action in the clause (近期确实有抬头之势 is none)
                has_target = has_quantity or (bool(inside_d) and _has(core, cues()["action_verbs"]))
                if _past(core) or any(clause.start <= d[0] < clause.end for d in past_d):
                    continue
                first = not any(m.start >= sent.start for m in measures)
                if _classify(core, has_target, first) is None:
                    measures.append(Span(start=start, end=clause.end, label="MEASURE"))
    result.spans.extend(measures)
    result.spans.extend(_keep_quantities(text, all_q, measures, result))
    result.spans.extend(_keep_deadlines(text, all_d, measures, result))
    result.spans.sort(key=lambda s: (s.start, s.end))
    return result


def _keep_quantities(text: str, found, measures: list[Span], result: TagResult) -> list[Span]:
    kept = []
    for s, e in found:
        if any(m.start <= s and e <= m.end for m in measures):
            kept.append(Span(start=s, end=e, label="QUANTITY"))
        else:
            result.rejections.append(Rejection(start=s, end=e, text=text[s:e], label="QUANTITY",
                                               reason="not inside a commitment measure"))
    return kept


def _keep_deadlines(text: str, found, measures: list[Span], result: TagResult) -> list[Span]:
    from extractor.assemble import link_deadlines

    spans = [Span(start=s, end=e, label="DEADLINE") for s, e in found]
    governed = set(link_deadlines(measures, spans, text).values())
    kept = []
    for i, span in enumerate(spans):
        if i in governed:
            kept.append(span)
        else:
            result.rejections.append(Rejection(start=span.start, end=span.end, text=text[span.start:span.end],
                                               label="DEADLINE", reason="governs no commitment measure"))
    return kept
