"""End to end: `commitments extract examples/` in a subprocess, checked field by field."""

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def run_cli(*args, cwd=ROOT):
    """The CLI in a subprocess; extract runs the rule tagger unless a test names one (these tests are about
    ingest, output and errors; tests/test_shipped_model.py covers the default hybrid end to end)."""
    args = [*map(str, args)]
    if args[:1] == ["extract"] and "--tagger" not in args:
        args += ["--tagger", "rules"]
    return subprocess.run([sys.executable, "-m", "extractor.cli", *args], cwd=cwd, check=False,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def jsonl_output(tmp_path_factory):
    out = tmp_path_factory.mktemp("out") / "commitments.jsonl"
    proc = run_cli("extract", EXAMPLES, "-o", out)
    assert proc.returncode == 0, proc.stderr
    return proc, [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_summary_and_one_record_per_notice(jsonl_output):
    proc, records = jsonl_output
    assert "3 notices" in proc.stderr and "0 failed" in proc.stderr
    assert sorted(r["notice_id"] for r in records) == [
        "mianyang-swj-2024-0086", "nanshan-jyj-2025-0147", "zj-nynct-2025-0512"]


def test_record_fields_follow_the_output_contract(jsonl_output):
    _, records = jsonl_output
    for r in records:
        assert {"notice_id", "source", "date", "metadata", "error", "spans", "commitments"} <= set(r)
        assert r["error"] is None
        for c in r["commitments"]:
            assert set(c) >= {"measure", "quantities", "deadline", "modality", "section", "score"}
            for q in c["quantities"]:
                assert set(q) >= {"start", "end", "text", "value", "unit", "comparator", "role"}


def test_offsets_resolve_in_the_written_text(jsonl_output):
    _, records = jsonl_output
    for r in records:
        text = r["text"]
        for s in r["spans"]:
            assert 0 <= s["start"] < s["end"] <= len(text)
        for c in r["commitments"]:
            assert text[c["measure"]["start"]:c["measure"]["end"]] == c["measure"]["text"]
            for q in c["quantities"]:
                assert text[q["start"]:q["end"]] == q["text"]


def test_gb18030_notice_is_decoded_and_dated(jsonl_output):
    _, records = jsonl_output
    r = next(r for r in records if r["notice_id"] == "mianyang-swj-2024-0086")
    assert r["metadata"]["encoding"] == "gb18030"
    assert r["date"] == "2024-05-16"
    c = next(c for c in r["commitments"] if c["measure"]["text"] == "新建雨水泵站2座")
    assert c["quantities"][0]["value"] == 2 and c["quantities"][0]["unit"] == "座"
    assert c["deadline"]["text"] == "年底前"
    assert (c["deadline"]["kind"], c["deadline"]["start_date"], c["deadline"]["end_date"]) == (
        "by", "2024-05-16", "2024-12-31")


def test_district_reply_fields(jsonl_output):
    _, records = jsonl_output
    r = next(r for r in records if r["notice_id"] == "nanshan-jyj-2025-0147")
    assert r["metadata"]["issuer"] == "深圳市南山区教育局" and r["metadata"]["level"] == "district"
    c = next(c for c in r["commitments"] if c["measure"]["text"] == "新增公办学位6000个以上")
    assert c["quantities"][0]["comparator"] == ">=" and c["quantities"][0]["value"] == 6000
    assert c["deadline"]["text"] == "2025年底前" and c["deadline"]["end_date"] == "2025-12-31"
    assert c["section"] == ["二、下一步工作", "（一）加快学校建设"]
    explore = next(c for c in r["commitments"] if c["measure"]["text"].startswith("探索"))
    assert explore["modality"] == "exploratory"
    texts = [c["measure"]["text"] for c in r["commitments"]]
    assert not any("2024" in t for t in texts), "past achievements must not become commitments"


def test_province_record_money_and_scale(jsonl_output):
    _, records = jsonl_output
    r = next(r for r in records if r["notice_id"] == "zj-nynct-2025-0512")
    quantities = {q["text"]: q for c in r["commitments"] for q in c["quantities"]}
    assert quantities["60万亩以上"]["value"] == 600000 and quantities["60万亩以上"]["unit"] == "亩"
    assert quantities["百亩级"]["value"] == 100 and quantities["百亩级"]["role"] == "qualifier"
    assert quantities["3500元左右"]["comparator"] == "~"


def test_csv_and_parquet_one_row_per_commitment(tmp_path, jsonl_output):
    _, records = jsonl_output
    total = sum(len(r["commitments"]) for r in records)
    assert run_cli("extract", EXAMPLES, "-o", tmp_path / "c.csv").returncode == 0
    with (tmp_path / "c.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == total
    assert run_cli("extract", EXAMPLES, "-o", tmp_path / "c.parquet").returncode == 0
    table = pq.read_table(tmp_path / "c.parquet")
    assert table.num_rows == total and "deadline_end" in table.column_names


def test_bad_inputs_are_recorded_and_the_run_goes_on(tmp_path):
    shutil.copy(EXAMPLES / "nanshan-jyj-2025-0147.txt", tmp_path / "good.txt")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x00\xff" * 100)
    out = tmp_path / "o.jsonl"
    proc = run_cli("extract", tmp_path, tmp_path / "missing.txt", "-o", out)
    assert proc.returncode == 1
    assert "4 notices" in proc.stderr and "3 failed" in proc.stderr
    records = {r["notice_id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert records["empty"]["error"] == "empty file"
    assert "binary" in records["binary"]["error"]
    assert records["missing"]["error"] == "file not found"
    assert records["good"]["commitments"]


def test_no_date_warns_and_keeps_relative_deadlines(tmp_path):
    (tmp_path / "n.txt").write_text("下一步，我局将年底前新建社区养老服务中心12个。", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    proc = run_cli("extract", tmp_path / "n.txt", "-o", out)
    assert proc.returncode == 0 and "no notice date" in proc.stderr
    [record] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    deadline = record["commitments"][0]["deadline"]
    assert deadline["kind"] == "by" and deadline["end_date"] is None
    proc = run_cli("extract", tmp_path / "n.txt", "-o", out, "--anchor-date", "2025-03-01")
    [record] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert record["commitments"][0]["deadline"]["end_date"] == "2025-12-31"


def test_bad_anchor_date_is_a_usage_error(tmp_path):
    proc = run_cli("extract", EXAMPLES, "-o", tmp_path / "o.jsonl", "--anchor-date", "31/12/2025")
    assert proc.returncode == 2 and "not an ISO date" in proc.stderr


def test_workers_give_the_same_output_and_no_progress_bar_in_logs(tmp_path):
    serial, parallel = tmp_path / "s.jsonl", tmp_path / "p.jsonl"
    assert run_cli("extract", EXAMPLES, "-o", serial).returncode == 0
    proc = run_cli("extract", EXAMPLES, "-o", parallel, "--workers", "2", "--chunk-size", "1")
    assert proc.returncode == 0, proc.stderr
    assert parallel.read_bytes() == serial.read_bytes()
    assert "backend: pool, 2 workers" in proc.stderr and "notices/s" in proc.stderr
    assert "\r" not in proc.stderr and "notice/s]" not in proc.stderr  # stderr is a pipe: no bar
    assert not (tmp_path / "p.jsonl.part").exists()


def test_progress_bar_when_asked(tmp_path):
    proc = run_cli("extract", EXAMPLES, "-o", tmp_path / "o.jsonl", "--progress", "on")
    assert proc.returncode == 0 and "notice" in proc.stderr and "3/" in proc.stderr


def test_dask_local_cluster(tmp_path):
    serial, dask = tmp_path / "s.jsonl", tmp_path / "d.jsonl"
    assert run_cli("extract", EXAMPLES, "-o", serial).returncode == 0
    proc = run_cli("extract", EXAMPLES, "-o", dask, "--cluster", "local", "--workers", "1")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert dask.read_bytes() == serial.read_bytes() and "backend: dask" in proc.stderr


def test_record_fields_and_documents_from_the_command_line(tmp_path):
    sys.path.insert(0, str(Path(__file__).parent))
    from docmaker import make_docx, make_gov_page, make_pdf

    text = (EXAMPLES / "nanshan-jyj-2025-0147.txt").read_text(encoding="utf-8")
    (tmp_path / "replies.jsonl").write_text(json.dumps({"rid": "R7", "reply_date": "2019-05-10", "body": text},
                                                       ensure_ascii=False) + "\n", encoding="utf-8")
    (tmp_path / "page.htm").write_bytes(make_gov_page("gbk"))
    (tmp_path / "reply.docx").write_bytes(make_docx(text.splitlines()))
    (tmp_path / "reply.pdf").write_bytes(make_pdf(text.splitlines()[:12]))
    out = tmp_path / "o.parquet"
    proc = run_cli("extract", tmp_path, "-o", out, "--id-field", "rid", "--text-field", "body",
                   "--date-field", "reply_date")
    assert proc.returncode == 0, proc.stderr
    assert "4 notices" in proc.stderr and "0 failed" in proc.stderr
    texts = [json.loads(line) for line in (tmp_path / "o.parquet.texts.jsonl").read_text(encoding="utf-8").splitlines()]
    # reply.docx and reply.pdf share a stem: the second is named by its source path, so ids stay unique
    assert [t["notice_id"] for t in texts] == ["page", "R7", "reply", str(tmp_path / "reply.pdf")]
    rows = pq.read_table(out).to_pylist()
    by_id = {t["source"]: t["text"] for t in texts}
    assert {r["notice_id"] for r in rows} == {"page", "R7", "reply", str(tmp_path / "reply.pdf")}
    for r in rows:
        if r["commitment_index"] is not None:  # a notice without commitments has one empty row
            assert by_id[r["source"]][r["measure_start"]:r["measure_end"]] == r["measure_text"]
    assert any(r["date"] == "2019-05-10" for r in rows if r["notice_id"] == "R7")


def test_resume_with_other_options_is_refused(tmp_path):
    out = tmp_path / "o.jsonl"
    (tmp_path / "o.jsonl.part").write_text(json.dumps({"part": 1, "inputs": ["elsewhere"], "config": {}}) + "\n")
    proc = run_cli("extract", EXAMPLES, "-o", out, "--resume")
    assert proc.returncode == 2 and "run without --resume to start over" in proc.stderr


def test_size_limit_is_a_clear_per_file_error(tmp_path):
    (tmp_path / "big.txt").write_text("下一步，我局将新建口袋公园5个。" * 20000, encoding="utf-8")
    out = tmp_path / "o.jsonl"
    proc = run_cli("extract", tmp_path / "big.txt", "-o", out, "--max-mb", "0.1")
    assert proc.returncode == 1 and "1 failed" in proc.stderr
    [record] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert record["error"].startswith("file too large: 0.9 MB exceeds the 0.1 MB limit")


def test_flat_output_keeps_notices_without_commitments(tmp_path):
    (tmp_path / "none.txt").write_text("您好！来信收悉。感谢您的关心。\n2025年3月1日", encoding="utf-8")
    out = tmp_path / "o.csv"
    assert run_cli("extract", tmp_path / "none.txt", "-o", out).returncode == 0
    with out.open(encoding="utf-8") as fh:
        [row] = list(csv.DictReader(fh))
    assert row["notice_id"] == "none" and row["commitment_index"] == "" and row["error"] == ""


@pytest.mark.parametrize("make_args,message", [
    (lambda t: ["extract", EXAMPLES, "-o", t], "is a directory"),
    (lambda t: ["extract", EXAMPLES, "-o", t / "o.jsonl", "--format", "csv"], "contradicts the output suffix"),
    (lambda t: ["extract", t / "empty", "-o", t / "o.jsonl"], "no files to read"),
    (lambda t: ["extract", str(t / "*.nothing"), "-o", t / "o.jsonl"], "no files to read"),
])
def test_usage_problems_are_reported_before_any_work(tmp_path, make_args, message):
    (tmp_path / "empty").mkdir()
    proc = run_cli(*make_args(tmp_path))
    assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr


def test_resume_refuses_a_finished_output_made_with_other_options(tmp_path):
    out = tmp_path / "o.jsonl"
    assert run_cli("extract", EXAMPLES, "-o", out).returncode == 0
    same = run_cli("extract", EXAMPLES, "-o", out, "--resume")
    assert same.returncode == 0 and "3 notices already in" in same.stderr
    other = run_cli("extract", EXAMPLES, "-o", out, "--resume", "--anchor-date", "2020-01-01")
    assert other.returncode == 2 and "not made by this command with these options" in other.stderr
