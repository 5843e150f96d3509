"""Hypothesis fuzzing of the parsers and of ingest: never an unhandled exception, offsets always valid."""

from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor.ingest import IngestFailure, read_document
from extractor.ingest.decode import DecodeError, check_text, decode_bytes
from extractor.rules import deadline, quantity
from extractor.rules.deadline import DeadlineRejection, parse_deadline
from extractor.rules.filters import filter_spans
from extractor.rules.quantity import QuantityRejection, parse_quantity
from extractor.schema import Span
from extractor.segment import Document

PIECES = ["年底前", "2025年6月底前", "三年内", "十四五期间", "第一季度", "上半年", "尽快", "逐步", "12个", "不少于1500人次",
          "3000万元", "5%左右", "1,200", "百亩级", "翻一番", "三至五所", "0.5亿元", "约", "以上", "以内", "万", "亿", "〇",
          "零", "两", "十", "百", "千", "%", "个", "元", "年", "月", "日", "前", "后", "至", "—", "-", "~", "，", "。", "\n",
          " ", "１２", "二〇二五年", "第118号", "“1+3”", "0571-87654321", "A", "\u3000", "\ufeff"]
texts = st.one_of(st.text(max_size=120), st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
anchors = st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2060, 12, 31)))
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(texts)
def test_parse_quantity_returns_a_value_or_a_rejection(text):
    result = parse_quantity(text)
    assert isinstance(result, QuantityRejection) or result.value is not None


@FAST
@given(texts, anchors)
def test_parse_deadline_returns_a_value_or_a_rejection(text, anchor):
    result = parse_deadline(text, anchor)
    if not isinstance(result, DeadlineRejection):
        assert result.kind in ("by", "period", "vague", "from")
        if result.start and result.end:
            assert result.start <= result.end


def _valid(spans, text, lo, hi):
    for item in spans:
        start, end = item[0], item[1]
        assert lo <= start < end <= hi <= len(text), (item, len(text))


@FAST
@given(texts, anchors, st.integers(0, 130), st.integers(0, 130))
def test_candidates_offsets_are_valid(text, anchor, a, b):
    lo, hi = min(a, b, len(text)), min(max(a, b), len(text))
    _valid(quantity.candidates(text, lo, hi), text, lo, hi)
    _valid(deadline.candidates(text, lo, hi), text, lo, hi)


@FAST
@given(texts, anchors, st.lists(st.tuples(st.integers(0, 130), st.integers(1, 40),
                                          st.sampled_from(["MEASURE", "QUANTITY", "DEADLINE"])), max_size=8))
def test_filters_keep_or_reject_any_span_with_valid_offsets(text, anchor, raw):
    """Spans as a model might propose them (anywhere, overlapping): each is kept or rejected, offsets valid."""
    spans = [Span(start=s, end=min(s + n, len(text)), label=label) for s, n, label in raw if s < len(text)]
    out = filter_spans(Document(text, anchor), spans)
    _valid([(s.start, s.end) for s in out.spans], text, 0, len(text))
    for r in out.rejections:
        assert r.text == text[r.start:r.end] and r.reason
    assert len(out.spans) + len(out.rejections) == len(spans)


encoded = st.one_of(
    st.binary(max_size=400),
    st.tuples(texts, st.sampled_from(["utf-8", "gb18030", "big5", "utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"]))
    .map(lambda t: t[0].encode(t[1], errors="ignore")),
    st.tuples(st.sampled_from([b"%PDF-1.4\n", b"PK\x03\x04", b"<html><body>", b"\xef\xbb\xbf", b"\xff\xfe"]),
              st.binary(max_size=300)).map(b"".join),
)


@FAST
@given(encoded)
def test_decode_bytes_never_raises_anything_but_decode_error(data):
    try:
        text, encoding = decode_bytes(data)
    except DecodeError as exc:
        assert str(exc)
        return
    assert isinstance(text, str) and encoding
    try:
        check_text(text)
    except DecodeError:
        pass


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                     HealthCheck.function_scoped_fixture])
@given(encoded, st.sampled_from([".txt", ".html", ".pdf", ".docx", ""]))
def test_read_document_on_any_bytes_gives_a_notice_or_a_failure(data, suffix):
    item = read_document(Path(f"fuzz{suffix}"), data=data)
    if isinstance(item, IngestFailure):
        assert item.reason and item.source == f"fuzz{suffix}"
    else:
        assert item.text.strip() and item.id == "fuzz"
