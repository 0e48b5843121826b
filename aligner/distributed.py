"""Building from a Ray Dataset of documents (the crawl already on the cluster): rows
`{"id", "text"}` (an interleaved post) or `{"id", "ja", "en"}` (a translated pair), as in
JSONL input. Needs the extra: pip install 'aligner[ray]'.

    import ray, aligner.distributed as dist
    ds = ray.data.read_json("s3://bucket/crawl/")          # rows {"id": ..., "text": ...}
    dist.build_dataset(ds, "corpus", actors=16)             # the same folder `aligner build` writes
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import TYPE_CHECKING

from aligner import __version__
from aligner.config import BuildConfig
from aligner.embed import Embedder, embedder_name
from aligner.export import ExportConfig
from aligner.pipeline import process_batch
from aligner.read import ReadFailure
from aligner.read.jsonl import JsonlFields, row_document
from aligner.run.build import Outcome, RunOptions, journal_and_publish
from aligner.run.local import BATCH_DOCS, WorkerSpec
from aligner.run.ray_engine import map_dataset, require_ray

if TYPE_CHECKING:
    import ray.data


def documents(ds: ray.data.Dataset, fields: JsonlFields = JsonlFields(), paragraphs: str = "auto") -> ray.data.Dataset:
    """A dataset of records -> one of pickled Documents (`item`), a record without the fields
    giving a ReadFailure that the report lists."""

    def to_item(row: dict) -> dict:
        doc_id = str(row.get(fields.id, ""))
        doc = row_document(row, doc_id, fields, paragraphs)
        item = doc or ReadFailure(doc_id, "dataset", f"no {fields.text!r}, nor {fields.ja!r} and {fields.en!r}")
        return {"item": pickle.dumps(item)}

    return ds.map(to_item)


def align_dataset(
    ds: ray.data.Dataset,
    config: BuildConfig = BuildConfig(),
    model: str | Embedder = "use",
    actors: int = 2,
    threads: int = 1,
    batch_size: int = BATCH_DOCS,
) -> ray.data.Dataset:
    """Map a dataset of document records by a pool of `actors` actors, each holding one
    embedder (`threads` BLAS threads), with the per-document function every engine calls.

    Returns:
        A dataset of pickled `pipeline.DocResult`s (`result`), one per record, in order;
        duplicates across documents are not yet rejected (`build_dataset` does that).
    """
    require_ray()
    return map_dataset(documents(ds), process_batch, WorkerSpec(model, None, config, threads), actors, batch_size)


def build_dataset(
    ds: ray.data.Dataset,
    out: str | Path,
    config: BuildConfig = BuildConfig(),
    export: ExportConfig = ExportConfig(),
    model: str | Embedder = "use",
    actors: int = 2,
    threads: int = 1,
) -> Outcome:
    """Align a dataset of document records on Ray and write the corpus folder `out` as
    `aligner build` does (journal, duplicates across the corpus, report, formats, one-unit
    publication). A run cut short is started again from the beginning (its results are not
    resumed: a dataset has no stable row offsets to skip by). The records are encoded in
    the batches the dataset gives, not as `aligner build` batches its inputs (`local.batches`),
    so a score or feature may differ from a local build's in its 4th decimal.

    Returns:
        What the build did (its report, documents processed and bad).
    """
    mapped = align_dataset(ds, config, model, actors, threads)

    def results(done: int):
        return (pickle.loads(row["result"]) for row in mapped.iter_rows()), None, ()

    run = {"dataset": repr(ds)}
    return journal_and_publish(Path(out), run, results, config, export, embedder_name(model), RunOptions(), __version__)
