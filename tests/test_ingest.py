"""Decoding, record files and bad input: each failure names the file and the problem."""

import json

import pytest

from extractor.ingest import IngestFailure, iter_inputs, read_notices
from extractor.ingest.decode import DecodeError, decode_bytes

TEXT = "关于市政协十三届四次会议第118号提案的答复\n下一步，我局将年底前新建社区养老服务中心12个。\n市民政局\n2025年6月18日\n"


def _read(path):
    return list(read_notices(path))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "big5", "utf-16"])
def test_encodings_decode_to_the_same_text(tmp_path, encoding):
    text = TEXT if encoding != "big5" else "關於市政協第118號提案的答覆\n下一步，本局將於年底前新建社區服務中心12個。\n2025年6月18日\n"
    path = tmp_path / f"n-{encoding}.txt"
    path.write_bytes(text.encode(encoding))
    [notice] = _read(path)
    assert notice.text == text
    assert notice.date.isoformat() == "2025-06-18"


@pytest.mark.parametrize("content,reason", [
    (b"", "empty file"),
    (b"\x00\x01\x02binary\x00data" * 10, "binary"),
    (b"   \n\t  \n", "only whitespace"),
])
def test_bad_files_become_failures_naming_the_file(tmp_path, content, reason):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    [failure] = _read(path)
    assert isinstance(failure, IngestFailure)
    assert failure.source == str(path) and reason in failure.reason


def test_undecodable_bytes_are_reported():
    with pytest.raises(DecodeError):
        decode_bytes(bytes(range(128, 256)) * 50 + b"\x81\x00")


def test_huge_file_is_refused_with_its_size():
    with pytest.raises(DecodeError, match="too large"):
        decode_bytes(b"a" * 2000, max_bytes=1000)


def test_missing_file_and_unsupported_suffix(tmp_path):
    [missing] = _read(tmp_path / "nope.txt")
    assert isinstance(missing, IngestFailure) and missing.reason == "file not found"
    other = tmp_path / "x.xyz"
    other.write_text("内容")
    [unsupported] = _read(other)
    assert "unsupported file type" in unsupported.reason


def test_jsonl_records_with_a_malformed_line(tmp_path):
    path = tmp_path / "batch.jsonl"
    lines = [json.dumps({"id": "a", "text": TEXT, "date": "2024-01-02"}, ensure_ascii=False), "{not json",
             json.dumps({"id": "b"}), json.dumps({"text": "下一步，我们将尽快完善办法。"}, ensure_ascii=False)]
    path.write_text("\n".join(lines), encoding="utf-8")
    items = _read(path)
    assert [type(i).__name__ for i in items] == ["Notice", "IngestFailure", "IngestFailure", "Notice"]
    assert items[0].date.isoformat() == "2024-01-02"  # the record's own date field comes first
    assert items[1].source == f"{path}:2" and "malformed JSON" in items[1].reason
    assert "'text'" in items[2].reason
    assert items[3].id == "batch-4"


def test_directories_are_read_recursively_in_order(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "1.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "skip.png").write_bytes(b"\x89PNG")
    assert [p.name for p in iter_inputs([str(tmp_path)])] == ["1.txt", "2.txt"]
