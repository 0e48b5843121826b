"""Features of a pair and its score in [0, 1]."""

from __future__ import annotations

import math

import numpy as np


def margin(
    cos: float, ja_vec: np.ndarray, en_vec: np.ndarray, ja_pool: np.ndarray, en_pool: np.ndarray, k: int = 4
) -> float:
    """LASER's margin in difference form: cos minus the mean similarity of each side to its
    k nearest candidates on the other side (the pair's own segments excluded by the caller).

    Args:
        cos: the pair's cosine.
        ja_vec, en_vec: (d,) unit embeddings of the two sides.
        ja_pool: (p, d) other JA candidates for the EN side; en_pool: (q, d) other EN
            candidates for the JA side. An empty pool contributes 0.
    """

    def knn(vec: np.ndarray, pool: np.ndarray) -> float:
        if pool.shape[0] == 0:
            return 0.0
        sims = pool @ vec
        top = np.sort(sims)[-min(k, sims.size) :]
        return float(np.mean(top))

    return cos - 0.5 * (knn(ja_vec, en_pool) + knn(en_vec, ja_pool))


MARGIN_FLOOR = 0.15
"""A translation pair usually stands out from its neighbours by at least this much cosine;
below it, the score drops with `margin_weight`."""


def pair_score(fit: float, margin: float, skip: float, margin_weight: float = 2.0, temperature: float = 0.1) -> float:
    """A bead's fit (`BeadCoster.fit`, lower is better) and margin -> a score in [0, 1].

    The aligner keeps a 1-1 bead rather than two skips exactly when fit < 2 * skip, so that
    break-even point maps to 0.5 for a pair whose margin is at least MARGIN_FLOOR; a pair
    that is hardly closer than its neighbours (an untranslated paragraph next to a topical
    one) is pushed down. `temperature` sets how fast the score moves away from 0.5.
    """
    x = (2.0 * skip - fit - margin_weight * max(0.0, MARGIN_FLOOR - margin)) / temperature
    return 1.0 / (1.0 + math.exp(-max(min(x, 50.0), -50.0)))
