"""The command line: thin wrappers that parse options, call one library function and print."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer

from aligner.config import BuildConfig
from aligner.errors import AlignerError, InputError
from aligner.filters import FilterConfig

# Options shared by several commands, declared once and named like the settings they fill.
Model = Annotated[str, typer.Option("--model", help="Embedder: 'use' (multilingual USE v3) or 'st:NAME_OR_PATH'.")]
Cache = Annotated[
    Path | None, typer.Option("--cache", help="Embedding cache file (default ~/.cache/aligner/embeddings.sqlite).")
]
NoCache = Annotated[bool, typer.Option("--no-cache", help="Do not read or write the embedding cache.")]
MinScore = Annotated[float, typer.Option("--min-score", help="Reject pairs whose calibrated score is below this.")]
MinAlignmentScore = Annotated[
    float,
    typer.Option(
        "--min-alignment-score",
        help="Keep a paragraph pair whose alignment score reaches this (0.5: the aligner's break-even).",
    ),
]
MinChars = Annotated[int, typer.Option("--min-chars", help="Fewest characters (no spaces) a side may have.")]
MaxChars = Annotated[int, typer.Option("--max-chars", help="Most characters (no spaces) a side may have.")]
MaxLengthZ = Annotated[float, typer.Option("--max-length-z", help="Largest |z| of the JA/EN length ratio.")]
MinLang = Annotated[float, typer.Option("--min-lang", help="Least language confidence of each side.")]
MaxOverlap = Annotated[float, typer.Option("--max-overlap", help="Reject sides at least this alike as text.")]
Dedup = Annotated[bool, typer.Option("--dedup/--no-dedup", help="Reject exact and near duplicates.")]

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

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Build Japanese/English parallel corpora.")

_state = {"debug": False}


@app.callback()
def main(debug: bool = typer.Option(False, "--debug", help="Show tracebacks instead of one-line errors.")) -> None:
    """Build Japanese/English parallel corpora."""
    _state["debug"] = debug
    logging.basicConfig(level=logging.WARNING, format="aligner: %(message)s")


def _fail(e: AlignerError) -> None:
    if _state["debug"]:
        raise e
    typer.echo(f"aligner: error: {e}", err=True)
    raise typer.Exit(1)


def _write_error(output: Path, e: OSError) -> InputError:
    """An output that cannot be written, as a one-line error naming it."""
    return InputError(f"{output}: cannot write there: {e.strerror or e}; choose another output")


def _cache_option(no_cache: bool, cache: Path | None) -> Path | None:
    from aligner.embed import default_cache_path

    return None if no_cache else (cache or default_cache_path())


@app.command("build")
def build_cli(
    inputs: list[Path] = typer.Argument(..., help="Files or folders (walked for *.txt)."),
    output: Path = typer.Option(..., "-o", "--output", help="Folder for the corpus files."),
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
) -> None:
    """Align the JA and EN paragraphs and sentences of bilingual documents into a corpus folder."""
    from aligner import __version__
    from aligner.embed import get_embedder
    from aligner.export import ExportConfig, parse_formats, write_corpus
    from aligner.pipeline import build

    filters = FilterConfig(min_score, min_chars, max_chars, max_length_z, min_lang, max_overlap, dedup)
    config = BuildConfig(model=model, filters=filters, min_alignment_score=min_alignment_score)
    try:
        export = ExportConfig(parse_formats(formats, always=("jsonl",)), level, kept_only, shard_rows)
        embedder = get_embedder(config.model, cache=_cache_option(no_cache, cache))
        corpus = build(inputs, config, embedder=embedder, progress=sys.stderr.isatty())
        report = write_corpus(corpus, output, config, embedder.name, __version__, export)
    except AlignerError as e:
        _fail(e)
        return
    except OSError as e:
        _fail(_write_error(output, e))
        return
    for doc in report["documents"]:
        line = f"{doc['doc']}: {doc['paragraph_pairs']} paragraph pairs, {doc['sentence_pairs']} sentence pairs"
        typer.echo(line + (f" ({doc['error'] or doc['note']})" if doc["note"] or doc["error"] else ""), err=True)
    t = report["totals"]
    typer.echo(
        f"wrote {output}: {t['paragraph_pairs']} paragraph pairs, {t['sentence_pairs']} sentence pairs, "
        f"{t['rejected']} rejected, from {t['documents']} documents",
        err=True,
    )


@app.command("export")
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

    try:
        export = ExportConfig(parse_formats(formats), level, kept_only, shard_rows)
        manifest = export_build(build_dir, output, export)
    except AlignerError as e:
        _fail(e)
        return
    except OSError as e:
        _fail(_write_error(output, e))
        return
    rows = ", ".join(f"{o['path']} {o['rows']}" for o in manifest["outputs"] if o["rows"] is not None)
    typer.echo(f"wrote {output}: {rows}", err=True)


@app.command("align")
def align_cli(
    ja_file: Path = typer.Argument(..., help="Japanese side: one segment per line."),
    en_file: Path = typer.Argument(..., help="English side: one segment per line."),
    output: Path | None = typer.Option(None, "-o", "--output", help="Write here instead of to standard output."),
    split: bool = typer.Option(False, "--split", help="Inputs are raw text: split paragraphs into sentences first."),
    fmt: str = typer.Option(
        "beads",
        "--format",
        help="beads: Vecalign's [0]:[0]:0.1234 lines, every bead. jsonl: every bead with its text, cost and "
        "alignment_score (the bead's fit, not aligner score's calibrated score). tsv: ja<TAB>en<TAB>alignment_score, "
        "the pairs only (1-0 and 0-1 beads are left out).",
    ),
    model: str = typer.Option("use", "--model", help="Embedder: 'use' or 'st:NAME_OR_PATH'."),
    cache: Path | None = typer.Option(
        None, "--cache", help="Embedding cache file (default ~/.cache/aligner/embeddings.sqlite)."
    ),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not read or write the embedding cache."),
) -> None:
    """Align two documents that translate each other into beads covering every segment once."""
    from aligner.bitext import align_texts
    from aligner.config import SENTENCE_COST
    from aligner.embed import get_embedder
    from aligner.export import FORMATS, atomic_write, format_aligned

    try:
        if fmt not in FORMATS:
            raise AlignerError(f"--format {fmt!r} is not one of {', '.join(FORMATS)}")
        ja, en = _segments(ja_file, "ja", split), _segments(en_file, "en", split)
        embedder = get_embedder(model, cache=_cache_option(no_cache, cache))
        beads = align_texts(ja, en, embedder)
    except AlignerError as e:
        _fail(e)
        return
    text = format_aligned(beads, ja, en, fmt, SENTENCE_COST)
    if output is None:
        sys.stdout.write(text)
    else:
        try:
            with atomic_write(output) as f:
                f.write(text)
        except OSError as e:
            _fail(_write_error(output, e))
            return
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


@app.command("eval")
def eval_cli(
    files: list[Path] = typer.Argument(..., help="GOLD PRED [GOLD PRED ...]: bead files, in pairs."),
    output: Path | None = typer.Option(None, "-o", "--output", help="Also write the JSON here."),
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
        try:
            write_json(output, result)
        except OSError as e:
            _fail(_write_error(output, e))


def _beads(path: Path):
    """The beads of a file in Vecalign's format; a malformed line is an error naming it."""
    from aligner.align import parse_beads
    from aligner.read import read_lines

    try:
        return parse_beads("\n".join(read_lines(path)), str(path))
    except ValueError as e:
        raise InputError(str(e)) from e


@app.command("score")
def score_cli(
    input_file: Path = typer.Argument(..., help="JSON Lines with 'ja' and 'en' (other fields kept), or TSV."),
    output: Path = typer.Option(..., "-o", "--output", help="JSON Lines: every input line with its verdict."),
    tsv: bool = typer.Option(False, "--tsv", help="Input is TSV: ja<TAB>en per line."),
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
) -> None:
    """Score and filter pairs made anywhere: each line gets features, a calibrated score and a verdict."""
    from aligner.embed import get_embedder
    from aligner.export import atomic_write
    from aligner.read import read_pairs
    from aligner.score import score_pairs

    config = FilterConfig(min_score, min_chars, max_chars, max_length_z, min_lang, max_overlap, dedup)
    try:
        embedder = get_embedder(model, cache=_cache_option(no_cache, cache))
        counts: dict[str, int] = {}
        seen: set = set()
        with atomic_write(output) as f:
            for chunk in read_pairs(input_file, tsv=tsv):
                good = [k for k, row in enumerate(chunk) if row.error is None]
                verdicts = score_pairs([(chunk[k].ja, chunk[k].en) for k in good], embedder, config, seen=seen)
                by_row = dict(zip(good, verdicts))
                for k, row in enumerate(chunk):
                    record = _score_record(row, by_row.get(k))
                    counts[record["reason"] or "kept"] = counts.get(record["reason"] or "kept", 0) + 1
                    f.write(json.dumps(record, ensure_ascii=False) + "\n")
    except AlignerError as e:
        _fail(e)
        return
    except OSError as e:
        _fail(_write_error(output, e))
        return
    summary = ", ".join(f"{reason} {n}" for reason, n in sorted(counts.items(), key=lambda x: -x[1]))
    typer.echo(f"wrote {output}: {sum(counts.values())} lines: {summary}", err=True)


def _score_record(row, verdict) -> dict:
    """One output line: the input's fields (or its raw text) plus score, features, kept, reason."""
    import dataclasses

    if row.error is None and verdict is not None and verdict.features is None:
        typer.echo(f"aligner: {row.source}:{row.line}: {verdict.reason}; passed through as not kept", err=True)
    if row.error is not None:
        typer.echo(f"aligner: {row.source}:{row.line}: {row.error}; passed through as not kept", err=True)
        base = dict(row.fields) if row.fields is not None else {"line": row.line, "raw": row.raw}
        return base | {"score": 0.0, "features": None, "kept": False, "reason": row.reason}
    return dict(row.fields) | {
        "score": verdict.score,
        "features": dataclasses.asdict(verdict.features) if verdict.features else None,
        "kept": verdict.kept,
        "reason": verdict.reason,
    }


@app.command("review")
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

    try:
        if sample is not None and sample < 1:
            raise InputError(f"--sample {sample}: give the number of pairs to draw, 1 or more")
        page = write_review(build_dir, output, sample=sample, seed=seed)
    except AlignerError as e:
        _fail(e)
        return
    except OSError as e:
        _fail(_write_error(output or build_dir, e))
        return
    what = f"{page.pairs:,} pairs" if page.sampled is None else f"a sample of {page.sampled:,} kept pairs"
    context = f" (and {page.context:,} paragraph pairs as context)" if page.context else ""
    plots = page.plots[0].parent if page.plots else build_dir
    typer.echo(f"wrote {page.path}: {what}{context}; plots in {plots}", err=True)


@app.command("audit")
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

    try:
        build = read_build(build_dir)
        marks = read_corrections(corrections)
        report = audit_corpus(build.pairs, marks)
        if scoring_set is not None:
            n = write_jsonl(scoring_set, scoring_records(build.pairs, marks))
            typer.echo(f"wrote {scoring_set}: {n:,} labelled pairs", err=True)
    except AlignerError as e:
        _fail(e)
        return
    except OSError as e:
        _fail(_write_error(scoring_set or corrections, e))
        return
    typer.echo(format_audit(report), nl=False)
