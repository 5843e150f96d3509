"""Bootstrap intervals and the paired bootstrap: deterministic under a seed, sane at the extremes."""

from __future__ import annotations

import numpy as np
import pytest

from eval.bootstrap import interval, paired, resample_indices
from eval.spans import f1_columns


def strict_f1(sums):
    return f1_columns(sums, "strict")


# per notice: correct, incorrect, partial, missed, spurious
A = np.array([[3, 0, 0, 1, 0], [2, 1, 0, 0, 1], [0, 0, 0, 2, 0], [5, 0, 0, 0, 0], [1, 0, 0, 1, 2]])
B = np.array([[4, 0, 0, 0, 0], [3, 0, 0, 0, 0], [1, 0, 0, 1, 0], [5, 0, 0, 0, 0], [2, 0, 0, 0, 1]])


def test_same_seed_same_interval():
    assert interval(A, strict_f1, resamples=300, seed=5) == interval(A, strict_f1, resamples=300, seed=5)
    assert paired(A, B, strict_f1, resamples=300, seed=5) == paired(A, B, strict_f1, resamples=300, seed=5)
    assert not np.array_equal(resample_indices(5, 50, 1), resample_indices(5, 50, 2))


def test_point_value_and_bounds():
    res = interval(A, strict_f1, resamples=500, seed=0)
    c, i, p, m, s = A.sum(axis=0)
    precision, recall = c / (c + i + p + s), c / (c + i + p + m)
    assert res.value == pytest.approx(2 * precision * recall / (precision + recall))
    assert res.low <= res.value <= res.high


def test_perfect_interval_is_one():
    perfect = np.array([[3, 0, 0, 0, 0], [1, 0, 0, 0, 0]])
    res = interval(perfect, strict_f1, resamples=100)
    assert (res.value, res.low, res.high) == (1.0, 1.0, 1.0)


def test_paired_identical_and_better():
    same = paired(A, A, strict_f1, resamples=200)
    assert same.delta == 0.0 and same.p_value == 1.0 and not same.significant
    better = paired(A, B, strict_f1, resamples=500, seed=0)
    assert better.delta > 0 and better.low <= better.delta <= better.high
    worse = paired(B, A, strict_f1, resamples=500, seed=0)
    assert worse.delta == pytest.approx(-better.delta)
    assert worse.p_value == pytest.approx(better.p_value)


def test_paired_needs_aligned_notices():
    with pytest.raises(ValueError):
        paired(A, B[:3], strict_f1)
