"""The specificity level: table examples, the level rules, and the level on every extracted commitment."""

from __future__ import annotations

from datetime import date

import pytest

from extractor.pipeline import Extractor
from extractor.rules.specificity import level, rhetorical
from extractor.rules.tables import table
from extractor.schema import Notice


@pytest.mark.parametrize(("measure", "expected"), table("specificity")["examples"])
def test_table_examples(measure, expected):
    assert level(False, False, measure) == expected


def test_quantities_and_dates_decide_levels_two_and_three():
    assert level(True, True, "加强管理") == 3
    assert level(True, False, "加强管理") == level(False, True, "加强管理") == 2
    assert not rhetorical("新建社区养老服务中心") and rhetorical("进一步加强监督管理")


def test_every_extracted_commitment_carries_its_level():
    text = ("下一步，我局将在年底前新建社区养老服务中心12个；尽快出台养老服务补贴办法；"
            "新增普惠托位2000个以上；进一步加强监督管理。")
    got = Extractor.load("rules").extract(Notice(id="t", text=text, date=date(2025, 3, 1)))
    levels = {c.measure.text: c.specificity for c in got.commitments}
    assert levels == {"新建社区养老服务中心12个": 3, "出台养老服务补贴办法": 1, "新增普惠托位2000个以上": 2,
                      "进一步加强监督管理": 0}


def test_the_labelled_sample_is_well_formed_and_matches_the_team_gold():
    import json
    from pathlib import Path

    from eval.gold import load_gold

    root = Path(__file__).resolve().parent.parent
    items = [json.loads(line) for line in (root / "annotations/specificity/labels.jsonl").read_text(
        encoding="utf-8").splitlines()]
    assert len(items) == len({i["item"] for i in items}) == 220
    assert {i["split"] for i in items} == {"dev", "test"} and sum(i["split"] == "test" for i in items) == 110
    assert all(i["level"] in (0, 1, 2, 3) and "text" not in i and "measure_text" not in i for i in items)
    team = {n.id: n for n in load_gold(root / "annotations", None).notices}
    for i in (i for i in items if i["gold"] == "team"):
        assert list(team[i["notice_id"]].commitments[i["commitment_index"]].measure) == i["measure"], i["item"]
