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
