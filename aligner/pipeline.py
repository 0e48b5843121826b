"""The main job: documents in, scored paragraph and sentence pairs out (`build`)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from aligner.align import align
from aligner.config import BuildConfig
from aligner.cost import BeadCoster, CostParams, char_length
from aligner.embed import Embedder, get_embedder
from aligner.export.pairs import pair_id
from aligner.filters import duplicate_verdicts
from aligner.language import JOINER
from aligner.read import ReadFailure, read_documents
from aligner.records import Block, Document, Features, Pair, Span
from aligner.score import (
    default_scorer,
    neighbour_similarity,
    pair_features,
    pair_score,
    ratio_margin,
    score_pairs,
)
from aligner.segment import split_sentences

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DocReport:
    """What one input gave: block counts by language, pairs kept and rejected, and why nothing
    came out when nothing did (`note`); `error` is set when the file could not be read."""

    doc: str
    source: str
    encoding: str
    ja_blocks: int
    en_blocks: int
    other_blocks: int
    paragraph_pairs: int
    sentence_pairs: int
    rejected: int
    note: str = ""
    error: str = ""


@dataclass(frozen=True, slots=True)
class Corpus:
    """Every pair considered (kept or rejected, in document order) and a report per input."""

    pairs: tuple[Pair, ...]
    reports: tuple[DocReport, ...]

    @property
    def kept(self) -> list[Pair]:
        """The pairs that passed every filter."""
        return [p for p in self.pairs if p.kept]

    @property
    def rejected(self) -> list[Pair]:
        """The pairs not kept, each with its reason."""
        return [p for p in self.pairs if not p.kept]


@dataclass(frozen=True, slots=True)
class _Segment:
    """One alignable unit of one language: a block, or a sentence of a block."""

    block: int
    start: int
    end: int
    text: str


def build(
    inputs: Sequence[str | Path],
    config: BuildConfig = BuildConfig(),
    embedder: Embedder | None = None,
    cache: Path | None = None,
    progress: bool = False,
) -> Corpus:
    """Read every input, align JA and EN paragraphs and their sentences, score and filter.

    Args:
        inputs: files and folders (folders are walked for *.txt).
        config: every setting of the run.
        embedder: an embedder instance; by default built from `config.model` (with `cache`).
        cache: SQLite embedding cache for the default embedder; None for none.
        progress: show a progress bar over documents on stderr.

    Returns:
        The corpus: all pairs considered (kept and rejected with reasons) and a report per input.

    Raises:
        InputError: an input path does not exist or a folder holds no text file.
    """
    docs: Iterable[Document | ReadFailure] = read_documents(inputs)
    if progress:
        from tqdm import tqdm

        docs = tqdm(list(docs), desc="documents", unit="doc")
    model = embedder if embedder is not None else get_embedder(config.model, cache=cache)
    pairs: list[Pair] = []
    reports: list[DocReport] = []
    seen: dict = {}  # duplicate keys of the sentence pairs kept so far -> the id of the first
    paragraphs_seen: dict = {}  # the same for paragraph pairs
    for item in docs:
        if isinstance(item, ReadFailure):
            log.warning("%s: skipped: %s", item.source, item.reason)
            reports.append(
                DocReport(
                    item.doc, item.source, "", 0, 0, 0, 0, 0, 0, note="the file could not be read", error=item.reason
                )
            )
            continue
        doc_pairs, report = align_document(item, model, config, seen, paragraphs_seen)
        pairs.extend(doc_pairs)
        reports.append(report)
    return Corpus(tuple(pairs), tuple(reports))


def align_document(
    doc: Document,
    embedder: Embedder,
    config: BuildConfig = BuildConfig(),
    seen: dict | None = None,
    paragraphs_seen: dict | None = None,
) -> tuple[list[Pair], DocReport]:
    """Align one bilingual document: paragraph pairs, then sentence pairs inside each kept one.

    Sentence pairs are scored and filtered as `aligner score` does; `seen` and
    `paragraphs_seen` hold the duplicate keys of the sentence and paragraph pairs kept so
    far in the corpus, each with the id of the pair that first had it (updated). A kept
    paragraph pair that repeats an earlier one (exactly or nearly) is rejected as
    `duplicate`/`near_duplicate` naming that pair's id, and is not split into sentences.

    Returns:
        (pairs, report): every pair considered, paragraph level first for each paragraph
        pair and then its sentences, and the document's report.
    """
    ja = [b for b in doc.blocks if b.lang == "ja"]
    en = [b for b in doc.blocks if b.lang == "en"]
    counts = dict(ja_blocks=len(ja), en_blocks=len(en), other_blocks=len(doc.blocks) - len(ja) - len(en))
    note = _nothing_to_align(doc, ja, en)
    if note:
        report = DocReport(
            doc.id, doc.source, doc.encoding, **counts, paragraph_pairs=0, sentence_pairs=0, rejected=0, note=note
        )
        return [], report

    ja_sents = [_sentences(b, "ja") for b in ja]
    en_sents = [_sentences(b, "en") for b in en]
    # One encode call per document: blocks, then sentences. Merged beads are scored from
    # these (see BeadCoster): encoding the joined text of neighbouring blocks instead changed
    # no paragraph pair on the dev interleaved cases.
    ja_vec, en_vec, ja_s_vec, en_s_vec = _encode_groups(
        embedder,
        [
            [b.text for b in ja],
            [b.text for b in en],
            [s.text for ss in ja_sents for s in ss],
            [s.text for ss in en_sents for s in ss],
        ],
    )

    texts = {b.index: b.text for b in doc.blocks}
    ja_seg = [_Segment(b.index, 0, len(b.text), b.text) for b in ja]
    en_seg = [_Segment(b.index, 0, len(b.text), b.text) for b in en]
    para, _ = _align_level(
        doc.id,
        "paragraph",
        ja_seg,
        en_seg,
        ja_vec,
        en_vec,
        ja_vec,
        en_vec,
        config.paragraph,
        config.paragraph_beads,
        config,
        positions=True,
        texts=texts,
    )

    if config.filters.dedup:
        para = _dedup(para, paragraphs_seen)

    # Sentence rows of each block, to pick a paragraph pair's sentences out of the doc arrays.
    ja_rows = _rows_by_block(ja, ja_sents)
    en_rows = _rows_by_block(en, en_sents)
    flat_ja = [s for ss in ja_sents for s in ss]
    flat_en = [s for ss in en_sents for s in ss]
    pairs: list[Pair] = []
    sentence_rows: list[int] = []  # where the sentence pairs with two sides sit in `pairs`
    sentence_vecs: list[tuple[np.ndarray, np.ndarray]] = []
    for p in para:
        pairs.append(p)
        if not p.kept:
            continue
        jr = [r for b in p.ja_blocks for r in ja_rows[b]]
        er = [r for b in p.en_blocks for r in en_rows[b]]
        found, sides = _align_level(
            doc.id, "sentence", [flat_ja[r] for r in jr], [flat_en[r] for r in er],
            ja_s_vec[jr], en_s_vec[er], _others(ja_s_vec, jr), _others(en_s_vec, er),
            config.sentence, config.sentence_beads, config, positions=False, texts=texts,
            random_pools=(ja_s_vec, en_s_vec),
        )  # fmt: skip
        for k, pair in enumerate(found):
            if k in sides:
                sentence_rows.append(len(pairs))
                sentence_vecs.append(sides[k])
            pairs.append(pair)
    _rescore(pairs, sentence_rows, sentence_vecs, embedder, config, seen)
    kept_para = sum(p.kept and p.level == "paragraph" for p in pairs)
    kept_sent = sum(p.kept and p.level == "sentence" for p in pairs)
    note = (
        ""
        if kept_para
        else "no paragraph pair scored high enough: the Japanese and English blocks do not translate each other"
    )
    report = DocReport(
        doc.id,
        doc.source,
        doc.encoding,
        **counts,
        paragraph_pairs=kept_para,
        sentence_pairs=kept_sent,
        rejected=sum(not p.kept for p in pairs),
        note=note,
    )
    return pairs, report


def _dedup(pairs: list[Pair], seen: dict | None) -> list[Pair]:
    """The pairs with each kept one that repeats an earlier pair (or a key in `seen`,
    updated) rejected, naming the id of the pair it repeats (`filters.duplicate_verdicts`)."""
    kept = [k for k, p in enumerate(pairs) if p.kept]
    verdicts = duplicate_verdicts([(pairs[k].ja, pairs[k].en) for k in kept], [pair_id(pairs[k]) for k in kept], seen)
    out = list(pairs)
    for k, verdict in zip(kept, verdicts):
        if verdict:
            out[k] = replace(out[k], kept=False, reason=verdict[0], duplicate_of=verdict[1])
    return out


def _encode_groups(embedder: Embedder, groups: list[list[str]]) -> list[np.ndarray]:
    """Encode several lists of texts in one call; returns one (len(group), d) array each."""
    vecs = embedder.encode([t for g in groups for t in g])
    bounds = np.cumsum([0] + [len(g) for g in groups])
    return [vecs[a:b] for a, b in zip(bounds[:-1], bounds[1:])]


ALIGNED_PRIOR = 0.9
"""Share of translations among the sentence pairs the aligner proposes inside a kept paragraph
pair, before their features are seen (on the dev interleaved cases about 0.95 are right)."""


def _rescore(
    pairs: list[Pair],
    rows: list[int],
    vecs: list[tuple[np.ndarray, np.ndarray]],
    embedder: Embedder,
    config: BuildConfig,
    seen: dict | None,
) -> None:
    """Give the sentence pairs at `rows` their calibrated score and the filters' verdict, in
    place: the same `score.score_pairs` that `aligner score` runs, margins taken among the
    document's sentence pairs, duplicates checked against `seen` (the corpus so far)."""
    if not rows:
        return
    texts = [(pairs[r].ja, pairs[r].en) for r in rows]
    ja_vec = np.stack([v[0] for v in vecs])
    en_vec = np.stack([v[1] for v in vecs])
    scorer = default_scorer().with_prior(ALIGNED_PRIOR)
    ids = [pair_id(pairs[r]) for r in rows]
    verdicts = score_pairs(texts, embedder, config.filters, scorer, seen=seen, vectors=(ja_vec, en_vec), ids=ids)
    for r, v in zip(rows, verdicts):
        pairs[r] = replace(
            pairs[r], features=v.features, score=v.score, kept=v.kept, reason=v.reason, duplicate_of=v.duplicate_of
        )


def _nothing_to_align(doc: Document, ja: list[Block], en: list[Block]) -> str:
    """A plain sentence saying why a document cannot yield pairs, or "" when it can."""
    if not doc.blocks:
        return "the document is empty"
    if not ja and not en:
        return "no Japanese and no English blocks"
    if not ja:
        return "no Japanese blocks: the document is English only"
    if not en:
        return "no English blocks: the document is Japanese only"
    return ""


def _sentences(block: Block, lang: str) -> list[_Segment]:
    spans: list[Span] = split_sentences(block.text, lang) or [Span(0, len(block.text), block.text)]
    return [_Segment(block.index, s.start, s.end, s.text) for s in spans]


def _rows_by_block(blocks: list[Block], sents: list[list[_Segment]]) -> dict[int, list[int]]:
    rows: dict[int, list[int]] = {}
    r = 0
    for b, ss in zip(blocks, sents):
        rows[b.index] = list(range(r, r + len(ss)))
        r += len(ss)
    return rows


def _others(vecs: np.ndarray, rows: list[int]) -> np.ndarray:
    mask = np.ones(vecs.shape[0], dtype=bool)
    mask[rows] = False
    return vecs[mask]


def _align_level(
    doc_id: str,
    level: str,
    ja: list[_Segment],
    en: list[_Segment],
    ja_vec: np.ndarray,
    en_vec: np.ndarray,
    ja_pool: np.ndarray,
    en_pool: np.ndarray,
    params: CostParams,
    bead_types: tuple[tuple[int, int], ...],
    config: BuildConfig,
    positions: bool,
    texts: dict[int, str],
    random_pools: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[list[Pair], dict[int, tuple[np.ndarray, np.ndarray]]]:
    """Align two segment lists and turn every bead into a Pair, kept or rejected on its
    alignment score, with the (JA, EN) side embeddings of each bead that has both sides,
    keyed by its position in the list.

    `ja_pool`/`en_pool` are the candidates the margin compares against; at paragraph level
    they are the segments themselves (a bead's own rows are left out), at sentence level the
    document's sentences outside this paragraph pair. `random_pools` are the (JA, EN) rows
    the cost's normalisation samples from (default: the segments themselves).
    """
    coster = BeadCoster(
        ja_vec,
        en_vec,
        [char_length(s.text) for s in ja],
        [char_length(s.text) for s in en],
        params=params,
        length_model=config.length_model,
        ja_pos=[s.block for s in ja] if positions else None,
        en_pos=[s.block for s in en] if positions else None,
        ja_random=random_pools[0] if random_pools else None,
        en_random=random_pools[1] if random_pools else None,
    )
    beads = align(len(ja), len(en), coster, bead_types)
    same_pool = ja_pool is ja_vec
    out: list[Pair] = []
    sides: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for bead in beads:
        ja_side = [ja[k] for k in bead.ja]
        en_side = [en[k] for k in bead.en]
        if not bead.ja or not bead.en:
            out.append(_pair(doc_id, level, ja_side, en_side, texts, None, 0.0, False, "no_counterpart"))
            continue
        a, b, i, j = len(bead.ja), len(bead.en), np.array([bead.ja[0]]), np.array([bead.en[0]])
        cos = float(coster.cosine(a, b, i, j)[0])
        jv = coster.window("ja", a, i)[0]
        ev = coster.window("en", b, j)[0]
        jp = _others(ja_pool, list(bead.ja)) if same_pool else ja_pool
        ep = _others(en_pool, list(bead.en)) if same_pool else en_pool
        near = neighbour_similarity(jv, ev, jp, ep)
        ja_text, en_text = _side_text(_spans(ja_side), "ja", texts), _side_text(_spans(en_side), "en", texts)
        feats = pair_features(ja_text, en_text, cos, ratio_margin(cos, near), float(coster.length_z(a, b, i, j)[0]))
        score = round(pair_score(float(coster.fit(a, b, i, j)[0]), cos - near, params.skip), 4)
        kept = score >= config.min_alignment_score
        sides[len(out)] = (jv, ev)
        out.append(_pair(doc_id, level, ja_side, en_side, texts, feats, score, kept, "" if kept else "low_score"))
    return out, sides


def _side_text(spans: tuple[tuple[int, int, int], ...], lang: str, texts: dict[int, str]) -> str:
    """The source text a side covers: one substring per block touched, joined without a
    space in Japanese and with one in English."""
    return JOINER[lang].join(texts[b][start:end] for b, start, end in spans)


def _spans(segs: list[_Segment]) -> tuple[tuple[int, int, int], ...]:
    """(block, start, end) per block touched, merging consecutive segments of one block."""
    out: list[list[int]] = []
    for s in segs:
        if out and out[-1][0] == s.block:
            out[-1][2] = s.end
        else:
            out.append([s.block, s.start, s.end])
    return tuple(tuple(x) for x in out)  # type: ignore[misc]


def _pair(
    doc_id: str,
    level: str,
    ja: list[_Segment],
    en: list[_Segment],
    texts: dict[int, str],
    feats: Features | None,
    score: float,
    kept: bool,
    reason: str,
) -> Pair:
    ja_spans, en_spans = _spans(ja), _spans(en)
    return Pair(
        doc=doc_id,
        level=level,
        ja=_side_text(ja_spans, "ja", texts),
        en=_side_text(en_spans, "en", texts),
        ja_blocks=tuple(b for b, _, _ in ja_spans),
        en_blocks=tuple(b for b, _, _ in en_spans),
        ja_spans=ja_spans if level == "sentence" else (),
        en_spans=en_spans if level == "sentence" else (),
        features=feats,
        score=score,
        kept=kept,
        reason=reason,
    )
