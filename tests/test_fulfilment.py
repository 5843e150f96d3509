"""Fulfilment tracking on invented work reports: targets, outcome links, verdicts and the command."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from extractor.cli import main
from extractor.fulfilment.track import Outcome, Target, decide, indicator_of, track
from extractor.pipeline import Extractor
from extractor.schema import Notice

EARLIER = ("各位代表：\n一、2029年工作回顾\n过去一年，地区生产总值增长4.8%。\n二、2030年工作安排\n"
           "今年全省主要预期目标为：地区生产总值增长5.5%左右，物价方面居民消费价格涨幅3.5%左右，城镇新增就业50万人以上，"
           "城镇调查失业率5.5%左右，粮食产量保持在600亿斤以上。\n")
LATER = ("各位代表：\n一、2030年工作回顾\n过去一年，全省地区生产总值增长5.3%，五年来年均增长6.1%；"
         "居民消费价格上涨3.2%；城镇新增就业48万人；粮食产量达到612亿斤。\n二、2031年工作安排\n"
         "今年城镇调查失业率5.5%左右。\n")


def _tracked():
    earlier = Extractor.load("rules").extract(Notice(id="e", text=EARLIER, date=date(2030, 1, 20)))
    return {t.target.indicator.name: t for t in track(earlier, LATER, 2030)}


def test_targets_of_the_plan_are_linked_to_outcomes_of_the_later_review():
    got = _tracked()
    assert set(got) >= {"国内生产总值", "居民消费价格", "城镇新增就业", "城镇调查失业率", "粮食产量"}
    assert got["国内生产总值"].outcome.text == "5.3%"  # the year's figure, not the five-year average
    assert got["居民消费价格"].outcome.text == "3.2%"
    assert got["粮食产量"].outcome.value == Decimal(61200000000)


def test_verdicts_follow_comparator_direction_and_tolerance():
    got = _tracked()
    assert got["国内生产总值"].decision == "met"
    assert got["居民消费价格"].decision == "met"        # a ceiling: 3.2 ≤ 3.5 + 0.5
    assert got["城镇新增就业"].decision == "missed"     # ≥ 50万: 48万 falls short
    assert got["粮食产量"].decision == "met"
    # The later report names the unemployment target of its own year, outside the review: no outcome.
    assert got["城镇调查失业率"].decision == "not_reported"


def test_decide_on_bounds_and_ceilings():
    cpi = indicator_of("居民消费价格涨幅")
    target = Target(0, 3, "3%左右", "居民消费价格涨幅3%左右", cpi, Decimal(3), "%", "~")
    over = Outcome(0, 4, "3.6%", "", Decimal("3.6"), "%")
    assert decide(target, over)[0] == "missed"
    capped = Target(0, 4, "4.5%以内", "城镇登记失业率4.5%以内", indicator_of("城镇登记失业率"), Decimal("4.5"), "%", "<=")
    assert decide(capped, Outcome(0, 4, "4.6%", "", Decimal("4.6"), "%"))[0] == "missed"
    # the alias ending nearest the number wins; of two ending together, the longer
    assert indicator_of("单位国内生产总值能耗下降3%").name == "单位国内生产总值能耗"
    assert indicator_of("货物进出口").name == "进出口"


def test_indicator_is_the_one_named_nearest_the_number():
    # A longer alias earlier in the clause does not take the figure of the indicator named right before it.
    assert indicator_of("城镇调查失业率平均为5.1%，居民消费价格上涨").name == "居民消费价格"
    assert indicator_of("居民消费价格上涨2%，城镇调查失业率").name == "城镇调查失业率"


def test_track_command_on_records_and_series(tmp_path, capsys):
    reports = tmp_path / "reports.jsonl"
    reports.write_text("".join(json.dumps({"id": f"r{y}", "year": str(y), "text": t}, ensure_ascii=False) + "\n"
                               for y, t in ((2030, EARLIER), (2031, LATER))), encoding="utf-8")
    out = tmp_path / "tracked.jsonl"
    assert main(["track", f"{reports}:r2030", f"{reports}:r2031", "--tagger", "rules", "-o", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    gdp = next(r for r in rows if r["indicator"] == "国内生产总值")
    assert LATER[gdp["outcome"]["start"]:gdp["outcome"]["end"]] == "5.3%"
    assert EARLIER[gdp["target"]["start"]:gdp["target"]["end"]] == gdp["target"]["text"]
    assert "| 2030 |" in capsys.readouterr().out
    assert main(["track", "--series", str(reports), "--tagger", "rules"]) == 0
    assert main(["track", f"{reports}:missing", f"{reports}:r2031", "--tagger", "rules"]) == 1
    assert "no record with id 'missing'" in capsys.readouterr().err
    assert main(["track", "--tagger", "rules"]) == 2


def test_track_writes_the_database_idempotently_and_the_report_shows_it(tmp_path):
    from extractor.db.build import build
    from extractor.db.query import run_query

    reports = tmp_path / "reports.jsonl"
    reports.write_text("".join(json.dumps({"id": f"r{y}", "year": str(y), "text": t}, ensure_ascii=False) + "\n"
                               for y, t in ((2030, EARLIER), (2031, LATER))), encoding="utf-8")
    notices = tmp_path / "notices.jsonl"
    assert main(["extract", str(reports), "--tagger", "rules", "-o", str(notices)]) == 0
    db = tmp_path / "r.duckdb"
    build([notices], db)
    for _ in range(2):
        assert main(["track", "--series", str(reports), "--tagger", "rules", "--db", str(db)]) == 0
    _, rows = run_query(db, "SELECT year, targets, met, missed, not_reported FROM fulfilment_by_year")
    assert rows == [(2030, 5, 3, 1, 1)]
    assert main(["report", str(db), "--by", "year", "-o", str(tmp_path / "rep")]) == 0
    page = (tmp_path / "rep" / "index.html").read_text(encoding="utf-8")
    assert 'id="fulfilment-table"' in page
    assert (tmp_path / "rep" / "fulfilment.csv").read_text(encoding="utf-8").splitlines()[1] == "2030,5,3,1,1"


def test_the_gold_pairs_are_standoff_only_and_split_by_year_pair():
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "annotations/fulfilment/pairs.jsonl"
    pairs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(pairs) >= 150 and len({p["pair_id"] for p in pairs}) == len(pairs)
    assert all("text" not in p["target"] and (p["outcome"] is None or "text" not in p["outcome"]) for p in pairs)
    assert all(p["decision"] in ("met", "missed", "not_reported") and len(p["earlier_sha256"]) == 64 for p in pairs)
    splits = {}
    for p in pairs:
        splits.setdefault((p["earlier_id"], p["later_id"]), set()).add(p["split"])
    assert all(len(s) == 1 for s in splits.values()) and len(splits) >= 12  # a year pair never straddles
