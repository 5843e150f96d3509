"""Batch runs: killed and resumed, in parallel, on Dask, over thousands of files, with workers dying."""

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extractor.backends import CRASH_REASON, DaskBackend, PoolBackend, SerialBackend
from extractor.batch import PartFile, ResumeError, run_batch
from extractor.worker import BatchConfig, Task, process_chunk

ROOT = Path(__file__).resolve().parent.parent
NOTICES = sorted((ROOT / "annotations" / "notices").glob("*.json"))
CONFIG = BatchConfig(tagger="rules")  # batch mechanics: the fast, model-free tagger


def corpus(tmp_path: Path, copies: int = 3) -> Path:
    """Team notices as a JSONL record file (repeated with new ids), the examples as files, and bad files."""
    src = tmp_path / "in"
    (src / "docs").mkdir(parents=True)
    texts = [json.loads(p.read_text(encoding="utf-8"))["text"] for p in NOTICES]
    with (src / "records.jsonl").open("w", encoding="utf-8") as fh:
        for k in range(copies):
            for i, t in enumerate(texts):
                fh.write(json.dumps({"id": f"n{k}-{i}", "text": t, "date": "2025-03-01"}, ensure_ascii=False) + "\n")
        fh.write("{torn json\n")
    for p in (ROOT / "examples").glob("*.txt"):
        (src / "docs" / p.name).write_bytes(p.read_bytes())
    (src / "docs" / "empty.txt").write_bytes(b"")
    (src / "docs" / "zz-gbk.txt").write_bytes(texts[0].encode("gb18030"))
    return src


def cli(*args, **kw):
    # The same tagger as CONFIG, so a CLI run and an in-process run give the same bytes.
    return subprocess.Popen([sys.executable, "-m", "extractor.cli", "extract", *map(str, args), "--tagger", "rules"],
                            cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True, **kw)


def lines(path: Path) -> int:
    try:
        return path.read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


@pytest.mark.parametrize("workers", [1, 2])
def test_killed_run_resumed_equals_uninterrupted_run(tmp_path, workers):
    src = corpus(tmp_path, copies=4)  # long enough that the kill after 40 notices lands mid-run
    reference, out = tmp_path / "ref.jsonl", tmp_path / "out.jsonl"
    summary = run_batch([str(src)], reference, "jsonl", CONFIG, SerialBackend(CONFIG), progress=False)
    assert summary.failures == 2  # the empty file and the torn JSON line

    run = cli(src, "-o", out, "--workers", workers, "--chunk-size", 4)
    part = out.with_name(out.name + ".part")
    deadline = time.time() + 120
    while lines(part) < 40 and run.poll() is None and time.time() < deadline:
        time.sleep(0.01)
    os.killpg(run.pid, signal.SIGKILL)  # the whole run, workers included, as a scheduler would
    run.communicate()
    assert not out.exists(), "the output must not appear before the run is complete"
    killed_at = lines(part)
    assert 40 <= killed_at < lines(reference), "the kill must land mid-run"
    with part.open("ab") as fh:
        fh.write(b'{"key": "torn')  # a line cut off by the kill

    resumed = cli(src, "-o", out, "--workers", workers, "--resume")
    _, err = resumed.communicate(timeout=300)
    assert resumed.returncode == 1, err
    assert "from an earlier run" in err and not part.exists()
    assert out.read_bytes() == reference.read_bytes()


def test_parallel_and_dask_runs_equal_the_serial_run(tmp_path):
    from distributed import Client, LocalCluster

    src = corpus(tmp_path, copies=1)
    serial = run_batch([str(src)], tmp_path / "s.jsonl", "jsonl", CONFIG, SerialBackend(CONFIG), progress=False)
    pool = PoolBackend(CONFIG, 2)
    try:
        run_batch([str(src)], tmp_path / "p.jsonl", "jsonl", CONFIG, pool, progress=False)
    finally:
        pool.close()
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        dask = DaskBackend(CONFIG, client)
        summary = run_batch([str(src)], tmp_path / "d.jsonl", "jsonl", CONFIG, dask, chunk_size=16, progress=False)
    reference = (tmp_path / "s.jsonl").read_bytes()
    assert (tmp_path / "p.jsonl").read_bytes() == reference
    assert (tmp_path / "d.jsonl").read_bytes() == reference
    assert (summary.notices, summary.failures, summary.commitments) == (
        serial.notices, serial.failures, serial.commitments)
    assert serial.notices == len(NOTICES) + 1 + 2 + 2  # records, torn line, example .txt files, empty + gbk


def test_failures_name_file_and_reason_and_the_run_goes_on(tmp_path):
    src = corpus(tmp_path, copies=1)
    out = tmp_path / "o.jsonl"
    summary = run_batch([str(src), str(tmp_path / "missing.txt")], out, "jsonl", CONFIG, SerialBackend(CONFIG),
                        progress=False)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    failed = {r["source"]: r["error"] for r in records if r["error"]}
    assert failed == {f"{src}/docs/empty.txt": "empty file", f"{src}/records.jsonl:{len(NOTICES) + 1}":
                      "malformed JSON: Expecting property name enclosed in double quotes at column 2",
                      str(tmp_path / "missing.txt"): "file not found"}
    assert summary.failures == 3 and summary.notices == len(records)
    assert sum(summary.reasons.values()) == 3


def test_csv_output_has_a_texts_sidecar_resolving_every_offset(tmp_path):
    src = corpus(tmp_path, copies=1)
    out = tmp_path / "c.csv"
    run_batch([str(src)], out, "csv", CONFIG, SerialBackend(CONFIG), progress=False)
    texts = {r["source"]: r["text"] for r in map(json.loads, (tmp_path / "c.csv.texts.jsonl").open(encoding="utf-8"))}
    with out.open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["measure_start"]]
    assert rows
    for r in rows:
        assert texts[r["source"]][int(r["measure_start"]):int(r["measure_end"])] == r["measure_text"]


def test_resume_refuses_a_part_file_from_other_options(tmp_path):
    src = corpus(tmp_path, copies=1)
    out = tmp_path / "o.jsonl"
    PartFile(out).start({"inputs": [str(src)], "config": BatchConfig(tagger="model").fingerprint()})
    with pytest.raises(ResumeError, match="tagger"):
        run_batch([str(src)], out, "jsonl", CONFIG, SerialBackend(CONFIG), resume=True, progress=False)


def test_resume_after_a_finished_run_only_does_new_notices(tmp_path):
    src = corpus(tmp_path, copies=1)
    out = tmp_path / "o.jsonl"
    first = run_batch([str(src)], out, "jsonl", CONFIG, SerialBackend(CONFIG), progress=False)
    (src / "docs" / "new.txt").write_text("下一步，我局将年底前新建口袋公园5个。\n2025年3月1日", encoding="utf-8")
    again = run_batch([str(src)], out, "jsonl", CONFIG, SerialBackend(CONFIG), resume=True, progress=False)
    assert again.notices == first.notices + 1 and again.resumed == first.notices
    fresh = run_batch([str(src)], tmp_path / "fresh.jsonl", "jsonl", CONFIG, SerialBackend(CONFIG), progress=False)
    assert fresh.notices == again.notices
    assert out.read_bytes() == (tmp_path / "fresh.jsonl").read_bytes()


def test_thousands_of_small_files(tmp_path):
    src = tmp_path / "many"
    for d in range(20):
        (src / f"d{d:02d}").mkdir(parents=True)
        for i in range(100):
            (src / f"d{d:02d}" / f"{i:03d}.txt").write_text(
                f"下一步，我局将年底前新建社区服务站{i + 1}个。\n2025年{d % 12 + 1}月1日\n", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    summary = run_batch([str(src)], out, "jsonl", CONFIG, SerialBackend(CONFIG), chunk_size=64, progress=False)
    assert (summary.notices, summary.failures) == (2000, 0)
    ids = [json.loads(line)["source"] for line in out.open(encoding="utf-8")]
    assert ids == sorted(ids) and len(set(ids)) == 2000


def crash_on(config, tasks):
    """A chunk function whose worker dies on one notice, as an out-of-memory kill would."""
    if any("crash" in t.key for t in tasks):
        os._exit(1)
    return process_chunk(config, tasks)


def test_a_dying_worker_fails_only_its_notice(tmp_path):
    keys = [f"{tmp_path}/n{i}.txt" for i in range(6)] + [f"{tmp_path}/crash.txt"]
    for k in keys:
        Path(k).write_text("下一步，我局将年底前新建口袋公园5个。", encoding="utf-8")
    chunks = [[Task(k, "path", k) for k in keys[:4]], [Task(k, "path", k) for k in keys[4:]]]
    pool = PoolBackend(CONFIG, 2, function=crash_on)
    try:
        results = [r for batch in pool.run(iter(chunks)) for r in batch]
    finally:
        pool.close()
    by_key = {r.key: r for r in results}
    assert sorted(by_key) == sorted(keys)
    assert by_key[keys[-1]].error == CRASH_REASON
    assert all(by_key[k].error is None for k in keys[:-1])
