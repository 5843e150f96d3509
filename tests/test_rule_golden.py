"""Golden inline-markup cases for the rule tagger and the quantity / deadline rules (one id per case)."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from extractor.markup import COMPARATORS, parse
from extractor.pipeline import Extractor
from extractor.rules.deadline import ParsedDeadline
from extractor.rules.filters import deadline_verdict
from extractor.rules.quantity import ParsedQuantity, parse_quantity
from extractor.schema import Notice
from extractor.segment import Document
from extractor.taggers.rules import tag

CASES = [
    [part.strip() for part in line.split("|", 2)]
    for line in (Path(__file__).parent / "golden" / "rule_cases.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]


def test_enough_cases():
    assert len(CASES) >= 80
    assert len({c[0] for c in CASES}) == len(CASES), "case ids must be unique"


@pytest.mark.parametrize("case_id,anchor,markup", CASES, ids=[c[0] for c in CASES])
def test_golden(case_id, anchor, markup):
    gold = parse(markup)
    anchor_date = date.fromisoformat(anchor)
    predicted = tag(gold.text, anchor_date)
    got = {(s.start, s.end, s.label, gold.text[s.start:s.end]) for s in predicted.spans}
    want = {(m.span.start, m.span.end, m.span.label, gold.text[m.span.start:m.span.end]) for m in gold.items}
    assert got == want, f"missing {want - got}, spurious {got - want}"
    for item in gold.items:
        surface = gold.text[item.span.start:item.span.end]
        if item.span.label == "QUANTITY":
            parsed = parse_quantity(surface)
            assert isinstance(parsed, ParsedQuantity), parsed
            assert parsed.value == Decimal(item.attrs["value"])
            assert parsed.unit == item.attrs["unit"]
            assert parsed.comparator == COMPARATORS[item.attrs.get("comparator", "eq")]
            if "upper" in item.attrs:
                assert parsed.upper == Decimal(item.attrs["upper"])
        elif item.span.label == "DEADLINE":
            # read in its context, as the product does (开学后一周内 counts from an event: vague)
            parsed = deadline_verdict(Document(gold.text, anchor_date), item.span.start, item.span.end)
            assert isinstance(parsed, ParsedDeadline), parsed
            assert parsed.kind == item.attrs["kind"]
            assert str(parsed.start) == item.attrs.get("start", "None")
            assert str(parsed.end) == item.attrs.get("end", "None")


ROLE_CASES = [c for c in CASES if "<Q" in c[2]]


@pytest.mark.parametrize("case_id,anchor,markup", ROLE_CASES, ids=[c[0] for c in ROLE_CASES])
def test_golden_quantity_roles(case_id, anchor, markup):
    """Roles come from assembly (pipeline), not the tagger: check them through the whole extractor."""
    gold = parse(markup)
    result = Extractor.load("rules").extract(Notice(id=case_id, text=gold.text, date=date.fromisoformat(anchor)))
    got = {(q.start, q.end): q.role for c in result.commitments for q in c.quantities}
    for item in gold.items:
        if item.span.label == "QUANTITY":
            assert got[(item.span.start, item.span.end)] == item.attrs.get("role", "target")
