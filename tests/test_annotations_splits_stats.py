"""Splits invariants (fixture and the real annotations/splits.json) and stats on a tiny fixture."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.annotations import splits, stats
from extractor.annotations.build import batches

ROOT = Path(__file__).resolve().parents[1]


def _batches(n_train: int = 40, n_test: int = 8) -> dict[str, str]:
    out = {f"tr-{i:03d}": f"train-{1 + i % 4}" for i in range(n_train)}
    out.update({f"te-{i:03d}": f"test-{1 + i % 2}" for i in range(n_test)})
    return out


def test_assign_is_deterministic_stratified_and_disjoint():
    batch_of = _batches()
    a, b = splits.assign(batch_of), splits.assign(dict(reversed(list(batch_of.items()))))
    assert a == b
    assert set(a["test"]) == {k for k in batch_of if k.startswith("te-")}
    for batch in ("train-1", "train-2", "train-3", "train-4"):
        members = [k for k, v in batch_of.items() if v == batch]
        assert sum(k in a["dev"] for k in members) == round(0.15 * len(members))
    assert splits.check(a, set(batch_of)) == []


def test_update_never_moves_an_assigned_notice():
    first = splits.assign(_batches(20, 4))
    later = splits.assign(_batches(40, 8), previous=first)
    for name in splits.SPLITS:
        assert set(first[name]) <= set(later[name])
    assert splits.check(later, set(_batches(40, 8))) == []


def test_check_reports_overlap_and_missing():
    bad = {"train": ["a", "b"], "dev": ["b"], "test": []}
    problems = splits.check(bad, {"a", "b", "c"})
    assert "b is in both train and dev" in problems and "c is in no split" in problems


def test_write_refuses_to_overwrite(tmp_path: Path):
    path = tmp_path / "splits.json"
    data = splits.write(path, _batches())
    assert data["counts"] == {k: len(data[k]) for k in splits.SPLITS}
    with pytest.raises(FileExistsError):
        splits.write(path, _batches())
    splits.write(path, _batches(), update=True)
    splits.write(path, _batches(), force=True)


def test_real_splits_cover_every_notice_once():
    path = ROOT / "annotations" / "splits.json"
    assert path.exists(), "the frozen annotations/splits.json is missing"
    data = json.loads(path.read_text(encoding="utf-8"))
    ids = {p.stem for p in (ROOT / "annotations" / "notices").glob("*.json")}
    assert splits.check(data, ids) == []
    batch_of = batches(ROOT / "annotations" / "src")
    assert all(batch_of[n].startswith("test-") for n in data["test"] if n in batch_of)
    assert not any(batch_of[n].startswith("test-") for n in data["train"] + data["dev"] if n in batch_of)


def _notice(nid: str, level: str, topic: str, spans: list, commitments: list) -> dict:
    return {"id": nid, "text": "x" * 600,
            "metadata": {"doc_date": "2024-01-01", "issuer": f"局{nid}", "level": level, "kind": "人大建议",
                         "topic": topic, "region": "某市"},
            "spans": spans, "commitments": commitments}


def test_stats_on_a_tiny_fixture():
    q = {"span": [5, 8], "value": 3, "unit": "个", "comparator": ">=", "role": "target"}
    d = {"span": [0, 3], "start": None, "end": None, "kind": "vague"}
    n1 = _notice("a", "city", "交通", [{"start": 0, "end": 3, "label": "DEADLINE"},
                                       {"start": 3, "end": 10, "label": "MEASURE"},
                                       {"start": 5, "end": 8, "label": "QUANTITY"},
                                       {"start": 12, "end": 20, "label": "MEASURE"}],
                 [{"measure": [3, 10], "quantities": [q], "deadline": d},
                  {"measure": [12, 20], "quantities": [], "deadline": d}])
    n2 = _notice("b", "district", "教育", [{"start": 1, "end": 9, "label": "MEASURE"}],
                 [{"measure": [1, 9], "quantities": [], "deadline": None}])
    text = stats.report([n1, n2], {"a": "train-1", "b": "test-1"}, {"a": "train", "b": "test"})
    lines = text.splitlines()
    assert any(line.split()[:3] == ["MEASURE", "3", "1.5"] for line in lines)
    assert any(line.split()[:2] == ["QUANTITY", "1"] for line in lines)
    assert any(line.split() == ["train-1", "1", "2", "1", "1", "600"] for line in lines)
    assert any(line.split() == ["vague", "1", "100.0%"] for line in lines)  # one distinct deadline span
    assert any(line.split() == [">=", "1", "100.0%"] for line in lines)
    assert any(line.split() == ["topics", "1", "1"] for line in lines)  # 教育 only in test
    assert "By level" in text and "By kind" in text and "Length (characters)" in text
