"""Typed data objects shared by ingest, tagging, rules, assembly, output, training and evaluation.

Offsets are Python string indices into ``Notice.text`` exactly as decoded; ``end`` is exclusive and
``text == notice.text[start:end]`` always holds.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer, model_validator

Label = Literal["MEASURE", "QUANTITY", "DEADLINE"]
Comparator = Literal["=", ">=", "<=", "~", ">", "<", "range"]
QuantityRole = Literal["target", "qualifier"]
# from: 自8月15日起… (start date, open end), per the real-text decisions of the annotation guide
DeadlineKind = Literal["by", "period", "vague", "from"]
Modality = Literal["firm", "aspirational", "exploratory"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Notice(_Model):
    """One reply notice as read from disk (or a record file)."""

    id: str
    text: str
    date: dt.date | None = None
    source: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


class Span(_Model):
    start: int = Field(ge=0)
    end: int
    label: Label
    score: float = 1.0

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        if self.end <= self.start:
            raise ValueError(f"span end {self.end} must be greater than start {self.start}")
        return self


class TextSpan(_Model):
    """A span with its surface text, as written in the output contract."""

    start: int = Field(ge=0)
    end: int
    text: str

    @model_validator(mode="after")
    def _consistent(self) -> TextSpan:
        if self.end - self.start != len(self.text):
            raise ValueError(f"text {self.text!r} does not fit offsets {self.start}-{self.end}")
        return self


class Quantity(TextSpan):
    value: Decimal
    upper: Decimal | None = None
    unit: str
    comparator: Comparator = "="
    role: QuantityRole = "target"

    @field_serializer("value", "upper")
    def _number(self, v: Decimal | None) -> int | float | None:
        # JSON readers expect numbers, not strings; integers stay integers.
        if v is None:
            return None
        return int(v) if v == v.to_integral_value() else float(v)


class Deadline(TextSpan):
    kind: DeadlineKind
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    anchor: dt.date | None = None


class Rejection(_Model):
    """A span the rules refused to turn into a value, with the reason (kept for error analysis)."""

    start: int
    end: int
    text: str
    label: Label
    reason: str


class TagResult(_Model):
    """What a tagger returns: proposed spans (before the rule filters) and the candidates it dropped."""

    spans: list[Span] = Field(default_factory=list)
    rejections: list[Rejection] = Field(default_factory=list)


class Commitment(_Model):
    measure: TextSpan
    quantities: list[Quantity] = Field(default_factory=list)
    deadline: Deadline | None = None
    modality: Modality = "firm"
    section: list[str] = Field(default_factory=list)
    score: float = 1.0
    # 0 rhetorical, 1 concrete, 2 quantified or dated, 3 both (extractor/rules/specificity.py); None in
    # records written before the level existed.
    specificity: int | None = Field(default=None, ge=0, le=3)


class Extraction(_Model):
    """Everything extracted from one notice: the JSONL output record."""

    notice_id: str
    source: str | None = None
    date: dt.date | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    error: str | None = None
    warnings: list[str] = Field(default_factory=list)
    text: str | None = None
    spans: list[Span] = Field(default_factory=list)
    commitments: list[Commitment] = Field(default_factory=list)
    rejections: list[Rejection] = Field(default_factory=list)
