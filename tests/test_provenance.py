"""The provenance check (eval/provenance.py) finds a copied run of real text wherever it sits in a file,
ignores line breaks and spacing, and does not fire on text that merely shares short phrases."""

from __future__ import annotations

from eval.provenance import RUN, index_documents, main, scan_text

REAL = "为进一步优化营商环境，区行政审批局将于明年三月前在各街道便民服务中心全面推行帮办代办服务。"


def test_a_copied_run_is_found_with_its_line_even_across_a_line_break():
    index = index_documents([("doc-1", REAL)])
    copied = "第一行说明。\n" + REAL[5:15] + "\n  " + REAL[15:30] + "……"
    hits = scan_text("notes.md", copied, index)
    assert [(h.path, h.line, h.doc) for h in hits] == [("notes.md", 2, "doc-1")]
    assert len(hits[0].run) == RUN


def test_shared_short_phrases_are_not_a_copy():
    index = index_documents([("doc-1", REAL)])
    written = "我局将全面推行帮办代办服务，并在明年三月前完成各街道的培训工作，欢迎继续监督。"
    assert scan_text("n.txt", written, index) == []


def test_runs_without_enough_chinese_are_not_indexed():
    assert index_documents([("doc-1", "2025-01-01 12:00:00, id=12345678901234567890")]) == {}


def test_a_missing_corpus_is_an_error_not_a_pass(tmp_path, capsys):
    assert main(["--corpus", str(tmp_path / "absent")]) == 2
    assert "does not exist" in capsys.readouterr().err
