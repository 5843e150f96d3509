"""Render an evaluation report (the dict of ``score.evaluate``) as JSON, Markdown and one self-contained
HTML page (inline CSS, no scripts or external assets), and as the plain table printed on the terminal.

In the error listings gold boundaries are marked ⟦…⟧ and predicted boundaries ⟨…⟩, inside the clause
that holds the span.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from eval.spans import COUNT_FIELDS, GROUPS, SCENARIO_TITLES, SCENARIOS
from extractor.io import atomic_open

GOLD_MARKS, PRED_MARKS = ("⟦", "⟧"), ("⟨", "⟩")
MD_ERROR_LIMIT = 200
KIND_ORDER = ("missed", "spurious", "boundary", "type")


def _num(x: float | None, digits: int = 3) -> str:
    return "n/a" if x is None else f"{x:.{digits}f}"


def _interval(h: dict[str, float] | None) -> str:
    return "n/a" if h is None else f"{h['value']:.3f} [{h['low']:.3f}, {h['high']:.3f}]"


def _delta(d: dict[str, Any] | None) -> str:
    if d is None:
        return "n/a"
    star = " *" if d["significant"] else ""
    p = "p<0.001" if d["p_value"] < 0.001 else f"p={d['p_value']:.3f}"
    return f"{d['delta']:+.3f} [{d['low']:+.3f}, {d['high']:+.3f}] {p}{star}"


def headline_rows(report: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    systems = list(report["systems"])
    header = ["metric", *systems] + [f"Δ {c['b']} − {c['a']}" for c in report["comparisons"]]
    rows = []
    for key, title in report["settings"]["headlines"].items():
        row = [title] + [_interval(report["systems"][s]["headlines"][key]) for s in systems]
        row += [_delta(c["headlines"][key]) for c in report["comparisons"]]
        rows.append(row)
    return header, rows


def _md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] * len(header)) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def _plain_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    fmt = lambda r: "  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
    return "\n".join([fmt(header), fmt(["-" * w for w in widths]), *map(fmt, rows)])


def terminal_table(report: dict[str, Any]) -> str:
    g = report["gold"]
    head = (f"gold: {g['notices']} notices ({g['split'] or 'all'}), {g['commitments']} commitments, spans "
            + ", ".join(f"{k} {v}" for k, v in g["spans"].items())
            + f"; 95% bootstrap intervals over notices ({report['settings']['resamples']} resamples, "
              f"seed {report['settings']['seed']}); * = paired bootstrap interval excludes 0")
    return head + "\n\n" + _plain_table(*headline_rows(report))


def span_rows(system: dict[str, Any]) -> list[list[str]]:
    rows = []
    for group in GROUPS:
        for scenario in SCENARIOS:
            r = system["spans"][group][scenario]
            rows.append([group, SCENARIO_TITLES[scenario], *(str(r[f]) for f in COUNT_FIELDS),
                         _num(r["precision"]), _num(r["recall"]), _num(r["f1"])])
    return rows


SPAN_HEADER = ["group", "scenario", *COUNT_FIELDS, "P", "R", "F1"]
TOKEN_HEADER = ["layer", "label", "P", "R", "F1", "support"]
CHAR_HEADER = ["label", "P", "R", "F1", "gold chars", "predicted chars"]


def token_rows(system: dict[str, Any]) -> list[list[str]]:
    return [[layer, label, _num(r["precision"]), _num(r["recall"]), _num(r["f1"]), str(r["support"])]
            for layer, labels in system["seqeval"].items() for label, r in labels.items()]


def char_rows(system: dict[str, Any]) -> list[list[str]]:
    return [[label, _num(r["precision"]), _num(r["recall"]), _num(r["f1"]), str(r["support"]), str(r["predicted"])]
            for label, r in system["chars"].items()]


COMMITMENT_ROWS = [
    ("gold commitments", "gold"), ("predicted", "pred"), ("matched (measure overlap, one-to-one)", "matched"),
    ("precision", "precision"), ("recall", "recall"), ("F1", "f1"),
    ("F1, exact measure boundaries", "exact_f1"),
    ("target quantities in matched commitments", "target_gold"), ("target value accuracy", "target_value_acc"),
    ("target unit accuracy", "target_unit_acc"), ("target comparator accuracy", "target_comparator_acc"),
    ("target all-fields accuracy", "target_all_acc"),
    ("matched commitments with a gold deadline", "deadline_gold"), ("deadline kind accuracy", "deadline_kind_acc"),
    ("deadline start accuracy", "deadline_start_acc"), ("deadline end accuracy", "deadline_end_acc"),
    ("deadline all-fields accuracy", "deadline_all_acc"),
    ("predicted deadline where gold has none", "deadline_spurious"),
    ("quantified gold commitments", "quantified_gold"),
    ("quantified commitments entirely right (share)", "quantified_right_share"),
]


def commitment_rows(system: dict[str, Any]) -> list[list[str]]:
    c = system["commitments"]
    if c is None:
        return [["commitments", "n/a (the system links no commitments)"]]
    return [[title, str(c[key]) if isinstance(c[key], int) else _num(c[key])] for title, key in COMMITMENT_ROWS]


def marked(error: dict[str, Any], escape: bool = False) -> str:
    """The error's clause with gold ⟦…⟧ and predicted ⟨…⟩ boundaries inserted."""
    a, b = error["context"]
    text = error["text"]
    events = []  # (position, order, marker); closings sort before openings at one position
    for spans, (op, cl), cls in ((error["gold"], GOLD_MARKS, "g"), (error["pred"], PRED_MARKS, "p")):
        for s, e, _ in spans:
            events.append((max(s, a) - a, 1 if cls == "g" else 2, op, cls))
            events.append((min(e, b) - a, 0 if cls == "p" else 0.5, cl, cls))  # inner (pred) closes first
    out, cursor = [], 0
    for pos, _, marker, cls in sorted(events):
        piece = text[cursor:pos]
        out.append(html.escape(piece) if escape else piece)
        out.append(f'<b class="{cls}">{marker}</b>' if escape else marker)
        cursor = pos
    rest = text[cursor:]
    out.append(html.escape(rest) if escape else rest)
    return "".join(out)


def _sorted_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(errors, key=lambda e: (KIND_ORDER.index(e["kind"]), e["label"], e["notice_id"], e["context"][0]))


def _error_counts(errors: list[dict[str, Any]]) -> str:
    counts: dict[tuple[str, str], int] = {}
    for e in errors:
        counts[(e["kind"], e["label"])] = counts.get((e["kind"], e["label"]), 0) + 1
    return ", ".join(f"{k} {lab}: {n}" for (k, lab), n in sorted(counts.items(), key=lambda kv: (
        KIND_ORDER.index(kv[0][0]), kv[0][1])))


def to_markdown(report: dict[str, Any]) -> str:
    g = report["gold"]
    parts = ["# Evaluation report", ""]
    if report.get("command"):
        parts += [f"Command: `{report['command']}`", ""]
    parts += [f"Gold: {g['notices']} notices from {g['source']}, split {g['split'] or 'all'}"
              + (f" ({g['split_source']})" if g.get("split_source") else "")
              + f"; {g['commitments']} commitments; spans " + ", ".join(f"{k} {v}" for k, v in g["spans"].items()),
              "", "## Headline scores",
              "", ("F1 with a 95% bootstrap interval over notices; Δ = paired bootstrap against the first system "
                  "(* where the interval excludes 0). n/a: the system does not produce that label or level."), "",
              _md_table(*headline_rows(report)), ""]
    for name, s in report["systems"].items():
        parts += [f"## {name}", "", s["description"], ""]
        if s["notes"]:
            parts += [f"- {n}" for n in s["notes"][:20]] + ([f"- … {len(s['notes']) - 20} more"]
                                                            if len(s["notes"]) > 20 else []) + [""]
        parts += ["### Spans (nervaluate scenarios, per label and layer)", "", _md_table(SPAN_HEADER, span_rows(s)), "",
                  "### Tokens (seqeval, strict IOB2, per layer)", "", _md_table(TOKEN_HEADER, token_rows(s)), "",
                  "### Characters", "", _md_table(CHAR_HEADER, char_rows(s)), "",
                  "### Commitments", "", _md_table(["measure", "value"], commitment_rows(s)), ""]
        errors = _sorted_errors(s["errors"])
        parts += [f"### Errors ({len(errors)}: {_error_counts(errors) or 'none'})", "",
                  "Gold ⟦…⟧, predicted ⟨…⟩." + (f" First {MD_ERROR_LIMIT} shown; report.html and report.json "
                                                 "list all." if len(errors) > MD_ERROR_LIMIT else ""), ""]
        parts += [f"- {e['kind']} {e['label']} `{e['notice_id']}`: {marked(e)}" for e in errors[:MD_ERROR_LIMIT]]
        parts.append("")
    return "\n".join(parts)


CSS = """
body{font-family:system-ui,"Noto Sans CJK SC","PingFang SC",sans-serif;margin:2em;max-width:1200px;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left}
th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums}
b.g{color:#0a7d32}b.p{color:#c0262d}.ctx{line-height:1.8}.kind{font-weight:600}
details{margin:.5em 0}summary{cursor:pointer;font-weight:600}
"""


def _html_table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(
        f'<td class="n">{html.escape(c)}</td>' if c[:1].isdigit() or c[:1] in "+-" else f"<td>{html.escape(c)}</td>"
        for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def to_html(report: dict[str, Any]) -> str:
    g = report["gold"]
    esc = html.escape
    parts = ["<!DOCTYPE html><html lang=\"zh\"><head><meta charset=\"utf-8\"><title>Evaluation report</title>",
             f"<style>{CSS}</style></head><body><h1>Evaluation report</h1>"]
    if report.get("command"):
        parts.append(f"<p>Command: <code>{esc(report['command'])}</code></p>")
    parts.append(f"<p>Gold: {g['notices']} notices from {esc(g['source'])}, split {esc(g['split'] or 'all')}; "
                 f"{g['commitments']} commitments; spans "
                 + esc(", ".join(f"{k} {v}" for k, v in g["spans"].items())) + "</p>")
    parts += [("<h2>Headline scores</h2><p>F1 with a 95% bootstrap interval over notices; Δ = paired bootstrap "
              "against the first system (* where its interval excludes 0).</p>"), _html_table(*headline_rows(report))]
    for name, s in report["systems"].items():
        parts.append(f"<h2 id=\"{esc(name)}\">{esc(name)}</h2><p>{esc(s['description'])}</p>")
        if s["notes"]:
            parts.append("<details><summary>notes</summary><ul>"
                         + "".join(f"<li>{esc(n)}</li>" for n in s["notes"]) + "</ul></details>")
        parts += ["<h3>Spans (nervaluate scenarios, per label and layer)</h3>", _html_table(SPAN_HEADER, span_rows(s)),
                  "<h3>Tokens (seqeval, strict IOB2, per layer)</h3>", _html_table(TOKEN_HEADER, token_rows(s)),
                  "<h3>Characters</h3>", _html_table(CHAR_HEADER, char_rows(s)),
                  "<h3>Commitments</h3>", _html_table(["measure", "value"], commitment_rows(s))]
        errors = _sorted_errors(s["errors"])
        parts.append(f"<h3>Errors ({len(errors)})</h3><p>Gold boundaries <b class=\"g\">⟦…⟧</b>, predicted "
                     f"<b class=\"p\">⟨…⟩</b>, shown in the clause that holds the span.</p>")
        for kind in KIND_ORDER:
            group = [e for e in errors if e["kind"] == kind]
            if not group:
                continue
            rows = "".join(f"<tr><td>{esc(e['label'])}</td><td>{esc(e['notice_id'])}</td>"
                           f"<td class=\"n\">{e['context'][0]}</td><td class=\"ctx\">{marked(e, escape=True)}</td></tr>"
                           for e in group)
            parts.append(f"<details><summary>{kind} ({len(group)})</summary><table><thead><tr><th>label</th>"
                         f"<th>notice</th><th>offset</th><th>clause</th></tr></thead><tbody>{rows}</tbody></table>"
                         "</details>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_reports(report: dict[str, Any], out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / "report.json", out_dir / "report.md", out_dir / "report.html"]
    contents = [json.dumps(report, ensure_ascii=False, indent=1, default=str) + "\n", to_markdown(report),
                to_html(report) + "\n"]
    for path, content in zip(paths, contents, strict=True):
        with atomic_open(path) as fh:
            fh.write(content)
        path.chmod(0o644)  # atomic_open's temporary file is private; a report is for reading
    return paths
