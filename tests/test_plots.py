"""The corpus plots are PNG images a viewer can open."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PIL import Image

from aligner import plots
from aligner.export.jsonl import read_build
from aligner.filters import FilterConfig
from aligner.plots import PLOTS, PLOTS_DIR, thresholds, write_plots
from tests.corpora import banded_build, sentence_pair, write_build


def test_plots_open_as_images(tmp_path: Path):
    build = read_build(banded_build(tmp_path / "c", {0.995: 110, 0.9: 10, 0.86: 5}, docs=40))
    paths = write_plots(build.pairs, (0.85, 0.5), tmp_path / "c" / PLOTS_DIR)
    assert [p.name for p in paths] == list(PLOTS) and all(p.parent == tmp_path / "c" / "plots" for p in paths)
    for path in paths:
        with Image.open(path) as image:
            image.verify()  # a whole, readable PNG
        with Image.open(path) as image:
            assert image.format == "PNG" and image.width == 750 and 150 <= image.height <= 360
            low, high = image.convert("L").getextrema()
            assert high - low > 100  # something is drawn


def test_plots_of_a_corpus_with_nothing_rejected(tmp_path: Path):
    build = read_build(write_build(tmp_path / "c", [sentence_pair("a.txt", 0, 0.99)]))
    assert all(p.stat().st_size > 1000 for p in write_plots(build.pairs, (0.85, 0.5), tmp_path / "out"))


def test_thresholds_come_from_the_manifest(tmp_path: Path):
    path = write_build(tmp_path / "c", [sentence_pair("d.txt", 0, 0.97)])
    assert thresholds(read_build(path).manifest) == (FilterConfig().min_score, 0.5)  # the defaults, as built
    manifest = json.loads((path / "manifest.json").read_text())
    manifest["config"]["filters"]["min_score"] = 0.9
    manifest["config"]["min_alignment_score"] = 0.6
    assert thresholds(manifest) == (0.9, 0.6)
    assert thresholds({}) == (FilterConfig().min_score, 0.5)  # a manifest that does not say


def test_plots_of_an_empty_corpus(tmp_path: Path, recwarn):
    paths = write_plots([], (0.85, 0.5), tmp_path)
    assert len(paths) == 4 and all(p.stat().st_size > 1000 for p in paths)
    assert not [w for w in recwarn if "plots.py" in w.filename]


def test_what_the_plots_show_is_gathered_in_one_pass_in_bounded_memory(tmp_path: Path, monkeypatch):
    pairs = read_build(banded_build(tmp_path / "c", {0.995: 110, 0.9: 10, 0.86: 5}, docs=40)).pairs
    passes = []

    def once():
        passes.append(1)
        yield from pairs

    monkeypatch.setattr(plots, "_MAX_POINTS", 50)
    monkeypatch.setattr(plots, "_FLUSH", 7)  # the histogram counted in several flushes
    paths = write_plots(once(), (0.85, 0.5), tmp_path / "out")
    assert passes == [1] and len(paths) == len(PLOTS)
    seen = plots._gather(pairs)
    for level in ("sentence", "paragraph"):
        for kept in (True, False):
            scores = [p.score for p in pairs if p.level == level and p.kept == kept and p.features is not None]
            expected, _ = np.histogram(scores, bins=np.linspace(0, 1, 41))
            assert seen.counts.get((level, kept), np.zeros(40)).tolist() == expected.tolist()
    kept_points = [p for p in pairs if p.kept and p.ja and p.en]
    assert len(kept_points) > 50 and seen.total_points[True] == len(kept_points)
    assert len(seen.points[True]) == 50  # a sample beyond the bound
    assert seen.points[True] == plots._gather(pairs).points[True]  # the same sample each time
