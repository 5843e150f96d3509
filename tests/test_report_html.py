"""Report files: highlighting keeps the text exact, pages are self-contained and deterministic, inputs in
all three formats load, the CLI writes the whole folder."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.cli import main
from extractor.io import write
from extractor.report.cli import build_report
from extractor.report.load import load
from extractor.report.review import highlight, page_names
from extractor.schema import Commitment, Deadline, Extraction, Quantity, Span, TextSpan

TRICKY = "索引号：X\r\n下一步，将在年底前新建<script>alert('x')</script>中心12个&amp;；力争逐步完成改造。\n"


def _span(text: str, part: str, label: str) -> Span:
    start = text.index(part)
    return Span(start=start, end=start + len(part), label=label)


def tricky_extraction(nid: str = "tricky/one", day: date | None = date(2025, 3, 1)) -> Extraction:
    t = TRICKY
    m1 = _span(t, "新建<script>alert('x')</script>中心12个", "MEASURE")
    q = _span(t, "12个", "QUANTITY")
    d = _span(t, "年底前", "DEADLINE")
    m2 = _span(t, "完成改造", "MEASURE")
    v = _span(t, "逐步", "DEADLINE")
    c1 = Commitment(measure=TextSpan(start=m1.start, end=m1.end, text=t[m1.start:m1.end]),
                    quantities=[Quantity(start=q.start, end=q.end, text="12个", value=12, unit="个")],
                    deadline=Deadline(start=d.start, end=d.end, text="年底前", kind="by",
                                      end_date=date(2025, 12, 31)))
    c2 = Commitment(measure=TextSpan(start=m2.start, end=m2.end, text="完成改造"), modality="aspirational",
                    deadline=Deadline(start=v.start, end=v.end, text="逐步", kind="vague"))
    return Extraction(notice_id=nid, date=day, text=t, spans=[m1, q, d, m2, v], commitments=[c1, c2],
                      metadata={"issuer": "某市某区教育局", "region": {"city": "某市", "district": "某区"},
                                "level": "district", "topic": "教育 & <b>"})


def batch() -> list[Extraction]:
    other = Extraction(notice_id="b-2", date=date(2024, 5, 2), text="无承诺。", metadata={"region": "浙江省杭州市西湖区"})
    failed = Extraction(notice_id="c-3", error="extraction failed: boom", metadata={"region": "浙江省杭州市西湖区"})
    return [tricky_extraction(), other, failed]


class _Text(HTMLParser):
    """Text content of an element, the way a browser's textContent would read it."""

    def __init__(self, target_id: str):
        super().__init__(convert_charrefs=True)
        self.target, self.depth, self.parts = target_id, 0, []

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.depth += 1
        elif dict(attrs).get("id") == self.target:
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def text_of(html: str, element_id: str) -> str:
    p = _Text(element_id)
    p.feed(html)
    return "".join(p.parts)


def test_highlight_nests_escapes_and_keeps_text():
    out = highlight(TRICKY, [(s.start, s.end, s.label) for s in tricky_extraction().spans])
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "&amp;amp;" in out and "&#13;" in out
    assert text_of(f'<div id="t">{out}</div>', "t") == TRICKY
    # the quantity mark sits inside the measure mark
    assert re.search(r'id="m-\d+-\d+">[^<]*(?:&[a-z]+;[^<]*)*.*<mark class="hl QUANTITY first"', out)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="ab<&\r\n中>", min_size=1, max_size=30), st.data())
def test_highlight_any_spans_keeps_text_and_balances(text, data):
    n = len(text)
    raw = data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(1, n),
                                       st.sampled_from(["MEASURE", "QUANTITY", "DEADLINE"])), max_size=6))
    spans = sorted({(s, e, lab) for s, e, lab in raw if s < e})
    out = highlight(text, spans)
    assert out.count("<mark") == out.count("</mark>")
    depth = 0
    for tag in re.findall(r"</?mark", out):
        depth += -1 if tag.startswith("</") else 1
        assert depth >= 0
    assert text_of(f'<div id="t">{out}</div>', "t") == text
    for s, e, lab in spans:   # every span starts exactly once, with its offsets
        assert out.count(f'data-start="{s}" data-end="{e}" id="{lab[0].lower()}-{s}-{e}"') == 1


def test_page_names_are_safe_and_unique():
    names = page_names(["a-1", "A-1", "../etc/passwd", "中文", "x" * 300])
    assert names["a-1"] == "a-1.html"
    assert len({n.lower() for n in names.values()}) == 5
    assert all(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*\.html", n) for n in names.values())


@pytest.fixture
def jsonl(tmp_path) -> Path:
    path = tmp_path / "out.jsonl"
    write(batch(), path, "jsonl")
    return path


def test_report_folder_is_complete_self_contained_and_deterministic(tmp_path, jsonl):
    first, second = tmp_path / "r1", tmp_path / "r2"
    build_report(jsonl, first, "district", reps=100)
    build_report(jsonl, second, "district", reps=100)
    files = sorted(p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second).as_posix() for p in second.rglob("*") if p.is_file())
    for rel in files:
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel
    for name in ["index.html", "notices.html", "groups.csv", "notices.csv", "units.csv", "verbs.csv",
                 "figures/shares.svg", "figures/shares.png", "figures/per_notice_horizon.svg"]:
        assert name in files
    names = page_names(["b-2", "c-3", "tricky/one"])
    assert sorted(f for f in files if f.startswith("notices/")) == sorted(f"notices/{n}" for n in names.values())
    for rel in files:
        if rel.endswith(".html"):
            page = (first / rel).read_text(encoding="utf-8")
            assert not re.search(r'(?:src|href)="(?:https?:)?//', page), rel     # nothing fetched
            assert "<link" not in page and "@import" not in page
    index = (first / "index.html").read_text(encoding="utf-8")
    assert "data:image/svg+xml;base64," in index and "few notices" in index
    review = (first / "notices" / names["tricky/one"]).read_text(encoding="utf-8")
    assert text_of(review, "text") == TRICKY
    assert "<script>alert" not in review and "教育 &amp; &lt;b&gt;" in review
    svg = (first / "figures" / "shares.svg").read_text(encoding="utf-8")
    assert "<dc:date>" not in svg


def test_stale_review_pages_are_removed(tmp_path, jsonl):
    out = tmp_path / "r"
    (out / "notices").mkdir(parents=True)
    (out / "notices" / "gone.html").write_text("old")
    (out / "notices" / "keep.txt").write_text("not ours")
    build_report(jsonl, out, "year", reps=0)
    assert not (out / "notices" / "gone.html").exists() and (out / "notices" / "keep.txt").exists()


def test_groups_csv_numbers(tmp_path, jsonl):
    build_report(jsonl, tmp_path / "r", "district", reps=0)
    rows = (tmp_path / "r" / "groups.csv").read_text(encoding="utf-8").splitlines()
    header = rows[0].split(",")
    table = {r.split(",")[0]: dict(zip(header, r.split(","))) for r in rows[1:]}
    assert set(table) == {"某市某区", "浙江省杭州市西湖区", "(all notices)"}
    assert table["某市某区"]["commitments"] == "2" and table["某市某区"]["hedged_k"] == "1"
    assert table["某市某区"]["dated_share"] == "0.5" and table["某市某区"]["caution"] == "1"
    assert table["浙江省杭州市西湖区"]["notices"] == "1" and table["浙江省杭州市西湖区"]["failed"] == "1"


def test_flat_formats_load_the_same_commitments(tmp_path):
    extractions = batch()
    write(extractions, tmp_path / "o.jsonl", "jsonl")
    write(extractions, tmp_path / "o.csv", "csv")
    write(extractions, tmp_path / "o.parquet", "parquet")
    full, fmt = load(tmp_path / "o.jsonl")
    assert fmt == "jsonl"
    want = {n.notice_id: (n.commitments, n.error, n.keys["district"]) for n in full}
    for suffix in ("csv", "parquet"):
        flat, fmt = load(tmp_path / f"o.{suffix}")
        assert fmt == suffix
        got = {n.notice_id: (n.commitments, n.error, n.keys["district"]) for n in flat}
        assert got["tricky/one"][0] == want["tricky/one"][0]
        assert got["c-3"][1] == want["c-3"][1]
        assert got["b-2"][0] == [] and got == {k: got[k] for k in want}  # every notice has a row
        assert all(n.extraction is None for n in flat)


def test_parquet_report_has_no_review_pages_and_says_why(tmp_path):
    write(batch(), tmp_path / "o.parquet", "parquet")
    summary = build_report(tmp_path / "o.parquet", tmp_path / "r", "level", reps=0)
    assert summary.review_pages == 0 and not (tmp_path / "r" / "notices").exists()
    assert "holds no notice text" in (tmp_path / "r" / "index.html").read_text(encoding="utf-8")


def test_cli_report(tmp_path, jsonl, capsys):
    assert main(["report", str(jsonl), "--by", "topic", "-o", str(tmp_path / "r"), "--min-notices", "1"]) == 0
    assert "3 notices" in capsys.readouterr().err
    index = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    assert "by topic" in index and "教育 &amp; &lt;b&gt;" in index
    assert "few notices" not in index.split("<tbody>")[1].split("</tbody>")[0]
    assert main(["report", str(tmp_path / "missing.jsonl"), "-o", str(tmp_path / "x")]) == 2


def test_duplicate_notice_ids_are_refused(tmp_path):
    write([tricky_extraction(), tricky_extraction()], tmp_path / "d.jsonl", "jsonl")
    with pytest.raises(ValueError, match="more than once"):
        build_report(tmp_path / "d.jsonl", tmp_path / "r")
