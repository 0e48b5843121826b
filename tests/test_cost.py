"""Bead costs on tiny hand-made unit embeddings: length model, skips, merges, windows, positions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aligner.cost import BeadCoster, CostParams, LengthModel, char_length

E0, E1, E2 = np.eye(3, dtype=np.float32)
DIAG = np.array([1.0, 1.0, 0.0], dtype=np.float32) / np.sqrt(2.0)
# mean 0, std 1: equal character counts give z = 0, so the length term vanishes
FLAT = LengthModel(mean=0.0, std=1.0)


def coster(ja, en, ja_chars=None, en_chars=None, **kw) -> BeadCoster:
    """A BeadCoster over rows `ja` and `en` (10 characters each unless given)."""
    ja, en = np.asarray(ja, dtype=np.float32), np.asarray(en, dtype=np.float32)
    kw.setdefault("length_model", FLAT)
    return BeadCoster(ja, en, ja_chars or [10] * len(ja), en_chars or [10] * len(en), **kw)


def costs(c: BeadCoster, a: int, b: int, i, j) -> np.ndarray:
    """The costs of single beads (a, b) at each (i[k], j[k]), through the block interface."""
    return np.array([c(a, b, int(x), int(x) + 1, int(y), int(y) + 1)[0, 0] for x, y in zip(i, j)])


def at(k: int) -> np.ndarray:
    return np.array([k])


def unit_rows(n: int, d: int = 8, seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).normal(size=(n, d))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


@pytest.mark.parametrize(
    "model, ja, en, expected",
    [
        (LengthModel(mean=0.62, std=0.27), 9, 9, -2.296296),  # log(10/10) = 0, (0 - 0.62) / 0.27
        (LengthModel(mean=0.62, std=0.27), 9, 19, 0.270915),  # log 2 = 0.693147
        (LengthModel(mean=0.62, std=0.27), 19, 9, -4.863508),
        (LengthModel(mean=0.62, std=0.27), 0, 0, -2.296296),  # the +1 keeps empty sides finite
        (LengthModel(mean=0.0, std=0.5), 1, 3, 1.386294),  # log(4/2) / 0.5
    ],
)
def test_length_z(model, ja, en, expected):
    assert model.z(np.array([ja]), np.array([en]))[0] == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("abc", 3),
        ("a b  c", 3),
        ("日本語　です", 5),  # U+3000 ideographic space
        ("line one\nline two\r\n", 14),
        ("\ttab\u00a0nbsp ", 7),
        ("", 0),
        (" \u3000\n", 0),
    ],
)
def test_char_length(text, expected):
    assert char_length(text) == expected


@pytest.mark.parametrize(
    "en, expected",
    [
        # 1 - cos over a norm of (1 - cos(random) + 8 * 0.92) / 9, the random pool being the
        # one other segment
        ([E0], 0.0),  # identical
        ([DIAG], 0.344450),  # 0.292893 / ((0.292893 + 7.36) / 9)
        ([E1], 1.076555),  # orthogonal: 1 / (8.36 / 9)
    ],
)
def test_one_to_one_cost(en, expected):
    c = coster([E0], en)
    assert costs(c, 1, 1, at(0), at(0))[0] == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(
    "ja_chars, en_chars, expected",
    [
        ([10], [10], 0.0),
        ([9], [19], 0.009609),  # 0.02 * log(2)^2
        ([0], [200], 0.32),  # |z| = 5.3 is clipped at 4: 0.02 * 16
    ],
)
def test_length_term(ja_chars, en_chars, expected):
    c = coster([E0], [E0], ja_chars, en_chars)
    assert c.fit(1, 1, at(0), at(0))[0] == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("skip", [0.4, 0.25])
@pytest.mark.parametrize("a, b", [(1, 0), (0, 1)])
def test_skip_costs_skip(a, b, skip):
    c = coster(unit_rows(3), unit_rows(3, seed=1), params=CostParams(skip=skip))
    assert costs(c, a, b, np.arange(3), np.arange(3)).tolist() == [skip] * 3


def test_identical_cheaper_than_orthogonal():
    c = coster([E0], [E0, E1])
    same, orthogonal = costs(c, 1, 1, at(0), at(0))[0], costs(c, 1, 1, at(0), at(1))[0]
    assert same < orthogonal


@pytest.mark.parametrize(
    "params, a, b, expected",
    [
        # the defaults charge 0.45 for each segment beyond two
        (CostParams(), 1, 1, 0.0),
        (CostParams(), 1, 2, 0.45),
        (CostParams(), 2, 1, 0.45),
        (CostParams(), 2, 2, 0.9),
        (CostParams(), 1, 3, 0.9),
        (CostParams(), 3, 1, 0.9),
        # `merge` per extra segment, whatever `skip` is (BeadCoster's docstring formula)
        (CostParams(skip=0.3, merge=0.2), 1, 2, 0.2),
        (CostParams(skip=0.3, merge=0.2), 2, 2, 0.4),
        (CostParams(skip=0.3, merge=0.2), 3, 1, 0.4),
    ],
)
def test_merge_charged_per_extra_segment(params, a, b, expected):
    c = coster(unit_rows(4), unit_rows(4, seed=1), params=params)
    i, j = np.array([0, 1]), np.array([1, 0])
    np.testing.assert_allclose(costs(c, a, b, i, j) - c.fit(a, b, i, j), expected, atol=1e-9)


@pytest.mark.parametrize(
    "a, b, scale, charge",
    [(1, 1, 1.0, 0.0), (1, 2, 1.5, 0.2), (2, 2, 2.0, 0.8), (3, 1, 2.0, 0.8), (2, 3, 2.5, 1.8)],
)
def test_per_segment_scales_fit_and_squares_the_merge_charge(a, b, scale, charge):
    c = coster(unit_rows(5), unit_rows(5, seed=1), params=CostParams(merge=0.2, per_segment=True))
    i, j = np.array([0, 1]), np.array([1, 0])
    np.testing.assert_allclose(costs(c, a, b, i, j), c.fit(a, b, i, j) * scale + charge, atol=1e-9)


def naive_fit(c: BeadCoster, a: int, b: int, i: int, j: int) -> float:
    """The fit of one bead from its definition, with explicit window embeddings."""
    p = c.params
    x, y = c.window("ja", a, at(i))[0], c.window("en", b, at(j))[0]
    fit = (1 - float(x @ y)) / (0.5 * (c.ja_norm[a][i] + c.en_norm[b][j]))
    if a > 1 or b > 1:
        members = [float(c.window("ja", 1, at(i + t))[0] @ y) for t in range(a)] if a > 1 else []
        members += [float(c.window("en", 1, at(j + u))[0] @ x) for u in range(b)] if b > 1 else []
        fit += p.member_weight * max(0.0, p.member_floor - min(members))
    z = float(c.length_z(a, b, at(i), at(j))[0])
    return fit + p.length_weight * min(abs(z), p.length_clip) ** 2


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 9), st.integers(2, 9))
def test_fit_block_matches_the_definition(seed, n, m):
    rng = np.random.default_rng(seed)
    c = coster(
        unit_rows(n, seed=seed),
        unit_rows(m, seed=seed + 1),
        list(rng.integers(1, 60, n)),
        list(rng.integers(1, 120, m)),
    )
    for a, b in [(1, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 2)]:
        block = c.fit_block(a, b, 0, n, 0, m)
        for i in range(n):
            for j in range(m):
                if i + a > n or j + b > m:
                    assert block[i, j] == np.inf
                else:
                    assert block[i, j] == pytest.approx(naive_fit(c, a, b, i, j), abs=1e-5)


def test_window_is_length_weighted_unit_sum():
    c = coster([E0, E1, E2], [E0], ja_chars=[3, 8, 15])
    # weights sqrt(chars + 1): 2 and 3
    np.testing.assert_allclose(c.window("ja", 2, at(0)), [[0.554700, 0.832050, 0.0]], atol=1e-6)
    np.testing.assert_allclose(c.window("ja", 1), np.eye(3), atol=1e-6)


@pytest.mark.parametrize("a, rows", [(1, 6), (2, 5), (3, 4), (4, 3)])
def test_window_rows_are_unit(a, rows):
    c = coster(unit_rows(6), unit_rows(2, seed=1))
    w = c.window("ja", a)
    assert w.shape == (rows, 8)
    np.testing.assert_allclose(np.linalg.norm(w, axis=1), 1.0, atol=1e-6)


@pytest.mark.parametrize(
    "ja_pos, en_pos, a, b, interrupted",
    [
        ([0, 2], [1, 3], 1, 1, False),
        ([0, 2], [1, 3], 2, 1, True),  # EN block 1 sits inside JA 0..2
        ([0, 2], [1, 3], 1, 2, True),  # JA block 2 sits inside EN 1..3
        ([0, 2], [1, 3], 2, 2, True),
        ([0, 1], [2, 3], 2, 1, False),  # two JA blocks, then two EN blocks
        ([0, 1], [2, 3], 1, 2, False),
        ([0, 1], [2, 3], 2, 2, False),
    ],
)
def test_interrupted_merge_is_inf(ja_pos, en_pos, a, b, interrupted):
    c = coster([DIAG, DIAG], [DIAG, DIAG], ja_pos=ja_pos, en_pos=en_pos)
    fit = c.fit(a, b, at(0), at(0))[0]
    assert math.isinf(fit) == interrupted


@pytest.mark.parametrize(
    "ja_pos, en_pos, expected",
    [
        ([0], [1, 2], 0.069315),  # distance 1 -> log 1 = 0; distance 2 -> 0.1 * log 2
        ([0], [1, 4], 0.138629),  # 0.1 * log 4
        ([0], [3, 9], 0.109861),  # 0.1 * (log 9 - log 3)
        ([5], [1, 4], -0.138629),  # EN before JA: distances 4 and 1
        ([1], [0, 2], 0.0),  # one block before, one after: both adjacent
    ],
)
def test_distance_prior_grows_with_distance(ja_pos, en_pos, expected):
    # two identical EN rows: only their positions differ; fit(EN 1) - fit(EN 0)
    c = coster([E0], [E0, E0], ja_pos=ja_pos, en_pos=en_pos)
    first, second = c.fit(1, 1, at(0), at(0))[0], c.fit(1, 1, at(0), at(1))[0]
    assert second - first == pytest.approx(expected, abs=1e-6)


def test_distance_weight_zero_turns_prior_off():
    c = coster([E0], [E0, E0], ja_pos=[0], en_pos=[1, 7], params=CostParams(distance_weight=0.0))
    assert c.fit(1, 1, at(0), at(1))[0] == pytest.approx(c.fit(1, 1, at(0), at(0))[0])


@pytest.mark.parametrize(
    "second, penalty",
    [
        (E1, 0.4),  # cosine 0 with the JA side: 2.0 * (0.2 - 0)
        ([0.1, np.sqrt(0.99), 0.0], 0.2),  # cosine 0.1: 2.0 * (0.2 - 0.1)
        ([0.6, 0.8, 0.0], 0.0),  # cosine 0.6 is above the floor
    ],
)
def test_member_floor_penalises_unrelated_member(second, penalty):
    en = [E0, second]
    with_floor = coster([E0], en).fit(1, 2, at(0), at(0))[0]
    without = coster([E0], en, params=CostParams(member_weight=0.0)).fit(1, 2, at(0), at(0))[0]
    assert with_floor - without == pytest.approx(penalty, abs=1e-6)


def test_same_seed_same_costs():
    ja, en, pool = unit_rows(5), unit_rows(6, seed=1), unit_rows(100, seed=2)
    first = coster(ja, en, en_random=pool, ja_random=pool, seed=3)
    again = coster(ja, en, en_random=pool, ja_random=pool, seed=3)
    other = coster(ja, en, en_random=pool, ja_random=pool, seed=4)
    i, j = np.array([0, 1, 2, 3]), np.array([0, 2, 1, 3])
    for a, b in [(1, 1), (1, 2), (2, 1), (2, 2)]:
        np.testing.assert_array_equal(costs(first, a, b, i, j), costs(again, a, b, i, j))
    # a pool wider than the 64 sampled rows makes the seed matter
    assert not np.array_equal(costs(first, 1, 1, i, j), costs(other, 1, 1, i, j))
