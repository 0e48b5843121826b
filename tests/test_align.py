"""The alignment DP on hand-built costs, against a naive oracle, and its invariants."""

from __future__ import annotations

import functools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aligner.align import BEADS_DEFAULT, align, format_beads, full_band, parse_beads
from aligner.records import Bead


def matrix_cost(sim: np.ndarray, skip: float = 0.5, merge: float = 0.1):
    """A bead cost from a (n, m) matrix of 1-1 costs: a merged bead costs the mean of its
    cells times its size plus `merge` per extra segment."""

    def cost(a: int, b: int, i0: int, i1: int, j0: int, j1: int) -> np.ndarray:
        if a == 0 or b == 0:
            return np.full((i1 - i0, j1 - j0), skip)
        out = np.full((i1 - i0, j1 - j0), np.inf)
        for ii in range(i0, min(i1, sim.shape[0] - a + 1)):
            for jj in range(j0, min(j1, sim.shape[1] - b + 1)):
                out[ii - i0, jj - j0] = sim[ii : ii + a, jj : jj + b].mean() * (a + b) / 2 + merge * (a + b - 2)
        return out

    return cost


def oracle(n: int, m: int, cost, types) -> float:
    """The cheapest total cost by plain recursion (small inputs only)."""

    @functools.cache
    def best(i: int, j: int) -> float:
        if i == 0 and j == 0:
            return 0.0
        out = np.inf
        for a, b in types:
            if i - a >= 0 and j - b >= 0:
                out = min(out, best(i - a, j - b) + float(cost(a, b, i - a, i - a + 1, j - b, j - b + 1)[0, 0]))
        return out

    return best(n, m)


def beads_of(result: list[Bead]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(b.ja, b.en) for b in result]


@pytest.mark.parametrize(
    "sim, expected",
    [
        # the diagonal is cheap: three 1-1 beads
        ([[0, 1, 1], [1, 0, 1], [1, 1, 0]], [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]),
        # JA 1 matches nothing: it is skipped
        ([[0, 1], [1, 1], [1, 0]], [((0,), (0,)), ((1,), ()), ((2,), (1,))]),
        # EN 0 matches nothing: skipped at the start
        ([[1, 0]], [((), (0,)), ((0,), (1,))]),
        # JA 0 and 1 both match EN 0: a 2-1 bead
        ([[0.1, 1], [0.1, 1], [1, 0]], [((0, 1), (0,)), ((2,), (1,))]),
        # JA 0 matches EN 0 and 1: a 1-2 bead
        ([[0.1, 0.1]], [((0,), (0, 1))]),
    ],
)
def test_align_hand_built(sim, expected):
    sim = np.array(sim, dtype=float)
    result = align(sim.shape[0], sim.shape[1], matrix_cost(sim), BEADS_DEFAULT)
    assert beads_of(result) == expected


def test_align_empty_sides():
    cost = matrix_cost(np.zeros((0, 0)))
    assert align(0, 0, cost) == []
    assert beads_of(align(0, 2, matrix_cost(np.zeros((0, 2))))) == [((), (0,)), ((), (1,))]
    assert beads_of(align(2, 0, matrix_cost(np.zeros((2, 0))))) == [((0,), ()), ((1,), ())]


def test_bead_cost_is_reported():
    sim = np.array([[0.2, 1.0], [1.0, 0.3]])
    result = align(2, 2, matrix_cost(sim), BEADS_DEFAULT)
    assert [round(b.cost, 6) for b in result] == [0.2, 0.3]


def test_band_limits_the_search():
    # the cheap cells are off the band, so the band forces the diagonal
    sim = np.array([[1.0, 0.0, 1.0], [1.0, 1.0, 0.0], [0.0, 1.0, 1.0]])
    lo = np.array([0, 0, 1, 2])
    hi = np.array([1, 2, 3, 3])
    result = align(3, 3, matrix_cost(sim, skip=5.0), [(1, 1), (1, 0), (0, 1)], band=(lo, hi))
    assert beads_of(result) == [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]


@pytest.mark.parametrize("shape", [(0, 2), (2, 0), (-1, 1)])
def test_unsupported_bead_shape(shape):
    with pytest.raises(ValueError, match="unsupported bead shape"):
        align(2, 2, matrix_cost(np.zeros((2, 2))), [(1, 1), shape])


def test_bad_band():
    lo, hi = full_band(2, 2)
    with pytest.raises(ValueError, match="band"):
        align(2, 2, matrix_cost(np.zeros((2, 2))), band=(lo[:-1], hi[:-1]))


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 6),
    st.integers(0, 6),
    st.integers(0, 2**32 - 1),
    st.floats(0.05, 2.0),
)
def test_align_matches_oracle_and_covers_everything(n, m, seed, skip):
    sim = np.random.default_rng(seed).random((n, m))
    cost = matrix_cost(sim, skip=skip)
    result = align(n, m, cost, BEADS_DEFAULT)
    # every segment once, in order
    assert [i for b in result for i in b.ja] == list(range(n))
    assert [j for b in result for j in b.en] == list(range(m))
    assert all(b.ja or b.en for b in result)
    assert all((len(b.ja), len(b.en)) in BEADS_DEFAULT for b in result)
    # optimal
    assert sum(b.cost for b in result) == pytest.approx(oracle(n, m, cost, BEADS_DEFAULT), abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 8), st.integers(1, 8), st.integers(0, 2**32 - 1), st.integers(1, 8))
def test_banded_matches_full_when_band_holds_the_path(n, m, seed, width):
    sim = np.random.default_rng(seed).random((n, m))
    cost = matrix_cost(sim)
    full = align(n, m, cost, BEADS_DEFAULT)
    # a band around the full solution's path always holds it, so the result must not change
    path_j = {0: [0]}
    i = j = 0
    for b in full:
        i, j = i + len(b.ja), j + len(b.en)
        path_j.setdefault(i, []).append(j)
    lo = np.zeros(n + 1, dtype=int)
    hi = np.zeros(n + 1, dtype=int)
    last = 0
    for r in range(n + 1):
        js = path_j.get(r, [last])
        lo[r], hi[r] = max(0, min(js) - width), min(m, max(js) + width)
        last = max(js)
    lo = np.minimum.accumulate(lo[::-1])[::-1]
    hi = np.maximum.accumulate(hi)
    lo[0], hi[-1] = 0, m
    banded = align(n, m, cost, BEADS_DEFAULT, band=(lo, hi))
    assert sum(b.cost for b in banded) == pytest.approx(sum(b.cost for b in full), abs=1e-9)


@pytest.mark.parametrize(
    "line, bead",
    [
        ("[0]:[0]:0.1234", Bead((0,), (0,), 0.1234)),
        ("[1,2]:[1]:0.2", Bead((1, 2), (1,), 0.2)),
        ("[3]:[]:0", Bead((3,), (), 0.0)),
        ("[]:[2]", Bead((), (2,), 0.0)),
        ("[4, 5]:[6, 7]", Bead((4, 5), (6, 7), 0.0)),
    ],
)
def test_parse_beads(line, bead):
    assert parse_beads(line) == [bead]


def test_bead_format_round_trip():
    beads = [Bead((0,), (0,), 0.1234), Bead((1, 2), (1,), 0.2), Bead((3,), (), 0.0), Bead((), (2,), 0.0)]
    text = format_beads(beads)
    assert text == "[0]:[0]:0.1234\n[1,2]:[1]:0.2000\n[3]:[]:0.0000\n[]:[2]:0.0000\n"
    assert parse_beads(text) == beads


def test_parse_beads_names_the_line():
    with pytest.raises(ValueError, match=r"gold.txt:2: not a bead"):
        parse_beads("[0]:[0]\n0-0\n", "gold.txt")
