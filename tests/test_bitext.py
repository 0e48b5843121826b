"""Two documents -> beads: blank lines put back, the chunk band, the banded search against the
full one on synthetic embeddings (no model), its memory, and one real pair of documents."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import textwrap
import tracemalloc

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import aligner.bitext as bitext
from aligner.bitext import BITEXT_BEADS, COARSE_BEADS, align_bitext, align_texts, band_around, restore_blank
from aligner.evaluate import score_beads
from aligner.records import Bead
from aligner.refine import RefineParams
from tests.conftest import REPO


def B(ja, en, cost=0.0) -> Bead:
    return Bead(tuple(ja), tuple(en), cost)


def shape(beads) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(b.ja, b.en) for b in beads]


def linked(beads) -> set[tuple[tuple[int, ...], tuple[int, ...]]]:
    """The beads as a set: the order of neighbouring null beads is a tie the search may break
    either way, so banded and full results are compared as sets plus their total cost."""
    return {(b.ja, b.en) for b in beads}


# --- restore_blank -----------------------------------------------------------------------------

RESTORE_CASES = {
    "no blank line": (
        [B([0], [0], 0.3), B([1], [1], 0.4)], [0, 1], [0, 1], 2, 2,
        [B([0], [0], 0.3), B([1], [1], 0.4)],
    ),
    "ja blank at the start": (
        [B([0], [0], 0.3), B([1], [1], 0.4)], [1, 2], [0, 1], 3, 2,
        [B([0], []), B([1], [0], 0.3), B([2], [1], 0.4)],
    ),
    "en blank at the start": (
        [B([0], [0], 0.3), B([1], [1], 0.4)], [0, 1], [1, 2], 2, 3,
        [B([], [0]), B([0], [1], 0.3), B([1], [2], 0.4)],
    ),
    # both sides: the JA blank is placed first, then the EN ones
    "both blank at the start": (
        [B([0], [0], 0.3)], [1], [2], 2, 3,
        [B([0], []), B([], [0]), B([], [1]), B([1], [2], 0.3)],
    ),
    "ja blank in the middle": (
        [B([0], [0], 0.3), B([1], [1], 0.4)], [0, 2], [0, 1], 3, 2,
        [B([0], [0], 0.3), B([1], []), B([2], [1], 0.4)],
    ),
    "two en blanks in the middle": (
        [B([0], [0], 0.3), B([1], [1], 0.4)], [0, 1], [0, 3], 2, 4,
        [B([0], [0], 0.3), B([], [1]), B([], [2]), B([1], [3], 0.4)],
    ),
    "ja blanks at the end": (
        [B([0], [0], 0.3)], [0], [0], 3, 1,
        [B([0], [0], 0.3), B([1], []), B([2], [])],
    ),
    "en blank at the end": (
        [B([0], [0], 0.3)], [0], [0], 1, 2,
        [B([0], [0], 0.3), B([], [1])],
    ),
    "both blank at the end": (
        [B([0], [0], 0.3)], [0], [0], 2, 2,
        [B([0], [0], 0.3), B([1], []), B([], [1])],
    ),
    # an all-blank JA side: the EN skips keep their cost, the JA blanks follow
    "all-blank ja side": (
        [B([], [0], 0.6), B([], [1], 0.6)], [], [0, 1], 2, 2,
        [B([], [0], 0.6), B([], [1], 0.6), B([0], []), B([1], [])],
    ),
    "all-blank en side": (
        [B([0], [], 0.6)], [1], [], 2, 1,
        [B([0], []), B([1], [], 0.6), B([], [0])],
    ),
    "both sides all blank": ([], [], [], 2, 1, [B([0], []), B([1], []), B([], [0])]),
    "both sides empty": ([], [], [], 0, 0, []),
    # a skip of a kept segment keeps its cost and lands on the original index
    "kept skips map to original indices": (
        [B([0], [0], 0.3), B([1], [], 0.6), B([], [1], 0.6)], [0, 2], [1, 2], 3, 3,
        [B([], [0]), B([0], [1], 0.3), B([1], []), B([2], [], 0.6), B([], [2], 0.6)],
    ),
    "merged beads between blanks": (
        [B([0, 1], [0], 0.5), B([2], [1], 0.3)], [0, 1, 3], [0, 2], 4, 3,
        [B([0, 1], [0], 0.5), B([2], []), B([], [1]), B([3], [2], 0.3)],
    ),
}  # fmt: skip


@pytest.mark.parametrize(
    "beads, ja_keep, en_keep, n, m, expected", list(RESTORE_CASES.values()), ids=list(RESTORE_CASES)
)
def test_restore_blank(beads, ja_keep, en_keep, n, m, expected):
    assert restore_blank(beads, ja_keep, en_keep, n, m) == expected


MERGE_ACROSS_BLANK = {
    # JA lines 0 and 2 (line 1 blank) translated by one EN line: line 1 must still appear once,
    # and a bead must be a contiguous run for the bead format; it can only sit inside the bead
    "ja merge across a blank": ([B([0, 1], [0], 0.5)], [0, 2], [0], 3, 1, [B([0, 1, 2], [0], 0.5)]),
    "en merge across two blanks": (
        [B([0], [0, 1], 0.5)], [0], [0, 3], 1, 4,
        [B([0], [0, 1, 2, 3], 0.5)],
    ),
}  # fmt: skip


@pytest.mark.parametrize(
    "beads, ja_keep, en_keep, n, m, expected", list(MERGE_ACROSS_BLANK.values()), ids=list(MERGE_ACROSS_BLANK)
)
def test_restore_blank_merge_across_a_blank_line(beads, ja_keep, en_keep, n, m, expected):
    assert restore_blank(beads, ja_keep, en_keep, n, m) == expected


@st.composite
def kept_alignments(draw, blanks_inside_beads: bool):
    """(beads over the kept segments, ja_keep, en_keep, n, m): a monotone bead path over the kept
    segments, with blank lines drawn before each bead, after the last one and, if asked, between
    the members of a merged bead."""
    n_ja, n_en = draw(st.integers(0, 8)), draw(st.integers(0, 8))
    beads, i, j = [], 0, 0
    while i < n_ja or j < n_en:
        a, b = draw(st.sampled_from([(a, b) for a, b in BITEXT_BEADS if i + a <= n_ja and j + b <= n_en]))
        beads.append(B(range(i, i + a), range(j, j + b), draw(st.sampled_from([0.1, 0.6, 1.3]))))
        i, j = i + a, j + b
    gaps = st.integers(0, 2)
    ja_keep, en_keep, n, m = [], [], 0, 0
    for bead in beads:
        for side, keep in (("ja", ja_keep), ("en", en_keep)):
            members = getattr(bead, side)
            pos = n if side == "ja" else m
            pos += draw(gaps)
            for t, _ in enumerate(members):
                if t and blanks_inside_beads:
                    pos += draw(gaps)
                keep.append(pos)
                pos += 1
            n, m = (pos, m) if side == "ja" else (n, pos)
    return beads, ja_keep, en_keep, n + draw(gaps), m + draw(gaps)


def check_restored(beads, ja_keep, en_keep, n, m, out) -> None:
    # every original line once, in order, on both sides (so every bead is a contiguous run)
    assert [i for b in out for i in b.ja] == list(range(n))
    assert [j for b in out for j in b.en] == list(range(m))
    assert all(b.ja or b.en for b in out)
    # the beads holding a kept segment are the given beads, on the kept indices, with their cost
    ja_set, en_set = set(ja_keep), set(en_keep)
    holding = [b for b in out if ja_set.intersection(b.ja) or en_set.intersection(b.en)]
    assert [([i for i in b.ja if i in ja_set], [j for j in b.en if j in en_set], b.cost) for b in holding] == [
        ([ja_keep[i] for i in b.ja], [en_keep[j] for j in b.en], b.cost) for b in beads
    ]
    # the others are single blank lines, at no cost
    rest = [b for b in out if b not in holding]
    assert all(len(b.ja) + len(b.en) == 1 and b.cost == 0.0 for b in rest)


@settings(max_examples=200, deadline=None)
@given(kept_alignments(blanks_inside_beads=False))
def test_restore_blank_covers_every_line_once(case):
    beads, ja_keep, en_keep, n, m = case
    check_restored(beads, ja_keep, en_keep, n, m, restore_blank(beads, ja_keep, en_keep, n, m))


@settings(max_examples=200, deadline=None)
@given(kept_alignments(blanks_inside_beads=True))
@example(([B([0, 1], [0], 0.5)], [0, 2], [0], 3, 1))
def test_restore_blank_covers_every_line_once_with_blanks_inside_beads(case):
    beads, ja_keep, en_keep, n, m = case
    check_restored(beads, ja_keep, en_keep, n, m, restore_blank(beads, ja_keep, en_keep, n, m))


# --- band_around ---------------------------------------------------------------------------------

BAND_CASES = {
    # two diagonal chunks of 2: the rectangles [0,2]x[0,2] and [2,4]x[2,4], joined at row 2
    "diagonal": ([B([0], [0]), B([1], [1])], 2, 4, 4, 0, [0, 0, 0, 2, 2], [2, 2, 4, 4, 4]),
    # a 1-2 chunk bead, then a JA chunk with no counterpart (columns clipped at m = 3)
    "1-2 then a ja skip": ([B([0], [0, 1]), B([1], [])], 2, 4, 3, 0, [0, 0, 0, 3, 3], [3, 3, 3, 3, 3]),
    # an EN chunk skipped first: row 0 spans the skip and the next chunk
    "en skip first": ([B([], [0]), B([0], [1])], 2, 2, 4, 0, [0, 2, 2], [4, 4, 4]),
    # the last chunks are partial (n = 5, m = 3 with k = 2): clipped to the document's end
    "partial last chunk": ([B([0], [0]), B([1], []), B([2], [1])], 2, 5, 3, 0, [0, 0, 0, 2, 2, 2], [2, 2, 2, 2, 3, 3]),
    "one chunk": ([B([0], [0])], 3, 3, 2, 0, [0, 0, 0, 0], [2, 2, 2, 2]),
    # widening is clipped at 0 and m (how far a band of width w reaches is a property below: a
    # literal width-1 band would pin down whether rows are widened too, see the EN block test)
    "wide": ([B([0], [0]), B([1], [1])], 2, 4, 4, 9, [0, 0, 0, 0, 0], [4, 4, 4, 4, 4]),
}  # fmt: skip


@pytest.mark.parametrize("coarse, k, n, m, width, lo, hi", list(BAND_CASES.values()), ids=list(BAND_CASES))
def test_band_around(coarse, k, n, m, width, lo, hi):
    got_lo, got_hi = band_around(coarse, k, n, m, width)
    assert got_lo.tolist() == lo
    assert got_hi.tolist() == hi


@st.composite
def chunk_paths(draw):
    """(coarse beads over the chunks, k, n, m, width)."""
    k = draw(st.integers(1, 5))
    n, m = draw(st.integers(0, 30)), draw(st.integers(0, 30))
    n_c, m_c = math.ceil(n / k), math.ceil(m / k)
    beads, i, j = [], 0, 0
    while i < n_c or j < m_c:
        a, b = draw(st.sampled_from([(a, b) for a, b in COARSE_BEADS if i + a <= n_c and j + b <= m_c]))
        beads.append(B(range(i, i + a), range(j, j + b)))
        i, j = i + a, j + b
    return beads, k, n, m, draw(st.integers(0, 6))


def zero_cost(a, b, i0, i1, j0, j1):
    return np.zeros((i1 - i0, j1 - j0))


@settings(max_examples=150, deadline=None)
@given(chunk_paths())
def test_band_is_monotone_anchored_and_holds_the_chunk_path(case):
    coarse, k, n, m, width = case
    lo, hi = band_around(coarse, k, n, m, width)
    assert lo.shape == hi.shape == (n + 1,)
    assert lo[0] == 0 and hi[n] == m
    assert np.all(0 <= lo) and np.all(lo <= hi) and np.all(hi <= m)
    assert np.all(np.diff(lo) >= 0) and np.all(np.diff(hi) >= 0)
    # each chunk bead's rectangle of segments, widened by `width` columns, is inside the band
    i = j = 0
    for bead in coarse:
        i1 = min((bead.ja[-1] + 1) * k, n) if bead.ja else i
        j1 = min((bead.en[-1] + 1) * k, m) if bead.en else j
        assert np.all(lo[i : i1 + 1] <= max(j - width, 0))
        assert np.all(hi[i : i1 + 1] >= min(j1 + width, m))
        i, j = i1, j1
    assert (i, j) == (n, m)
    # and the fine search finds a path inside it
    beads = bitext.align(n, m, zero_cost, BITEXT_BEADS, (lo, hi))
    assert [x for b in beads for x in b.ja] == list(range(n))
    assert [x for b in beads for x in b.en] == list(range(m))


# --- align_bitext on synthetic embeddings ------------------------------------------------------


def unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype(np.float32)


def synthetic(n_beads: int, seed: int, d: int = 32, noise: float = 0.05):
    """Random unit JA rows and an EN side built from them by a known gold alignment.

    Mix: 70% 1-1 (EN = JA + noise), 10% 2-1 (EN = normalised sum of the two JA rows + noise),
    10% 1-2 (the JA row is the sum of two rows, each EN row one of them + noise), 5% JA and 5% EN
    lines with no counterpart (unrelated random rows). EN is about 1.9 times as long as JA in
    characters, as the length model expects.

    Returns:
        (ja (n, d), en (m, d), ja_chars, en_chars, gold beads)
    """
    rng = np.random.default_rng(seed)
    ja, en, ja_c, en_c, gold = [], [], [], [], []
    for kind in rng.choice(5, size=n_beads, p=[0.7, 0.1, 0.1, 0.05, 0.05]):
        i, j = len(ja), len(en)
        if kind == 0:
            x = unit(rng.normal(size=d))
            ja.append(x)
            en.append(unit(x + noise * rng.normal(size=d)))
            c = int(rng.integers(10, 60))
            ja_c.append(c)
            en_c.append(int(c * 1.9))
            gold.append(B([i], [j]))
        elif kind == 1:
            x, y = unit(rng.normal(size=(2, d)))
            ja += [x, y]
            en.append(unit(x + y + noise * rng.normal(size=d)))
            c1, c2 = (int(c) for c in rng.integers(10, 60, size=2))
            ja_c += [c1, c2]
            en_c.append(int((c1 + c2) * 1.9))
            gold.append(B([i, i + 1], [j]))
        elif kind == 2:
            x, y = unit(rng.normal(size=(2, d)))
            ja.append(unit(x + y))
            en += [unit(x + noise * rng.normal(size=d)), unit(y + noise * rng.normal(size=d))]
            c1, c2 = (int(c) for c in rng.integers(10, 60, size=2))
            ja_c.append(c1 + c2)
            en_c += [int(c1 * 1.9), int(c2 * 1.9)]
            gold.append(B([i], [j, j + 1]))
        elif kind == 3:
            ja.append(unit(rng.normal(size=d)))
            ja_c.append(int(rng.integers(10, 60)))
            gold.append(B([i], []))
        else:
            en.append(unit(rng.normal(size=d)))
            en_c.append(int(rng.integers(20, 110)))
            gold.append(B([], [j]))
    return np.array(ja).reshape(-1, d), np.array(en).reshape(-1, d), ja_c, en_c, gold


def check_covers(beads, n, m) -> None:
    assert [i for b in beads for i in b.ja] == list(range(n))
    assert [j for b in beads for j in b.en] == list(range(m))
    assert all((len(b.ja), len(b.en)) in BITEXT_BEADS for b in beads)


@pytest.mark.parametrize("n_beads, seed", [(40, 1), (150, 2)])
def test_full_search_recovers_the_gold_beads(n_beads, seed):
    ja, en, ja_c, en_c, gold = synthetic(n_beads, seed)
    assert max(len(ja), len(en)) <= 256  # the exhaustive search
    beads = align_bitext(ja, en, ja_c, en_c)
    check_covers(beads, len(ja), len(en))
    assert score_beads([(gold, beads)])["f1_strict"] >= 0.95


@pytest.fixture
def band_areas(monkeypatch):
    """The number of cells of every banded search align_bitext runs (None for a full one)."""
    areas: list[int | None] = []
    real = bitext.align

    def spy(n, m, cost, types, band=None):
        areas.append(None if band is None else int(np.sum(band[1] - band[0] + 1)))
        return real(n, m, cost, types, band)

    monkeypatch.setattr(bitext, "align", spy)
    return areas


def test_coarse_to_fine_recovers_the_gold_beads_of_a_long_pair(band_areas):
    ja, en, ja_c, en_c, gold = synthetic(2500, seed=3)
    n, m = len(ja), len(en)
    assert min(n, m) > 2500
    beads = align_bitext(ja, en, ja_c, en_c)
    check_covers(beads, n, m)
    assert score_beads([(gold, beads)])["f1_strict"] >= 0.95
    # the chunk path was searched in full, the segments only in a thin band
    assert band_areas[0] is None
    assert band_areas[1:] and all(area < n * m / 20 for area in band_areas[1:])


@pytest.mark.parametrize("seed", [4, 5])
def test_banded_equals_full_search(seed):
    ja, en, ja_c, en_c, gold = synthetic(560, seed)
    assert 550 <= min(len(ja), len(en)) and max(len(ja), len(en)) <= 650
    banded = align_bitext(ja, en, ja_c, en_c)
    full = align_bitext(ja, en, ja_c, en_c, max_full=10_000)
    assert linked(banded) == linked(full)
    assert sum(b.cost for b in banded) == pytest.approx(sum(b.cost for b in full), abs=1e-4)
    assert score_beads([(gold, banded)])["f1_strict"] >= 0.95


def test_banded_equals_full_search_with_a_small_max_full():
    # max_full = 16 gives chunks of 10: a coarse path far coarser than the default one
    ja, en, ja_c, en_c, _ = synthetic(150, seed=6)
    banded = align_bitext(ja, en, ja_c, en_c, max_full=16)
    full = align_bitext(ja, en, ja_c, en_c, max_full=10_000)
    assert linked(banded) == linked(full)
    assert sum(b.cost for b in banded) == pytest.approx(sum(b.cost for b in full), abs=1e-4)


def with_untranslated_block(n: int, block: int, at: int, side: str, seed: int = 0, d: int = 32):
    """n 1-1 pairs, with `block` unrelated rows inserted on one side before pair `at`."""
    rng = np.random.default_rng(seed)
    ja = unit(rng.normal(size=(n, d)))
    en = unit(ja + 0.05 * rng.normal(size=(n, d)))
    extra = unit(rng.normal(size=(block, d)))
    if side == "en":
        en = np.concatenate([en[:at], extra, en[at:]])
        gold = [B([i], [i]) for i in range(at)] + [B([], [at + t]) for t in range(block)]
        gold += [B([i], [i + block]) for i in range(at, n)]
    else:
        ja = np.concatenate([ja[:at], extra, ja[at:]])
        gold = [B([i], [i]) for i in range(at)] + [B([at + t], []) for t in range(block)]
        gold += [B([i + block], [i]) for i in range(at, n)]
    return ja, en, [20] * len(ja), [38] * len(en), gold


def test_banded_equals_full_search_with_a_ja_block_without_translation():
    ja, en, ja_c, en_c, gold = with_untranslated_block(400, 200, at=202, side="ja")
    banded = align_bitext(ja, en, ja_c, en_c)
    full = align_bitext(ja, en, ja_c, en_c, max_full=10_000)
    assert linked(banded) == linked(full) == linked(gold)


@pytest.mark.parametrize("at", [200, 202])
def test_banded_equals_full_search_with_an_en_block_without_translation(at):
    ja, en, ja_c, en_c, gold = with_untranslated_block(400, 200, at=at, side="en")
    full = align_bitext(ja, en, ja_c, en_c, max_full=10_000)
    assert linked(full) == linked(gold)
    banded = align_bitext(ja, en, ja_c, en_c)
    assert sum(b.cost for b in banded) == pytest.approx(sum(b.cost for b in full), abs=1e-4)
    assert linked(banded) == linked(full)


@pytest.mark.parametrize("n, m", [(0, 0), (0, 3), (2, 0), (0, 700), (700, 0)])
def test_empty_side_gives_null_beads(n, m):
    rng = np.random.default_rng(0)
    ja, en = unit(rng.normal(size=(n, 16))).reshape(n, 16), unit(rng.normal(size=(m, 16))).reshape(m, 16)
    beads = align_bitext(ja, en, [10] * n, [20] * m)
    assert shape(beads) == [((i,), ()) for i in range(n)] + [((), (j,)) for j in range(m)]


def test_peak_memory_is_far_below_a_full_matrix_traced():
    # n = m = 3000: a float64 matrix would take 72 MB
    n, d = 3000, 16
    rng = np.random.default_rng(0)
    ja = unit(rng.normal(size=(n, d)))
    en = unit(ja + 0.1 * rng.normal(size=(n, d)).astype(np.float32))
    tracemalloc.start()
    try:
        beads = align_bitext(ja, en, [30] * n, [55] * n)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert shape(beads) == [((i,), (i,)) for i in range(n)]
    assert peak < n * n * 8 / 4


MEMORY_SCRIPT = textwrap.dedent(
    """
    import json, resource, sys, time
    import numpy as np
    from aligner.bitext import align_bitext

    n, d = int(sys.argv[1]), 16
    rng = np.random.default_rng(0)
    ja = rng.normal(size=(n, d)).astype(np.float32)
    ja /= np.linalg.norm(ja, axis=1, keepdims=True)
    en = ja + 0.1 * rng.normal(size=(n, d)).astype(np.float32)
    en /= np.linalg.norm(en, axis=1, keepdims=True)
    start = time.perf_counter()
    beads = align_bitext(ja, en, [30] * n, [55] * n)
    # VmHWM is this process's own peak; ru_maxrss would carry over the parent's across exec
    status = open("/proc/self/status").read()
    peak_kb = next((int(l.split()[1]) for l in status.splitlines() if l.startswith("VmHWM:")), None)
    print(json.dumps({
        "seconds": time.perf_counter() - start,
        "max_rss_mb": (peak_kb or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024,
        "beads": len(beads),
        "diagonal": sum(b.ja == b.en == (i,) for i, b in enumerate(beads)),
    }))
    """
)


@pytest.mark.slow
def test_peak_memory_of_a_20000_line_pair():
    # tracemalloc makes this run six times slower (about 20 s instead of 3), so the peak is read
    # from the resident set size of a fresh process instead: interpreter, numpy and all
    n = 20_000
    done = subprocess.run(
        [sys.executable, "-c", MEMORY_SCRIPT, str(n)], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["beads"] == report["diagonal"] == n
    # an n x m float64 matrix would be 3.2 GB
    assert report["max_rss_mb"] < 400, report


# --- align_texts with the real model -------------------------------------------------------------

JA_DOC = [
    "昨日、私は友人と京都へ行きました。",
    "私たちは古い寺をいくつか訪ねました。",
    "",
    "昼食には美味しい蕎麦を食べ、午後は川沿いを散歩しました。",
    "この段落は翻訳されていません。",
    "夕方になると雨が降り始めました。",
    "私たちは電車で大阪に戻りました。",
]
EN_DOC = [
    "Yesterday I went to Kyoto with a friend.",
    "We visited several old temples.",
    "For lunch we ate delicious soba.",
    "In the afternoon we took a walk along the river.",
    "In the evening it started to rain.",
    "We took the train back to Osaka.",
]


@pytest.mark.slow
def test_align_texts_on_a_small_pair_of_documents(embedder):
    beads = align_texts(JA_DOC, EN_DOC, embedder)
    assert shape(beads) == [
        ((0,), (0,)),
        ((1,), (1,)),
        ((2,), ()),  # the blank line
        ((3,), (2, 3)),  # one JA sentence, two EN ones
        ((4,), ()),  # not translated
        ((5,), (4,)),
        ((6,), (5,)),
    ]
    costs = {(b.ja, b.en): b.cost for b in beads}
    assert costs[((2,), ())] == 0.0  # left out of the search
    assert costs[((4,), ())] == pytest.approx(0.6)  # SENTENCE_COST.skip
    assert all(0 < costs[k] < 1.2 for k in costs if k[0] and k[1])  # each link beats two skips


@pytest.mark.slow
def test_align_texts_with_blank_lines_on_both_sides(embedder):
    ja = ["", "今日は晴れです。", "", "明日は雨が降るでしょう。", "猫が好きです。"]
    en = ["It is sunny today.", "", "", "It will rain tomorrow.", "I like cats.", "   "]
    assert shape(align_texts(ja, en, embedder)) == [
        ((0,), ()),
        ((1,), (0,)),
        ((2,), ()),
        ((), (1,)),
        ((), (2,)),
        ((3,), (3,)),
        ((4,), (4,)),
        ((), (5,)),
    ]


def test_align_texts_encodes_only_non_blank_lines_in_one_call():
    calls = []

    class Recorder:
        name = "recorder"

        def encode(self, texts):
            calls.append(list(texts))
            rng = np.random.default_rng(len(texts))
            return unit(rng.normal(size=(len(texts), 8))).reshape(len(texts), 8)

    assert align_texts(["", "  "], ["\u3000"], Recorder()) == [B([0], []), B([1], []), B([], [0])]
    beads = align_texts(["あ", "", "い"], ["a"], Recorder(), refine=None)
    assert calls[-1] == ["あ", "い", "a"]
    assert [i for b in beads for i in b.ja] == [0, 1, 2]


def test_align_texts_takes_a_second_look_with_the_joined_lines():
    """A JA sentence in two lines, whose halves each resemble the EN line less than the DP's
    mean of them does a skip: the joined lines, encoded, are close, so they become one bead."""

    def basis(k: int) -> np.ndarray:
        x = np.zeros(16, dtype=np.float32)
        x[k] = 1.0
        return x

    table = {
        "P": basis(0), "p": unit(basis(0) + 0.1 * basis(9)), "R": basis(2), "r": unit(basis(2) + 0.1 * basis(9)),
        "q": basis(1), "Q1": unit(basis(1) + 0.5 * basis(5)), "Q2": unit(0.3 * basis(1) + 1.5 * basis(6)),
        "Q1Q2": unit(basis(1) + 0.1 * basis(7)),
    }  # fmt: skip
    calls = []

    class Table:
        name = "table"

        def encode(self, texts):
            calls.append(list(texts))
            return np.stack([table.get(t, unit(basis(8) + basis(10))) for t in texts])

    ja, en = ["P", "Q1", "Q2", "R"], ["p", "q", "r"]
    assert shape(align_texts(ja, en, Table(), refine=None)) == [((0,), (0,)), ((1,), (1,)), ((2,), ()), ((3,), (2,))]
    assert len(calls) == 1
    assert shape(align_texts(ja, en, Table())) == [((0,), (0,)), ((1, 2), (1,)), ((3,), (2,))]
    assert calls[-1][0] == "Q1Q2"  # JA lines join without a space


def test_align_texts_draws_two_lines_to_a_line_of_two_sentences():
    """A JA line pair whose second line the DP leaves out, its joined text farther (0.07)
    from the EN line than the first line alone: it joins when the EN line holds two sentences
    (the sentence counts of the second look), not when it holds one."""

    def basis(k: int) -> np.ndarray:
        x = np.zeros(16, dtype=np.float32)
        x[k] = 1.0
        return x

    def table(en_line: str) -> dict[str, np.ndarray]:
        return {
            "前の文。": basis(0), "Before.": unit(basis(0) + 0.1 * basis(9)),
            "雨が降った。": unit(basis(1) + 0.4 * basis(5)), "家にいた。": unit(0.2 * basis(1) + 1.5 * basis(6)),
            "雨が降った。家にいた。": unit(basis(1) + 0.6 * basis(5)), en_line: basis(1),
            "後の文。": basis(2), "After.": unit(basis(2) + 0.1 * basis(9)),
        }  # fmt: skip

    class Table:
        name = "table"

        def __init__(self, rows: dict[str, np.ndarray]) -> None:
            self.rows = rows

        def encode(self, texts):  # a joined text not in the table is unrelated to every line
            return np.stack([self.rows.get(t, unit(basis(8) + basis(10))) for t in texts])

    ja = ["前の文。", "雨が降った。", "家にいた。", "後の文。"]
    skip = [((0,), (0,)), ((1,), (1,)), ((2,), ()), ((3,), (2,))]
    join = [((0,), (0,)), ((1, 2), (1,)), ((3,), (2,))]
    two = ["Before.", "It rained. We stayed at home.", "After."]
    one = ["Before.", "It rained and we stayed at home.", "After."]
    uncounted = RefineParams(count_weight=0.0)
    assert shape(align_texts(ja, two, Table(table(two[1])), refine=uncounted)) == skip
    assert shape(align_texts(ja, two, Table(table(two[1])))) == join
    assert shape(align_texts(ja, one, Table(table(one[1])))) == skip
