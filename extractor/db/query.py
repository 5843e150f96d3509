"""`commitments db query`: run SQL on the research database and print a table, or write CSV / Parquet.
The database is opened read-only: a query cannot change it."""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any, TextIO

from extractor.csvsafe import safe_row
from extractor.db.build import connect
from extractor.io import atomic_open

MAX_CELL = 60  # characters shown per cell in the printed table (files get everything)


def run_query(database: Path, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    import duckdb

    con = connect(database, read_only=True)
    try:
        result = con.execute(sql)
        if result.description is None:
            return [], []
        return [c[0] for c in result.description], result.fetchall()
    except duckdb.Error as exc:
        raise ValueError(f"{database}: {type(exc).__name__}: {str(exc).splitlines()[0]}") from exc
    finally:
        con.close()


def _shown(value: Any) -> str:
    text = "" if value is None else str(value)
    text = text.replace("\n", " ")
    return text if len(text) <= MAX_CELL else text[:MAX_CELL - 1] + "…"


def print_table(columns: list[str], rows: list[tuple], out: TextIO | None = None) -> None:
    """A Markdown table (readable in a terminal and pasteable into a README)."""
    out = out or sys.stdout
    out.write("| " + " | ".join(columns) + " |\n")
    out.write("|" + "|".join("---" for _ in columns) + "|\n")
    for row in rows:
        out.write("| " + " | ".join(_shown(v).replace("|", "\\|") for v in row) + " |\n")
    out.write(f"({len(rows)} row{'s' if len(rows) != 1 else ''})\n")


def write_result(columns: list[str], rows: list[tuple], path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with atomic_open(path) as fh:  # newline="" already: csv writes its own line ends
            writer = csv.writer(fh)
            writer.writerow(safe_row(columns))
            writer.writerows(safe_row(row) for row in rows)
    elif suffix == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pylist([dict(zip(columns, row)) for row in rows]) if rows else pa.table(
            {c: pa.array([], pa.string()) for c in columns})
        with atomic_open(path, "wb") as fh:
            pq.write_table(table, fh)
    else:
        raise ValueError(f"{path}: write .csv or .parquet (or leave out -o to print a table)")
