"""`commitments report OUT.jsonl|parquet|csv --by district|issuer|level|year|topic -o report/`: a static,
self-contained HTML report with CSV tables, SVG/PNG figures and one review page per notice."""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from extractor.report import aggregates, html
from extractor.report.figures import has_cjk_font, make_figures, write_figures
from extractor.report.load import GROUP_KEYS, check_unique, input_format, iter_notices
from extractor.report.review import PageNamer


@dataclass
class Summary:
    notices: int
    groups: int
    review_pages: int
    seconds: float


def _version() -> str:
    try:
        return version("commitment-extractor")
    except PackageNotFoundError:
        return "unknown"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fulfilment_by_year(source: Path) -> list[tuple]:
    """(year, targets, met, missed, not reported) from a research database's fulfilment table, if any."""
    if source.suffix.lower() != ".duckdb":
        return []
    from extractor.db.build import connect

    con = connect(source, read_only=True)
    try:
        if not con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'fulfilment'").fetchone()[0]:
            return []
        return con.execute("SELECT year, targets, met, missed, not_reported FROM fulfilment_by_year "
                           "ORDER BY year").fetchall()
    finally:
        con.close()


def build_report(source: Path, out: Path, by: str = "district", min_notices: int = aggregates.MIN_NOTICES,
                 max_figure_groups: int = 30, review: bool = True, reps: int = aggregates.BOOTSTRAP) -> Summary:
    started = time.perf_counter()
    if by not in GROUP_KEYS:
        raise ValueError(f"--by must be one of {GROUP_KEYS}, not {by!r}")
    ctx = html.Context(by, source.name, _sha256(source), input_format(source), _version(), min_notices)
    out.mkdir(parents=True, exist_ok=True)
    review_dir = out / html.REVIEW_DIR
    namer = PageNamer()
    notices = []
    for n in iter_notices(source, keep_extractions=review):   # one notice in memory at a time
        if n.extraction is not None:
            html.write_file(review_dir / namer(n.notice_id), html.review_page(n, n.keys[by], ctx))
            n.extraction = None
        notices.append(n)
    if not notices:
        raise ValueError(f"{source}: no notices")
    check_unique(notices, source)
    notices.sort(key=lambda n: n.notice_id)
    names = namer.names
    if review_dir.is_dir():   # pages of notices no longer in the input would link to nothing: remove them
        wanted = set(names.values())
        for stale in review_dir.glob("*.html"):
            if stale.name not in wanted:
                stale.unlink()
    groups, overall = aggregates.aggregate(notices, by, min_notices, reps=reps)
    figures = make_figures(groups, overall, by, max_figure_groups)
    by_id = {n.notice_id: n for n in notices}
    write_figures(figures, out / "figures")
    html.write_file(out / "groups.csv", html.groups_csv(groups, overall, by))
    html.write_file(out / "notices.csv", html.notices_csv(notices, by))
    html.write_file(out / "units.csv", html.counts_csv(aggregates.unit_counts(notices, by), by, "unit"))
    html.write_file(out / "verbs.csv", html.counts_csv(aggregates.verb_counts(notices, by), by, "verb"))
    html.write_file(out / "notices.html", html.notices_page(groups, by_id, names, ctx))
    fulfilment = fulfilment_by_year(source)
    if fulfilment:
        html.write_file(out / "fulfilment.csv", html.fulfilment_csv(fulfilment))
    html.write_file(out / "index.html", html.index_page(groups, overall, figures, ctx, bool(names), fulfilment))
    return Summary(len(notices), len(groups), len(names), time.perf_counter() - started)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="HTML report comparing districts, bodies, levels, years or topics",
                       description="A static, self-contained HTML report (index.html) with CSV tables, SVG/PNG "
                                   "figures and one review page per notice, from extraction output.")
    p.add_argument("input", type=Path, metavar="INPUT", help="extraction output: .jsonl (complete), .parquet or .csv")
    p.add_argument("--by", choices=GROUP_KEYS, default="district", help="group notices by (default: district)")
    p.add_argument("-o", "--output", type=Path, required=True, help="report folder (created; files are replaced)")
    p.add_argument("--min-notices", type=int, default=aggregates.MIN_NOTICES,
                   help="groups with fewer notices get a caution (default: %(default)s)")
    p.add_argument("--max-figure-groups", type=int, default=30,
                   help="groups drawn in the figures, those with most notices (default: %(default)s)")
    p.add_argument("--no-review", action="store_true", help="skip the per-notice review pages")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not args.input.is_file():
        print(f"error: {args.input}: no such file", file=sys.stderr)
        return 2
    if not has_cjk_font():
        print("warning: no CJK font for the PNG figures (install fonts-noto-cjk); the SVG figures and the pages "
              "use the viewer's fonts", file=sys.stderr)
    try:
        summary = build_report(args.input, args.output, args.by, args.min_notices, args.max_figure_groups,
                               not args.no_review)
    except (ValueError, KeyError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{summary.notices} notices, {summary.groups} groups by {args.by}, {summary.review_pages} review pages, "
          f"{summary.seconds:.1f}s -> {args.output / 'index.html'}", file=sys.stderr)
    return 0
