"""Frozen records passed between the stages; this module imports nothing from the package."""

from __future__ import annotations

from dataclasses import dataclass

LANGS = ("ja", "en", "other")


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph of a source document.

    `index` is the paragraph number in the document (the n-th non-empty block,
    from 0); `start`/`end` are character offsets of the stripped text in the
    decoded source; `lang` is "ja", "en" or "other" with its `confidence` in [0, 1].
    """

    index: int
    text: str
    start: int
    end: int
    lang: str = "other"
    confidence: float = 0.0


@dataclass(frozen=True, slots=True)
class FileDigest:
    """An input file as it was read: its path, size in bytes and SHA-256 of those bytes."""

    path: str
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class Document:
    """A decoded source: `id` names it in outputs (path relative to the input folder).

    `format` is the reader that made it (text, html, jsonl); `en_start` is set for two
    monolingual documents that translate each other: blocks before it come from the JA one,
    blocks from it on from the EN one (None for an interleaved document); `replaced` counts
    the stray bytes decoded as U+FFFD; `line_ends` are those of the source ("lf", "crlf",
    "cr", "mixed", ""); `files` are the input files it was read from, as read.
    """

    id: str
    source: str
    blocks: tuple[Block, ...]
    encoding: str = "utf-8"
    line_ends: str = ""
    format: str = "text"
    en_start: int | None = None
    replaced: int = 0
    files: tuple[FileDigest, ...] = ()

    @property
    def parallel(self) -> bool:
        """True for two monolingual documents (a translated pair), False for an interleaved one."""
        return self.en_start is not None


@dataclass(frozen=True, slots=True)
class Span:
    """A sentence: characters `start:end` of its block's text, and that text."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Bead:
    """An alignment unit: JA segment indices, EN segment indices (either may be empty), cost."""

    ja: tuple[int, ...]
    en: tuple[int, ...]
    cost: float


@dataclass(frozen=True, slots=True)
class Features:
    """What a pair's score is made from; every field is written to the output.

    cosine: embedding cosine of the two sides. margin: LASER's ratio margin, the cosine over
    the mean cosine of each side with its 4 nearest other candidates. length_z:
    log(EN chars / JA chars) as a z-score under the JA/EN length model. ja_lang / en_lang:
    confidence that the JA side is Japanese and the EN side English (0 when another
    language wins). numbers, latin, names, en_names: agreement in [0, 1] of the numbers,
    the JA side's Latin-script tokens, its names (katakana and kanji) and the EN side's
    names with the other side, None when there is nothing to compare. overlap: how alike the two sides are
    as character strings (1 = identical). ja_translated, en_translated: the share of each
    side's content (JA kanji and katakana, EN words that are not stop words) that the
    other side translates by the dictionary, spells or reads out (`lexical`). part_gain:
    when a side has several sentences, how much closer its best part (its first or last
    sentences) is to the other side than the whole side is (above 0: the other side
    translates only that part); None when both sides are one sentence. part_length_gain:
    for that part, how much better its length fits the other side than its whole side's
    does (above 0: it alone is as long as a translation would be). part_translated: the
    lowest share of a sentence of a many-sentence side that the other side translates
    (`lexical`); None when both sides are one sentence. half_translated: the lowest share of the first or second half
    of a side's content that the other side translates (None for short sides).
    coverage: over the sentences of both sides, the lowest best cosine with a sentence of
    the other side (the pair's cosine when both are one sentence): low when one side
    carries a sentence the other does not translate.
    name_evidence: how strongly the EN names the JA side leaves unexplained say the pair is
    wrong (0 none, 0.5 words of a longer name or ordinary words, 1 a one-word name or a
    word that is no ordinary English, even opening a sentence); None when the EN side
    names nothing. name_swap: 1 when each side has a name the other
    does not explain (田中 against Suzuki), else 0; None when the JA side names nothing.
    polarity: 1 when both sides state a negation, 0 when only one does (始まりません
    against "starts"); None when neither does (`agreement.polarity_agreement`).
    short_translated: for a pair of one or two EN words and a few JA characters, 1 when the
    dictionary translates it (はい。/ Yes.), else 0; None for longer pairs
    (`lexical.short_pair_translated`).
    identifiers: the share of identifier stems on both sides (cpe210 ~ cpe220: letters with
    digits) whose identifiers agree, digits included; None when no stem is on both sides
    (`identifiers.identifier_agreement`).
    """

    cosine: float
    margin: float
    length_z: float
    ja_lang: float
    en_lang: float
    numbers: float | None = None
    latin: float | None = None
    names: float | None = None
    en_names: float | None = None
    overlap: float = 0.0
    coverage: float | None = None
    ja_translated: float | None = None
    en_translated: float | None = None
    part_gain: float | None = None
    part_length_gain: float | None = None
    part_translated: float | None = None
    half_translated: float | None = None
    name_evidence: float | None = None
    name_swap: float | None = None
    polarity: float | None = None
    short_translated: float | None = None
    identifiers: float | None = None


@dataclass(frozen=True, slots=True)
class Pair:
    """A JA/EN pair at paragraph or sentence level, kept or rejected with its reason.

    `ja_blocks`/`en_blocks` are block indices in the document; at sentence level
    `ja_spans`/`en_spans` give, per block touched, (block, start, end) character
    offsets into that block's text. `duplicate_of` is the id of the earlier pair a
    `duplicate` or `near_duplicate` repeats.
    """

    doc: str
    level: str
    ja: str
    en: str
    ja_blocks: tuple[int, ...]
    en_blocks: tuple[int, ...]
    ja_spans: tuple[tuple[int, int, int], ...] = ()
    en_spans: tuple[tuple[int, int, int], ...] = ()
    features: Features | None = None
    score: float = 0.0
    kept: bool = True
    reason: str = ""
    duplicate_of: str = ""
