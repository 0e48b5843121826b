"""The second look at sentence beads (`refine.refine_beads`) on synthetic embeddings: a skip
joins its 1-1 neighbour when the joined text is closer, a merged bead splits when one member
alone is closer, margins hold, one edit per bead, and any input gives a valid alignment."""

from __future__ import annotations

import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aligner.config import SENTENCE_COST, BuildConfig
from aligner.cost import BeadCoster
from aligner.records import Bead
from aligner.refine import RefineParams, refine_beads

D = 16
OFF = RefineParams(float("inf"), float("inf"))


def unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x)).astype(np.float32)


def basis(k: int) -> np.ndarray:
    x = np.zeros(D, dtype=np.float32)
    x[k] = 1.0
    return x


class Texts:
    """Named segments per side, a join that concatenates names, an encoder that looks the
    joined text up (recording every call), and the segments' lengths."""

    def __init__(self, ja: dict[str, np.ndarray], en: dict[str, np.ndarray], joined: dict[str, np.ndarray]) -> None:
        self.names = {"ja": list(ja), "en": list(en)}
        self.rows = {"ja": np.stack(list(ja.values())), "en": np.stack(list(en.values()))}
        self.joined = joined
        self.calls: list[list[str]] = []
        self.chars: dict[str, list[int]] | None = None  # characters per segment (default 20 each)

    def join(self, lang: str, ids: tuple[int, ...]) -> str:
        return "+".join(self.names[lang][k] for k in ids)

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return np.stack([self.joined[t] for t in texts])

    def coster(self) -> BeadCoster:
        chars = self.chars or {lang: [20] * len(names) for lang, names in self.names.items()}
        return BeadCoster(self.rows["ja"], self.rows["en"], chars["ja"], chars["en"], params=SENTENCE_COST)

    def refine(self, beads: list[Bead], params: RefineParams = RefineParams()) -> list[Bead]:
        return refine_beads(beads, self.coster(), self.join, self.encode, params)


def B(ja, en, cost=0.0) -> Bead:
    return Bead(tuple(ja), tuple(en), cost)


def shape(beads: list[Bead]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(b.ja, b.en) for b in beads]


def split_sentence(joined_row: np.ndarray) -> Texts:
    """JA has one sentence in two halves (a, b), each half of its meaning; EN has it whole (s)."""
    s = basis(0)
    return Texts(
        ja={"a": unit(s + 1.2 * basis(1)), "b": unit(s + 1.2 * basis(2))},
        en={"s": s},
        joined={"a+b": joined_row},
    )


def test_a_skipped_half_joins_its_neighbour_when_the_joined_text_is_closer():
    t = split_sentence(joined_row=unit(basis(0) + 0.1 * basis(3)))
    coster = t.coster()
    out = refine_beads([B([0], [0]), B([1], [])], coster, t.join, t.encode)
    assert shape(out) == [((0, 1), (0,))]
    assert out[0].cost == pytest.approx(float(coster(2, 1, 0, 1, 0, 1)[0, 0]))
    assert t.calls == [["a+b"]]


def test_a_merged_bead_gives_up_a_member_whose_joined_text_is_farther():
    s = basis(0)
    t = Texts(
        ja={"a": unit(s + 0.2 * basis(1)), "x": unit(basis(5))},  # a translates s, x is unrelated
        en={"s": s},
        joined={"a+x": unit(s + basis(5))},
    )
    assert shape(t.refine([B([0, 1], [0])])) == [((0,), (0,)), ((1,), ())]
    # the member kept may be the second: the skip then comes first
    t2 = Texts(ja={"x": unit(basis(5)), "a": unit(s + 0.2 * basis(1))}, en={"s": s}, joined={"x+a": unit(s + basis(5))})
    out = t2.refine([B([0, 1], [0])])
    assert shape(out) == [((0,), ()), ((1,), (0,))]
    assert out[0].cost == pytest.approx(SENTENCE_COST.skip)


def test_an_english_side_in_two_lines_joins_too():
    s = basis(0)
    t = Texts(
        ja={"s": s},
        en={"a": unit(s + 1.2 * basis(1)), "b": unit(s + 1.2 * basis(2))},
        joined={"a+b": unit(s + 0.1 * basis(3))},
    )
    assert shape(t.refine([B([], [0]), B([0], [1])])) == [((0,), (0, 1))]


def test_margins_hold_both_ways():
    t = split_sentence(joined_row=unit(basis(0) + 0.1 * basis(3)))
    single = float(t.rows["ja"][0] @ t.rows["en"][0])
    gain = float(t.joined["a+b"] @ t.rows["en"][0]) - single
    beads = [B([0], [0]), B([1], [])]
    assert shape(t.refine(beads, RefineParams(merge_gain=gain + 0.01, length_weight=0.0))) == [((0,), (0,)), ((1,), ())]
    assert shape(t.refine(beads, RefineParams(merge_gain=gain - 0.01, length_weight=0.0))) == [((0, 1), (0,))]
    # a merged bead whose joined text is as close as its best member stays merged under a split margin
    assert shape(t.refine([B([0, 1], [0])], RefineParams(split_gain=0.0))) == [((0, 1), (0,))]


def test_a_joined_side_twice_the_length_of_its_translation_needs_more_than_a_small_gain():
    t = split_sentence(joined_row=unit(basis(0) + 0.1 * basis(3)))
    # EN runs about twice as long as JA: each JA half alone has the length of the EN sentence
    t.chars = {"ja": [30, 30], "en": [60]}
    beads = [B([0], [0]), B([1], [])]
    single = float(t.rows["ja"][0] @ t.rows["en"][0])
    small = float(t.joined["a+b"] @ t.rows["en"][0]) - single - 0.02
    assert shape(t.refine(beads, RefineParams(merge_gain=small, length_weight=0.0))) == [((0, 1), (0,))]
    assert shape(t.refine(beads, RefineParams(merge_gain=small))) == [((0,), (0,)), ((1,), ())]
    # halves half the length each: the same small gain is enough
    t.chars = {"ja": [15, 15], "en": [60]}
    assert shape(t.refine(beads, RefineParams(merge_gain=small))) == [((0, 1), (0,))]


def test_a_line_of_two_sentences_draws_two_lines_to_it():
    """EN has one line of two sentences; JA has them in two lines, the second as close to the
    EN line alone as joined to the first: sentence counts decide, where given and where the
    document's other 1-1 beads agree in their counts."""
    s = basis(0)
    others = {k: basis(10 + n) for n, k in enumerate("cde")}  # three sentences, each its own translation
    t = Texts(
        ja={"a": unit(s + 0.3 * basis(1)), "b": unit(s + 0.3 * basis(2))} | others,
        en={"s": s} | {k.upper(): row for k, row in others.items()},
        joined={"a+b": unit(s + 0.3 * basis(1)), "b+c": basis(13)},  # "a+b" exactly as close as "a" alone
    )
    rest = [B([2], [1]), B([3], [2]), B([4], [3])]  # three 1-1 beads of one sentence a side
    counts = {("ja", 0): 1, ("ja", 1): 1, ("en", 0): 2} | {(lang, k): 1 for lang in ("ja", "en") for k in range(2, 5)}
    counted = RefineParams(length_weight=0.0, count_weight=0.04)
    skipped, merged = [B([0], [0]), B([1], [])] + rest, [B([0, 1], [0])] + rest
    coster = t.coster()

    def refine(beads, counts):
        sentences = None if counts is None else (lambda lang, k: counts.get((lang, k), 1))
        return shape(refine_beads(beads, coster, t.join, t.encode, counted, sentences))

    assert refine(skipped, None) == shape(skipped)
    assert refine(skipped, counts) == shape(merged)
    assert refine(merged, counts) == shape(merged)
    # a second JA line of two sentences leaves a merged bead with a one-sentence EN line
    assert refine(merged, counts | {("en", 0): 1, ("ja", 1): 2}) == shape(skipped)
    # where every segment is one sentence, counts weigh nothing: as without them
    for case in (skipped, merged):
        assert refine(case, {}) == refine(case, None)
    # nor where the document's 1-1 beads agree in sentence counts no more often than chance
    chance = counts | {("ja", 2): 2, ("en", 3): 3}  # two of the three others disagree
    assert refine(skipped, chance) == shape(skipped)


def test_no_candidate_means_no_encoding():
    t = split_sentence(joined_row=unit(basis(0)))
    assert shape(t.refine([B([0], [0]), B([1], [])], OFF)) == [((0,), (0,)), ((1,), ())]
    t2 = Texts(ja={"a": basis(0), "b": basis(1)}, en={"a": basis(0), "b": basis(1)}, joined={})
    beads = [B([0], [0], 0.1), B([1], [1], 0.2)]
    assert t2.refine(beads) == beads
    assert t2.calls == []


def test_a_skip_between_two_beads_joins_the_one_it_fits_best_and_only_one():
    s, u = basis(0), basis(1)
    t = Texts(
        ja={"s": unit(s + 0.5 * basis(4)), "half": unit(s + u), "u": unit(u + 0.5 * basis(5))},
        en={"S": s, "U": u},
        joined={"s+half": unit(s + 0.3 * u), "half+u": unit(u + 0.1 * s)},
    )
    out = t.refine([B([0], [0]), B([1], []), B([2], [1])])
    assert shape(out) == [((0,), (0,)), ((1, 2), (1,))]


def test_the_build_settings_carry_the_margins():
    assert BuildConfig().refine == RefineParams()
    assert "refine.merge_gain=0.0|refine.split_gain=0.01|refine.length_weight=0.0075" in BuildConfig().signature()


# --- any beads in, an alignment out -----------------------------------------------------------

SHAPES = [(1, 1), (1, 0), (0, 1), (1, 2), (2, 1)]


def _row(text: str) -> np.ndarray:
    return unit(np.random.default_rng(zlib.crc32(text.encode())).normal(size=D))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(SHAPES), min_size=1, max_size=12),
    st.floats(-0.3, 0.3),
    st.floats(-0.3, 0.3),
    st.integers(0, 2**16),
)
def test_any_beads_give_a_valid_alignment_of_the_same_segments(shapes, merge_gain, split_gain, seed):
    beads, i, j = [], 0, 0
    for a, b in shapes:
        beads.append(B(range(i, i + a), range(j, j + b), 0.5))
        i, j = i + a, j + b
    if i == 0 or j == 0:
        return
    rng = np.random.default_rng(seed)
    ja = {f"j{k}": unit(rng.normal(size=D)) for k in range(i)}
    en = {f"e{k}": unit(rng.normal(size=D)) for k in range(j)}
    t = Texts(ja, en, joined={})
    t.encode = lambda texts: np.stack([_row(x) for x in texts])  # type: ignore[method-assign]
    out = t.refine(beads, RefineParams(merge_gain, split_gain))
    assert [k for b in out for k in b.ja] == list(range(i))
    assert [k for b in out for k in b.en] == list(range(j))
    assert all((len(b.ja), len(b.en)) in SHAPES for b in out)
    assert all(np.isfinite(b.cost) for b in out)
    assert t.refine(beads, OFF) == beads
