"""Convert gold notices (and extractor predictions) to Label Studio tasks and back.

The labeling config is ``annotations/labelstudio/config.xml``: a ``Labels`` control ``label`` on the
``Text`` object ``text``; per-region controls for quantity values (``q_value``, ``q_upper``, ``q_unit``
text areas; ``q_comparator``, ``q_role`` choices) and deadline values (``d_kind`` choices; ``d_start``,
``d_end`` text areas); relations ``quantity_of`` (QUANTITY -> MEASURE) and ``deadline_of``
(DEADLINE -> MEASURE) for the commitment links.

Label Studio counts offsets in UTF-16 code units (JavaScript strings); the notices count Python
characters. The two differ after any character outside the Basic Multilingual Plane, so offsets are
converted both ways. On import, an annotation without a single relation is linked by the automatic
rule of ``assemble.py`` (the annotator did not draw links); otherwise the relations are taken as drawn.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from pathlib import Path
from typing import Any

from extractor.assemble import link_deadlines, link_quantities
from extractor.schema import Span

FROM_LABEL, TO_TEXT = "label", "text"
Q_TEXT = {"value": "q_value", "upper": "q_upper", "unit": "q_unit"}
Q_CHOICE = {"comparator": "q_comparator", "role": "q_role"}
D_TEXT = {"start": "d_start", "end": "d_end"}
D_CHOICE = {"kind": "d_kind"}
REL_QUANTITY, REL_DEADLINE = "quantity_of", "deadline_of"
SHORT = {"MEASURE": "m", "QUANTITY": "q", "DEADLINE": "d"}


class Utf16:
    """Offset conversion between Python characters and UTF-16 code units for one text."""

    def __init__(self, text: str) -> None:
        self.astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]
        self.astral16 = [i + k + 2 for k, i in enumerate(self.astral)]  # utf-16 index just after each

    def to16(self, i: int) -> int:
        return i + bisect_right(self.astral, i - 1)

    def from16(self, j: int) -> int:
        return j - bisect_right(self.astral16, j)


def _number_text(value: Any) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def _parse_number(raw: str) -> int | float:
    raw = raw.strip()
    if re.fullmatch(r"-?\d+", raw):
        return int(raw)
    return float(raw)


def notice_result(notice: dict[str, Any], scores: dict[tuple[int, int, str], float] | None = None
                  ) -> list[dict[str, Any]]:
    """Label Studio result items for one notice's spans, values and links."""
    text = notice["text"]
    conv = Utf16(text)
    ids: dict[tuple[int, int, str], str] = {}
    out: list[dict[str, Any]] = []

    def region(rid: str, start: int, end: int, kind: str, from_name: str, payload: dict) -> dict:
        value = {"start": conv.to16(start), "end": conv.to16(end), **payload}
        return {"id": rid, "from_name": from_name, "to_name": TO_TEXT, "type": kind, "value": value}

    for i, s in enumerate(sorted(notice["spans"], key=lambda s: (s["start"], s["end"], s["label"]))):
        key = (s["start"], s["end"], s["label"])
        rid = f"{SHORT[s['label']]}{i}"
        ids[key] = rid
        item = region(rid, s["start"], s["end"], "labels", FROM_LABEL,
                      {"text": text[s["start"]:s["end"]], "labels": [s["label"]]})
        if scores is not None and key in scores:
            item["score"] = scores[key]
        out.append(item)
    done: set[str] = set()
    relations = []

    def link(span_id: str | None, values: dict[str, Any], label: str, relation: str,
             text_fields: dict[str, str], choice_fields: dict[str, str], mid: str | None) -> None:
        """A relation to the measure, and the span's value regions once per span."""
        if span_id is None or mid is None:
            raise ValueError(f"{notice['id']}: {label.lower()} {values['span']} or its measure has no span")
        relations.append({"type": "relation", "from_id": span_id, "to_id": mid, "direction": "right",
                          "labels": [relation]})
        if span_id in done:
            return
        done.add(span_id)
        for key, name in text_fields.items():
            if values.get(key) is not None:
                value = _number_text(values[key]) if label == "QUANTITY" else str(values[key])
                out.append(region(span_id, *values["span"], "textarea", name, {"text": [value]}))
        for key, name in choice_fields.items():
            out.append(region(span_id, *values["span"], "choices", name, {"choices": [values[key]]}))

    for c in notice["commitments"]:
        mid = ids.get((*c["measure"], "MEASURE"))
        for q in c["quantities"]:
            link(ids.get((*q["span"], "QUANTITY")), q, "QUANTITY", REL_QUANTITY, Q_TEXT, Q_CHOICE, mid)
        if c["deadline"] is not None:
            d = c["deadline"]
            link(ids.get((*d["span"], "DEADLINE")), d, "DEADLINE", REL_DEADLINE, D_TEXT, D_CHOICE, mid)
    return out + relations


def prediction_to_notice(pred: dict[str, Any], notice: dict[str, Any]) -> tuple[dict[str, Any], dict]:
    """A prediction record of the output contract as a notice dict (for ``notice_result``), and scores."""
    spans = {(s["start"], s["end"], s["label"]): s.get("score", 1.0) for s in pred.get("spans", [])}
    commitments = []
    for c in pred.get("commitments", []):
        m = c["measure"]
        spans.setdefault((m["start"], m["end"], "MEASURE"), c.get("score", 1.0))
        quantities = []
        for q in c.get("quantities", []):
            spans.setdefault((q["start"], q["end"], "QUANTITY"), 1.0)
            item = {"span": [q["start"], q["end"]], "value": q["value"], "unit": q["unit"],
                    "comparator": q.get("comparator", "="), "role": q.get("role", "target")}
            if q.get("upper") is not None:
                item["upper"] = q["upper"]
            quantities.append(item)
        d = c.get("deadline")
        deadline = None
        if d:
            spans.setdefault((d["start"], d["end"], "DEADLINE"), 1.0)
            deadline = {"span": [d["start"], d["end"]], "start": d.get("start_date"), "end": d.get("end_date"),
                        "kind": d["kind"]}
        commitments.append({"measure": [m["start"], m["end"]], "quantities": quantities, "deadline": deadline})
    as_notice = {"id": notice["id"], "text": notice["text"],
                 "spans": [{"start": s, "end": e, "label": label} for s, e, label in sorted(spans)],
                 "commitments": commitments}
    return as_notice, spans


def to_task(notice: dict[str, Any], prediction: dict[str, Any] | None = None, annotate: bool = True,
            model_version: str = "extractor") -> dict[str, Any]:
    meta = notice.get("metadata", {})
    data: dict[str, Any] = {"notice_id": notice["id"], "text": notice["text"], "meta": meta,
                            "meta_line": " · ".join(str(v) for v in meta.values() if v is not None)}
    if notice.get("notes") is not None:
        data["notes"] = notice["notes"]
    task: dict[str, Any] = {"data": data}
    if annotate:
        task["annotations"] = [{"result": notice_result(notice), "was_cancelled": False, "ground_truth": True}]
    if prediction is not None:
        as_notice, scores = prediction_to_notice(prediction, notice)
        score = min(scores.values()) if scores else 1.0
        task["predictions"] = [{"model_version": model_version, "score": score,
                                "result": notice_result(as_notice, scores)}]
    return task


def load_predictions(path: Path) -> dict[str, dict[str, Any]]:
    out = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                record = json.loads(line)
                out[str(record["notice_id"])] = record
    return out


def export_tasks(notices: list[dict[str, Any]], predictions: dict[str, dict[str, Any]] | None = None,
                 annotate: bool = True) -> list[dict[str, Any]]:
    predictions = predictions or {}
    return [to_task(n, predictions.get(n["id"]), annotate) for n in sorted(notices, key=lambda n: n["id"])]


def _annotation(task: dict[str, Any], use_predictions: bool) -> list[dict[str, Any]] | None:
    done = [a for a in task.get("annotations") or task.get("completions") or [] if not a.get("was_cancelled")]
    if done:
        latest = max(enumerate(done), key=lambda ia: (ia[1].get("updated_at") or ia[1].get("created_at") or "",
                                                       ia[0]))[1]
        return latest.get("result", [])
    if use_predictions and task.get("predictions"):
        return task["predictions"][-1].get("result", [])
    return None


def from_result(notice_id: str, text: str, metadata: dict[str, Any], result: list[dict[str, Any]],
                notes: list[str] | None = None) -> dict[str, Any]:
    """A gold notice dict from one Label Studio annotation result."""
    conv = Utf16(text)
    regions: dict[str, tuple[int, int, str]] = {}
    values: dict[str, dict[str, Any]] = {}
    relations = []
    for item in result:
        kind = item.get("type")
        if kind == "relation":
            relations.append(item)
            continue
        value = item.get("value", {})
        rid = item["id"]
        if kind == "labels":
            labels = value.get("labels") or []
            if len(labels) != 1:
                raise ValueError(f"{notice_id}: region {rid} has labels {labels}, expected exactly one")
            start, end = conv.from16(value["start"]), conv.from16(value["end"])
            regions[rid] = (start, end, labels[0])
        elif kind == "textarea":
            texts = [t for t in value.get("text", []) if str(t).strip()]
            if texts:
                values.setdefault(rid, {})[item["from_name"]] = str(texts[-1]).strip()
        elif kind == "choices":
            choices = value.get("choices") or []
            if choices:
                values.setdefault(rid, {})[item["from_name"]] = choices[0]
    by_key = {v: k for k, v in regions.items()}
    spans = sorted(regions.values(), key=lambda s: (s[0], s[1]))
    measures = [s for s in spans if s[2] == "MEASURE"]
    quantities = [s for s in spans if s[2] == "QUANTITY"]
    deadlines = [s for s in spans if s[2] == "DEADLINE"]
    q_owner: dict[tuple, tuple] = {}
    d_of: dict[tuple, tuple] = {}
    if relations:
        for r in relations:
            a, b = regions.get(r["from_id"]), regions.get(r["to_id"])
            if a is None or b is None:
                raise ValueError(f"{notice_id}: relation {r['from_id']} -> {r['to_id']} names a missing region")
            if a[2] == "MEASURE":  # drawn the other way round
                a, b = b, a
            if b[2] != "MEASURE" or a[2] == "MEASURE":
                raise ValueError(f"{notice_id}: relation between {a[2]} and {b[2]}; links go to a MEASURE")
            target = q_owner if a[2] == "QUANTITY" else d_of
            key = a if a[2] == "QUANTITY" else b
            val = b if a[2] == "QUANTITY" else a
            if key in target and target[key] != val:
                what = "QUANTITY" if a[2] == "QUANTITY" else "MEASURE"
                raise ValueError(f"{notice_id}: {what} at {key[0]} has two {a[2].lower()} links")
            target[key] = val
    else:
        as_spans = lambda xs: [Span(start=s, end=e, label=label) for s, e, label in xs]
        for qi, mi in link_quantities(as_spans(measures), as_spans(quantities), text).items():
            q_owner[quantities[qi]] = measures[mi]
        for mi, di in link_deadlines(as_spans(measures), as_spans(deadlines), text).items():
            d_of[measures[mi]] = deadlines[di]

    def quantity(q: tuple) -> dict[str, Any]:
        v = values.get(by_key[q], {})
        if Q_TEXT["value"] not in v or Q_TEXT["unit"] not in v:
            raise ValueError(f"{notice_id}: QUANTITY {text[q[0]:q[1]]!r} at {q[0]} needs a value and a unit")
        out = {"span": [q[0], q[1]], "value": _parse_number(v[Q_TEXT["value"]]), "unit": v[Q_TEXT["unit"]],
               "comparator": v.get(Q_CHOICE["comparator"], "="), "role": v.get(Q_CHOICE["role"], "target")}
        if Q_TEXT["upper"] in v:
            out["upper"] = _parse_number(v[Q_TEXT["upper"]])
        return out

    def deadline(d: tuple) -> dict[str, Any]:
        v = values.get(by_key[d], {})
        if D_CHOICE["kind"] not in v:
            raise ValueError(f"{notice_id}: DEADLINE {text[d[0]:d[1]]!r} at {d[0]} needs a kind")
        return {"span": [d[0], d[1]], "start": v.get(D_TEXT["start"]), "end": v.get(D_TEXT["end"]),
                "kind": v[D_CHOICE["kind"]]}

    commitments = []
    for m in measures:
        commitments.append({
            "measure": [m[0], m[1]],
            "quantities": [quantity(q) for q in quantities if q_owner.get(q) == m],
            "deadline": deadline(d_of[m]) if m in d_of else None,
        })
    notice: dict[str, Any] = {"id": notice_id, "text": text, "metadata": metadata,
                              "spans": [{"start": s, "end": e, "label": label} for s, e, label in spans],
                              "commitments": commitments}
    if notes is not None:
        notice["notes"] = notes
    return notice


_FILE_NAME = re.compile(r"[^/\\\x00]{1,200}")


def import_tasks(tasks: list[dict[str, Any]], use_predictions: bool = False
                 ) -> tuple[list[dict[str, Any]], list[str]]:
    """Notices from Label Studio tasks, and warnings for tasks skipped (no annotation)."""
    notices, warnings = [], []
    for i, task in enumerate(tasks):
        data = task.get("data", {})
        nid = str(data.get("notice_id") or data.get("id") or task.get("id") or f"task-{i}")
        if nid in (".", "..") or not _FILE_NAME.fullmatch(nid):  # the id becomes OUTPUT/<id>.json
            raise ValueError(f"task {i}: notice id {nid!r} is not a plain file name (no /, \\ or NUL); "
                             "rename it in the task data")
        result = _annotation(task, use_predictions)
        if result is None:
            warnings.append(f"{nid}: no submitted annotation, skipped")
            continue
        notices.append(from_result(nid, data["text"], dict(data.get("meta") or {}), result, data.get("notes")))
    return notices, warnings
