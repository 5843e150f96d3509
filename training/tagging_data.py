"""Training examples for the commitment tagger: gold notices cut into windows, tokens labelled through
the tokenizer's offset mapping.

Windows come from the one segmentation step (``extractor.segment.windows``: clause cuts, overlap, every
character covered), so training sees text cut the way inference cuts it. A token takes the product label
(``extractor.labels``) of its first character; special tokens get -100 and are ignored by the loss. A
tokenizer whose tokens span several characters (WordPiece: ``2025``, ``##年``) therefore still maps to
character offsets, and nothing is truncated: a window is cut to ``max_chars`` characters, and a window
that tokenizes to more tokens than the model takes is an error, not a silent cut.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from extractor.annotations.model import GoldNotice
from extractor.labels import LABEL2ID, spans_to_product
from extractor.schema import Span
from extractor.segment import windows

IGNORE = -100


@dataclass(frozen=True)
class Window:
    """One training window: its text, its product label per character, and where it came from."""

    source: str  # notice id
    start: int
    text: str
    labels: list[int]


def gold_spans(notice: GoldNotice) -> list[Span]:
    return [Span(start=s.start, end=s.end, label=s.label) for s in notice.spans]


def char_labels(text: str, spans: Iterable[Span]) -> list[int]:
    return [LABEL2ID[tag] for tag in spans_to_product(len(text), spans)]


def notice_windows(source: str, text: str, labels: list[int], max_chars: int, overlap: int) -> list[Window]:
    return [Window(source, a, text[a:b], labels[a:b]) for a, b in windows(text, max_chars, overlap)]


def gold_windows(notices: Iterable[GoldNotice], max_chars: int, overlap: int) -> list[Window]:
    out: list[Window] = []
    for notice in notices:
        out.extend(notice_windows(notice.id, notice.text, char_labels(notice.text, gold_spans(notice)),
                                  max_chars, overlap))
    return out


def encode(batch: list[Window], tokenizer, max_tokens: int) -> list[dict]:
    """Token ids and token labels of each window (labels through the offset mapping)."""
    enc = tokenizer([w.text for w in batch], return_offsets_mapping=True, truncation=False)
    out = []
    for w, ids, offsets in zip(batch, enc["input_ids"], enc["offset_mapping"], strict=True):
        if len(ids) > max_tokens:
            raise ValueError(f"{w.source}: a window at offset {w.start} tokenizes to {len(ids)} tokens, more "
                             f"than the model's {max_tokens}: lower max_chars")
        labels = [w.labels[s] if e > s else IGNORE for s, e in offsets]
        out.append({"input_ids": ids, "attention_mask": [1] * len(ids), "labels": labels})
    return out


def load_gold_source(kind: str, path: Path, split: str, corpus: Path | None = None,
                     genres: list[str] | None = None) -> list[GoldNotice]:
    """The notices of one split of a gold set: ``team`` (annotations folder) or ``standoff`` (real text,
    joined with ``corpus``; only ``genres`` where given)."""
    if kind == "standoff":
        from extractor.annotations.standoff import load_real

        notices = load_real(path, corpus, split)
        return notices if genres is None else [n for n in notices if n.metadata.genre in genres]
    from eval.gold import load_gold

    return load_gold(path, split).notices


def oversample(items: list, repeat: int) -> list:
    return [x for _ in range(repeat) for x in items]


def shuffled(items: list, seed: int) -> list:
    items = list(items)
    random.Random(seed).shuffle(items)
    return items
