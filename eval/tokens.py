"""Token-level scores, per layer: seqeval in strict IOB2 mode over one tag per character, and plain
character-level precision / recall / F1 (how many characters carry the right label).

Tags come from ``extractor.labels.spans_to_bio``, the same encoding the tagger is trained on.
"""

from __future__ import annotations

from collections.abc import Sequence

from seqeval.metrics import classification_report
from seqeval.scheme import IOB2

from extractor.labels import LAYERS, spans_to_bio
from extractor.schema import Span


def _f(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "tp": tp, "predicted": n_pred, "support": n_gold}


def seqeval_scores(texts_len: Sequence[int], gold_docs: Sequence[Sequence[Span]],
                   pred_docs: Sequence[Sequence[Span]]) -> dict[str, dict[str, dict[str, float]]]:
    """layer -> label (and ``micro avg``) -> precision, recall, f1, support (seqeval strict IOB2)."""
    out: dict[str, dict[str, dict[str, float]]] = {}
    for layer, labels in LAYERS.items():
        y_true = [spans_to_bio(n, g, layer) for n, g in zip(texts_len, gold_docs, strict=True)]
        y_pred = [spans_to_bio(n, p, layer) for n, p in zip(texts_len, pred_docs, strict=True)]
        report = {}
        if any(t != "O" for doc in y_true + y_pred for t in doc):  # seqeval warns on a layer with no entity
            report = classification_report(y_true, y_pred, mode="strict", scheme=IOB2, output_dict=True,
                                           zero_division=0)
        layer_out = {}
        for name in (*labels, "micro avg"):
            row = report.get(name, {"precision": 0.0, "recall": 0.0, "f1-score": 0.0, "support": 0})
            layer_out[name] = {"precision": float(row["precision"]), "recall": float(row["recall"]),
                               "f1": float(row["f1-score"]), "support": int(row["support"])}
        out[layer] = layer_out
    return out


def char_scores(texts_len: Sequence[int], gold_docs: Sequence[Sequence[Span]],
                pred_docs: Sequence[Sequence[Span]]) -> dict[str, dict[str, float]]:
    """label -> character-level precision / recall / F1 (each layer's labels on their own tags)."""
    totals = {label: [0, 0, 0] for labels in LAYERS.values() for label in labels}
    for n, g, p in zip(texts_len, gold_docs, pred_docs, strict=True):
        for layer in LAYERS:
            gt, pt = spans_to_bio(n, g, layer), spans_to_bio(n, p, layer)
            for a, b in zip(gt, pt, strict=True):
                ga, pb = a[2:], b[2:]
                if ga and ga == pb:
                    totals[ga][0] += 1
                if pb:
                    totals[pb][1] += 1
                if ga:
                    totals[ga][2] += 1
    return {label: _f(*t) for label, t in totals.items()}
