"""Rules that reject a pair, each with the reason it names; scoring comes first (score.py).

A rule only decides; it never drops anything itself: the caller keeps every rejected pair
with its reason (rejected.jsonl) and counts them by reason (report.json).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from aligner.cost import char_length
from aligner.errors import InputError
from aligner.language import count_scripts, normalize_text
from aligner.records import Features


@dataclass(frozen=True, slots=True)
class FilterConfig:
    """Thresholds of the rules; every one is a command-line option of the same name.

    min_score: reject a pair whose calibrated score is below this.
    min_chars, max_chars: characters (no white space) each side must have, at least / at most.
    max_length_z: reject a pair whose JA/EN length ratio is further than this many standard
        deviations from the length model's mean.
    min_lang: each side must be in its language with at least this confidence.
    max_overlap: reject sides this alike as character strings (identical or copied text).
    dedup: reject exact duplicates (after NFKC and white space) and near duplicates (also
        ignoring case, digits and punctuation) of an earlier pair.
    """

    min_score: float = 0.85
    min_chars: int = 2
    max_chars: int = 2000
    max_length_z: float = 4.0
    min_lang: float = 0.5
    max_overlap: float = 0.6
    dedup: bool = True

    def __post_init__(self) -> None:
        for name in ("min_score", "min_lang", "max_overlap"):
            check_range(name, getattr(self, name), 0.0, 1.0)
        check_range("min_chars", self.min_chars, 0, None)
        check_range("max_chars", self.max_chars, 1, None)
        check_range("max_length_z", self.max_length_z, 0.0, None)


def check_range(name: str, value: float, low: float, high: float | None) -> None:
    """Refuse a setting outside [low, high] (high None: no upper bound), NaN and infinities
    included, with a one-line message naming the option (`--min-score nan: ...`).

    Raises:
        InputError: the value is out of range.
    """
    if not math.isfinite(value) or value < low or (high is not None and value > high):
        bound = f"from {low:g} to {high:g}" if high is not None else f"of at least {low:g}"
        raise InputError(f"--{name.replace('_', '-')} {value}: must be a number {bound}")


REASONS: tuple[str, ...] = (
    "empty_side", "too_long", "too_short", "boilerplate", "wrong_language", "identical",
    "length_ratio", "low_score", "duplicate", "near_duplicate",
)  # fmt: skip
"""Every reason a rule can give, in the order the rules are tried."""


_CHUNK = 1 << 16


def too_long(text: str, limit: int) -> bool:
    """True when `text` has more than `limit` characters not counting white space (as
    `cost.char_length` counts them). Reads no more of a long text than it needs: a 100 MB
    block is decided in its first few kilobytes, without a copy of it."""
    if len(text) <= limit:
        return False
    count = 0
    for start in range(0, len(text), _CHUNK):
        count += char_length(text[start : start + _CHUNK])
        if count > limit:
            return True
    return False


def text_reason(ja: str, en: str, config: FilterConfig = FilterConfig()) -> str | None:
    """The first text-only rule a pair breaks, or None. These need no embedding, so a pair
    they reject (an empty or 1 MB side, a bare URL) is never encoded."""
    if not ja or ja.isspace() or not en or en.isspace():  # no copy of a 100 MB side, as strip() makes
        return "empty_side"
    if too_long(ja, config.max_chars) or too_long(en, config.max_chars):
        return "too_long"
    ja_chars, en_chars = char_length(ja), char_length(en)
    if min(ja_chars, en_chars) < config.min_chars:
        return "too_short"
    if not count_scripts(ja) or not count_scripts(en):
        return "boilerplate"  # only URLs, numbers or symbols on a side
    return None


def feature_reason(features: Features, score: float, config: FilterConfig = FilterConfig()) -> str | None:
    """The first rule on a scored pair's features that it breaks, or None."""
    if min(features.ja_lang, features.en_lang) < config.min_lang:
        return "wrong_language"
    if features.overlap >= config.max_overlap:
        return "identical"
    if abs(features.length_z) > config.max_length_z:
        return "length_ratio"
    if score < config.min_score:
        return "low_score"
    return None


_NOT_WORD = re.compile(r"[\W\d_]+")


def duplicate_key(ja: str, en: str) -> tuple[str, str]:
    """The exact-duplicate key: both sides NFKC-normalised, white space collapsed."""
    return normalize_text(ja), normalize_text(en)


def near_duplicate_key(ja: str, en: str) -> tuple[str, str]:
    """The near-duplicate key: the exact key case-folded, with digits, punctuation and white
    space removed (pairs that differ only in those are one pair for training purposes)."""
    a, b = duplicate_key(ja, en)
    return _NOT_WORD.sub("", a.casefold()), _NOT_WORD.sub("", b.casefold())


def duplicate_hashes(ja: str, en: str) -> tuple[bytes, bytes]:
    """The exact and the near-duplicate key of a pair as 16-byte hashes, so that the keys of
    every pair of a corpus fit in memory whatever the length of its sides."""
    return tuple(  # type: ignore[return-value]
        hashlib.blake2b("\x1f".join((tag, *key)).encode(), digest_size=16).digest()
        for tag, key in (("=", duplicate_key(ja, en)), ("~", near_duplicate_key(ja, en)))
    )


def duplicate_reasons(
    pairs: Iterable[tuple[str, str]], seen: dict[bytes, str] | None = None, ids: Iterable[str] | None = None
) -> list[tuple[str, str] | None]:
    """For each pair in order: ("duplicate" or "near_duplicate", the id of the earlier pair it
    repeats) when an earlier pair here or in `seen` has the same key, else None.

    Only pairs given here count: pass the kept ones so that a rejected pair does not shadow a
    later good one. `seen` maps the key hashes of the pairs kept so far to their ids and is
    updated; `ids` are the ids of `pairs` ("" when not given).
    """
    seen = {} if seen is None else seen
    ids = iter(ids) if ids is not None else None
    out: list[tuple[str, str] | None] = []
    for ja, en in pairs:
        pair_id = next(ids) if ids is not None else ""
        exact, near = duplicate_hashes(ja, en)
        hit = ("duplicate", seen[exact]) if exact in seen else ("near_duplicate", seen[near]) if near in seen else None
        out.append(hit)
        # a repeat's own keys lead to the pair it repeats: a later copy of a near-duplicate
        # is a duplicate of the first pair
        seen.setdefault(exact, hit[1] if hit else pair_id)
        seen.setdefault(near, hit[1] if hit else pair_id)
    return out
