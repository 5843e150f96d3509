"""Offset invariants: whatever the input, every span and every text field points at its exact slice."""

import itertools
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.pipeline import Extractor
from extractor.rules.deadline import parse_deadline
from extractor.rules.quantity import parse_quantity
from extractor.schema import Notice

PIECES = ["下一步，", "我局将", "年底前", "新建", "社区养老服务中心", "12个", "，", "。", "；", "\n", "（一）", "一是",
          "力争", "2025年6月底前", "不少于1500人次", "3000万元", "“1+3”", "《方案（2025—2027年）》", "尽快", "0571-87654321",
          "第118号", "已", "聚焦", "从而", "三至五所", "5%左右", " ", "\u3000", "A", "1,200", "百亩级", "翻一番"]
texts = st.one_of(st.text(max_size=200), st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
EXTRACTOR = Extractor.load("rules")


@settings(max_examples=300, deadline=None)
@given(texts, st.one_of(st.none(), st.dates(date(2015, 1, 1), date(2030, 12, 31))))
def test_every_offset_points_at_its_text(text, anchor):
    result = EXTRACTOR.extract(Notice(id="h", text=text, date=anchor))
    for span in result.spans:
        assert 0 <= span.start < span.end <= len(text)
    for c in result.commitments:
        assert text[c.measure.start:c.measure.end] == c.measure.text
        for q in c.quantities:
            assert text[q.start:q.end] == q.text
        if c.deadline:
            assert text[c.deadline.start:c.deadline.end] == c.deadline.text
    for r in result.rejections:
        assert text[r.start:r.end] == r.text
    for layer in (("MEASURE",), ("QUANTITY", "DEADLINE")):
        spans = sorted((s for s in result.spans if s.label in layer), key=lambda s: s.start)
        assert all(a.end <= b.start for a, b in itertools.pairwise(spans)), "spans overlap within a layer"


@settings(max_examples=300, deadline=None)
@given(texts)
def test_parsers_never_raise(text):
    parse_quantity(text)
    parse_deadline(text, date(2025, 6, 1))
    parse_deadline(text, None)
