"""Where a pair disagrees: the character spans of the numbers and names one side states and
the other does not, for the review page to highlight on both sides."""

from __future__ import annotations

import re
import unicodedata

from aligner.agreement import unmatched_numbers
from aligner.lexical import lexical_agreement
from aligner.records import Features

Spans = list[tuple[int, int]]

_NUMERALS = r"\d〇零一二三四五六七八九十百千万億兆"
# The whole number starting where `agreement` found one (its position is the start only).
_NUMBER_AT = re.compile(
    r"(?:令和|平成|昭和|大正|明治)\s*(?:元|\d+|[〇一二三四五六七八九十]+)\s*年"
    rf"|[-−]?[{_NUMERALS}](?:[{_NUMERALS}]|[,.](?=\d))*(?:割(?:\d分)?(?:\d厘)?)?"
    r"|\.\d+|[A-Za-z]+"
)


def mismatch_spans(ja: str, en: str, features: Features | None) -> tuple[Spans, Spans]:
    """The spans of each side's numbers and names that the other side does not match.

    Only what the features say disagrees is looked for: numbers when `numbers` < 1, names
    when `names` or `en_names` < 1, so that a corpus of agreeing pairs costs nothing.
    Numbers are those `agreement.unmatched_numbers` leaves unmatched; names those
    `lexical.lexical_agreement` leaves unexplained (JA names, EN capitalised words).

    Args:
        ja: the Japanese side.
        en: the English side.
        features: the pair's features, or None (no spans).

    Returns:
        (ja spans, en spans): sorted, non-overlapping (start, end) character offsets into
        `ja` and `en` as given.
    """
    if not features:
        return [], []
    ja_nf, ja_map = _nfkc_with_offsets(ja)
    en_nf, en_map = _nfkc_with_offsets(en)
    ja_spans: Spans = []
    en_spans: Spans = []
    if _below_one(features.numbers):
        ja_pos, en_pos = unmatched_numbers(ja, en)
        ja_spans += [_token_at(ja_nf, p) for p in ja_pos]
        en_spans += [_token_at(en_nf, p) for p in en_pos]
    if _below_one(features.names) or _below_one(features.en_names):
        lex = lexical_agreement(ja, en)
        for name in lex.unexplained_ja:
            ja_spans += [(m.start(), m.end()) for m in re.finditer(re.escape(name), ja_nf)]
        for name in lex.unexplained:
            en_spans += [(m.start(), m.end()) for m in re.finditer(rf"\b{re.escape(name)}\b", en_nf)]
    return _back(ja_spans, ja_map), _back(en_spans, en_map)


def _below_one(value: float | None) -> bool:
    return value is not None and value < 1


def _nfkc_with_offsets(text: str) -> tuple[str, list[int] | None]:
    """The NFKC form that `agreement` and `lexical` read, and for each of its characters (and
    its end) the offset in `text` it comes from; None when normalising character by
    character does not give the same form (composed half-width kana), and offsets cannot hold."""
    parts, offsets = [], []
    for i, ch in enumerate(text):
        nf = unicodedata.normalize("NFKC", ch)
        parts.append(nf)
        offsets += [i] * len(nf)
    joined = "".join(parts)
    if joined != unicodedata.normalize("NFKC", text):
        return unicodedata.normalize("NFKC", text), None
    return joined, offsets + [len(text)]


def _token_at(text: str, pos: int) -> tuple[int, int]:
    m = _NUMBER_AT.match(text, pos)
    return (pos, m.end()) if m else (pos, pos + 1)


def _back(spans: Spans, offsets: list[int] | None) -> Spans:
    """NFKC spans -> spans in the text as given, sorted and merged where they overlap."""
    if offsets is None:
        return []
    out: Spans = []
    for s, e in sorted((offsets[s], offsets[e - 1] + 1) for s, e in spans if e > s):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out
