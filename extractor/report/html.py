"""Write the report folder: index.html (summary, groups table, figures, method), notices.html (every
notice, linked to its review page), notices/<id>.html (review pages), CSV tables and figure files.
Pages are self-contained (CSS, JS and figures inline) and contain no date or absolute path, so the same
input gives byte-identical files."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from extractor.csvsafe import safe_cell
from extractor.report.aggregates import ALL, LEVELS, SHARES, GroupStats, Share
from extractor.report.assets import CSS, JS
from extractor.report.figures import Figure
from extractor.report.load import NoticeFacts
from extractor.report.review import commitments_table, esc, highlight, review_spans

BY_LABELS = {"district": "district", "issuer": "issuing body", "level": "level", "year": "year", "topic": "topic"}
REVIEW_DIR = "notices"
SHARE_HEADS = {"quantified": "Quantified", "dated": "Dated deadline", "vague": "Vague deadline", "hedged": "Hedged"}


@dataclass(frozen=True)
class Context:
    by: str
    source_name: str
    source_sha256: str
    fmt: str
    version: str
    min_notices: int


def write_file(path: Path, data: str | bytes) -> None:
    """Atomic write through the one atomic writer (extractor.io.atomic_open)."""
    from extractor.io import atomic_open

    with atomic_open(path, "wb") as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)


def group_anchor(key: str) -> str:
    return "g-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def pct(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value * 100:.{digits}f}%"


def num(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def page(title: str, body: str, ctx: Context, body_class: str = "") -> str:
    cls = f' class="{body_class}"' if body_class else ""
    return (f'<!DOCTYPE html>\n<html lang="zh-Hans"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta name="generator" content="commitment-extractor {esc(ctx.version)}">'
            f"<title>{esc(title)}</title><style>{CSS}</style></head><body{cls}>{body}"
            f"<footer>commitment-extractor {esc(ctx.version)} · input <code>{esc(ctx.source_name)}</code> "
            f"sha256 <code>{ctx.source_sha256[:16]}</code></footer><script>{JS}</script></body></html>\n")


def _share_cell(s: Share) -> str:
    sort = "" if s.value is None else f"{s.value:.6f}"
    ci = f'<span class="ci">{pct(s.low)}–{pct(s.high)}</span>' if s.low is not None else ""
    return (f'<td class="num share" data-sort="{sort}"><span class="v">{pct(s.value)}</span> '
            f'<span class="k">{s.k}/{s.n}</span>{ci}</td>')


def _counts(items: Sequence[tuple[str, int]]) -> str:
    return "、".join(f"{esc(k)} {v}" for k, v in items)


def _group_row(g: GroupStats, ctx: Context, link: bool = True) -> str:
    name = (f'<a href="notices.html#{group_anchor(g.key)}">{esc(g.key)}</a>' if link else esc(g.key))
    badge = (f' <span class="badge" title="fewer than {ctx.min_notices} notices: numbers are unstable">'
             f"few notices</span>" if g.caution and link else "")
    ci = (f'<span class="ci">{num(g.per_notice_low)}–{num(g.per_notice_high)}</span>'
          if g.per_notice_low is not None and g.notices > 1 else "")
    horizon = (f'{num(g.horizon_median)} <span class="k">n={g.horizon_n}</span><span class="ci">IQR '
               f"{num(g.horizon_q1)}–{num(g.horizon_q3)}</span>" if g.horizon_median is not None else "–")
    cells = [
        f'<td data-sort="{esc(g.key)}">{name}{badge}</td>',
        f'<td class="num notices" data-sort="{g.notices}">{g.notices}</td>',
        f'<td class="num failed" data-sort="{g.failed}">{g.failed}</td>',
        f'<td class="num commitments" data-sort="{g.commitments}">{g.commitments}</td>',
        (f'<td class="num per-notice" data-sort="{"" if g.per_notice is None else f"{g.per_notice:.6f}"}">'
        f"{num(g.per_notice)}{ci}</td>"),
        *(_share_cell(g.shares[name]) for name in SHARES),
        (f'<td class="num horizon" data-sort="{"" if g.horizon_median is None else f"{g.horizon_median:.6f}"}">'
        f"{horizon}</td>"),
        f'<td class="list">{_counts(g.units)}</td>', f'<td class="list">{_counts(g.verbs)}</td>',
    ]
    cls = ' class="caution"' if g.caution and link else ""
    return f'<tr{cls} data-group="{esc(g.key)}">{"".join(cells)}</tr>'


def groups_table(groups: Sequence[GroupStats], overall: GroupStats, ctx: Context) -> str:
    heads = ["", "Notices", "Failed", "Commitments", "Per notice", *(SHARE_HEADS[s] for s in SHARES),
             "Horizon (months)", "Top quantity units", "Top measure verbs"]
    heads[0] = BY_LABELS[ctx.by].capitalize()
    th = "".join(f'<th class="{"num" if 0 < i < 10 else ""}">{esc(h)}</th>' for i, h in enumerate(heads))
    body = "".join(_group_row(g, ctx) for g in groups)
    return (f'<div class="scroll"><table id="groups-table" class="sortable"><thead><tr>{th}</tr></thead>'
            f"<tbody>{body}</tbody><tfoot>{_group_row(overall, ctx, link=False)}</tfoot></table></div>")


SPECIFICITY_HEADS = {0: "0 rhetorical", 1: "1 concrete", 2: "2 quantified or dated", 3: "3 both"}


def specificity_table(groups: Sequence[GroupStats], overall: GroupStats, ctx: Context) -> str:
    """Distribution of specificity levels per group: share of commitments at each level, Wilson interval."""
    th = f"<th>{esc(BY_LABELS[ctx.by].capitalize())}</th><th class=\"num\">With a level</th>" + "".join(
        f'<th class="num">{esc(SPECIFICITY_HEADS[lv])}</th>' for lv in LEVELS)

    def row(g: GroupStats) -> str:
        n = g.specificity[LEVELS[0]].n if g.specificity else 0
        cells = "".join(_share_cell(g.specificity[lv]) for lv in LEVELS) if g.specificity else ""
        return (f'<tr data-group="{esc(g.key)}"><td data-sort="{esc(g.key)}">{esc(g.key)}</td>'
                f'<td class="num" data-sort="{n}">{n}</td>{cells}</tr>')

    return (f'<div class="scroll"><table id="specificity-table" class="sortable"><thead><tr>{th}</tr></thead>'
            f'<tbody>{"".join(row(g) for g in groups)}</tbody><tfoot>{row(overall)}</tfoot></table></div>')


def _cards(overall: GroupStats) -> str:
    cards = [(overall.notices, "notices"), (overall.commitments, "commitments"),
             (num(overall.per_notice), "commitments per notice"),
             (pct(overall.shares["quantified"].value), "quantified"),
             (pct(overall.shares["dated"].value), "with a dated deadline"),
             (pct(overall.shares["hedged"].value), "hedged"),
             (num(overall.horizon_median), "median horizon, months")]
    return '<div class="cards" id="overall">' + "".join(
        f'<div class="card"><span class="v">{esc(v)}</span><span class="l">{esc(label)}</span></div>'
        for v, label in cards) + "</div>"


def _figure(f: Figure) -> str:
    data = base64.b64encode(f.svg).decode("ascii")
    return (f'<figure id="fig-{f.name}"><img alt="{esc(f.title)}" src="data:image/svg+xml;base64,{data}">'
            f'<figcaption><b>{esc(f.title)}.</b> {esc(f.caption)} Files: <a href="figures/{f.name}.svg">SVG</a>, '
            f'<a href="figures/{f.name}.png">PNG</a>.</figcaption></figure>')


def method(ctx: Context) -> str:
    items = [
        ("Unit", ("A commitment is one extracted measure with its quantities, deadline and modality. Notices whose "
                 "extraction failed are counted under Failed and left out of every other number.")),
        ("Quantified", "the commitment has at least one target quantity (qualifiers such as 百亩级 do not count)."),
        ("Dated deadline", ("a deadline of kind by or period that resolves to an end date. Vague deadlines "
                           "(尽快, 逐步 …) are counted separately.")),
        ("Hedged", "modality aspirational (力争, 争取 …) or exploratory (探索, 研究 …)."),
        ("Specificity", ("0 rhetorical (a generic verb with an abstract object: 加强监督管理), 1 concrete (a "
                        "checkable action or object), 2 a target quantity or a dated deadline, 3 both; the rubric "
                        "is in annotations/GUIDELINES.md, the rule score in extractor/rules/specificity.py.")),
        ("Horizon", ("months (30.4375 days) from the notice date to the deadline's end date; median with the "
                    "interquartile range, over dated deadlines of notices that carry a date. A negative value is "
                    "a deadline that ended before the notice.")),
        ("Intervals", ("shares carry a Wilson score 95% interval over commitments. Commitments of one notice are "
                      "not independent, so groups.csv also gives a cluster-bootstrap interval that resamples "
                      "notices (1000 draws, seeded by the group name). Commitments per notice carry that bootstrap "
                      "interval.")),
        ("Caution", (f"groups with fewer than {ctx.min_notices} notices are marked few notices (hollow dots and * "
                    f"in the figures); their numbers describe a handful of documents, not a district's practice.")),
        ("Measure verbs", ("the earliest verb of a fixed policy-verb lexicon found in the measure "
                          "(prepositions such as 会同, 按照 are skipped). Measures without one count as "
                          "(其他) in verbs.csv and are left out of the table.")),
        ("Groups", {"district": "the finest region the notice names, qualified by province and city; "
                                "city- and province-level notices form their own groups.",
                    "issuer": "the issuing body (发布机构, else the signature).",
                    "level": "district, city or province of the issuing body.",
                    "year": "the year of the notice date.",
                    "topic": "the topic in the notice metadata."}[ctx.by]
         + " Notices without it are grouped under (unknown)."),
        ("Extraction", ("numbers describe what the extractor found, errors included; open a notice's review "
                       "page to check it against the text.")),
    ]
    return '<dl class="method">' + "".join(f"<dt>{esc(a)}</dt><dd>{esc(b)}</dd>" for a, b in items) + "</dl>"


def fulfilment_table(rows: Sequence[tuple]) -> str:
    """Per year of the earlier report: targets tracked and their verdicts (`commitments track --db`)."""
    head = "".join(f'<th class="{"num" if i else ""}">{h}</th>' for i, h in
                   enumerate(("Year", "Targets", "Met", "Missed", "Not reported", "Met, of reported")))
    body = "".join(
        f'<tr><td>{esc(str(y))}</td><td class="num">{n}</td><td class="num">{met}</td><td class="num">{missed}</td>'
        f'<td class="num">{nr}</td><td class="num">{pct(met / (met + missed)) if met + missed else "–"}</td></tr>'
        for y, n, met, missed, nr in rows)
    return (f'<div class="scroll"><table id="fulfilment-table"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>")


def fulfilment_csv(rows: Sequence[tuple]) -> str:
    return _csv([list(r) for r in rows], ["year", "targets", "met", "missed", "not_reported"])


def index_page(groups: Sequence[GroupStats], overall: GroupStats, figures: Sequence[Figure], ctx: Context,
               has_review: bool, fulfilment: Sequence[tuple] = ()) -> str:
    label = BY_LABELS[ctx.by]
    few = sum(g.caution for g in groups)
    notes = []
    if few:
        notes.append(f"{few} of {len(groups)} groups have fewer than {ctx.min_notices} notices (marked few notices): "
                     f"read their intervals, not their point values.")
    if ctx.fmt != "jsonl":
        notes.append(f"The input is {ctx.fmt}: it holds no notice text and no topic, so there are no review "
                     f"pages and no topic groups. Use the JSONL output for these.")
    if overall.failed:
        notes.append(f"{overall.failed} notices failed extraction and are left out of the numbers.")
    notes_html = "".join(f'<p class="note">{esc(n)}</p>' for n in notes)
    csv_links = " · ".join(f'<a href="{n}">{n}</a>' for n in ("groups.csv", "notices.csv", "units.csv", "verbs.csv"))
    body = (
        f"<header><h1>Commitments in reply notices, by {esc(label)}</h1>"
        f'<p class="meta">{overall.notices + overall.failed} notices ({overall.failed} failed), '
        f"{overall.commitments} commitments, {len(groups)} groups · input <code>{esc(ctx.source_name)}</code> "
        f"({esc(ctx.fmt)}, sha256 <code>{ctx.source_sha256[:16]}</code>)</p>"
        f'<nav><a href="#groups">Groups</a><a href="#specificity">Specificity</a><a href="#figures">Figures</a><a href="#method">Method</a>'
        f'<a href="notices.html">All notices{" and review pages" if has_review else ""}</a></nav></header><main>'
        f"{_cards(overall)}{notes_html}"
        f'<h2 id="groups">By {esc(label)}</h2><p class="meta">Shares are of commitments (count/total), with '
        f"the Wilson 95% interval below; per notice: mean with a bootstrap 95% interval; horizon: median with the "
        f"interquartile range. Click a column to sort, a group for its notices. Tables as CSV: {csv_links}.</p>"
        f"{groups_table(groups, overall, ctx)}"
        f'<h2 id="specificity">Specificity by {esc(label)}</h2><p class="meta">Share of commitments at each '
        f"specificity level (annotations/GUIDELINES.md: 0 rhetorical, 1 concrete, 2 a target quantity or a "
        f"dated deadline, 3 both), with the Wilson 95% interval; groups.csv adds the notice-bootstrap "
        f"interval.</p>{specificity_table(groups, overall, ctx)}"
        + (f'<h2 id="fulfilment">Fulfilment by year</h2><p class="meta">Quantified targets of each year\'s report '
           f"against the outcomes the next report states (<code>commitments track</code>; rules and tolerance in "
           f"extractor/fulfilment/track.py).</p>{fulfilment_table(fulfilment)}" if fulfilment else "")
        + f'<h2 id="figures">Figures</h2>{"".join(_figure(f) for f in figures)}'
        f'<h2 id="method">Method and definitions</h2>{method(ctx)}</main>'
    )
    return page(f"Commitments by {label}", body, ctx)


def notices_page(groups: Sequence[GroupStats], notices: dict[str, NoticeFacts], names: dict[str, str],
                 ctx: Context) -> str:
    label = BY_LABELS[ctx.by]
    bodies = []
    for g in groups:
        rows = []
        for nid in g.notice_ids:
            n = notices[nid]
            link = f'<a href="{REVIEW_DIR}/{esc(names[nid])}">{esc(nid)}</a>' if nid in names else esc(nid)
            c = n.commitments
            rows.append(
                f"<tr><td>{link}</td><td>{esc(n.date.isoformat() if n.date else '')}</td><td>{esc(n.issuer)}</td>"
                f'<td class="num">{len(c)}</td><td class="num">{sum(x.quantified for x in c)}</td>'
                f'<td class="num">{sum(x.dated for x in c)}</td><td class="num">{sum(x.hedged for x in c)}</td>'
                f'<td class="error">{esc(n.error)}</td></tr>')
        bodies.append(f'<tbody id="{group_anchor(g.key)}"><tr><th colspan="8">{esc(g.key)} · {g.notices} notices'
                      f'{" · few notices" if g.caution else ""}</th></tr>{"".join(rows)}</tbody>')
    body = (f'<header><h1>Notices by {esc(label)}</h1><nav><a href="index.html">Back to the report</a></nav></header>'
            f'<main><input class="filter" type="search" placeholder="Filter notices…" data-table="notices-table">'
            f'<table id="notices-table"><thead><tr><th>Notice</th><th>Date</th><th>Issuer</th>'
            f'<th class="num">Commitments</th><th class="num">Quantified</th><th class="num">Dated</th>'
            f'<th class="num">Hedged</th><th>Error</th></tr></thead>{"".join(bodies)}</table></main>')
    return page(f"Notices by {label}", body, ctx)


def review_page(n: NoticeFacts, group: str, ctx: Context) -> str:
    e = n.extraction
    assert e is not None
    meta = e.metadata
    facts = [("Date", e.date.isoformat() if e.date else None), ("Issuer", n.issuer), ("Level", meta.get("level")),
             ("Kind", meta.get("kind")), ("Topic", meta.get("topic")), (BY_LABELS[ctx.by].capitalize(), group),
             ("Source", e.source)]
    meta_html = " · ".join(f"{esc(k)}: {esc(v)}" for k, v in facts if v)
    spans = review_spans(e)
    if e.text is None:
        text = '<p class="note">The input holds no text for this notice.</p>'
    else:
        text = f'<div class="text" id="text">{highlight(e.text, spans)}</div>'
    counts = {lab: sum(1 for s in spans if s[2] == lab) for lab in ("MEASURE", "QUANTITY", "DEADLINE")}
    legend = "".join(f'<mark class="hl {lab}">{lab} {k}</mark>' for lab, k in counts.items())
    error = f'<p class="error">Extraction failed: {esc(e.error)}</p>' if e.error else ""
    body = (f'<header><h1>{esc(e.notice_id)}</h1><p class="meta">{meta_html}</p>'
            f'<nav><a href="../index.html">Report</a><a href="../notices.html#{group_anchor(group)}">Notices of '
            f'{esc(group)}</a></nav></header><main>{error}<p class="legend">{legend} '
            f'<label><input type="checkbox" id="show-labels" checked> show labels</label></p>'
            f'<div class="review"><section class="pane">{text}</section><section class="pane">'
            f"<h3>{len(e.commitments)} commitments</h3>{commitments_table(e)}</section></div></main>")
    return page(f"{e.notice_id} – review", body, ctx, body_class="labels")


def _csv(rows: Sequence[Sequence[object]], header: Sequence[str]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else f"{v:.6g}" if isinstance(v, float) else safe_cell(v) for v in row])
    return buf.getvalue()


def groups_csv(groups: Sequence[GroupStats], overall: GroupStats, by: str) -> str:
    header = [by, "notices", "failed", "commitments", "per_notice", "per_notice_low", "per_notice_high"]
    for s in SHARES:
        header += [f"{s}_k", f"{s}_share", f"{s}_wilson_low", f"{s}_wilson_high", f"{s}_cluster_low",
                   f"{s}_cluster_high"]
    header += ["horizon_n", "horizon_median", "horizon_q1", "horizon_q3", "top_units", "top_verbs", "caution"]
    for lv in LEVELS:
        header += [f"specificity{lv}_k", f"specificity{lv}_share", f"specificity{lv}_wilson_low",
                   f"specificity{lv}_wilson_high", f"specificity{lv}_cluster_low", f"specificity{lv}_cluster_high"]
    rows = []
    for g in [*groups, overall]:
        row: list[object] = [g.key, g.notices, g.failed, g.commitments, g.per_notice, g.per_notice_low,
                             g.per_notice_high]
        for s in SHARES:
            sh = g.shares[s]
            row += [sh.k, sh.value, sh.low, sh.high, sh.cluster_low, sh.cluster_high]
        row += [g.horizon_n, g.horizon_median, g.horizon_q1, g.horizon_q3,
                "; ".join(f"{k} {v}" for k, v in g.units), "; ".join(f"{k} {v}" for k, v in g.verbs),
                int(g.caution) if g.key != ALL else ""]
        for lv in LEVELS:
            sh = g.specificity.get(lv)
            row += [sh.k, sh.value, sh.low, sh.high, sh.cluster_low, sh.cluster_high] if sh else [None] * 6
        rows.append(row)
    return _csv(rows, header)


def notices_csv(notices: Sequence[NoticeFacts], by: str) -> str:
    rows = [[n.notice_id, n.keys[by], n.date.isoformat() if n.date else "", n.issuer, n.error, len(n.commitments),
             sum(c.quantified for c in n.commitments), sum(c.dated for c in n.commitments),
             sum(c.vague for c in n.commitments), sum(c.hedged for c in n.commitments)] for n in notices]
    return _csv(rows, ["notice_id", by, "date", "issuer", "error", "commitments", "quantified", "dated",
                       "vague", "hedged"])


def counts_csv(rows: Sequence[tuple[str, str, int]], by: str, what: str) -> str:
    return _csv(rows, [by, what, "commitments" if what == "verb" else "quantities"])
