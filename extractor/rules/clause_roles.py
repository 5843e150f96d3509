"""Clauses that play another role than an action of the replying body, whoever proposed them as a measure:
a time clause (审批通过后，…), a circumstance (随着…), a purpose (为妥善解决…，; …，以便…), a description of
the object (总投资…, 占地面积…), a clause of a quoted rule (…规定：…), a framing phrase ending in its
document (根据…的工作安排), an action assigned to a named agent (由…进行), an item of a list of
requirements (需提供下列资料：…), a clause cut inside a word, another party's stated promise
(…表示，将…; …已表态尽快…), how the answer was reached (经与…研究), an action that waits on an event inside
its clause (待条件具备后再行研究), the year's general requirements of a work report (总体要求是：…), advice to
the citizen (建议：…), a principle (坚持…), a budget change against last year, a topic ending in 的.

Each pattern was counted on the train/dev splits of both gold sets before it was added: none removes a
gold measure there (the fresh replies of batch 3 showed the model proposing all of them)."""

from __future__ import annotations

import re

from extractor.rules.context import RULE_MODAL, clause_start
from extractor.rules.regions import OWN_SUBJECT
from extractor.segment import cut_inside_word, sentence_start

# …后， / …之后， ending the clause: it says when the next clause happens (资金拨付到位后，将…)
TIME_CLAUSE = re.compile(r"(?:后|之后|以后|过后)$")
CIRCUMSTANCE = re.compile(r"^随着")
# 为(了)妥善解决…，县教育局将…: a leading purpose (为 + a verb; 为群众提供… names a beneficiary and stays)
PURPOSE_LEAD = re.compile(r"^为了?(?:妥善|有效|切实|进一步|更好地?|尽快)?(?:解决|确保|保障|保证|方便|满足|改善|提高|减少|防止|"
                          r"避免|缓解|规范|维护|促进|营造|实现|落实|做好)")
# …，以便验收 / …，以解决…问题: a trailing purpose
PURPOSE_TAIL = re.compile(r"^(?:以便|以期|以(?=解决|确保|保证|满足|方便|减少|提高|促进|推动|保障))")
# 该项目总投资1200万元 / 小区现有党员77人: a figure of the object (a short subject may go first), no action
DESCRIPTION = re.compile(r"^(?:(?:[^，,。；;\d对以]{0,8}?(?:项目|工程))?(?:总投资|占地面积|规划建筑面积|总建筑面积|建筑面积|总面积|全长|总长)|"
                         r"(?:[^，,。；;\d对]{0,10}?(?:小区|村|社区|镇|乡|街道|组|学校|单位))?(?:现有|共有))"
                         r"(?:达|约|为|近|超过)?[\d一二三四五六七八九十两百千万]")
# 规定：… / 有关规定，… earlier in the sentence; 应当/应在 inside the clause (a rule binds, nobody promises)
QUOTED_RULE = re.compile(r"规定[：:]|规定如下|有关规定[，,]")
FRAMING_DOCUMENT = re.compile(r"^(?:根据|按照|依据|依照|遵照|结合|通过)[^，,。；;]{0,40}(?:的[^，,。；;]{0,8}?(?:安排|要求|规定|精神|"
                              r"部署|规划|计划|方案|意见|通知)|》|契机|因素|实际情况?)$|"
                              # 根据县消防大队现场检查，: whose findings the answer rests on (…开展排查 is an action)
                              r"^(?:根据|依据)(?![^，,。；;]*(?:开展|进行|组织))[^，,。；;]{0,30}(?:现场)?"
                              r"(?:检查|核查|调查|核实|勘查|排查)(?:核实|情况|结果)?$")
# 在今后的…工作中，/ 在此次协调会上，/ 在…开通前，: when or where, with no action of its own
IN_THE_COURSE = re.compile(r"^在[^，,。；;]{0,30}(?:工作中|过程中|执行中|实施中|推进中|实践中|基础上|会上|期间|之际|前|之前|之后|"
                           r"以后)$")
# 针对职责交叉、权责脱节问题，/ 参照国际通行做法，: what the next clause addresses or follows, no action
ADDRESSED = re.compile(r"^(?:针对[^，,。；;]{1,24}(?:问题|情况|现象|短板|难题)|(?:参照|借鉴|对照|对标)[^，,。；;]{1,40}"
                       r"(?:做法|经验|标准|要求))$")
# 坚持以城带乡、城乡统筹 / 从四个方面抓好落实: a principle, or a count of aspects that opens a list (the gold
# starts a measure with neither, save one 坚持 of a work report in train)
PRINCIPLE = re.compile(r"^(?:坚持|从[一二三四五六七八九十两几\d]+个方面)")
# 比上年减少200亿元 / 预算增加1800亿元: how a budget figure compares with last year's, no action of its own
BUDGET_CHANGE = re.compile(r"^(?:比上年[^，,。；;\d]{0,4}?)?(?:预算)?(?:增加|减少)[\d.]+(?:万|亿)?元$")
# 由县规划办进行评审: the action is assigned to a named agent, not promised by this body
ASSIGNED_AGENT = re.compile(r"^由")
# 需提供下列资料：… / 准备好以下材料：…: the items of a list of requirements for the citizen
REQUIREMENT_LIST = re.compile(r"(?:材料|资料|条件|流程|程序|手续|证件)[^。；;：:]{0,8}[：:]")
REQUIREMENT_LOOKBACK = 200
# 县公路局…表示，将对该桥进行维修; 交警部门已表态尽快…: another party speaks (我局表示将… is the body's own)
STATED = re.compile(r"(?:承诺|表示|声称|答应|表态)[，,]?[^，,。；;]{0,6}?(?:将|会|在|于|能|尽快)")
NEW_PROMISE = re.compile(r"将|会|要")
# 经与市财政局研究 / 经区住建、消防和开发商沟通 / 经现场查勘: how this answer was reached, before the answer
# itself (经济…, 经常… are other words)
CONSULTED = re.compile(r"^经(?![济常营费验典销纪络贸])过?[^，,。；;]{0,30}(?:研究|沟通|联系|协商|商议|对接|会商|磋商|核实|"
                       r"协调|商定|讨论|调查|了解|咨询|请示|汇报|确认|查勘|勘察|查看|检查|审核|评估|论证|测算|衔接)(?:后)?$")
# 受理许可申请的人民政府作出批准决定的，…: a topic or condition ending in 的 (the gold never ends a measure so)
ENDS_IN_DE = re.compile(r"的$")
# 待条件具备后再行研究 / 待市政府批准后实施: the action waits on an event named inside its own clause (the gold
# never starts a measure with 待; 待…后，将尽快… keeps the measure after the comma)
WAITS_ON = re.compile(r"^待[^，,。；;]{1,30}?(?:后|之后|以后|时)")
# 建议：1、自发组织维护路面；2、申请纳入…项目 / 请您于周五前到窗口办理: what the citizen is advised to do, up to a
# full stop or a subject of this body's own (…，我局将…)
ADVICE = re.compile(r"建议[：:]|建议您|建议你|请您|您可以?")
ADVICE_ENDS = re.compile(r"。|！|？")
# 2025年政府工作的总体要求是：坚持…，完整准确全面贯彻新发展理念，…更好统筹发展和安全 / 做好政府工作，要以…思想
# 为指导，…坚持稳中求进工作总基调，…: the guiding principles of a work report (以…为指导，加强军队建设 stays)
GENERAL_REQUIREMENTS = re.compile(r"总体要求|为指导[^。]*总基调")


def clause_role(text: str, start: int, end: int) -> str | None:
    """Why doc text[start:end] (a trimmed measure) is not an action of this body, or None."""
    core = text[start:end]
    after = text[end:end + 1]
    if TIME_CLAUSE.search(core) and after in "，,":
        return "a time clause (…后，) that says when the next action happens, not an action"
    if CIRCUMSTANCE.match(core):
        return "a circumstance (随着…), not an action"
    if PURPOSE_LEAD.match(core) and after in "，,":
        return "a purpose clause (为解决…，), not an action"
    if PURPOSE_TAIL.match(core) and text[start - 1:start] in "，,":
        return "a purpose clause (…，以便…), not an action"
    if DESCRIPTION.match(core):
        return "a description of the object (总投资…, 占地面积…), not an action"
    if FRAMING_DOCUMENT.match(core) or (IN_THE_COURSE.match(core) and after in "，,") or ADDRESSED.match(core):
        return "a framing phrase (根据…的安排, 在…工作中, 针对…问题) with no action of its own"
    if PRINCIPLE.match(core):
        return "a principle (坚持…) or a count of aspects (从四个方面…), not an action"
    if BUDGET_CHANGE.match(core):
        return "a budget figure compared with last year's (比上年减少200亿元), not an action"
    if text[start - 2:start] == "这是":
        return "the complement of a copula (这是…的核心), not an action"
    if CONSULTED.match(core):
        return "how the answer was reached (经与…研究), not an action"
    if ENDS_IN_DE.search(core):
        return "a topic or a condition ending in 的 (…作出批准决定的，), not a whole measure"
    if WAITS_ON.match(core):
        return "an action that waits on an event or a condition (待…后…), not a commitment"
    if ASSIGNED_AGENT.match(core):
        return "an action assigned to a named agent (由…进行), not promised by this body"
    if cut_inside_word(text, end):
        return "ends inside a word or an amount: a cut clause, not a whole measure"
    line_from = max(text.rfind("\n", 0, start) + 1, start - REQUIREMENT_LOOKBACK)
    if REQUIREMENT_LIST.search(text, line_from, start):
        return "an item of a list of requirements (需提供下列资料：…), not a promise"
    if advised_to_the_citizen(text, line_from, start):
        return "advice to the citizen (建议：…, 请您…), not a promise of this body"
    sentence_from = sentence_start(text, start)
    if GENERAL_REQUIREMENTS.search(text, sentence_from, start):
        return "the general requirements of the year's work (总体要求是：…): guiding principles, not a measure"
    # the modal may end just before the span (应分别|在10个工作日内完成): the lookahead reads the span's first character
    if (QUOTED_RULE.search(text, sentence_from, start) or RULE_MODAL.search(core)
            or RULE_MODAL.search(text, clause_start(text, start), start + 1)):
        return "a clause of a quoted rule (…规定：…, 应当…), not a promise"
    if stated_by_another_party(text, sentence_from, start):
        return "another party's stated promise (…表示将…, 表态尽快…), not this body's"
    return None


def advised_to_the_citizen(text: str, line_from: int, start: int) -> bool:
    """An advice word earlier on the line with no full stop and no subject of this body's own between it and
    the measure."""
    advice = None
    for advice in ADVICE.finditer(text, line_from, start):
        pass
    return advice is not None and not ADVICE_ENDS.search(text, advice.end(), start) \
        and not OWN_SUBJECT.search(text, advice.end(), start)


def stated_by_another_party(text: str, sentence_from: int, start: int) -> bool:
    """A verb of promising earlier in the sentence whose clause names none of this body's own subjects,
    with no new promise (…，镇工作人员也将…) between it and the measure."""
    for m in STATED.finditer(text, sentence_from, start):
        said_by = text[clause_start(text, m.start()):m.start()]
        if not OWN_SUBJECT.search(said_by) and not NEW_PROMISE.search(text, m.end(), start):
            return True
    return False
