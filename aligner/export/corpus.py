"""The corpus folder: paragraphs.jsonl, pairs.jsonl, rejected.jsonl, report.json, manifest.json."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from aligner.config import BuildConfig
from aligner.export.card import quantiles
from aligner.export.files import write_json
from aligner.export.formats import ExportConfig, write_outputs
from aligner.export.pairs import pair_record
from aligner.records import Pair
from aligner.score import SCORER_FILE

if TYPE_CHECKING:
    import pandas as pd


def pairs_frame(pairs: Sequence[Pair]) -> pd.DataFrame:
    """Pairs -> a DataFrame with one row a pair and the columns of `pair_record`
    (features spread into `feat_*` columns)."""
    import pandas as pd

    rows = []
    for p in pairs:
        r = pair_record(p)
        for k, v in (r.pop("features") or {}).items():
            r[f"feat_{k}"] = v
        rows.append(r)
    return pd.DataFrame(rows)


CORPUS_FILES = ("paragraphs.jsonl", "pairs.jsonl", "rejected.jsonl", "README.md", "manifest.json")
"""The files of a complete corpus besides report.json."""


def write_corpus(
    corpus,
    outdir: Path,
    config: BuildConfig,
    embedder_name: str,
    version: str,
    export: ExportConfig = ExportConfig(),
    complete: bool = True,
) -> dict:
    """Write the corpus folder, each file atomically (see `formats.write_outputs`).

    Args:
        corpus: a `pipeline.Corpus`.
        outdir: created if missing.
        config: the run's settings, recorded in the manifest with its signature.
        embedder_name, version: recorded in the manifest.
        export: the formats to write besides the JSON Lines, which are always written.
        complete: False for a run that failed (no input read, or --strict and a bad one):
            only report.json is written, saying so, and CORPUS_FILES left from an earlier
            run are removed, so that nothing in the folder looks like a finished corpus.

    Returns:
        The report written to report.json.
    """
    outdir = Path(outdir)
    kept = Counter(p.level for p in corpus.pairs if p.kept)
    drops = Counter(f"{p.level}:{p.reason}" for p in corpus.pairs if not p.kept)
    scores = [p.score for p in corpus.pairs if p.kept and p.level == "sentence"]
    report = {
        "complete": complete,
        "documents": [dataclasses.asdict(r) for r in corpus.reports],
        "skipped": [dataclasses.asdict(s) for s in corpus.skipped],
        "totals": {
            "documents": len(corpus.reports),
            "unreadable": sum(bool(r.error) for r in corpus.reports),
            "bad": corpus.bad,
            "skipped": len(corpus.skipped),
            "paragraph_pairs": kept["paragraph"],
            "sentence_pairs": kept["sentence"],
            "rejected": sum(drops.values()),
        },
        "rejected_by_reason": dict(sorted(drops.items())),
        "sentence_score_quantiles": quantiles(scores),
    }
    if not complete:
        outdir.mkdir(parents=True, exist_ok=True)
        for name in CORPUS_FILES:
            (outdir / name).unlink(missing_ok=True)
        shutil.rmtree(outdir / "plots", ignore_errors=True)
        write_json(outdir / "report.json", report)
        return report
    manifest = {
        "aligner_version": version,
        "embedder": embedder_name,
        "signature": config.signature(),
        "scorer_sha256": hashlib.sha256(Path(SCORER_FILE).read_bytes()).hexdigest(),
        "config": config.as_dict(),
        "inputs": [dataclasses.asdict(f) for f in corpus.files],
    }
    if "jsonl" not in export.formats:
        export = dataclasses.replace(export, formats=("jsonl", *export.formats))
    write_outputs(outdir, corpus.pairs, report, manifest, export)
    return report
