"""Bead P/R/F1 against hand-computed values (Vecalign's score.py definitions), pair sets, text normalisation."""

from __future__ import annotations

import pytest

from aligner.evaluate import PRF, prf, score_beads, score_sets
from aligner.language import normalize_text
from aligner.records import Bead


def beads(*pairs) -> list[Bead]:
    """beads(([0], [0]), ([1], [])) -> Bead list with zero cost."""
    return [Bead(tuple(ja), tuple(en), 0.0) for ja, en in pairs]


def scores(p_strict, r_strict, f_strict, p_lax, r_lax, f_lax) -> dict[str, float]:
    return {
        "precision_strict": p_strict,
        "recall_strict": r_strict,
        "f1_strict": f_strict,
        "precision_lax": p_lax,
        "recall_lax": r_lax,
        "f1_lax": f_lax,
    }


GOLD_WITH_NULLS = beads(([0], [0]), ([1], []), ([2], [1]), ([3, 4], [2]))

CASES = {
    "identical": (
        [(beads(([0], [0]), ([1], [1])), beads(([0], [0]), ([1], [1])))],
        scores(1.0, 1.0, 1.0, 1.0, 1.0, 1.0),
    ),
    # precision over 6 predicted beads: strict [0]:[0] and the null [1]:[]; [3]:[2] is lax
    # recall over the 3 gold beads with both sides: [0]:[0] strict, [3,4]:[2] lax, [2]:[1] missed
    "nulls": (
        [(GOLD_WITH_NULLS, beads(([0], [0]), ([1], []), ([2], []), ([], [1]), ([3], [2]), ([4], [])))],
        scores(0.333333, 0.333333, 0.333333, 0.5, 0.666667, 0.571429),
    ),
    # a 2-2 bead where gold has two 1-1 beads: right only by overlap
    "merged, lax only": (
        [(beads(([0], [0]), ([1], [1])), beads(([0, 1], [0, 1])))],
        scores(0.0, 0.0, 0.0, 1.0, 1.0, 1.0),
    ),
    # lax through the second JA segment of a merged bead: P lax 1/2, R lax 1/2
    "overlap on a later segment": (
        [(beads(([0], [0]), ([1], [1])), beads(([0, 1], [1]), ([], [0])))],
        scores(0.0, 0.0, 0.0, 0.5, 0.5, 0.5),
    ),
    # beads empty on both sides are ignored; a predicted null bead is not counted for recall
    "empty bead ignored": (
        [(beads(([0], [0])), beads(([0], [0]), ([], []), ([1], [])))],
        scores(0.5, 1.0, 0.666667, 0.5, 1.0, 0.666667),
    ),
    # counts are summed over files: P = 3/5, R = 3/4 (not the mean of per-file scores)
    "micro over files": (
        [
            (beads(([0], [0]), ([1], [1]), ([2], [2])), beads(([0], [0]), ([1], [1]), ([2], [2]))),
            (beads(([0], [0])), beads(([0], []), ([], [0]))),
        ],
        scores(0.6, 0.75, 0.666667, 0.6, 0.75, 0.666667),
    ),
    "nothing": ([], scores(0.0, 0.0, 0.0, 0.0, 0.0, 0.0)),
}


@pytest.mark.parametrize("pairs, expected", CASES.values(), ids=CASES.keys())
def test_score_beads(pairs, expected):
    assert score_beads(pairs) == pytest.approx(expected, abs=1e-6)


def test_score_beads_takes_a_generator():
    gold = beads(([0], [0]), ([1], [1]))
    assert score_beads((g, t) for g, t in [(gold, gold)])["f1_strict"] == 1.0


@pytest.mark.parametrize(
    "gold, predicted, expected",
    [
        ({"a", "b", "c"}, {"b", "c", "d", "e"}, PRF(0.5, 0.666667, 0.571429, 2, 4, 3)),
        ([("犬", "dog")], [("犬", "dog")], PRF(1.0, 1.0, 1.0, 1, 1, 1)),
        (["a", "a", "b"], ["a"], PRF(1.0, 0.5, 0.666667, 1, 1, 2)),  # duplicates count once
        ([], ["a"], PRF(0.0, 0.0, 0.0, 0, 1, 0)),
        (["a"], [], PRF(0.0, 0.0, 0.0, 0, 0, 1)),
        ([], [], PRF(0.0, 0.0, 0.0, 0, 0, 0)),
    ],
)
def test_score_sets(gold, predicted, expected):
    assert score_sets(gold, predicted) == expected


@pytest.mark.parametrize(
    "args, expected",
    [
        ((0, 0, 0, 0), PRF(0.0, 0.0, 0.0, 0, 0, 0)),
        ((0, 3, 0, 2), PRF(0.0, 0.0, 0.0, 0, 3, 2)),
        ((1, 2, 0, 0), PRF(0.5, 0.0, 0.0, 1, 2, 0)),
        ((0, 0, 1, 4), PRF(0.0, 0.25, 0.0, 0, 0, 4)),
        ((2, 3, 1, 3), PRF(0.666667, 0.333333, 0.444444, 2, 3, 3)),
    ],
)
def test_prf(args, expected):
    assert prf(*args) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ＡＢＣ１２３", "ABC123"),  # full-width -> half-width
        ("ｶﾀｶﾅ", "カタカナ"),  # half-width katakana -> full-width
        ("はい！？", "はい!?"),
        ("a\u3000b", "a b"),
        ("  one \n\t two  ", "one two"),
        ("", ""),
    ],
)
def test_normalize_text(text, expected):
    assert normalize_text(text) == expected
