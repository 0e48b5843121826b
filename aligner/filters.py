"""Rules that reject a pair, each with the reason it names; scoring comes first (score.py).

A rule only decides; it never drops anything itself: the caller keeps every rejected pair
with its reason (rejected.jsonl) and counts them by reason (report.json).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import repeat

from aligner.cost import char_length
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

    min_score: float = 0.77
    min_chars: int = 2
    max_chars: int = 2000
    max_length_z: float = 4.0
    min_lang: float = 0.5
    max_overlap: float = 0.6
    dedup: bool = True


REASONS: tuple[str, ...] = (
    "empty_side", "too_long", "too_short", "boilerplate", "wrong_language", "identical",
    "length_ratio", "low_score", "duplicate", "near_duplicate",
)  # fmt: skip
"""Every reason a rule can give, in the order the rules are tried."""


def text_reason(ja: str, en: str, config: FilterConfig = FilterConfig()) -> str | None:
    """The first text-only rule a pair breaks, or None. These need no embedding, so a pair
    they reject (an empty or 1 MB side, a bare URL) is never encoded."""
    if not ja.strip() or not en.strip():
        return "empty_side"
    ja_chars, en_chars = char_length(ja), char_length(en)
    if max(ja_chars, en_chars) > config.max_chars:
        return "too_long"
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


def duplicate_verdicts(
    pairs: Iterable[tuple[str, str]], ids: Iterable[str] | None = None, seen: dict | set | None = None
) -> list[tuple[str, str] | None]:
    """For each pair in order: ("duplicate" or "near_duplicate", the id of the earlier pair
    it repeats) when an earlier pair (or one in `seen`, which is updated) has the same key,
    else None. Only pairs given here count: pass the kept ones so that a rejected pair does
    not shadow a later good one.

    Args:
        pairs: (ja, en) pairs.
        ids: the id of each pair (`export.pairs.pair_id`), in order; "" for each when None.
        seen: the keys of earlier pairs: a dict also remembers the id of the pair that first
            had each key, a set only the keys ("" is then the id repeated).
    """
    seen = {} if seen is None else seen
    ids = repeat("") if ids is None else ids
    out: list[tuple[str, str] | None] = []
    for (ja, en), pair_id in zip(pairs, ids):
        keys = (("=",) + duplicate_key(ja, en), "duplicate"), (("~",) + near_duplicate_key(ja, en), "near_duplicate")
        hit = next(((reason, key) for key, reason in keys if key in seen), None)
        out.append(None if hit is None else (hit[0], seen.get(hit[1], "") if isinstance(seen, dict) else ""))
        for key, _ in keys:
            if isinstance(seen, dict):
                seen.setdefault(key, pair_id)
            else:
                seen.add(key)
    return out


def duplicate_reasons(pairs: Iterable[tuple[str, str]], seen: dict | set | None = None) -> list[str | None]:
    """The reasons alone of `duplicate_verdicts` (no ids)."""
    return [v and v[0] for v in duplicate_verdicts(pairs, None, seen)]
