"""The command line: thin wrappers that parse options, call one library function and print."""

from __future__ import annotations

import gc
import json
import logging
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
import typer.core

from aligner.config import BuildConfig
from aligner.errors import AlignerError, InputError, Interrupted
from aligner.filters import FilterConfig

# Typer prints a type tag (<path>, <float>, <list[Path]>) after every name in help; the
# metavars below say what each option takes, so the tags only add noise.
typer.core.TyperArgument.display_type_rich = lambda self, ctx: None  # type: ignore[method-assign]
typer.core.TyperOption.display_type_rich = lambda self, ctx: self.metavar or (self.name or "").upper()  # type: ignore[method-assign]  # noqa: E501

# Options shared by several commands, declared once and named like the settings they fill.
Model = Annotated[
    str, typer.Option("--model", metavar="NAME", help="Embedder: 'use' (multilingual USE v3) or 'st:NAME_OR_PATH'.")
]
Cache = Annotated[
    Path | None,
    typer.Option("--cache", metavar="FILE", help="Embedding cache file (default ~/.cache/aligner/embeddings.sqlite)."),
]
NoCache = Annotated[bool, typer.Option("--no-cache", help="Do not read or write the embedding cache.")]
MinScore = Annotated[
    float, typer.Option("--min-score", metavar="0-1", help="Reject pairs whose calibrated score is below this.")
]
MinAlignmentScore = Annotated[
    float,
    typer.Option(
        "--min-alignment-score",
        metavar="0-1",
        help="Keep a paragraph pair whose alignment score reaches this (0.5: the aligner's break-even).",
    ),
]
MinChars = Annotated[
    int, typer.Option("--min-chars", metavar="N", help="Fewest characters (no spaces) a side may have.")
]
MaxChars = Annotated[
    int,
    typer.Option(
        "--max-chars",
        metavar="N",
        help="Most characters (no spaces) a side, block or line may have; longer is too_long, never encoded.",
    ),
]
MaxLengthZ = Annotated[
    float, typer.Option("--max-length-z", metavar="Z", help="Largest |z| of the JA/EN length ratio.")
]
MinLang = Annotated[float, typer.Option("--min-lang", metavar="0-1", help="Least language confidence of each side.")]
MaxOverlap = Annotated[
    float, typer.Option("--max-overlap", metavar="0-1", help="Reject sides at least this alike as text.")
]
Dedup = Annotated[bool, typer.Option("--dedup/--no-dedup", help="Reject exact and near duplicates.")]
Strict = Annotated[
    bool,
    typer.Option("--strict", help="Exit 1, leaving no output that looks complete, when any input is bad."),
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress and no per-input lines on stderr.")]

Formats = Annotated[
    str,
    typer.Option(
        "--format",
        help="Formats, comma-separated: jsonl,tsv,moses,parquet,tmx,hf (hf needs aligner's extra 'hf').",
    ),
]
Level = Annotated[str, typer.Option("--level", help="Pairs the formats but jsonl hold: sentence or paragraph.")]
KeptOnly = Annotated[
    bool,
    typer.Option("--kept-only/--no-kept-only", help="Formats but jsonl hold kept pairs only (else rejected ones too)."),
]
ShardRows = Annotated[int | None, typer.Option("--shard-rows", help="Parquet files of at most this many rows.")]

_FILTERS = FilterConfig()  # the defaults the options show

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,  # plain help: rich cuts long defaults and help text to the terminal
    pretty_exceptions_enable=False,
    help="Build Japanese/English parallel corpora.\n\n"
    "Exit codes: 0 when at least one input was processed (bad inputs are counted on stderr and listed in the "
    "report); 2 when none could be, or the arguments are wrong; 1 with --strict when any input was bad; 130 "
    "when stopped by Ctrl-C (a build by SIGTERM too; its finished documents are kept for --resume).",
)

_state = {"debug": False}

EXIT_BAD_INPUT = 1
"""Exit code of a run with --strict that met a bad input."""
EXIT_FAILED = 2
"""Exit code of a run that processed no input, or was given wrong arguments."""
EXIT_INTERRUPTED = 130
"""Exit code of a build stopped by Ctrl-C or SIGTERM (128 + SIGINT, as a shell reports it)."""


def _version(value: bool) -> None:
    if value:
        from aligner import __version__

        typer.echo(f"aligner {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks instead of one-line errors."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Build Japanese/English parallel corpora (the app's help, with the exit codes, is on `app`)."""
    _state["debug"] = debug
    logging.basicConfig(level=logging.WARNING, format="aligner: %(message)s")


def command() -> None:
    """The `aligner` program (the installed script and `python -m aligner`): runs `app`, then
    freezes the objects left out of the garbage collector. The interpreter's teardown
    would otherwise search them all for cycles (the dictionary's and the aligner's caches):
    half a second at the end of every build, for memory that the exit frees anyway."""
    try:
        app()
    finally:
        gc.freeze()


def _fail(e: AlignerError) -> None:
    """One line on stderr and exit 2 (--debug: raise)."""
    if _state["debug"]:
        raise e
    typer.echo(f"aligner: error: {e}", err=True)
    raise typer.Exit(EXIT_FAILED)


def _write_error(output: Path, e: OSError) -> InputError:
    """An output that cannot be written, as a one-line error naming it."""
    return InputError(f"{output}: cannot write there: {e.strerror or e}; choose another output")


@contextmanager
def _reported(output: Path) -> Iterator[None]:
    """Around a command's work: an AlignerError, or an OSError writing `output`, becomes one
    line on stderr and exit 2 (`_fail`); Ctrl-C one line and exit 130 (a build's line says
    what it kept), where click would say "Aborted!" and exit 1, the code of --strict."""
    try:
        yield
    except (Interrupted, KeyboardInterrupt) as e:
        if _state["debug"]:
            raise
        typer.echo(f"aligner: interrupted{f': {e}' if isinstance(e, Interrupted) else ''}", err=True)
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except AlignerError as e:
        _fail(e)
    except OSError as e:
        _fail(_write_error(output, e))


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """Within: SIGTERM (a scheduler's time limit, `kill`) stops the work as Ctrl-C does, so
    that a build says what it kept instead of vanishing."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():  # only the main thread may set handlers
        yield
        return
    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _cache_option(no_cache: bool, cache: Path | None) -> Path | None:
    from aligner.embed import default_cache_path

    return None if no_cache else (cache or default_cache_path())


@app.command("build", short_help="Align bilingual documents into a corpus folder.")
def build_cli(
    inputs: list[Path] = typer.Argument(
        ..., metavar="INPUT", help="Files or folders (walked for .txt, .md, .html, .htm, .jsonl)."
    ),
    output: Path = typer.Option(..., "-o", "--output", metavar="DIR", help="Folder for the corpus files."),
    input_format: str = typer.Option(
        "auto", "--input-format", metavar="FORMAT", help="auto (by suffix), text, html or jsonl."
    ),
    paragraphs: str = typer.Option(
        "auto",
        "--paragraphs",
        metavar="MODE",
        help="Plain-text paragraphs: blank (between blank lines), lines (one a line), auto (lines when no blank line).",
    ),
    glob: list[str] = typer.Option(
        [], "--glob", metavar="PATTERN", help="Read only the files of a folder matching this (repeatable)."
    ),
    jsonl_fields: str = typer.Option(
        "id=id,text=text,ja=ja,en=en", "--jsonl-fields", metavar="ROLE=KEY,...", help="Keys of JSONL documents."
    ),
    model: Model = "use",
    min_score: MinScore = _FILTERS.min_score,
    min_alignment_score: MinAlignmentScore = BuildConfig().min_alignment_score,
    min_chars: MinChars = _FILTERS.min_chars,
    max_chars: MaxChars = _FILTERS.max_chars,
    max_length_z: MaxLengthZ = _FILTERS.max_length_z,
    min_lang: MinLang = _FILTERS.min_lang,
    max_overlap: MaxOverlap = _FILTERS.max_overlap,
    dedup: Dedup = _FILTERS.dedup,
    cache: Cache = None,
    no_cache: NoCache = False,
    formats: Formats = "jsonl",
    level: Level = "sentence",
    kept_only: KeptOnly = True,
    shard_rows: ShardRows = None,
    strict: Strict = False,
    quiet: Quiet = False,
    workers: int = typer.Option(
        1, "--workers", metavar="N", help="Processes (or with --engine ray, actors), each with its own embedder."
    ),
    resume: bool = typer.Option(
        False, "--resume", help="Finish an unfinished build into the same folder; the documents done are kept."
    ),
    engine: str = typer.Option("local", "--engine", metavar="ENGINE", help="local, or ray (aligner's extra 'ray')."),
    ray_address: str | None = typer.Option(
        None, "--ray-address", metavar="ADDRESS", help="Ray cluster to run on (default: a local one)."
    ),
) -> None:
    """Align the JA and EN paragraphs and sentences of bilingual documents into a corpus folder."""
    from aligner import __version__
    from aligner.export import ExportConfig, parse_formats
    from aligner.progress import progress_mode
    from aligner.read import ReadOptions, parse_jsonl_fields
    from aligner.run.build import RunOptions, run_build

    # quiet: the inputs skipped are in report.json and counted on the closing line
    logging.getLogger("aligner").setLevel(logging.ERROR if quiet else logging.NOTSET)
    with _reported(output), _terminate_as_interrupt():
        read = ReadOptions(input_format, paragraphs, tuple(glob), parse_jsonl_fields(jsonl_fields))
        filters = FilterConfig(min_score, min_chars, max_chars, max_length_z, min_lang, max_overlap, dedup)
        config = BuildConfig(model=model, filters=filters, min_alignment_score=min_alignment_score, read=read)
        export = ExportConfig(parse_formats(formats, always=("jsonl",)), level, kept_only, shard_rows)
        options = RunOptions(engine, workers, resume, ray_address, progress=progress_mode(quiet), strict=strict)
        outcome = run_build(inputs, output, config, export, model, _cache_option(no_cache, cache), options, __version__)
        report = outcome.report
    if not quiet:
        for doc in report["documents"]:
            line = f"{doc['doc']}: {doc['paragraph_pairs']} paragraph pairs, {doc['sentence_pairs']} sentence pairs"
            if doc["replaced_bytes"]:
                line += f", {doc['replaced_bytes']} stray bytes read as U+FFFD"
            typer.echo(line + (f" ({doc['error'] or doc['note']})" if doc["note"] or doc["error"] else ""), err=True)
    t = report["totals"]
    bad = f"; {t['bad']} bad inputs, listed in report.json" if t["bad"] else ""
    skipped = f"; {t['skipped']} files of other types skipped" if t["skipped"] else ""
    if outcome.processed == 0:
        why = "no input given" if not report["documents"] else "no input could be read"
        typer.echo(f"aligner: error: {why}{bad}{skipped}; see {output / 'report.json'}", err=True)
        raise typer.Exit(EXIT_FAILED)
    if strict and outcome.bad:
        typer.echo(f"aligner: --strict: {t['bad']} bad inputs; only {output / 'report.json'} was written", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    typer.echo(
        f"wrote {output}: {t['paragraph_pairs']} paragraph pairs, {t['sentence_pairs']} sentence pairs, "
        f"{t['rejected']} rejected, from {t['documents']} documents{bad}{skipped}",
        err=True,
    )


@app.command("export", short_help="Write an existing build in other formats.")
def export_cli(
    build_dir: Path = typer.Argument(..., help="A folder written by aligner build."),
    output: Path = typer.Option(..., "-o", "--output", help="Folder for the files (may be BUILD_DIR itself)."),
    formats: Formats = "jsonl",
    level: Level = "sentence",
    kept_only: KeptOnly = True,
    shard_rows: ShardRows = None,
) -> None:
    """Write an existing build in other formats, with a dataset card, without aligning again."""
    from aligner.export import ExportConfig, export_build, parse_formats

    with _reported(output):
        export = ExportConfig(parse_formats(formats), level, kept_only, shard_rows)
        manifest = export_build(build_dir, output, export)
    rows = ", ".join(f"{o['path']} {o['rows']}" for o in manifest["outputs"] if o["rows"] is not None)
    typer.echo(f"wrote {output}: {rows}", err=True)


@app.command("align", short_help="Align two documents that translate each other.")
def align_cli(
    ja_file: Path = typer.Argument(..., metavar="JA_FILE", help="Japanese side: one segment per line."),
    en_file: Path = typer.Argument(..., metavar="EN_FILE", help="English side: one segment per line."),
    output: Path | None = typer.Option(
        None, "-o", "--output", metavar="FILE", help="Write here instead of to standard output."
    ),
    split: bool = typer.Option(False, "--split", help="Inputs are raw text: split paragraphs into sentences first."),
    fmt: str = typer.Option(
        "beads",
        "--format",
        metavar="FORMAT",
        help="beads: Vecalign's [0]:[0]:0.1234 lines, every bead. jsonl: every bead with its text, cost and "
        "alignment_score (the bead's fit, not aligner score's calibrated score). tsv: ja<TAB>en<TAB>alignment_score, "
        "the pairs only (1-0 and 0-1 beads are left out).",
    ),
    max_chars: MaxChars = _FILTERS.max_chars,
    model: Model = "use",
    cache: Cache = None,
    no_cache: NoCache = False,
    quiet: Quiet = False,
) -> None:
    """Align two documents that translate each other into beads covering every segment once."""
    from aligner.bitext import align_texts
    from aligner.config import SENTENCE_COST
    from aligner.embed import BatchedEmbedder, get_embedder
    from aligner.export import FORMATS, atomic_write, format_aligned
    from aligner.filters import check_range
    from aligner.progress import progress_mode

    try:
        if fmt not in FORMATS:
            raise InputError(f"--format {fmt!r} is not one of {', '.join(FORMATS)}")
        check_range("max_chars", max_chars, 1, None)
        ja, en = _segments(ja_file, "ja", split), _segments(en_file, "en", split)
        embedder = get_embedder(model, cache=_cache_option(no_cache, cache))
        beads = align_texts(ja, en, BatchedEmbedder(embedder, progress_mode(quiet)), max_chars=max_chars)
    except AlignerError as e:
        _fail(e)
        return
    text = format_aligned(beads, ja, en, fmt, SENTENCE_COST, max_chars)
    if output is None:
        sys.stdout.write(text)
    else:
        with _reported(output):
            with atomic_write(output) as f:
                f.write(text)
        typer.echo(f"wrote {output}: {len(beads)} beads for {len(ja)} JA and {len(en)} EN segments", err=True)


def _segments(path: Path, lang: str, split: bool) -> list[str]:
    """The segments of one side: its lines, or with --split its sentences, paragraph by paragraph."""
    from aligner.read import read_lines, split_blocks
    from aligner.segment import split_sentences

    lines = read_lines(path)
    if not split:
        return lines
    text = "\n".join(lines)
    return [s.text for start, end in split_blocks(text) for s in split_sentences(text[start:end], lang)]


@app.command("eval", short_help="Precision/recall/F1 of beads against gold.")
def eval_cli(
    files: list[Path] = typer.Argument(
        ..., metavar="GOLD PRED", help="GOLD PRED [GOLD PRED ...]: bead files, in pairs."
    ),
    output: Path | None = typer.Option(None, "-o", "--output", metavar="FILE", help="Also write the JSON here."),
) -> None:
    """Strict and lax precision/recall/F1 of predicted beads against gold, as Vecalign's score.py."""
    import json

    from aligner.evaluate import score_beads
    from aligner.export.files import write_json

    try:
        if len(files) % 2:
            raise AlignerError(f"eval takes GOLD PRED pairs; got {len(files)} files (an odd number)")
        pairs = [(_beads(g), _beads(p)) for g, p in zip(files[::2], files[1::2])]
    except AlignerError as e:
        _fail(e)
        return
    result = {
        "total": score_beads(pairs),
        "files": [
            {"gold": str(g), "pred": str(p), **score_beads([pair])}
            for g, p, pair in zip(files[::2], files[1::2], pairs)
        ],
    }
    typer.echo(json.dumps(result, indent=2))
    if output is not None:
        with _reported(output):
            write_json(output, result)


def _beads(path: Path):
    """The beads of a file in Vecalign's format; a malformed line is an error naming it."""
    from aligner.align import parse_beads
    from aligner.read import read_lines

    try:
        return parse_beads("\n".join(read_lines(path)), str(path))
    except ValueError as e:
        raise InputError(str(e)) from e


class _Incomplete(Exception):
    """Raised inside an atomic write to leave its file unwritten."""


@app.command("score", short_help="Score and filter pairs made anywhere.")
def score_cli(
    input_file: str = typer.Argument(
        ..., metavar="INPUT", help="JSON Lines with 'ja' and 'en' (other fields kept), or TSV; '-' reads stdin."
    ),
    output: Path = typer.Option(
        ..., "-o", "--output", metavar="FILE", help="JSON Lines: every input line with its verdict."
    ),
    tsv: bool | None = typer.Option(
        None, "--tsv/--jsonl", help="Read the input as TSV (ja<TAB>en) or JSON Lines [default: told by content]."
    ),
    min_score: MinScore = _FILTERS.min_score,
    min_chars: MinChars = _FILTERS.min_chars,
    max_chars: MaxChars = _FILTERS.max_chars,
    max_length_z: MaxLengthZ = _FILTERS.max_length_z,
    min_lang: MinLang = _FILTERS.min_lang,
    max_overlap: MaxOverlap = _FILTERS.max_overlap,
    dedup: Dedup = _FILTERS.dedup,
    model: Model = "use",
    cache: Cache = None,
    no_cache: NoCache = False,
    strict: Strict = False,
    quiet: Quiet = False,
) -> None:
    """Score and filter pairs made anywhere: each line gets features, a calibrated score and a verdict."""
    from aligner.embed import get_embedder
    from aligner.export import atomic_write
    from aligner.progress import progress_mode, track
    from aligner.read.pairs import open_pairs, pair_rows
    from aligner.score import score_pairs

    counts: dict[str, int] = {}
    bad = scored = 0
    try:
        with _reported(output):
            config = FilterConfig(min_score, min_chars, max_chars, max_length_z, min_lang, max_overlap, dedup)
            embedder = get_embedder(model, cache=_cache_option(no_cache, cache))
            src = open_pairs(input_file, tsv)
            name = "standard input" if input_file == "-" else input_file
            kind = "TSV" if src.format == "tsv" else "JSON Lines"
            typer.echo(f"aligner: reading {name} as {kind} ({src.why})", err=True)
            seen: dict[bytes, str] = {}
            with atomic_write(output) as f:
                chunks = pair_rows(src)
                for chunk in track(chunks, progress_mode(quiet), "lines", unit="lines", size=len):
                    good = [k for k, row in enumerate(chunk) if row.error is None]
                    verdicts = score_pairs([(chunk[k].ja, chunk[k].en) for k in good], embedder, config, seen=seen)
                    by_row = dict(zip(good, verdicts))
                    scored += len(good)
                    bad += len(chunk) - len(good)
                    for k, row in enumerate(chunk):
                        record = _score_record(row, by_row.get(k), quiet)
                        counts[record["reason"] or "kept"] = counts.get(record["reason"] or "kept", 0) + 1
                        f.write(json.dumps(record, ensure_ascii=False) + "\n")
                if scored == 0 or (strict and bad):
                    raise _Incomplete
    except _Incomplete:
        output.unlink(missing_ok=True)  # an earlier run's file would look like this run's
        if scored == 0:
            typer.echo(
                f"aligner: error: no line of {input_file} could be scored ({bad} bad); {output} not written", err=True
            )
            raise typer.Exit(EXIT_FAILED) from None
        typer.echo(f"aligner: --strict: {bad} bad lines; {output} not written", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    if bad:
        typer.echo(
            f"aligner: {bad} bad lines (not JSON, a field missing or not UTF-8), passed through as not kept", err=True
        )
    summary = ", ".join(f"{reason} {n}" for reason, n in sorted(counts.items(), key=lambda x: -x[1]))
    typer.echo(f"wrote {output}: {sum(counts.values())} lines: {summary}", err=True)


def _score_record(row, verdict, quiet: bool = False) -> dict:
    """One output line: the input's fields (or its raw text) plus score, features, kept, reason;
    a line not scored is reported on stderr by number unless `quiet`."""
    from aligner.export.pairs import feature_dict

    if not quiet and row.error is None and verdict is not None and verdict.features is None:
        typer.echo(f"aligner: {row.source}:{row.line}: {verdict.reason}; passed through as not kept", err=True)
    if not quiet and row.error is not None:
        typer.echo(f"aligner: {row.source}:{row.line}: {row.error}; passed through as not kept", err=True)
    if row.error is not None:
        base = dict(row.fields) if row.fields is not None else {"line": row.line, "raw": row.raw}
        return base | {"score": 0.0, "features": None, "kept": False, "reason": row.reason}
    return dict(row.fields) | {
        "score": verdict.score,
        "features": feature_dict(verdict.features) if verdict.features else None,
        "kept": verdict.kept,
        "reason": verdict.reason,
    }


@app.command("review", short_help="Write a review page to read, filter and mark pairs.")
def review_cli(
    build_dir: Path = typer.Argument(..., help="A folder written by `aligner build`."),
    output: Path | None = typer.Option(None, "-o", "--output", help="The HTML file (default BUILD_DIR/review.html)."),
    sample: int | None = typer.Option(
        None, "--sample", help="Show a stratified random sample of this many kept pairs, for `aligner audit`."
    ),
    seed: int = typer.Option(0, "--seed", help="Random seed of the sample."),
) -> None:
    """Write one self-contained HTML page to read, filter and mark a corpus's pairs, and its plots."""
    from aligner.review import write_review

    with _reported(output or build_dir):
        if sample is not None and sample < 1:
            raise InputError(f"--sample {sample}: give the number of pairs to draw, 1 or more")
        page = write_review(build_dir, output, sample=sample, seed=seed)
    what = f"{page.pairs:,} pairs" if page.sampled is None else f"a sample of {page.sampled:,} kept pairs"
    context = f" (and {page.context:,} paragraph pairs as context)" if page.context else ""
    plots = page.plots[0].parent if page.plots else build_dir
    typer.echo(f"wrote {page.path}: {what}{context}; plots in {plots}", err=True)


@app.command("audit", short_help="Estimate the corpus's precision from marked pairs.")
def audit_cli(
    build_dir: Path = typer.Argument(..., help="The folder the review page was made from."),
    corrections: Path = typer.Argument(..., help="corrections.jsonl downloaded from the review page."),
    scoring_set: Path | None = typer.Option(
        None, "--scoring-set", help="Also write the marks as a scoring set (ja, en, label, kind), as dev/scoring."
    ),
) -> None:
    """Estimate the precision of the kept corpus from marks on a sample, with a 95% Wilson interval."""
    from aligner.audit import audit_corpus, format_audit, scoring_records
    from aligner.export.files import write_jsonl
    from aligner.export.jsonl import read_build
    from aligner.review import read_corrections

    with _reported(scoring_set or corrections):
        build = read_build(build_dir)
        marks = read_corrections(corrections)
        report = audit_corpus(build.pairs, marks)
        if scoring_set is not None:
            n = write_jsonl(scoring_set, scoring_records(build.pairs, marks))
            typer.echo(f"wrote {scoring_set}: {n:,} labelled pairs", err=True)
    typer.echo(format_audit(report), nl=False)
