"""Run the per-document work on one machine: in this process, or in N worker processes, each
with its own embedder and dictionary and its share of the BLAS threads. Results come back
in document order whatever the number of workers, so the outputs are the same."""

from __future__ import annotations

import multiprocessing
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from aligner.config import BuildConfig
from aligner.embed import Embedder, PrefetchedEmbedder, get_embedder, usable_cores
from aligner.run.encoder import EncoderProcess

T = TypeVar("T")
R = TypeVar("R")

BATCH_DOCS = 16
"""Documents whose texts go to the embedder in one call (short posts do not pay a call each)."""


@dataclass(frozen=True, slots=True)
class WorkerSpec:
    """What a worker needs to build its own embedder: the model (a name, or a picklable
    Embedder), the cache file (None: none), the run's settings and its BLAS threads."""

    model: str | Embedder
    cache: Path | None
    config: BuildConfig
    threads: int | None = None

    def embedder(self) -> Embedder:
        """A new embedder for this worker."""
        return get_embedder(self.model, cache=self.cache, threads=self.threads)


def batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of items, read lazily (at most 2 * `size` ahead): 1, 2, 4, ... items
    up to `size`, then `size` each, and the last ones halving (..., 4, 2, 1, 1). The first
    batches are small so that aligning starts while the next ones are encoded
    (`map_batches`), the last ones so that little aligning is left when the encoding ends;
    every engine batches alike, so each encodes the same texts together and gives the same
    rows."""
    waiting: deque[T] = deque()
    want = 1
    for item in items:
        waiting.append(item)
        if len(waiting) >= want + size:  # a full batch at least follows this one
            yield [waiting.popleft() for _ in range(want)]
            want = min(2 * want, size)
    while waiting:
        yield [waiting.popleft() for _ in range(min(want, (len(waiting) + 1) // 2))]
        want = min(2 * want, size)


def threads_per_worker(workers: int) -> int:
    """The BLAS threads each of `workers` processes gets: the usable cores shared out, at least 1."""
    return max(1, usable_cores() // max(1, workers))


_state: dict = {}


def _init(spec: WorkerSpec, task: Callable) -> None:
    """Worker start: leave Ctrl-C to the parent (which ends the pool), limit BLAS threads,
    build the embedder once."""
    from threadpoolctl import threadpool_limits

    signal.signal(signal.SIGINT, signal.SIG_IGN)

    if spec.threads:
        _state["limits"] = threadpool_limits(spec.threads)
    _state["config"] = spec.config
    _state["task"] = task
    try:
        _state["embedder"] = spec.embedder()
    except Exception as e:  # raised again by the first batch, in the parent (a pool respawns a dead worker forever)
        _state["error"] = e


def _call(batch: list) -> list:
    if "error" in _state:
        raise _state["error"]
    return _state["task"](batch, _state["embedder"], _state["config"])


def map_batches(
    items: Iterable[T],
    task: Callable[[list[T], Embedder, BuildConfig], list[R]],
    spec: WorkerSpec,
    workers: int = 1,
    batch_size: int = BATCH_DOCS,
    texts: Callable[[list[T], BuildConfig], list[str]] | None = None,
    warm_up: Callable[[], None] | None = None,
    prepare: Callable[[list[T], BuildConfig], Iterator[object]] | None = None,
    done: int = 0,
) -> Iterator[R]:
    """Apply `task(batch, embedder, config)` to consecutive batches of `items` (`batches`)
    and yield its results in order, but for the first `done` items (`resumed`).

    With one worker, `texts` (what `task` will encode for a batch) given, a named model and
    a second core, the embedder runs in a process of its own (`encoder.EncoderProcess`)
    that encodes up to AHEAD batches ahead of the one this process works on; `task` gets
    their rows through a `PrefetchedEmbedder`; `warm_up` runs here while the child loads
    its model, and the steps of `prepare(batch, config)` (work on a batch that needs no
    embedding) while this process waits for a batch's rows. With workers > 1, batches go to
    that many spawned processes (a fork would share the dictionary's SQLite connection), at
    most two batches a worker ahead of the one being yielded. Either way memory does not grow with the number of items.
    """
    chunks = resumed(batches(items, batch_size), done)
    if workers <= 1 and texts is not None and isinstance(spec.model, str) and usable_cores() > 1:
        yield from _map_encoding_ahead(chunks, task, spec, texts, warm_up, prepare)
        return
    if workers <= 1:
        embedder = spec.embedder()
        for chunk, skip in chunks:
            yield from task(chunk, embedder, spec.config)[skip:]
        return
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer=_init, initargs=(spec, task)) as pool:
        pending: deque = deque()
        for chunk, skip in chunks:
            pending.append((pool.apply_async(_call, (chunk,)), skip))
            while len(pending) >= 2 * workers:
                result, skip = pending.popleft()
                yield from result.get()[skip:]
        while pending:
            result, skip = pending.popleft()
            yield from result.get()[skip:]


def resumed(chunks: Iterable[list[T]], done: int) -> Iterator[tuple[list[T], int]]:
    """The batches of a run resumed after its first `done` items, each with how many of its
    first items are among them: a batch wholly done is left out, the one the run resumes in
    is run whole (its done items' results to be dropped), so that every batch run encodes
    the texts the uninterrupted run encoded together and gets the same rows."""
    seen = 0
    for chunk in chunks:
        seen += len(chunk)
        if seen > done:
            yield chunk, max(0, done - (seen - len(chunk)))


AHEAD = 2
"""Batches the encoder process may encode ahead of the one being aligned."""


def _map_encoding_ahead(
    chunks: Iterator[tuple[list[T], int]],
    task: Callable[[list[T], Embedder, BuildConfig], list[R]],
    spec: WorkerSpec,
    texts: Callable[[list[T], BuildConfig], list[str]],
    warm_up: Callable[[], None] | None,
    prepare: Callable[[list[T], BuildConfig], Iterator[object]] | None,
) -> Iterator[R]:
    """`map_batches` with one worker and the embedder in its own process, which gets the
    cores this one leaves for its BLAS threads."""
    child = replace(spec, threads=spec.threads or max(1, usable_cores() - 1))
    with EncoderProcess(child) as encoder:
        window: deque[tuple[list[T], int, list[str], int]] = deque()

        def run(chunk: list[T], skip: int, wanted: list[str], ticket: int) -> list[R]:
            # while its rows are not there, work ahead on it and on the batches encoded after it
            later = [item for c, _, _, _ in window for item in c]
            ahead = prepare(chunk[skip:] + later, spec.config) if prepare is not None else None
            rows = encoder.take(ticket, meanwhile=ahead)
            return task(chunk, PrefetchedEmbedder(encoder, wanted, rows), spec.config)[skip:]

        for chunk, skip in chunks:
            wanted = list(dict.fromkeys(texts(chunk, spec.config)))
            window.append((chunk, skip, wanted, encoder.submit(wanted)))
            if warm_up is not None:
                warm_up()
                warm_up = None
            if len(window) > AHEAD:
                yield from run(*window.popleft())
        while window:
            yield from run(*window.popleft())
