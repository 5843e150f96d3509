"""eval.disagree: the cells of the two-system comparison, counted by hand on one notice."""

from eval.disagree import compare, main, table
from eval.gold import notice_from_markup
from extractor.schema import Extraction, Span

GOLD = notice_from_markup("t", "下一步，将<M>新建公园<Q v=3 u=个>3个</Q></M>，<D k=vague>尽快</D><M>修复路灯</M>。")


def _at(text: str, label: str, occurrence: str) -> Span:
    start = GOLD.text.index(occurrence)
    return Span(start=start, end=start + len(occurrence), label=label)


def test_each_span_lands_in_one_cell():
    a = Extraction(notice_id="t", spans=[_at(GOLD.text, "MEASURE", "新建公园3个"), _at(GOLD.text, "QUANTITY", "3个"),
                                         _at(GOLD.text, "MEASURE", "下一步")])
    b = Extraction(notice_id="t", spans=[_at(GOLD.text, "MEASURE", "修复路灯"), _at(GOLD.text, "QUANTITY", "3个"),
                                         _at(GOLD.text, "DEADLINE", "尽快"), _at(GOLD.text, "MEASURE", "下一步")])
    got = compare([GOLD], [a], [b], keep_examples=2).counts
    assert got["team", "MEASURE", "only A"] == 1 and got["team", "MEASURE", "only B"] == 1
    assert got["team", "MEASURE", "spurious both"] == 1 and got["team", "MEASURE", "both missed"] == 0
    assert got["team", "QUANTITY", "both found"] == 1
    assert got["team", "DEADLINE", "only B"] == 1 and got["team", "DEADLINE", "spurious only A"] == 0
    rendered = table(compare([GOLD], [a], [b]), "x", "y")
    assert "| all | MEASURE | 0 | 1 | 1 | 0 | 0 | 0 | 1 |" in rendered and "only x" in rendered


def test_the_command_refuses_the_test_split(capsys):
    import pytest

    with pytest.raises(SystemExit):
        main(["--gold", "annotations", "--split", "test"])
    assert "invalid choice" in capsys.readouterr().err
