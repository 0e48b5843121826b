"""Run the per-document work on one machine: in this process, or in N worker processes, each
with its own embedder and dictionary and its share of the BLAS threads. Results come back
in document order whatever the number of workers, so the outputs are the same."""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from aligner.config import BuildConfig
from aligner.embed import Embedder, get_embedder, usable_cores

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
    """Consecutive lists of `size` items (the last may be shorter), read lazily."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def threads_per_worker(workers: int) -> int:
    """The BLAS threads each of `workers` processes gets: the usable cores shared out, at least 1."""
    return max(1, usable_cores() // max(1, workers))


_state: dict = {}


def _init(spec: WorkerSpec, task: Callable) -> None:
    """Worker start: limit BLAS threads, build the embedder once."""
    from threadpoolctl import threadpool_limits

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
) -> Iterator[R]:
    """Apply `task(batch, embedder, config)` to consecutive batches of `items` and yield its
    results in order.

    With workers > 1, batches go to that many spawned processes (a fork would share the
    dictionary's SQLite connection), at most two batches a worker ahead of the one being
    yielded, so memory does not grow with the number of items.
    """
    chunks = batches(items, batch_size)
    if workers <= 1:
        embedder = spec.embedder()
        for chunk in chunks:
            yield from task(chunk, embedder, spec.config)
        return
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer=_init, initargs=(spec, task)) as pool:
        pending: deque = deque()
        for chunk in chunks:
            pending.append(pool.apply_async(_call, (chunk,)))
            while len(pending) >= 2 * workers:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()
