"""Read extraction output (JSONL from `commitments extract`, or its flat Parquet / CSV form) into the
per-notice facts the report aggregates, plus the full Extraction where the input has one (review pages).

Group keys come from the notice metadata:
  district  the finest region the notice names, qualified by its province and city so that two
            鼓楼区 stay apart ("浙江省杭州市西湖区"; a city- or province-level notice is its city or
            province). ``region`` is a dict {province, city, district} from the header parser or a
            string in gold metadata; a string is split with the header parser's ``region_of``.
  issuer    ``issuer``, else ``signature_body``
  level     ``level`` (district | city | province)
  year      the year of the notice date (``date``, else ``doc_date`` / ``signature_date`` in metadata)
  topic     ``topic``
A notice without the key is grouped under UNKNOWN.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from extractor.csvsafe import unescape_dict
from extractor.ingest.header import parse_date, region_of
from extractor.io import read_jsonl
from extractor.schema import Extraction

GROUP_KEYS = ("district", "issuer", "level", "year", "topic")
UNKNOWN = "(unknown)"
HEDGED = ("aspirational", "exploratory")
LEVEL_ORDER = {"province": 0, "city": 1, "district": 2}


@dataclass(frozen=True)
class CommitmentFacts:
    measure: str
    modality: str
    quantified: bool                  # at least one target quantity (qualifiers such as 百亩级 do not count)
    units: tuple[str, ...]            # units of all its quantities
    deadline_kind: str | None
    deadline_end: date | None
    specificity: int | None = None    # 0 rhetorical … 3 quantified and dated; None in older records

    @property
    def hedged(self) -> bool:
        return self.modality in HEDGED

    @property
    def dated(self) -> bool:
        """Has a deadline that resolves to an end date (kinds by / period); vague ones (尽快) do not."""
        return self.deadline_end is not None

    @property
    def vague(self) -> bool:
        return self.deadline_kind == "vague"


@dataclass
class NoticeFacts:
    notice_id: str
    date: date | None
    error: str | None
    keys: dict[str, str]
    issuer: str | None
    commitments: list[CommitmentFacts] = field(default_factory=list)
    extraction: Extraction | None = None   # kept for review pages (JSONL input only)

    def horizons(self) -> list[float]:
        """Months from the notice date to each dated deadline's end date (30.4375 days a month)."""
        if self.date is None:
            return []
        return [(c.deadline_end - self.date).days / 30.4375 for c in self.commitments if c.deadline_end]


def _text(value: Any) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def district_key(region: Any) -> str | None:
    if isinstance(region, str):
        parts = region_of(region)
        if not parts:
            return _text(region)
        region = parts
    if not isinstance(region, dict):
        return None
    names = [_text(region.get(k)) for k in ("province", "city", "district")]
    joined = "".join(n for n in names if n)
    return joined or None


def _year(notice_date: date | None, meta: dict[str, Any]) -> str | None:
    if notice_date is not None:
        return str(notice_date.year)
    for name in ("doc_date", "signature_date"):
        value = meta.get(name)
        parsed = value if isinstance(value, date) else parse_date(value) if isinstance(value, str) else None
        if parsed:
            return str(parsed.year)
    return None


def group_keys(notice_date: date | None, meta: dict[str, Any]) -> dict[str, str]:
    issuer = _text(meta.get("issuer")) or _text(meta.get("signature_body"))
    keys = {
        "district": district_key(meta.get("region")),
        "issuer": issuer,
        "level": _text(meta.get("level")),
        "year": _year(notice_date, meta),
        "topic": _text(meta.get("topic")),
    }
    return {k: v or UNKNOWN for k, v in keys.items()}


def facts_from_extraction(e: Extraction, keep: bool = True) -> NoticeFacts:
    date_ = e.date
    commitments = [
        CommitmentFacts(
            measure=c.measure.text, modality=c.modality,
            quantified=any(q.role == "target" for q in c.quantities),
            units=tuple(q.unit for q in c.quantities),
            deadline_kind=c.deadline.kind if c.deadline else None,
            deadline_end=c.deadline.end_date if c.deadline else None,
            specificity=c.specificity,
        )
        for c in e.commitments
    ]
    return NoticeFacts(e.notice_id, date_, e.error, group_keys(date_, e.metadata),
                       _text(e.metadata.get("issuer")) or _text(e.metadata.get("signature_body")),
                       commitments, e if keep else None)


def _flat_notices(rows: Iterable[dict[str, Any]]) -> Iterator[NoticeFacts]:
    """Flat rows (one per commitment; one empty row for a notice without commitments) back to notices."""
    by_id: dict[str, NoticeFacts] = {}
    for row in rows:
        nid = str(row["notice_id"])
        n = by_id.get(nid)
        if n is None:
            d = parse_date(row["date"]) if _text(row.get("date")) else None
            meta = {"issuer": row.get("issuer"), "region": row.get("region"), "level": row.get("level"),
                    "topic": row.get("topic")}
            n = by_id[nid] = NoticeFacts(nid, d, _text(row.get("error")), group_keys(d, meta),
                                         _text(row.get("issuer")))
        if n.error or row.get("commitment_index") in (None, ""):
            continue
        quantities = json.loads(row.get("quantities") or "[]")
        end = _text(row.get("deadline_end"))
        n.commitments.append(CommitmentFacts(
            measure=row.get("measure_text") or "", modality=row.get("modality") or "firm",
            quantified=any(q.get("role", "target") == "target" for q in quantities),
            units=tuple(q["unit"] for q in quantities),
            deadline_kind=_text(row.get("deadline_kind")), deadline_end=date.fromisoformat(end) if end else None,
            specificity=int(row["specificity"]) if row.get("specificity") not in (None, "") else None,
        ))
    yield from by_id.values()


def iter_notices(path: Path, keep_extractions: bool = True) -> Iterator[NoticeFacts]:
    """Notices in file order, one at a time (a JSONL batch is never held in memory whole). The format
    follows the suffix: .parquet and .csv are the flat forms, .duckdb the research database (its records
    table holds each notice's whole extraction), anything else is JSONL."""
    suffix = path.suffix.lower()
    if suffix == ".duckdb":
        from extractor.db.build import connect

        con = connect(path, read_only=True)
        try:
            for (record,) in con.execute("SELECT record FROM records ORDER BY notice_id").fetchall():
                yield facts_from_extraction(Extraction.model_validate_json(record), keep_extractions)
        finally:
            con.close()
    elif suffix == ".parquet":
        import pyarrow.parquet as pq

        yield from _flat_notices(pq.read_table(path).to_pylist())
    elif suffix == ".csv":
        import csv

        with path.open(encoding="utf-8", newline="") as fh:
            yield from _flat_notices(unescape_dict(row) for row in csv.DictReader(fh))
    else:
        for e in read_jsonl(path):
            yield facts_from_extraction(e, keep_extractions)


def input_format(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    return suffix if suffix in ("parquet", "csv", "duckdb") else "jsonl"


def load(path: Path, keep_extractions: bool = True) -> tuple[list[NoticeFacts], str]:
    """All notices sorted by id (so input order does not change the report) and the input format."""
    notices = check_unique(list(iter_notices(path, keep_extractions)), path)
    notices.sort(key=lambda n: n.notice_id)
    return notices, input_format(path)


def check_unique(notices: list[NoticeFacts], path: Path) -> list[NoticeFacts]:
    seen: set[str] = set()
    for n in notices:
        if n.notice_id in seen:
            raise ValueError(f"{path}: notice id {n.notice_id!r} occurs more than once")
        seen.add(n.notice_id)
    return notices


def sort_groups(by: str, keys: Iterable[str], notices_in: dict[str, int]) -> list[str]:
    """Years and levels in their natural order, other groups by notices (most first), then name;
    UNKNOWN always last."""
    def order(key: str):
        if by == "year":
            return (key == UNKNOWN, key)
        if by == "level":
            return (key == UNKNOWN, LEVEL_ORDER.get(key, 9), key)
        return (key == UNKNOWN, -notices_in[key], key)
    return sorted(keys, key=order)
