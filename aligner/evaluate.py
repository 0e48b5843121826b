"""Scores of an alignment against gold: bead strict/lax P/R/F1 (Vecalign's definitions) and pair sets."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from aligner.records import Bead


@dataclass(frozen=True, slots=True)
class PRF:
    """Precision, recall and F1 with the counts behind them."""

    precision: float
    recall: float
    f1: float
    true_positives: int
    predicted: int
    gold: int


def prf(tp_precision: int, predicted: int, tp_recall: int, gold: int) -> PRF:
    """P = tp_precision / predicted, R = tp_recall / gold, F1 their harmonic mean (0 when undefined)."""
    p = tp_precision / predicted if predicted else 0.0
    r = tp_recall / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return PRF(round(p, 6), round(r, 6), round(f, 6), tp_precision, predicted, gold)


def score_sets(gold: Iterable[Hashable], predicted: Iterable[Hashable]) -> PRF:
    """Exact-match P/R/F1 of two sets of items (paragraph pairs, normalised text pairs)."""
    g, p = set(gold), set(predicted)
    tp = len(g & p)
    return prf(tp, len(p), tp, len(g))


def _bead_counts(gold: Sequence[Bead], test: Sequence[Bead]) -> tuple[int, int, int]:
    """(strict hits, lax hits, beads counted) of `test` against `gold`.

    A test bead is a strict hit when the same (ja, en) bead is in gold, a lax hit when it is
    a strict hit or some of its JA segments are aligned in gold to some of its EN segments.
    """
    gold_set = {(b.ja, b.en) for b in gold if b.ja or b.en}
    gold_links: dict[int, set[int]] = {}
    for ja, en in gold_set:
        for i in ja:
            gold_links.setdefault(i, set()).update(en)
    strict = lax = n = 0
    for bead in {(b.ja, b.en) for b in test if b.ja or b.en}:
        n += 1
        if bead in gold_set:
            strict += 1
            lax += 1
        elif any(gold_links.get(i, set()).intersection(bead[1]) for i in bead[0]):
            lax += 1
    return strict, lax, n


def _linked(beads: Sequence[Bead]) -> list[Bead]:
    """The beads with both sides non-empty."""
    return [b for b in beads if b.ja and b.en]


def score_beads(pairs: Iterable[tuple[Sequence[Bead], Sequence[Bead]]]) -> dict[str, float]:
    """Strict and lax precision/recall/F1 over one or more (gold, predicted) alignments.

    As in Vecalign's score.py: counts are summed over all file pairs; precision is over every
    predicted bead (null beads such as [3]:[] included); recall is over the gold beads that
    have both sides, matched against the predicted beads that have both sides.

    Returns:
        {"precision_strict", "recall_strict", "f1_strict", "precision_lax", "recall_lax",
        "f1_lax"} as floats.
    """
    ps = pl = pn = rs = rl = rn = 0
    for gold, test in pairs:
        strict_hits, lax_hits, n = _bead_counts(gold, test)
        ps, pl, pn = ps + strict_hits, pl + lax_hits, pn + n
        strict_hits, lax_hits, n = _bead_counts(_linked(test), _linked(gold))
        rs, rl, rn = rs + strict_hits, rl + lax_hits, rn + n
    strict, lax = prf(ps, pn, rs, rn), prf(pl, pn, rl, rn)
    return {
        "precision_strict": strict.precision,
        "recall_strict": strict.recall,
        "f1_strict": strict.f1,
        "precision_lax": lax.precision,
        "recall_lax": lax.recall,
        "f1_lax": lax.f1,
    }


def roc_auc(scores: Sequence[float], labels: Sequence[int]) -> float:
    """Area under the ROC curve: the chance that a random positive outscores a random
    negative, ties counting half (Mann-Whitney). NaN when one class is missing."""
    s, y = np.asarray(scores, dtype=np.float64), np.asarray(labels).astype(bool)
    pos, neg = int(y.sum()), int((~y).sum())
    if pos == 0 or neg == 0:
        return float("nan")
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s))
    sorted_s = s[order]
    # average ranks over ties
    starts = np.flatnonzero(np.r_[True, sorted_s[1:] != sorted_s[:-1]])
    ends = np.r_[starts[1:], len(s)]
    for a, b in zip(starts, ends):
        ranks[order[a:b]] = (a + b + 1) / 2
    return float((ranks[y].sum() - pos * (pos + 1) / 2) / (pos * neg))
