"""Figures as SVG (text kept as text, so CJK group names render with the reader's fonts and stay
searchable) and PNG, drawn with matplotlib's Agg backend. Output is byte-identical for the same input:
the SVG id salt is fixed and no date is written. At most ``max_groups`` groups are drawn (those with
the most notices, in report order); the caption says so when groups were left out.
"""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from extractor.report.aggregates import GroupStats

CJK_FONTS = ["Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC", "WenQuanYi Zen Hei",
             "WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei", "PingFang SC", "DejaVu Sans"]
PANEL_SHARES = (("quantified", "Quantified"), ("dated", "With a dated deadline"), ("hedged", "Hedged"))
FILLED, HOLLOW = "#1f5f99", "white"


@dataclass(frozen=True)
class Figure:
    name: str        # file stem
    title: str
    caption: str
    svg: bytes
    png: bytes


def _plt():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    matplotlib.rcParams.update({
        "svg.hashsalt": "commitments-report", "svg.fonttype": "none",
        "font.family": "sans-serif", "font.sans-serif": CJK_FONTS, "font.size": 9,
        "axes.spines.top": False, "axes.spines.right": False, "figure.dpi": 100,
    })
    return plt


def has_cjk_font() -> bool:
    """Whether matplotlib can draw CJK glyphs in the PNG figures (the SVG ones use the viewer's fonts)."""
    _plt()
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    return any(name in names for name in CJK_FONTS[:-1])


def _save(fig) -> tuple[bytes, bytes]:
    out = []
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from")
        for fmt, meta in (("svg", {"Date": None, "Creator": None}), ("png", {"Software": None})):
            buf = io.BytesIO()
            fig.savefig(buf, format=fmt, metadata=meta, bbox_inches="tight", dpi=150 if fmt == "png" else None)
            out.append(buf.getvalue())
    return out[0], out[1]


def _chosen(groups: Sequence[GroupStats], max_groups: int) -> tuple[list[GroupStats], str]:
    if len(groups) <= max_groups:
        return list(groups), ""
    keep = {id(g) for g in sorted(groups, key=lambda g: (-g.notices, g.key))[:max_groups]}
    note = f" Showing the {max_groups} groups with the most notices of {len(groups)}; the tables list all."
    return [g for g in groups if id(g) in keep], note


def _label(g: GroupStats) -> str:
    return f"{g.key} (n={g.notices}){' *' if g.caution else ''}"


def _rows(plt, count: int, cols: int, width: float):
    height = 1.1 + 0.28 * max(count, 1)
    fig, axes = plt.subplots(1, cols, figsize=(width, height), sharey=True, squeeze=False)
    return fig, list(axes[0])


def _dots(ax, ys, values, lows, highs, cautions):
    for y, v, lo, hi, caution in zip(ys, values, lows, highs, cautions):
        if v is None:
            continue
        if lo is not None and hi is not None:
            ax.plot([lo, hi], [y, y], color=FILLED, linewidth=1.2, solid_capstyle="butt")
        ax.plot([v], [y], marker="o", markersize=5, color=FILLED, markerfacecolor=HOLLOW if caution else FILLED)


def share_figure(groups: Sequence[GroupStats], overall: GroupStats, by: str, max_groups: int) -> Figure:
    plt = _plt()
    shown, note = _chosen(groups, max_groups)
    fig, axes = _rows(plt, len(shown), len(PANEL_SHARES), 10)
    ys = list(range(len(shown)))[::-1]
    for ax, (name, title) in zip(axes, PANEL_SHARES):
        shares = [g.shares[name] for g in shown]
        _dots(ax, ys, [s.value for s in shares], [s.low for s in shares], [s.high for s in shares],
              [g.caution for g in shown])
        if overall.shares[name].value is not None:
            ax.axvline(overall.shares[name].value, color="#999999", linestyle="--", linewidth=0.8)
        highs = [s.high for s in shares if s.high is not None] + [overall.shares[name].value or 0]
        ax.set_xlim(0, min(1.0, math.ceil(max(highs) * 10 + 0.5) / 10))   # each panel to its own range
        ax.xaxis.set_major_formatter(lambda x, _pos: f"{x:.0%}")
        ax.set_title(title)
        ax.grid(axis="x", color="#eeeeee")
    svg, png = _finish(plt, fig, axes, ys, shown)
    caption = (f"Share of commitments per {by}: dot = observed share, bar = Wilson 95% interval, dashed line = "
               f"all notices; each panel has its own scale. Hollow dots and * mark groups with too few notices.{note}")
    return Figure("shares", f"Quantified, dated and hedged commitments by {by}", caption, svg, png)


def _finish(plt, fig, axes, ys: list[int], shown: Sequence[GroupStats]) -> tuple[bytes, bytes]:
    """Group labels on the shared y axis, then render and close the figure."""
    axes[0].set_yticks(ys, [_label(g) for g in shown])
    axes[0].set_ylim(-0.7, len(shown) - 0.3)
    fig.tight_layout()
    rendered = _save(fig)
    plt.close(fig)
    return rendered


def per_notice_figure(groups: Sequence[GroupStats], overall: GroupStats, by: str, max_groups: int) -> Figure:
    plt = _plt()
    shown, note = _chosen(groups, max_groups)
    fig, axes = _rows(plt, len(shown), 2, 10)
    ys = list(range(len(shown)))[::-1]
    ax = axes[0]
    _dots(ax, ys, [g.per_notice for g in shown], [g.per_notice_low for g in shown],
          [g.per_notice_high for g in shown], [g.caution for g in shown])
    if overall.per_notice is not None:
        ax.axvline(overall.per_notice, color="#999999", linestyle="--", linewidth=0.8)
    ax.set_xlim(left=0)
    ax.set_title("Commitments per notice")
    ax.grid(axis="x", color="#eeeeee")
    ax = axes[1]
    data = [g.horizons or [float("nan")] for g in shown]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ax.boxplot(data[::-1], positions=ys[::-1], orientation="horizontal", widths=0.55, showfliers=False,
                   medianprops={"color": "#c0392b"}, boxprops={"color": FILLED}, whiskerprops={"color": FILLED},
                   capprops={"color": FILLED})
    ax.axvline(0, color="#999999", linewidth=0.8)
    ax.set_title("Deadline horizon (months after the notice)")
    ax.grid(axis="x", color="#eeeeee")
    svg, png = _finish(plt, fig, axes, ys, shown)
    caption = (f"Left: mean commitments per notice with a 95% bootstrap interval (notices resampled). Right: months "
               f"from the notice date to the end of each dated deadline (box = quartiles, whiskers = 1.5 IQR, "
               f"outliers not drawn).{note}")
    return Figure("per_notice_horizon", f"Commitments per notice and deadline horizon by {by}", caption, svg, png)


def make_figures(groups: Sequence[GroupStats], overall: GroupStats, by: str, max_groups: int = 30) -> list[Figure]:
    return [share_figure(groups, overall, by, max_groups), per_notice_figure(groups, overall, by, max_groups)]


def write_figures(figures: Sequence[Figure], out_dir: Path) -> None:
    from extractor.io import atomic_open

    for f in figures:
        for ext, data in (("svg", f.svg), ("png", f.png)):
            with atomic_open(out_dir / f"{f.name}.{ext}", "wb") as fh:
                fh.write(data)
