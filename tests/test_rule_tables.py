"""Every rule-table entry carries examples and counter-examples; run them all."""

from datetime import date

import pytest

from extractor.markup import parse
from extractor.rules.deadline import DeadlineRejection, ParsedDeadline, parse_deadline
from extractor.rules.modality import modality
from extractor.rules.quantity import ParsedQuantity, QuantityRejection, parse_quantity
from extractor.rules.tables import table

UNIT_EXAMPLES = [(e["unit"], ex) for e in table("units")["units"] for ex in e.get("examples", [])]
UNIT_COUNTERS = [c for e in table("units")["units"] for c in e.get("counter", [])]
DEADLINE_EXAMPLES = [ex for t in table("deadlines")["terms"] for ex in t.get("examples", [])]
DEADLINE_COUNTERS = [c for t in table("deadlines")["terms"] for c in t.get("counter", [])]


@pytest.mark.parametrize("unit,text", UNIT_EXAMPLES, ids=[t for _, t in UNIT_EXAMPLES])
def test_unit_examples(unit, text):
    parsed = parse_quantity(text)
    assert isinstance(parsed, ParsedQuantity), parsed
    assert parsed.unit == unit


@pytest.mark.parametrize("text", UNIT_COUNTERS)
def test_unit_counter_examples(text):
    assert isinstance(parse_quantity(text), QuantityRejection)


@pytest.mark.parametrize("text,anchor,kind,start,end", DEADLINE_EXAMPLES, ids=[e[0] for e in DEADLINE_EXAMPLES])
def test_deadline_examples(text, anchor, kind, start, end):
    parsed = parse_deadline(text, date.fromisoformat(anchor))
    assert isinstance(parsed, ParsedDeadline), parsed
    assert (parsed.kind, str(parsed.start) if parsed.start else None, str(parsed.end) if parsed.end else None) == (
        kind, start, end)


@pytest.mark.parametrize("text", DEADLINE_COUNTERS + table("deadlines")["not_deadlines"])
def test_deadline_counter_examples(text):
    assert isinstance(parse_deadline(text, date(2025, 1, 1)), DeadlineRejection)


def test_relative_deadline_without_anchor_keeps_kind_but_no_dates():
    parsed = parse_deadline("年底前", None)
    assert isinstance(parsed, ParsedDeadline)
    assert parsed.kind == "by" and parsed.end is None and parsed.relative


def test_absolute_deadline_without_anchor_has_end_date():
    parsed = parse_deadline("2027年底前", None)
    assert parsed.end == date(2027, 12, 31)


def test_past_deadline_is_rejected_with_reason():
    parsed = parse_deadline("2023年底前", date(2025, 3, 1))
    assert isinstance(parsed, DeadlineRejection) and "before the notice date" in parsed.reason


MODALITY = table("modality")["examples"]


@pytest.mark.parametrize("markup,expected", MODALITY, ids=[m for m, _ in MODALITY])
def test_modality_examples(markup, expected):
    parsed = parse(markup)
    m = parsed.items[0].span
    assert modality(parsed.text[m.start:m.end], parsed.text[:m.start]) == expected


@pytest.mark.parametrize("text,value,unit,comparator", [
    ("千人以上", "1000", "人", ">="), ("亿元以上", "100000000", "元", ">="), ("超千亿元", "100000000000", "元", ">"),
    ("过百亿元", "10000000000", "元", ">"), ("500米范围内", "500", "米", "<="), ("最高不超过500万元", "5000000", "元", "<="),
    ("4吨/平方公里·月以下", "4", "吨/平方公里·月", "<="), ("500元/月", "500", "元/月", "="), ("不少于一半", "50", "%", ">="),
])
def test_scale_words_per_units_and_half(text, value, unit, comparator):
    parsed = parse_quantity(text)
    assert isinstance(parsed, ParsedQuantity), parsed
    assert (str(parsed.value), parsed.unit, parsed.comparator) == (value, unit, comparator)


@pytest.mark.parametrize("text", ["千家万户", "数千人", "百亿元", "一半"])
def test_scale_words_without_a_comparator_are_no_amount(text):
    assert isinstance(parse_quantity(text), QuantityRejection)
