"""Score systems against a gold set: every level at once, headline intervals, paired comparisons, and
the error listing. The result is a plain dict (``report.json``); ``report.py`` renders it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from eval import bootstrap
from eval import commitments as commitments_mod
from eval import spans as spans_mod
from eval import tokens as tokens_mod
from eval.gold import GoldSet, gold_spans
from eval.systems import SystemRun
from extractor.labels import LAYER_OF, LAYERS, SPAN_LABELS
from extractor.schema import Span
from extractor.segment import CLAUSE_END, clause_end

SPAN_GROUPS = (*SPAN_LABELS, "layer2", "all")
HEADLINE_SCENARIOS = ("strict", "partial")
OUTCOMES = ("correct", "partial", "missed", "spurious")  # nervaluate's lists, partial-overlap scenario, per label
CONTEXT_MAX = 160
CONTEXT_MIN = 16


def headline_keys() -> list[str]:
    return [f"span.{sc}.{g}" for sc in HEADLINE_SCENARIOS for g in SPAN_GROUPS] + ["commitment.f1"]


def headline_title(key: str) -> str:
    if key == "commitment.f1":
        return "commitment F1"
    _, scenario, group = key.split(".")
    name = {"layer2": "QUANTITY+DEADLINE", "all": "all labels"}.get(group, group)
    return f"{name} span F1 ({spans_mod.SCENARIO_TITLES[scenario]})"


def _applicable(key: str, run: SystemRun) -> bool:
    if key == "commitment.f1":
        return run.commitments
    group = key.split(".")[2]
    needed = SPAN_LABELS if group == "all" else LAYERS.get(group, (group,))
    return all(label in run.labels for label in needed)


@dataclass
class Scored:
    """One system's scores plus the per-notice count matrices the bootstraps resample."""

    run: SystemRun
    report: dict[str, Any]
    matrices: dict[str, tuple[np.ndarray, bootstrap.Metric]] = field(default_factory=dict)


def _metric_for(key: str) -> bootstrap.Metric:
    if key == "commitment.f1":
        return commitments_mod.f1_columns
    scenario = key.split(".")[1]
    return lambda sums: spans_mod.f1_columns(sums, scenario)


def _pred_spans(run: SystemRun, i: int, length: int) -> list[Span]:
    spans = list(run.extractions[i].spans)
    inside = [s for s in spans if s.end <= length]
    if len(inside) < len(spans):
        run.notes.append(f"{run.extractions[i].notice_id}: {len(spans) - len(inside)} predicted spans end beyond "
                         "the notice text; dropped")
    return inside


def clause_context(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause(s) around [start, end): from the previous clause break to the next one (and the clause
    after it while the context is shorter than CONTEXT_MIN, so that a bare deadline shows what it scopes)."""
    a = start
    while a > 0 and text[a - 1] not in CLAUSE_END:
        a -= 1
    b = max(clause_end(text, max(start, end - 1)), end)
    while b - a < CONTEXT_MIN and b < len(text) and text[b] not in "\n":  # a bare span: show the next clause
        b = clause_end(text, b + 1)
    if b - a > CONTEXT_MAX:  # a runaway clause (a long line without punctuation): keep the neighbourhood
        a, b = max(a, start - 40), min(b, end + 40)
    return a, b


def error_listing(notice_id: str, text: str, doc: spans_mod.DocSpanResult) -> list[dict[str, Any]]:
    """Missed, spurious, mis-bounded (boundary) and wrong-label (type) spans of one notice."""
    gold, pred, items = doc.gold, doc.pred, []
    missed = {label: list(doc.outcome[label]["missed"]) for label in SPAN_LABELS}
    for label in SPAN_LABELS:
        for pi in doc.outcome[label]["spurious"]:
            p = pred[pi]
            other = [gi for other_label in SPAN_LABELS if other_label != label
                     and LAYER_OF[other_label] == LAYER_OF[label]
                     for gi in missed[other_label] if gold[gi].start < p.end and p.start < gold[gi].end]
            if other:
                gi = other[0]
                missed[gold[gi].label].remove(gi)
                items.append(("type", label, [gold[gi]], [p]))
            else:
                items.append(("spurious", label, [], [p]))
        for pi in doc.outcome[label]["partial"]:
            p = pred[pi]
            overlapping = [g for g in gold if g.label == label and g.start < p.end and p.start < g.end]
            items.append(("boundary", label, overlapping, [p]))
    for label in SPAN_LABELS:
        items += [("missed", label, [gold[gi]], []) for gi in missed[label]]
    out = []
    for kind, label, g_spans, p_spans in items:
        every = g_spans + p_spans
        a, b = clause_context(text, min(s.start for s in every), max(s.end for s in every))
        out.append({
            "notice_id": notice_id, "kind": kind, "label": label,
            "gold": [[s.start, s.end, s.label] for s in g_spans],
            "pred": [[s.start, s.end, s.label] for s in p_spans],
            "context": [a, b], "text": text[a:b],
        })
    return sorted(out, key=lambda e: (e["context"][0], e["label"], e["kind"]))


def score_system(gold: GoldSet, run: SystemRun, resamples: int = bootstrap.DEFAULT_RESAMPLES,
                 seed: int = bootstrap.DEFAULT_SEED, indices: np.ndarray | None = None) -> Scored:
    notices = gold.notices
    if len(run.extractions) != len(notices):
        raise ValueError(f"system {run.name} returned {len(run.extractions)} results for {len(notices)} notices")
    g_docs = [gold_spans(n) for n in notices]
    p_docs = [_pred_spans(run, i, len(n.text)) for i, n in enumerate(notices)]
    lengths = [len(n.text) for n in notices]
    span_scores = spans_mod.score_spans(g_docs, p_docs)
    commit_scores = commitments_mod.score_commitments(
        [n.commitments for n in notices], [e.commitments for e in run.extractions])
    if indices is None:
        indices = bootstrap.resample_indices(len(notices), resamples, seed)

    matrices: dict[str, tuple[np.ndarray, bootstrap.Metric]] = {}
    headlines: dict[str, dict[str, float] | None] = {}
    for key in headline_keys():
        if key == "commitment.f1":
            matrix = commit_scores.matrix()
        else:
            _, scenario, group = key.split(".")
            matrix = span_scores.matrix(group, scenario)
        metric = _metric_for(key)
        matrices[key] = (matrix, metric)
        headlines[key] = (bootstrap.interval(matrix, metric, indices=indices).as_dict()
                          if _applicable(key, run) else None)

    errors = []
    span_lists: dict[str, dict[str, list]] = {label: {k: [] for k in OUTCOMES} for label in SPAN_LABELS}
    for n, doc in zip(notices, span_scores.docs, strict=True):
        errors += [e for e in error_listing(n.id, n.text, doc) if e["label"] in run.labels]
        for label, outcome in doc.outcome.items():
            for kind in OUTCOMES:
                spans = doc.gold if kind == "missed" else doc.pred
                span_lists[label][kind] += [[n.id, spans[i].start, spans[i].end] for i in outcome[kind]]
    report = {
        "name": run.name, "description": run.description, "labels": list(run.labels),
        "commitments_applicable": run.commitments, "notes": run.notes,
        "failed_notices": sum(1 for e in run.extractions if e.error),
        "headlines": headlines,
        "spans": span_scores.table(),
        "seqeval": tokens_mod.seqeval_scores(lengths, g_docs, p_docs),
        "chars": tokens_mod.char_scores(lengths, g_docs, p_docs),
        "commitments": commit_scores.summary() if run.commitments else None,
        "errors": errors,
        "span_lists": span_lists,
    }
    return Scored(run, report, matrices)


def compare(reference: Scored, other: Scored, indices: np.ndarray) -> dict[str, Any]:
    out: dict[str, Any] = {"a": reference.run.name, "b": other.run.name, "headlines": {}}
    for key in headline_keys():
        if not (_applicable(key, reference.run) and _applicable(key, other.run)):
            out["headlines"][key] = None
            continue
        (ma, metric), (mb, _) = reference.matrices[key], other.matrices[key]
        out["headlines"][key] = bootstrap.paired(ma, mb, metric, indices=indices).as_dict()
    return out


def gold_summary(gold: GoldSet) -> dict[str, Any]:
    counts = {label: 0 for label in SPAN_LABELS}
    for n in gold.notices:
        for s in n.spans:
            counts[s.label] += 1
    return {"source": gold.source, "split": gold.split, "split_source": gold.split_source,
            "notices": len(gold.notices), "spans": counts,
            "commitments": sum(len(n.commitments) for n in gold.notices)}


def evaluate(gold: GoldSet, runs: Sequence[SystemRun], resamples: int = bootstrap.DEFAULT_RESAMPLES,
             seed: int = bootstrap.DEFAULT_SEED) -> dict[str, Any]:
    """The whole report: every system scored, the first one compared with each of the others."""
    indices = bootstrap.resample_indices(len(gold.notices), resamples, seed)
    scored = [score_system(gold, run, indices=indices) for run in runs]
    return {
        "gold": gold_summary(gold),
        "settings": {"resamples": resamples, "seed": seed, "level": 0.95,
                     "headlines": {k: headline_title(k) for k in headline_keys()}},
        "systems": {s.run.name: s.report for s in scored},
        "comparisons": [compare(scored[0], s, indices) for s in scored[1:]],
    }
