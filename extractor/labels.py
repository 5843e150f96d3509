"""The one label list: layers, BIO tags, and the product label set the token classifier predicts.

Training, inference and evaluation all import from here so they cannot drift apart.
Layer 1 holds MEASURE; layer 2 holds QUANTITY and DEADLINE, which may nest inside a MEASURE.
A character gets one product label ``"<layer1 tag>|<layer2 tag>"`` such as ``"I-MEASURE|B-QUANTITY"``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from extractor.schema import Span

LAYERS: dict[str, tuple[str, ...]] = {"layer1": ("MEASURE",), "layer2": ("QUANTITY", "DEADLINE")}
LAYER_OF: dict[str, str] = {label: layer for layer, labels in LAYERS.items() for label in labels}
SPAN_LABELS: tuple[str, ...] = ("MEASURE", "QUANTITY", "DEADLINE")


def layer_tags(layer: str) -> list[str]:
    return ["O"] + [f"{p}-{label}" for label in LAYERS[layer] for p in ("B", "I")]


PRODUCT_LABELS: list[str] = [f"{a}|{b}" for a in layer_tags("layer1") for b in layer_tags("layer2")]
LABEL2ID: dict[str, int] = {label: i for i, label in enumerate(PRODUCT_LABELS)}
ID2LABEL: dict[int, str] = dict(enumerate(PRODUCT_LABELS))


def spans_to_bio(length: int, spans: Iterable[Span], layer: str) -> list[str]:
    """Strict IOB2 tags of one layer for a text of ``length`` characters."""
    tags = ["O"] * length
    for span in sorted(spans, key=lambda s: s.start):
        if LAYER_OF[span.label] != layer:
            continue
        tags[span.start] = f"B-{span.label}"
        for i in range(span.start + 1, span.end):
            tags[i] = f"I-{span.label}"
    return tags


def bio_to_spans(tags: Sequence[str], scores: Sequence[float] | None = None) -> list[Span]:
    """Decode one layer's IOB2 tags; a stray I- starts a new span (lenient, like seqeval's default)."""
    spans: list[Span] = []
    start, label = None, None
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, name = tag.partition("-")
        continues = prefix == "I" and name == label
        if start is not None and not continues:
            score = min(scores[start:i]) if scores else 1.0
            spans.append(Span(start=start, end=i, label=label, score=float(score)))
            start, label = None, None
        if prefix in ("B", "I") and not continues:
            start, label = i, name
    return spans


def spans_to_product(length: int, spans: Iterable[Span]) -> list[str]:
    spans = list(spans)
    first, second = spans_to_bio(length, spans, "layer1"), spans_to_bio(length, spans, "layer2")
    return [f"{a}|{b}" for a, b in zip(first, second, strict=True)]


def product_to_spans(tags: Sequence[str], scores: Sequence[float] | None = None) -> list[Span]:
    first = [t.split("|")[0] for t in tags]
    second = [t.split("|")[1] for t in tags]
    return sorted(bio_to_spans(first, scores) + bio_to_spans(second, scores), key=lambda s: (s.start, s.end))
