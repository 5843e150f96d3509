"""The tagger registry and the one filter path: spans from any tagger meet the same rule filters.

Spans injected as if a model had proposed them must come out exactly as the rule tagger's own proposals
do (same kept spans, same rejection reasons), for every golden case and for known false positives."""

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from extractor.markup import parse
from extractor.pipeline import Extractor
from extractor.schema import Notice, Span, TagResult
from extractor.segment import Document
from extractor.taggers import NAMES, TAGGERS, load_tagger
from extractor.taggers.hybrid import HybridTagger
from extractor.taggers.rules import RuleTagger

CASES = [
    [part.strip() for part in line.split("|", 2)]
    for line in (Path(__file__).parent / "golden" / "rule_cases.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]


class InjectedTagger:
    """Stands in for a model: proposes fixed spans, as a token classifier would, with no rule context."""

    name = "model"

    def __init__(self, spans):
        self.spans = spans

    def __call__(self, doc: Document) -> TagResult:
        return TagResult(spans=[s.model_copy(update={"score": 0.9}) for s in self.spans])


class Silent:
    name = "model"

    def __call__(self, doc: Document) -> TagResult:
        return TagResult()


def _reasons(extraction):
    return {(r.start, r.end, r.label, r.reason) for r in extraction.rejections if r.label != "MEASURE"}


def _kept(extraction):
    return {(s.start, s.end, s.label) for s in extraction.spans}


def test_registry_names_every_tagger_and_refuses_unknown_ones():
    assert set(NAMES) == {"rules", "model", "hybrid"} == set(TAGGERS)
    assert isinstance(load_tagger("rules"), RuleTagger)
    with pytest.raises(ValueError, match="unknown tagger 'crf'"):
        load_tagger("crf")


def _filter_paths(spans):
    """The 'model' path (injected spans alone) and the 'hybrid' path (injected spans + rule proposals)."""
    return {"model": Extractor(InjectedTagger(spans)),
            "hybrid": Extractor(HybridTagger(InjectedTagger(spans), RuleTagger()))}


@pytest.mark.parametrize("case_id,anchor,markup", CASES, ids=[c[0] for c in CASES])
def test_golden_cases_through_every_filter_path(case_id, anchor, markup):
    gold = parse(markup)
    notice = Notice(id=case_id, text=gold.text, date=date.fromisoformat(anchor))
    rules = Extractor.load("rules").extract(notice)
    proposed = RuleTagger()(Document(gold.text, notice.date)).spans  # what the rules propose, pre-filter
    for name, extractor in _filter_paths(proposed).items():
        got = extractor.extract(notice)
        assert _kept(got) == _kept(rules), f"{name}: kept spans differ from the rule tagger's"
        # the hybrid sees each rule span twice (as the model's and as the rules'): the copy is an overlap
        reasons = {r for r in _reasons(got) if not r[3].startswith("overlaps a kept")}
        assert reasons == _reasons(rules), name
        assert ([c.model_dump(exclude={"score"}) for c in got.commitments]
                == [c.model_dump(exclude={"score"}) for c in rules.commitments]), name


# (id, anchor, text, injected spans as (surface, label) with the MEASURE first, the expected reason)
FALSE_POSITIVES = [
    ("ordinal", "2025-03-01", "下一步，将落实第5个项目。", [("落实第5个项目", "MEASURE"), ("5个", "QUANTITY")],
     "ordinal (第N)"),
    ("year-object", "2025-03-01", "下一步，将做好今年工作。", [("做好今年工作", "MEASURE"), ("今年", "DEADLINE")],
     "the year belongs to an object"),
    ("code", "2025-03-01", "下一步，将推广5G应用。", [("推广5G应用", "MEASURE"), ("5G", "QUANTITY")], None),
    ("quoted", "2025-03-01", "下一步，将实施“512”工程。", [("实施“512”工程", "MEASURE"), ("512", "QUANTITY")], None),
    ("title-years", "2025-03-01", "下一步，将落实《行动方案（2024—2026年）》。",
     [("落实《行动方案（2024—2026年）》", "MEASURE"), ("2024—2026年", "DEADLINE")], "inside a quoted name or a title"),
    ("frequency", "2025-03-01", "下一步，将每年开展评估。", [("每年开展评估", "MEASURE"), ("年", "DEADLINE")], None),
    ("past-date", "2025-03-01", "下一步，将在2023年底前完成改造。",
     [("完成改造", "MEASURE"), ("2023年底前", "DEADLINE")], "before the notice date"),
    ("outside-measure", "2025-03-01", "全市现有养老机构12家。下一步，将加强监管。",
     [("加强监管", "MEASURE"), ("12家", "QUANTITY")], "not inside a commitment measure"),
    ("no-measure-governed", "2025-03-01", "年底前。", [("年底前", "DEADLINE")], "governs no commitment measure"),
]


@pytest.mark.parametrize("case", FALSE_POSITIVES, ids=[c[0] for c in FALSE_POSITIVES])
@pytest.mark.parametrize("path", ["rules", "model", "hybrid"])
def test_false_positives_are_rejected_on_every_path(case, path):
    case_id, anchor, text, injected, reason = case
    notice = Notice(id=case_id, text=text, date=date.fromisoformat(anchor))
    spans = []
    for surface, label in injected:
        start = text.index(surface)
        spans.append(Span(start=start, end=start + len(surface), label=label))
    extractor = Extractor.load("rules") if path == "rules" else _filter_paths(spans)[path]
    got = extractor.extract(notice)
    layer2 = next(s for s in spans if s.label != "MEASURE")
    assert (layer2.start, layer2.end, layer2.label) not in _kept(got)
    if path != "rules":  # the injected span itself is rejected, with a reason
        rejected = [r for r in got.rejections if (r.start, r.end, r.label) == (layer2.start, layer2.end, layer2.label)]
        assert rejected and all(r.reason for r in rejected)
        if reason:
            assert any(reason in r.reason for r in rejected), [r.reason for r in rejected]


def test_model_measures_are_trimmed_and_checked_with_reasons():
    text = "一、主要做法\n感谢您对我们工作的支持。下一步，我局将在年底前新建社区食堂3个。"
    anchor = date(2025, 3, 1)
    injected = [Span(start=0, end=6, label="MEASURE"),  # a heading
                Span(start=text.index("感谢"), end=text.index("。"), label="MEASURE"),  # courtesy
                Span(start=text.index("我局"), end=len(text) - 1, label="MEASURE"),  # subject+modal+deadline inside
                Span(start=text.index("年底前"), end=text.index("年底前") + 3, label="DEADLINE")]
    got = Extractor(InjectedTagger(injected)).extract(Notice(id="t", text=text, date=anchor))
    measures = [text[s.start:s.end] for s in got.spans if s.label == "MEASURE"]
    assert measures == ["新建社区食堂3个"]
    reasons = {r.reason for r in got.rejections if r.label == "MEASURE"}
    assert "courtesy or thanks" in reasons and "a heading, not a measure" in reasons


def test_a_model_measure_keeps_the_verb_that_begins_with_a_modal_character():
    # 要求 is a verb, not the modal 要 + 求; 再次 an adverb, not the ordinal 再次 of a list
    text = "下一步，我局还将要求学校规范收费，近日将再次组织协调会。"
    injected = [Span(start=text.index("我局"), end=text.index("，近日"), label="MEASURE"),
                Span(start=text.index("将再次"), end=len(text) - 1, label="MEASURE")]
    got = Extractor(InjectedTagger(injected)).extract(Notice(id="t", text=text, date=date(2025, 3, 1)))
    assert [text[s.start:s.end] for s in got.spans if s.label == "MEASURE"] == ["要求学校规范收费", "再次组织协调会"]


def test_model_measures_cut_at_a_comma_without_an_action_are_rejected():
    text = "下一步，我局将会同各街道办事处，每年3月前完成学龄人口摸底；对用地紧张的片区，探索小而精的学校建设模式。"
    pieces = ["会同各街道办事处", "每年3月前", "完成学龄人口摸底", "对用地紧张的片区", "探索小而精的学校建设模式"]
    injected = [Span(start=text.index(p), end=text.index(p) + len(p), label="MEASURE") for p in pieces]
    got = Extractor(InjectedTagger(injected)).extract(Notice(id="t", text=text, date=date(2025, 3, 1)))
    assert [text[s.start:s.end] for s in got.spans if s.label == "MEASURE"] == ["完成学龄人口摸底",
                                                                               "探索小而精的学校建设模式"]
    reasons = {r.text: r.reason for r in got.rejections if r.label == "MEASURE"}
    assert reasons["会同各街道办事处"].startswith("a partner phrase")
    assert reasons["每年3月前"] == "a time expression, not a measure"
    assert reasons["对用地紧张的片区"].startswith("a condition")


def _assert_only_kept(text: str, pieces: dict[str, str], kept: list[str]) -> None:
    """Inject every piece and every kept clause as a model MEASURE: only the kept survive, and each piece is
    rejected with a reason that starts as given."""
    injected = [Span(start=text.index(p), end=text.index(p) + len(p), label="MEASURE") for p in [*pieces, *kept]]
    got = Extractor(InjectedTagger(injected)).extract(Notice(id="t", text=text, date=date(2025, 3, 1)))
    assert [text[s.start:s.end] for s in got.spans if s.label == "MEASURE"] == kept
    reasons = {r.text: r.reason for r in got.rejections if r.label == "MEASURE"}
    for piece, reason in pieces.items():
        assert reasons[piece].startswith(reason), (piece, reasons[piece])


def test_model_measures_in_clauses_of_another_role_are_rejected_with_reasons():
    # invented reply prose: each injected span is a clause a model proposed on real replies (batch 3)
    text = ("资金拨付到位后，我局将发放补贴。为妥善解决入学问题，县教育局将采取过渡办法，以便学生就近入学。"
            "该项目总投资1200万元。县公路局勘察后表示，将对该桥进行维修。根据施工合同规定：发包方应在3个月内审核完毕。"
            "申请救助需提供下列资料：申请报告；户口簿复印件。随着入住率的提高，配套将更加完善。由县规划办进行评审。"
            "下一步，我局将加大天然气使用宣传。")
    pieces = {"资金拨付到位后": "a time clause", "为妥善解决入学问题": "a purpose clause", "以便学生就近入学": "a purpose clause",
              "该项目总投资1200万元": "a description", "对该桥进行维修": "another party's stated promise",
              "发包方应在3个月内审核完毕": "a clause of a quoted rule", "户口簿复印件": "an item of a list of requirements",
              "随着入住率的提高": "a circumstance", "由县规划办进行评审": "an action assigned", "加大天然": "ends inside a word"}
    kept = ["发放补贴", "采取过渡办法"]
    _assert_only_kept(text, pieces, kept)


def test_model_measures_that_frame_wait_or_state_principles_are_rejected_with_reasons():
    # invented prose: each injected span is a clause a model proposed on real replies and work reports
    text = ("经与市财政局研究，我局将增设公交站台。该路段拓宽待规划调整获批后实施。"
            "今年政府工作的总体要求是：坚持稳中求进，更好统筹发展和安全。拟发行专项债券600亿元，比上年减少200亿元。"
            "针对审批环节多、时限长问题，将推行一窗受理。在实际执行中，将根据需要适度调整。这是深化改革的关键。"
            "有关办法规定，经营者有继续经营意愿的，应当督促其办理证照。建议：1、自发组织维护路面；2、申请纳入奖补项目。"
            "经区住建和开发商沟通，我局将增设防护网。高新技术企业总量突破1.8万家。"
            "受理后，两校应分别在10个工作日内完成核办。经与县水务部门衔接，我局将更换供水管道。根据县消防大队现场检查，将关停该网吧。")
    pieces = {"经与市财政局研究": "how the answer was reached", "待规划调整获批后实施": "an action that waits on an event",
              "更好统筹发展和安全": "the general requirements", "比上年减少200亿元": "a budget figure",
              "针对审批环节多、时限长问题": "a framing phrase", "在实际执行中": "a framing phrase",
              "深化改革的关键": "the complement of a copula", "督促其办理证照": "a clause of a quoted rule",
              "自发组织维护路面": "advice to the citizen", "申请纳入奖补项目": "advice to the citizen",
              "经区住建和开发商沟通": "how the answer was reached", "经营者有继续经营意愿的": "a topic or a condition",
              "突破1": "ends inside a word or an amount", "在10个工作日内完成核办": "a clause of a quoted rule",
              "经与县水务部门衔接": "how the answer was reached", "根据县消防大队现场检查": "a framing phrase"}
    kept = ["增设公交站台", "推行一窗受理", "增设防护网", "更换供水管道", "关停该网吧"]
    _assert_only_kept(text, pieces, kept)


def test_hybrid_takes_rule_recall_where_the_model_is_silent():
    text = "下一步，我局将在年底前新建社区食堂3个。"
    notice = Notice(id="t", text=text, date=date(2025, 3, 1))
    measure = text.index("新建")
    model_only = Extractor(InjectedTagger([Span(start=measure, end=len(text) - 1, label="MEASURE")]))
    hybrid = Extractor(HybridTagger(model_only.tagger, RuleTagger(), measures="model"))
    assert {s.label for s in model_only.extract(notice).spans} == {"MEASURE"}
    got = hybrid.extract(notice)
    assert {text[s.start:s.end] for s in got.spans} == {"新建社区食堂3个", "年底前", "3个"}
    assert got.commitments[0].deadline.end_date == date(2025, 12, 31)
    scores = {text[s.start:s.end]: s.score for s in got.spans}
    assert scores["新建社区食堂3个"] == 0.9 and scores["年底前"] == 1.0  # model spans keep the model's score
    silent = Extractor(HybridTagger(Silent(), RuleTagger(), measures="model")).extract(notice)
    assert silent.commitments == []  # MEASURE comes from the model: rule spans alone make no commitment


def test_hybrid_measure_policies_decide_who_goes_first():
    text = "下一步，我局将在年底前新建社区食堂3个。同时将组织开展养老服务培训。"
    notice = Notice(id="t", text=text, date=date(2025, 3, 1))
    # The model's measure is shorter than the rules' first one and it misses the second clause.
    learned = InjectedTagger([Span(start=text.index("新建"), end=text.index("3个"), label="MEASURE")])

    def measures(policy):
        got = Extractor(HybridTagger(learned, RuleTagger(), measures=policy)).extract(notice)
        return [text[s.start:s.end] for s in got.spans if s.label == "MEASURE"]

    assert measures("model") == ["新建社区食堂"]
    assert measures("model+rules") == ["新建社区食堂", "组织开展养老服务培训"]
    assert measures("rules+model") == ["新建社区食堂3个", "组织开展养老服务培训"]
    with pytest.raises(ValueError, match="unknown measure policy"):
        HybridTagger(learned, RuleTagger(), measures="both")


def test_hybrid_prefers_a_rule_span_that_holds_the_models_shorter_one():
    text = "下一步，我局将新增普惠托位2000个以上，从明年开始推行延时服务。"
    notice = Notice(id="t", text=text, date=date(2025, 3, 1))
    cut = [Span(start=text.index("2000"), end=text.index("以上"), label="QUANTITY"),  # the comparator cut off
           Span(start=text.index("明年"), end=text.index("明年") + 2, label="DEADLINE")]  # the frame cut off
    got = Extractor(HybridTagger(InjectedTagger(cut), RuleTagger())).extract(notice)
    layer2 = {s.label: text[s.start:s.end] for s in got.spans if s.label != "MEASURE"}
    assert layer2 == {"QUANTITY": "2000个以上", "DEADLINE": "从明年开始"}


def test_a_model_measure_cut_inside_a_word_reaches_its_clause_end_when_it_is_near():
    text = "下一步，将扩大人民民主，健全民主制度。"
    notice = Notice(id="t", text=text, date=date(2025, 3, 1))
    short = [Span(start=text.index("扩大"), end=text.index("主，"), label="MEASURE"),  # stops before 主
             Span(start=text.index("健全"), end=text.index("制度"), label="MEASURE")]  # two short
    got = Extractor(HybridTagger(InjectedTagger(short), RuleTagger(), measures="model")).extract(notice)
    assert [text[s.start:s.end] for s in got.spans if s.label == "MEASURE"] == ["扩大人民民主", "健全民主制度"]
    cut = "下一步，将扩大" + "人" * 30 + "民主。"
    far = [Span(start=cut.index("扩大"), end=cut.index("扩大") + 5, label="MEASURE")]  # the clause end is too far
    got = Extractor(HybridTagger(InjectedTagger(far), RuleTagger(), measures="model")).extract(
        Notice(id="t", text=cut, date=date(2025, 3, 1)))
    assert not [s for s in got.spans if s.label == "MEASURE"]
    assert next(r.reason for r in got.rejections if r.label == "MEASURE").startswith("ends inside a word")
    amount = "下一步，高新技术企业总量突破1.8万家。"
    inside_number = [Span(start=amount.index("高新"), end=amount.index(".8"), label="MEASURE")]  # stops at 1|.8
    got = Extractor(HybridTagger(InjectedTagger(inside_number), RuleTagger(), measures="model")).extract(
        Notice(id="t", text=amount, date=date(2025, 3, 1)))
    assert [amount[s.start:s.end] for s in got.spans if s.label == "MEASURE"] == ["高新技术企业总量突破1.8万家"]


# Invented plan prose of a work report: long, addressing no reader.
REPORT_SECTION = (
    "（三）推进城乡基础设施提质。今年，全市将新建改造城市道路120公里，更新供水管网300公里以上，推动老旧小区"
    "加装电梯500部。统筹推进县域商业体系建设，完善农村寄递物流网络，新增冷链仓储能力8万吨。加快城市更新，"
    "启动片区综合改造项目20个，建成口袋公园60个。深化放管服改革，推行高频事项免证办理，企业开办时间压缩至1个"
    "工作日以内。持续推进生态治理，完成矿山生态修复面积3000亩，空气质量优良天数比例稳定在88%以上。扎实办好"
    "民生实事，新增公办幼儿园学位1.2万个，改扩建中小学校35所，培训技能人才4万人次。\n"
    "（四）促进产业转型升级。实施制造业重点产业链培育行动，力争规上工业增加值增长6%左右，新增国家级专精特新"
    "企业30家。支持企业开展技术改造，全年实施技改项目400个以上。培育数字经济新业态，建设5G基站2000个，推动"
    "工业互联网平台服务企业超过1万家。壮大文旅消费，打造夜间消费集聚区10个，举办特色节会活动50场。")


def test_genre_tells_a_report_section_from_a_reply():
    from extractor.rules.genre import MIN_REPORT_CHARS, reads_as_report

    assert len(REPORT_SECTION) >= MIN_REPORT_CHARS and reads_as_report(REPORT_SECTION)
    assert not reads_as_report("您好！您反映的问题已收悉。" + REPORT_SECTION)  # a reply, however long
    assert not reads_as_report(REPORT_SECTION[:200])  # too short to tell: the reply policy


def test_hybrid_follows_the_model_on_a_report_and_the_rules_on_a_reply():
    text = REPORT_SECTION
    notice = Notice(id="r", text=text, date=date(2025, 1, 15))
    clause = "新建改造城市道路120公里"
    learned = InjectedTagger([Span(start=text.index(clause), end=text.index(clause) + len(clause), label="MEASURE")])

    def spans(**options):
        got = Extractor(HybridTagger(learned, RuleTagger(plan_odds=None), **options)).extract(notice)
        return [(s.label, text[s.start:s.end]) for s in got.spans if s.label != "DEADLINE"]

    assert spans() == [("MEASURE", clause)]  # the model's measure alone, no rule QUANTITY inside it
    cut = InjectedTagger(learned.spans + [Span(start=text.index("120"), end=text.index("120") + 1, label="QUANTITY")])
    got = Extractor(HybridTagger(cut, RuleTagger(plan_odds=None))).extract(notice)
    # the model's quantity stops inside the number (1|20公里): the rule span it overlaps is its fallback
    assert [text[s.start:s.end] for s in got.spans if s.label == "QUANTITY"] == ["120公里"]
    with_rule_quantities = spans(report_rule_quantities=True)
    assert ("QUANTITY", "120公里") in with_rule_quantities
    rule_led = spans(report_measures=None)  # one policy for every text: the rules' measures lead
    assert len([s for s in rule_led if s[0] == "MEASURE"]) > 5 and ("QUANTITY", "300公里以上") in rule_led
    reply = "您好！您反映的问题已收悉。" + text  # the same prose in a reply: the rule-led policy
    got = Extractor(HybridTagger(learned, RuleTagger(plan_odds=None))).extract(Notice(id="q", text=reply,
                                                                                      date=date(2025, 1, 15)))
    assert len([s for s in got.spans if s.label == "MEASURE"]) > 5
    assert "300公里以上" in {reply[s.start:s.end] for s in got.spans if s.label == "QUANTITY"}
    with pytest.raises(ValueError, match="unknown measure policy"):
        HybridTagger(learned, RuleTagger(), report_measures="rules")


def test_a_rules_only_extract_imports_neither_torch_nor_transformers(tmp_path):
    notice = tmp_path / "n.txt"
    notice.write_text("发文日期：2025-03-01\n下一步，我局将在年底前新建社区食堂3个。\n", encoding="utf-8")
    code = ("import sys; from extractor.cli import main; "
            f"rc = main(['extract', {str(notice)!r}, '-o', {str(tmp_path / 'o.jsonl')!r}, '--tagger', 'rules']); "
            "bad = [m for m in ('torch', 'transformers', 'training.pretrain') if m in sys.modules]; "
            "print('IMPORTED', bad); sys.exit(rc or (1 if bad else 0))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "IMPORTED []" in out.stdout


PLAN_EXCERPT = ("大力提振消费，加力扩围实施以旧换新政策，培育壮大新型消费业态，积极扩大有效投资，"
                "统筹用好超长期特别国债和地方政府专项债券，加快推进重大项目建设。")


def test_a_plan_paragraph_with_no_opener_is_forward_where_the_review_classifier_says_plan():
    from extractor.rules.filters import filter_spans, paragraph_odds

    doc = Document(PLAN_EXCERPT, date(2026, 1, 20))
    p = paragraph_odds(doc).probability(0)
    assert p is not None and p < 0.5  # invented plan prose: the classifier leans to plan, not review

    def measures(plan_odds):
        d = Document(PLAN_EXCERPT, date(2026, 1, 20))
        kept = filter_spans(d, RuleTagger(plan_odds=plan_odds)(d).spans).spans
        return [PLAN_EXCERPT[s.start:s.end] for s in kept if s.label == "MEASURE"]

    assert measures(None) == []  # no 下一步 / 今年工作安排 opener: background by default
    assert "加快推进重大项目建设" in measures(0.5)
    assert measures(p / 2) == []  # the threshold decides: a paragraph above it stays background
