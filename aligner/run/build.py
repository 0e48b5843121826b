"""`aligner build` into a folder: documents read lazily and mapped by an engine (this process,
N workers, or Ray), each finished document journaled at once (so a killed run resumes), then
duplicates looked for across the corpus, the outputs written from the journal and published
as one unit (see `workdir`)."""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from aligner import lexical, plots
from aligner.config import BuildConfig
from aligner.embed import Embedder, embedder_name
from aligner.errors import InputError, Interrupted
from aligner.export import ExportConfig, write_corpus
from aligner.export.jsonl import PairStream
from aligner.export.pairs import pair_from_record, pair_record
from aligner.pipeline import (
    Corpus,
    DocReport,
    DocResult,
    batch_texts,
    deduplicate,
    document_count,
    prepare,
    process_batch,
)
from aligner.progress import track
from aligner.read import find_inputs, read_listed
from aligner.records import FileDigest
from aligner.run import workdir
from aligner.run.local import BATCH_DOCS, WorkerSpec, map_batches, threads_per_worker
from aligner.run.workdir import BuildLock, WorkDir

ENGINES = ("local", "ray")


@dataclass(frozen=True, slots=True)
class RunOptions:
    """How a build runs: `engine` (local or ray), `workers` (processes, or Ray actors),
    `resume` an unfinished run, the Ray cluster's `ray_address` (None: a local one),
    `batch_docs` documents encoded together, `progress` ("bar", "lines" or "off"), and
    `strict` (a bad input fails the run)."""

    engine: str = "local"
    workers: int = 1
    resume: bool = False
    ray_address: str | None = None
    batch_docs: int = BATCH_DOCS
    progress: str = "off"
    strict: bool = False

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise InputError(f"--engine {self.engine!r} is not one of {', '.join(ENGINES)}")
        if self.workers < 1:
            raise InputError(f"--workers {self.workers}: give at least 1")
        if self.batch_docs < 1:
            raise InputError(f"batch_docs {self.batch_docs}: give at least 1")


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a build did: its report (as written), how many inputs were processed and how
    many were bad, and whether the corpus was published complete."""

    report: dict
    processed: int
    bad: int
    complete: bool


def run_build(
    inputs: Sequence[str | Path],
    out: Path,
    config: BuildConfig,
    export: ExportConfig,
    model: str | Embedder,
    cache: Path | None,
    options: RunOptions,
    version: str,
) -> Outcome:
    """Build the corpus of `inputs` into the folder `out`.

    The folder is checked and locked before any work; each document's result goes to the
    journal as soon as it is done; the outputs are written to a staging folder from the
    journal and put in place of `out` as one unit. With `options.resume`, documents already
    in the journal of an unfinished run are not done again, and the outputs are the same
    bytes as an uninterrupted run's.

    Raises:
        InputError: the folder cannot take a build, another build holds it, or an unfinished
            run is there without --resume (each a one-line message naming the fix).
        BackendError: the embedder or the engine cannot be built.
    """
    out = Path(out)
    name = embedder_name(model)  # an unknown model shows before any work

    def results(done: int) -> tuple[Iterator[DocResult], int | None, tuple]:
        listed = find_inputs(inputs, config.read)
        items = read_listed(listed, config.read)
        total = document_count(listed)
        return _map(items, model, cache, config, options, done), None if total is None else total - done, listed.skipped

    run = {"inputs": [str(Path(i).resolve()) for i in inputs]}
    return journal_and_publish(out, run, results, config, export, name, options, version)


def journal_and_publish(
    out: Path,
    run: dict,
    results,
    config: BuildConfig,
    export: ExportConfig,
    name: str,
    options: RunOptions,
    version: str,
) -> Outcome:
    """The part of a build that any source of DocResults shares: lock and check `out`, start
    or resume the journal (`run` says what the inputs are), journal `results(done)` (a
    function of the number of documents already done, giving the results of the rest in
    order, how many there are when known, and the files skipped), then write the outputs
    from the journal and publish them."""
    work = WorkDir(out)
    lock = BuildLock(work)
    lock.acquire()
    started, done, journaled = False, 0, 0
    try:
        workdir.recover(work)
        workdir.check_output(out)
        run = run | {
            "signature": config.signature(),
            "embedder": name,
            "export": dataclasses.asdict(export) | {"formats": list(export.formats)},
        }
        done = workdir.start(work, run, options.resume)
        started = True
        todo, total, skipped = results(done)
        with open(work.journal, "a", encoding="utf-8") as journal:
            for result in track(todo, options.progress, "documents", total=total):
                workdir.append(journal, _entry(result))
                journaled += 1
        corpus = _corpus(work, config, skipped)
        failed = corpus.processed == 0 or (options.strict and corpus.bad > 0)
        work.staging.mkdir(parents=True, exist_ok=True)
        report = write_corpus(corpus, work.staging, config, name, version, export, complete=not failed)
        workdir.publish(work)
    except BaseException as e:
        kept = work.journal.exists() and work.journal.stat().st_size > 0
        if started and not options.resume and not kept:
            shutil.rmtree(work.root, ignore_errors=True)  # nothing done: leave nothing to resume
        if isinstance(e, KeyboardInterrupt):  # Ctrl-C, or SIGTERM under the CLI
            raise _interrupted(out, work, done + journaled if kept else 0) from None
        raise
    finally:
        lock.release()
    return Outcome(report, corpus.processed, corpus.bad, not failed)


def _interrupted(out: Path, work: WorkDir, documents: int) -> Interrupted:
    """The one-line error of a build stopped by the user with `documents` done and journaled."""
    if not documents:
        return Interrupted(f"{out}: stopped before any document was done; nothing was kept")
    return Interrupted(
        f"{out}: stopped with {documents} document{'s' if documents > 1 else ''} done, kept in {work.root}; "
        "run the same command with --resume to finish"
    )


def _map(items, model, cache, config: BuildConfig, options: RunOptions, done: int = 0) -> Iterator[DocResult]:
    """The engine's DocResults of `items` after the first `done` (a resumed run), in order."""
    threads = threads_per_worker(options.workers)
    spec = WorkerSpec(model, cache, config, threads if options.workers > 1 or options.engine == "ray" else None)
    if options.engine == "ray":
        from aligner.run.ray_engine import map_batches_ray, start_ray

        start_ray(options.ray_address, cpus=None if options.ray_address else options.workers)
        return map_batches_ray(items, process_batch, spec, options.workers, options.batch_docs, done)
    return map_batches(
        items,
        process_batch,
        spec,
        options.workers,
        options.batch_docs,
        texts=batch_texts,
        warm_up=_warm_up,
        prepare=prepare,
        done=done,
    )


def _warm_up() -> None:
    """Load the dictionary, the kanji reader and the plotting library (while the embedder loads)."""
    lexical.warm_up()
    plots.warm_up()


def _entry(result: DocResult) -> dict:
    """A DocResult as one journal line."""
    return {
        "report": dataclasses.asdict(result.report),
        "files": [dataclasses.asdict(f) for f in result.files],
        "whole": result.whole,
        "pairs": [pair_record(p) for p in result.pairs],
    }


def _result(entry: dict) -> DocResult:
    """The DocResult of a journal line."""
    return DocResult(
        tuple(pair_from_record(r) for r in entry["pairs"]),
        DocReport(**entry["report"]),
        tuple(FileDigest(**f) for f in entry["files"]),
        entry["whole"],
    )


def _corpus(work: WorkDir, config: BuildConfig, skipped) -> Corpus:
    """The corpus of the journal's documents, in order, duplicates rejected across it; its
    pairs are spooled to a file in the work folder and read back at each pass
    (`PairStream`), so memory does not grow with the corpus."""
    seen: dict[str, dict[bytes, str]] = {}
    reports, files, count = [], {}, 0
    spool = work.root / "pairs.spool.jsonl"
    with open(spool, "w", encoding="utf-8") as f:
        for entry in workdir.entries(work):
            result = deduplicate(_result(entry), seen, config)
            for pair in result.pairs:
                f.write(json.dumps(pair_record(pair), ensure_ascii=False) + "\n")
            count += len(result.pairs)
            reports.append(result.report)
            files.update((d.path, d) for d in result.files)
    return Corpus(PairStream(spool, count), tuple(reports), skipped, tuple(files.values()))  # type: ignore[arg-type]
