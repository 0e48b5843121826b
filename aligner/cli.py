"""The command line: thin wrappers that parse options, call one library function and print."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import typer

from aligner.config import BuildConfig
from aligner.errors import AlignerError

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


def _cache_option(no_cache: bool, cache: Path | None) -> Path | None:
    from aligner.embed import default_cache_path

    return None if no_cache else (cache or default_cache_path())


@app.command("build")
def build_cli(
    inputs: list[Path] = typer.Argument(..., help="Files or folders (walked for *.txt)."),
    output: Path = typer.Option(..., "-o", "--output", help="Folder for the corpus files."),
    model: str = typer.Option("use", "--model", help="Embedder: 'use' or 'st:NAME_OR_PATH'."),
    min_score: float = typer.Option(0.5, "--min-score", help="Reject pairs scoring below this."),
    cache: Path | None = typer.Option(
        None, "--cache", help="Embedding cache file (default ~/.cache/aligner/embeddings.sqlite)."
    ),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not read or write the embedding cache."),
) -> None:
    """Align the JA and EN paragraphs and sentences of bilingual documents into a corpus folder."""
    from aligner import __version__
    from aligner.embed import get_embedder
    from aligner.export import write_corpus
    from aligner.pipeline import build

    config = BuildConfig(model=model, min_score=min_score)
    try:
        embedder = get_embedder(config.model, cache=_cache_option(no_cache, cache))
        corpus = build(inputs, config, embedder=embedder, progress=sys.stderr.isatty())
        report = write_corpus(corpus, output, config, embedder.name, __version__)
    except AlignerError as e:
        _fail(e)
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
