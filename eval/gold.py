"""Read the gold corpus for scoring: notices of one split, validated against the gold notice model.

``--gold`` may name the annotations folder (``notices/*.json`` and ``splits.json`` inside), a folder of
notice JSON files, or one notice file. Where ``notices/`` holds no JSON yet but ``src/`` holds the markup
sources, the notices are built in memory from the sources (the same code as ``commitments annotations
build``), and where ``splits.json`` is not written yet, the split is computed by the same frozen rule as
``commitments annotations split``; both cases are announced on stderr.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from extractor.annotations import splits as splits_mod
from extractor.annotations.model import GoldNotice
from extractor.schema import Commitment, Deadline, Extraction, Notice, Quantity, Span, TextSpan

SPLITS = splits_mod.SPLITS


class GoldError(ValueError):
    pass


@dataclass
class GoldSet:
    notices: list[GoldNotice]
    split: str | None
    source: str  # where the notices came from, for the report
    split_source: str | None = None


def _warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def _from_json(paths: list[Path]) -> list[GoldNotice]:
    out = []
    for path in paths:
        try:
            out.append(GoldNotice.model_validate_json(path.read_text(encoding="utf-8")))
        except ValueError as exc:
            raise GoldError(f"{path}: not a valid gold notice: {exc}") from exc
    return out


def _from_sources(src: Path) -> list[GoldNotice]:
    from extractor.annotations.build import build_one, source_files

    out = []
    for path in source_files(src):
        try:
            out.append(GoldNotice.model_validate(build_one(path)))
        except ValueError as exc:
            raise GoldError(f"{path}: cannot build a gold notice: {exc}") from exc
    return out


def _split_ids(root: Path, split: str) -> tuple[set[str], str]:
    path = root / "splits.json"
    if path.exists():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise GoldError(f"{path} cannot be read as JSON: {exc}") from exc
        if not isinstance(data, dict) or split not in data:
            raise GoldError(f"{path} has no split {split!r}")
        return set(data[split]), str(path)
    src = root / "src"
    if src.is_dir():
        from extractor.annotations.build import batches

        try:
            assigned = splits_mod.assign(batches(src))
        except ValueError as exc:
            raise GoldError(f"no {path}, and the split cannot be computed from {src}: {exc}") from exc
        _warn(f"{path} does not exist: split {split!r} computed in memory by the frozen rule of "
              f"`commitments annotations split` from the batches in {src}")
        return set(assigned[split]), f"computed from {src} (splits.json not written yet)"
    raise GoldError(f"--split {split} needs {path} (write it with `commitments annotations split`)")


DEFAULT_CORPUS = Path("../shared/corpus")


def _load_standoff(path: Path, split: str | None, corpus: Path | None) -> GoldSet:
    from extractor.annotations.standoff import StandoffError, load_real

    corpus = corpus or (DEFAULT_CORPUS if DEFAULT_CORPUS.is_dir() else None)
    if corpus is None:
        raise GoldError(f"{path} is standoff gold over real text: give --corpus DIR (the folder of the corpus "
                        "JSON Lines files, e.g. ../shared/corpus) to join its text")
    try:
        notices = load_real(path, corpus, split)
    except (StandoffError, OSError) as exc:
        raise GoldError(str(exc)) from exc
    if not notices:
        raise GoldError(f"{path}: no standoff gold document" + (f" in split {split!r}" if split else ""))
    return GoldSet(notices, split, f"{path} (text joined from {corpus})",
                   str(path / "splits.json") if split else None)


def load_gold(path: Path, split: str | None = None, corpus: Path | None = None) -> GoldSet:
    """Gold notices under ``path``, restricted to ``split`` when given, sorted by id. A folder of standoff
    gold (``annotations/real``) is joined with the real text under ``corpus`` (default ../shared/corpus
    where it exists)."""
    from extractor.annotations.standoff import is_standoff_dir

    path = Path(path)
    if not path.exists():
        raise GoldError(f"{path} does not exist")
    if is_standoff_dir(path):
        return _load_standoff(path, split, corpus)
    root = None
    if path.is_file():
        notices, source = _from_json([path]), str(path)
    else:
        notices_dir = path / "notices" if (path / "notices").is_dir() else path
        root = path if notices_dir != path else path.parent
        files = sorted(notices_dir.glob("*.json"))
        if files:
            notices, source = _from_json(files), str(notices_dir)
        elif (root / "src").is_dir() and any((root / "src").glob("*.txt")):
            _warn(f"{notices_dir} holds no notice JSON: built the gold notices in memory from {root / 'src'} "
                  "(`commitments annotations build` writes them)")
            notices, source = _from_sources(root / "src"), f"{root / 'src'} (built in memory)"
        else:
            raise GoldError(f"no gold notice JSON files in {notices_dir}")
    split_source = None
    if split is not None:
        if split not in SPLITS:
            raise GoldError(f"unknown split {split!r}: use one of {', '.join(SPLITS)}")
        if root is None:
            raise GoldError("--split needs the annotations folder (with splits.json), not a single file")
        ids, split_source = _split_ids(root, split)
        unknown = ids - {n.id for n in notices}
        if unknown:
            _warn(f"{len(unknown)} notices of split {split!r} have no gold file: {', '.join(sorted(unknown)[:5])}"
                  + (" …" if len(unknown) > 5 else ""))
        notices = [n for n in notices if n.id in ids]
        if not notices:
            raise GoldError(f"split {split!r} holds no gold notice")
    seen: set[str] = set()
    for n in notices:
        if n.id in seen:
            raise GoldError(f"notice id {n.id} appears twice")
        seen.add(n.id)
    return GoldSet(sorted(notices, key=lambda n: n.id), split, source, split_source)


def gold_spans(notice: GoldNotice) -> list[Span]:
    return sorted((Span(start=s.start, end=s.end, label=s.label) for s in notice.spans),
                  key=lambda s: (s.start, s.end, s.label))


def as_notice(notice: GoldNotice) -> Notice:
    """The input a system sees: text, date and metadata, no annotations."""
    meta = notice.metadata.model_dump(mode="json")
    return Notice(id=notice.id, text=notice.text, date=notice.metadata.doc_date, source=notice.id, metadata=meta)


def notice_from_markup(notice_id: str, markup: str, doc_date: str = "2025-06-18") -> GoldNotice:
    """A gold notice written as inline markup (``extractor.markup``): for hand-computed test cases."""
    from extractor.markup import parse

    parsed = parse(markup)
    return GoldNotice.model_validate({
        "id": notice_id, "text": parsed.text,
        "metadata": {"doc_date": doc_date, "issuer": "测试局", "level": "city", "kind": "政协提案",
                     "topic": "测试", "region": "测试市"},
        "spans": [{"start": s.start, "end": s.end, "label": s.label} for s in parsed.spans()],
        "commitments": parsed.commitments(),
    })


def gold_as_extraction(notice: GoldNotice) -> Extraction:
    """The gold annotations in the prediction contract: a perfect prediction (for checks and tests)."""
    text = notice.text

    def piece(span: tuple[int, int]) -> dict:
        return {"start": span[0], "end": span[1], "text": text[span[0]:span[1]]}

    commitments = []
    for c in notice.commitments:
        d = c.deadline
        commitments.append(Commitment(
            measure=TextSpan(**piece(c.measure)),
            quantities=[Quantity(**piece(q.span), value=Decimal(str(q.value)),
                                 upper=None if q.upper is None else Decimal(str(q.upper)),
                                 unit=q.unit, comparator=q.comparator, role=q.role) for q in c.quantities],
            deadline=None if d is None else Deadline(**piece(d.span), kind=d.kind, start_date=d.start,
                                                     end_date=d.end, anchor=notice.metadata.doc_date)))
    return Extraction(notice_id=notice.id, date=notice.metadata.doc_date, text=text, spans=gold_spans(notice),
                      commitments=commitments)
