"""The dataset card: hub YAML header, counts, distributions, drops, sources, signature."""

from __future__ import annotations

import pytest

from aligner.export.card import card_text, length_ratios, quantiles, size_category
from tests.export_cases import PAIRS, SENTENCES

REPORT = {
    "documents": [
        {"doc": "docs/a|b.txt", "encoding": "utf-8", "paragraph_pairs": 1, "sentence_pairs": 2, "rejected": 1},
        {"doc": "gone.txt", "encoding": "", "paragraph_pairs": 0, "sentence_pairs": 0, "rejected": 0,
         "note": "the file could not be read", "error": "not found"},
    ],
    "totals": {"documents": 2, "unreadable": 1, "paragraph_pairs": 1, "sentence_pairs": 3, "rejected": 2},
    "rejected_by_reason": {"paragraph:no_counterpart": 1, "sentence:low_score": 1},
}  # fmt: skip
MANIFEST = {
    "aligner_version": "9.9.9",
    "embedder": "fake-emb",
    "signature": 'model="use"|filters.min_score=0.85',
    "scorer_sha256": "ab" * 32,
    "config": {"filters": {"min_score": 0.85, "dedup": True}, "min_alignment_score": 0.5},
}
EXPORT = {"formats": ["jsonl", "parquet"], "level": "sentence", "kept_only": True, "shard_rows": None}


@pytest.mark.parametrize(
    "rows, name",
    [(0, "n<1K"), (999, "n<1K"), (1000, "1K<n<10K"), (99_999, "10K<n<100K"), (2_000_000, "1M<n<10M"), (10**10, "n>1B")],
)
def test_size_category(rows, name):
    assert size_category(rows) == name


def test_quantiles():
    assert quantiles([]) == {}
    assert quantiles([0.0, 1.0]) == {"p5": 0.05, "p25": 0.25, "p50": 0.5, "p75": 0.75, "p95": 0.95}


def test_length_ratios_skip_blank_sides():
    # "It is a cat." has 9 characters without spaces, "猫です。" 4; the empty EN side is skipped
    assert length_ratios([PAIRS[1], PAIRS[4]]) == [9 / 4]


def card(pairs=SENTENCES, export=EXPORT):
    files = [("pairs.jsonl", 3), ("parquet/x.parquet", 3), ("report.json", None)]
    return card_text(pairs, REPORT, MANIFEST, export, files)


def test_card_header_is_hub_yaml():
    yaml = pytest.importorskip("yaml", reason="PyYAML comes with the hf extra")
    text = card()
    assert text.startswith("---\n")
    header = yaml.safe_load(text.split("---\n")[1])
    assert header["language"] == ["ja", "en"]
    assert header["license"] == "unknown"  # for the user to fill in
    assert header["task_categories"] == ["translation"]
    assert header["size_categories"] == ["n<1K"]
    assert header["configs"] == [{"config_name": "default", "data_files": "parquet/*.parquet"}]


def test_card_body():
    text = card()
    assert "3 sentence pairs (kept)" in text and "aligner 9.9.9" in text
    assert "| sentence_pairs | 3 |" in text and "| unreadable | 1 |" in text
    assert "| paragraph:no_counterpart | 1 |" in text and "| sentence:low_score | 1 |" in text
    assert "| docs/a\\|b.txt | utf-8 | 1 | 2 | 1 |  |" in text  # a | in a name does not split the cell
    assert "| gone.txt |  | 0 | 0 | 0 | not found |" in text
    assert "| 0.8–0.9 | 1 | 33.3% |" in text and "| 0.9–1.0 | 2 | 66.7% |" in text  # 0.875, then 0.91 and 1.0
    assert "| embedder | fake-emb |" in text and "| filters.min_score | 0.85 |" in text
    assert "| min_alignment_score | 0.5 |" in text
    assert 'model="use"|filters.min_score=0.85' in text
    assert "| parquet/x.parquet | 3 |" in text
    assert 'pandas.read_parquet("parquet")' in text and "corpus.tmx" not in text  # loading the formats written


def test_card_without_pairs_or_parquet():
    text = card([], EXPORT | {"formats": ["jsonl"], "kept_only": False})
    assert "configs" not in text.split("---\n")[1]
    assert "0 sentence pairs (kept and rejected)" in text and "No pairs." in text


def test_card_shows_the_plots_written_beside_it():
    files = [("pairs.jsonl", 3), ("plots/score_histogram.png", None), ("plots/length_ratio.png", None)]
    text = card_text(SENTENCES, REPORT, MANIFEST, EXPORT, files)
    section = text.split("## Plots\n", 1)[1].split("\n## ", 1)[0]
    assert [line for line in section.splitlines() if line] == [
        "![Scores of kept and rejected pairs, threshold marked](plots/score_histogram.png)",
        "![Log length ratio (EN/JA characters) against score](plots/length_ratio.png)",
    ]
    assert "## Plots" not in card()  # no plot written, no section
