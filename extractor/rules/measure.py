"""MEASURE boundaries and checks: trim a clause to its measure (list markers, subject, modal and a leading
deadline stay outside) and say why a clause is not a measure. The rule proposer classifies its clauses
with these; the rule filters trim and check MEASURE spans from any tagger with the same functions."""

from __future__ import annotations

import re
from collections.abc import Container
from functools import cache

from extractor.rules.cues import cues, has, starts
from extractor.rules.modality import ADVERBIALS
from extractor.rules.quantity import candidates as quantity_candidates
from extractor.segment import LIST_ITEM, RUN_IN_ITEM


@cache
def verbs_or_adverbials() -> list[str]:
    """The action verbs, then the adverbials: a subject holding either is no bare subject (built once)."""
    return cues()["action_verbs"] + ADVERBIALS


WORD_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
# strip_prefix reads no further than this past its position (list markers, cue words, a 12-character
# subject, 将 + 30 characters)
PREFIX_WINDOW = 64
QUOTED = re.compile(r"《[^》]*》|“[^”]*”|\"[^\"]*\"")
# The subject right before a modal stays outside the span: 价格主管部门将…
SUBJECT_MODAL = re.compile(r"^(?![将拟要对在向为从按把与])[^，,。；;：:\s将]{1,12}?(?=(?:也|还|仍|均|都|亦)?(?:将|拟|计划|准备|预计|可(?=[在于]))(?!来|近|求))")
# A list of bodies before the modal (区住建局、街道办事处、社区居委会将…), longer than one subject may be
AGENCY_LIST_MODAL = re.compile(r"^(?:[^，,。；;：:\s将、]{2,12}、){1,5}[^，,。；;：:\s将、]{2,12}?"
                               r"(?=(?:也|还|仍|均|都|亦|共同)?(?:将|拟|计划|准备|预计)(?!来|近|求))")
# Words that begin with a one-character cue (要 modal, 再 discourse marker) and belong to the measure
WHOLE_WORDS = ("要求", "再次")
# A subject before a leading deadline and its modal: 黄花镇6月30日前可受理, 停保场2018年12月底可以完工
SUBJECT_BEFORE = re.compile(r"^(?![将拟要对在向为从按把与由])[^，,。；;：:\s、“”《》]{2,12}")
MODAL_AFTER_DEADLINE = re.compile(r"(?:也|还|均|都)?(?:可以|可|能|将|拟|要|会|计划|预计|争取|力争)")
# Anonymised place names in published replies (A7县, M5市): a letter and digits stand for a name, not an amount
PLACE_CODE = re.compile(r"[A-Z]\d{1,2}(?=[省市县区镇乡村]|\s?[县区])")
# A subject that names a body by its kind (区城乡建设局, A3区住建局, 街道办事处, 镇政府)
BODY_NAME = re.compile(r"(?:局|委|办|厅|政府|中心|公司|街道|办事处|镇|乡|村委会|居委会|社区|大队|中队|支队|部门|单位|学校|医院|"
                       r"集团|管委会|站|所|处)$")
FRAMING_TAIL = re.compile(r"(?:要求|部署|精神|规定|原则|思路|方式|方法|途径|形式|手段)$")  # 按照…的要求, even with a verb
CONDITION = re.compile(r"^(?:待|等|如|若|一旦|如果).{0,30}(?:时|后|前|的话)$")
YEAR_COPULA = re.compile(r"^(?:今年|明年|本年|(?:19|20)\d{2}年)(?:是|为|既是)")
CIRCUMSTANCE = re.compile(r"(?:过程中|期间|的同时)$")
IDEOLOGY = re.compile(r"(?:精神|方针|理念|思想|重要指示|重要讲话|重要论述|决策部署)$")
FRAMING_YI = re.compile(r"^(?:坚持)?以.{1,40}?为(?:指导|引领|牵引|抓手|重点|目标|核心|主线|契机|统领|导向|根本|突破口|载体|依托|支撑|中心|动力)$")
def strip_prefix(text: str, start: int, end: int, deadlines: list[tuple[int, int]]) -> int:
    """Advance past list markers, discourse markers, subjects, modals and leading deadlines."""
    c = cues()
    leads: dict[int, int] = {}
    for d in deadlines:
        leads.setdefault(d[0], d[1])
    ends = {d[1] for d in deadlines}
    pos = start
    while pos < end:
        # every check below reads a short prefix: a bounded slice keeps a 60,000-deadline clause linear
        rest = text[pos:min(end, pos + PREFIX_WINDOW)]
        m = LIST_ITEM.match(rest) or RUN_IN_ITEM.match(rest)
        if m and m.end() > 0:
            pos += m.end()
            continue
        if rest[0] in " \t\u3000、":
            pos += 1
            continue
        if rest[0] in "在于" and pos + 1 in leads:
            pos += 1  # 在/于 before a deadline belongs to neither span
            continue
        if pos in leads:
            pos = leads[pos]
            continue
        if rest[0] == "可" and (pos in ends or (rest[1:2] in "在于" and pos + 2 in leads)):
            # 可 as a modal next to a deadline: 8月份可修通, 年初可以投入使用, 可在6月底前运行 (可用财力 stays whole)
            pos += 2 if rest.startswith("可以") and pos in ends else 1
            continue
        if rest[0] == "能" and pos in ends and starts(rest[1:], c["action_verbs"]):
            pos += 1  # 明年春季能开园 (2025年能源… stays whole: 源 is no verb)
            continue
        framing = starts(rest, c["framing"])
        if pos == start and not framing:
            skip = subject_before_deadline(text, pos, rest, leads)
            if skip:
                pos += skip
                continue
        subject = SUBJECT_MODAL.match(rest) or AGENCY_LIST_MODAL.match(rest)
        after_subject = rest[subject.end():] if subject else ""
        # only a list marker went before (a marker is a few characters: a longer prefix is never one)
        opening = pos == start or (pos - start <= PREFIX_WINDOW and bool(LIST_ITEM.fullmatch(text[start:pos].strip())))
        # 区城乡建设局 holds 建设, A3区住建局 a digit: a named body is a subject all the same (推动华西医院 is not)
        named_body = bool(subject and BODY_NAME.search(subject.group(0))
                          and not starts(subject.group(0), verbs_or_adverbials()))
        if (subject and not framing and opening
                and (named_body or (not has(subject.group(0), verbs_or_adverbials())
                                    and not re.search(r"\d", PLACE_CODE.sub("", subject.group(0)))))
                and (not after_subject.startswith("将") or modal_jiang(after_subject[1:], leads, pos + subject.end() + 1))):
            pos += subject.end()  # 价格主管部门将… : the subject before the modal stays outside
            continue
        word = starts(rest, c["discourse"]) or starts(rest, c["subjects"]) or starts(rest, c["modals"])
        if word and rest.startswith(WHOLE_WORDS) and len(word) == 1:
            break  # 要求学校…, 再次组织…: the cue is the first character of a longer word of the measure
        if word == "将" and not modal_jiang(rest[1:], leads, pos + 1):
            break  # 将 as 把 (将考核结果与资金挂钩) belongs to the measure
        if framing and (not word or len(framing) > len(word)):
            break  # 会同 is framing, not the modal 会
        if word and end - pos > len(word) + 1:
            pos += len(word)
            continue
        break
    return pos


def subject_before_deadline(text: str, pos: int, rest: str, leads: dict[int, int]) -> int:
    """The length of a subject that a leading deadline and a modal follow (黄花镇|6月30日前|可受理), or 0: a
    named body (区城乡建设局) before any modal, another subject with no action verb only before 可/能."""
    head = SUBJECT_BEFORE.match(rest)
    if not head:
        return 0
    for k in range(2, head.end() + 1):
        modal = MODAL_AFTER_DEADLINE.match(text, leads[pos + k]) if pos + k in leads else None
        if modal:
            subject = rest[:k]
            if BODY_NAME.search(subject):
                return k
            # an indicator before 今年要… is the target's own head (固定资产投资今年要增长10%左右)
            soft = modal.group().startswith(("可", "能"))
            return k if soft and not has(subject, verbs_or_adverbials()) else 0
    return 0


def outside_deadlines(text: str, start: int, end: int, deadlines: list[tuple[int, int]]) -> bool:
    """Whether the clause holds any word beyond its deadlines (到“十五五”末 alone is no measure): a word
    character in one of the gaps between them."""
    pos = start
    for s, e in sorted(deadlines):
        if s > pos and WORD_CHAR.search(text, pos, min(s, end)):
            return True
        pos = max(pos, e)
    return pos < end and WORD_CHAR.search(text, pos, end) is not None


def modal_jiang(after: str, deadline_starts: Container[int], pos: int) -> bool:
    """将 is a modal unless it means 把: 将 + object + 纳入/列入/作为… (将考核结果与资金挂钩)."""
    if (pos in deadline_starts or after[:1] in "对向在于与从按为通过把每"
            or starts(after, cues()["modals"] + ADVERBIALS)):
        return True
    return not any(after.find(v, 1, 30) > 0 for v in cues()["ba_verbs"])  # an object sits between 将 and the verb


COVERB = re.compile(r"^(?:对|在|向|为|与|从|按|把|将|由|给|通过|就|以|于|针对|依法|依规|结合|围绕|面向|根据|按照|联合|会同|配合|"
                    r"每|各|逐|分|全面|同步|统一|定期|及时|尽力|努力|严格|认真|切实|主动|抓紧|尽快|积极)")


def verb_led(core: str) -> bool:
    """The clause opens with its action: adverbials then a verb, or a coverb phrase (对…开展检查) or a
    distributive (每个项目设立…) followed by a verb. 维护维修难度非常大 merely contains a verb."""
    verbs = cues()["action_verbs"]
    rest = core
    while True:
        if starts(rest, verbs):
            return True  # checked before each adverbial is stripped: 加快 is both
        adverbial = starts(rest, ADVERBIALS)
        if not adverbial:
            break
        rest = rest[len(adverbial):]
    return bool(COVERB.match(rest)) and has(rest[1:], verbs)


def too_short(core: str) -> bool:
    """Under three characters, except a two-character action verb on its own (2026年5月完工, 8月份修通); a
    bare verb with no deadline to govern it still commits to little, and the specificity level says so."""
    return len(core) < 2 or (len(core) == 2 and core not in cues()["action_verbs"])


LIST_INTRO = re.compile(r"以下|如下|几个方面")


def _introduces_list(core: str) -> bool:
    """以下 / 如下 / 几个方面 opening a list; 以下 that closes an amount (降至4吨以下) opens none."""
    amount_ends: set[int] | None = None
    for m in LIST_INTRO.finditer(core):
        if m.group() != "以下":
            return True
        if amount_ends is None:
            amount_ends = {e for _, e in quantity_candidates(core)}
        if m.end() not in amount_ends:
            return True
    return False


def classify(core: str, has_target: bool, first: bool) -> str | None:
    """None if the clause is a measure, else the reason it is not."""
    c = cues()
    if too_short(core):
        return "too short to be a measure"
    if starts(core, c["courtesy"]) or "感谢" in core:
        return "courtesy or thanks"
    if _introduces_list(core):
        return "list introduction"
    if (starts(core, c["copula"]) and not core.startswith(("为企业", "为群众", "为居民"))) or YEAR_COPULA.match(core):
        return "a description (是…), not an action"
    if FRAMING_YI.match(core):
        return "framing clause (以…为…)"
    if has(core, c["declines"]):
        return "declines or postpones"
    if core.startswith(("关于", "上述")) or CIRCUMSTANCE.search(core) or IDEOLOGY.search(core):
        return "framing clause (关于…, …过程中, …精神)"
    if starts(core, c["causal"]) or CONDITION.match(core):
        return "a cause or condition (由于…, 待…后), not an action"
    if core.endswith("是") or (re.search(r"^[^，,]{1,10}是(?!否)|^[^，,]{1,6}为(?!了)", core) and not verb_led(core)):
        return "a description or list introduction (…是)"
    if has(core, c["evaluative"]):
        return "evaluates the proposal or addresses the proposer"
    frame = starts(core, c["framing"])
    if frame:
        verb_after = has(QUOTED.sub("", core[len(frame) + 2:]), c["action_verbs"]) and not FRAMING_TAIL.search(core)
        if not verb_after and not has_target:
            return f"framing clause ({frame}…)"
        return None
    purpose = starts(core, c["purpose"])
    if purpose == "为" and not core.startswith("为了") and not starts(core[1:], verbs_or_adverbials()):
        purpose = None  # 为 + beneficiary + verb (为80岁以上老人发放津贴) is an action, not a purpose
    if purpose is None and not first:
        purpose = starts(core, c["result"])
    if purpose and not has_target:
        return f"purpose or result clause ({purpose}…)"
    if has_target and re.match(r"(?:距离|距|位于|约有|现有|共有|总计|目前|现状|天气)", core):
        return "a description with a number (距离…4公里), not a target"
    if verb_led(core) or has_target:
        return None
    return "does not open with an action (verb, coverb phrase or 每/各 + verb)"
