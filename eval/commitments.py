"""Commitment-level scores.

Predicted commitments are matched one-to-one to gold commitments by the overlap of their measures:
an optimal assignment (``scipy.optimize.linear_sum_assignment``) that maximises the total number of
overlapping characters; ties are broken by IoU (the tighter prediction wins), then by document order.
Pairs that do not overlap are never matched. On the matched pairs:

- target quantity: each gold ``target`` quantity is paired with a predicted ``target`` quantity of the
  same commitment (optimal assignment by span overlap, then the nearest one); value, unit, comparator
  and all three together (plus ``upper`` for ranges) are right or not. A gold target left unpaired is
  wrong on every field.
- deadline: for gold commitments with a deadline, kind, start and end are right or not (a predicted
  null is wrong); a predicted deadline on a gold commitment without one is counted as spurious.
- entirely right: a gold commitment with at least one target quantity whose match has every target
  quantity right, no extra predicted target, and the right deadline (both null, or kind, start and end
  equal). Its share is over all quantified gold commitments, matched or not.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import numpy as np
from scipy.optimize import linear_sum_assignment

from extractor.annotations.model import GoldCommitment, GoldQuantity
from extractor.schema import Commitment, Quantity

FIELDS = (
    "gold", "pred", "matched", "exact_measure",
    "target_gold", "target_value", "target_unit", "target_comparator", "target_all",
    "deadline_gold", "deadline_kind", "deadline_start", "deadline_end", "deadline_all", "deadline_spurious",
    "quantified_gold", "quantified_right",
)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def match(gold: Sequence[tuple[int, int]], pred: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Optimal one-to-one (gold index, pred index) pairs by character overlap; IoU breaks ties."""
    if not gold or not pred:
        return []
    n = min(len(gold), len(pred))
    weight = np.zeros((len(gold), len(pred)))
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            ov = _overlap(g, p)
            if ov:
                union = max(g[1], p[1]) - min(g[0], p[0])
                # the IoU term sums to < 1 over any assignment, so it never outweighs one character
                weight[i, j] = ov + (ov / union) / (n + 1)
    rows, cols = linear_sum_assignment(weight, maximize=True)
    return sorted((int(i), int(j)) for i, j in zip(rows, cols, strict=True) if weight[i, j] > 0)


def _same_number(a: float | Decimal | None, b: float | Decimal | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return Decimal(str(a)) == Decimal(str(b))


def _quantity_checks(g: GoldQuantity, p: Quantity | None) -> dict[str, bool]:
    if p is None:
        return {"value": False, "unit": False, "comparator": False, "all": False}
    value = _same_number(g.value, p.value)
    unit = g.unit == p.unit
    comparator = g.comparator == p.comparator
    upper = g.comparator != "range" or _same_number(g.upper, p.upper)
    return {"value": value, "unit": unit, "comparator": comparator, "all": value and unit and comparator and upper}


def _pair_quantities(gold: list[GoldQuantity], pred: list[Quantity]) -> list[Quantity | None]:
    if not gold or not pred:
        return [None] * len(gold)
    cost = np.zeros((len(gold), len(pred)))
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            ov = _overlap(tuple(g.span), (p.start, p.end))
            dist = abs(g.span[0] - p.start) + abs(g.span[1] - p.end)
            cost[i, j] = -ov * 1e6 + dist  # overlap first, then the nearest span
    rows, cols = linear_sum_assignment(cost)
    out: list[Quantity | None] = [None] * len(gold)
    for i, j in zip(rows, cols, strict=True):
        out[int(i)] = pred[int(j)]
    return out


def score_notice(gold: Sequence[GoldCommitment], pred: Sequence[Commitment]) -> dict[str, int]:
    c = dict.fromkeys(FIELDS, 0)
    c["gold"], c["pred"] = len(gold), len(pred)
    pairs = match([tuple(g.measure) for g in gold], [(p.measure.start, p.measure.end) for p in pred])
    matched = dict(pairs)
    c["matched"] = len(pairs)
    for gi, g in enumerate(gold):
        targets = [q for q in g.quantities if q.role == "target"]
        if targets:
            c["quantified_gold"] += 1
        if gi not in matched:
            continue
        p = pred[matched[gi]]
        c["exact_measure"] += tuple(g.measure) == (p.measure.start, p.measure.end)
        p_targets = [q for q in p.quantities if q.role == "target"]
        all_targets_right = len(p_targets) == len(targets)
        for gq, pq in zip(targets, _pair_quantities(targets, p_targets), strict=True):
            checks = _quantity_checks(gq, pq)
            c["target_gold"] += 1
            for key in ("value", "unit", "comparator", "all"):
                c[f"target_{key}"] += checks[key]
            all_targets_right &= checks["all"]
        gd, pd = g.deadline, p.deadline
        if gd is None:
            c["deadline_spurious"] += pd is not None
            deadline_right = pd is None
        else:
            c["deadline_gold"] += 1
            kind = pd is not None and pd.kind == gd.kind
            start = pd is not None and pd.start_date == gd.start
            end = pd is not None and pd.end_date == gd.end
            deadline_right = kind and start and end
            c["deadline_kind"] += kind
            c["deadline_start"] += start
            c["deadline_end"] += end
            c["deadline_all"] += deadline_right
        if targets and all_targets_right and deadline_right:
            c["quantified_right"] += 1
    return {k: int(v) for k, v in c.items()}


def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def summarize(totals: dict[str, int]) -> dict[str, float | int | None]:
    """P / R / F1 of commitments (overlap match and exact measure) and the accuracies on matched ones."""
    t = totals
    p = t["matched"] / t["pred"] if t["pred"] else 0.0
    r = t["matched"] / t["gold"] if t["gold"] else 0.0
    ep = t["exact_measure"] / t["pred"] if t["pred"] else 0.0
    er = t["exact_measure"] / t["gold"] if t["gold"] else 0.0
    return {
        **t,
        "precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
        "exact_precision": ep, "exact_recall": er, "exact_f1": 2 * ep * er / (ep + er) if ep + er else 0.0,
        **{f"target_{k}_acc": _ratio(t[f"target_{k}"], t["target_gold"])
           for k in ("value", "unit", "comparator", "all")},
        **{f"deadline_{k}_acc": _ratio(t[f"deadline_{k}"], t["deadline_gold"])
           for k in ("kind", "start", "end", "all")},
        "quantified_right_share": _ratio(t["quantified_right"], t["quantified_gold"]),
    }


class CommitmentScores:
    def __init__(self, per_notice: list[dict[str, int]]):
        self.per_notice = per_notice

    def matrix(self) -> np.ndarray:
        return np.array([[d[f] for f in FIELDS] for d in self.per_notice], dtype=np.int64).reshape(-1, len(FIELDS))

    def totals(self) -> dict[str, int]:
        return {f: int(sum(d[f] for d in self.per_notice)) for f in FIELDS}

    def summary(self) -> dict[str, float | int | None]:
        return summarize(self.totals())


def score_commitments(gold_docs: Sequence[Sequence[GoldCommitment]],
                      pred_docs: Sequence[Sequence[Commitment]]) -> CommitmentScores:
    if len(gold_docs) != len(pred_docs):
        raise ValueError(f"{len(gold_docs)} gold documents but {len(pred_docs)} predicted")
    return CommitmentScores([score_notice(g, p) for g, p in zip(gold_docs, pred_docs, strict=True)])


def f1_columns(sums: np.ndarray) -> np.ndarray:
    """Vectorised commitment F1 over the last axis (ordered as FIELDS) — for bootstraps."""
    g, p, m = (sums[..., FIELDS.index(k)].astype(float) for k in ("gold", "pred", "matched"))
    prec = np.divide(m, p, out=np.zeros_like(m), where=p > 0)
    rec = np.divide(m, g, out=np.zeros_like(m), where=g > 0)
    tot = prec + rec
    return np.divide(2 * prec * rec, tot, out=np.zeros_like(m), where=tot > 0)
