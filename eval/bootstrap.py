"""Bootstrap over notices: 95% intervals for a metric, and a paired bootstrap for two systems.

A metric is a function of per-notice count sums (``metric(sums) -> value`` over the last axis), so a
resample is one fancy-indexed sum and thousands of resamples take milliseconds. The same seed gives the
same resamples, and in a paired comparison both systems are summed over the same resampled notices.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Metric = Callable[[np.ndarray], np.ndarray]
DEFAULT_RESAMPLES = 1000
DEFAULT_SEED = 0


def resample_indices(n: int, resamples: int = DEFAULT_RESAMPLES, seed: int = DEFAULT_SEED) -> np.ndarray:
    """(resamples, n) notice indices drawn with replacement."""
    if n <= 0:
        raise ValueError("bootstrap needs at least one notice")
    return np.random.default_rng(seed).integers(0, n, size=(resamples, n))


@dataclass(frozen=True)
class Interval:
    value: float
    low: float
    high: float

    def as_dict(self) -> dict[str, float]:
        return {"value": self.value, "low": self.low, "high": self.high}


@dataclass(frozen=True)
class PairedResult:
    delta: float  # metric(B) - metric(A) on the full set
    low: float
    high: float
    p_value: float  # two-sided: how often a resample's delta falls on the other side of zero, doubled

    @property
    def significant(self) -> bool:
        return self.low > 0 or self.high < 0

    def as_dict(self) -> dict[str, float | bool]:
        return {"delta": self.delta, "low": self.low, "high": self.high, "p_value": self.p_value,
                "significant": self.significant}


def _percentiles(values: np.ndarray, level: float) -> tuple[float, float]:
    alpha = (1 - level) / 2
    low, high = np.quantile(values, [alpha, 1 - alpha])
    return float(low), float(high)


def interval(counts: np.ndarray, metric: Metric, resamples: int = DEFAULT_RESAMPLES, seed: int = DEFAULT_SEED,
             level: float = 0.95, indices: np.ndarray | None = None) -> Interval:
    """Percentile interval of ``metric`` over notices; ``counts`` has one row per notice."""
    counts = np.asarray(counts)
    idx = resample_indices(len(counts), resamples, seed) if indices is None else indices
    values = metric(counts[idx].sum(axis=1))
    low, high = _percentiles(values, level)
    return Interval(float(metric(counts.sum(axis=0))), low, high)


def paired(counts_a: np.ndarray, counts_b: np.ndarray, metric: Metric, resamples: int = DEFAULT_RESAMPLES,
           seed: int = DEFAULT_SEED, level: float = 0.95, indices: np.ndarray | None = None) -> PairedResult:
    """Paired bootstrap of metric(B) - metric(A) over the same notices (rows must align)."""
    counts_a, counts_b = np.asarray(counts_a), np.asarray(counts_b)
    if len(counts_a) != len(counts_b):
        raise ValueError("a paired bootstrap needs the same notices for both systems")
    idx = resample_indices(len(counts_a), resamples, seed) if indices is None else indices
    deltas = metric(counts_b[idx].sum(axis=1)) - metric(counts_a[idx].sum(axis=1))
    delta = float(metric(counts_b.sum(axis=0)) - metric(counts_a.sum(axis=0)))
    low, high = _percentiles(deltas, level)
    if delta > 0:
        p = 2 * float(np.mean(deltas <= 0))
    elif delta < 0:
        p = 2 * float(np.mean(deltas >= 0))
    else:
        p = 1.0
    return PairedResult(delta, low, high, min(1.0, p))
