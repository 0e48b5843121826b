"""Run the per-document work on Ray Data: a dataset of items is mapped in batches by a pool of
actors, each holding one embedder (and its own dictionary), and the results come back in
order. Needs the extra: pip install 'aligner[ray]'."""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from aligner.config import BuildConfig
from aligner.embed import Embedder
from aligner.errors import BackendError
from aligner.run.local import BATCH_DOCS, WorkerSpec, batches, resumed

if TYPE_CHECKING:
    import ray.data


def require_ray() -> Any:
    """The `ray` module, ready for Ray Data.

    Raises:
        BackendError: Ray is not installed (naming the extra).
    """
    try:
        import ray
        import ray.data  # noqa: F401 - Ray Data has its own requirements (pyarrow)
    except ImportError as e:
        raise BackendError("--engine ray needs its extra: pip install 'aligner[ray]'") from e
    return ray


def start_ray(address: str | None = None, cpus: int | None = None) -> None:
    """Connect to the Ray cluster at `address`, or start a local one with `cpus` CPUs (once per
    process), with Ray Data keeping the order of rows."""
    ray = require_ray()
    if not ray.is_initialized():
        if address:
            ray.init(address=address, log_to_driver=False)
        else:
            ray.init(num_cpus=cpus, include_dashboard=False, log_to_driver=False)
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True
    context.enable_progress_bars = False


class _Actor:
    """One actor of the pool: builds its embedder once, then runs the task on each batch."""

    def __init__(self, spec: WorkerSpec, task: Callable) -> None:
        self.spec, self.task = spec, task
        self.embedder = spec.embedder()

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        items = [pickle.loads(b) for b in batch["item"]]
        results = self.task(items, self.embedder, self.spec.config)
        return {"result": np.array([pickle.dumps(r) for r in results], dtype=object)}


def map_dataset(
    ds: ray.data.Dataset,
    task: Callable,
    spec: WorkerSpec,
    actors: int = 2,
    batch_size: int = BATCH_DOCS,
) -> ray.data.Dataset:
    """Map a dataset whose rows hold a pickled item (`item`) into one of pickled results
    (`result`), one per item and in the same order, by `actors` actors each running
    `task(items, embedder, config)` on batches of `batch_size` rows."""
    ray = require_ray()
    return ds.map_batches(
        _Actor,
        fn_constructor_kwargs={"spec": spec, "task": task},
        batch_size=batch_size,
        compute=ray.data.ActorPoolStrategy(size=actors),
        num_cpus=spec.threads or 1,
        batch_format="numpy",
    )


def map_batches_ray(
    items: Iterable,
    task: Callable,
    spec: WorkerSpec,
    actors: int = 2,
    batch_size: int = BATCH_DOCS,
    done: int = 0,
) -> Iterator:
    """Like `local.map_batches`, on the Ray cluster `start_ray` connected to: the items are
    grouped as `local.batches` groups them (so each batch encodes what it encodes in a local
    build; the first `done` left out as `local.resumed` does), put in a Ray Dataset a batch
    a row, mapped by `map_dataset` and their results yielded in order."""
    ray = require_ray()
    chunks = list(resumed(batches(items, batch_size), done))
    ds = ray.data.from_items([{"item": pickle.dumps(batch)} for batch, _ in chunks])
    rows = map_dataset(ds, _Grouped(task), spec, actors, batch_size=1).iter_rows()
    for (_, skip), row in zip(chunks, rows):
        yield from pickle.loads(row["result"])[skip:]


@dataclass(frozen=True)
class _Grouped:
    """`task` over rows that each hold a whole batch: the results of each batch as one row."""

    task: Callable

    def __call__(self, rows: list[list], embedder: Embedder, config: BuildConfig) -> list[list]:
        return [self.task(batch, embedder, config) for batch in rows]
