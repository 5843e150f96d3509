"""Pydantic model of one gold notice JSON file (``annotations/notices/<id>.json``).

The model checks the shape of a file: keys (unknown keys are rejected), types, enumerations, and the
rules that concern one record alone (a span ends after it starts, a vague deadline has no dates, a
range has an upper bound). Rules that relate records to each other or to the text (offsets, layers,
links, values against the span text) live in ``validate.py`` so that all of them are reported at once.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, StrictInt, Tag, model_validator

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


Genre = Literal["reply", "report"]


class RealMetadata(_Strict):
    """Metadata of a real document (standoff gold over ``../shared/corpus``): no issuer, level, kind or
    topic; ``doc_date`` is the annotation anchor (the date relative deadlines resolve against)."""
    doc_date: dt.date
    genre: Genre
    source: NonEmpty             # corpus file name, e.g. citizen_message_replies.jsonl
    record_id: NonEmpty          # the record's ``id`` in that file
    region: tuple[Annotated[int, Field(ge=0)], Annotated[int, Field(ge=0)]]  # annotated part of the record
    annotator: NonEmpty
    split: Literal["train", "dev", "test"] | None = None  # from annotations/real/splits.json when listed


_TEAM, _REAL = "team", "real"


def _metadata_kind(value: object) -> str:
    fields = value if isinstance(value, dict) else vars(value) if hasattr(value, "__dict__") else {}
    return _REAL if "genre" in fields or "record_id" in fields else _TEAM


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
    id: Annotated[str, Field(min_length=1, pattern=r"^\w[\w.-]*$")]
    text: NonEmpty
    # A team notice has the full GoldMetadata; a real document (extractor.annotations.standoff) has
    # RealMetadata. Both are strict, so neither admits a partial mix of the two.
    # The discriminator picks one model (a real document's metadata names its genre), so errors
    # speak of that model's fields only, never of both alternatives.
    metadata: Annotated[
        Annotated[GoldMetadata, Tag(_TEAM)] | Annotated[RealMetadata, Tag(_REAL)],
        Discriminator(_metadata_kind),
    ]
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
        # Union tags are the model's plumbing, not a place in the file.
        loc = ".".join(str(p) for p in err.get("loc", ()) if p not in (_TEAM, _REAL))
        msg = err.get("msg", "")
        if err.get("type") == "extra_forbidden":
            msg = "unknown key (extra keys are not allowed)"
        out.append((loc, msg))
    return out
