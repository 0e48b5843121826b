"""The corpus folder as a whole: every format, the manifest's list of files, a failing writer,
and a build read back and exported again."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import pytest

from aligner.errors import InputError
from aligner.export.formats import FORMATS, ExportConfig, export_build, parse_formats, write_outputs
from aligner.export.jsonl import read_build
from aligner.export.pairs import pair_id
from tests.export_cases import PAIRS

REPORT = {"documents": [], "totals": {"documents": 0}, "rejected_by_reason": {}}
MANIFEST = {"aligner_version": "1.0", "embedder": "fake-emb", "signature": "x=1", "config": {}, "inputs": []}
ALL = ExportConfig(formats=tuple(f for f in FORMATS if f != "hf"))


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below `folder`, hidden ones (temporary files) too, by relative path."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(
    "text, always, formats",
    [
        ("tmx,tsv", (), ("tsv", "tmx")),
        (" TSV , moses,,tsv", ("jsonl",), ("jsonl", "tsv", "moses")),
        ("", ("jsonl",), ("jsonl",)),
    ],
)
def test_parse_formats(text, always, formats):
    assert parse_formats(text, always) == formats


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"formats": ("csv",)}, "--format: unknown format 'csv'; use any of jsonl,tsv,moses,parquet,tmx,hf"),
        ({"level": "word"}, "--level: 'word' is not one of sentence, paragraph"),
        ({"shard_rows": 0}, "--shard-rows: 0 is not a positive number of rows"),
    ],
)
def test_export_config_names_the_bad_option(kwargs, message):
    with pytest.raises(InputError) as e:
        ExportConfig(**kwargs)
    assert str(e.value) == message


def test_manifest_lists_every_file_with_rows_and_sha256(tmp_path):
    manifest = write_outputs(tmp_path, PAIRS, REPORT, MANIFEST, ALL)
    on_disk = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert on_disk == manifest
    options = {"formats": list(ALL.formats), "level": "sentence", "kept_only": True, "shard_rows": None}
    assert manifest["export"] == options
    files = {o["path"]: o for o in manifest["outputs"]}
    # every file but the manifest itself, and nothing else
    assert set(files) == set(snapshot(tmp_path)) - {"manifest.json"}
    for path, entry in files.items():
        data = (tmp_path / path).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest() and entry["size"] == len(data)
    rows = {path: o["rows"] for path, o in files.items()}
    assert rows == {
        "paragraphs.jsonl": 1,
        "pairs.jsonl": 3,
        "rejected.jsonl": 2,
        "corpus.tsv": 3,
        "corpus.ja": 3,
        "corpus.en": 3,
        "corpus.ids": 3,
        "parquet/corpus-00000-of-00001.parquet": 3,
        "corpus.tmx": 3,
        "report.json": None,
        "plots/score_histogram.png": None,
        "plots/length_ratio.png": None,
        "plots/drops_by_reason.png": None,
        "plots/pairs_per_document.png": None,
        "README.md": None,
    }
    assert files["corpus.tmx"]["dropped_chars"] == 2
    assert all("dropped_chars" not in o for path, o in files.items() if path != "corpus.tmx")


def test_paragraph_level_with_rejected_pairs(tmp_path):
    write_outputs(tmp_path, PAIRS, REPORT, MANIFEST, ExportConfig(("tsv",), level="paragraph", kept_only=False))
    lines = (tmp_path / "corpus.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "id\tja\ten\tscore\tdoc\tkept\treason"
    assert [line.split("\t")[5:] for line in lines[1:]] == [["true", ""], ["false", "no_counterpart"]]
    assert not (tmp_path / "pairs.jsonl").exists()  # jsonl only when asked for


def test_a_failing_writer_leaves_each_file_old_or_new_whole(tmp_path, monkeypatch):
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    config = ExportConfig(formats=ALL.formats, shard_rows=1)
    write_outputs(out, PAIRS, REPORT, MANIFEST, config)
    old = snapshot(out)
    changed = [dataclasses.replace(p, en=p.en + " (2)") for p in PAIRS]
    write_outputs(fresh, changed, REPORT, MANIFEST, config)
    new = snapshot(fresh)

    # the Parquet writer fails after its first shard is complete
    import pyarrow.parquet as pq

    real = pq.write_table
    calls = []

    def fail_on_second_shard(table, where, **kwargs):
        calls.append(where)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(table, where, **kwargs)

    monkeypatch.setattr(pq, "write_table", fail_on_second_shard)
    with pytest.raises(OSError, match="disk full"):
        write_outputs(out, changed, REPORT, MANIFEST, config)
    after = snapshot(out)
    assert set(after) == set(old)  # no temporary file or folder left, no new name
    for path, data in after.items():
        assert data in (old[path], new[path]), path  # each file whole: the old one or the new one
    # the formats before Parquet are new, Parquet and those after it old, the manifest old
    assert after["corpus.tsv"] == new["corpus.tsv"] and after["corpus.en"] == new["corpus.en"]
    assert all(after[p] == old[p] for p in after if p.startswith("parquet/"))
    assert after["corpus.tmx"] == old["corpus.tmx"] and after["manifest.json"] == old["manifest.json"]
    # so the manifest tells which files the failed run replaced
    listed = {o["path"]: o["sha256"] for o in json.loads(after["manifest.json"])["outputs"]}
    assert listed["corpus.tsv"] != hashlib.sha256(after["corpus.tsv"]).hexdigest()


def test_a_failing_writer_in_a_new_folder_leaves_nothing_of_its_format(tmp_path, monkeypatch):
    calls = []
    real = pair_id

    def fail_midway(pair):
        calls.append(pair)
        if len(calls) == 2:
            raise RuntimeError("killed")
        return real(pair)

    monkeypatch.setattr("aligner.export.tmx.pair_id", fail_midway)
    with pytest.raises(RuntimeError, match="killed"):
        write_outputs(tmp_path, PAIRS, REPORT, MANIFEST, ExportConfig(("tsv", "tmx")))
    assert sorted(snapshot(tmp_path)) == ["corpus.tsv"]  # no corpus.tmx, half or whole; no manifest


def test_export_of_a_build_gives_the_same_files(tmp_path):
    build = tmp_path / "build"
    write_outputs(build, PAIRS, REPORT, MANIFEST, ExportConfig(("jsonl",)))
    assert read_build(build).pairs == tuple(p for p in PAIRS if p.kept and p.level == "paragraph") + tuple(
        p for p in PAIRS if p.kept and p.level == "sentence"
    ) + tuple(p for p in PAIRS if not p.kept)
    direct, exported = tmp_path / "direct", tmp_path / "exported"
    config = ExportConfig(ALL.formats, kept_only=False)
    write_outputs(direct, PAIRS, REPORT, MANIFEST, config)
    export_build(build, exported, config)
    assert snapshot(exported) == snapshot(direct)


def test_export_into_the_build_folder_keeps_its_jsonl(tmp_path):
    write_outputs(tmp_path, PAIRS, REPORT, MANIFEST, ExportConfig(("jsonl",)))
    before = snapshot(tmp_path)
    manifest = export_build(tmp_path, tmp_path, ExportConfig(("tsv",)))
    assert manifest["export"]["formats"] == ["jsonl", "tsv"]
    after = snapshot(tmp_path)
    assert all(after[n] == before[n] for n in ("paragraphs.jsonl", "pairs.jsonl", "rejected.jsonl"))
    assert {o["path"] for o in manifest["outputs"]} >= {"pairs.jsonl", "corpus.tsv"}


def test_export_of_a_folder_that_is_not_a_build(tmp_path):
    with pytest.raises(InputError, match=r"paragraphs.jsonl: cannot read it .*aligner build"):
        export_build(tmp_path, tmp_path / "out", ALL)
    (tmp_path / "paragraphs.jsonl").write_text('{"doc": "a"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"paragraphs.jsonl:1: not a pair record"):
        export_build(tmp_path, tmp_path / "out", ALL)
