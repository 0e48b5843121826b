"""The dataset card: README.md in the Hugging Face hub's layout (YAML header, then Markdown)
with counts, score and length-ratio distributions, drops, sources and the run's signature."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from aligner.cost import char_length
from aligner.export.files import atomic_write
from aligner.plots import PLOTS, PLOTS_DIR
from aligner.records import Pair

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
SCORE_BINS = tuple(k / 10 for k in range(11))
RATIO_BINS = (0.0, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, float("inf"))
MAX_SOURCES = 100  # rows of the sources table; the rest are counted

# How to open each format, one line each, from inside this folder.
LOADING = {
    "jsonl": 'pandas.read_json("pairs.jsonl", lines=True)  # every field; paragraphs.jsonl, rejected.jsonl alike',
    "tsv": 'pandas.read_csv("corpus.tsv", sep="\\t", quoting=csv.QUOTE_NONE, keep_default_na=False, dtype=str)'
    "  # then aligner.export.unescape_field on ja and en",
    "moses": "corpus.ja / corpus.en: Marian --train-sets corpus.ja corpus.en; fairseq-preprocess --trainpref corpus"
    " --source-lang ja --target-lang en (escaped as in corpus.tsv)",
    "parquet": 'pandas.read_parquet("parquet")',
    "tmx": "corpus.tmx: a translation memory for a CAT tool (OmegaT: copy it into the project's tm/ folder)",
    "hf": 'datasets.load_from_disk("hf")  # ds[0]["translation"] == {"ja": ..., "en": ...}',
}

# The hub's size categories: (upper bound of the row count, name).
SIZES = (
    (1_000, "n<1K"),
    (10_000, "1K<n<10K"),
    (100_000, "10K<n<100K"),
    (1_000_000, "100K<n<1M"),
    (10_000_000, "1M<n<10M"),
    (100_000_000, "10M<n<100M"),
    (1_000_000_000, "100M<n<1B"),
)


def quantiles(values: Sequence[float]) -> dict[str, float]:
    """The 5th, 25th, 50th, 75th and 95th percentiles as {"p5": ..., ...}, rounded to 4
    places; {} for no values."""
    if not len(values):
        return {}
    return {f"p{int(q * 100)}": round(float(v), 4) for q, v in zip(QUANTILES, np.quantile(values, QUANTILES))}


def size_category(rows: int) -> str:
    """The hub's size category of a dataset of `rows` rows (e.g. "1K<n<10K")."""
    return next((name for bound, name in SIZES if rows < bound), "n>1B")


def length_ratios(pairs: Sequence[Pair]) -> list[float]:
    """EN characters over JA characters (white space not counted) of each pair with two non-blank sides."""
    return [char_length(p.en) / char_length(p.ja) for p in pairs if char_length(p.ja) and char_length(p.en)]


def card_text(
    pairs: Sequence[Pair], report: dict, manifest: dict, export: dict, files: Sequence[tuple[str, int | None]]
) -> str:
    """The card's Markdown.

    Args:
        pairs: the pairs the formats other than JSON Lines hold (one level, kept or all).
        report: the build's report.json.
        manifest: the build's manifest.json (version, embedder, config, signature).
        export: the export options as written to the manifest (formats, level, kept_only, shard_rows).
        files: (path, rows) of every file written beside the card.
    """
    level, n = export["level"], len(pairs)
    header = {
        "language": ["ja", "en"],
        "license": "unknown",
        "multilinguality": ["translation"],
        "size_categories": [size_category(n)],
        "task_categories": ["translation"],
        "pretty_name": "Japanese-English parallel corpus",
    }
    if "parquet" in export["formats"]:
        header["configs"] = [{"config_name": "default", "data_files": "parquet/*.parquet"}]
    lines = ["---", *_yaml(header), "---", "", "# Japanese-English parallel corpus", ""]
    which = "kept" if export["kept_only"] else "kept and rejected"
    lines += [
        f"{n} {level} pairs ({which}) aligned from Japanese/English documents by aligner "
        f"{manifest.get('aligner_version', '?')}. Every pair has an `id` (the same in every file), "
        "a `score` in [0, 1] (the calibrated probability that the two sides translate each other) "
        "and the document it comes from.",
        "",
        "**Licence**: not set. The pairs are excerpts of the source documents, whose terms apply: "
        "fill in `license` above before sharing the corpus.",
        "",
        "## Files",
        "",
        *_table(("file", "rows"), [(path, "" if rows is None else rows) for path, rows in files]),
        "",
        "```",
        *(LOADING[f] for f in export["formats"] if f in LOADING),
        "```",
        "",
        "## Counts",
        "",
        *_table(("", "count"), list(report.get("totals", {}).items())),
        "",
        f"## Score ({level} pairs in this export)",
        "",
        *_distribution([p.score for p in pairs], SCORE_BINS, lambda a, b: f"{a:.1f}–{b:.1f}"),
        "",
        "## Length ratio (EN characters / JA characters, white space not counted)",
        "",
        *_distribution(length_ratios(pairs), RATIO_BINS, _ratio_label),
        "",
        "## Pairs not kept, by reason",
        "",
        *_table(("level:reason", "pairs"), list(report.get("rejected_by_reason", {}).items())),
        "",
        *_plots([path for path, _ in files]),
        "## Sources",
        "",
        *_sources(report.get("documents", [])),
        "",
        "## Reproducibility",
        "",
        *_table(
            ("setting", "value"),
            [
                ("aligner version", manifest.get("aligner_version", "")),
                ("embedder", manifest.get("embedder", "")),
                ("scorer SHA-256", manifest.get("scorer_sha256", "")),
                *_thresholds(manifest.get("config", {})),
                ("export", json.dumps(export, separators=(", ", ": "))),
            ],
        ),
        "",
        "Signature of every setting:",
        "",
        "```",
        manifest.get("signature", ""),
        "```",
        "",
    ]
    return "\n".join(lines)


def _plots(paths: Sequence[str]) -> list[str]:
    """A section showing the plots among the files written (`aligner.plots`), if any."""
    shown = [f"![{PLOTS[Path(p).name]}]({p})" for p in paths if p.startswith(PLOTS_DIR) and Path(p).name in PLOTS]
    lines = ["## Plots", ""] if shown else []
    for image in shown:
        lines += [image, ""]
    return lines


def write_card(path: Path, text: str) -> None:
    """Write the card atomically."""
    with atomic_write(path) as f:
        f.write(text)


def _yaml(header: dict) -> list[str]:
    """A small YAML mapping of strings and lists (of strings or flat dicts), strings JSON-quoted
    (valid YAML); the licence line carries a reminder to fill it in."""
    out = []
    for key, value in header.items():
        if isinstance(value, list):
            out.append(f"{key}:")
            for item in value:
                if isinstance(item, dict):
                    pairs = [f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in item.items()]
                    out += [f"- {pairs[0]}", *(f"  {p}" for p in pairs[1:])]
                else:
                    out.append(f"- {json.dumps(item, ensure_ascii=False)}")
        else:
            note = "  # fill in the licence of your corpus" if key == "license" else ""
            out.append(f"{key}: {json.dumps(value, ensure_ascii=False)}{note}")
    return out


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    """A Markdown table; `|` and line breaks inside cells are escaped."""

    def cell(x: object) -> str:
        return str(x).replace("|", "\\|").replace("\n", " ")

    return [
        "| " + " | ".join(header) + " |",
        "| " + " | ".join("---" for _ in header) + " |",
        *("| " + " | ".join(cell(x) for x in row) + " |" for row in rows),
    ]


def _distribution(values: Sequence[float], bins: Sequence[float], label) -> list[str]:
    """Quantiles, then a table of counts per bin ([a, b), the last bin closed)."""
    if not values:
        return ["No pairs."]
    q = quantiles(values)
    where = np.clip(np.searchsorted(bins, values, side="right") - 1, 0, len(bins) - 2)
    counts = np.bincount(where, minlength=len(bins) - 1)
    total = len(values)
    rows = [(label(a, b), int(c), f"{c / total:.1%}") for a, b, c in zip(bins[:-1], bins[1:], counts)]
    return [
        "Percentiles: " + ", ".join(f"{k} {v:g}" for k, v in q.items()) + f" (of {total}).",
        "",
        *_table(("range", "pairs", "share"), rows),
    ]


def _ratio_label(a: float, b: float) -> str:
    return f"≥ {a:g}" if b == float("inf") else f"{a:g}–{b:g}"


def _sources(documents: Sequence[dict]) -> list[str]:
    rows = [
        (
            d.get("doc", ""),
            d.get("encoding", ""),
            d.get("paragraph_pairs", 0),
            d.get("sentence_pairs", 0),
            d.get("rejected", 0),
            d.get("error") or d.get("note") or "",
        )
        for d in documents[:MAX_SOURCES]
    ]
    table = _table(("document", "encoding", "paragraph pairs", "sentence pairs", "rejected", "note"), rows)
    more = len(documents) - MAX_SOURCES
    return table + (["", f"and {more} more documents (see report.json)."] if more > 0 else [])


def _thresholds(config: dict) -> list[tuple[str, str]]:
    """Every filter threshold and the paragraph pairs' alignment threshold, from the manifest's config."""
    rows = [(f"filters.{k}", json.dumps(v)) for k, v in config.get("filters", {}).items()]
    if "min_alignment_score" in config:
        rows.append(("min_alignment_score", json.dumps(config["min_alignment_score"])))
    return rows
