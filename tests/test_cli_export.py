"""`aligner build --format ...` and `aligner export` on the seeds: every format, byte for byte the
same in two builds, and an export of a build the same as the build."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aligner.cli import app
from aligner.errors import BackendError
from tests.conftest import SEEDS

runner = CliRunner()


@pytest.fixture
def model(monkeypatch, embedder):
    """`--model use` gets the session's USE model instead of loading a new one per command."""
    monkeypatch.setattr("aligner.embed.UseEmbedder", lambda threads=None: embedder)


def formats() -> str:
    """Every format this environment can write (hf needs the hf extra)."""
    try:
        import datasets  # noqa: F401
    except ImportError:
        return "tsv,moses,parquet,tmx"
    return "tsv,moses,parquet,tmx,hf"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_builds_are_byte_identical_and_export_agrees(tmp_path, model):
    runs = []
    for name in ("one", "two"):
        out = tmp_path / name
        result = runner.invoke(app, ["build", str(SEEDS), "-o", str(out), "--no-cache", "--format", formats()])
        assert result.exit_code == 0, result.output
        runs.append(snapshot(out))
    assert runs[0] == runs[1]
    files = runs[0]
    assert {"corpus.tsv", "corpus.ja", "corpus.en", "corpus.ids", "corpus.tmx", "README.md"} <= set(files)
    assert "parquet/corpus-00000-of-00001.parquet" in files
    manifest = json.loads(files["manifest.json"])
    assert {o["path"] for o in manifest["outputs"]} == set(files) - {"manifest.json"}
    pairs = [json.loads(line) for line in files["pairs.jsonl"].decode().splitlines()]
    assert [p["id"] for p in pairs] == files["corpus.ids"].decode().split()
    paragraphs = files["paragraphs.jsonl"].decode().splitlines()
    assert len(paragraphs) == 9 and all('"doc": "pscore_internet_nk.txt"' in line for line in paragraphs)

    exported = tmp_path / "exported"
    args = ["export", str(tmp_path / "one"), "-o", str(exported), "--format", "jsonl," + formats()]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert snapshot(exported) == files
    assert f"corpus.tmx {len(pairs)}" in result.output


def test_export_paragraphs_with_shards(tmp_path, model):
    build = tmp_path / "build"
    assert runner.invoke(app, ["build", str(SEEDS), "-o", str(build), "--no-cache"]).exit_code == 0
    out = tmp_path / "out"
    args = ["export", str(build), "-o", str(out), "--format", "parquet,moses", "--level", "paragraph"]
    result = runner.invoke(app, [*args, "--shard-rows", "4", "--no-kept-only"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    rows = {o["path"]: o["rows"] for o in manifest["outputs"]}
    # 9 kept paragraph pairs and 12 rejected ones
    assert [rows[f"parquet/corpus-{k:05d}-of-00006.parquet"] for k in range(6)] == [4, 4, 4, 4, 4, 1]
    assert rows["corpus.ja"] == 21 and "pairs.jsonl" not in rows


@pytest.mark.parametrize(
    "args, message",
    [
        (["--format", "tsv,csv"], "aligner: error: --format: unknown format 'csv'"),
        (["--level", "word"], "aligner: error: --level: 'word' is not one of sentence, paragraph"),
    ],
)
def test_bad_export_option_is_one_line(tmp_path, args, message):
    result = runner.invoke(app, ["build", str(SEEDS), "-o", str(tmp_path / "out"), "--no-cache", *args])
    assert result.exit_code == 2 and result.output.startswith(message)
    assert not (tmp_path / "out").exists()  # refused before anything was aligned


def test_hf_without_datasets_fails_before_aligning(tmp_path, monkeypatch):
    def missing():
        raise BackendError("the hf format needs the datasets package: pip install 'aligner[hf]'")

    monkeypatch.setattr("aligner.export.formats.require_datasets", missing)
    result = runner.invoke(app, ["build", str(SEEDS), "-o", str(tmp_path / "out"), "--no-cache", "--format", "hf"])
    assert result.exit_code == 2
    assert result.output == "aligner: error: the hf format needs the datasets package: pip install 'aligner[hf]'\n"
    assert not (tmp_path / "out").exists()


def test_export_of_a_missing_build_is_one_line(tmp_path):
    result = runner.invoke(app, ["export", str(tmp_path / "nope"), "-o", str(tmp_path / "out"), "--format", "tsv"])
    assert result.exit_code == 2
    assert "nope/paragraphs.jsonl: cannot read it" in result.output and "Traceback" not in result.output
