"""`run.local`: batches that start small, and the map with the embedder in a process of its
own giving what the map in one process gives."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from aligner.config import BuildConfig
from aligner.embed import Embedder, PrefetchedEmbedder, usable_cores
from aligner.run import local
from aligner.run.local import WorkerSpec, batches, map_batches, resumed
from tests.test_embed import CountingEmbedder


@given(st.integers(0, 200), st.integers(1, 40))
def test_batches_double_up_to_the_size_then_halve_and_keep_every_item_in_order(n, size):
    got = list(batches(iter(range(n)), size))
    assert [x for b in got for x in b] == list(range(n))
    sizes = [len(b) for b in got]
    assert all(1 <= s <= size for s in sizes)
    if not n:
        return
    steps = list(zip(sizes, sizes[1:]))
    assert sizes[0] == 1 and sizes[-1] == 1
    assert all(b <= 2 * a for a, b in steps)  # growing by doubling at most
    first_fall = next((k for k, (a, b) in enumerate(steps) if b < a), len(steps))
    assert all(b <= a for a, b in steps[first_fall:])  # once falling, never growing again
    assert all(b >= a // 2 for a, b in steps[first_fall:])  # halving at most
    if n >= 4 * size:  # a long stream reaches full batches
        assert size in sizes


def test_batches_read_at_most_two_batches_ahead():
    read: list[int] = []

    def items():
        for k in range(100):
            read.append(k)
            yield k

    for batch in batches(items(), 8):
        assert len(read) <= batch[-1] + 1 + 2 * 8


@given(st.integers(0, 120), st.integers(1, 20), st.integers(0, 130))
def test_a_resumed_run_makes_the_batches_the_whole_run_made(n, size, done):
    whole = list(batches(range(n), size))
    got = list(resumed(iter(whole), done))
    # the batches run are the whole run's from the one holding item `done`, each whole
    assert [b for b, _ in got] == [b for b in whole if b[-1] >= done]
    assert [x for b, skip in got for x in b[skip:]] == list(range(min(done, n), n))


_SEEN: list[list[str]] = []


def _each(batch: list[str], embedder: Embedder, config: BuildConfig) -> list[str]:
    _SEEN.append(list(batch))
    return [f"done {t}" for t in embedder.encode(batch)[:, 0].astype(int).astype(str)]


def test_map_batches_after_done_items_gives_the_rest_from_the_same_batches():
    items = ["x" * k for k in range(1, 41)]  # the fake's row starts with the text's length
    spec = WorkerSpec(CountingEmbedder(), None, BuildConfig())
    _SEEN.clear()
    whole = list(map_batches(items, _each, spec, batch_size=8))
    run_whole = list(_SEEN)
    _SEEN.clear()
    assert list(map_batches(items, _each, spec, batch_size=8, done=11)) == whole[11:]
    assert _SEEN == [b for b in run_whole if len(b[-1]) > 11]  # the batch holding item 11 is run whole
    assert list(map_batches(items, _each, spec, batch_size=8, done=40)) == []


def _texts(batch: list[str], config: BuildConfig) -> list[str]:
    return batch


def _task(batch: list[str], embedder: Embedder, config: BuildConfig) -> list[tuple[str, np.ndarray]]:
    """Like pipeline.process_batch: the batch encoded in one call, then a row a text, and one
    text the batch did not say it would encode (it goes to the embedder as it is)."""
    model = PrefetchedEmbedder(embedder, batch)
    return [(t, model.encode([t])[0]) for t in batch] + [("extra", model.encode([f"extra {batch[0]}"])[0])]


@pytest.mark.skipif(usable_cores() < 2, reason="the embedder gets a process of its own only with a second core")
def test_encoding_ahead_in_a_child_gives_what_one_process_gives(monkeypatch):
    items = [f"文{k}。Sentence number {k}." for k in range(23)]
    spec = WorkerSpec("use", None, BuildConfig())
    warmed: list[int] = []
    prepared: list[str] = []

    def prepare(batch: list[str], config: BuildConfig):
        for item in batch:
            prepared.append(item)
            yield

    ahead = list(
        map_batches(items, _task, spec, batch_size=4, texts=_texts, warm_up=lambda: warmed.append(1), prepare=prepare)
    )
    here = list(map_batches(items, _task, spec, batch_size=4))
    assert warmed == [1]
    # while the child loads its model, the first batch and those encoded after it are prepared, in order
    assert prepared[:3] == items[:3] and set(prepared) <= set(items)
    assert [t for t, _ in ahead] == [t for t, _ in here]
    np.testing.assert_allclose(np.stack([r for _, r in ahead]), np.stack([r for _, r in here]), atol=1e-6)
    monkeypatch.setattr(local, "AHEAD", 0)  # no batch ahead: the same again
    alone = [t for t, _ in map_batches(items[:5], _task, spec, batch_size=4, texts=_texts)]
    assert alone == [t for t, _ in map_batches(items[:5], _task, spec, batch_size=4)]
