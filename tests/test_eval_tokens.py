"""Token-level scores: seqeval strict IOB2 per layer, and character-level counts, on hand-computed cases."""

from __future__ import annotations

import pytest

from eval.tokens import char_scores, seqeval_scores
from extractor.schema import Span


def S(start: int, end: int, label: str) -> Span:
    return Span(start=start, end=end, label=label)


GOLD = [S(0, 5, "MEASURE"), S(3, 5, "QUANTITY"), S(6, 8, "DEADLINE")]


def test_perfect_is_one():
    seq = seqeval_scores([10], [GOLD], [GOLD])
    assert all(r["f1"] == 1.0 for layer in seq.values() for r in layer.values())
    chars = char_scores([10], [GOLD], [GOLD])
    assert all(r["precision"] == r["recall"] == r["f1"] == 1.0 for r in chars.values())


def test_empty_has_zero_recall():
    seq = seqeval_scores([10], [GOLD], [[]])
    assert all(r["recall"] == 0.0 for layer in seq.values() for r in layer.values())
    assert all(r["recall"] == 0.0 for r in char_scores([10], [GOLD], [[]]).values())


def test_boundary_mismatch():
    # MEASURE 0-4 for gold 0-5: no strict IOB2 entity match; 4 of 5 characters right
    pred = [S(0, 4, "MEASURE"), S(3, 5, "QUANTITY"), S(6, 8, "DEADLINE")]
    seq = seqeval_scores([10], [GOLD], [pred])
    assert seq["layer1"]["MEASURE"]["f1"] == 0.0
    assert seq["layer2"]["QUANTITY"]["f1"] == 1.0
    chars = char_scores([10], [GOLD], [pred])
    assert chars["MEASURE"]["precision"] == 1.0
    assert chars["MEASURE"]["recall"] == pytest.approx(4 / 5)


def test_type_mismatch_in_layer2():
    pred = [S(0, 5, "MEASURE"), S(3, 5, "DEADLINE"), S(6, 8, "DEADLINE")]
    seq = seqeval_scores([10], [GOLD], [pred])
    assert seq["layer2"]["QUANTITY"]["recall"] == 0.0
    assert seq["layer2"]["DEADLINE"]["precision"] == pytest.approx(0.5)
    assert seq["layer2"]["micro avg"]["f1"] == pytest.approx(0.5)
    chars = char_scores([10], [GOLD], [pred])
    assert chars["DEADLINE"]["precision"] == pytest.approx(2 / 4)
