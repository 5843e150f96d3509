import pytest

from extractor.labels import PRODUCT_LABELS, bio_to_spans, product_to_spans, spans_to_bio, spans_to_product
from extractor.markup import MarkupError, parse, render
from extractor.schema import Span
from extractor.segment import clauses, section_paths, sentences, windows


def test_product_labels_round_trip_nested_layers():
    spans = [Span(start=2, end=10, label="MEASURE"), Span(start=0, end=2, label="DEADLINE"),
             Span(start=7, end=10, label="QUANTITY")]
    tags = spans_to_product(12, spans)
    assert len(PRODUCT_LABELS) == 15 and all(t in PRODUCT_LABELS for t in tags)
    assert tags[7] == "I-MEASURE|B-QUANTITY"
    assert [(s.start, s.end, s.label) for s in product_to_spans(tags)] == [
        (0, 2, "DEADLINE"), (2, 10, "MEASURE"), (7, 10, "QUANTITY")]


def test_stray_inside_tag_starts_a_span():
    assert [(s.start, s.end) for s in bio_to_spans(["O", "I-MEASURE", "I-MEASURE", "O"])] == [(1, 3)]
    assert spans_to_bio(3, [], "layer1") == ["O", "O", "O"]


def test_markup_parse_and_render():
    parsed = parse("将<M>新建<Q v=12 u=个>12个</Q></M>，PM2.5<35")
    assert parsed.text == "将新建12个，PM2.5<35"
    assert [(m.span.label, m.attrs) for m in parsed.items] == [
        ("MEASURE", {}), ("QUANTITY", {"value": "12", "unit": "个"})]
    assert render(parsed.text, parsed.spans()) == "将<MEASURE>新建<QUANTITY>12个</QUANTITY></MEASURE>，PM2.5<35"


@pytest.mark.parametrize("bad", ["<M>未闭合", "<M>错</Q>", "<M></M>", "<D k=soon>尽快</D><M>做</M>"])
def test_markup_errors_are_reported(bad):
    with pytest.raises(MarkupError):
        parse(bad).commitments()


def test_sentences_clauses_keep_offsets_with_mixed_punctuation():
    text = "一是加强建设,完善机制；二是推进改革。\n（一）扩大供给(试点)：新增1,200个"
    for seg in sentences(text) + clauses(text):
        assert text[seg.start:seg.end] == seg.text
    assert [c.text for c in clauses(text)][:2] == ["一是加强建设", "完善机制"]
    assert "新增1,200个" in [c.text for c in clauses(text)]


def test_section_paths_nest_list_levels():
    text = "二、下一步工作\n（一）加快建设。新建学校。\n（二）优化结构。\n三、其他"
    paths = [p for _, _, p in section_paths(text)]
    assert paths[1] == ["二、下一步工作", "（一）加快建设"]
    assert paths[2] == ["二、下一步工作", "（二）优化结构"]
    assert paths[3] == ["三、其他"]


def test_windows_cover_everything_and_cut_at_clauses():
    text = "，".join(f"第{i}项工作按计划推进" for i in range(60))
    spans = windows(text, 64, overlap=16)
    covered = set()
    for a, b in spans:
        assert b - a <= 64
        assert b == len(text) or text[b - 1] == "，"
        covered.update(range(a, b))
    assert covered == set(range(len(text)))
