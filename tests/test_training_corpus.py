"""Corpus readers and cleaning (invented sentences only; no corpus file is needed)."""

from __future__ import annotations

import json

from training.corpus import (
    clean_line,
    dedupe,
    document_lines,
    is_heldout,
    load_source,
    read_jsonl,
    read_peoples_daily,
    strip_pos_tags,
)


def test_strip_pos_tags_keeps_punctuation_and_digits():
    line = (
        "我们/r  将/d  在/p  ２０２６年/t  完成/v  ３/m  个/q  项目/n  ，/w  共/d  ５．５万/m  元/q  。/w\n"
    )
    assert strip_pos_tags(line) == "我们将在２０２６年完成３个项目，共５．５万元。"


def test_strip_pos_tags_handles_compound_brackets():
    assert strip_pos_tags("[市/n  水务局/n]nt  回复/v") == "市水务局回复"


def test_clean_line_collapses_whitespace_only():
    assert clean_line("  一、 加快\u3000\u3000推进\t改造（2026年）。 ") == "一、 加快 推进 改造（2026年）。"


def test_document_lines_splits_and_drops_short_lines():
    doc = "标题\n\n\n第一段：道路改造将于年底前完成。\n  \n第二段：新增停车位120个。"
    assert list(document_lines([doc], min_chars=4)) == [
        "第一段：道路改造将于年底前完成。",
        "第二段：新增停车位120个。",
    ]


def test_dedupe_across_sources_with_shared_seen():
    seen: set = set()
    first = list(dedupe(["甲乙丙丁", "戊己庚辛", "甲乙丙丁"], seen))
    second = list(dedupe(["戊己庚辛", "壬癸子丑"], seen))
    assert first == ["甲乙丙丁", "戊己庚辛"]
    assert second == ["壬癸子丑"]


def test_heldout_split_is_deterministic_and_about_the_right_size():
    lines = [f"第{i}号回复：关于小区路灯维修的问题已处理。" for i in range(5000)]
    held = [line for line in lines if is_heldout(line, 20)]
    assert held == [line for line in lines if is_heldout(line, 20)]
    assert 50 <= len(held) <= 150  # 2 % of 5000 = 100
    assert not any(is_heldout(line, 0) for line in lines)


def test_read_jsonl_and_load_source(tmp_path):
    path = tmp_path / "replies.jsonl"
    rows = [
        {"id": "a", "text": "您好！关于路灯的问题，我局将于3月底前完成维修。\n感谢您的监督。"},
        {"id": "b", "body": "没有文本字段"},
        {"id": "c", "text": "您好！关于路灯的问题，我局将于3月底前完成维修。"},
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    assert len(list(read_jsonl(path))) == 2
    source = load_source(path, "jsonl", heldout_per_mille=0)
    assert source.train == ["您好！关于路灯的问题，我局将于3月底前完成维修。", "感谢您的监督。"]
    assert source.heldout == []
    everything_heldout = load_source(path, "jsonl", heldout_per_mille=1000)
    assert everything_heldout.train == [] and len(everything_heldout.heldout) == 2


def test_peoples_daily_source_is_never_heldout(tmp_path):
    path = tmp_path / "pd.txt"
    path.write_text("今天/t  天气/n  很/d  好/a  。/w\n\n明天/t  下雨/v  。/w\n", encoding="utf-8")
    assert list(read_peoples_daily(path)) == ["今天天气很好。", "明天下雨。"]
    source = load_source(path, "peoples_daily", government=False, heldout_per_mille=1000)
    assert source.train == ["今天天气很好。", "明天下雨。"] and source.heldout == []
