"""The corpus folder: paragraphs.jsonl, pairs.jsonl, rejected.jsonl, report.json, manifest.json."""

from __future__ import annotations

import dataclasses
import hashlib
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from aligner.config import BuildConfig
from aligner.export.card import quantiles
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


def _file_entry(source: str) -> dict:
    path = Path(source)
    try:
        data = path.read_bytes()
    except OSError:
        return {"path": source, "size": None, "sha256": None}
    return {"path": source, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def write_corpus(
    corpus, outdir: Path, config: BuildConfig, embedder_name: str, version: str, export: ExportConfig = ExportConfig()
) -> dict:
    """Write the corpus folder, each file atomically (see `formats.write_outputs`).

    Args:
        corpus: a `pipeline.Corpus`.
        outdir: created if missing.
        config: the run's settings, recorded in the manifest with its signature.
        embedder_name, version: recorded in the manifest.
        export: the formats to write besides the JSON Lines, which are always written.

    Returns:
        The report written to report.json.
    """
    kept_para = [p for p in corpus.pairs if p.kept and p.level == "paragraph"]
    kept_sent = [p for p in corpus.pairs if p.kept and p.level == "sentence"]
    rejected = [p for p in corpus.pairs if not p.kept]
    drops = Counter(f"{p.level}:{p.reason}" for p in corpus.pairs if not p.kept)
    scores = [p.score for p in corpus.pairs if p.kept and p.level == "sentence"]
    report = {
        "documents": [dataclasses.asdict(r) for r in corpus.reports],
        "totals": {
            "documents": len(corpus.reports),
            "unreadable": sum(bool(r.error) for r in corpus.reports),
            "paragraph_pairs": len(kept_para),
            "sentence_pairs": len(kept_sent),
            "rejected": len(rejected),
        },
        "rejected_by_reason": dict(sorted(drops.items())),
        "sentence_score_quantiles": quantiles(scores),
    }
    manifest = {
        "aligner_version": version,
        "embedder": embedder_name,
        "signature": config.signature(),
        "scorer_sha256": _file_entry(str(SCORER_FILE))["sha256"],
        "config": config.as_dict(),
        "inputs": [_file_entry(r.source) for r in corpus.reports],
    }
    if "jsonl" not in export.formats:
        export = dataclasses.replace(export, formats=("jsonl", *export.formats))
    write_outputs(outdir, corpus.pairs, report, manifest, export)
    return report
