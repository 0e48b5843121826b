"""The main job: documents in, scored paragraph and sentence pairs out (`build`)."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from aligner.align import align
from aligner.config import BuildConfig
from aligner.cost import BeadCoster, CostParams, char_length
from aligner.embed import Embedder, PrefetchedEmbedder
from aligner.filters import duplicate_reasons, too_long
from aligner.language import JOINER, count_scripts
from aligner.lexical import prepare as prepare_runs
from aligner.progress import track
from aligner.read import Inputs, ReadFailure, Skipped, find_inputs, read_listed
from aligner.read.text import LANGUAGE_SAMPLE
from aligner.records import Block, Document, Features, FileDigest, Pair, Span
from aligner.refine import refine_beads
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
    format: str = ""
    line_ends: str = ""
    replaced_bytes: int = 0
    too_long_blocks: int = 0
    duplicates: int = 0

    @property
    def bad(self) -> bool:
        """True when the input gave no pair: it could not be read, or `note` says why not (a
        document whose pairs all repeat earlier ones is not bad input)."""
        return bool(self.error) or (self.paragraph_pairs == 0 and bool(self.note) and not self.duplicates)


@dataclass(frozen=True, slots=True)
class DocResult:
    """What the per-document work gives for one input: every pair considered, before the
    corpus-wide duplicate check (`deduplicate`), its report, the digests of the files read
    for it, and whether it was aligned by sentences as one whole pair (`whole`: a
    translated pair of which one side is a single block)."""

    pairs: tuple[Pair, ...]
    report: DocReport
    files: tuple[FileDigest, ...] = ()
    whole: bool = False


@dataclass(frozen=True, slots=True)
class Corpus:
    """Every pair considered (kept or rejected, in document order), a report per input, the
    files of folders skipped as of other types, and every input file as it was read."""

    pairs: tuple[Pair, ...]
    reports: tuple[DocReport, ...]
    skipped: tuple[Skipped, ...] = ()
    files: tuple[FileDigest, ...] = ()

    @property
    def processed(self) -> int:
        """How many documents were read (whether or not they gave pairs)."""
        return sum(not r.error for r in self.reports)

    @property
    def bad(self) -> int:
        """How many inputs gave no pair: unreadable, or nothing to align (see DocReport.note)."""
        return sum(r.bad for r in self.reports)

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
    progress: str = "off",
) -> Corpus:
    """Read every input, align JA and EN paragraphs and their sentences, score and filter,
    in memory (`aligner build` streams the same work to a folder: `run.build`).

    Args:
        inputs: files and folders (see `read.find_inputs`; how they are read: `config.read`).
        config: every setting of the run.
        embedder: an embedder instance; by default built from `config.model` (with `cache`).
        cache: SQLite embedding cache for the default embedder; None for none.
        progress: "bar", "lines" or "off": how progress over documents shows on stderr.

    Returns:
        The corpus: all pairs considered (kept and rejected with reasons), a report per
        input (an unreadable one with its error; a path that does not exist is one), the
        files skipped and the digest of every file read.
    """
    from aligner.run.local import WorkerSpec, map_batches

    listed = find_inputs(inputs, config.read)
    spec = WorkerSpec(embedder if embedder is not None else config.model, None if embedder else cache, config)
    pairs: list[Pair] = []
    reports: list[DocReport] = []
    files: dict[str, FileDigest] = {}
    seen: dict[str, dict[bytes, str]] = {}  # by level: key hashes of the pairs kept so far -> ids
    results = map_batches(read_listed(listed, config.read), process_batch, spec)
    for result in track(results, progress, "documents", total=document_count(listed)):
        result = deduplicate(result, seen, config)
        files.update((f.path, f) for f in result.files)
        pairs.extend(result.pairs)
        reports.append(result.report)
    return Corpus(tuple(pairs), tuple(reports), listed.skipped, tuple(files.values()))


def document_count(listed: Inputs) -> int | None:
    """How many documents the inputs found give, when known before reading (a JSONL file
    holds any number)."""
    return None if any(i.format == "jsonl" for i in listed.found) else len(listed.found) + len(listed.missing)


def process_batch(items: Sequence[Document | ReadFailure], embedder: Embedder, config: BuildConfig) -> list[DocResult]:
    """The per-document work for consecutive inputs: the texts of all their documents are
    encoded in one call (short posts do not pay a call each), then each is aligned
    (`process_item`). Every engine (one process, workers, Ray) calls this.

    Returns:
        One DocResult per item, in order.
    """
    texts = batch_texts(items, config)
    model = PrefetchedEmbedder(embedder, texts) if texts else embedder
    return [process_item(item, model, config) for item in items]


def batch_texts(items: Sequence[Document | ReadFailure], config: BuildConfig = BuildConfig()) -> list[str]:
    """What `process_batch` encodes for `items` in one call: the texts of each document
    (`texts_to_encode`), in order; an engine may have them encoded ahead."""
    return [t for item in items if isinstance(item, Document) for t in texts_to_encode(item, config)]


PREPARED_RUNS = 1024
"""JA runs whose dictionary analysis `prepare` works out ahead at most, fewer than the
analyses kept (`lexical._RUNS_KEPT`), so that none is dropped before it is used."""


def prepare(items: Sequence[Document | ReadFailure], config: BuildConfig = BuildConfig()) -> Iterator[None]:
    """The part of `process_batch`'s work on `items` that needs no embedding, one JA block at
    a time (a step each), in the order `process_batch` will want it: the dictionary's
    analysis of each block (`lexical.prepare`), remembered for the pairs the block enters.
    An engine runs these steps while it waits for the batch's embeddings; skipping them
    changes no result. Stops after PREPARED_RUNS new runs."""
    budget = PREPARED_RUNS
    for item in items:
        if not isinstance(item, Document):
            continue
        for block in _alignable(item, config)[0]:
            budget -= prepare_runs(block.text)
            yield None
            if budget <= 0:
                return


def process_item(item: Document | ReadFailure, embedder: Embedder, config: BuildConfig) -> DocResult:
    """One input's DocResult: an unreadable one as a report with its error, a document
    aligned by `align_document`."""
    if isinstance(item, ReadFailure):
        log.warning("%s: skipped: %s", item.source, item.reason)
        report = DocReport(item.doc, item.source, "", 0, 0, 0, 0, 0, 0, note="the input could not be read",
                           error=item.reason)  # fmt: skip
        return DocResult((), report, item.files)
    return _align(item, embedder, config)


def deduplicate(result: DocResult, seen: dict[str, dict[bytes, str]], config: BuildConfig = BuildConfig()) -> DocResult:
    """Reject the kept pairs of a document that repeat a pair of the same level (paragraph or
    sentence) kept earlier in the corpus, exactly or nearly (`filters.duplicate_reasons`),
    each with the id of the pair it repeats (the sentence pairs inside a duplicate paragraph
    pair are duplicates too, naming the paragraph pair it repeats); the report is counted again. `seen` maps each
    level to the key hashes of its pairs kept so far and their ids, and is updated.
    Documents must come in corpus order: the first of two copies is kept.

    Returns:
        The result with its duplicates rejected (unchanged when `config.filters.dedup` is off).
    """
    if not config.filters.dedup:
        return result
    from aligner.export.pairs import pair_id

    pairs = list(result.pairs)
    repeated: dict[int, Pair] = {}  # each JA block of a duplicate paragraph pair -> that pair
    for level in ("paragraph", "sentence"):
        kept = [k for k, p in enumerate(pairs) if p.kept and p.level == level]
        inside = {k: repeated.get(pairs[k].ja_blocks[0]) if pairs[k].ja_blocks else None for k in kept}
        for k in [k for k in kept if inside[k] is not None]:
            # a sentence pair of a duplicate paragraph pair repeats it too
            pairs[k] = replace(pairs[k], kept=False, reason=inside[k].reason, duplicate_of=inside[k].duplicate_of)
        kept = [k for k in kept if inside[k] is None]
        ids = (pair_id(pairs[k]) for k in kept)
        hits = duplicate_reasons(((pairs[k].ja, pairs[k].en) for k in kept), seen.setdefault(level, {}), ids)
        for k, hit in zip(kept, hits):
            if hit:
                pairs[k] = replace(pairs[k], kept=False, reason=hit[0], duplicate_of=hit[1])
                if level == "paragraph":
                    repeated.update(dict.fromkeys(pairs[k].ja_blocks, pairs[k]))
    return replace(result, pairs=tuple(pairs), report=_counted(result.report, pairs, result.whole))


def _counted(report: DocReport, pairs: Sequence[Pair], whole: bool) -> DocReport:
    """`report` with its pairs counted from `pairs` and its note said again when none is kept."""
    kept_para = sum(p.kept and p.level == "paragraph" for p in pairs)
    kept_sent = sum(p.kept and p.level == "sentence" for p in pairs)
    duplicates = sum(p.reason in ("duplicate", "near_duplicate") for p in pairs)
    note = report.note  # why nothing was kept, before duplicates were looked for
    if kept_sent if whole else kept_para:
        note = ""
    elif duplicates:
        note = "every pair it gave repeats a pair of an earlier document (duplicate)"
    return replace(
        report,
        paragraph_pairs=kept_sent if whole else kept_para,
        sentence_pairs=kept_sent,
        rejected=sum(not p.kept for p in pairs),
        duplicates=duplicates,
        note=note,
    )


def align_document(
    doc: Document, embedder: Embedder, config: BuildConfig = BuildConfig()
) -> tuple[list[Pair], DocReport]:
    """Align one bilingual document: paragraph pairs, then sentence pairs inside each kept one.

    Sentence pairs are scored and filtered as `aligner score` does, except for duplicates,
    which are looked for across the corpus afterwards (`deduplicate`).

    Returns:
        (pairs, report): every pair considered, paragraph level first for each paragraph
        pair and then its sentences, and the document's report.
    """
    result = _align(doc, embedder, config)
    return list(result.pairs), result.report


def texts_to_encode(doc: Document, config: BuildConfig = BuildConfig()) -> list[str]:
    """The texts `align_document` encodes for `doc`: its JA and EN blocks that are not too
    long, then their sentences."""
    ja, en = _alignable(doc, config)
    sentences = [s.text for lang, blocks in (("ja", ja), ("en", en)) for b in blocks for s in _sentences(b, lang)]
    return [b.text for b in ja] + [b.text for b in en] + sentences


def _alignable(doc: Document, config: BuildConfig) -> tuple[list[Block], list[Block]]:
    """The JA and EN blocks of `doc` that are not longer than --max-chars."""
    ja_all, en_all = _sides(doc)
    limit = config.filters.max_chars
    return [b for b in ja_all if not too_long(b.text, limit)], [b for b in en_all if not too_long(b.text, limit)]


def _align(doc: Document, embedder: Embedder, config: BuildConfig) -> DocResult:
    """`align_document`'s work, as a DocResult."""
    ja_all, en_all = _sides(doc)
    limit = config.filters.max_chars
    ja, en = _alignable(doc, config)
    long_ids = {b.index for b in ja_all + en_all} - {b.index for b in ja + en}
    rejected_long = [_too_long_pair(doc.id, b, limit) for b in doc.blocks if b.index in long_ids]
    counts = dict(
        ja_blocks=len(ja_all),
        en_blocks=len(en_all),
        other_blocks=len(doc.blocks) - len(ja_all) - len(en_all),
        format=doc.format,
        line_ends=doc.line_ends,
        replaced_bytes=doc.replaced,
        too_long_blocks=len(long_ids),
    )
    note = _nothing_to_align(doc, ja_all, en_all, ja, en, limit)
    if note:
        report = DocReport(
            doc.id, doc.source, doc.encoding, **counts, paragraph_pairs=0, sentence_pairs=0,
            rejected=len(rejected_long), note=note,
        )  # fmt: skip
        return DocResult(tuple(rejected_long), report, doc.files)

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
    # Two translated documents are aligned by paragraphs where both have paragraphs, else
    # (one side is a single block) by sentences from end to end, as one paragraph pair that
    # is not itself written out.
    whole = doc.parallel and min(len(ja), len(en)) == 1 < max(len(ja), len(en))
    if whole:
        para = [_pair(doc.id, "paragraph", ja_seg, en_seg, texts, None, 1.0, True, "")]
    else:
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
            positions=not doc.parallel,
            texts=texts,
        )

    # Sentence rows of each block, to pick a paragraph pair's sentences out of the doc arrays.
    ja_rows = _rows_by_block(ja, ja_sents)
    en_rows = _rows_by_block(en, en_sents)
    flat_ja = [s for ss in ja_sents for s in ss]
    flat_en = [s for ss in en_sents for s in ss]
    pairs: list[Pair] = list(rejected_long)
    sentence_rows: list[int] = []  # where the sentence pairs with two sides sit in `pairs`
    sentence_vecs: list[tuple[np.ndarray, np.ndarray]] = []
    for p in para:
        if not whole:
            pairs.append(p)
        if not p.kept:
            continue
        jr = [r for b in p.ja_blocks for r in ja_rows[b]]
        er = [r for b in p.en_blocks for r in en_rows[b]]
        found, sides = _align_level(
            doc.id, "sentence", [flat_ja[r] for r in jr], [flat_en[r] for r in er],
            ja_s_vec[jr], en_s_vec[er], _others(ja_s_vec, jr), _others(en_s_vec, er),
            config.sentence, config.sentence_beads, config, positions=False, texts=texts,
            random_pools=(ja_s_vec, en_s_vec), encode=embedder.encode,
        )  # fmt: skip
        for k, pair in enumerate(found):
            if k in sides:
                sentence_rows.append(len(pairs))
                sentence_vecs.append(sides[k])
            pairs.append(pair)
    _rescore(pairs, sentence_rows, sentence_vecs, embedder, config)
    if whole and not any(p.kept and p.level == "sentence" for p in pairs):
        note = "no sentence pair scored high enough: the Japanese and English documents do not translate each other"
    else:
        note = "no paragraph pair scored high enough: the Japanese and English blocks do not translate each other"
    report = DocReport(doc.id, doc.source, doc.encoding, **counts, paragraph_pairs=0, sentence_pairs=0, rejected=0,
                       note=note)  # fmt: skip
    return DocResult(tuple(pairs), _counted(report, pairs, whole), doc.files, whole)


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
) -> None:
    """Give the sentence pairs at `rows` their calibrated score and the filters' verdict, in
    place: the same `score.score_pairs` that `aligner score` runs, margins taken among the
    document's sentence pairs; duplicates are left to `deduplicate`."""
    if not rows:
        return
    texts = [(pairs[r].ja, pairs[r].en) for r in rows]
    ja_vec = np.stack([v[0] for v in vecs])
    en_vec = np.stack([v[1] for v in vecs])
    scorer = default_scorer().with_prior(ALIGNED_PRIOR)
    filters = replace(config.filters, dedup=False)
    verdicts = score_pairs(texts, embedder, filters, scorer, vectors=(ja_vec, en_vec))
    for r, v in zip(rows, verdicts):
        pairs[r] = replace(pairs[r], features=v.features, score=v.score, kept=v.kept, reason=v.reason)


def _sides(doc: Document) -> tuple[list[Block], list[Block]]:
    """The JA and EN blocks of a document; of a translated pair, the JA file's Japanese
    blocks and the EN file's English ones."""
    if doc.en_start is None:
        return [b for b in doc.blocks if b.lang == "ja"], [b for b in doc.blocks if b.lang == "en"]
    ja = [b for b in doc.blocks[: doc.en_start] if b.lang == "ja"]
    return ja, [b for b in doc.blocks[doc.en_start :] if b.lang == "en"]


def _too_long_pair(doc_id: str, block: Block, limit: int) -> Pair:
    """The rejected record of a block over `limit` characters, never split or encoded: its
    first `limit` characters and "…" (the block index locates the rest in the source)."""
    text = block.text if len(block.text) <= limit else block.text[:limit] + "…"
    side = block.lang == "ja"
    return Pair(
        doc=doc_id, level="paragraph", ja=text if side else "", en="" if side else text,
        ja_blocks=(block.index,) if side else (), en_blocks=() if side else (block.index,),
        features=None, score=0.0, kept=False, reason="too_long",
    )  # fmt: skip


_SCRIPT_NAMES = {"hangul": "Korean", "han": "Chinese", "alphabet": "in another alphabet", "latin": "English"}


def describe_blocks(blocks: Sequence[Block]) -> str:
    """What blocks that are neither Japanese nor English hold, by their commonest script:
    "Korean", "Chinese" (kanji without kana), "in another alphabet", or "without letters"."""
    counts: Counter[str] = Counter()
    for b in blocks:
        counts.update(count_scripts(b.text[:LANGUAGE_SAMPLE]))
    counts.pop("kana", None)
    if not counts:
        return "without letters"
    return _SCRIPT_NAMES.get(counts.most_common(1)[0][0], "in another script")


def _nothing_to_align(
    doc: Document, ja_all: list[Block], en_all: list[Block], ja: list[Block], en: list[Block], limit: int
) -> str:
    """A plain sentence saying truly why a document cannot yield pairs, or "" when it can."""
    if not doc.blocks:
        return "the document is empty" if not doc.parallel else "both files are empty"
    sided = {b.index for b in ja_all + en_all}
    others = [b for b in doc.blocks if b.index not in sided]
    also = f", with {len(others)} other blocks ({describe_blocks(others)})" if others else " only"
    if not ja_all and not en_all:
        return f"no Japanese and no English blocks: the text is {describe_blocks(others)}"
    if not ja_all:
        return (
            "no Japanese blocks in the JA file"
            if doc.parallel
            else f"no Japanese blocks: the document is English{also}"
        )
    if not en_all:
        return (
            "no English blocks in the EN file" if doc.parallel else f"no English blocks: the document is Japanese{also}"
        )
    for side, name in ((ja, "Japanese"), (en, "English")):
        if not side:
            return f"every {name} block is longer than --max-chars ({limit} characters without spaces): too_long"
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
    encode: Callable[[list[str]], np.ndarray] | None = None,
) -> tuple[list[Pair], dict[int, tuple[np.ndarray, np.ndarray]]]:
    """Align two segment lists and turn every bead into a Pair, kept or rejected on its
    alignment score, with the (JA, EN) side embeddings of each bead that has both sides,
    keyed by its position in the list. Paragraph pairs get their features here; sentence
    pairs get them from `_rescore`, which scores them, so they are not worked out twice.

    `ja_pool`/`en_pool` are the candidates the margin compares against; at paragraph level
    they are the segments themselves (a bead's own rows are left out), at sentence level the
    document's sentences outside this paragraph pair. `random_pools` are the (JA, EN) rows
    the cost's normalisation samples from (default: the segments themselves). With `encode`
    (the embedder's, at sentence level), the DP's beads get a second look with the
    embedding of joined segments (`refine.refine_beads`, `config.refine`).
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
    if encode is not None:
        sides_of = {"ja": ja, "en": en}

        def join(lang: str, ids: tuple[int, ...]) -> str:
            return _side_text(_spans([sides_of[lang][k] for k in ids]), lang, texts)

        beads = refine_beads(beads, coster, join, encode, config.refine)
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
        ja_rows, en_rows, cosines = coster.sides(a, b, i, j)
        cos, jv, ev = float(cosines[0]), ja_rows[0], en_rows[0]
        jp = _others(ja_pool, list(bead.ja)) if same_pool else ja_pool
        ep = _others(en_pool, list(bead.en)) if same_pool else en_pool
        near = neighbour_similarity(jv, ev, jp, ep)
        ja_text, en_text = _side_text(_spans(ja_side), "ja", texts), _side_text(_spans(en_side), "en", texts)
        z = float(coster.length_z(a, b, i, j)[0])
        feats = pair_features(ja_text, en_text, cos, ratio_margin(cos, near), z) if level == "paragraph" else None
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
