"""Commitment matching (optimal one-to-one by measure overlap, ties) and the accuracies on matched pairs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from eval.commitments import match, score_commitments, score_notice, summarize
from eval.gold import gold_as_extraction, notice_from_markup
from extractor.schema import Commitment, Deadline, Quantity, TextSpan

MARKUP = ("下一步，我局将在<D k=by s=2025-06-18 e=2025-12-31>2025年底前</D><M>新建社区养老服务中心<Q v=12 u=个>12个</Q></M>，"
          "力争<D k=period s=2025-01-01 e=2025-12-31>全年</D><M>培训护理人员<Q v=800 u=人次 c=ge>不少于800人次</Q></M>；"
          "聚焦农村地区，<M>加快补齐养老设施短板</M>，从而提升服务可及性。")


@pytest.fixture(scope="module")
def gold():
    return notice_from_markup("t-1", MARKUP)


def _commitment(text, s, e, quantities=(), deadline=None):
    return Commitment(measure=TextSpan(start=s, end=e, text=text[s:e]), quantities=list(quantities), deadline=deadline)


def test_match_simple_and_no_overlap():
    assert match([(0, 10)], [(0, 10)]) == [(0, 0)]
    assert match([(0, 10)], [(10, 20)]) == []
    assert match([], [(0, 1)]) == [] and match([(0, 1)], []) == []


def test_match_is_optimal_not_greedy():
    # greedy by largest overlap would pair P0 with G0 (6 > 5) and leave P1 unmatched
    gold = [(0, 10), (10, 20)]
    pred = [(4, 15), (0, 5)]
    assert match(gold, pred) == [(0, 1), (1, 0)]


def test_match_ties_one_to_one():
    # two predictions overlap the one gold measure by 5 characters each: only one is matched,
    # the tighter one (higher IoU) wins
    assert match([(0, 10)], [(0, 5), (5, 10)]) == [(0, 0)]  # exact tie: the earlier one, deterministically
    assert match([(0, 10)], [(0, 5), (5, 12)]) == [(0, 0)]  # equal overlap, [0,5) has the higher IoU
    assert match([(0, 10)], [(0, 12), (0, 10)]) == [(0, 1)]
    # two gold measures equally overlapped by one prediction
    assert match([(0, 5), (5, 10)], [(3, 7)]) == [(0, 0)]


def test_perfect_prediction(gold):
    scores = score_commitments([gold.commitments], [gold_as_extraction(gold).commitments]).summary()
    assert scores["gold"] == scores["pred"] == scores["matched"] == 3
    for key in ("precision", "recall", "f1", "exact_f1", "target_value_acc", "target_unit_acc",
                "target_comparator_acc", "target_all_acc", "deadline_kind_acc", "deadline_start_acc",
                "deadline_end_acc", "deadline_all_acc", "quantified_right_share"):
        assert scores[key] == 1.0, key
    assert scores["deadline_spurious"] == 0


def test_empty_prediction(gold):
    scores = score_commitments([gold.commitments], [[]]).summary()
    assert scores["recall"] == 0.0 and scores["f1"] == 0.0 and scores["quantified_right_share"] == 0.0
    assert scores["target_all_acc"] is None  # no matched commitment to judge


def test_hand_computed_errors(gold):
    text = gold.text
    g1, g2, g3 = gold.commitments
    # 1: measure one character short, value right, unit wrong, deadline right
    q1 = g1.quantities[0]
    p1 = _commitment(text, g1.measure[0], g1.measure[1] - 1, [Quantity(
        start=q1.span[0], end=q1.span[1] - 1, text=text[q1.span[0]:q1.span[1] - 1], value=Decimal(12), unit="座")],
        Deadline(start=g1.deadline.span[0], end=g1.deadline.span[1], text=text[g1.deadline.span[0]:g1.deadline.span[1]],
                 kind="by", start_date=dt.date(2025, 6, 18), end_date=dt.date(2025, 12, 31)))
    # 2: exact measure, quantity right, deadline of the wrong kind and end
    q2 = g2.quantities[0]
    p2 = _commitment(text, *g2.measure, [Quantity(start=q2.span[0], end=q2.span[1], text=text[q2.span[0]:q2.span[1]],
                                                 value=Decimal(800), unit="人次", comparator=">=")],
                     Deadline(start=g2.deadline.span[0], end=g2.deadline.span[1],
                              text=text[g2.deadline.span[0]:g2.deadline.span[1]], kind="by",
                              start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 6, 30)))
    # 3: a deadline where gold has none; plus one spurious commitment that overlaps nothing
    p3 = _commitment(text, *g3.measure, [], p1.deadline)
    p4 = _commitment(text, 0, 3)
    c = score_notice(gold.commitments, [p4, p1, p2, p3])
    assert (c["gold"], c["pred"], c["matched"], c["exact_measure"]) == (3, 4, 3, 2)
    assert (c["target_gold"], c["target_value"], c["target_unit"], c["target_comparator"], c["target_all"]) == (
        2, 2, 1, 2, 1)
    assert (c["deadline_gold"], c["deadline_kind"], c["deadline_start"], c["deadline_end"], c["deadline_all"]) == (
        2, 1, 2, 1, 1)
    assert c["deadline_spurious"] == 1
    assert (c["quantified_gold"], c["quantified_right"]) == (2, 0)
    s = summarize(c)
    assert s["precision"] == pytest.approx(3 / 4) and s["recall"] == 1.0
    assert s["f1"] == pytest.approx(2 * 0.75 / 1.75)
    assert s["target_unit_acc"] == pytest.approx(0.5)


def test_range_needs_upper():
    g = notice_from_markup("t-2", "<M>新建学校<Q v=3 hi=5 u=所 c=range>三至五所</Q></M>。")
    q = g.commitments[0].quantities[0]

    def pred(upper):
        return [_commitment(g.text, *g.commitments[0].measure, [Quantity(
            start=q.span[0], end=q.span[1], text=g.text[q.span[0]:q.span[1]], value=Decimal(3), upper=upper,
            unit="所", comparator="range")])]

    assert score_notice(g.commitments, pred(Decimal(5)))["target_all"] == 1
    assert score_notice(g.commitments, pred(Decimal(6)))["target_all"] == 0
    assert score_notice(g.commitments, pred(Decimal(6)))["target_value"] == 1
