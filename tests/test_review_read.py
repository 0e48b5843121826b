"""What a review reads besides the pairs: the thresholds of a build's manifest."""

from __future__ import annotations

import json
from pathlib import Path

from aligner.export.jsonl import read_build
from aligner.review import thresholds
from tests.corpora import sentence_pair, write_build


def test_thresholds_come_from_the_manifest(tmp_path: Path):
    path = write_build(tmp_path / "c", [sentence_pair("d.txt", 0, 0.97)])
    assert thresholds(read_build(path).manifest) == (0.85, 0.5)  # the defaults, as built
    manifest = json.loads((path / "manifest.json").read_text())
    manifest["config"]["filters"]["min_score"] = 0.9
    manifest["config"]["min_alignment_score"] = 0.6
    assert thresholds(manifest) == (0.9, 0.6)
    assert thresholds({}) == (0.85, 0.5)  # a manifest that does not say
