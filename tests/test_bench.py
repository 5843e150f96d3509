"""The batch benchmark on a handful of notices: it runs, measures, and prints its table."""

import importlib.util
import json

import pytest

from eval import bench


def test_repeat_gives_new_ids():
    texts = [{"id": "a", "text": "甲", "date": None}, {"id": "b", "text": "乙", "date": None}]
    out = bench.repeat(texts, 5)
    assert [t["id"] for t in out] == ["a#0", "b#0", "a#1", "b#1", "a#2"]
    assert [t["text"] for t in out] == ["甲", "乙", "甲", "乙", "甲"]


def test_batch_bench_small_run(tmp_path, capsys):
    pytest.importorskip("psutil")
    jionlp = importlib.util.find_spec("jionlp") is not None  # the yardstick is optional
    out = tmp_path / "bench.json"
    args = ["batch", "--notices", "12", "--workers", "1", "2", "-o", str(out)] + ([] if jionlp else ["--no-jionlp"])
    assert bench.main(args) == 0
    printed = capsys.readouterr().out
    assert "| system | workers | notices/s |" in printed and "12 notices" in printed
    result = json.loads(out.read_text(encoding="utf-8"))
    rows = result["rows"]
    assert [r["workers"] for r in rows[:2]] == [1, 2]
    assert all(r["notices_per_s"] > 0 and r["peak_mb"] > 0 for r in rows)
    assert "12 notices" in rows[0]["summary"]
    if jionlp:
        assert rows[-1]["system"].startswith("JioNLP") and rows[0]["vs_jionlp"] > 0
