"""Spans from the token classifier's per-character probabilities: per layer, the most probable valid
BIO sequence (Viterbi over the layer's marginals, an I- only after a B- or I- of its label).

Taking the argmax of the product labels first splits a layer's probability among the other layer's
tags (保 at 0.30 B-MEASURE|O + 0.30 I-MEASURE|O loses to 0.35 O|O) and breaks spans into fragments
(障 | 食 | 全和主要农产品); on the dev splits the constrained decoding lifts the model's MEASURE strict
F1 from 0.776 to 0.837 on the real report sections and from 0.854 to 0.893 on the team's notices.
"""

from __future__ import annotations

import math

import numpy as np

from extractor.labels import LAYERS, PRODUCT_LABELS, bio_to_spans, layer_tags
from extractor.schema import Span

# Characters where a layer's O holds all but this much probability are taken as O without decoding, so
# the Python loop runs over the short unsure stretches only. A path through such a character would pay
# log(1e-4) there; on 66 real texts the result equalled a full Viterbi on all 671 spans.
SURE_O = 1e-4
_FLOOR = 1e-12


def _layer_columns(layer: str) -> tuple[list[str], np.ndarray]:
    tags = layer_tags(layer)
    part = 0 if layer == "layer1" else 1
    return tags, np.array([tags.index(label.split("|")[part]) for label in PRODUCT_LABELS])


_LAYERS = {layer: _layer_columns(layer) for layer in LAYERS}


def marginals(probs: np.ndarray, layer: str) -> np.ndarray:
    """(n, len(layer tags)) probabilities of the layer's own tags, summed over the other layer's."""
    tags, column = _LAYERS[layer]
    out = np.zeros((len(probs), len(tags)), dtype=np.float64)
    for j in range(len(tags)):
        out[:, j] = probs[:, column == j].sum(axis=1)
    return out


def _viterbi(logp: list[list[float]], tags: list[str]) -> list[int]:
    """Best valid tag path over one stretch (O = 0, then B-/I- pairs per label, as layer_tags orders them)."""
    k = len(tags)
    inside = {j: j - 1 for j in range(k) if tags[j].startswith("I-")}  # I-X -> its B-X column
    score = [logp[0][j] if j not in inside else -math.inf for j in range(k)]
    back: list[list[int]] = []
    for row in logp[1:]:
        best = max(range(k), key=score.__getitem__)
        step, new = [best] * k, [score[best] + row[j] for j in range(k)]
        for j, b in inside.items():
            prev = b if score[b] >= score[j] else j
            step[j], new[j] = prev, score[prev] + row[j]
        back.append(step)
        score = new
    path = [max(range(k), key=score.__getitem__)]
    for step in reversed(back):
        path.append(step[path[-1]])
    return path[::-1]


def layer_tags_of(probs: np.ndarray, layer: str) -> list[str]:
    """The layer's BIO tags: sure-O characters as O, every other stretch decoded with Viterbi."""
    tags, _ = _LAYERS[layer]
    m = marginals(probs, layer)
    out = ["O"] * len(m)
    unsure = np.flatnonzero(1.0 - m[:, 0] > SURE_O)
    if not len(unsure):
        return out
    cuts = np.flatnonzero(np.diff(unsure) > 1) + 1
    logp = np.log(np.maximum(m, _FLOOR))
    for run in np.split(unsure, cuts):
        a, b = int(run[0]), int(run[-1]) + 1
        for i, j in enumerate(_viterbi(logp[a:b].tolist(), tags)):
            out[a + i] = tags[j]
    return out


def decode(probs: np.ndarray) -> list[Span]:
    """Spans of both layers from (n, len(PRODUCT_LABELS)) probabilities, sorted by position."""
    spans = [s for layer in LAYERS for s in bio_to_spans(layer_tags_of(probs, layer))]
    return sorted(spans, key=lambda s: (s.start, s.end))
