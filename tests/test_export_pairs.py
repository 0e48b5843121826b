"""Pair ids, pair records and back, and the pairs an export takes."""

from __future__ import annotations

import dataclasses
import hashlib
import json

import pytest

from aligner.export.pairs import pair_from_record, pair_id, pair_record, select_pairs
from aligner.records import Pair
from tests.export_cases import PAIRS

BASE = Pair("a.txt", "sentence", "猫。", "Cat.", (0,), (1,), ((0, 0, 2),), ((1, 0, 4),), score=0.5)


def test_pair_id_is_16_hex_digits_of_the_documented_hash():
    key = ["a.txt", "sentence", [0], [1], [[0, 0, 2]], [[1, 0, 4]], "猫。", "Cat."]
    expected = hashlib.sha256(json.dumps(key, separators=(",", ":")).encode()).hexdigest()[:16]
    assert pair_id(BASE) == expected == "b5b9d683c58d770e"


@pytest.mark.parametrize(
    "change",
    [
        {"doc": "b.txt"},
        {"level": "paragraph"},
        {"ja": "猫!"},
        {"en": "Cat!"},
        {"ja_blocks": (1,)},
        {"en_blocks": (2,)},
        {"ja_spans": ((0, 0, 1),)},
        {"en_spans": ((1, 1, 4),)},
    ],
)
def test_pair_id_changes_with_what_makes_the_pair(change):
    assert pair_id(dataclasses.replace(BASE, **change)) != pair_id(BASE)


@pytest.mark.parametrize("change", [{"score": 0.9}, {"kept": False, "reason": "low_score"}, {"features": None}])
def test_pair_id_ignores_the_verdict(change):
    assert pair_id(dataclasses.replace(BASE, **change)) == pair_id(BASE)


@pytest.mark.parametrize("pair", PAIRS, ids=range(len(PAIRS)))
def test_pair_record_round_trips(pair):
    record = pair_record(pair)
    assert record["id"] == pair_id(pair)
    assert pair_from_record(record) == pair
    assert pair_from_record(record | {"id": "stale"}) == pair  # the id is recomputed, not trusted


def test_select_pairs_kept_first_then_rejected_in_corpus_order():
    assert select_pairs(PAIRS, "sentence", kept_only=True) == [PAIRS[0], PAIRS[1], PAIRS[5]]
    assert select_pairs(PAIRS, "sentence", kept_only=False) == [PAIRS[0], PAIRS[1], PAIRS[5], PAIRS[3]]
    assert select_pairs(PAIRS, "paragraph", kept_only=False) == [PAIRS[2], PAIRS[4]]
    assert select_pairs([], "paragraph", kept_only=True) == []
