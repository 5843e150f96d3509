"""Span scoring against hand-computed cases, and against nervaluate's own Evaluator."""

from __future__ import annotations

import random

import pytest
from nervaluate import Evaluator

from eval.spans import COUNT_FIELDS, GROUPS, SCENARIOS, prf, score_doc, score_spans
from extractor.labels import LAYERS
from extractor.schema import Span


def S(start: int, end: int, label: str) -> Span:
    return Span(start=start, end=end, label=label)


def counts(doc, group: str, scenario: str) -> dict[str, int]:
    return dict(zip(COUNT_FIELDS, doc.counts[group][scenario], strict=True))


# (case id, gold, pred, group, {scenario: (correct, incorrect, partial, missed, spurious)}), computed by hand
# from nervaluate's definitions.
CASES = [
    ("exact", [S(0, 5, "MEASURE")], [S(0, 5, "MEASURE")], "MEASURE",
     {"strict": (1, 0, 0, 0, 0), "exact": (1, 0, 0, 0, 0), "partial": (1, 0, 0, 0, 0), "ent_type": (1, 0, 0, 0, 0)}),
    ("boundary mismatch", [S(0, 5, "MEASURE")], [S(0, 4, "MEASURE")], "MEASURE",
     {"strict": (0, 1, 0, 0, 0), "exact": (0, 1, 0, 0, 0), "partial": (0, 0, 1, 0, 0), "ent_type": (1, 0, 0, 0, 0)}),
    ("type mismatch", [S(2, 4, "QUANTITY")], [S(2, 4, "DEADLINE")], "layer2",
     {"strict": (0, 1, 0, 0, 0), "exact": (1, 0, 0, 0, 0), "partial": (1, 0, 0, 0, 0), "ent_type": (0, 1, 0, 0, 0)}),
    ("partial overlap", [S(0, 4, "DEADLINE")], [S(2, 6, "DEADLINE")], "DEADLINE",
     {"strict": (0, 1, 0, 0, 0), "exact": (0, 1, 0, 0, 0), "partial": (0, 0, 1, 0, 0), "ent_type": (1, 0, 0, 0, 0)}),
    ("missed", [S(0, 3, "QUANTITY")], [], "QUANTITY",
     {sc: (0, 0, 0, 1, 0) for sc in SCENARIOS}),
    ("spurious", [], [S(0, 3, "QUANTITY")], "QUANTITY",
     {sc: (0, 0, 0, 0, 1) for sc in SCENARIOS}),
    # exclusive ends: [0,3) and [3,5) touch but do not overlap
    ("adjacent is not overlap", [S(0, 3, "QUANTITY")], [S(3, 5, "QUANTITY")], "QUANTITY",
     {sc: (0, 0, 0, 1, 1) for sc in SCENARIOS}),
]


@pytest.mark.parametrize(("gold", "pred", "group", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hand_computed(gold, pred, group, expected):
    doc = score_doc(gold, pred)
    for scenario, want in expected.items():
        assert tuple(doc.counts[group][scenario]) == want, scenario


def test_boundary_mismatch_scores():
    doc = score_doc([S(0, 5, "MEASURE")], [S(0, 4, "MEASURE")])
    assert prf(doc.counts["MEASURE"]["strict"], "strict")["f1"] == 0.0
    assert prf(doc.counts["MEASURE"]["partial"], "partial")["f1"] == pytest.approx(0.5)
    assert prf(doc.counts["MEASURE"]["ent_type"], "ent_type")["f1"] == 1.0


def test_type_mismatch_per_label():
    doc = score_doc([S(2, 4, "QUANTITY")], [S(2, 4, "DEADLINE")])
    assert counts(doc, "QUANTITY", "strict")["missed"] == 1
    assert counts(doc, "DEADLINE", "strict")["spurious"] == 1


def test_nested_layers_do_not_interfere():
    gold = [S(0, 10, "MEASURE"), S(3, 5, "QUANTITY"), S(0, 2, "DEADLINE")]
    doc = score_doc(gold, gold)
    for group in GROUPS:
        for scenario in SCENARIOS:
            c = counts(doc, group, scenario)
            assert c["incorrect"] == c["partial"] == c["missed"] == c["spurious"] == 0, (group, scenario)
    assert counts(doc, "all", "strict")["correct"] == 3
    # a QUANTITY predicted inside a gold MEASURE is never held against the MEASURE
    doc = score_doc(gold, [S(3, 5, "QUANTITY")])
    assert counts(doc, "QUANTITY", "strict")["correct"] == 1
    assert counts(doc, "MEASURE", "strict") == {"correct": 0, "incorrect": 0, "partial": 0, "missed": 1, "spurious": 0}
    assert counts(doc, "layer1", "partial")["partial"] == 0


def test_perfect_and_empty():
    gold = [[S(0, 10, "MEASURE"), S(3, 5, "QUANTITY"), S(0, 2, "DEADLINE")], [S(1, 4, "MEASURE")]]
    table = score_spans(gold, gold).table()
    assert all(table[g][sc][m] == 1.0 for g in GROUPS for sc in SCENARIOS for m in ("precision", "recall", "f1"))
    table = score_spans(gold, [[], []]).table()
    assert all(table[g][sc]["recall"] == 0.0 for g in GROUPS for sc in SCENARIOS)


def test_outcome_lists():
    gold = [S(0, 5, "MEASURE"), S(10, 12, "QUANTITY")]
    pred = [S(0, 4, "MEASURE"), S(20, 22, "QUANTITY")]
    doc = score_doc(gold, pred)
    assert doc.outcome["MEASURE"] == {"correct": [], "partial": [0], "spurious": [], "missed": []}
    assert doc.outcome["QUANTITY"] == {"correct": [], "partial": [], "spurious": [1], "missed": [1]}


def _random_layer(rng: random.Random, labels: tuple[str, ...], n: int = 60) -> list[Span]:
    spans, pos = [], rng.randint(0, 3)
    while pos < n:
        length = rng.randint(1, 6)
        if rng.random() < 0.6:
            spans.append(S(pos, pos + length, rng.choice(labels)))
        pos += length + rng.randint(0, 3)
    return spans


def test_matches_nervaluate_evaluator():
    """Our per-document loop gives exactly nervaluate.Evaluator's totals, per layer and per label."""
    rng = random.Random(7)
    for layer, labels in LAYERS.items():
        gold = [_random_layer(rng, labels) for _ in range(15)]
        pred = [_random_layer(rng, labels) for _ in range(15)]
        ours = score_spans(gold, pred)

        def ents(docs):
            return [[{"label": s.label, "start": s.start, "end": s.end - 1} for s in d] for d in docs]

        theirs = Evaluator(ents(gold), ents(pred), tags=list(labels), loader="dict").evaluate()
        for scenario in SCENARIOS:
            want = theirs["overall"][scenario]
            assert ours.totals(layer, scenario) == [getattr(want, f) for f in COUNT_FIELDS]
            assert prf(ours.totals(layer, scenario), scenario)["f1"] == pytest.approx(want.f1)
            for label in labels:
                if label in theirs["entities"]:
                    w = theirs["entities"][label][scenario]
                    assert ours.totals(label, scenario) == [getattr(w, f) for f in COUNT_FIELDS]
