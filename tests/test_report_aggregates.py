"""Report aggregates on hand-made notices: counts, shares, intervals, horizons, grouping keys, verbs."""

from __future__ import annotations

import math
from datetime import date

import pytest

from extractor.report.aggregates import ALL, aggregate, group_stats, unit_counts, verb_counts, wilson
from extractor.report.load import UNKNOWN, CommitmentFacts, NoticeFacts, district_key, group_keys
from extractor.report.verbs import OTHER, head_verb


def c(measure="推进项目", modality="firm", target=False, units=(), kind=None, end=None) -> CommitmentFacts:
    return CommitmentFacts(measure, modality, target, tuple(units), kind, end)


def notice(nid, district, commitments, day=date(2025, 6, 1), error=None) -> NoticeFacts:
    keys = {"district": district, "issuer": "某局", "level": "district", "year": str(day.year), "topic": "教育"}
    return NoticeFacts(nid, day, error, keys, "某局", list(commitments))


@pytest.fixture
def notices() -> list[NoticeFacts]:
    a = [
        notice("a1", "甲区", [c("新建学校3所", target=True, units=["所"], kind="by", end=date(2025, 12, 31)),
                             c("力争完成改造", modality="aspirational", kind="vague"),
                             c("探索新模式", modality="exploratory")]),
        notice("a2", "甲区", [c("新建公园2个", target=True, units=["个"], kind="period", end=date(2026, 6, 1)),
                             c("开展培训", units=["次"])]),   # 次 here only as a qualifier-like unit
        notice("a3", "甲区", []),
        notice("a4", "甲区", [c("推动立法")], error="extraction failed"),
    ]
    b = [notice("b1", "乙区", [c("会同有关部门开展检查", target=True, units=["个", "%"])])]
    return a + b


def test_wilson_known_values():
    low, high = wilson(5, 10)
    assert (round(low, 4), round(high, 4)) == (0.2366, 0.7634)
    low, high = wilson(0, 10)
    assert low == 0.0 and round(high, 4) == 0.2775
    low, high = wilson(10, 10)
    assert round(low, 4) == 0.7225 and high == 1.0
    assert wilson(0, 0) == (None, None)


def test_group_counts_and_shares(notices):
    groups, overall = aggregate(notices, "district", reps=200)
    assert [g.key for g in groups] == ["甲区", "乙区"]        # most notices first
    jia = groups[0]
    assert (jia.notices, jia.failed, jia.commitments) == (3, 1, 5)   # a4 failed: out of every number
    assert jia.per_notice == pytest.approx(5 / 3)
    assert (jia.shares["quantified"].k, jia.shares["quantified"].n) == (2, 5)
    assert jia.shares["dated"].k == 2 and jia.shares["vague"].k == 1 and jia.shares["hedged"].k == 2
    assert jia.shares["hedged"].value == pytest.approx(0.4)
    assert (jia.shares["hedged"].low, jia.shares["hedged"].high) == pytest.approx(wilson(2, 5))
    assert jia.caution and groups[1].caution                 # fewer than 5 notices
    assert overall.key == ALL and overall.notices == 4 and overall.failed == 1 and overall.commitments == 6
    assert jia.notice_ids == ["a1", "a2", "a3", "a4"]


def test_horizon_months(notices):
    jia = aggregate(notices, "district", reps=0)[0][0]
    months = sorted([(date(2025, 12, 31) - date(2025, 6, 1)).days / 30.4375,
                     (date(2026, 6, 1) - date(2025, 6, 1)).days / 30.4375])
    assert jia.horizons == pytest.approx(months)
    assert jia.horizon_n == 2 and jia.horizon_median == pytest.approx(sum(months) / 2)
    assert jia.horizon_q1 == pytest.approx(months[0] + 0.25 * (months[1] - months[0]))


def test_horizon_needs_a_notice_date():
    n = notice("x", "甲区", [c(kind="by", end=date(2025, 12, 31))])
    n.date = None
    g = group_stats("甲区", [n], reps=0)
    assert g.horizon_n == 0 and g.horizon_median is None and g.shares["dated"].k == 1


def test_units_and_verbs(notices):
    jia = aggregate(notices, "district", reps=0)[0][0]
    assert dict(jia.units) == {"所": 1, "个": 1, "次": 1}
    assert dict(jia.verbs) == {"新建": 2, "完成": 1, "探索": 1, "开展": 1}
    assert ("乙区", "开展", 1) in verb_counts(notices, "district")
    assert ("乙区", "%", 1) in unit_counts(notices, "district")


def test_bootstrap_is_deterministic_and_brackets_the_mean(notices):
    more = notices + [notice(f"c{i}", "甲区", [c()] * (i % 4)) for i in range(12)]
    first, second = aggregate(more, "district", reps=300), aggregate(more, "district", reps=300)
    assert first == second
    jia = first[0][0]
    assert jia.per_notice_low <= jia.per_notice <= jia.per_notice_high
    q = jia.shares["quantified"]
    assert q.cluster_low <= q.value <= q.cluster_high
    assert not jia.caution


def test_empty_group_and_all_failed():
    g = group_stats("甲区", [notice("f", "甲区", [c()], error="boom")], reps=100)
    assert g.notices == 0 and g.failed == 1 and g.per_notice is None
    assert g.shares["quantified"].value is None and g.shares["quantified"].low is None


def test_group_order_year_level_and_unknown_last():
    ns = [notice("1", UNKNOWN, [], day=date(2024, 1, 1)), notice("2", "x", [], day=date(2021, 1, 1)),
          notice("3", "x", [], day=date(2023, 1, 1))]
    for n, level in zip(ns, ["district", "province", "city"]):
        n.keys["level"] = level
    ns[0].keys["year"] = UNKNOWN
    assert [g.key for g in aggregate(ns, "year", reps=0)[0]] == ["2021", "2023", UNKNOWN]
    assert [g.key for g in aggregate(ns, "level", reps=0)[0]] == ["province", "city", "district"]
    assert [g.key for g in aggregate(ns, "district", reps=0)[0]] == ["x", UNKNOWN]


@pytest.mark.parametrize("region, expected", [
    ({"province": "浙江省", "city": "杭州市", "district": "西湖区"}, "浙江省杭州市西湖区"),
    ({"city": "深圳市", "district": "南山区"}, "深圳市南山区"),
    ("江苏省苏州市吴中区", "江苏省苏州市吴中区"),
    ("四川省成都市", "四川省成都市"),
    ("北京市朝阳区", "北京市朝阳区"),
    ("", None), (None, None), ({}, None),
])
def test_district_key(region, expected):
    assert district_key(region) == expected


def test_group_keys_from_metadata():
    keys = group_keys(date(2024, 3, 1), {"signature_body": "某区教育局", "region": {"district": "某区"},
                                         "level": "district"})
    assert keys == {"district": "某区", "issuer": "某区教育局", "level": "district", "year": "2024",
                    "topic": UNKNOWN}
    assert group_keys(None, {"doc_date": "2022-05-06"})["year"] == "2022"
    assert group_keys(None, {})["year"] == UNKNOWN


@pytest.mark.parametrize("measure, verb", [
    ("会同有关部门开展联合检查", "开展"),          # the preposition 会同 is skipped
    ("按照“一街一策”要求优化网点设置", "优化"),
    ("在全区推广互联网诊疗", "推广"),
    ("力争新建学校3所", "新建"),
    ("建立健全长效机制", "建立健全"),          # longest verb at one position
    ("1至5月", OTHER),
])
def test_head_verb(measure, verb):
    assert head_verb(measure) == verb


def test_shares_are_fractions(notices):
    for g in aggregate(notices, "district", reps=50)[0]:
        for s in g.shares.values():
            if s.n:
                assert 0 <= s.low <= s.value <= s.high <= 1
                assert not math.isnan(s.value)
