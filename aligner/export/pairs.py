"""A Pair as the records every format writes and reads back: its stable id, its JSON object,
and the pairs one export takes (a level, kept or all)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence

from aligner.records import Features, Pair

LEVELS = ("sentence", "paragraph")
FEATURES = tuple(f.name for f in dataclasses.fields(Features))


def pair_id(pair: Pair) -> str:
    """The pair's id: 16 hex digits of the SHA-256 of its document, level, block indices,
    spans and text, so the same pair gets the same id in every run and every format."""
    key = [pair.doc, pair.level, pair.ja_blocks, pair.en_blocks, pair.ja_spans, pair.en_spans, pair.ja, pair.en]
    return hashlib.sha256(json.dumps(key, separators=(",", ":")).encode("ascii")).hexdigest()[:16]


def pair_record(pair: Pair) -> dict:
    """A pair as a flat JSON-ready dict: id, doc, level, ja, en, score, block indices, spans
    (sentence level), features, kept and reason, and for a duplicate the id of the pair it
    repeats (`duplicate_of`)."""
    record = {
        "id": pair_id(pair),
        "doc": pair.doc,
        "level": pair.level,
        "ja": pair.ja,
        "en": pair.en,
        "score": pair.score,
        "ja_blocks": list(pair.ja_blocks),
        "en_blocks": list(pair.en_blocks),
    }
    if pair.level == "sentence":
        record["ja_spans"] = span_lists(pair.ja_spans)
        record["en_spans"] = span_lists(pair.en_spans)
    record["features"] = feature_dict(pair.features) if pair.features else None
    record["kept"] = pair.kept
    record["reason"] = pair.reason
    if pair.duplicate_of:
        record["duplicate_of"] = pair.duplicate_of
    return record


def pair_from_record(record: dict) -> Pair:
    """The Pair a `pair_record` dict was made from (its `id` is not read: it is recomputed).

    Raises:
        KeyError, TypeError: the dict lacks a field or holds a feature this version does not know.
    """
    features = record.get("features")
    return Pair(
        doc=record["doc"],
        level=record["level"],
        ja=record["ja"],
        en=record["en"],
        ja_blocks=tuple(record["ja_blocks"]),
        en_blocks=tuple(record["en_blocks"]),
        ja_spans=tuple(tuple(s) for s in record.get("ja_spans", ())),
        en_spans=tuple(tuple(s) for s in record.get("en_spans", ())),
        features=Features(**features) if features else None,
        score=record["score"],
        kept=record["kept"],
        reason=record["reason"],
        duplicate_of=record.get("duplicate_of", ""),
    )


def select_pairs(pairs: Iterable[Pair], level: str, kept_only: bool) -> Sequence[Pair]:
    """The pairs of one level that a format writes: the kept ones in corpus order, then (unless
    `kept_only`) the rejected ones in corpus order, so that a build and an export of it agree.

    Returns:
        A list; for pairs read from disk at each pass (`jsonl.PairStream`), a `Selection` that
        reads them again at each pass too, so that no format holds the corpus in memory.
    """
    if isinstance(pairs, (list, tuple)):
        pairs = [p for p in pairs if p.level == level]
        return [p for p in pairs if p.kept] + ([] if kept_only else [p for p in pairs if not p.kept])
    return Selection(pairs, level, kept_only)


class Selection:
    """`select_pairs` over a re-iterable source: iterable any number of times, with a length."""

    def __init__(self, source: Iterable[Pair], level: str, kept_only: bool) -> None:
        self.source, self.level, self.kept_only = source, level, kept_only
        self._len: int | None = None

    def __iter__(self) -> Iterator[Pair]:
        for kept in (True,) if self.kept_only else (True, False):
            yield from (p for p in self.source if p.level == self.level and p.kept == kept)

    def __len__(self) -> int:
        if self._len is None:
            self._len = sum(1 for _ in self)
        return self._len


def feature_values(pair: Pair) -> dict[str, float | None]:
    """The pair's features as `feat_<name>` columns (all None when it has none)."""
    values = feature_dict(pair.features) if pair.features else {}
    return {f"feat_{name}": values.get(name) for name in FEATURES}


def feature_dict(features: Features) -> dict[str, float | None]:
    """The features by name, in their order (`dataclasses.asdict` without its deep copies:
    they are all numbers)."""
    return {name: getattr(features, name) for name in FEATURES}


def span_lists(spans: Sequence[tuple[int, int, int]]) -> list[list[int]]:
    """Spans as JSON/Arrow-ready lists of [block, start, end]."""
    return [list(s) for s in spans]
