"""Standoff gold over the real corpus (``../shared/corpus``): offsets, labels and values only, never text.

A file ``annotations/real/<source stem>/<key>.json``::

    {"key": "reply-R123", "source": "citizen_message_replies.jsonl", "id": "R123", "region": [0, 390],
     "sha256": "<hex of the record's full text, UTF-8>", "anchor": "2018-08-30", "genre": "reply",
     "annotator": "R3", "spans": [{"start", "end", "label"}], "commitments": [...]}

Offsets index the record's FULL text (the region start is added); commitments have the form of
``annotations/notices`` (annotations/README.md). ``load_real`` joins the files with the corpus and returns
``GoldNotice`` objects whose text is the annotated region ``text[a:b]`` and whose offsets are relative to
that region (``metadata.region`` gives ``a``, so full-text offset = offset + a). ``build_real`` makes the
files from the annotators' inline markup (``<markup>/<ANNOTATOR>/<key>.txt`` listed in ``DONE.txt``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from extractor.annotations.model import Genre, GoldCommitment, GoldNotice, GoldSpan, NonEmpty
from extractor.annotations.source import split_front_matter
from extractor.markup import parse

# Primary annotators (W3-W6: the dev-2 batch of report sections; R5-R8, R9-R12, R13-R17: batches 3, 4 and 5 of replies); W2 is the
# blind second pass.
PRIMARY = ("R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15", "R16", "R17", "W1", "W3", "W4", "W5", "W6")
SECOND_PASS = ("W2",)
SPLITS_FILE = "splits.json"
SPLITS = ("train", "dev", "test")


class StandoffError(ValueError):
    pass


class StandoffDoc(BaseModel):
    """One standoff gold file. Unknown keys are rejected; there is no field that could hold corpus text."""
    model_config = ConfigDict(extra="forbid")

    key: str = Field(pattern=r"^\w[\w.-]*$")
    source: NonEmpty
    id: NonEmpty
    region: tuple[int, int]
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    anchor: dt.date
    genre: Genre
    annotator: NonEmpty
    spans: list[GoldSpan]
    commitments: list[GoldCommitment]


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------------------------- corpus
class Corpus:
    """Records of the corpus files under ``root``, read lazily per file; ids that occur twice are kept
    apart (they name no record: asking for one is an error)."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self._files: dict[str, tuple[dict[str, str], set[str]]] = {}

    def _load(self, source: str) -> tuple[dict[str, str], set[str]]:
        if source not in self._files:
            path = self.root / source
            if not path.is_file():
                raise StandoffError(f"corpus file {path} does not exist (give the corpus folder with --corpus)")
            texts: dict[str, str] = {}
            dupes: set[str] = set()
            with path.open(encoding="utf-8") as fh:
                for line in fh:
                    if not line.strip():
                        continue
                    rec = json.loads(line)
                    rid = str(rec.get("id"))
                    if rid in texts:
                        dupes.add(rid)
                    texts[rid] = rec.get("text", "")
            self._files[source] = (texts, dupes)
        return self._files[source]

    def text(self, source: str, rid: str) -> str:
        texts, dupes = self._load(source)
        if rid in dupes:
            raise StandoffError(f"record id {rid!r} occurs more than once in {self.root / source}: ambiguous")
        if rid not in texts:
            raise StandoffError(f"record {rid!r} is not in {self.root / source}")
        return texts[rid]


# ------------------------------------------------------------------------------------------ conversion
def _shift(obj: Any, delta: int) -> Any:
    """Commitment record with every offset pair moved by ``delta``."""
    c = json.loads(json.dumps(obj, default=str))
    c["measure"] = [c["measure"][0] + delta, c["measure"][1] + delta]
    for q in c["quantities"]:
        q["span"] = [q["span"][0] + delta, q["span"][1] + delta]
    if c.get("deadline"):
        d = c["deadline"]
        d["span"] = [d["span"][0] + delta, d["span"][1] + delta]
    return c


def to_notice(doc: StandoffDoc, full_text: str, split: str | None = None) -> GoldNotice:
    """The GoldNotice of a standoff document: text = the region, offsets relative to it."""
    a, b = doc.region
    data = doc.model_dump(mode="json")
    return GoldNotice.model_validate({
        "id": doc.key, "text": full_text[a:b],
        "metadata": {"doc_date": doc.anchor.isoformat(), "genre": doc.genre, "source": doc.source,
                     "record_id": doc.id, "region": [a, b], "annotator": doc.annotator, "split": split},
        "spans": [{"start": s["start"] - a, "end": s["end"] - a, "label": s["label"]} for s in data["spans"]],
        "commitments": [_shift(c, -a) for c in data["commitments"]],
    })


def standoff_files(gold_dir: Path) -> list[Path]:
    """``<gold_dir>/<source stem>/*.json`` (the splits file and other top-level files are not documents)."""
    gold_dir = Path(gold_dir)
    return sorted(gold_dir.glob("*/*.json"))


def read_doc(path: Path) -> StandoffDoc:
    try:
        return StandoffDoc.model_validate_json(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise StandoffError(f"{path}: not a valid standoff gold file: {exc}") from exc


def read_splits(gold_dir: Path) -> dict[str, str]:
    path = Path(gold_dir) / SPLITS_FILE
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {k: name for name in SPLITS for k in data.get(name, [])}


def join(doc: StandoffDoc, corpus: Corpus, where: str) -> str:
    """The record's full text, checked against the fingerprint."""
    try:
        text = corpus.text(doc.source, doc.id)
    except StandoffError as exc:
        raise StandoffError(f"{where}: {exc}") from exc
    if sha256(text) != doc.sha256:
        raise StandoffError(f"{where}: sha256 of record {doc.id!r} in {corpus.root / doc.source} is "
                            f"{sha256(text)[:12]}…, the gold file expects {doc.sha256[:12]}… (the corpus changed?)")
    a, b = doc.region
    if not 0 <= a < b <= len(text):
        raise StandoffError(f"{where}: region [{a}, {b}] is outside the record (length {len(text)})")
    return text


def notice_dict(notice: GoldNotice) -> dict[str, Any]:
    """A GoldNotice of the real gold as the plain dict the notice tools read (JSON types)."""
    data = notice.model_dump(mode="json", exclude={"notes"})
    data["metadata"] = {k: v for k, v in data["metadata"].items() if v is not None}
    return data


def load_real(gold_dir: Path, corpus: Path, split: str | None = None) -> list[GoldNotice]:
    """Real gold documents under ``gold_dir`` (``annotations/real``) joined with the corpus folder, as
    GoldNotice objects sorted by key (``metadata.split`` set from ``splits.json``), restricted to
    ``split`` when given. Raises StandoffError when a corpus file or record is missing or a fingerprint
    differs."""
    gold_dir, store = Path(gold_dir), Corpus(Path(corpus))
    split_of = read_splits(gold_dir)
    if split is not None and split not in SPLITS:
        raise StandoffError(f"unknown split {split!r}: use one of {', '.join(SPLITS)}")
    out = []
    for path in standoff_files(gold_dir):
        doc = read_doc(path)
        if split is not None and split_of.get(doc.key) != split:
            continue
        text = join(doc, store, str(path))
        try:
            out.append(to_notice(doc, text, split_of.get(doc.key)))
        except ValueError as exc:
            raise StandoffError(f"{path}: {exc}") from exc
    return sorted(out, key=lambda n: n.id)


def is_standoff_dir(path: Path) -> bool:
    """A folder of ``<source stem>/<key>.json`` files (not the annotations folder, which has notices/)."""
    path = Path(path)
    return path.is_dir() and not (path / "notices").is_dir() and bool(standoff_files(path))


def dump_doc(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


# ----------------------------------------------------------------------------------------------- build
@dataclass
class RealBuild:
    written: list[str] = field(default_factory=list)
    second_pass: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"built {len(self.written)} real gold documents, {len(self.second_pass)} second-pass "
                f"documents, removed {len(self.removed)} stale, {len(self.errors)} errors")


def done_files(folder: Path) -> list[Path]:
    done = folder / "DONE.txt"
    if not done.exists():
        return []
    names = [ln.strip() for ln in done.read_text(encoding="utf-8").splitlines()]
    return [folder / n for n in dict.fromkeys(n for n in names if n and not n.startswith("#"))]


def first_difference(a: str, b: str) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))


def markup_to_standoff(path: Path, corpus: Corpus) -> dict[str, Any]:
    raw = path.read_text(encoding="utf-8")
    meta, body = split_front_matter(raw, str(path))
    for k in ("key", "source", "id", "region", "anchor", "genre", "annotator"):
        if k not in meta:
            raise StandoffError(f"{path}: front matter lacks {k!r}")
    parsed = parse(body)
    a, b = (int(x) for x in meta["region"])
    full = corpus.text(str(meta["source"]), str(meta["id"]))
    want = full[a:b]
    got = parsed.text
    if got != want and got.endswith("\n") and got[:-1] == want:  # a final newline added by the editor
        got = got[:-1]
    if got != want:
        i = first_difference(got, want)
        raise StandoffError(f"{path}: text with tags stripped differs from the corpus region at offset {i} "
                            f"(record offset {a + i}; markup length {len(got)}, region length {len(want)})")
    anchor = meta["anchor"]
    anchor = anchor.isoformat() if isinstance(anchor, dt.date) else str(anchor)
    doc = {
        "key": str(meta["key"]), "source": str(meta["source"]), "id": str(meta["id"]), "region": [a, b],
        "sha256": sha256(full), "anchor": anchor, "genre": str(meta["genre"]),
        "annotator": str(meta["annotator"]),
        "spans": [{"start": s.start + a, "end": s.end + a, "label": s.label} for s in parsed.spans()],
        "commitments": [_shift(c, a) for c in parsed.commitments()],
    }
    if doc["key"] != path.stem:
        raise StandoffError(f"{path}: key {doc['key']!r} differs from the file name")
    StandoffDoc.model_validate(doc)
    return doc


def _write(target: Path, content: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() and target.read_text(encoding="utf-8") == content:
        return
    tmp = target.with_suffix(".json.tmp")
    tmp.write_text(content, encoding="utf-8")
    tmp.replace(target)


def build_real(markup: Path, corpus: Path, out: Path, second_out: Path | None = None,
               selection: Path | None = None) -> RealBuild:
    """Standoff JSON of every finished primary file (``DONE.txt``) into ``out/<source stem>/<key>.json``,
    second-pass files into ``second_out`` the same way; ``out/splits.json`` from ``selection``."""
    markup, out = Path(markup), Path(out)
    store = Corpus(Path(corpus))
    report = RealBuild()
    live: set[Path] = set()
    for name, target_root, bucket in ([(a, out, report.written) for a in PRIMARY]
                                      + [(a, second_out, report.second_pass) for a in SECOND_PASS]):
        if target_root is None:
            continue
        for path in done_files(markup / name):
            try:
                if not path.exists():
                    raise StandoffError(f"{path} is listed in DONE.txt but does not exist")
                doc = markup_to_standoff(path, store)
            except (ValueError, yaml.YAMLError, OSError) as exc:
                report.errors.append(str(exc) if str(path) in str(exc) else f"{path}: {exc}")
                continue
            target = Path(target_root) / Path(doc["source"]).stem / f"{doc['key']}.json"
            if target in live:
                report.errors.append(f"{path}: key {doc['key']} was already built from another annotator")
                continue
            live.add(target)
            _write(target, dump_doc(doc))
            bucket.append(doc["key"])
    for root in (out, second_out):
        if root is None or not Path(root).is_dir():
            continue
        for stale in sorted(Path(root).glob("*/*.json")):
            if stale not in live:
                stale.unlink()
                report.removed.append(str(stale))
    if selection is not None:
        write_splits(out / SPLITS_FILE, selection, set(report.written))
    return report


def write_splits(path: Path, selection: Path, annotated: set[str]) -> dict[str, Any]:
    """Frozen split of the annotated documents, copied from the selection (which drew it once, seeded)."""
    sel = json.loads(Path(selection).read_text(encoding="utf-8"))
    docs = sel["documents"]
    by_split: dict[str, list[str]] = {name: [] for name in SPLITS}
    by_genre: dict[str, dict[str, int]] = {}
    annotators: dict[str, int] = {}
    for d in docs:
        if d["key"] not in annotated:
            continue
        by_split[d["split"]].append(d["key"])
        g = by_genre.setdefault(d["genre"], {name: 0 for name in SPLITS})
        g[d["split"]] += 1
        annotators[d["annotator"]] = annotators.get(d["annotator"], 0) + 1
    data = {
        "version": 1,
        "seed": sel.get("seed"),
        "rule": ("by document, frozen at selection (/work/real_markup/selection.json, seeded draw "
                 f"{sel.get('seed')}; extra batch: {sel.get('extra_batch', 'none')}); only annotated documents "
                 "are listed; a document never moves"),
        "counts": {name: len(v) for name, v in by_split.items()},
        "counts_by_genre": by_genre,
        "annotators": dict(sorted(annotators.items())),
        **{name: sorted(v) for name, v in by_split.items()},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return data
