"""The margin on hand-made vectors and the pair score: literal values, break-even, bounds and monotonicity."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from aligner.score import MARGIN_FLOOR, neighbour_similarity, pair_score, ratio_margin

E0, E1 = np.eye(2)
# similarities to E0: 1, 0.6, 0
EN_POOL = np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]])
# similarities to E1: 0.8, 0.6
JA_POOL = np.array([[0.6, 0.8], [0.8, 0.6]])
EMPTY = np.zeros((0, 2))


@pytest.mark.parametrize(
    "ja_pool, en_pool, k, expected",
    [
        (JA_POOL, EN_POOL, 1, 0.9),  # (1 + 0.8) / 2
        (JA_POOL, EN_POOL, 2, 0.75),  # (0.8 + 0.7) / 2
        (JA_POOL, EN_POOL, 4, 0.616667),  # k above the pool sizes: (0.533333 + 0.7) / 2
        (EMPTY, EMPTY, 4, 0.0),  # no neighbours
        (JA_POOL, EMPTY, 1, 0.4),  # (0 + 0.8) / 2
        (EMPTY, EN_POOL, 2, 0.4),  # (0.8 + 0) / 2
    ],
)
def test_neighbour_similarity(ja_pool, en_pool, k, expected):
    assert neighbour_similarity(E0, E1, ja_pool, en_pool, k=k) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(
    "cos, near, expected",
    [(0.9, 0.45, 2.0), (0.6, 0.6, 1.0), (0.5, 0.0, 10.0), (0.5, 0.01, 10.0), (-0.2, 0.4, -0.5)],
)
def test_ratio_margin(cos, near, expected):
    assert ratio_margin(cos, near) == pytest.approx(expected)


@pytest.mark.parametrize(
    "fit, margin_, skip, expected",
    [
        (0.8, 0.5, 0.4, 0.5),  # break-even: fit == 2 * skip
        (0.8, MARGIN_FLOOR, 0.4, 0.5),
        (0.5, 0.5, 0.25, 0.5),
        (0.4, 0.5, 0.4, 0.982014),  # x = (0.8 - 0.4) / 0.1 = 4
        (0.9, 0.5, 0.4, 0.268941),  # x = -1
        (0.8, 0.05, 0.4, 0.119203),  # margin 0.1 under the floor: x = -2 * 0.1 / 0.1
        (0.8, 0.0, 0.4, 0.047426),  # x = -3
        (math.inf, 0.5, 0.4, 0.0),  # an impossible bead
    ],
)
def test_pair_score(fit, margin_, skip, expected):
    assert pair_score(fit, margin_, skip) == pytest.approx(expected, abs=1e-6)


def test_low_margin_lowers_score():
    scores = [pair_score(0.6, m, 0.4) for m in (0.5, 0.15, 0.1, 0.0, -0.3)]
    assert scores[0] == scores[1]  # above the floor the margin does not matter
    assert scores[1] > scores[2] > scores[3] > scores[4]


FIT = st.floats(-10, 1e6, allow_nan=False)
MARGIN = st.floats(-2, 2, allow_nan=False)
SKIP = st.floats(0, 2, allow_nan=False)


@given(FIT, MARGIN, SKIP)
def test_pair_score_in_unit_interval(fit, margin_, skip):
    assert 0.0 <= pair_score(fit, margin_, skip) <= 1.0


@given(FIT, FIT, MARGIN, SKIP)
def test_pair_score_decreases_with_fit(f1, f2, margin_, skip):
    lo, hi = sorted((f1, f2))
    assert pair_score(lo, margin_, skip) >= pair_score(hi, margin_, skip)


def test_pair_score_strictly_decreasing_near_break_even():
    scores = [pair_score(f, 0.5, 0.4) for f in np.linspace(0.3, 1.3, 11)]
    assert all(a > b for a, b in itertools.pairwise(scores))
