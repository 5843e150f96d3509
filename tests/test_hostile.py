"""Hostile input (issue 15): notices are scraped from public pages, so their text and header fields are
untrusted. Each case gives a clear error or a correct result, and the good notices of the same run come
out exactly as they do alone."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from extractor.backends import SerialBackend
from extractor.batch import BusyError, lock_path, output_lock, run_batch
from extractor.csvsafe import TRIGGERS, safe_cell, unescape
from extractor.report.cli import build_report
from extractor.report.load import iter_notices
from extractor.worker import BatchConfig

ROOT = Path(__file__).resolve().parents[1]
CONFIG = BatchConfig(tagger="rules")
GOOD = "我局将于2025年底前新建学校3所。"
FORMULAS = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://x","y")', "+SUM(1,2)", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
XSS = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"><u id="pwn">"\'&'
HEADER_FIELDS = ["index_no", "issuer", "doc_no", "doc_date", "title", "meeting", "proposal_no", "kind", "addressee",
                 "contact", "phone", "signature_date", "signature_body", "region", "level", "topic"]


def good(i: int) -> dict:
    return {"id": f"good-{i}", "text": GOOD, "date": "2025-03-01"}


def write_jsonl(path: Path, lines: list[dict | str]) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for line in lines:
            fh.write((line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n")
    return path


def extract(tmp_path: Path, lines: list[dict | str], fmt: str = "jsonl", config: BatchConfig = CONFIG,
            name: str = "out") -> tuple[Path, dict[str, dict]]:
    """Run a batch (good notices around the hostile lines); the JSONL records by notice id."""
    src = write_jsonl(tmp_path / "in.jsonl", [good(0), *lines, good(1)])
    out = tmp_path / f"{name}.{fmt}"
    run_batch([str(src)], out, fmt, config, SerialBackend(config), progress=False)
    records = {}
    if fmt == "jsonl":
        records = {r["notice_id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    return out, records


@pytest.fixture(scope="module")
def good_alone(tmp_path_factory) -> dict:
    """A good notice's commitments when it runs alone: the reference for 'nothing lost'."""
    _, records = extract(tmp_path_factory.mktemp("alone"), [])
    assert len(records["good-0"]["commitments"]) == 1
    return records["good-0"]["commitments"]


def assert_good_intact(records: dict[str, dict], good_alone: list) -> None:
    for nid in ("good-0", "good-1"):
        assert records[nid]["error"] is None and records[nid]["commitments"] == good_alone, nid


# 1. Spreadsheet-safe CSV ---------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [*FORMULAS, "'quoted", "=", "-"])
def test_csv_cell_starting_with_a_trigger_gets_a_quote_and_unescapes_exactly(value):
    assert safe_cell(value) == "'" + value and unescape(safe_cell(value)) == value


@pytest.mark.parametrize("value", ["新建学校3所", "a=b", "", None, 3, -2.5, 0.0])
def test_other_cells_and_numbers_are_unchanged(value):
    assert safe_cell(value) == value and unescape(safe_cell(value)) == value


def _cells(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _unsafe(rows: list[dict[str, str]]) -> list[str]:
    return [v for r in rows for v in r.values() if v and v.startswith(TRIGGERS)]


def test_extract_csv_neutralises_formulas_and_jsonl_parquet_keep_them(tmp_path, good_alone):
    meta = {"issuer": FORMULAS[0], "region": FORMULAS[4], "level": FORMULAS[3], "kind": FORMULAS[5]}
    text = f"{FORMULAS[1]}\n{FORMULAS[2]}\n{GOOD}"
    line = {"id": "=1+1", "text": text, "date": "2025-03-01", "metadata": meta}
    csv_out, _ = extract(tmp_path, [line], "csv")
    rows = _cells(csv_out)
    assert _unsafe(rows) == []
    row = next(r for r in rows if r["notice_id"] == "'=1+1")
    assert (row["issuer"], row["region"], row["level"]) == tuple("'" + meta[k] for k in ("issuer", "region", "level"))
    assert row["score"] == "1.0" and row["target_value"] == "3.0"  # numbers stay numbers
    # the report reads the project's CSV back to the original text
    facts = {n.notice_id: n for n in iter_notices(csv_out)}
    assert facts["=1+1"].issuer == FORMULAS[0]
    _, records = extract(tmp_path, [line], "jsonl")
    assert records["=1+1"]["metadata"]["issuer"] == FORMULAS[0] and records["=1+1"]["text"] == text
    assert_good_intact(records, good_alone)
    pq = pytest.importorskip("pyarrow.parquet")
    parquet_out, _ = extract(tmp_path, [line], "parquet")
    table = pq.read_table(parquet_out).to_pylist()
    assert next(r for r in table if r["notice_id"] == "=1+1")["issuer"] == FORMULAS[0]


def test_report_tables_are_spreadsheet_safe(tmp_path):
    meta = {"issuer": FORMULAS[0], "region": FORMULAS[2], "level": "district", "topic": FORMULAS[4]}
    out, _ = extract(tmp_path, [{"id": "@x", "text": GOOD, "date": "2025-03-01", "metadata": meta}])
    for by in ("issuer", "district", "topic"):
        report = tmp_path / f"report-{by}"
        build_report(out, report, by, reps=50)
        for table in ("groups.csv", "notices.csv", "units.csv", "verbs.csv"):
            rows = _cells(report / table)
            assert _unsafe(rows) == [], (by, table)
        notices = {r["notice_id"]: r for r in _cells(report / "notices.csv")}
        assert notices["'@x"]["issuer"] == "'" + FORMULAS[0] and notices["'@x"]["commitments"] == "1"


# 2. No code from data files -----------------------------------------------------------------------------

class _CreatesFile:
    """Unpickling this calls open(target, "w"): it would create the file."""

    def __init__(self, target: Path):
        self.target = str(target)

    def __reduce__(self):
        return (open, (self.target, "w"))


@pytest.mark.parametrize("how", ["torch.save", "protocol 0"])
def test_training_state_loader_refuses_a_crafted_state_file(tmp_path, how):
    torch = pytest.importorskip("torch")
    from training.pretrain import StateFileError, load_state

    target = tmp_path / "created-by-the-state-file"
    state = tmp_path / "training_state.pt"
    if how == "torch.save":
        torch.save({"step": 1, "payload": _CreatesFile(target)}, state)
    else:  # the same call written by hand: GLOBAL builtins.open, MARK, two strings, TUPLE, REDUCE, STOP
        state.write_bytes(f"cbuiltins\nopen\n(V{target}\nVw\ntR.".encode())
    with pytest.raises(StateFileError, match="refused"):
        load_state(state)
    assert not target.exists()


def test_no_unsafe_deserialisation_call_in_the_code():
    # the words are spelled apart, so that neither this test nor a grep of the code finds them here
    word, only, load = "pick" + "le", "weights" + "_only", "yaml" + r"\.(?:load|unsafe_load|full_load)\("
    unsafe = re.compile(rf"\b{word}\b|{only}\s*=\s*False|{load}|torch\.load\((?![^)]*{only}\s*=\s*True)|"
                        r"\bmarshal\.loads?\(|\bshelve\b")
    found = [f"{p.relative_to(ROOT)}:{i}" for folder in ("extractor", "training", "eval", "tests")
             for p in (ROOT / folder).rglob("*.py")
             for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if unsafe.search(line)]
    assert found == []


# 3. Bounded time per notice -----------------------------------------------------------------------------

PATHOLOGICAL = {"60,000 × 年底前": "年底前" * 60_000, "200,000 × 一": "一" * 200_000,
                "300,000 digits": ("1234567890" * 30_000), "50,000 × （": "（" * 50_000}
LIMIT = 60.0  # the only time assertion: the safety bound ("well under a minute")


@pytest.mark.slow
@pytest.mark.parametrize("name", list(PATHOLOGICAL))
def test_pathological_notice_finishes_well_under_a_minute(tmp_path, good_alone, name):
    started = time.perf_counter()
    _, records = extract(tmp_path, [{"id": "hostile", "text": PATHOLOGICAL[name], "date": "2025-03-01"}])
    assert time.perf_counter() - started < LIMIT
    error = records["hostile"]["error"]
    assert error is None or "per-notice limit" in error
    assert_good_intact(records, good_alone)


def test_a_notice_over_the_time_limit_becomes_an_error_record(tmp_path, good_alone):
    config = BatchConfig(tagger="rules", notice_timeout=0.05)
    slow = {"id": "slow", "text": "年底前完成任务。" * 20_000, "date": "2025-03-01"}
    _, records = extract(tmp_path, [slow], config=config)
    assert "per-notice limit of 0.05 s" in records["slow"]["error"]
    assert_good_intact(records, good_alone)


# 4. Markup, paths, bytes, structure ---------------------------------------------------------------------

def hostile_html_notice() -> dict:
    header = f"索引号：{XSS}\n发布机构：{XSS}\n发文日期：2025-03-01\n标题：{XSS}\n"
    return {"id": XSS, "text": f"{header}{XSS}\n我局将于2025年底前新建{XSS}学校3所。", "date": "2025-03-01",
            "metadata": {k: XSS for k in HEADER_FIELDS if k not in ("doc_date", "signature_date")}}


def test_html_in_header_fields_and_text_is_escaped_in_the_report(tmp_path, good_alone):
    out, records = extract(tmp_path, [hostile_html_notice()])
    assert records[XSS]["error"] is None and len(records[XSS]["commitments"]) == 1
    assert_good_intact(records, good_alone)
    for by in ("issuer", "district", "topic"):
        report = tmp_path / f"report-{by}"
        build_report(out, report, by, reps=50)
        for page in report.rglob("*.html"):
            html = page.read_text(encoding="utf-8")
            # no tag of the payload opens (quotes inside element text are harmless; the DOM test checks more)
            assert "<script>window" not in html and "<img src=x" not in html and "<u id" not in html, page


def test_ids_with_path_parts_write_nothing_outside_the_output(tmp_path, good_alone):
    work = tmp_path / "work"
    work.mkdir()
    ids = ["../../escape", "a/b/c", "/abs/olute", "..", "x\\..\\y"]
    before = sorted(p for p in tmp_path.parent.rglob("*") if not p.is_relative_to(tmp_path))
    out, records = extract(work, [{"id": i, "text": GOOD, "date": "2025-03-01"} for i in ids])
    assert all(records[i]["error"] is None and records[i]["commitments"] == good_alone for i in ids)
    assert_good_intact(records, good_alone)
    build_report(out, work / "report", "district", reps=50)
    pages = {p.name for p in (work / "report" / "notices").iterdir()}
    assert len(pages) == len(ids) + 2 and all("/" not in p and ".." not in p for p in pages)
    assert sorted(p for p in tmp_path.parent.rglob("*") if not p.is_relative_to(tmp_path)) == before
    assert {p.relative_to(tmp_path).parts[0] for p in tmp_path.rglob("*")} == {"work"}


def test_labelstudio_import_refuses_an_id_with_path_parts(tmp_path):
    from extractor.annotations.labelstudio import import_tasks

    task = {"data": {"id": "../../outside", "text": GOOD}, "annotations": [{"result": []}]}
    with pytest.raises(ValueError, match="not a plain file name"):
        import_tasks([task])


def test_nul_bytes_give_a_correct_result(tmp_path, good_alone):
    text = "我局将\x00于2025年底前新建学校3所。"
    _, records = extract(tmp_path, [{"id": "nul\x00id", "text": text, "date": "2025-03-01"}])
    r = records["nul\x00id"]
    assert r["error"] is None and r["text"] == text
    [c] = r["commitments"]
    assert text[c["measure"]["start"]:c["measure"]["end"]] == c["measure"]["text"]
    assert_good_intact(records, good_alone)
    csv_out, _ = extract(tmp_path, [{"id": "nul", "text": text, "date": "2025-03-01"}], "csv")
    assert any(r["notice_id"] == "nul" and r["measure_text"] for r in _cells(csv_out))


def test_lone_surrogates_are_a_clear_error(tmp_path, good_alone):
    line = '{"id": "surrogate", "text": "我局将于2025年底前新建学校3所\\ud800。", "date": "2025-03-01"}'
    _, records = extract(tmp_path, [line])
    assert "unpaired surrogate" in records["surrogate"]["error"]
    assert_good_intact(records, good_alone)
    raw = tmp_path / "surrogate.txt"  # the same in a file: CESU-style bytes are not UTF-8
    raw.write_bytes(GOOD.encode() + b"\xed\xa0\x80")
    out = tmp_path / "file.jsonl"
    run_batch([str(raw)], out, "jsonl", CONFIG, SerialBackend(CONFIG), progress=False)
    [r] = map(json.loads, out.read_text(encoding="utf-8").splitlines())
    assert r["error"] is not None or "\ud800" not in r["text"]


def test_deeply_nested_json_is_a_clear_error(tmp_path, good_alone):
    deep = "[" * 10_000 + "]" * 10_000
    lines = [deep, '{"id": "deep", "text": "' + GOOD + '", "metadata": {"x": ' + deep + "}}"]
    _, records = extract(tmp_path, lines)
    failed = [r for nid, r in records.items() if not nid.startswith("good")]
    assert len(failed) == 2 and all(r["error"] == "malformed JSON: nested too deeply" for r in failed)
    assert_good_intact(records, good_alone)


@pytest.mark.slow
def test_a_20_mb_record_gives_a_correct_result(tmp_path, good_alone):
    filler = "的" * (20_000_000 // 3)  # 20 MB of UTF-8, under the 20 MiB default limit
    big = {"id": "big", "text": f"{GOOD}\n{filler}\n{GOOD}", "date": "2025-03-01"}
    started = time.perf_counter()
    _, records = extract(tmp_path, [big])
    assert time.perf_counter() - started < LIMIT
    r = records["big"]
    assert r["error"] is None and len(r["text"]) == len(big["text"])
    assert [c["measure"]["text"] for c in r["commitments"]] == ["新建学校3所"] * 2
    assert_good_intact(records, good_alone)
    over = {"id": "over", "text": "的" * (21 * 2**20), "date": "2025-03-01"}  # over the limit: an error
    _, records = extract(tmp_path, [over])
    assert "text too long" in records["over"]["error"]
    assert_good_intact(records, good_alone)


def test_an_impossible_date_is_ignored_with_a_warning(tmp_path, good_alone):
    _, records = extract(tmp_path, [{"id": "bad-date", "text": GOOD, "date": "2025-13-45"}])
    r = records["bad-date"]
    assert r["error"] is None and r["date"] is None
    assert any("2025-13-45" in w and "not a valid date" in w for w in r["warnings"])
    assert r["commitments"][0]["deadline"]["text"] == "2025年底前"
    assert_good_intact(records, good_alone)


# 5. Two runs on one output ------------------------------------------------------------------------------

def test_a_second_run_on_a_held_output_refuses_and_leaves_the_first_whole(tmp_path, good_alone):
    src = write_jsonl(tmp_path / "in.jsonl", [good(0), good(1)])
    out = tmp_path / "out.jsonl"
    with output_lock(out):
        with pytest.raises(BusyError, match="another run"):
            run_batch([str(src)], out, "jsonl", CONFIG, SerialBackend(CONFIG), progress=False)
        assert not out.exists() and not out.with_name("out.jsonl.part").exists()
    assert not lock_path(out).exists()
    run_batch([str(src)], out, "jsonl", CONFIG, SerialBackend(CONFIG), progress=False)
    records = {r["notice_id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert_good_intact(records, good_alone)


def test_two_concurrent_cli_runs_on_one_output_never_interleave(tmp_path):
    texts = [json.loads(p.read_text(encoding="utf-8"))["text"] for p in sorted((ROOT / "annotations" /
                                                                               "notices").glob("*.json"))]
    lines = [{"id": f"n{k}-{i}", "text": t, "date": "2025-03-01"} for k in range(3) for i, t in enumerate(texts)]
    src = write_jsonl(tmp_path / "in.jsonl", lines)
    out = tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "extractor.cli", "extract", str(src), "-o", str(out), "--tagger", "rules"]
    procs: list[subprocess.CompletedProcess] = []

    def run() -> None:
        procs.append(subprocess.run(command, check=False, cwd=ROOT, capture_output=True, text=True,
                                    timeout=300))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(p.returncode for p in procs)
    assert codes in ([0, 0], [0, 2]), [p.stderr[-500:] for p in procs]
    refused = [p for p in procs if p.returncode == 2]
    assert all("another run is writing" in p.stderr for p in refused)
    ids = [json.loads(line)["notice_id"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert ids == [line["id"] for line in lines]  # whole, in input order, each notice once


# The report and review pages in the browser: the hostile strings are text, not markup -------------------

def test_hostile_markup_shows_as_text_in_chromium(tmp_path):
    import test_report_browser as browser_test
    if not browser_test.CHROMIUM.exists():
        pytest.fail(f"{browser_test.CHROMIUM} is missing: run .ci/install-browser", pytrace=False)
    from extractor.report.review import page_names

    out, records = extract(tmp_path, [hostile_html_notice()])
    report = tmp_path / "report"
    build_report(out, report, "issuer", reps=50)
    b = browser_test.Browser()
    try:
        b.open_page()
        pages = [report / "index.html", report / "notices.html",
                 report / "notices" / page_names(records)[XSS]]
        for page in pages:
            events = b.navigate(page.as_uri())
            assert browser_test.problems(events) == [], page.name
            assert b.evaluate("window.__pwned === undefined"), page.name
            assert b.evaluate("document.querySelectorAll('img[src=\"x\"], #pwn').length") == 0, page.name
            assert b.evaluate(f"document.body.textContent.includes({json.dumps(XSS)})"), page.name
        assert b.evaluate("document.getElementById('text').textContent") == records[XSS]["text"]
        assert b.evaluate("document.querySelector('h1').textContent") == XSS
        assert browser_test.problems(b.drain()) == []
    finally:
        b.close()


def test_csv_rows_read_back_by_a_plain_reader(tmp_path):
    """A CSV row of a hostile notice stays one row with the right number of cells (newlines, quotes)."""
    text = 'a"b\nc,d\r\n=e\n' + GOOD
    csv_out, _ = extract(tmp_path, [{"id": "q", "text": text, "date": "2025-03-01"}], "csv")
    reader = csv.reader(io.StringIO(csv_out.read_text(encoding="utf-8")))
    header, *rows = list(reader)
    assert all(len(r) == len(header) for r in rows)
