"""Which formats an export writes and how: the options, one call per format, the card and the
manifest that lists every file with its rows and SHA-256. `aligner build` and `aligner export`
both end here."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from aligner.errors import InputError
from aligner.export.card import card_text, write_card
from aligner.export.files import write_json
from aligner.export.hf import require_datasets, write_hf
from aligner.export.jsonl import read_build, write_jsonl_files
from aligner.export.moses import write_moses
from aligner.export.pairs import LEVELS, select_pairs
from aligner.export.parquet import write_parquet
from aligner.export.tmx import write_tmx
from aligner.export.tsv import write_tsv
from aligner.plots import PLOTS_DIR, thresholds, write_plots
from aligner.records import Pair

FORMATS = ("jsonl", "tsv", "moses", "parquet", "tmx", "hf")


@dataclass(frozen=True, slots=True)
class ExportConfig:
    """What an export writes.

    formats: names from FORMATS, in that order. level: the pairs the formats other than
    jsonl hold ("sentence" or "paragraph"; jsonl always has both). kept_only: those formats
    hold kept pairs only (else rejected ones too, with their reason). shard_rows: Parquet
    files of at most this many rows (None: one file).
    """

    formats: tuple[str, ...] = ("jsonl",)
    level: str = "sentence"
    kept_only: bool = True
    shard_rows: int | None = None

    def __post_init__(self) -> None:
        unknown = [f for f in self.formats if f not in FORMATS]
        if unknown:
            raise InputError(f"--format: unknown format {unknown[0]!r}; use any of {','.join(FORMATS)}")
        if self.level not in LEVELS:
            raise InputError(f"--level: {self.level!r} is not one of {', '.join(LEVELS)}")
        if self.shard_rows is not None and self.shard_rows < 1:
            raise InputError(f"--shard-rows: {self.shard_rows} is not a positive number of rows")


def parse_formats(text: str, always: Sequence[str] = ()) -> tuple[str, ...]:
    """A comma-separated list of format names -> those names (and `always`) in FORMATS order.

    Raises:
        InputError: a name is not in FORMATS (raised by ExportConfig).
        BackendError: `hf` is asked for and `datasets` is not installed (so a build fails
            before it aligns anything).
    """
    names = {name.strip().lower() for name in text.split(",") if name.strip()} | set(always)
    formats = ExportConfig(tuple(f for f in FORMATS if f in names) + tuple(sorted(names - set(FORMATS)))).formats
    if "hf" in formats:
        require_datasets()
    return formats


def write_outputs(outdir: Path, pairs: Sequence[Pair], report: dict, manifest: dict, export: ExportConfig) -> dict:
    """Write the corpus folder: the formats of `export`, report.json, the plots (`plots/*.png`,
    of every pair), the card (README.md) and last manifest.json, each file atomically (a format
    of several files is replaced as a whole).

    Args:
        pairs: every pair of the corpus, kept and rejected, in corpus order.
        report: written as report.json and summarised in the card.
        manifest: the run's manifest without its outputs; `export` and `outputs` (each file
            with its rows, size and SHA-256) are added to it.

    Returns:
        The manifest written.
    """
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    chosen = select_pairs(pairs, export.level, export.kept_only)
    version = str(manifest.get("aligner_version", ""))
    files: list[tuple[str, int | None]] = []
    dropped: dict[str, int] = {}
    for fmt in export.formats:
        if fmt == "jsonl":
            files += write_jsonl_files(outdir, pairs)
        elif fmt == "tsv":
            files.append(("corpus.tsv", write_tsv(outdir / "corpus.tsv", chosen, verdicts=not export.kept_only)))
        elif fmt == "moses":
            files += [(name, len(chosen)) for name in write_moses(outdir, chosen)]
        elif fmt == "parquet":
            shards = write_parquet(outdir / "parquet", chosen, export.level, export.shard_rows)
            files += [(f"parquet/{name}", rows) for name, rows in shards]
        elif fmt == "tmx":
            units, dropped["corpus.tmx"] = write_tmx(outdir / "corpus.tmx", chosen, export.level, version)
            files.append(("corpus.tmx", units))
        elif fmt == "hf":
            files += [(f"hf/{n}", rows) for n, rows in write_hf(outdir / "hf", chosen, export.level)]
    write_json(outdir / "report.json", report)
    files.append(("report.json", None))
    plots = write_plots(pairs, thresholds(manifest), outdir / PLOTS_DIR)
    files += [(path.relative_to(outdir).as_posix(), None) for path in plots]
    options = dataclasses.asdict(export) | {"formats": list(export.formats)}
    write_card(outdir / "README.md", card_text(chosen, report, manifest, options, files))
    files.append(("README.md", None))
    outputs = []
    for path, rows in files:
        size, digest = _digest(outdir / path)
        entry = {"path": path, "rows": rows, "size": size, "sha256": digest}
        if path in dropped:
            entry["dropped_chars"] = dropped[path]
        outputs.append(entry)
    manifest = {k: v for k, v in manifest.items() if k not in ("export", "outputs")} | {
        "export": options,
        "outputs": outputs,
    }
    write_json(outdir / "manifest.json", manifest)
    return manifest


def export_build(build_dir: Path, outdir: Path, export: ExportConfig) -> dict:
    """Convert a folder written by `aligner build` into the formats of `export` without aligning
    again: its JSON Lines are read back and written by the same functions a build uses.
    Exporting into the build folder itself rewrites its JSON Lines too (with pair ids).

    Returns:
        The manifest written to `outdir`.

    Raises:
        InputError: `build_dir` is not a build folder (a file missing or not of this version).
    """
    build = read_build(build_dir)
    if Path(outdir).resolve() == Path(build_dir).resolve() and "jsonl" not in export.formats:
        export = dataclasses.replace(export, formats=("jsonl", *export.formats))
    return write_outputs(outdir, build.pairs, build.report, build.manifest, export)


def _digest(path: Path) -> tuple[int, str]:
    """(size in bytes, SHA-256 hex) of a file, read in chunks."""
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
    return size, h.hexdigest()
