"""Error listing, reports and `commitments evaluate` end to end on a tiny gold folder built here."""

from __future__ import annotations

import json
import sys
import types

import pytest

from eval.gold import gold_as_extraction, load_gold, notice_from_markup
from eval.report import marked, to_html
from eval.score import error_listing
from eval.spans import score_doc
from extractor.cli import main
from extractor.io import write
from extractor.schema import Extraction, Span

NOTICES = {
    "n-1": "下一步，我局将在<D k=by s=2025-06-18 e=2025-12-31>年底前</D><M>新建社区养老服务中心<Q v=12 u=个>12个</Q></M>；"
           "<M>加快补齐养老设施短板</M>。",
    "n-2": "今后，<M>培训护理人员<Q v=800 u=人次 c=ge>不少于800人次</Q></M>，<D k=vague>尽快</D><M>出台建设规范</M>。",
    "n-3": "我们将<M>持续优化营商环境</M>。",
}


@pytest.fixture()
def gold_dir(tmp_path):
    root = tmp_path / "annotations"
    (root / "notices").mkdir(parents=True)
    for nid, markup in NOTICES.items():
        n = notice_from_markup(nid, markup)
        (root / "notices" / f"{nid}.json").write_text(n.model_dump_json(), encoding="utf-8")
    (root / "splits.json").write_text(json.dumps({"train": [], "dev": ["n-1", "n-2"], "test": ["n-3"]}),
                                      encoding="utf-8")
    return root


def _predictions(gold_dir, path, spoil=False):
    gold = load_gold(gold_dir)
    out = []
    for n in gold.notices:
        e = gold_as_extraction(n)
        if spoil and n.id == "n-1":
            e = e.model_copy(update={"spans": [s for s in e.spans if s.label != "QUANTITY"], "commitments": []})
        out.append(e)
    write(out, path, "jsonl")
    return path


def test_error_listing_kinds_and_markers():
    text = "下一步，将在年底前新建中心12个，扩大供给3000万元。"
    gold = [Span(start=6, end=9, label="DEADLINE"), Span(start=9, end=16, label="MEASURE"),
            Span(start=13, end=16, label="QUANTITY"), Span(start=17, end=21, label="MEASURE")]
    pred = [Span(start=9, end=15, label="MEASURE"), Span(start=13, end=16, label="DEADLINE"),
            Span(start=21, end=28, label="QUANTITY")]
    errors = error_listing("x", text, score_doc(gold, pred))
    kinds = sorted((e["kind"], e["label"]) for e in errors)
    assert kinds == [("boundary", "MEASURE"), ("missed", "DEADLINE"), ("missed", "MEASURE"),
                     ("spurious", "QUANTITY"), ("type", "DEADLINE")]
    boundary = next(e for e in errors if e["kind"] == "boundary")
    # the clause around the span, extended by the next clause while it is short
    assert marked(boundary) == "将在年底前⟦⟨新建中心12⟩个⟧，扩大供给3000万元"
    typed = next(e for e in errors if e["kind"] == "type")
    assert typed["gold"] == [[13, 16, "QUANTITY"]] and typed["pred"] == [[13, 16, "DEADLINE"]]
    assert "<b class=\"g\">⟦</b>" in marked(boundary, escape=True)


def test_load_gold_split(gold_dir):
    assert [n.id for n in load_gold(gold_dir, "dev").notices] == ["n-1", "n-2"]
    assert [n.id for n in load_gold(gold_dir / "notices").notices] == ["n-1", "n-2", "n-3"]


def test_cli_perfect_predictions(gold_dir, tmp_path, capsys):
    preds = _predictions(gold_dir, tmp_path / "perfect.jsonl")
    out = tmp_path / "report"
    rc = main(["evaluate", "--gold", str(gold_dir), "--split", "dev", "--system", str(preds), "-o", str(out),
               "--resamples", "50"])
    assert rc == 0
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    system = report["systems"]["perfect"]
    assert report["gold"]["notices"] == 2
    assert all(h["value"] == 1.0 for h in system["headlines"].values())
    assert all(system["spans"][g][sc]["f1"] == 1.0 for g in system["spans"] for sc in system["spans"][g])
    assert system["commitments"]["f1"] == 1.0 and system["errors"] == []
    assert "perfect" in capsys.readouterr().out
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page and "src=" not in page
    assert "<link" not in page


def test_cli_compare_and_error_listing(gold_dir, tmp_path, capsys):
    good = _predictions(gold_dir, tmp_path / "good.jsonl")
    bad = _predictions(gold_dir, tmp_path / "bad.jsonl", spoil=True)
    out = tmp_path / "cmp"
    rc = main(["evaluate", "--gold", str(gold_dir), "--compare", str(good), str(bad), "-o", str(out),
               "--resamples", "50"])
    assert rc == 0
    printed = capsys.readouterr().out
    assert "good" in printed and "bad" in printed and "Δ bad − good" in printed
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["comparisons"][0]["headlines"]["span.strict.QUANTITY"]["delta"] < 0
    assert report["systems"]["bad"]["spans"]["QUANTITY"]["strict"]["missed"] == 1
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "- missed QUANTITY `n-1`: 我局将在年底前新建社区养老服务中心⟦12个⟧\n" in md
    assert "missed" in to_html(report)


def test_cli_errors(gold_dir, tmp_path, capsys):
    assert main(["evaluate", "--gold", str(gold_dir), "--system", "nonsense"]) == 2
    assert "unknown system" in capsys.readouterr().err
    assert main(["evaluate", "--gold", str(tmp_path / "missing"), "--system", "rules"]) == 2
    assert main(["evaluate", "--gold", str(gold_dir)]) == 2


def test_cli_rules_smoke(gold_dir, tmp_path):
    out = tmp_path / "rules"
    assert main(["evaluate", "--gold", str(gold_dir), "--split", "dev", "--system", "rules", "-o", str(out),
                 "--resamples", "20"]) == 0
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["systems"]["rules"]["commitments"]["gold"] == 4


def test_predictions_with_other_text_are_refused(gold_dir, tmp_path, capsys):
    path = tmp_path / "shifted.jsonl"
    write([Extraction(notice_id="n-3", text="别的文本")], path, "jsonl")
    assert main(["evaluate", "--gold", str(gold_dir), "--system", str(path), "-o", str(tmp_path / "o")]) == 2
    assert "differs from the gold text" in capsys.readouterr().err


def test_missing_prediction_scored_empty(gold_dir, tmp_path):
    path = tmp_path / "partial.jsonl"
    write([gold_as_extraction(notice_from_markup("n-3", NOTICES["n-3"]))], path, "jsonl")
    out = tmp_path / "o"
    assert main(["evaluate", "--gold", str(gold_dir), "--system", str(path), "-o", str(out), "--resamples", "20"]) == 0
    system = json.loads((out / "report.json").read_text(encoding="utf-8"))["systems"]["partial"]
    assert any("no prediction" in n for n in system["notes"])
    assert system["spans"]["MEASURE"]["strict"]["missed"] == 4


def test_encoder_dispatch(monkeypatch):
    seen = {}
    fake = types.ModuleType("eval.encoder")
    fake.main = lambda argv: seen.setdefault("argv", argv) and 0
    monkeypatch.setitem(sys.modules, "eval.encoder", fake)
    import eval as eval_pkg

    monkeypatch.setattr(eval_pkg, "encoder", fake, raising=False)
    assert main(["evaluate", "encoder", "--model", "m", "--config", "c.yaml"]) == 0
    assert seen["argv"] == ["--model", "m", "--config", "c.yaml"]


def test_jionlp_unavailable_fails_clearly(gold_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "jionlp", None)  # makes `import jionlp` raise ImportError
    assert main(["evaluate", "--gold", str(gold_dir), "--compare", "rules", "jionlp", "-o", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "JioNLP cannot be imported" in err and "pip install jionlp" in err


def test_jionlp_baseline(gold_dir, tmp_path):
    pytest.importorskip("jionlp")
    out = tmp_path / "j"
    assert main(["evaluate", "--gold", str(gold_dir), "--split", "dev", "--compare", "rules", "jionlp",
                 "-o", str(out), "--resamples", "20"]) == 0
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    j = report["systems"]["jionlp"]
    assert j["headlines"]["span.strict.MEASURE"] is None and j["commitments"] is None
    assert j["spans"]["DEADLINE"]["strict"]["correct"] >= 1  # 年底前
    assert report["comparisons"][0]["headlines"]["commitment.f1"] is None


def test_model_without_checkpoint_fails_clearly(gold_dir, tmp_path, capsys):
    assert main(["evaluate", "--gold", str(gold_dir), "--system", "model", "--model-dir", str(tmp_path / "none"),
                 "-o", str(tmp_path / "o")]) == 2
    assert "no checkpoint" in capsys.readouterr().err


def test_span_lists_in_json(gold_dir, tmp_path):
    preds = _predictions(gold_dir, tmp_path / "bad.jsonl", spoil=True)
    out = tmp_path / "o"
    assert main(["evaluate", "--gold", str(gold_dir), "--split", "dev", "--system", str(preds), "-o", str(out),
                 "--resamples", "20"]) == 0
    lists = json.loads((out / "report.json").read_text(encoding="utf-8"))["systems"]["bad"]["span_lists"]
    assert lists["QUANTITY"]["missed"] == [["n-1", 21, 24]]  # 下一步，我局将在年底前新建社区养老服务中心|12个|
    assert len(lists["MEASURE"]["correct"]) == 4 and lists["MEASURE"]["spurious"] == []


def test_spans_beyond_the_text_are_dropped_with_a_note(gold_dir, tmp_path):
    n3 = notice_from_markup("n-3", NOTICES["n-3"])
    e = gold_as_extraction(n3).model_copy(update={"text": None, "spans": [Span(start=3, end=99, label="MEASURE")]})
    path = tmp_path / "long.jsonl"
    write([e], path, "jsonl")
    out = tmp_path / "o"
    assert main(["evaluate", "--gold", str(gold_dir), "--split", "test", "--system", str(path), "-o", str(out),
                 "--resamples", "20"]) == 0
    system = json.loads((out / "report.json").read_text(encoding="utf-8"))["systems"]["long"]
    assert any("beyond the notice text" in n for n in system["notes"])
    assert system["spans"]["MEASURE"]["strict"]["missed"] == 1
