"""The command line: `aligner build` writes the corpus folder; errors are one line and exit 2."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aligner import cli
from aligner.cli import app
from tests.conftest import SEEDS

runner = CliRunner()


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_build_on_the_seeds_writes_every_file(tmp_path: Path):
    out = tmp_path / "corpus"
    result = runner.invoke(app, ["build", str(SEEDS), "-o", str(out), "--cache", str(tmp_path / "emb.sqlite")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "README.md",
        "manifest.json",
        "pairs.jsonl",
        "paragraphs.jsonl",
        "plots",
        "rejected.jsonl",
        "report.json",
    ]
    paragraphs = _jsonl(out / "paragraphs.jsonl")
    assert paragraphs and all(r["doc"] == "pscore_internet_nk.txt" for r in paragraphs)
    assert {"doc", "ja_blocks", "en_blocks", "ja", "en", "score"} <= set(paragraphs[0])
    pairs = _jsonl(out / "pairs.jsonl")
    assert pairs and {"doc", "ja", "en", "score", "ja_blocks", "en_blocks", "ja_spans", "en_spans"} <= set(pairs[0])
    assert all(r["reason"] for r in _jsonl(out / "rejected.jsonl"))
    report = json.loads((out / "report.json").read_text())
    rfa = next(d for d in report["documents"] if d["doc"] == "rfa_unregistered_laptops.txt")
    assert rfa["paragraph_pairs"] == 0 and "no Japanese" in rfa["note"]
    assert report["totals"]["paragraph_pairs"] == len(paragraphs)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["embedder"] == "use-multilingual-v3"
    assert {Path(i["path"]).name for i in manifest["inputs"]} == {
        "pscore_internet_nk.txt",
        "rfa_unregistered_laptops.txt",
    }
    assert all(len(i["sha256"]) == 64 for i in manifest["inputs"])
    assert "paragraph.skip=" in manifest["signature"]
    # the cache was filled: a second run gives the same corpus
    again = tmp_path / "again"
    result = runner.invoke(app, ["build", str(SEEDS), "-o", str(again), "--cache", str(tmp_path / "emb.sqlite")])
    assert result.exit_code == 0
    assert (again / "pairs.jsonl").read_text() == (out / "pairs.jsonl").read_text()


def test_missing_input_is_one_line_and_exit_2(tmp_path: Path):
    result = runner.invoke(app, ["build", str(tmp_path / "nope.txt"), "-o", str(tmp_path / "out"), "--no-cache"])
    assert result.exit_code == 2
    assert "nope.txt" in result.output
    assert "Traceback" not in result.output


def test_unknown_model_is_one_line_and_exit_2(tmp_path: Path):
    result = runner.invoke(app, ["build", str(SEEDS), "-o", str(tmp_path / "out"), "--model", "bogus", "--no-cache"])
    assert result.exit_code == 2
    assert "unknown model 'bogus'" in result.output


def test_unwritable_output_is_one_line_and_exit_2(tmp_path: Path):
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    result = runner.invoke(app, ["build", str(SEEDS), "-o", str(blocker / "out"), "--no-cache"])
    assert result.exit_code == 2
    assert "cannot write there" in result.output and "a_file" in result.output
    assert "Traceback" not in result.output


def test_ctrl_c_is_one_line_and_exit_130(tmp_path: Path, monkeypatch):
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("猫が好きです。\tI like cats.\n", encoding="utf-8")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("aligner.read.pairs.open_pairs", interrupted)
    result = runner.invoke(app, ["score", str(pairs), "-o", str(tmp_path / "out.jsonl"), "--no-cache"])
    assert result.exit_code == 130  # not click's "Aborted!" and 1, the exit code of --strict
    assert result.output.strip() == "aligner: interrupted"
    assert not (tmp_path / "out.jsonl").exists()


def test_sigterm_stops_a_build_as_ctrl_c_does_and_is_restored_after():
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt), cli._terminate_as_interrupt():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)  # the handler raises at once; this is never reached
    assert signal.getsignal(signal.SIGTERM) == before


def test_a_build_run_from_another_thread_leaves_the_signals_alone():
    # only the main thread may set a signal handler: elsewhere the build runs without one
    errors = []

    def run():
        try:
            with cli._terminate_as_interrupt():
                pass
        except Exception as e:
            errors.append(e)

    other = threading.Thread(target=run)
    other.start()
    other.join()
    assert errors == []


def test_the_program_exits_with_the_apps_code_and_leaves_its_objects_to_the_exit(monkeypatch):
    import gc
    import subprocess
    import sys

    from aligner.cli import command

    monkeypatch.setattr(sys, "argv", ["aligner", "--version"])
    gc.unfreeze()
    try:
        try:
            command()
        except SystemExit as e:
            assert e.code in (0, None)
        assert gc.get_freeze_count() > 0  # the teardown will not search them for cycles
    finally:
        gc.unfreeze()
    done = subprocess.run([sys.executable, "-m", "aligner", "build"], capture_output=True, text=True)
    assert done.returncode == 2 and "Missing argument" in done.stderr
