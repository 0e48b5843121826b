"""A second look at the sentence beads the DP chose, with the embedding of the joined text.

The DP (`align.align` over a `cost.BeadCoster`) embeds a side of two segments as the
weighted mean of their embeddings, so it often cannot tell a sentence split in two on one
side (a 1-2 or 2-1 bead) from a 1-1 bead beside a segment without counterpart (a skip):
both means sit about as close to the other side. The encoder can tell them apart: the
joined text of a sentence split in two comes out closer to its translation than either
half, while a translated sentence with an untranslated neighbour joined to it comes out
farther than the sentence alone. So, for every place where the DP chose one of the two,
the joined text is encoded and the choice is reversed where the encoding disagrees by more
than a margin (`RefineParams`). Where a line holds several sentences, a bead whose sides
hold as many sentences fits better: a line of two sentences is more often the translation
of two lines than of one, in a document whose translator keeps sentences as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from aligner.cost import BeadCoster
from aligner.records import Bead


@dataclass(frozen=True, slots=True)
class RefineParams:
    """The margins of `refine_beads`, in cosine, and the weights of length and of sentence
    counts in its fits.

    A bead's fit is the cosine of its sides (the joined text's own embedding for a side of
    two segments) less `length_weight` times its squared length z-score, clipped as the
    bead cost clips it (`cost.CostParams.length_clip`): a translation as long as two
    segments together says they belong together, one as long as either alone that the
    other is left out. Less, too, `count_weight` times the difference of its sides'
    sentence counts beyond that of their segment counts (`_excess`), scaled by how often
    the document's 1-1 beads agree in sentence counts (`_count_trust`): nothing where every
    segment is one sentence, as the build's are.

    merge_gain: how much better the fit of a 1-1 bead with a skipped neighbour joined must
        be than the bead's own, for the neighbour to join it.
    split_gain: how much better the fit of one member of a 1-2 or 2-1 bead alone must be
        than the joined bead's, for the other member to leave the bead as a skip.
    length_weight, count_weight: the weights of the length and sentence-count terms.

    Chosen on alignment cases made from the training pairs, by their worst source
    (scripts/bench_costs.py), never on the dev cases.
    """

    merge_gain: float = 0.0
    split_gain: float = 0.01
    length_weight: float = 0.0075
    count_weight: float = 0.05


@dataclass(frozen=True, slots=True)
class _Choice:
    """One place where the DP chose between a 1-1 bead `single` with a skipped neighbour and
    the bead `joined` holding both: `at` are the positions of the beads it chose, `merged`
    whether it chose `joined`, `lang` the side of `joined` with two segments."""

    at: tuple[int, ...]
    merged: bool
    single: Bead
    joined: Bead
    lang: str


def refine_beads(
    beads: Sequence[Bead],
    coster: BeadCoster,
    join: Callable[[str, tuple[int, ...]], str],
    encode: Callable[[list[str]], np.ndarray],
    params: RefineParams = RefineParams(),
    sentences: Callable[[str, int], int] | None = None,
) -> list[Bead]:
    """Reverse the DP's choices between a 1-1 bead with a skipped neighbour and a 1-2 or
    2-1 bead where the embedding of the joined text disagrees with it by more than a margin.

    A skip next to a 1-1 bead joins it when the joined bead fits better than the 1-1 bead
    by more than `params.merge_gain`; a 1-2 or 2-1 bead gives up one end as a skip when
    the other member alone fits better than the joined bead by more than
    `params.split_gain` (a fit: the cosine of the sides, the joined text encoded, less the
    length term; see RefineParams). Where two changes touch one bead, the larger gain is
    made. All joined texts are encoded in one call (none when no bead qualifies).

    Args:
        beads: the DP's beads over the coster's segments, in order.
        coster: the BeadCoster they were chosen with: it gives each segment's row and the
            cost of a new bead; a bead it rules out (infinite cost) is never made.
        join: (lang, segment indices) -> the text of those segments as the source joins them.
        encode: texts -> (n, d) unit rows, from the embedder the coster's rows came from.
        params: the margins and the weights of length and of sentence counts.
        sentences: (lang, segment index) -> the number of sentences the segment holds;
            None: one each (segments that are sentences), so counts weigh nothing.

    Returns:
        Beads covering the same segments in order, each new one with the coster's cost.
    """
    choices = _choices(beads)
    if not choices:
        return list(beads)
    texts = list(dict.fromkeys(join(c.lang, _joined_side(c)) for c in choices))
    rows = dict(zip(texts, encode(texts)))
    edits: list[tuple[float, tuple[int, ...], list[Bead]]] = []
    counted = 0.0  # the weight of sentence counts in this document
    if sentences is not None and params.count_weight:
        counted = params.count_weight * _count_trust(beads, sentences)
    for c in choices:
        other = "en" if c.lang == "ja" else "ja"
        other_row = coster.window(other, 1, np.array(_side(c.single, other)))[0]
        joined = float(rows[join(c.lang, _joined_side(c))] @ other_row) - params.length_weight * _z2(coster, c.joined)
        single = float(coster.cosine(1, 1, np.array(c.single.ja), np.array(c.single.en))[0])
        single -= params.length_weight * _z2(coster, c.single)
        if counted:
            joined -= counted * _excess(c.joined, sentences)
            single -= counted * _excess(c.single, sentences)
        if c.merged and single - joined > params.split_gain:
            edits.append((single - joined, c.at, _split(c, coster)))
        elif not c.merged and joined - single > params.merge_gain:
            merged = _with_cost(c.joined, coster)
            if np.isfinite(merged.cost):  # a bead the coster rules out is never made
                edits.append((joined - single, c.at, [merged]))
    out: dict[int, list[Bead]] = {}
    for _, at, new in sorted(edits, key=lambda e: (-e[0], e[1])):
        if any(k in out for k in at):
            continue
        out.update({k: [] for k in at})
        out[at[0]] = new
    return [b for k, bead in enumerate(beads) for b in out.get(k, [bead])]


def _choices(beads: Sequence[Bead]) -> list[_Choice]:
    """Every skip next to a 1-1 bead and every 1-2 or 2-1 bead, as a `_Choice`."""
    found = []
    for k, bead in enumerate(beads):
        shape = (len(bead.ja), len(bead.en))
        if shape in ((1, 0), (0, 1)):
            for n in (k - 1, k + 1):
                if 0 <= n < len(beads) and (len(beads[n].ja), len(beads[n].en)) == (1, 1):
                    joined = Bead(tuple(sorted(bead.ja + beads[n].ja)), tuple(sorted(bead.en + beads[n].en)), 0.0)
                    found.append(_Choice(tuple(sorted((k, n))), False, beads[n], joined, "ja" if bead.ja else "en"))
        elif shape in ((1, 2), (2, 1)):
            lang = "ja" if shape == (2, 1) else "en"
            for keep in _side(bead, lang):
                single = Bead((keep,), bead.en, 0.0) if lang == "ja" else Bead(bead.ja, (keep,), 0.0)
                found.append(_Choice((k,), True, single, bead, lang))
    return found


def _split(c: _Choice, coster: BeadCoster) -> list[Bead]:
    """The beads replacing a joined bead: its single and a skip of the member left out, in order."""
    left = [k for k in _side(c.joined, c.lang) if k not in _side(c.single, c.lang)][0]
    skip = Bead((left,), (), 0.0) if c.lang == "ja" else Bead((), (left,), 0.0)
    pair = [_with_cost(skip, coster), _with_cost(c.single, coster)]
    return pair if left < _side(c.single, c.lang)[0] else pair[::-1]


def _side(bead: Bead, lang: str) -> tuple[int, ...]:
    return bead.ja if lang == "ja" else bead.en


def _joined_side(c: _Choice) -> tuple[int, ...]:
    return _side(c.joined, c.lang)


def _z2(coster: BeadCoster, bead: Bead) -> float:
    """A bead's squared length z-score, clipped as the bead cost clips it."""
    z = float(coster.length_z(len(bead.ja), len(bead.en), np.array(bead.ja[:1]), np.array(bead.en[:1]))[0])
    return min(abs(z), coster.params.length_clip) ** 2


def _count_trust(beads: Sequence[Bead], sentences: Callable[[str, int], int]) -> float:
    """How far sentence counts can be trusted in this document, in [0, 1]: 2r - 1, where r is
    the share of its 1-1 beads whose sides hold as many sentences (0 at r = 0.5 or below,
    where counts agree no more often than chance would have them; 0 without a 1-1 bead).
    Translators who keep sentences (news: r about 0.9-1) make counts worth weighing; a text
    cut at verses, not sentences (the Bible: r about 0.45-0.8), much less."""
    ones = [b for b in beads if len(b.ja) == 1 and len(b.en) == 1]
    if not ones:
        return 0.0
    r = sum(sentences("ja", b.ja[0]) == sentences("en", b.en[0]) for b in ones) / len(ones)
    return max(0.0, 2 * r - 1)


def _excess(bead: Bead, sentences: Callable[[str, int], int]) -> int:
    """How far a bead's sides differ in sentences beyond how far they differ in segments: a
    line of two sentences against two lines of one is 0 (against one line of one, 1)."""
    ja, en = sum(sentences("ja", k) for k in bead.ja), sum(sentences("en", k) for k in bead.en)
    return abs(ja - en) - abs(len(bead.ja) - len(bead.en))


def _cost(coster: BeadCoster, bead: Bead) -> float:
    """The coster's cost of one bead."""
    a, b = len(bead.ja), len(bead.en)
    i, j = (bead.ja or (0,))[0], (bead.en or (0,))[0]
    return float(coster(a, b, i, i + 1, j, j + 1)[0, 0])


def _with_cost(bead: Bead, coster: BeadCoster) -> Bead:
    return Bead(bead.ja, bead.en, _cost(coster, bead))
