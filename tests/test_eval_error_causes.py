"""eval.error_causes: each error of one system gets one cause."""

import pytest

from eval.error_causes import causes, main, table
from eval.gold import notice_from_markup
from extractor.schema import Extraction, Rejection, Span

GOLD = notice_from_markup("t", "下一步，将<M>新建公园<Q v=3 u=个>3个</Q></M>，<M>修复路灯</M>。去年完成改造。")


def _at(label: str, occurrence: str) -> Span:
    start = GOLD.text.index(occurrence)
    return Span(start=start, end=start + len(occurrence), label=label)


def test_each_error_gets_one_cause():
    road = _at("MEASURE", "修复路灯")
    got = Extraction(notice_id="t", spans=[_at("MEASURE", "新建公园"), _at("MEASURE", "完成改造")],
                     rejections=[Rejection(start=road.start, end=road.end, text="修复路灯", label="MEASURE",
                                           reason="too short to be a measure")])
    counts = causes([GOLD], [got])
    assert counts["MEASURE", "missed", "team", "found with other boundaries"] == 1  # 新建公园3个 vs 新建公园
    assert counts["MEASURE", "missed", "team", "rejected: too short to be a measure"] == 1
    assert counts["QUANTITY", "missed", "team", "never proposed"] == 1
    assert counts["MEASURE", "spurious", "team", "other boundaries than the gold"] == 1
    assert counts["MEASURE", "spurious", "team", "no gold span there; no future cue in the sentence"] == 1
    assert sum(counts.values()) == 5
    assert "| QUANTITY | missed | team | never proposed | 1 |" in table(counts)


def test_the_command_refuses_the_test_split(capsys):
    with pytest.raises(SystemExit):
        main(["--gold", "annotations", "--split", "test"])
    assert "invalid choice" in capsys.readouterr().err
