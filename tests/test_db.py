"""The DuckDB research database: tables, types and views from extraction output, idempotent appends,
read-only queries to a table / CSV / Parquet, and the report reading the database."""

from __future__ import annotations

import csv
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from extractor.cli import main
from extractor.db.build import build
from extractor.db.query import run_query
from extractor.io import read_jsonl
from extractor.pipeline import Extractor
from extractor.schema import Extraction, Notice

ROOT = Path(__file__).resolve().parent.parent

NOTICES = {
    "a": ("下一步，我局将在年底前新建社区养老服务中心12个，力争新增普惠托位2000个以上。", date(2025, 3, 1),
          {"issuer": "某市民政局", "level": "city", "region": {"province": "某省", "city": "某市"}}),
    "b": ("今后，我们将尽快完成老旧小区改造。=HYPERLINK(\"http://x\",\"y\")", date(2024, 6, 5),
          {"issuer": "=cmd|' /C calc'!A0", "level": "district"}),
}


@pytest.fixture()
def batch(tmp_path: Path) -> Path:
    extractor = Extractor.load("rules")
    records = [extractor.extract(Notice(id=k, text=t, date=d, metadata=m)) for k, (t, d, m) in NOTICES.items()]
    records.append(Extraction(notice_id="broken", source="x.txt", error="x.txt: not valid UTF-8"))
    path = tmp_path / "out.jsonl"
    path.write_text("".join(r.model_dump_json() + "\n" for r in records), encoding="utf-8")
    return path


def _count(db: Path, table: str) -> int:
    return run_query(db, f"SELECT count(*) FROM {table}")[1][0][0]


def test_tables_hold_every_commitment_with_typed_values(batch, tmp_path):
    db = tmp_path / "r.duckdb"
    summary = build([batch], db)
    assert (summary.notices, summary.failed) == (3, 1)
    records = list(read_jsonl(batch))
    assert _count(db, "commitments") == sum(len(r.commitments) for r in records) > 0
    assert _count(db, "errors") == 1 and _count(db, "records") == 3 and _count(db, "notices") == 2
    _, rows = run_query(db, "SELECT value, unit, comparator FROM quantities ORDER BY value")
    assert rows == [(Decimal(12), "个", "="), (Decimal(2000), "个", ">=")]
    _, rows = run_query(db, "SELECT DISTINCT kind, end_date FROM deadlines WHERE notice_id = 'a'")
    assert rows == [("by", date(2025, 12, 31))]
    _, rows = run_query(db, "SELECT province, city, year FROM notices WHERE notice_id = 'a'")
    assert rows == [("某省", "某市", 2025)]


def test_offsets_in_the_tables_point_into_the_stored_text(batch, tmp_path):
    db = tmp_path / "r.duckdb"
    build([batch], db)
    _, rows = run_query(db, "SELECT s.text, substr(n.text, s.start_offset + 1, s.end_offset - s.start_offset) "
                            "FROM spans s JOIN notices n USING (notice_id)")
    assert rows and all(a == b for a, b in rows)


def test_appending_the_same_batch_twice_changes_no_row_count(batch, tmp_path):
    db = tmp_path / "r.duckdb"
    build([batch], db)
    tables = ("notices", "commitments", "quantities", "deadlines", "spans", "rejections", "errors", "records")
    before = {t: _count(db, t) for t in tables}
    build([batch, batch], db)
    assert {t: _count(db, t) for t in tables} == before


def test_views_answer_the_common_questions(batch, tmp_path):
    db = tmp_path / "r.duckdb"
    build([batch], db)
    _, rows = run_query(db, "SELECT issuer, commitments, share_quantified FROM issuer_summary "
                            "WHERE issuer = '某市民政局'")
    assert rows[0][1] == 2 and rows[0][2] == 1.0
    _, rows = run_query(db, "SELECT DISTINCT days_ahead FROM deadline_horizons WHERE notice_id = 'a'")
    assert rows == [(305,)]
    _, rows = run_query(db, "SELECT target_value FROM commitment_facts WHERE notice_id = 'a' ORDER BY 1")
    assert [r[0] for r in rows] == [Decimal(12), Decimal(2000)]


def test_query_cli_prints_writes_spreadsheet_safe_csv_and_parquet(batch, tmp_path, capsys):
    db = tmp_path / "r.duckdb"
    assert main(["db", "build", str(batch), "-o", str(db)]) == 0
    assert main(["db", "query", str(db), "SELECT issuer, commitments FROM issuer_summary ORDER BY issuer"]) == 0
    assert "| issuer | commitments |" in capsys.readouterr().out
    out = tmp_path / "q.csv"
    assert main(["db", "query", str(db), "SELECT issuer FROM notices ORDER BY issuer", "-o", str(out)]) == 0
    cells = [row[0] for row in csv.reader(out.open(encoding="utf-8"))]
    assert "'=cmd|' /C calc'!A0" in cells  # neutralised, as every CSV the project writes
    parquet = tmp_path / "q.parquet"
    assert main(["db", "query", str(db), "SELECT issuer FROM notices", "-o", str(parquet)]) == 0
    import pyarrow.parquet as pq

    assert "=cmd|' /C calc'!A0" in pq.read_table(parquet).column("issuer").to_pylist()  # Parquet keeps it


def test_queries_cannot_change_the_database_and_errors_name_the_file(batch, tmp_path, capsys):
    db = tmp_path / "r.duckdb"
    build([batch], db)
    assert main(["db", "query", str(db), "DELETE FROM notices"]) == 1
    assert str(db) in capsys.readouterr().err
    assert _count(db, "notices") == 2
    assert main(["db", "query", str(tmp_path / "missing.duckdb"), "SELECT 1"]) == 1
    assert "missing.duckdb" in capsys.readouterr().err
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"notice_id": "x", "commitments": "nope"}\n', encoding="utf-8")
    assert main(["db", "build", str(bad), "-o", str(tmp_path / "b.duckdb")]) == 1
    assert "bad.jsonl:1" in capsys.readouterr().err
    assert main(["db", "build", str(batch), "-o", str(tmp_path / "b.sqlite")]) == 2


def test_the_report_reads_the_database_as_it_reads_jsonl(batch, tmp_path):
    db = tmp_path / "r.duckdb"
    build([batch], db)
    assert main(["report", str(batch), "--by", "issuer", "-o", str(tmp_path / "from-jsonl")]) == 0
    assert main(["report", str(db), "--by", "issuer", "-o", str(tmp_path / "from-db")]) == 0
    for name in ("groups.csv", "notices.csv"):
        assert (tmp_path / "from-db" / name).read_bytes() == (tmp_path / "from-jsonl" / name).read_bytes()


def test_the_readme_queries_run_on_the_bundled_examples(tmp_path):
    out = tmp_path / "examples.jsonl"
    assert main(["extract", str(ROOT / "examples"), "--tagger", "rules", "-o", str(out)]) == 0
    db = tmp_path / "r.duckdb"
    build([out], db)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    queries = re.findall(r"```sql\n(.*?)```", readme, re.DOTALL)
    assert len(queries) >= 3
    for sql in queries:
        columns, rows = run_query(db, sql)
        assert columns and rows, sql


def test_sql_runs_over_the_parquet_output_without_a_database(tmp_path, capsys):
    out = tmp_path / "out.parquet"
    assert main(["extract", str(ROOT / "examples"), "--tagger", "rules", "-o", str(out)]) == 0
    sql = f"SELECT count(DISTINCT notice_id), max(specificity) FROM read_parquet('{tmp_path}/*.parquet')"
    assert main(["db", "query", ":memory:", sql]) == 0
    assert "| 3 | 3 |" in capsys.readouterr().out
