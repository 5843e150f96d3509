"""Spreadsheet-safe CSV cells (OWASP "CSV injection"). Notice texts and header fields are scraped from
public pages: a cell such as ``=HYPERLINK(…)`` or ``=cmd|' /C calc'!A0`` would run as a formula when a
researcher opens the CSV in a spreadsheet. Every text cell that starts with a formula trigger gets a
leading ``'``, which spreadsheets read as "this cell is text" and do not show. A cell that already starts
with ``'`` gets one too, so ``unescape`` restores every original exactly. Numbers stay numbers; JSONL and
Parquet keep the original text. Every CSV the project writes goes through ``safe_row`` / ``safe_dict``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def safe_cell(value: Any) -> Any:
    """The cell as written: text starting with a trigger (or with the escape itself) gets a leading '."""
    if isinstance(value, str) and value.startswith((*TRIGGERS, QUOTE)):
        return QUOTE + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]


def safe_dict(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: safe_cell(v) for k, v in row.items()}


def unescape(value: Any) -> Any:
    """The original text of a cell ``safe_cell`` wrote (for reading the project's own CSV back)."""
    return value[1:] if isinstance(value, str) and value.startswith(QUOTE) else value


def unescape_dict(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: unescape(v) for k, v in row.items()}
