"""Label Studio export / import: a round trip loses nothing (spans, values, links, metadata, notes)."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from extractor.annotations import labelstudio
from extractor.annotations.render import render_source

ROOT = Path(__file__).resolve().parents[1]

TEXT = ("下一步，我局将重点抓好以下工作：\n"
        "（一）年底前新增托位2000个以上，到2027年每千人口托位数达到4.5个；支持幼儿园开设2—3岁托班。\n"
        "（二）尽快完善评估办法😀，开展检查。")


def f(s: str) -> list[int]:
    i = TEXT.index(s)
    return [i, i + len(s)]


def notice() -> dict:
    spans = {
        "d1": f("年底前"), "m1": f("新增托位2000个以上"), "q1": f("2000个以上"), "d2": f("到2027年"),
        "m2": f("每千人口托位数达到4.5个"), "q2": f("4.5个"), "m3": f("支持幼儿园开设2—3岁托班"),
        "q3": f("2—3岁"), "d3": f("尽快"), "m4": f("完善评估办法😀"), "m5": f("开展检查"),
    }
    labels = {"m": "MEASURE", "q": "QUANTITY", "d": "DEADLINE"}
    d1 = {"span": spans["d1"], "start": "2025-06-18", "end": "2025-12-31", "kind": "by"}
    d3 = {"span": spans["d3"], "start": None, "end": None, "kind": "vague"}
    return {
        "id": "ls-1", "text": TEXT,
        "metadata": {"doc_date": "2025-06-18", "issuer": "市卫生健康委", "level": "city", "kind": "人大建议",
                     "topic": "托育服务", "region": "杭州市"},
        "spans": sorted(({"start": s, "end": e, "label": labels[k[0]]} for k, (s, e) in spans.items()),
                        key=lambda x: (x["start"], x["end"])),
        "commitments": [
            {"measure": spans["m1"], "quantities": [{"span": spans["q1"], "value": 2000, "unit": "个",
                                                     "comparator": ">=", "role": "target"}], "deadline": d1},
            {"measure": spans["m2"], "quantities": [{"span": spans["q2"], "value": 4.5, "unit": "个",
                                                     "comparator": "=", "role": "target"}],
             "deadline": {"span": spans["d2"], "start": "2025-06-18", "end": "2027-12-31", "kind": "by"}},
            {"measure": spans["m3"], "quantities": [{"span": spans["q3"], "value": 2, "unit": "岁",
                                                     "comparator": "range", "role": "qualifier", "upper": 3}],
             "deadline": None},
            {"measure": spans["m4"], "quantities": [], "deadline": d3},
            {"measure": spans["m5"], "quantities": [], "deadline": d3},
        ],
        "notes": ["an emoji moves UTF-16 offsets after it"],
    }


def roundtrip(n: dict, **kw) -> dict:
    tasks = json.loads(json.dumps(labelstudio.export_tasks([n], **kw), ensure_ascii=False))
    back, warnings = labelstudio.import_tasks(tasks)
    assert warnings == []
    return back[0]


def test_roundtrip_loses_nothing():
    n = notice()
    assert roundtrip(n) == n


def test_offsets_are_utf16_in_label_studio():
    n = notice()
    task = labelstudio.export_tasks([n])[0]
    m5 = next(r for r in task["annotations"][0]["result"]
              if r["type"] == "labels" and r["value"]["text"] == "开展检查")
    assert m5["value"]["start"] == f("开展检查")[0] + 1  # one astral character before it


def test_import_without_relations_links_automatically():
    n = notice()
    task = labelstudio.export_tasks([n])[0]
    result = [r for r in task["annotations"][0]["result"] if r["type"] != "relation"]
    back = labelstudio.from_result("ls-1", TEXT, n["metadata"], result, n["notes"])
    # the automatic rule: 年底前 governs up to the ；, 尽快 to the end of its line
    assert [c["deadline"]["span"] if c["deadline"] else None for c in back["commitments"]] == \
        [f("年底前"), f("到2027年"), None, f("尽快"), f("尽快")]
    assert back["commitments"][2]["quantities"] == n["commitments"][2]["quantities"]


def test_predictions_are_exported_with_scores():
    n = notice()
    pred = {"notice_id": "ls-1", "spans": [{"start": s["start"], "end": s["end"], "label": s["label"], "score": 0.9}
                                          for s in n["spans"]],
            "commitments": [{"measure": {"start": c["measure"][0], "end": c["measure"][1],
                                         "text": TEXT[c["measure"][0]:c["measure"][1]]},
                             "quantities": [{"start": q["span"][0], "end": q["span"][1], "value": q["value"],
                                             "unit": q["unit"], "comparator": q["comparator"], "role": q["role"],
                                             **({"upper": q["upper"]} if "upper" in q else {})}
                                            for q in c["quantities"]],
                             "deadline": None if c["deadline"] is None else {
                                 "start": c["deadline"]["span"][0], "end": c["deadline"]["span"][1],
                                 "kind": c["deadline"]["kind"], "start_date": c["deadline"]["start"],
                                 "end_date": c["deadline"]["end"]}}
                            for c in n["commitments"]]}
    task = labelstudio.export_tasks([n], {"ls-1": pred}, annotate=False)[0]
    assert "annotations" not in task and task["predictions"][0]["score"] == 0.9
    back, _ = labelstudio.import_tasks([task], use_predictions=True)
    assert back[0] == n
    skipped, warnings = labelstudio.import_tasks([task])
    assert skipped == [] and "no submitted annotation" in warnings[0]


def test_conflicting_links_are_refused():
    n = notice()
    task = labelstudio.export_tasks([n])[0]
    result = task["annotations"][0]["result"]
    ids = {r["value"]["text"]: r["id"] for r in result if r["type"] == "labels"}
    result.append({"type": "relation", "from_id": ids["2000个以上"], "to_id": ids["开展检查"],
                   "direction": "right", "labels": ["quantity_of"]})
    with pytest.raises(ValueError, match="two quantity links"):
        labelstudio.import_tasks([task])


def test_render_source_roundtrip(tmp_path: Path):
    from extractor.annotations.source import build_notice
    n = copy.deepcopy(notice())
    n.pop("notes")
    n["commitments"][4]["deadline"] = None  # needs a dl=none override in the markup
    path = tmp_path / "ls-1.txt"
    path.write_text(render_source(n), encoding="utf-8")
    assert build_notice(path) == n


def test_config_names_every_control_the_converter_uses():
    root = ET.parse(ROOT / "annotations" / "labelstudio" / "config.xml").getroot()
    names = {el.get("name") for el in root.iter() if el.get("name")}
    expected = {labelstudio.FROM_LABEL, labelstudio.TO_TEXT, *labelstudio.Q_TEXT.values(),
                *labelstudio.Q_CHOICE.values(), *labelstudio.D_TEXT.values(), *labelstudio.D_CHOICE.values()}
    assert expected <= names
    labels = {el.get("value") for el in root.iter("Label")}
    assert labels == {"MEASURE", "QUANTITY", "DEADLINE"}
    relations = {el.get("value") for el in root.iter("Relation")}
    assert relations == {labelstudio.REL_QUANTITY, labelstudio.REL_DEADLINE}
    comparators = {el.get("value") for el in root.find(".//Choices[@name='q_comparator']")}
    assert comparators == {"=", ">=", "<=", "~", ">", "<", "range"}
