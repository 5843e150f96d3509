"""Span-level scores: nervaluate's four scenarios, per label and per layer, with per-notice counts.

The scenarios are nervaluate's own strategy classes (``nervaluate.strategies``), run exactly as
``nervaluate.Evaluator`` runs them: per document, on all entities of a group and on each label alone.
We run them per *layer* rather than over all labels at once because MEASURE spans contain QUANTITY and
DEADLINE spans by design: pooled, a nested QUANTITY would be matched against the MEASURE around it and
counted as a type error. The ``all`` group is the sum of the two layers' counts.

- strict:   exact boundaries and the same label;
- exact:    exact boundaries, any label;
- partial:  any overlap counts half, any label;
- ent_type: any overlap, the same label.

nervaluate's entity ends are inclusive; ours are exclusive, so ``end - 1`` is passed on (otherwise two
adjacent spans would count as overlapping).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from nervaluate.entities import Entity
from nervaluate.strategies import EntityTypeEvaluation, ExactEvaluation, PartialEvaluation, StrictEvaluation

from extractor.labels import LAYERS, SPAN_LABELS
from extractor.schema import Span

SCENARIOS = ("strict", "exact", "partial", "ent_type")
SCENARIO_TITLES = {"strict": "strict", "exact": "exact boundary", "partial": "partial overlap",
                   "ent_type": "type"}
COUNT_FIELDS = ("correct", "incorrect", "partial", "missed", "spurious")
GROUPS = (*SPAN_LABELS, *LAYERS, "all")
_STRATEGIES = {"strict": StrictEvaluation, "exact": ExactEvaluation, "partial": PartialEvaluation,
               "ent_type": EntityTypeEvaluation}


def prf(counts: Sequence[float], scenario: str) -> dict[str, float]:
    """nervaluate's precision, recall and F1 from (correct, incorrect, partial, missed, spurious)."""
    c, i, p, m, s = counts
    actual, possible = c + i + p + s, c + i + p + m
    hit = c + 0.5 * p if scenario in ("partial", "ent_type") else c
    precision = hit / actual if actual > 0 else 0.0
    recall = hit / possible if possible > 0 else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "actual": actual, "possible": possible}


def f1_columns(sums: np.ndarray, scenario: str) -> np.ndarray:
    """Vectorised F1 over the last axis (correct, incorrect, partial, missed, spurious) — for bootstraps."""
    c, i, p, m, s = (sums[..., k].astype(float) for k in range(5))
    hit = c + 0.5 * p if scenario in ("partial", "ent_type") else c
    actual, possible = c + i + p + s, c + i + p + m
    precision = np.divide(hit, actual, out=np.zeros_like(hit), where=actual > 0)
    recall = np.divide(hit, possible, out=np.zeros_like(hit), where=possible > 0)
    total = precision + recall
    return np.divide(2 * precision * recall, total, out=np.zeros_like(hit), where=total > 0)


@dataclass
class DocSpanResult:
    """One notice: counts[group][scenario] = [correct, incorrect, partial, missed, spurious] and the
    per-label partial-scenario outcome of each span (indices into the sorted gold / predicted lists)."""

    gold: list[Span]
    pred: list[Span]
    counts: dict[str, dict[str, list[int]]]
    outcome: dict[str, dict[str, list[int]]] = field(default_factory=dict)


def _entities(spans: Sequence[Span]) -> list[Entity]:
    return [Entity(label=s.label, start=s.start, end=s.end - 1) for s in spans]


def sort_spans(spans: Sequence[Span]) -> list[Span]:
    return sorted(spans, key=lambda s: (s.start, s.end, s.label))


def score_doc(gold: Sequence[Span], pred: Sequence[Span]) -> DocSpanResult:
    gold, pred = sort_spans(gold), sort_spans(pred)
    counts: dict[str, dict[str, list[int]]] = {}
    outcome: dict[str, dict[str, list[int]]] = {}
    for layer, labels in LAYERS.items():
        for group, tags in [(layer, labels)] + [(label, (label,)) for label in labels]:
            # positions into the sorted gold / pred lists of the spans this group scores
            gpos = [k for k, s in enumerate(gold) if s.label in tags]
            ppos = [k for k, s in enumerate(pred) if s.label in tags]
            g, p = _entities([gold[k] for k in gpos]), _entities([pred[k] for k in ppos])
            counts[group] = {}
            for scenario, strategy in _STRATEGIES.items():
                result, idx = strategy().evaluate(g, p, list(tags))
                counts[group][scenario] = [getattr(result, f) for f in COUNT_FIELDS]
                if scenario == "partial" and group in SPAN_LABELS:
                    outcome[group] = {
                        "correct": [ppos[j] for _, j in idx.correct_indices],
                        "partial": [ppos[j] for _, j in idx.partial_indices],
                        "spurious": [ppos[j] for _, j in idx.spurious_indices],
                        "missed": [gpos[j] for _, j in idx.missed_indices],
                    }
    counts["all"] = {sc: [sum(counts[layer][sc][k] for layer in LAYERS) for k in range(5)] for sc in SCENARIOS}
    return DocSpanResult(gold, pred, counts, outcome)


@dataclass
class SpanScores:
    docs: list[DocSpanResult]

    def matrix(self, group: str, scenario: str) -> np.ndarray:
        """Per-notice counts, shape (notices, 5)."""
        return np.array([d.counts[group][scenario] for d in self.docs], dtype=np.int64).reshape(-1, 5)

    def totals(self, group: str, scenario: str) -> list[int]:
        return [int(x) for x in self.matrix(group, scenario).sum(axis=0)]

    def table(self) -> dict[str, dict[str, dict[str, float]]]:
        """group -> scenario -> counts and precision / recall / F1."""
        out: dict[str, dict[str, dict[str, float]]] = {}
        for group in GROUPS:
            out[group] = {}
            for scenario in SCENARIOS:
                totals = self.totals(group, scenario)
                out[group][scenario] = {**dict(zip(COUNT_FIELDS, totals, strict=True)), **prf(totals, scenario)}
        return out


def score_spans(gold_docs: Sequence[Sequence[Span]], pred_docs: Sequence[Sequence[Span]]) -> SpanScores:
    if len(gold_docs) != len(pred_docs):
        raise ValueError(f"{len(gold_docs)} gold documents but {len(pred_docs)} predicted")
    return SpanScores([score_doc(g, p) for g, p in zip(gold_docs, pred_docs, strict=True)])
