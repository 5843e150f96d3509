"""Documents (html, docx, pdf), record files (jsonl, csv, parquet) and files that lie about what they are."""

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from docmaker import make_docx, make_gov_page, make_pdf

from extractor.ingest import IngestFailure, RecordFields, read_notices
from extractor.ingest.decode import decode_bytes
from extractor.ingest.formats import sniff

BODY = "下一步，我局将年底前新建社区养老服务中心12个，力争2026年6月底前实现街道全覆盖。"
TEXT = f"关于市政协十三届四次会议第118号提案的答复\n{BODY}\n杭州市民政局\n2025年6月18日\n"


def one(path, **kw):
    [item] = list(read_notices(path, **kw))
    return item


@pytest.mark.parametrize("charset", ["utf-8", "gbk"])
def test_gov_page_keeps_article_and_header_fields_drops_navigation(tmp_path, charset):
    path = tmp_path / "reply.html"
    path.write_bytes(make_gov_page(charset))
    notice = one(path)
    assert BODY in notice.text
    for noise in ("首页", "当前位置", "分享到", "相关链接", "主办单位", "ICP备", "var nav", "color:red"):
        assert noise not in notice.text, noise
    meta = notice.metadata
    assert meta["issuer"] == "杭州市民政局" and meta["doc_no"] == "杭民提〔2025〕8号"
    assert meta["index_no"] == "11330100002482123B/2025-00118" and meta["format"] == "html"
    assert meta["proposal_no"] == "118" and notice.date.isoformat() == "2025-06-18"
    assert meta["encoding"] == ("utf-8" if charset == "utf-8" else "gb18030")
    assert notice.text.splitlines()[0].startswith("索引号：")


def test_docx_paragraphs_and_tables_in_order_without_page_header(tmp_path):
    path = tmp_path / "reply.docx"
    path.write_bytes(make_docx(["关于第118号提案的答复", BODY, "杭州市民政局", "2025年6月18日"],
                               table=[["项目", "数量"], ["养老服务中心", "12个"]], title="答复"))
    notice = one(path)
    assert notice.text.splitlines()[:2] == ["关于第118号提案的答复", BODY]
    assert "养老服务中心\t12个" in notice.text and "页眉" not in notice.text
    assert notice.metadata["format"] == "docx" and notice.metadata["doc_title"] == "答复"


def test_pdf_text_layer_lines_joined_page_numbers_dropped(tmp_path):
    path = tmp_path / "reply.pdf"
    path.write_bytes(make_pdf(["关于第118号提案的答复", BODY[:30], BODY[30:], "杭州市民政局", "2025年6月18日", "— 1 —"]))
    notice = one(path)
    assert BODY in notice.text.splitlines() and "— 1 —" not in notice.text
    assert notice.metadata["format"] == "pdf" and notice.date.isoformat() == "2025-06-18"


@pytest.mark.parametrize("name,content,reason", [
    ("broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\n%%EOF garbage", "PDF"),
    ("scan.pdf", make_pdf([]), "no text layer"),
    ("broken.docx", b"PK\x03\x04" + b"\x00" * 200, "docx"),
    ("photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "PNG image"),
    ("old.txt", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "legacy Word"),
    ("archive.txt", b"PK\x03\x04" + b"\x14\x00" * 50, "ZIP"),
    ("nav.html", b"<html><body><nav>\xe9\xa6\x96\xe9\xa1\xb5</nav></body></html>", "no article text"),
])
def test_corrupt_and_non_notice_files_fail_with_a_reason(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    item = one(path)
    assert isinstance(item, IngestFailure) and item.source == str(path)
    assert reason in item.reason


def test_mislabelled_files_are_read_by_what_they_are(tmp_path):
    fake_txt = tmp_path / "really-a-pdf.txt"
    fake_txt.write_bytes(make_pdf(TEXT.splitlines()))
    notice = one(fake_txt)
    assert BODY in notice.text and notice.metadata["format_note"] == "a .txt file holding PDF"
    error_page = tmp_path / "download.pdf"  # a site's HTML page saved under the PDF's name
    error_page.write_bytes(make_gov_page("utf-8"))
    assert BODY in one(error_page).text
    gbk = tmp_path / "gbk.txt"  # GBK bytes, nothing declares it
    gbk.write_bytes(TEXT.encode("gbk"))
    assert one(gbk).text == TEXT and one(gbk).metadata["encoding"] in ("gb18030", "gbk")
    wrong_meta = tmp_path / "wrong-meta.html"  # declares GBK, is UTF-8
    wrong_meta.write_bytes(make_gov_page("utf-8").replace(b"charset=utf-8", b"charset=gbk"))
    assert BODY in one(wrong_meta).text


@pytest.mark.parametrize("encoding", ["utf_16_le", "utf_16_be"])
def test_utf16_without_bom(tmp_path, encoding):
    path = tmp_path / "n.txt"
    path.write_bytes(TEXT.encode(encoding))
    notice = one(path)
    assert notice.text == TEXT and notice.metadata["encoding"] == encoding.replace("_", "-")


def test_fifty_megabyte_file_is_refused_quickly_and_clearly(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)  # sparse: 50 MB without writing them
    item = one(path)
    assert isinstance(item, IngestFailure)
    assert item.reason.startswith("file too large: 50.0 MB exceeds the 20 MB limit")
    assert isinstance(one(path, max_bytes=60 * 1024 * 1024), IngestFailure)  # NULs: binary, not a crash


def test_decode_bytes_detects_big5_and_gb18030():
    big5 = "關於第118號提案的答覆：本局將於年底前新建社區服務中心12個，持續推動長期照顧服務。"
    assert decode_bytes(big5.encode("big5"))[0] == big5
    assert decode_bytes(TEXT.encode("gb18030"))[0] == TEXT


def test_jsonl_with_configurable_fields_and_extra_columns(tmp_path):
    path = tmp_path / "replies.jsonl"
    rows = [{"rid": "R1", "reply_date": "2019-05-10", "body": TEXT, "region": "A3区"},
            {"rid": "R2", "reply_date": "2019-05-11", "text": TEXT}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    a, b = read_notices(path, RecordFields.of(id_field="rid", text_field="body"))
    assert a.id == "R1" and a.date.isoformat() == "2019-05-10" and a.metadata["region"] == "A3区"
    assert isinstance(b, IngestFailure) and "'body'" in b.reason and b.source == f"{path}:2"
    [c] = [n for n in read_notices(path) if not isinstance(n, IngestFailure)]
    assert c.id == "replies-2" and c.date.isoformat() == "2019-05-11"  # reply_date is a default date field


def test_csv_in_gbk_with_a_bad_row(tmp_path):
    path = tmp_path / "n.csv"
    text = TEXT.replace("\n", "\r\n")
    content = f'编号,正文,日期\nA1,"{text}",2025-06-01\nA2,,2025-06-02\nA3,"{BODY}",2025-06-03\n'
    path.write_bytes(content.encode("gbk"))
    items = list(read_notices(path, RecordFields.of(id_field="编号", text_field="正文", date_field="日期")))
    assert [type(i).__name__ for i in items] == ["Notice", "IngestFailure", "Notice"]
    assert items[0].text == text and items[0].id == "A1" and items[0].source == f"{path}:1"
    assert items[2].date.isoformat() == "2025-06-03" and "only whitespace" in items[1].reason
    missing = list(read_notices(path))
    assert len(missing) == 1 and "no 'text' column" in missing[0].reason


def test_parquet_records(tmp_path):
    path = tmp_path / "n.parquet"
    pq.write_table(pa.table({"id": ["P1", "P2"], "text": [TEXT, None], "date": ["2025-01-02", None]}), path)
    a, b = read_notices(path)
    assert a.id == "P1" and a.date.isoformat() == "2025-01-02" and a.source == f"{path}:1"
    assert isinstance(b, IngestFailure) and b.notice_id == "P2"
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"PAR1 not really")
    [failure] = read_notices(bad)
    assert "Parquet" in failure.reason


def test_sniff():
    assert sniff(make_pdf(["答复"])) == "pdf"
    assert sniff(make_docx(["答复"])) == "docx"
    assert sniff(b"\xef\xbb\xbf<!DOCTYPE html><html>") == "html"
    assert sniff("<html><body>答复</body></html>".encode("utf-16-le")) == "html"
    assert sniff(TEXT.encode()) == "text"
