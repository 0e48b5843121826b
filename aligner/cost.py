"""Bead costs from embeddings, lengths and positions: the model behind every alignment."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class LengthModel:
    """Gaussian over log((EN chars + 1) / (JA chars + 1)), characters counted without spaces.

    Fitted by `scripts/fit_length.py` on the 2,149 gold pairs of the dev interleaved and
    sentence cases (WMT news, conversation, social media and Bible verses): EN runs about
    1.9 times the JA characters.
    """

    mean: float = 0.63
    std: float = 0.27

    def z(self, ja_chars: np.ndarray, en_chars: np.ndarray) -> np.ndarray:
        """(k,) JA and EN character counts -> (k,) z-scores of their log length ratio."""
        ratio = np.log((np.asarray(en_chars, float) + 1.0) / (np.asarray(ja_chars, float) + 1.0))
        return (ratio - self.mean) / self.std


def char_length(text: str) -> int:
    """Characters of `text` not counting white space (the unit of the JA/EN length model)."""
    return len(_SPACE.sub("", text))


@dataclass(frozen=True, slots=True)
class CostParams:
    """Knobs of the bead cost; see `BeadCoster` for how each enters.

    skip: cost of leaving one segment without counterpart; a 1-1 bead is preferred to two
        skips when its normalised distance is under 2 * skip.
    merge: cost of each segment a bead holds beyond two. Where untranslated segments are
        common (interleaved paragraphs) it should be about `skip`, so that absorbing a
        neighbour never beats skipping it unless the match improves; between sentences that
        translate each other, merges are far more common than skips and it is lower.
    per_segment: scale a bead's fit by its size, (a + b) / 2, and charge `merge` times the
        square of its extra segments. A summed embedding of two translated sentences is
        closer to its counterpart than either half (noise averages out), so a 2-2 bead
        would otherwise swallow two 1-1 beads; the square keeps 1-2 and 2-1 cheap and makes
        2-2, 1-3 and beyond earn their place. On for sentences, off for paragraphs, where a
        bead is one unit of evidence.
    member_floor, member_weight: each segment of a merged side must itself resemble the
        other side; a member whose cosine with it is under `member_floor` costs
        `member_weight` per unit below (an untranslated neighbour barely moves the merged
        embedding, so the merged cosine alone cannot tell it from a real split).
    length_weight: weight of the squared length z-score (clipped at `length_clip`).
    distance_weight: weight of log(distance) between the two sides' positions in one
        document (interleaved documents only; 0 turns the position prior off).
    """

    skip: float = 0.4
    merge: float = 0.45
    per_segment: bool = False
    member_floor: float = 0.2
    member_weight: float = 2.0
    length_weight: float = 0.02
    length_clip: float = 4.0
    distance_weight: float = 0.1

    def size_scale(self, a: int, b: int) -> float:
        """What a bead's fit is multiplied by: its size (a + b) / 2 when per_segment, else 1."""
        return (a + b) / 2 if self.per_segment else 1.0

    def size_charge(self, a: int, b: int) -> float:
        """What a bead pays for holding more than two segments (see `merge`, `per_segment`)."""
        extra = a + b - 2
        return self.merge * extra * (extra if self.per_segment else 1)

    def fit_of(self, a: int, b: int, cost: float) -> float:
        """The fit behind a bead's cost (the inverse of `BeadCoster.__call__`), for scoring."""
        return (cost - self.size_charge(a, b)) / self.size_scale(a, b)


class BeadCoster:
    """Cost of any bead over two embedded segment sequences, vectorised for `align.align`.

    For a bead of a JA and b EN segments, each side is embedded as the length-weighted sum
    of its segments' unit embeddings (so merged beads need no new encoding), and

        fit  = (1 - cos) / norm + length_weight * min(|z|, clip)^2
               + distance_weight * log(distance) + member term
        cost = fit + merge * (a + b - 2)                      (per_segment off)
        cost = fit * (a + b) / 2 + merge * (a + b - 2)^2       (per_segment on)

    where norm is the mean of 1 - cos of each side against random segments of the other
    language (Vecalign's normalisation: a side that resembles everything costs more), and a
    skip costs `skip`.
    """

    def __init__(
        self,
        ja_emb: np.ndarray,
        en_emb: np.ndarray,
        ja_chars: Sequence[int],
        en_chars: Sequence[int],
        params: CostParams = CostParams(),
        length_model: LengthModel = LengthModel(),
        ja_pos: Sequence[int] | None = None,
        en_pos: Sequence[int] | None = None,
        ja_random: np.ndarray | None = None,
        en_random: np.ndarray | None = None,
        max_merge: int = 4,
        seed: int = 0,
    ) -> None:
        """Args:
        ja_emb, en_emb: (n, d) and (m, d) float32 unit rows.
        ja_chars, en_chars: (n,) and (m,) character counts (`char_length`).
        ja_pos, en_pos: positions of the segments in one shared document (paragraph
            numbers), for the distance prior; None when the sides are separate documents.
        ja_random, en_random: (p, d) unit rows to draw the random pairs of the
            normalisation from (default: the segments themselves); a wider pool gives a
            steadier norm when one side has few segments.
        max_merge: the most segments one side of a bead may hold.
        seed: for the random pairs of the normalisation, so costs are deterministic.
        """
        self.params, self.length_model, self.max_merge = params, length_model, max_merge
        self._units = (np.asarray(ja_emb, dtype=np.float32), np.asarray(en_emb, dtype=np.float32))
        self._weights = (length_weights(ja_chars), length_weights(en_chars))
        self._chars = (_prefix(ja_chars), _prefix(en_chars))
        self.ja_pos = None if ja_pos is None else np.asarray(ja_pos, dtype=np.float64)
        self.en_pos = None if en_pos is None else np.asarray(en_pos, dtype=np.float64)
        self._norms = tuple(_window_norms(u, w, max_merge) for u, w in zip(self._units, self._weights))
        rng = np.random.default_rng(seed)
        pools = (self._units[0] if ja_random is None else ja_random, self._units[1] if en_random is None else en_random)
        self.ja_norm = _random_baseline(self._units[0], self._weights[0], self._norms[0], pools[1], rng)
        self.en_norm = _random_baseline(self._units[1], self._weights[1], self._norms[1], pools[0], rng)
        self._cache: tuple[int, int, int, int, np.ndarray] | None = None

    def window(self, lang: str, a: int, start: np.ndarray | None = None) -> np.ndarray:
        """(k, d) unit embeddings of the `lang` ("ja" or "en") windows of a segments starting
        at `start` (all windows if None): the length-weighted sum of their unit rows."""
        side = 0 if lang == "ja" else 1
        units, weights = self._units[side], self._weights[side]
        if start is None:
            start = np.arange(max(units.shape[0] - a + 1, 0))
        rows = np.asarray(start)[:, None] + np.arange(a)[None, :]
        x = np.einsum("kad,ka->kd", units[rows], weights[rows])
        return (x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)).astype(np.float32)

    def cosine(self, a: int, b: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """(k,) cosines between JA windows i:i+a and EN windows j:j+b."""
        return self.sides(a, b, i, j)[2]

    def sides(self, a: int, b: int, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The (k, d) JA windows i:i+a and EN windows j:j+b (`window`) and their (k,) cosines."""
        ja, en = self.window("ja", a, i), self.window("en", b, j)
        return ja, en, np.einsum("kd,kd->k", ja, en)

    def length_z(self, a: int, b: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """(k,) length z-scores of the beads."""
        ja, en = self._chars
        return self.length_model.z(ja[np.asarray(i) + a] - ja[i], en[np.asarray(j) + b] - en[j])

    def fit(self, a: int, b: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """(k,) how badly the two sides of each bead (a, b) starting at (i[k], j[k]) match,
        before any charge for its size: see `fit_block`."""
        return np.array([self.fit_block(a, b, int(x), int(x) + 1, int(y), int(y) + 1)[0, 0] for x, y in zip(i, j)])

    def __call__(self, a: int, b: int, i0: int, i1: int, j0: int, j1: int) -> np.ndarray:
        """The `align.BlockCost`: (i1 - i0, j1 - j0) costs of beads (a, b) starting in the block."""
        p = self.params
        if a == 0 or b == 0:
            return np.full((i1 - i0, j1 - j0), p.skip)
        return self.fit_block(a, b, i0, i1, j0, j1) * p.size_scale(a, b) + p.size_charge(a, b)

    def fit_block(self, a: int, b: int, i0: int, i1: int, j0: int, j1: int) -> np.ndarray:
        """(i1 - i0, j1 - j0) fits of beads (a, b), a, b >= 1, starting at JA i and EN j:
        normalised embedding distance, member term, length term and position prior; inf
        where the bead runs past the end of a side or a merged side is interrupted by the
        other language. A 1-1 bead is worth keeping when this is under 2 * skip."""
        p = self.params
        out = np.full((i1 - i0, j1 - j0), np.inf)
        (n, m), (w_ja, w_en) = (len(u) for u in self._units), self._weights
        vi1, vj1 = min(i1, n - a + 1), min(j1, m - b + 1)
        if vi1 <= i0 or vj1 <= j0:
            return out
        # dot[r, c] = JA row i0 + r . EN row j0 + c over the rows and columns the windows touch;
        # a window's cosine is a weighted sum of these, so no window is ever embedded.
        dot = self._dots(i0, vi1 + a - 1, j0, vj1 + b - 1)
        en_sums = _sliding(dot * w_en[j0 : vj1 + b - 1][None, :], b, axis=1)  # (rows, C)
        num = _sliding(en_sums * w_ja[i0 : vi1 + a - 1][:, None], a, axis=0)  # (R, C)
        nx, ny = self._norms[0][a][i0:vi1], self._norms[1][b][j0:vj1]
        cos = num / np.maximum(nx[:, None] * ny[None, :], 1e-12)
        norm = 0.5 * (self.ja_norm[a][i0:vi1][:, None] + self.en_norm[b][j0:vj1][None, :])
        fit = (1.0 - cos) / np.maximum(norm, 1e-6)
        if a > 1 or b > 1:
            weakest = np.full(fit.shape, np.inf)
            rows = vi1 - i0
            for t in range(a if a > 1 else 0):  # each JA member against the EN window
                weakest = np.minimum(weakest, en_sums[t : t + rows] / np.maximum(ny[None, :], 1e-12))
            if b > 1:  # each EN member against the JA window
                ja_sums = _sliding(dot * w_ja[i0 : vi1 + a - 1][:, None], a, axis=0)
                cols = vj1 - j0
                for u in range(b):
                    weakest = np.minimum(weakest, ja_sums[:, u : u + cols] / np.maximum(nx[:, None], 1e-12))
            fit += p.member_weight * np.maximum(0.0, p.member_floor - weakest)
        if p.length_weight:
            ja_c, en_c = self._chars
            z = self.length_model.z(
                (ja_c[i0 + a : vi1 + a] - ja_c[i0:vi1])[:, None], (en_c[j0 + b : vj1 + b] - en_c[j0:vj1])[None, :]
            )
            fit += p.length_weight * np.minimum(np.abs(z), p.length_clip) ** 2
        if self.ja_pos is not None and self.en_pos is not None:
            fit += self._position_terms(a, b, i0, vi1, j0, vj1)
        out[: vi1 - i0, : vj1 - j0] = fit
        return out

    def _position_terms(self, a: int, b: int, i0: int, i1: int, j0: int, j1: int) -> np.ndarray:
        """distance_weight * log(paragraphs between the sides), and inf where a merged side
        holds a block of the other language: one paragraph split in two stays contiguous."""
        assert self.ja_pos is not None and self.en_pos is not None
        ja_first, ja_last = self.ja_pos[i0:i1], self.ja_pos[i0 + a - 1 : i1 + a - 1]
        en_first, en_last = self.en_pos[j0:j1], self.en_pos[j0 + b - 1 : j1 + b - 1]
        gap = np.maximum(en_first[None, :] - ja_last[:, None], ja_first[:, None] - en_last[None, :])
        terms = self.params.distance_weight * np.log(np.maximum(gap, 1.0))
        inside_ja = np.searchsorted(self.en_pos, ja_last) - np.searchsorted(self.en_pos, ja_first)
        inside_en = np.searchsorted(self.ja_pos, en_last) - np.searchsorted(self.ja_pos, en_first)
        terms[(inside_ja[:, None] > 0) | (inside_en[None, :] > 0)] = np.inf
        return terms

    def _dots(self, r0: int, r1: int, c0: int, c1: int) -> np.ndarray:
        """(r1 - r0, c1 - c0) float64 dot products of JA rows r0:r1 with EN rows c0:c1.

        The last product is kept with some margin, since the DP asks for overlapping blocks
        of every bead shape over the same rows."""
        if self._cache is not None:
            cr0, cr1, cc0, cc1, block = self._cache
            if cr0 <= r0 and r1 <= cr1 and cc0 <= c0 and c1 <= cc1:
                return block[r0 - cr0 : r1 - cr0, c0 - cc0 : c1 - cc0]
        ja, en = self._units
        m = self.max_merge
        cr0, cr1 = max(r0 - m, 0), min(r1 + m, len(ja))
        cc0, cc1 = max(c0 - m, 0), min(c1 + m, len(en))
        block = (ja[cr0:cr1] @ en[cc0:cc1].T).astype(np.float64)
        self._cache = (cr0, cr1, cc0, cc1, block)
        return block[r0 - cr0 : r1 - cr0, c0 - cc0 : c1 - cc0]


def _prefix(chars: Sequence[int]) -> np.ndarray:
    return np.concatenate(([0.0], np.cumsum(np.asarray(chars, dtype=np.float64))))


def length_weights(chars: Sequence[int]) -> np.ndarray:
    """Weight of a segment in a merged window (or any run of segments embedded as the sum of
    theirs): sqrt of its length, so a long sentence counts more than a short one without
    drowning it."""
    return np.sqrt(np.asarray(chars, dtype=np.float64) + 1.0)


def _sliding(x: np.ndarray, k: int, axis: int) -> np.ndarray:
    """Sums of k consecutive entries along `axis` (length shrinks by k - 1)."""
    if k == 1:
        return x
    c = np.cumsum(x, axis=axis)
    zero = np.zeros_like(np.take(c, [0], axis=axis))
    c = np.concatenate((zero, c), axis=axis)
    n = x.shape[axis]
    return np.take(c, np.arange(k, n + 1), axis=axis) - np.take(c, np.arange(0, n - k + 1), axis=axis)


def _window_norms(units: np.ndarray, weights: np.ndarray, max_merge: int) -> dict[int, np.ndarray]:
    """{a: (n - a + 1,) norms of the length-weighted sums of a consecutive unit rows}, from
    the dot products of near neighbours only."""
    n = units.shape[0]
    near = {k: np.einsum("kd,kd->k", units[:-k], units[k:]).astype(np.float64) for k in range(1, min(max_merge, n))}
    out = {}
    for a in range(1, max_merge + 1):
        count = max(n - a + 1, 0)
        if count == 0:
            out[a] = np.zeros(0)
            continue
        sq = _sliding(weights**2, a, axis=0)[:count]
        for k in range(1, a):
            for t in range(a - k):
                sq = sq + 2.0 * weights[t : t + count] * weights[t + k : t + k + count] * near[k][t : t + count]
        out[a] = np.sqrt(np.maximum(sq, 1e-24))
    return out


# Mean 1 - cos of unrelated JA/EN sentence pairs under USE v3 (0.918 on WMT22 news), and how
# many random pairs that prior is worth when a document offers only a few of its own.
RANDOM_DISTANCE_PRIOR = 0.92
PRIOR_WEIGHT = 8


def _random_baseline(
    units: np.ndarray,
    weights: np.ndarray,
    norms: dict[int, np.ndarray],
    other: np.ndarray,
    rng: np.random.Generator,
    k: int = 64,
) -> dict[int, np.ndarray]:
    """{a: (n - a + 1,) mean of 1 - cos between each a-window and up to k random rows of
    `other`}, shrunk towards RANDOM_DISTANCE_PRIOR so that a short document gets a sane norm."""
    other = np.asarray(other, dtype=np.float32)
    size = min(k, other.shape[0])
    sample = other[rng.choice(other.shape[0], size=size, replace=False)] if size else other[:0]
    proj = (units @ sample.T).astype(np.float64) * weights[:, None]  # (n, size)
    out = {}
    for a, norm in norms.items():
        if norm.size == 0:
            out[a] = np.ones(0)
            continue
        cos = _sliding(proj, a, axis=0)[: norm.size] / norm[:, None]
        out[a] = (np.sum(1.0 - cos, axis=1) + PRIOR_WEIGHT * RANDOM_DISTANCE_PRIOR) / (size + PRIOR_WEIGHT)
    return out
