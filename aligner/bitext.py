"""Two documents that translate each other -> beads, in time and memory linear in their length.

Coarse to fine: the segments are grouped into chunks of k, the chunks are aligned (by the
same function, so a very long pair recurses), and the segment-level search is confined to a
band around the chunk path. No n x m matrix is ever built.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import cache, partial

import numpy as np

from aligner.align import align
from aligner.config import SENTENCE_COST
from aligner.cost import BeadCoster, CostParams, LengthModel, char_length
from aligner.embed import Embedder
from aligner.filters import too_long
from aligner.language import JOINER
from aligner.records import Bead
from aligner.refine import RefineParams, refine_beads
from aligner.segment import split_sentences

BITEXT_BEADS: tuple[tuple[int, int], ...] = (
    (1, 1), (1, 0), (0, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1), (1, 4), (4, 1), (2, 3), (3, 2),
)  # fmt: skip
COARSE_BEADS: tuple[tuple[int, int], ...] = ((1, 1), (1, 0), (0, 1), (1, 2), (2, 1))


def align_texts(
    ja: Sequence[str],
    en: Sequence[str],
    embedder: Embedder,
    params: CostParams = SENTENCE_COST,
    length_model: LengthModel = LengthModel(),
    bead_types: Sequence[tuple[int, int]] = BITEXT_BEADS,
    max_chars: int | None = None,
    refine: RefineParams | None = RefineParams(),
) -> list[Bead]:
    """Align two lists of segments (one sentence or line each) that translate each other.

    Each non-blank segment is encoded once, in one call; blank segments, and segments
    longer than `max_chars` characters (`filters.too_long`) when it is given, are never
    encoded: they are left out of the search and come back as null beads, so indices still
    count every line. With `refine`, the DP's choices between a 1-1 bead beside a skip and
    a 1-2 or 2-1 bead are checked on the embedding of the joined lines (`refine.refine_beads`,
    one more encode call).

    Returns:
        Beads in Vecalign's sense over the indices of `ja` and `en`.
    """

    def kept(text: str) -> bool:
        return bool(text) and not text.isspace() and (max_chars is None or not too_long(text, max_chars))

    ja_keep = [k for k, t in enumerate(ja) if kept(t)]
    en_keep = [k for k, t in enumerate(en) if kept(t)]
    ja_kept, en_kept = [ja[k] for k in ja_keep], [en[k] for k in en_keep]
    vecs = embedder.encode(ja_kept + en_kept)
    beads = align_bitext(
        vecs[: len(ja_keep)],
        vecs[len(ja_keep) :],
        [char_length(t) for t in ja_kept],
        [char_length(t) for t in en_kept],
        params,
        length_model,
        bead_types,
        refine=None if refine is None else second_look(ja_kept, en_kept, embedder, refine),
    )
    return restore_blank(beads, ja_keep, en_keep, len(ja), len(en))


def second_look(
    ja: Sequence[str], en: Sequence[str], embedder: Embedder, params: RefineParams = RefineParams()
) -> Callable[[list[Bead], BeadCoster], list[Bead]]:
    """The `refine` of `align_bitext` for two lists of lines: `refine.refine_beads` with the
    lines joined as `language.JOINER` joins them, encoded by `embedder`, and each line's
    sentences counted by `segment.split_sentences` (a line may hold several)."""
    lines = {"ja": list(ja), "en": list(en)}

    def join(lang: str, ids: tuple[int, ...]) -> str:
        return JOINER[lang].join(lines[lang][k] for k in ids)

    @cache
    def sentences(lang: str, k: int) -> int:
        return len(split_sentences(lines[lang][k], lang)) or 1

    return partial(refine_beads, join=join, encode=embedder.encode, params=params, sentences=sentences)


def restore_blank(beads: Sequence[Bead], ja_keep: Sequence[int], en_keep: Sequence[int], n: int, m: int) -> list[Bead]:
    """Map beads over the kept segments back to all indices and put every left-out segment
    in a null bead of its own, in order.

    Args:
        beads: over 0..len(ja_keep)-1 and 0..len(en_keep)-1.
        ja_keep, en_keep: the original index of each kept segment (increasing).
        n, m: the number of original segments per side.
    """
    out: list[Bead] = []
    i = j = 0  # next original index not yet placed on each side

    def flush(until_i: int, until_j: int) -> None:
        nonlocal i, j
        while i < until_i:
            out.append(Bead((i,), (), 0.0))
            i += 1
        while j < until_j:
            out.append(Bead((), (j,), 0.0))
            j += 1

    for bead in beads:
        # a merged bead spans the blank lines between its members: beads are contiguous runs
        ja_ids = tuple(range(ja_keep[bead.ja[0]], ja_keep[bead.ja[-1]] + 1)) if bead.ja else ()
        en_ids = tuple(range(en_keep[bead.en[0]], en_keep[bead.en[-1]] + 1)) if bead.en else ()
        flush(ja_ids[0] if ja_ids else i, en_ids[0] if en_ids else j)
        out.append(Bead(ja_ids, en_ids, bead.cost))
        i = ja_ids[-1] + 1 if ja_ids else i
        j = en_ids[-1] + 1 if en_ids else j
    flush(n, m)
    return out


def align_bitext(
    ja_emb: np.ndarray,
    en_emb: np.ndarray,
    ja_chars: Sequence[int],
    en_chars: Sequence[int],
    params: CostParams = SENTENCE_COST,
    length_model: LengthModel = LengthModel(),
    bead_types: Sequence[tuple[int, int]] = BITEXT_BEADS,
    max_full: int = 256,
    refine: Callable[[list[Bead], BeadCoster], list[Bead]] | None = None,
) -> list[Bead]:
    """Align two segment sequences that translate each other.

    Args:
        ja_emb, en_emb: (n, d) and (m, d) float32 unit rows, one per segment.
        ja_chars, en_chars: character counts of the segments (`cost.char_length`).
        params, length_model: the bead cost (see `cost.BeadCoster`).
        bead_types: allowed bead shapes.
        max_full: up to this many segments on the longer side the search is exhaustive;
            beyond it, coarse to fine with chunks of about max(n, m) / max_full segments.
        refine: a second look at the beads with the coster they were chosen with
            (`refine.refine_beads` with its texts and embedder bound), or None.

    Returns:
        Beads covering every segment of both sides once, in order.
    """
    coster = BeadCoster(ja_emb, en_emb, ja_chars, en_chars, params=params, length_model=length_model)
    beads = _search(coster, ja_emb, en_emb, ja_chars, en_chars, params, length_model, bead_types, max_full)
    return beads if refine is None else refine(beads, coster)


def _search(
    coster: BeadCoster,
    ja_emb: np.ndarray,
    en_emb: np.ndarray,
    ja_chars: Sequence[int],
    en_chars: Sequence[int],
    params: CostParams,
    length_model: LengthModel,
    bead_types: Sequence[tuple[int, int]],
    max_full: int,
) -> list[Bead]:
    """`align_bitext`'s DP: exhaustive up to `max_full` segments a side, else coarse to fine."""
    n, m = ja_emb.shape[0], en_emb.shape[0]
    if max(n, m) <= max_full:
        return align(n, m, coster, bead_types)
    k = math.ceil(max(n, m) / max_full)
    coarse = _coarse_path(ja_emb, en_emb, ja_chars, en_chars, k, params, length_model, max_full)
    width = 2 * k
    for _ in range(3):
        band = band_around(coarse, k, n, m, width)
        beads = align(n, m, coster, bead_types, band)
        if not _touches_edge(beads, band, n, m):
            return beads
        width *= 2  # the path ran along the band's edge: the chunk path was off, look wider
    return beads


def _coarse_path(
    ja_emb: np.ndarray,
    en_emb: np.ndarray,
    ja_chars: Sequence[int],
    en_chars: Sequence[int],
    k: int,
    params: CostParams,
    length_model: LengthModel,
    max_full: int,
) -> list[Bead]:
    """Beads over chunks of k segments: each chunk is the length-weighted sum of its rows."""
    ja_c, ja_len = _chunk(ja_emb, ja_chars, k)
    en_c, en_len = _chunk(en_emb, en_chars, k)
    return align_bitext(ja_c, en_c, ja_len, en_len, params, length_model, COARSE_BEADS, max_full)


def _chunk(emb: np.ndarray, chars: Sequence[int], k: int) -> tuple[np.ndarray, list[int]]:
    """(ceil(n / k), d) unit embeddings of consecutive chunks of k rows, and their lengths."""
    n = emb.shape[0]
    chars = np.asarray(chars, dtype=np.float64)
    weights = np.sqrt(chars + 1.0)[:, None]
    starts = np.arange(0, n, k)
    sums = np.add.reduceat(emb * weights, starts, axis=0) if n else emb[:0]
    sums = sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
    lengths = np.add.reduceat(chars, starts).astype(int).tolist() if n else []
    return sums.astype(np.float32), lengths


def band_around(coarse: Sequence[Bead], k: int, n: int, m: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """The fine band of a chunk path: each chunk bead's rectangle of segments, widened by
    `width` columns and rows on each side, made monotone and anchored at (0, 0) and (n, m).

    Returns:
        (lo, hi): (n + 1,) inclusive bounds of the EN position at each JA position.
    """
    lo = np.full(n + 1, m, dtype=np.int64)
    hi = np.zeros(n + 1, dtype=np.int64)
    i = j = 0
    for bead in coarse:
        i1 = min((bead.ja[-1] + 1) * k, n) if bead.ja else i
        j1 = min((bead.en[-1] + 1) * k, m) if bead.en else j
        lo[i : i1 + 1] = np.minimum(lo[i : i1 + 1], j)
        hi[i : i1 + 1] = np.maximum(hi[i : i1 + 1], j1)
        i, j = i1, j1
    lo = np.minimum.accumulate(np.maximum(lo - width, 0)[::-1])[::-1]
    hi = np.maximum.accumulate(np.minimum(hi + width, m))
    # widen along JA as well: a long run of EN skips may sit inside a JA chunk
    rows = np.arange(n + 1)
    lo, hi = lo[np.maximum(rows - width, 0)], hi[np.minimum(rows + width, n)]
    lo[0], hi[-1] = 0, m
    return lo, hi


def _touches_edge(beads: Sequence[Bead], band: tuple[np.ndarray, np.ndarray], n: int, m: int) -> bool:
    """True when the path runs along the band's edge somewhere other than the document ends."""
    lo, hi = band
    i = j = 0
    for bead in beads:
        i, j = i + len(bead.ja), j + len(bead.en)
        if (j == lo[i] and lo[i] > 0) or (j == hi[i] and hi[i] < m):
            return True
    return False
