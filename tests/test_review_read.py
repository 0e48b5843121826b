"""Reading a built corpus back for review: ids, thresholds, bad lines and missing files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aligner.errors import InputError
from aligner.review import pair_id, read_build
from tests.corpora import banded_build, sentence_pair, write_build


def test_every_pair_is_read_with_a_stable_unique_id(tmp_path: Path):
    build = read_build(banded_build(tmp_path / "c", {0.99: 4, 0.9: 2}))
    assert [p.level for p in build.pairs].count("paragraph") == 6
    assert sum(p.level == "sentence" and p.kept for p in build.pairs) == 6
    assert sorted(p.reason for p in build.pairs if not p.kept) == ["low_score", "low_score"]
    ids = [p.id for p in build.pairs]
    assert len(set(ids)) == len(ids) and all(len(i) == 16 for i in ids)
    assert [p.id for p in read_build(tmp_path / "c").pairs] == ids
    assert (build.min_score, build.min_alignment_score) == (0.85, 0.5)
    assert "filters.min_score=0.85" in build.signature


def test_pair_id_uses_the_records_own_id_when_it_has_one():
    record = {"doc": "a", "level": "sentence", "ja": "x", "en": "y", "ja_blocks": [0], "en_blocks": [1]}
    derived = pair_id(record)
    assert derived == pair_id(dict(record))
    assert derived != pair_id(record | {"en": "z"})  # the text is part of a pair's identity
    assert derived != pair_id(record | {"en_blocks": [2]})  # and so is where it comes from
    assert pair_id(record | {"id": "s-000042"}) == "s-000042"


def test_thresholds_come_from_the_manifest(tmp_path: Path):
    path = write_build(tmp_path / "c", [sentence_pair("d.txt", 0, 0.97)])
    manifest = json.loads((path / "manifest.json").read_text())
    manifest["config"]["filters"]["min_score"] = 0.9
    manifest["config"]["min_alignment_score"] = 0.6
    (path / "manifest.json").write_text(json.dumps(manifest))
    build = read_build(path)
    assert (build.min_score, build.min_alignment_score) == (0.9, 0.6)


def test_a_bad_line_is_skipped_with_its_file_and_line(tmp_path: Path, caplog):
    path = write_build(tmp_path / "c", [sentence_pair("d.txt", 0, 0.97), sentence_pair("d.txt", 1, 0.96)])
    lines = (path / "pairs.jsonl").read_text().splitlines()
    (path / "pairs.jsonl").write_text("\n".join([lines[0], "{broken", '{"ja": "no doc"}', lines[1]]) + "\n")
    build = read_build(path)
    assert len(build.pairs) == 2
    assert "pairs.jsonl:2: not a pair record" in caplog.text and "pairs.jsonl:3: not a pair record" in caplog.text


def test_not_a_build_folder_names_what_is_missing(tmp_path: Path):
    with pytest.raises(InputError, match="no such folder"):
        read_build(tmp_path / "nope")
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "pairs.jsonl").write_text("")
    with pytest.raises(InputError, match="paragraphs.jsonl, rejected.jsonl missing"):
        read_build(tmp_path / "half")
