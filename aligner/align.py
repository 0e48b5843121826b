"""The alignment dynamic program: bead costs in, monotone beads out (numpy only, no I/O, no model)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from aligner.records import Bead

BlockCost = Callable[[int, int, int, int, int, int], np.ndarray]
"""`cost(a, b, i0, i1, j0, j1)`: the (i1 - i0, j1 - j0) float costs of the beads that cover JA
segments i:i+a and EN segments j:j+b, for every start i in [i0, i1) and j in [j0, j1); inf
where a bead is impossible. Costs come a block at a time so that they can be computed with
matrix products instead of one call per cell."""

BEADS_DEFAULT: tuple[tuple[int, int], ...] = ((1, 1), (1, 0), (0, 1), (1, 2), (2, 1), (2, 2))

_ROWS_PER_BLOCK = 64


def full_band(n_ja: int, n_en: int) -> tuple[np.ndarray, np.ndarray]:
    """The band that allows every cell: for each row i in 0..n_ja, j from 0 to n_en.

    Returns:
        (lo, hi): two (n_ja + 1,) int64 arrays, inclusive bounds of j per row.
    """
    return np.zeros(n_ja + 1, dtype=np.int64), np.full(n_ja + 1, n_en, dtype=np.int64)


def _check_band(n_ja: int, n_en: int, lo: np.ndarray, hi: np.ndarray) -> None:
    if lo.shape != (n_ja + 1,) or hi.shape != (n_ja + 1,):
        raise ValueError(f"band arrays must have shape ({n_ja + 1},), got {lo.shape} and {hi.shape}")
    if lo[0] != 0 or hi[-1] != n_en or np.any(lo > hi) or np.any(lo < 0) or np.any(hi > n_en):
        raise ValueError("band must hold (0, 0) and (n_ja, n_en), with 0 <= lo <= hi <= n_en per row")


def align(
    n_ja: int,
    n_en: int,
    bead_cost: BlockCost,
    bead_types: Sequence[tuple[int, int]] = BEADS_DEFAULT,
    band: tuple[np.ndarray, np.ndarray] | None = None,
) -> list[Bead]:
    """Find the cheapest monotone sequence of beads that covers both sides once, in order.

    Args:
        n_ja, n_en: number of JA and EN segments.
        bead_cost: block costs of a bead shape (see `BlockCost`).
        bead_types: allowed (a, b) bead shapes; a zero side is allowed only as (0, 1) or (1, 0)
            (a skip of one segment), other shapes need a >= 1 and b >= 1.
        band: optional (lo, hi) inclusive bounds of the EN position j allowed at each JA
            position i (arrays of n_ja + 1 ints); time and memory grow with the band's area,
            so a band of fixed width makes the search linear in the document length.

    Returns:
        Beads in order; every JA index in 0..n_ja-1 and EN index in 0..n_en-1 appears in
        exactly one bead; each bead carries its own cost.

    Raises:
        ValueError: an unsupported bead shape, a malformed band, or no path inside the band.
    """
    types = [tuple(t) for t in bead_types]
    for a, b in types:
        if a < 0 or b < 0 or (a == 0 and b != 1) or (b == 0 and a != 1):
            raise ValueError(f"unsupported bead shape {(a, b)}: use (1, 0), (0, 1) or a, b >= 1")
    lo, hi = band if band is not None else full_band(n_ja, n_en)
    lo, hi = np.asarray(lo, dtype=np.int64), np.asarray(hi, dtype=np.int64)
    _check_band(n_ja, n_en, lo, hi)

    skip_en = types.index((0, 1)) if (0, 1) in types else -1
    steps = [(t, a, b) for t, (a, b) in enumerate(types) if a >= 1]
    max_a = max([a for _, a, _ in steps], default=1)

    recent: dict[int, np.ndarray] = {}  # D rows still reachable by some bead shape
    back: list[np.ndarray] = []  # per row, the bead type that reached each cell (-1: none)
    for r0 in range(0, n_ja + 1, _ROWS_PER_BLOCK):
        r1 = min(r0 + _ROWS_PER_BLOCK, n_ja + 1)
        blocks = _cost_blocks(bead_cost, steps, skip_en, types, lo, hi, r0, r1, n_ja, n_en)
        for i in range(r0, r1):
            best, arg = _relax_row(i, lo, hi, recent, steps, blocks)
            if skip_en >= 0 and best.size > 1:
                skips, s0, c0 = blocks[skip_en]
                row = skips[i - s0, lo[i] - c0 : hi[i] - c0]
                best, arg = _relax_skips(best, arg, row, skip_en)
            recent[i] = best
            recent.pop(i - max_a, None)
            back.append(arg)

    if not np.isfinite(recent[n_ja][n_en - lo[n_ja]]):
        raise ValueError("no alignment path inside the band: widen it")
    return _backtrack(back, lo, types, bead_cost, n_ja, n_en)


def _cost_blocks(
    bead_cost: BlockCost,
    steps: list[tuple[int, int, int]],
    skip_en: int,
    types: list[tuple[int, int]],
    lo: np.ndarray,
    hi: np.ndarray,
    r0: int,
    r1: int,
    n_ja: int,
    n_en: int,
) -> dict[int, tuple[np.ndarray, int, int]]:
    """The costs every row in [r0, r1) will read, one block per bead type: (block, i0, j0)."""
    blocks = {}
    col_lo, col_hi = int(lo[r0:r1].min()), int(hi[r0:r1].max())
    for t, a, b in steps:
        i0, i1 = max(r0 - a, 0), min(r1 - a, n_ja - a + 1)
        j0, j1 = max(col_lo - b, 0), min(col_hi - b + 1, n_en - b + 1)
        if i1 > i0 and j1 > j0:
            blocks[t] = (np.asarray(bead_cost(a, b, i0, i1, j0, j1), dtype=np.float64), i0, j0)
    if skip_en >= 0 and col_hi > col_lo:
        blocks[skip_en] = (np.asarray(bead_cost(0, 1, r0, r1, col_lo, col_hi), dtype=np.float64), r0, col_lo)
    return blocks


def _relax_row(
    i: int,
    lo: np.ndarray,
    hi: np.ndarray,
    recent: dict[int, np.ndarray],
    steps: list[tuple[int, int, int]],
    blocks: dict[int, tuple[np.ndarray, int, int]],
) -> tuple[np.ndarray, np.ndarray]:
    """Best cost of reaching each cell of row i by a bead with a JA side, and its type."""
    width = int(hi[i] - lo[i] + 1)
    best = np.full(width, np.inf)
    arg = np.full(width, -1, dtype=np.int8)
    if i == 0:
        best[0] = 0.0
    for t, a, b in steps:
        if i - a < 0 or t not in blocks:
            continue
        block, i0, c0 = blocks[t]
        prev, plo, phi = recent[i - a], lo[i - a], hi[i - a]
        # bead ends (i, j) for j in [j_lo, j_hi]: it starts at (i - a, j - b) inside row i - a
        j_lo, j_hi = max(int(lo[i]), int(plo) + b), min(int(hi[i]), int(phi) + b, c0 + block.shape[1] - 1 + b)
        if j_lo > j_hi:
            continue
        cand = prev[j_lo - b - plo : j_hi - b - plo + 1] + block[i - a - i0, j_lo - b - c0 : j_hi - b - c0 + 1]
        seg = slice(j_lo - lo[i], j_hi - lo[i] + 1)
        better = cand < best[seg]
        best[seg] = np.where(better, cand, best[seg])
        arg[seg][better] = t
    return best, arg


def _relax_skips(best: np.ndarray, arg: np.ndarray, skip: np.ndarray, t: int) -> tuple[np.ndarray, np.ndarray]:
    """Within one row, D[j] = min(D[j], D[j-1] + skip[j-1]) for all j at once.

    With S the running sum of skip costs, D[j] = S[j] + min_{k<=j}(D[k] - S[k]); a cell whose
    own value is above that running minimum is reached by skipping the EN segment before it.
    """
    run = np.concatenate(([0.0], np.cumsum(skip, dtype=np.float64)))
    own = best - run
    low = np.minimum.accumulate(own)
    from_skip = own > low
    arg = arg.copy()
    arg[from_skip] = t
    return low + run, arg


def _backtrack(
    back: list[np.ndarray],
    lo: np.ndarray,
    types: list[tuple[int, int]],
    bead_cost: BlockCost,
    n_ja: int,
    n_en: int,
) -> list[Bead]:
    beads: list[Bead] = []
    i, j = n_ja, n_en
    while i > 0 or j > 0:
        t = int(back[i][j - lo[i]])
        if t < 0:
            raise ValueError(f"broken back-pointer at ({i}, {j})")
        a, b = types[t]
        cost = float(bead_cost(a, b, i - a, i - a + 1, j - b, j - b + 1)[0, 0])
        beads.append(Bead(tuple(range(i - a, i)), tuple(range(j - b, j)), cost))
        i, j = i - a, j - b
    beads.reverse()
    return beads


_BEAD_LINE = re.compile(r"^\s*\[([\d,\s]*)\]\s*:\s*\[([\d,\s]*)\]\s*(?::\s*(\S+))?\s*$")


def format_beads(beads: Sequence[Bead]) -> str:
    """Beads -> Vecalign's text format, one bead a line: `[0]:[0]:0.1234`, `[1,2]:[3]:0.2`, `[4]:[]:0`.

    Returns:
        The lines joined by newlines, with a final newline (empty string for no beads).
    """
    lines = [f"[{','.join(map(str, b.ja))}]:[{','.join(map(str, b.en))}]:{b.cost:.4f}" for b in beads]
    return "".join(line + "\n" for line in lines)


def parse_beads(text: str, source: str = "<beads>") -> list[Bead]:
    """Vecalign's bead format -> beads; the cost field is optional (0.0 when absent).

    Args:
        text: the file's content; blank lines are ignored.
        source: name used in error messages.

    Raises:
        ValueError: naming `source` and the line number of a malformed line.
    """
    beads = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        m = _BEAD_LINE.match(line)
        if m is None:
            raise ValueError(f"{source}:{number}: not a bead like [0,1]:[2]: {line[:80]!r}")
        ja, en = (tuple(int(x) for x in g.split(",") if x.strip()) for g in m.group(1, 2))
        try:
            cost = float(m.group(3)) if m.group(3) else 0.0
        except ValueError:
            raise ValueError(f"{source}:{number}: not a bead like [0,1]:[2]: {line[:80]!r}") from None
        beads.append(Bead(ja, en, cost))
    return beads
