"""Gold notice model and validator: malformed notices fail with messages naming notice, offset, rule."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from extractor.annotations.build import build_all, dumps
from extractor.annotations.validate import check_notice, parse_notice, validate_paths

TEXT = ("关于第1号建议的答复\n"
        "2024年全市新增托位3200个。\n"
        "下一步，我局将在年底前新建社区养老服务中心12个，力争全年培训护理人员不少于800人次；"
        "尽快完善评估办法。\n"
        "感谢您的关心。")


def _find(s: str, after: int = 0) -> list[int]:
    i = TEXT.index(s, after)
    return [i, i + len(s)]


def good() -> dict:
    m1, q1, d1 = _find("新建社区养老服务中心12个"), _find("12个", 30), _find("年底前")
    m2, q2, d2 = _find("培训护理人员不少于800人次"), _find("不少于800人次"), _find("全年")
    m3, d3 = _find("完善评估办法"), _find("尽快")
    spans = [
        {"start": d1[0], "end": d1[1], "label": "DEADLINE"},
        {"start": m1[0], "end": m1[1], "label": "MEASURE"},
        {"start": q1[0], "end": q1[1], "label": "QUANTITY"},
        {"start": d2[0], "end": d2[1], "label": "DEADLINE"},
        {"start": m2[0], "end": m2[1], "label": "MEASURE"},
        {"start": q2[0], "end": q2[1], "label": "QUANTITY"},
        {"start": d3[0], "end": d3[1], "label": "DEADLINE"},
        {"start": m3[0], "end": m3[1], "label": "MEASURE"},
    ]
    return {
        "id": "t-1",
        "text": TEXT,
        "metadata": {"doc_date": "2024-06-01", "issuer": "某市民政局", "level": "city", "kind": "人大建议",
                     "topic": "养老服务", "region": "某省某市"},
        "spans": spans,
        "commitments": [
            {"measure": m1, "quantities": [{"span": q1, "value": 12, "unit": "个", "comparator": "=",
                                            "role": "target"}],
             "deadline": {"span": d1, "start": "2024-06-01", "end": "2024-12-31", "kind": "by"}},
            {"measure": m2, "quantities": [{"span": q2, "value": 800, "unit": "人次", "comparator": ">=",
                                            "role": "target"}],
             "deadline": {"span": d2, "start": "2024-01-01", "end": "2024-12-31", "kind": "period"}},
            {"measure": m3, "quantities": [],
             "deadline": {"span": d3, "start": None, "end": None, "kind": "vague"}},
        ],
    }


def issues_of(data: dict) -> list:
    notice, problems = parse_notice(data, "t-1")
    if notice is None:
        return problems
    return [i for i in check_notice(notice) if i.severity == "error"]


def rules(data: dict) -> set[str]:
    return {i.rule for i in issues_of(data)}


def test_good_notice_has_no_errors():
    assert issues_of(good()) == []


def test_extra_key_rejected_with_its_location():
    data = good()
    data["commitments"][0]["quantities"][0]["note"] = "x"
    [issue] = issues_of(data)
    assert issue.rule == "schema" and "commitments.0.quantities.0.note" in issue.message
    assert "unknown key" in issue.message


def test_bad_enum_and_date_in_metadata():
    data = good()
    data["metadata"]["level"] = "county"
    data["metadata"]["doc_date"] = "2024-13-01"
    messages = " ".join(i.message for i in issues_of(data))
    assert "metadata.level" in messages and "metadata.doc_date" in messages


def test_offsets_past_the_text():
    data = good()
    data["spans"].append({"start": len(TEXT) - 2, "end": len(TEXT) + 5, "label": "MEASURE"})
    found = issues_of(data)
    assert any(i.rule == "offsets" and i.offset == len(TEXT) - 2 and "past the text" in i.message for i in found)


def test_reversed_span_is_a_schema_error():
    data = good()
    data["spans"][0]["end"] = data["spans"][0]["start"]
    assert "must be greater than start" in str(issues_of(data)[0])


def test_overlap_in_one_layer():
    data = good()
    a = _find("尽快完善")
    data["spans"].append({"start": a[0], "end": a[1], "label": "MEASURE"})
    data["commitments"].append({"measure": a, "quantities": [], "deadline": None})
    found = issues_of(data)
    overlap = [i for i in found if i.rule == "layer-overlap"]
    assert overlap and overlap[0].offset == _find("完善评估办法")[0] and "layer1" in overlap[0].message


def test_span_text_mismatch():
    data = good()
    data["spans"][1]["text"] = "新建社区养老服务中心13个"
    [issue] = [i for i in issues_of(data) if i.rule == "span-text"]
    assert issue.offset == data["spans"][1]["start"] and "13个" in issue.message and issue.notice == "t-1"


def test_span_boundary_punctuation():
    data = good()
    m = _find("完善评估办法。")
    data["spans"][7] = {"start": m[0], "end": m[1], "label": "MEASURE"}
    data["commitments"][2]["measure"] = m
    assert "span-boundary" in rules(data)


def test_quantity_outside_a_measure_sentence():
    data = good()
    q = _find("3200个")
    data["spans"].append({"start": q[0], "end": q[1], "label": "QUANTITY"})
    data["commitments"][0]["quantities"].append({"span": q, "value": 3200, "unit": "个", "comparator": "=",
                                                 "role": "target"})
    found = issues_of(data)
    assert any(i.rule == "layer2-sentence" and i.offset == q[0] and "3200个" in i.message for i in found)


def test_dangling_commitment():
    data = good()
    data["commitments"].append({"measure": _find("感谢您的关心"), "quantities": [], "deadline": None})
    found = issues_of(data)
    assert any(i.rule == "commitment-measure" and "not a MEASURE span" in i.message for i in found)


def test_measure_without_commitment_and_unlinked_quantity():
    data = good()
    data["commitments"][0]["quantities"] = []
    data["commitments"].pop(2)
    assert {"commitment-measure", "commitment-quantity"} <= rules(data)


def test_quantity_value_must_parse_from_text():
    data = good()
    data["commitments"][0]["quantities"][0]["value"] = 120
    found = [i for i in issues_of(data) if i.rule == "quantity-value"]
    assert found and "120" in found[0].message and found[0].offset == _find("12个", 30)[0]


def test_quantity_comparator_and_money_unit():
    data = good()
    data["commitments"][1]["quantities"][0]["comparator"] = "="
    data["commitments"][1]["quantities"][0]["unit"] = "万元"
    assert {"quantity-comparator", "quantity-unit"} <= rules(data)


def test_range_needs_upper():
    data = good()
    data["commitments"][0]["quantities"][0]["comparator"] = "range"
    assert "needs 'upper'" in str(issues_of(data)[0])


def test_deadline_dates():
    data = good()
    data["commitments"][0]["deadline"]["end"] = "2040-12-31"
    assert "deadline-range" in rules(data)
    data = good()
    data["commitments"][0]["deadline"].update(start="2024-03-01", end="2024-03-31")  # ends before the notice
    found = [i for i in issues_of(data) if i.rule == "deadline-range"]
    assert found and "before the notice date 2024-06-01" in found[0].message
    data = good()
    data["commitments"][0]["deadline"]["start"] = "2024-01-01"
    assert "deadline-by-start" in rules(data)
    data = good()
    data["commitments"][2]["deadline"]["end"] = "2024-12-31"  # vague with a date
    assert "vague deadline has no start or end" in str(issues_of(data)[0])
    data = good()
    data["commitments"][1]["deadline"]["start"] = "2025-01-01"  # start after end
    assert "after its end" in str(issues_of(data)[0])


def test_files_repeated_sentences_and_sources_in_sync(tmp_path: Path):
    notices = tmp_path / "notices"
    notices.mkdir()
    a = good()
    b = copy.deepcopy(good())
    b["id"] = "t-2"
    (notices / "t-1.json").write_text(json.dumps(a, ensure_ascii=False), encoding="utf-8")
    (notices / "t-2.json").write_text(json.dumps(b, ensure_ascii=False), encoding="utf-8")
    (notices / "t-3.json").write_text("{not json", encoding="utf-8")
    issues, n = validate_paths(notices)
    assert n == 3
    found = {(i.notice, i.rule) for i in issues}
    assert ("t-2", "repeated-sentence") in found and ("t-3", "json") in found
    # sources in sync: a source whose build differs from the JSON
    src = tmp_path / "src"
    src.mkdir()
    (src / "t-1.txt").write_text("---\nid: t-1\nbatch: train-1\ndoc_date: 2024-06-01\nissuer: 某市民政局\n"
                                 "level: city\nkind: 人大建议\ntopic: 养老服务\nregion: 某省某市\n---\n" + TEXT + "\n",
                                 encoding="utf-8")
    issues, _ = validate_paths(notices / "t-1.json", src)
    assert [i.rule for i in issues if i.severity == "error"] == ["sources-in-sync"]


def test_build_writes_deterministic_json_and_removes_stale(tmp_path: Path):
    src, out = tmp_path / "src", tmp_path / "notices"
    src.mkdir()
    (src / "n-1.txt").write_text("---\nid: n-1\nbatch: test-1\ndoc_date: 2024-06-01\nissuer: 某局\nlevel: city\n"
                                 "kind: 人大建议\ntopic: 交通\nregion: 某市\n---\n"
                                 "下一步，将<D k=by s=2024-06-01 e=2024-12-31>年底前</D><M>建成站点<Q v=3 u=个>3个</Q></M>。\n",
                                 encoding="utf-8")
    out.mkdir()
    (out / "gone.json").write_text("{}", encoding="utf-8")
    report = build_all(src, out)
    assert report.written == ["n-1"] and report.removed == ["gone"] and not report.errors
    content = (out / "n-1.json").read_text(encoding="utf-8")
    data = json.loads(content)
    assert "batch" not in data["metadata"] and "年底前" in content  # ensure_ascii=False
    assert content == dumps(data)
    assert build_all(src, out).unchanged == ["n-1"]
    issues, _ = validate_paths(out, src)
    assert [i for i in issues if i.severity == "error"] == []


@pytest.mark.parametrize("text,value,unit,comparator,upper", [
    ("2000个以上", 2000, "个", ">=", None),
    ("1.2亿元", 120000000, "元", "=", None),
    ("三至五所", 3, "所", "range", 5),
    ("百亩级", 100, "亩", ">=", None),
    ("翻一番", 2, "倍", "=", None),
    ("5%左右", 5, "%", "~", None),
    ("控制在30微克/立方米以内", 30, "微克/立方米", "<=", None),
    ("30微克／立方米以下", 30, "微克/立方米", "<=", None),  # full-width slash of real text
    ("超亿元", 100000000, "元", ">", None),
])
def test_fallback_quantity_check_accepts_guideline_examples(text, value, unit, comparator, upper):
    from extractor.annotations.values import check_quantity
    errors, _ = check_quantity(text, value, unit, comparator, upper, use_rules=False)
    assert errors == []


def test_cli_build_validate_stats_split(tmp_path: Path, capsys):
    from extractor.cli import main
    src, out = tmp_path / "src", tmp_path / "notices"
    src.mkdir()
    for i, batch in enumerate(["train-1", "train-1", "test-1"]):
        (src / f"c-{i}.txt").write_text(
            f"---\nid: c-{i}\nbatch: {batch}\ndoc_date: 2024-06-01\nissuer: 某局{i}\nlevel: city\nkind: 人大建议\n"
            f"topic: 交通\nregion: 某市\n---\n第{i}号答复。下一步，将<D k=by s=2024-06-01 e=2024-12-31>年底前</D>"
            f"<M>建成站点<Q v={i + 1} u=个>{i + 1}个</Q></M>。\n", encoding="utf-8")
    assert main(["annotations", "build", "--src", str(src), "--out", str(out)]) == 0
    assert main(["annotations", "validate", str(out)]) == 0
    splits_path = tmp_path / "splits.json"
    assert main(["annotations", "split", "--src", str(src), "--out", str(splits_path)]) == 0
    assert main(["annotations", "split", "--src", str(src), "--out", str(splits_path)]) == 1
    assert main(["annotations", "stats", str(out), "--splits", str(splits_path)]) == 0
    assert "By split" in capsys.readouterr().out
    bad = json.loads((out / "c-0.json").read_text(encoding="utf-8"))
    bad["commitments"][0]["quantities"][0]["value"] = 7
    (out / "c-0.json").write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    assert main(["annotations", "validate", str(out)]) == 1
    printed = capsys.readouterr().out
    assert "[quantity-value]" in printed and "[sources-in-sync]" in printed and "c-0@" in printed


@pytest.mark.parametrize("piece,ok", [
    ("认真落实《\n城市更新工作纲要\n》", True),     # a title broken over lines
    ("广义货币M\n2\n余额增长", True),               # a stray character on its own line
    ("保持总体稳\n\u200b\n定", True),              # a zero-width line
    ("完成道路改造\n加快管网建设", False),            # a real line end
    ("完成道路改造。加快管网建设", False),
])
def test_layout_debris_is_no_sentence_end(piece, ok):
    from extractor.annotations.validate import SENTENCE_END, _layout_break
    ends = [i for i, ch in enumerate(piece) if ch in SENTENCE_END and not _layout_break(piece, i)]
    assert (ends == []) == ok
