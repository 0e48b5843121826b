"""The corpus folder: paragraphs.jsonl, pairs.jsonl, rejected.jsonl, report.json, manifest.json."""

from __future__ import annotations

import dataclasses
import hashlib
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from aligner.config import BuildConfig
from aligner.export.files import write_json, write_jsonl
from aligner.records import Pair
from aligner.score import SCORER_FILE

if TYPE_CHECKING:
    import pandas as pd


def pair_record(pair: Pair) -> dict:
    """A pair as a flat JSON-ready dict: doc, level, ja, en, score, kept, reason, block
    indices, spans (sentence level) and features."""
    record = {
        "doc": pair.doc,
        "level": pair.level,
        "ja": pair.ja,
        "en": pair.en,
        "score": pair.score,
        "ja_blocks": list(pair.ja_blocks),
        "en_blocks": list(pair.en_blocks),
    }
    if pair.level == "sentence":
        record["ja_spans"] = [list(s) for s in pair.ja_spans]
        record["en_spans"] = [list(s) for s in pair.en_spans]
    record["features"] = dataclasses.asdict(pair.features) if pair.features else None
    record["kept"] = pair.kept
    record["reason"] = pair.reason
    return record


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


CORPUS_FILES = ("paragraphs.jsonl", "pairs.jsonl", "rejected.jsonl", "manifest.json")
"""The files of a complete corpus besides report.json."""


def write_corpus(
    corpus, outdir: Path, config: BuildConfig, embedder_name: str, version: str, complete: bool = True
) -> dict:
    """Write the corpus folder, each file atomically.

    Args:
        corpus: a `pipeline.Corpus`.
        outdir: created if missing.
        config: the run's settings, recorded in the manifest with its signature.
        embedder_name, version: recorded in the manifest.
        complete: False for a run that failed (no input read, or --strict and a bad one):
            only report.json is written, saying so, and CORPUS_FILES left from an earlier
            run are removed, so that nothing in the folder looks like a finished corpus.

    Returns:
        The report written to report.json.
    """
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    kept_para = [pair_record(p) for p in corpus.pairs if p.kept and p.level == "paragraph"]
    kept_sent = [pair_record(p) for p in corpus.pairs if p.kept and p.level == "sentence"]
    rejected = [pair_record(p) for p in corpus.pairs if not p.kept]
    if complete:
        write_jsonl(outdir / "paragraphs.jsonl", kept_para)
        write_jsonl(outdir / "pairs.jsonl", kept_sent)
        write_jsonl(outdir / "rejected.jsonl", rejected)
    else:
        for name in CORPUS_FILES:
            (outdir / name).unlink(missing_ok=True)
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
            "paragraph_pairs": len(kept_para),
            "sentence_pairs": len(kept_sent),
            "rejected": len(rejected),
        },
        "rejected_by_reason": dict(sorted(drops.items())),
        "sentence_score_quantiles": _quantiles(scores),
    }
    write_json(outdir / "report.json", report)
    if not complete:
        return report
    manifest = {
        "aligner_version": version,
        "embedder": embedder_name,
        "signature": config.signature(),
        "scorer_sha256": hashlib.sha256(Path(SCORER_FILE).read_bytes()).hexdigest(),
        "config": config.as_dict(),
        "inputs": [dataclasses.asdict(f) for f in corpus.files],
        "outputs": ["paragraphs.jsonl", "pairs.jsonl", "rejected.jsonl", "report.json"],
    }
    write_json(outdir / "manifest.json", manifest)
    return report


def _quantiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    qs = (0.05, 0.25, 0.5, 0.75, 0.95)
    return {f"p{int(q * 100)}": round(float(v), 4) for q, v in zip(qs, np.quantile(values, qs))}
