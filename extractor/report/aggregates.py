"""Per-group aggregates with uncertainty.

For each group (and for all notices together):
  notices, failed notices (their extraction failed: left out of every other number), commitments,
  commitments per notice with a notice-bootstrap 95% interval, and four shares of commitments:
  quantified (a target quantity), with a dated deadline (kind by / period, resolved to an end date),
  with a vague deadline (尽快, 逐步 …), hedged (modality aspirational or exploratory: 力争, 争取, 探索 …).
  Each share carries a Wilson score 95% interval over commitments and, because commitments of one
  notice are not independent, a cluster-bootstrap interval that resamples notices. Deadline horizon:
  median and quartiles of months from the notice date to the deadline's end date. Top quantity units
  and head measure verbs (verbs.py) with counts. Specificity: the share of each level (0 rhetorical,
  1 concrete, 2 quantified or dated, 3 both) among commitments that carry one, with the same intervals.
A group with fewer than ``min_notices`` notices is flagged with a caution.
Bootstrap draws come from a generator seeded by the group name, so the same input gives the same numbers.
"""

from __future__ import annotations

import math
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from extractor.report.load import NoticeFacts, sort_groups
from extractor.report.verbs import OTHER, head_verb

Z95 = 1.959963984540054
BOOTSTRAP = 1000
MIN_NOTICES = 5
TOP = 5
ALL = "(all notices)"
SHARES = ("quantified", "dated", "vague", "hedged")
LEVELS = (0, 1, 2, 3)


@dataclass(frozen=True)
class Share:
    k: int
    n: int
    low: float | None      # Wilson score interval
    high: float | None
    cluster_low: float | None    # notice-bootstrap percentile interval
    cluster_high: float | None

    @property
    def value(self) -> float | None:
        return self.k / self.n if self.n else None


@dataclass
class GroupStats:
    key: str
    notices: int
    failed: int
    commitments: int
    per_notice: float | None
    per_notice_low: float | None
    per_notice_high: float | None
    shares: dict[str, Share]
    horizon_n: int
    horizon_median: float | None
    horizon_q1: float | None
    horizon_q3: float | None
    horizons: list[float] = field(repr=False, default_factory=list)
    units: list[tuple[str, int]] = field(default_factory=list)
    verbs: list[tuple[str, int]] = field(default_factory=list)
    caution: bool = False
    notice_ids: list[str] = field(repr=False, default_factory=list)
    specificity: dict[int, Share] = field(default_factory=dict)


def wilson(k: int, n: int, z: float = Z95) -> tuple[float | None, float | None]:
    """Wilson score interval for k successes in n trials; (None, None) when n == 0."""
    if n == 0:
        return None, None
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (0.0 if k == 0 else max(0.0, centre - half)), (1.0 if k == n else min(1.0, centre + half))


def _rng(key: str) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(key.encode("utf-8")))


def bootstrap(totals: np.ndarray, parts: dict[str, np.ndarray], key: str, reps: int = BOOTSTRAP,
              chunk: int = 2_000_000) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Resample notices with replacement ``reps`` times. Returns, per replicate, the mean of ``totals``
    and, for each part, sum(part) / sum(totals) (NaN where a replicate has no commitments)."""
    n = len(totals)
    rng = _rng(key)
    means, ratios = [], {name: [] for name in parts}
    per_chunk = max(1, chunk // max(n, 1))
    done = 0
    while done < reps:
        size = min(per_chunk, reps - done)
        idx = rng.integers(0, n, size=(size, n))
        tot = totals[idx].sum(axis=1)
        means.append(tot / n)
        with np.errstate(invalid="ignore", divide="ignore"):
            for name, arr in parts.items():
                ratios[name].append(arr[idx].sum(axis=1) / tot)
        done += size
    return np.concatenate(means), {name: np.concatenate(v) for name, v in ratios.items()}


def _interval(samples: np.ndarray) -> tuple[float | None, float | None]:
    samples = samples[~np.isnan(samples)]
    if samples.size == 0:
        return None, None
    low, high = np.quantile(samples, [0.025, 0.975])
    return float(low), float(high)


def _quartiles(values: Sequence[float]) -> tuple[float | None, float | None, float | None]:
    if not values:
        return None, None, None
    q1, med, q3 = np.quantile(np.asarray(values, dtype=float), [0.25, 0.5, 0.75])
    return float(med), float(q1), float(q3)


def group_stats(key: str, notices: Sequence[NoticeFacts], min_notices: int = MIN_NOTICES,
                top: int = TOP, reps: int = BOOTSTRAP) -> GroupStats:
    ok = [n for n in notices if not n.error]
    commitments = [c for n in ok for c in n.commitments]
    totals = np.array([len(n.commitments) for n in ok], dtype=np.int64)
    parts = {name: np.array([sum(getattr(c, name) for c in n.commitments) for n in ok], dtype=np.int64)
             for name in SHARES}
    if ok and reps:
        means, ratios = bootstrap(totals, parts, key, reps)
        mean_low, mean_high = _interval(means)
    else:
        ratios, mean_low, mean_high = {}, None, None
    shares = {}
    for name in SHARES:
        k, n = int(parts[name].sum()) if ok else 0, len(commitments)
        low, high = wilson(k, n)
        c_low, c_high = _interval(ratios[name]) if name in ratios and n else (None, None)
        shares[name] = Share(k, n, low, high, c_low, c_high)
    specificity = _level_shares(key, ok, reps)
    horizons = sorted(h for n in ok for h in n.horizons())
    median, q1, q3 = _quartiles(horizons)
    units = Counter(u for c in commitments for u in c.units)
    verbs = Counter(v for v in (head_verb(c.measure) for c in commitments) if v != OTHER)   # OTHER: verbs.csv
    return GroupStats(
        key=key, notices=len(ok), failed=len(notices) - len(ok), commitments=len(commitments),
        per_notice=len(commitments) / len(ok) if ok else None, per_notice_low=mean_low, per_notice_high=mean_high,
        shares=shares, horizon_n=len(horizons), horizon_median=median, horizon_q1=q1, horizon_q3=q3,
        horizons=horizons, units=_top(units, top), verbs=_top(verbs, top), caution=len(ok) < min_notices,
        notice_ids=[n.notice_id for n in notices], specificity=specificity,
    )


def _level_shares(key: str, ok: Sequence[NoticeFacts], reps: int) -> dict[int, Share]:
    """Share of each specificity level among the commitments that carry one (Wilson and notice-bootstrap)."""
    totals = np.array([sum(c.specificity is not None for c in n.commitments) for n in ok], dtype=np.int64)
    parts = {level: np.array([sum(c.specificity == level for c in n.commitments) for n in ok], dtype=np.int64)
             for level in LEVELS}
    n = int(totals.sum()) if ok else 0
    ratios = bootstrap(totals, parts, key + "#specificity", reps)[1] if n and reps else {}
    shares = {}
    for level in LEVELS:
        k = int(parts[level].sum()) if ok else 0
        low, high = wilson(k, n)
        c_low, c_high = _interval(ratios[level]) if level in ratios else (None, None)
        shares[level] = Share(k, n, low, high, c_low, c_high)
    return shares


def _top(counter: Counter, top: int) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:top]


def aggregate(notices: Sequence[NoticeFacts], by: str, min_notices: int = MIN_NOTICES, top: int = TOP,
              reps: int = BOOTSTRAP) -> tuple[list[GroupStats], GroupStats]:
    """Statistics per group (in report order) and for all notices together."""
    groups: dict[str, list[NoticeFacts]] = {}
    for n in notices:
        groups.setdefault(n.keys[by], []).append(n)
    counts = {k: sum(1 for n in v if not n.error) for k, v in groups.items()}
    ordered = sort_groups(by, groups, counts)
    stats = [group_stats(k, groups[k], min_notices, top, reps) for k in ordered]
    return stats, group_stats(ALL, notices, min_notices, top, reps)


def unit_counts(notices: Sequence[NoticeFacts], by: str) -> list[tuple[str, str, int]]:
    """(group, unit, count) for every unit, for the CSV table."""
    counter = Counter((n.keys[by], u) for n in notices if not n.error for c in n.commitments for u in c.units)
    return [(g, u, k) for (g, u), k in sorted(counter.items(), key=lambda kv: (kv[0][0], -kv[1], kv[0][1]))]


def verb_counts(notices: Sequence[NoticeFacts], by: str) -> list[tuple[str, str, int]]:
    counter = Counter((n.keys[by], head_verb(c.measure)) for n in notices if not n.error for c in n.commitments)
    return [(g, v, k) for (g, v), k in sorted(counter.items(), key=lambda kv: (kv[0][0], -kv[1], kv[0][1]))]
