"""The real gold corpus: every notice in annotations/notices passes the validator (CI runs this)."""

from __future__ import annotations

from pathlib import Path

from extractor.annotations.validate import validate_paths

ROOT = Path(__file__).resolve().parents[1]
NOTICES = ROOT / "annotations" / "notices"


def test_whole_corpus_validates():
    assert len(list(NOTICES.glob("*.json"))) >= 120, "the committed gold corpus is missing"
    issues, n = validate_paths(NOTICES, ROOT / "annotations" / "src")
    errors = [str(i) for i in issues if i.severity == "error"]
    assert n > 0
    assert errors == [], f"{len(errors)} errors:\n" + "\n".join(errors[:50])


def test_every_source_is_built():
    sources = {p.stem for p in (ROOT / "annotations" / "src").glob("*.txt")}
    built = {p.stem for p in NOTICES.glob("*.json")}
    assert sources == built, f"run `commitments annotations build` (missing {sorted(sources - built)[:10]}, " \
                             f"stale {sorted(built - sources)[:10]})"
