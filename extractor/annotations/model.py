"""Pydantic model of one gold notice JSON file (``annotations/notices/<id>.json``).

The model checks the shape of a file: keys (unknown keys are rejected), types, enumerations, and the
rules that concern one record alone (a span ends after it starts, a vague deadline has no dates, a
range has an upper bound). Rules that relate records to each other or to the text (offsets, layers,
links, values against the span text) live in ``validate.py`` so that all of them are reported at once.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, model_validator

from extractor.schema import Comparator, DeadlineKind, Label, QuantityRole

Level = Literal["district", "city", "province"]
NoticeKind = Literal["政协提案", "人大建议"]
Number = StrictInt | float
NonEmpty = Annotated[str, Field(min_length=1)]
Offsets = tuple[Annotated[int, Field(ge=0)], Annotated[int, Field(ge=0)]]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GoldMetadata(_Strict):
    doc_date: dt.date
    issuer: NonEmpty
    level: Level
    kind: NoticeKind
    topic: NonEmpty
    region: NonEmpty


class GoldSpan(_Strict):
    start: int = Field(ge=0)
    end: int
    label: Label
    text: str | None = None  # optional; when present it must equal the slice of the notice text

    @model_validator(mode="after")
    def _ordered(self) -> GoldSpan:
        if self.end <= self.start:
            raise ValueError(f"span end {self.end} must be greater than start {self.start}")
        return self


def _check_offsets(span: Offsets, what: str) -> None:
    if span[1] <= span[0]:
        raise ValueError(f"{what} end {span[1]} must be greater than start {span[0]}")


class GoldQuantity(_Strict):
    span: Offsets
    value: Number
    unit: NonEmpty
    comparator: Comparator
    role: QuantityRole
    upper: Number | None = None

    @model_validator(mode="after")
    def _consistent(self) -> GoldQuantity:
        _check_offsets(self.span, "quantity span")
        if self.comparator == "range":
            if self.upper is None:
                raise ValueError("a range quantity needs 'upper'")
            if self.upper <= self.value:
                raise ValueError(f"range upper {self.upper} must be greater than value {self.value}")
        elif self.upper is not None:
            raise ValueError(f"'upper' is only allowed with comparator range, not {self.comparator!r}")
        if self.value < 0:
            raise ValueError(f"value {self.value} is negative")
        return self


class GoldDeadline(_Strict):
    span: Offsets
    start: dt.date | None
    end: dt.date | None
    kind: DeadlineKind

    @model_validator(mode="after")
    def _consistent(self) -> GoldDeadline:
        _check_offsets(self.span, "deadline span")
        if self.kind == "vague":
            if self.start is not None or self.end is not None:
                raise ValueError("a vague deadline has no start or end date")
        elif self.kind == "from":  # 自8月15日起: a start date and an open end
            if self.start is None or self.end is not None:
                raise ValueError("a 'from' deadline has a start date and no end date")
        else:
            if self.start is None or self.end is None:
                raise ValueError(f"a {self.kind!r} deadline needs both start and end dates")
            if self.start > self.end:
                raise ValueError(f"deadline start {self.start} is after its end {self.end}")
        return self


class GoldCommitment(_Strict):
    measure: Offsets
    quantities: list[GoldQuantity]
    deadline: GoldDeadline | None

    @model_validator(mode="after")
    def _ordered(self) -> GoldCommitment:
        _check_offsets(self.measure, "measure")
        return self


class GoldNotice(_Strict):
    id: Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
    text: NonEmpty
    metadata: GoldMetadata
    spans: list[GoldSpan]
    commitments: list[GoldCommitment]
    notes: list[str] | None = None  # free-text remarks (the shared example file carries some)


def format_validation_error(exc: Exception) -> list[tuple[str, str]]:
    """(location, message) pairs of a pydantic ValidationError, locations as dotted paths."""
    errors = getattr(exc, "errors", None)
    if errors is None:
        return [("", str(exc))]
    out = []
    for err in errors():
        loc = ".".join(str(p) for p in err.get("loc", ()))
        msg = err.get("msg", "")
        if err.get("type") == "extra_forbidden":
            msg = "unknown key (extra keys are not allowed)"
        out.append((loc, msg))
    return out
