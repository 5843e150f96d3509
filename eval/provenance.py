"""Provenance check: no sentence of a real corpus document is stored in the repository.

    python -m eval.provenance --corpus ../shared/corpus            # run by .ci/run after `make test`

The real gold (annotations/real and its second pass) is standoff: offsets and a fingerprint only. This
check joins every annotated document with the corpus and fails (exit 1) when any run of RUN characters
of an annotated region (whitespace ignored, at least MIN_CJK of them Chinese) occurs in a file that git
tracks. A missing corpus is an error (exit 2), not a pass.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

RUN = 20
MIN_CJK = 8
GOLD_DIRS = (Path("annotations/real"), Path("annotations/real-agreement/second_pass"))
_SPACE = re.compile(r"\s+")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Hit:
    path: str
    line: int
    doc: str
    run: str


def _squeeze(text: str) -> str:
    return _SPACE.sub("", text)


def _runs(text: str) -> Iterator[tuple[int, str]]:
    for i in range(len(text) - RUN + 1):
        window = text[i:i + RUN]
        if len(_CJK.findall(window)) >= MIN_CJK:
            yield i, window


def index_documents(documents: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Every qualifying run of every (key, text) document -> the first document key holding it."""
    index: dict[str, str] = {}
    for key, text in documents:
        for _, window in _runs(_squeeze(text)):
            index.setdefault(window, key)
    return index


def scan_text(name: str, text: str, index: dict[str, str]) -> list[Hit]:
    """Hits of ``index`` in one file's text: one per document and file, at the first line it occurs."""
    squeezed, lines = [], []
    for number, line in enumerate(text.splitlines(), 1):
        part = _squeeze(line)
        squeezed.append(part)
        lines.extend([number] * len(part))
    flat = "".join(squeezed)
    hits: dict[str, Hit] = {}
    for i, window in _runs(flat):
        doc = index.get(window)
        if doc is not None and doc not in hits:
            hits[doc] = Hit(name, lines[i], doc, window)
    return list(hits.values())


def tracked_files(repo: Path) -> list[Path]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=repo, capture_output=True, check=True).stdout
    return [repo / p for p in out.decode("utf-8").split("\0") if p]


def annotated_regions(repo: Path, corpus: Path) -> Iterator[tuple[str, str]]:
    from extractor.annotations.standoff import Corpus, join, read_doc, standoff_files

    store = Corpus(corpus)
    for gold in GOLD_DIRS:
        for path in standoff_files(repo / gold):
            doc = read_doc(path)
            a, b = doc.region
            yield doc.key, join(doc, store, str(path))[a:b]


def check(repo: Path, corpus: Path) -> tuple[int, int, list[Hit]]:
    """(documents indexed, files scanned, hits)."""
    documents = list(annotated_regions(repo, corpus))
    index = index_documents(documents)
    hits, scanned = [], 0
    for path in tracked_files(repo):
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, IsADirectoryError, FileNotFoundError):
            continue  # binary (the checkpoint) or a tracked path removed from the worktree
        scanned += 1
        hits.extend(scan_text(str(path.relative_to(repo)), text, index))
    return len(documents), scanned, hits


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.provenance", description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpus"))
    parser.add_argument("--repo", type=Path, default=Path("."))
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"provenance: corpus folder {args.corpus} does not exist (give it with --corpus)", file=sys.stderr)
        return 2
    from extractor.annotations.standoff import StandoffError

    try:
        documents, scanned, hits = check(args.repo.resolve(), args.corpus)
    except StandoffError as exc:
        print(f"provenance: {exc}", file=sys.stderr)
        return 2
    for hit in hits:
        print(f"{hit.path}:{hit.line}: {RUN} characters of {hit.doc} ({hit.run})")
    print(f"provenance: {documents} annotated real documents, {scanned} tracked text files, "
          f"{len(hits)} copied runs", file=sys.stderr)
    return 1 if hits else 0


if __name__ == "__main__":
    sys.exit(main())
