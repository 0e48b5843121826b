"""Features of a pair and its score in [0, 1]."""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from aligner.agreement import latin_agreement, number_agreement, polarity_agreement
from aligner.cost import LengthModel, char_length, length_weights
from aligner.embed import Embedder
from aligner.errors import AlignerError
from aligner.filters import FilterConfig, duplicate_reasons, feature_reason, text_reason
from aligner.identifiers import identifier_agreement
from aligner.language import could_be_japanese, detect_language
from aligner.lexical import least_translated_sentence, lexical_agreement, short_pair_translated
from aligner.records import Features
from aligner.segment import split_sentences


def neighbour_similarity(
    ja_vec: np.ndarray, en_vec: np.ndarray, ja_pool: np.ndarray, en_pool: np.ndarray, k: int = 4
) -> float:
    """How close a pair's sides are to their nearest other candidates: the mean, over the two
    sides, of the mean cosine of the side with its k nearest candidates of the other language
    (the pair's own segments left out of the pools by the caller).

    Args:
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

    return 0.5 * (knn(ja_vec, en_pool) + knn(en_vec, ja_pool))


RATIO_FLOOR = 0.05
"""The least neighbour similarity a ratio margin divides by (unrelated USE v3 pairs average
about 0.08), so that a pair with no close neighbours does not get an unbounded margin."""


def ratio_margin(cos: float | np.ndarray, neighbours: float | np.ndarray) -> float | np.ndarray:
    """LASER's ratio margin: the pair's cosine over its neighbour similarity (floored at
    RATIO_FLOOR). Above 1 when the pair stands out from its neighbours."""
    return cos / np.maximum(neighbours, RATIO_FLOOR)


def batch_margins(ja: np.ndarray, en: np.ndarray, k: int = 4, chunk: int = 2048) -> tuple[np.ndarray, np.ndarray]:
    """Cosines and ratio margins of n pairs whose candidates are each other: pair i's JA side
    is compared with every other pair's EN side and the reverse (as in LASER mining).

    Args:
        ja, en: (n, d) unit rows; row i of each is pair i.
        k: neighbours averaged on each side.
        chunk: rows per matrix product, so memory stays O(chunk * n).

    Returns:
        (cosine, margin): two (n,) arrays (`ratio_margin`); with no other pair, the
        neighbour similarity is 0 and the margin the cosine over RATIO_FLOOR.
    """
    n = ja.shape[0]
    cos = np.einsum("nd,nd->n", ja, en).astype(np.float64)
    if n < 2:
        return cos, ratio_margin(cos, np.zeros(n))
    kk = min(k, n - 1)
    knn_ja, knn_en = np.empty(n), np.empty(n)
    for start in range(0, n, chunk):
        rows = np.arange(start, min(start + chunk, n))
        for side, other, out in ((ja, en, knn_ja), (en, ja, knn_en)):
            sims = side[rows] @ other.T
            sims[np.arange(rows.size), rows] = -np.inf  # the pair's own partner is no neighbour
            out[rows] = np.mean(-np.partition(-sims, kk - 1, axis=1)[:, :kk], axis=1)
    return cos, ratio_margin(cos, 0.5 * (knn_ja + knn_en))


MARGIN_FLOOR = 0.15
"""A translation pair usually stands out from its neighbours by at least this much cosine;
below it, the score drops with `margin_weight`."""


def pair_score(fit: float, margin: float, skip: float, margin_weight: float = 2.0, temperature: float = 0.1) -> float:
    """A bead's fit (`BeadCoster.fit`, lower is better) and its margin in difference form
    (cosine minus `neighbour_similarity`) -> the alignment's score in [0, 1].

    The aligner keeps a 1-1 bead rather than two skips exactly when fit < 2 * skip, so that
    break-even point maps to 0.5 for a pair whose margin is at least MARGIN_FLOOR; a pair
    that is hardly closer than its neighbours (an untranslated paragraph next to a topical
    one) is pushed down. `temperature` sets how fast the score moves away from 0.5.
    """
    x = (2.0 * skip - fit - margin_weight * max(0.0, MARGIN_FLOOR - margin)) / temperature
    return 1.0 / (1.0 + math.exp(-max(min(x, 50.0), -50.0)))


def language_confidence(text: str, lang: str) -> float:
    """Confidence in [0, 1] that `text` is in `lang` ("ja" or "en"): 0 when another wins,
    except that a JA side of kanji alone that `language.could_be_japanese` (a headline:
    阪神・大山、２戦連発７号！) gets half its confidence: Japanese or Chinese, undecided."""
    found, confidence = detect_language(text)
    if found == lang:
        return confidence
    return 0.5 * confidence if lang == "ja" and could_be_japanese(text) else 0.0


def overlap(ja: str, en: str) -> float:
    """Dice coefficient of the character bigrams of the two sides (NFKC, case-folded, no white
    space): 1 for identical sides, near 0 for a real JA/EN pair, which shares only names
    and numbers."""

    def grams(text: str) -> set[str]:
        t = "".join(unicodedata.normalize("NFKC", text).casefold().split())
        return {t[k : k + 2] for k in range(len(t) - 1)} or ({t} if t else set())

    a, b = grams(ja), grams(en)
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


@dataclass(frozen=True, slots=True)
class SentenceFigures:
    """What the sentences of a pair's sides tell (see `_sentence_figures`, which computes
    them); all None when both sides are one sentence."""

    coverage: float | None = None
    part_gain: float | None = None
    part_length_gain: float | None = None


def pair_features(
    ja: str,
    en: str,
    cosine: float,
    margin: float,
    length_z: float,
    figures: SentenceFigures | None = None,
    sentences: tuple[list[str], list[str]] | None = None,
) -> Features:
    """All features of a pair, from its text and the embedding figures computed by the caller
    (`figures` from the sentences of its sides; by default those of two single sentences:
    coverage is the cosine, the rest None). `sentences` are the sentences of each side,
    when the caller has split them."""
    figures = figures or SentenceFigures()
    coverage = figures.coverage
    return Features(
        cosine=round(cosine, 4),
        margin=round(margin, 4),
        length_z=round(length_z, 4),
        coverage=round(cosine if coverage is None else coverage, 4),
        part_gain=_round(figures.part_gain),
        part_length_gain=_round(figures.part_length_gain),
        part_translated=_round(least_translated_sentence(ja, en, *sentences) if sentences else None),
        **_text_features(ja, en),
    )


@lru_cache(maxsize=1024)  # a document's pairs: a paragraph pair of one sentence is its sentence pair too
def _text_features(ja: str, en: str) -> dict[str, float | None]:
    """The features of a pair that its text alone decides, as `Features` keyword arguments.
    Every call with the same texts gets the same dict (remembered): unpack it, never change it."""
    lexical = lexical_agreement(ja, en)
    return dict(
        ja_lang=round(language_confidence(ja, "ja"), 4),
        en_lang=round(language_confidence(en, "en"), 4),
        numbers=_round(number_agreement(ja, en)),
        latin=_round(latin_agreement(ja, en)),
        names=_round(lexical.ja_names),
        en_names=_round(lexical.en_names),
        overlap=round(overlap(ja, en), 4),
        ja_translated=_round(lexical.ja_translated),
        en_translated=_round(lexical.en_translated),
        half_translated=_round(lexical.half_translated),
        name_evidence=_round(lexical.name_evidence),
        name_swap=lexical.name_swap,
        polarity=polarity_agreement(ja, en),
        short_translated=short_pair_translated(ja, en),
        identifiers=identifier_agreement(ja, en),
    )


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


INPUTS: tuple[str, ...] = (
    "cosine", "margin", "abs_length_z", "number_mismatch", "any_number_mismatch", "identifier_mismatch",
    "latin_mismatch", "name_mismatch",
    "en_name_evidence", "name_swap", "polarity_mismatch", "ja_lang", "en_lang", "coverage", "ja_translated",
    "en_translated", "many_sentences", "part_gain", "part_length_gain", "part_translated", "half_translated",
    "short_translated",
)  # fmt: skip
"""The inputs of the calibrated model, in order (see `design_row`)."""


def design_row(f: Features) -> np.ndarray:
    """A pair's features -> the (len(INPUTS),) inputs of the calibrated model. An agreement
    with nothing to compare counts as no mismatch (a side with no content as fully translated);
    numbers enter twice, as the share left unmatched and as whether any is (one changed
    number among eleven is a changed number); a JA name mismatch is 1 when any name is left
    unexplained, however many others are explained (a changed name among six is no less
    wrong than one alone); the EN names
    enter by the strength of their evidence (`lexical.LexicalAgreement.name_evidence`);
    |length_z| is clipped at 6; part_gain enters with an indicator of whether it exists (0
    for a pair of two single sentences); a missing part_length_gain or short_translated is 0
    (a pair that is not short gets nothing from the dictionary rule)."""
    return np.array([
        f.cosine,
        f.margin,
        min(abs(f.length_z), 6.0),
        0.0 if f.numbers is None else 1.0 - f.numbers,
        0.0 if f.numbers is None else float(f.numbers < 1.0),
        0.0 if f.identifiers is None else 1.0 - f.identifiers,
        0.0 if f.latin is None else 1.0 - f.latin,
        0.0 if f.names is None else float(f.names < 1.0),
        0.0 if f.name_evidence is None else f.name_evidence,
        0.0 if f.name_swap is None else f.name_swap,
        0.0 if f.polarity is None else 1.0 - f.polarity,
        f.ja_lang,
        f.en_lang,
        f.cosine if f.coverage is None else f.coverage,
        1.0 if f.ja_translated is None else f.ja_translated,
        1.0 if f.en_translated is None else f.en_translated,
        0.0 if f.part_gain is None else 1.0,
        0.0 if f.part_gain is None else f.part_gain,
        0.0 if f.part_length_gain is None else f.part_length_gain,
        1.0 if f.part_translated is None else f.part_translated,
        1.0 if f.half_translated is None else f.half_translated,
        0.0 if f.short_translated is None else f.short_translated,
    ])  # fmt: skip


@dataclass(frozen=True, slots=True)
class Scorer:
    """A small model over `design_row`, inputs standardised by `mean` and `scale`:
    score = sigmoid(bias + weights . h), where h is the standardised inputs themselves
    (logistic regression) or, when `hidden` is given, tanh(inputs @ hidden + hidden_bias)
    (one hidden layer of a few units).

    The shipped coefficients (resources/scorer.json) are fitted by scripts/fit_scorer.py on
    pairs it builds from aligned data and synthetic negatives.
    """

    inputs: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    hidden: tuple[tuple[float, ...], ...] = ()
    hidden_bias: tuple[float, ...] = ()

    def score(self, features: Features) -> float:
        """A pair's features -> its calibrated probability of being a translation pair."""
        return float(self.score_rows(design_row(features)[None, :])[0])

    def score_rows(self, rows: np.ndarray) -> np.ndarray:
        """(n, len(INPUTS)) design rows -> (n,) scores in [0, 1]."""
        z = (rows - np.asarray(self.mean)) / np.asarray(self.scale)
        if self.hidden:
            z = np.tanh(z @ np.asarray(self.hidden) + np.asarray(self.hidden_bias))
        x = np.clip(z @ np.asarray(self.weights) + self.bias, -50.0, 50.0)
        return 1.0 / (1.0 + np.exp(-x))

    def with_prior(self, prior: float) -> Scorer:
        """The same model for pairs of which a share `prior` are translations before any
        feature is seen (it was fitted on a half-and-half mix): the odds shift by
        prior / (1 - prior). The aligner's sentence pairs come from paragraph pairs already
        judged to be translations, so most of them are."""
        return replace(self, bias=self.bias + math.log(prior / (1.0 - prior)))

    def to_dict(self) -> dict:
        """JSON-ready form, as stored in resources/scorer.json."""
        return json.loads(json.dumps(asdict(self)))


SCORER_FILE = Path(__file__).parent / "resources" / "scorer.json"


@lru_cache(maxsize=1)
def default_scorer() -> Scorer:
    """The shipped calibrated model; raises AlignerError naming the file if it is unusable."""
    try:
        d = json.loads(SCORER_FILE.read_text(encoding="utf-8"))
        scorer = Scorer(
            tuple(d["inputs"]),
            tuple(d["weights"]),
            float(d["bias"]),
            tuple(d["mean"]),
            tuple(d["scale"]),
            tuple(tuple(row) for row in d.get("hidden", ())),
            tuple(d.get("hidden_bias", ())),
        )
    except (OSError, KeyError, ValueError, TypeError) as e:
        raise AlignerError(f"{SCORER_FILE}: cannot load the scoring model ({e}); reinstall aligner") from e
    if scorer.inputs != INPUTS:
        raise AlignerError(f"{SCORER_FILE}: fitted for inputs {scorer.inputs}, this version computes {INPUTS}")
    return scorer


def _sentences(text: str, lang: str) -> list[str]:
    return [s.text for s in split_sentences(text, lang)]


def _sentence_figures(
    parts: list[tuple[list[str], list[str]]],
    ja_vec: np.ndarray,
    en_vec: np.ndarray,
    extra: np.ndarray,
    length_model: LengthModel,
) -> list[SentenceFigures]:
    """Per pair, from the sentences of its sides:

    coverage: how well every sentence of each side is matched by some sentence of the
    other: the lowest, over the sentences of both sides, of the best cosine with a sentence
    of the other side (a one-sentence side is its own sentence).
    part_gain: how much closer a part of a many-sentence side (its first or last sentences,
    at least one left out; embedded as the length-weighted sum of theirs, as a merged bead
    is) is to the whole other side than its own whole side is (the largest such
    difference): above 0 when the other side translates only that part.
    part_length_gain: for that closest part, how much better its length fits the other side
    than its whole side's does (|length z| of the pair minus that of the part with the
    other side): above 0 when the part alone is as long as a translation of the other side
    would be, as when the rest of its side is left untranslated.

    `extra` holds, in order, the rows of the sentences of the many-sentence sides."""
    out: list[SentenceFigures] = []
    row = 0
    for k, (ja_s, en_s) in enumerate(parts):
        if len(ja_s) <= 1 and len(en_s) <= 1:
            out.append(SentenceFigures())
            continue
        ja_text, en_text = "".join(ja_s), "".join(en_s)
        whole_z = abs(float(length_model.z(char_length(ja_text), char_length(en_text))))
        sides, best = [], []  # best: (cosine with the other side, |length z| with it) per part
        for side, whole, other, is_ja in ((ja_s, ja_vec[k], en_vec[k], True), (en_s, en_vec[k], ja_vec[k], False)):
            if len(side) > 1:
                rows = extra[row : row + len(side)]
                row += len(side)
                parts, lengths = _end_parts(rows, np.array([char_length(t) for t in side]))
                other_length = char_length(en_text if is_ja else ja_text)
                z = length_model.z(lengths, other_length) if is_ja else length_model.z(other_length, lengths)
                best += zip((parts @ other).tolist(), np.abs(z).tolist())
            else:
                rows = whole[None, :]
            sides.append(rows)
        sims = sides[0] @ sides[1].T
        closest_cos, closest_z = max(best, key=lambda b: (b[0], -b[1]))  # a tie goes to the better length fit
        out.append(
            SentenceFigures(
                coverage=float(min(sims.max(axis=1).min(), sims.max(axis=0).min())),
                part_gain=closest_cos - float(ja_vec[k] @ en_vec[k]),
                part_length_gain=whole_z - closest_z,
            )
        )
    return out


def _end_parts(rows: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The parts of a side of n >= 2 sentences that leave out its last or its first ones
    (sentences 0..k-1 and k..n-1 for k in 1..n-1): their unit embeddings, the normalised
    `cost.length_weights`-weighted sums of the sentences' rows, and their lengths."""
    weighted = rows * length_weights(lengths)[:, None]
    spans = [slice(0, k) for k in range(1, len(rows))] + [slice(k, len(rows)) for k in range(1, len(rows))]
    vecs = np.stack([weighted[s].sum(axis=0) for s in spans])
    vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
    return vecs, np.array([lengths[s].sum() for s in spans])


@dataclass(frozen=True, slots=True)
class ScoredPair:
    """A pair's verdict: its features (None when a text rule rejected it before encoding),
    calibrated score, whether it is kept, the reason when it is not, and for a duplicate the
    id of the pair it repeats (when the caller gave ids)."""

    features: Features | None
    score: float
    kept: bool
    reason: str
    duplicate_of: str = ""


def compute_features(
    pairs: Sequence[tuple[str, str]],
    embedder: Embedder,
    length_model: LengthModel = LengthModel(),
    batch: int = 1000,
    vectors: tuple[np.ndarray, np.ndarray] | None = None,
) -> list[Features]:
    """The features of every pair: all sides (and the sentences of many-sentence sides, for
    coverage) are encoded in one call; each pair's margin is taken against the other pairs
    of its batch of `batch` consecutive pairs.

    Args:
        vectors: the (n, d) JA and EN side embeddings when the caller has them already
            (the aligner does); then only the sentences of many-sentence sides are encoded.

    Returns:
        One Features per pair, in order.
    """
    if not pairs:
        return []
    parts = [(_sentences(ja, "ja"), _sentences(en, "en")) for ja, en in pairs]
    extra = [t for ja_s, en_s in parts for side in (ja_s, en_s) if len(side) > 1 for t in side]
    n = len(pairs)
    sides = [] if vectors is not None else [ja for ja, _ in pairs] + [en for _, en in pairs]
    vecs = embedder.encode(sides + extra)
    ja_vec, en_vec = vectors if vectors is not None else (vecs[:n], vecs[n : 2 * n])
    sentence_figures = _sentence_figures(parts, ja_vec, en_vec, vecs[len(sides) :], length_model)
    cos, mar = np.empty(n), np.empty(n)
    for start in range(0, n, batch):
        rows = slice(start, start + batch)
        cos[rows], mar[rows] = batch_margins(ja_vec[rows], en_vec[rows])
    z = length_model.z(np.array([char_length(ja) for ja, _ in pairs]), np.array([char_length(en) for _, en in pairs]))
    return [
        pair_features(ja, en, float(c), float(m), float(zz), figures, sentences)
        for (ja, en), c, m, zz, figures, sentences in zip(pairs, cos, mar, z, sentence_figures, parts)
    ]


def score_pairs(
    pairs: Sequence[tuple[str, str]],
    embedder: Embedder,
    config: FilterConfig = FilterConfig(),
    scorer: Scorer | None = None,
    length_model: LengthModel = LengthModel(),
    batch: int = 1000,
    seen: dict[bytes, str] | None = None,
    vectors: tuple[np.ndarray, np.ndarray] | None = None,
    ids: Sequence[str] | None = None,
) -> list[ScoredPair]:
    """Score then decide, for a list of (ja, en) pairs made anywhere.

    Text rules run first (an empty or oversized side is never encoded); the rest get their
    features (`compute_features`), are scored by the calibrated model and judged by the
    feature rules; last,
    duplicates of an earlier kept pair are rejected (`seen` carries the keys of earlier
    calls, for a corpus scored in chunks; `filters.duplicate_reasons`). `vectors` are side
    embeddings the caller already has, one row per pair; `ids` the pairs' ids, which a
    duplicate's verdict names (`duplicate_of`).

    Returns:
        One ScoredPair per input pair, in order.
    """
    scorer = scorer or default_scorer()
    early = [text_reason(ja, en, config) for ja, en in pairs]
    live = [k for k, r in enumerate(early) if r is None]
    known = None if vectors is None else (vectors[0][live], vectors[1][live])
    feats = compute_features([pairs[k] for k in live], embedder, length_model, batch, known)
    scores = scorer.score_rows(np.stack([design_row(f) for f in feats])) if feats else np.zeros(0)
    out: list[ScoredPair] = [ScoredPair(None, 0.0, False, r or "") for r in early]
    for k, f, s in zip(live, feats, scores):
        s = round(float(s), 4)  # decide on the score that is reported
        reason = feature_reason(f, s, config)
        out[k] = ScoredPair(f, s, reason is None, reason or "")
    if config.dedup:
        kept = [k for k, p in enumerate(out) if p.kept]
        kept_ids = None if ids is None else [ids[k] for k in kept]
        for k, hit in zip(kept, duplicate_reasons((pairs[k] for k in kept), seen, kept_ids)):
            if hit:
                out[k] = ScoredPair(out[k].features, out[k].score, False, *hit)
    return out
