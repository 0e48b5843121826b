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

    Fitted by `scripts/fit_length.py` on 1-1 beads of human-aligned JA/EN text.
    """

    mean: float = 0.62
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
        self.params, self.length_model = params, length_model
        self.ja_chars = np.concatenate(([0], np.cumsum(ja_chars))).astype(np.float64)
        self.en_chars = np.concatenate(([0], np.cumsum(en_chars))).astype(np.float64)
        self._units = (np.asarray(ja_emb, dtype=np.float32), np.asarray(en_emb, dtype=np.float32))
        self._sums = (_weighted_prefix(ja_emb, ja_chars), _weighted_prefix(en_emb, en_chars))
        self.ja_pos = None if ja_pos is None else np.asarray(ja_pos, dtype=np.float64)
        self.en_pos = None if en_pos is None else np.asarray(en_pos, dtype=np.float64)
        rng = np.random.default_rng(seed)
        ja_random = ja_emb if ja_random is None else ja_random
        en_random = en_emb if en_random is None else en_random
        self.ja_norm = {a: _random_baseline(self.window("ja", a), en_random, rng) for a in range(1, max_merge + 1)}
        self.en_norm = {b: _random_baseline(self.window("en", b), ja_random, rng) for b in range(1, max_merge + 1)}

    def window(self, lang: str, a: int, start: np.ndarray | None = None) -> np.ndarray:
        """(k, d) unit embeddings of the `lang` ("ja" or "en") windows of a segments starting
        at `start` (all windows if None)."""
        side = 0 if lang == "ja" else 1
        prefix = self._sums[side]
        if start is None:
            start = np.arange(max(prefix.shape[0] - a, 0))
        x = prefix[start + a] - prefix[start]
        return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)

    def cosine(self, a: int, b: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """(k,) cosines between JA windows i:i+a and EN windows j:j+b."""
        x = self.window("ja", a, i)
        y = self.window("en", b, j)
        return np.einsum("kd,kd->k", x, y)

    def length_z(self, a: int, b: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """(k,) length z-scores of the beads."""
        ja = self.ja_chars[i + a] - self.ja_chars[i]
        en = self.en_chars[j + b] - self.en_chars[j]
        return self.length_model.z(ja, en)

    def __call__(self, a: int, b: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """The `align.BeadCost` of beads (a, b) starting at JA i and EN j: (k,) floats."""
        p = self.params
        if a == 0 or b == 0:
            return np.full(len(i), p.skip)
        fit = self.fit(a, b, i, j)
        if p.per_segment:
            fit = fit * ((a + b) / 2)
        extra = a + b - 2
        return fit + p.merge * extra * (extra if p.per_segment else 1)

    def fit(self, a: int, b: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """(k,) how badly the two sides of each bead match, before any charge for merging:
        normalised embedding distance, length term and position prior (inf where a merged
        side is interrupted by the other language). A 1-1 bead is worth keeping when this is
        under 2 * skip."""
        p = self.params
        x, y = self.window("ja", a, i), self.window("en", b, j)
        cos = np.einsum("kd,kd->k", x, y)
        norm = 0.5 * (self.ja_norm[a][i] + self.en_norm[b][j])
        cost = (1.0 - cos) / np.maximum(norm, 1e-6)
        if a > 1 or b > 1:
            weakest = np.minimum(self._weakest_member(0, a, i, y), self._weakest_member(1, b, j, x))
            cost += p.member_weight * np.maximum(0.0, p.member_floor - weakest)
        z = np.minimum(np.abs(self.length_z(a, b, i, j)), p.length_clip)
        cost += p.length_weight * z * z
        if self.ja_pos is not None and self.en_pos is not None:
            if p.distance_weight:
                cost += p.distance_weight * np.log(self._distance(a, b, i, j))
            cost[self._interrupted(a, b, i, j)] = np.inf
        return cost

    def _weakest_member(self, side: int, a: int, start: np.ndarray, other: np.ndarray) -> np.ndarray:
        """(k,) the lowest cosine between one segment of a side's window and the other side."""
        units = self._units[side]
        out = np.full(len(start), np.inf)
        if a > 1:
            for t in range(a):
                out = np.minimum(out, np.einsum("kd,kd->k", units[start + t], other))
        return out

    def _interrupted(self, a: int, b: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """(k,) True where a merged side has a block of the other language inside it: one
        paragraph split in two stays contiguous, so such a bead is not a split paragraph."""
        assert self.ja_pos is not None and self.en_pos is not None
        inside_ja = np.searchsorted(self.en_pos, self.ja_pos[i + a - 1]) - np.searchsorted(self.en_pos, self.ja_pos[i])
        inside_en = np.searchsorted(self.ja_pos, self.en_pos[j + b - 1]) - np.searchsorted(self.ja_pos, self.en_pos[j])
        return (inside_ja > 0) | (inside_en > 0)

    def _distance(self, a: int, b: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Paragraphs between the nearest blocks of the two sides (1 when adjacent)."""
        assert self.ja_pos is not None and self.en_pos is not None
        ja_first, ja_last = self.ja_pos[i], self.ja_pos[i + a - 1]
        en_first, en_last = self.en_pos[j], self.en_pos[j + b - 1]
        gap = np.maximum(en_first - ja_last, ja_first - en_last)
        return np.maximum(gap, 1.0)


def _weighted_prefix(emb: np.ndarray, chars: Sequence[int]) -> np.ndarray:
    """(n + 1, d) running sums of embeddings weighted by sqrt of their length."""
    w = np.sqrt(np.asarray(chars, dtype=np.float64) + 1.0)[:, None]
    out = np.zeros((emb.shape[0] + 1, emb.shape[1]), dtype=np.float64)
    np.cumsum(emb * w, axis=0, out=out[1:])
    return out


# Mean 1 - cos of unrelated JA/EN sentence pairs under USE v3 (0.918 on WMT22 news), and how
# many random pairs that prior is worth when a document offers only a few of its own.
RANDOM_DISTANCE_PRIOR = 0.92
PRIOR_WEIGHT = 8


def _random_baseline(x: np.ndarray, other: np.ndarray, rng: np.random.Generator, k: int = 64) -> np.ndarray:
    """(n,) mean of 1 - cos between each row of x and up to k random rows of `other`,
    shrunk towards RANDOM_DISTANCE_PRIOR so that a short document gets a sane norm."""
    if x.shape[0] == 0:
        return np.ones(0)
    sample = other[rng.choice(other.shape[0], size=min(k, other.shape[0]), replace=False)]
    total = np.sum(1.0 - x @ sample.T, axis=1) + PRIOR_WEIGHT * RANDOM_DISTANCE_PRIOR
    return total / (sample.shape[0] + PRIOR_WEIGHT)
