"""A stratified random sample of a corpus's kept pairs, for an audit."""

from __future__ import annotations

import random
from collections.abc import Sequence

from aligner.audit import score_band
from aligner.records import Pair


def sample_kept(pairs: Sequence[Pair], n: int, seed: int = 0) -> list[Pair]:
    """Draw `n` of the kept pairs, stratified by level, score band and document.

    The kept pairs are ordered by stratum (level, band, document), shuffled within each,
    and taken systematically, every N/n-th from a random start: every pair has the same
    chance n/N of being drawn, and each stratum gets its proportional share of the sample
    rounded up or down, so that the marks on the sample estimate the precision without
    weights within a band (`audit.stratified_precision`).

    Args:
        pairs: every pair of the corpus; rejected pairs are left out.
        n: the sample size (all kept pairs when there are no more than n).
        seed: the random seed: the same corpus and seed give the same sample.

    Returns:
        The sampled pairs, in the order of `pairs`.
    """
    kept = [(k, p) for k, p in enumerate(pairs) if p.kept]
    if n >= len(kept):
        return [p for _, p in kept]
    rng = random.Random(seed)
    order = sorted(kept, key=lambda kp: (kp[1].level, score_band(kp[1].score), kp[1].doc, rng.random()))
    step = len(order) / n
    start = rng.random() * step
    chosen = sorted(order[int(start + k * step)][0] for k in range(n))
    return [pairs[k] for k in chosen]
