"""`export.jsonl.PairStream`: the pairs of a spooled JSON Lines file, read at each pass, or
held after the first when there are few."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aligner.export import jsonl
from aligner.export.jsonl import PairStream
from aligner.export.pairs import pair_record
from aligner.records import Pair


def _spool(path: Path, n: int) -> list[Pair]:
    pairs = [
        Pair(doc="d.txt", level="sentence", ja=f"文{k}。", en=f"Sentence {k}.", ja_blocks=(0,), en_blocks=(1,),
             features=None, score=0.5, kept=k % 2 == 0, reason="" if k % 2 == 0 else "low_score")
        for k in range(n)
    ]  # fmt: skip
    path.write_text("".join(json.dumps(pair_record(p)) + "\n" for p in pairs), encoding="utf-8")
    return pairs


def test_a_small_stream_is_read_once_then_held(tmp_path):
    path = tmp_path / "spool.jsonl"
    pairs = _spool(path, 5)
    stream = PairStream(path, len(pairs))
    assert list(stream) == pairs and len(stream) == 5
    path.unlink()  # held after a whole pass: the file is not read again
    assert list(stream) == pairs


def test_a_large_stream_is_read_again_at_each_pass(tmp_path, monkeypatch):
    monkeypatch.setattr(jsonl, "HELD_PAIRS", 3)
    path = tmp_path / "spool.jsonl"
    pairs = _spool(path, 5)
    stream = PairStream(path, len(pairs))
    assert list(stream) == pairs
    path.unlink()
    with pytest.raises(FileNotFoundError):
        list(stream)


def test_a_pass_cut_short_holds_nothing(tmp_path):
    path = tmp_path / "spool.jsonl"
    pairs = _spool(path, 5)
    stream = PairStream(path, len(pairs))
    assert next(iter(stream)) == pairs[0]  # one pair, then the pass is dropped
    assert list(stream) == pairs  # read whole from the file
    path.unlink()
    assert list(stream) == pairs
