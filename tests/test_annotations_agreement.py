"""Agreement scoring on hand-computed cases: exact, overlap, missed, spurious, values, edited text."""

from __future__ import annotations

from extractor.annotations.agreement import Agreement, compare, select_sample, table

TEXT = "下一步，年底前新建中心12个，推动用人单位办托；尽快完善办法。"


def n(text: str, spans: list[tuple[int, int, str]], commitments: list[dict]) -> dict:
    return {"id": "a-1", "text": text, "metadata": {},
            "spans": [{"start": s, "end": e, "label": label} for s, e, label in spans], "commitments": commitments}


def pos(s: str, text: str = TEXT) -> tuple[int, int]:
    i = text.index(s)
    return i, i + len(s)


def first(text: str = TEXT) -> dict:
    d, m1, q = pos("年底前", text), pos("新建中心12个", text), pos("12个", text)
    m2, m3 = pos("推动用人单位办托", text), pos("完善办法", text)
    dl = {"span": list(d), "start": "2024-06-01", "end": "2024-12-31", "kind": "by"}
    return n(text, [(*d, "DEADLINE"), (*m1, "MEASURE"), (*q, "QUANTITY"), (*m2, "MEASURE"), (*m3, "MEASURE")],
             [{"measure": list(m1), "quantities": [{"span": list(q), "value": 12, "unit": "个", "comparator": "=",
                                                    "role": "target"}], "deadline": dl},
              {"measure": list(m2), "quantities": [], "deadline": None},
              {"measure": list(m3), "quantities": [], "deadline": None}])


def second() -> dict:
    d, m1, q = pos("年底前"), pos("新建中心12个"), pos("12个")
    m2 = pos("用人单位办托")  # boundary disagreement
    d2 = pos("尽快")  # 完善办法 missing, 尽快 spurious
    dl = {"span": list(d), "start": "2024-06-01", "end": "2024-12-31", "kind": "by"}
    return n(TEXT, [(*d, "DEADLINE"), (*m1, "MEASURE"), (*q, "QUANTITY"), (*m2, "MEASURE"), (*d2, "DEADLINE")],
             [{"measure": list(m1), "quantities": [{"span": list(q), "value": 12, "unit": "个", "comparator": ">=",
                                                    "role": "target"}], "deadline": dl},
              {"measure": list(m2), "quantities": [], "deadline": None}])


def test_counts_and_f1():
    result = Agreement()
    compare(first(), second(), result)
    m, q, d = (result.counts[x] for x in ("MEASURE", "QUANTITY", "DEADLINE"))
    assert (m.first, m.second, m.exact, m.overlap) == (3, 2, 1, 2)
    assert abs(m.f1(m.exact) - 2 * 1 / 5) < 1e-9 and abs(m.f1(m.overlap) - 2 * 2 / 5) < 1e-9
    assert (q.exact, d.first, d.second, d.exact) == (1, 1, 2, 1)
    kinds = sorted((x.kind, x.label) for x in result.disagreements)
    assert kinds == [("boundary", "MEASURE"), ("only-first", "MEASURE"), ("only-second", "DEADLINE"),
                     ("value", "QUANTITY")]
    assert result.values["quantity values"] == [0, 1] and result.values["deadline values"] == [1, 1]
    assert "| MEASURE | 3 | 2 | 1 | 0.400 | 2 | 0.800 |" in table(result)


def test_text_edited_after_the_second_pass_is_set_aside():
    edited = TEXT.replace("；", "；下半年开展检查；")
    gold = first(edited)
    extra = pos("开展检查", edited)
    gold["spans"].append({"start": extra[0], "end": extra[1], "label": "MEASURE"})
    gold["commitments"].append({"measure": list(extra), "quantities": [], "deadline": None})
    result = Agreement()
    compare(gold, first(), result)
    assert result.counts["MEASURE"].exact == 3 and result.counts["MEASURE"].first == 3
    assert [d.detail for d in result.set_aside] == ["'开展检查'"] and result.disagreements == []


def test_sample_is_seeded_and_spread_over_batches():
    batch_of = {f"n{i:02d}": f"train-{1 + i % 4}" for i in range(40)} | {"t1": "test-1"}
    ids = select_sample(batch_of, size=8)
    assert ids == select_sample(batch_of, size=8) and "t1" not in ids
    assert sorted(batch_of[i] for i in ids) == ["train-1", "train-1", "train-2", "train-2", "train-3", "train-3",
                                                "train-4", "train-4"]
