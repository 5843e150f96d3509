"""The review-paragraph classifier: the pure-Python scorer equals scikit-learn, the report structure gives
the labels, and the filters reject measures of a confident review paragraph from any tagger."""

from __future__ import annotations

from datetime import date

import pytest

from extractor.rules import review
from extractor.rules.filters import filter_spans
from extractor.rules.review import ReviewClassifier, paragraph_review_odds
from extractor.schema import Span
from extractor.segment import Document
from training.review_classifier import export, fit, report_paragraphs

# Invented paragraphs in the two registers of a work report.
REVIEW = ["一年来，全市经济运行稳中有进，地区生产总值增长5.1%，新增城镇就业12万人，完成老旧小区改造300个。",
          "过去一年，我们克服重重困难，新开工重点项目150个，建成保障性住房1.2万套，居民收入稳步增长。",
          "这一年，全省粮食产量再创新高，累计建成高标准农田80万亩，农村人居环境明显改善，群众获得感持续增强。"]
PLAN = ["加快建设现代化产业体系。实施制造业重点产业链提升行动，培育新能源汽车产业集群，推动规上企业数字化改造。",
        "持续保障和改善民生。新建社区养老服务中心20个，改造农村公路500公里，推进城市更新和老旧管网改造。",
        "深化重点领域改革。推进国资国企改革，优化营商环境，完善要素市场化配置机制，激发各类经营主体活力。"]


def test_the_scorer_gives_scikit_learns_probabilities():
    texts, labels = REVIEW * 3 + PLAN * 3, [1] * 9 + [0] * 9
    vectorizer, model = fit(texts, labels, c=4.0)
    scorer = ReviewClassifier.from_dict(export(vectorizer, model))
    for text in REVIEW + PLAN + ["其他  文本\n两行"]:
        assert scorer.probability(text) == pytest.approx(model.predict_proba(vectorizer.transform([text]))[0, 1],
                                                         abs=1e-5)


def test_the_shipped_classifier_reads_invented_paragraphs():
    model = review.classifier()
    assert model is not None, "extractor/rules/data/review_classifier.json ships with the package"
    assert all(model.probability(t) > 0.5 for t in REVIEW)
    assert all(model.probability(t) < 0.5 for t in PLAN)


def test_odds_are_smoothed_over_neighbours_and_short_lines_are_not_scored():
    odds = paragraph_review_odds([REVIEW[0], "二、2026年主要任务", PLAN[0]])
    assert odds[1] is None
    alone = paragraph_review_odds([REVIEW[0]])[0]
    assert odds[0] < alone  # pulled towards the plan paragraph after it


def test_report_structure_gives_the_labels_and_leaves_held_out_regions_out():
    text = ("各位代表：\n一、2025年工作回顾\n" + REVIEW[0] + "\n" + REVIEW[1] + "\n二、2026年工作安排\n"
            + PLAN[0] + "\n" + PLAN[1] + "\n")
    held = text.index(PLAN[1])
    paragraphs = report_paragraphs("r", text, excluded=[(held, held + 5)])
    assert [(p.text, p.review) for p in paragraphs] == [(REVIEW[0], True), (REVIEW[1], True), (PLAN[0], False)]
    assert report_paragraphs("r", PLAN[0], excluded=[]) == []  # no review heading: no labels


def _filtered(text: str, phrase: str):
    start = text.rindex(phrase)  # the last occurrence: the sentence under test
    return filter_spans(Document(text, date(2026, 1, 20)), [Span(start=start, end=start + len(phrase),
                                                                  label="MEASURE", score=0.99)])


def test_a_measure_in_a_review_paragraph_is_rejected_whoever_proposed_it():
    text = REVIEW[0] + "\n" + REVIEW[1] + "\n"
    out = _filtered(text, "完成老旧小区改造300个")
    assert out.spans == []
    assert "reviews past work" in out.rejections[0].reason


def test_a_future_cue_or_the_plan_year_keeps_the_measure():
    for sentence in ("下一步将完成老旧小区改造300个", "2026年完成老旧小区改造300个"):
        text = REVIEW[0] + "\n" + REVIEW[1] + sentence + "。\n"
        out = _filtered(text, "完成老旧小区改造300个")
        assert [text[s.start:s.end] for s in out.spans] == ["完成老旧小区改造300个"], sentence


def test_a_plan_paragraph_keeps_its_measures():
    out = _filtered(PLAN[1] + "\n" + PLAN[0], "新建社区养老服务中心20个")
    assert len(out.spans) == 1
