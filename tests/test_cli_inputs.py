"""The command line's contract on inputs: exit codes 0/2/1, --strict, one-line errors for
options out of range, score's format detection and standard input, --version, plain help."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aligner import __version__
from aligner.cli import app
from aligner.filters import FilterConfig
from tests.test_cli_score import STATION, SUNNY, FakeEmbedder, jsonl, pair

runner = CliRunner()
CORPUS = ["README.md", "manifest.json", "pairs.jsonl", "paragraphs.jsonl", "plots", "rejected.jsonl", "report.json"]


@pytest.fixture
def fake(monkeypatch):
    embedder = FakeEmbedder(same=(SUNNY, STATION))
    monkeypatch.setattr("aligner.embed.UseEmbedder", lambda threads=None: embedder)
    return embedder


def _good(path: Path) -> Path:
    path.write_text(f"{SUNNY[0]}\n\n{SUNNY[1]}\n\n{STATION[0]}\n\n{STATION[1]}\n", encoding="utf-8")
    return path


def _build(*args: object):
    return runner.invoke(app, ["build", *map(str, args), "--no-cache"])


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout == f"aligner {__version__}\n"


@pytest.mark.parametrize("command", ["build", "align", "score", "eval", None])
def test_help_has_no_type_tags_and_whole_defaults(command: str | None):
    result = runner.invoke(app, [command, "--help"] if command else ["--help"])
    assert result.exit_code == 0
    for tag in ("<bool>", "<path>", "<float>", "<int>", "<str>", "<list", "…"):
        assert tag not in result.stdout, (tag, result.stdout)
    if command == "build":
        assert "~/.cache/aligner/embeddings.sqlite" in result.stdout
        assert f"[default: {FilterConfig().min_score}]" in result.stdout and "[default: 2000]" in result.stdout
    if command is None:
        assert "Exit codes: 0 when at least one input was processed" in result.stdout
        assert not [line for line in result.stdout.splitlines() if line.endswith("...") and "Usage" not in line]


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--min-score", "nan"), ("--min-score", "1.5"), ("--min-score", "-0.1"), ("--min-alignment-score", "nan"),
        ("--min-chars", "-1"), ("--max-chars", "0"), ("--max-length-z", "inf"), ("--max-length-z", "-1"),
        ("--min-lang", "2"), ("--max-overlap", "nan"),
    ],
)  # fmt: skip
def test_options_out_of_range_are_one_line_and_exit_2(tmp_path: Path, fake, option: str, value: str):
    result = _build(_good(tmp_path / "a.txt"), "-o", tmp_path / "out", option, value)
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [result.stderr.strip()] and result.stderr.startswith(
        f"aligner: error: {option} "
    )
    assert not (tmp_path / "out").exists()
    if option != "--min-alignment-score":
        scored = runner.invoke(app, ["score", str(tmp_path / "a.txt"), "-o", str(tmp_path / "s.jsonl"), option, value])
        assert scored.exit_code == 2 and scored.stderr.startswith(f"aligner: error: {option} ")


def test_good_and_bad_inputs_exit_0_with_a_closing_count(tmp_path: Path, fake):
    _good(tmp_path / "good.txt")
    (tmp_path / "bad.txt").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "en.txt").write_text("English only.", encoding="utf-8")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8")
    result = _build(tmp_path, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == CORPUS
    assert result.stderr.splitlines()[-1].endswith(
        "; 2 bad inputs, listed in report.json; 1 files of other types skipped"
    )
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["complete"] is True and report["totals"]["bad"] == 2
    assert [Path(s["source"]).name for s in report["skipped"]] == ["photo.jpg"]
    assert {d["doc"]: d["paragraph_pairs"] for d in report["documents"]}["good.txt"] == 2


def test_strict_exits_1_and_leaves_only_the_report(tmp_path: Path, fake):
    _good(tmp_path / "good.txt")
    (tmp_path / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    assert _build(tmp_path, "-o", out).exit_code == 0  # an earlier, complete run
    result = _build(tmp_path, "-o", out, "--strict")
    assert result.exit_code == 1, result.output
    assert [p.name for p in out.iterdir()] == ["report.json"]
    report = json.loads((out / "report.json").read_text())
    assert report["complete"] is False
    assert {d["doc"]: d["note"] for d in report["documents"]}["empty.txt"] == "the document is empty"
    assert _build(tmp_path / "good.txt", "-o", tmp_path / "ok", "--strict").exit_code == 0


def test_nothing_readable_exits_2(tmp_path: Path, fake):
    (tmp_path / "bad.txt").write_bytes(bytes(range(256)) * 8)
    result = _build(tmp_path / "bad.txt", tmp_path / "missing.txt", "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert "no input could be read" in result.stderr.splitlines()[-1]
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["report.json"]
    errors = [d["error"] for d in json.loads((tmp_path / "out" / "report.json").read_text())["documents"]]
    assert errors[0].startswith("no such file") and errors[1].startswith("cannot decode the file as text")


def test_an_empty_folder_exits_2(tmp_path: Path, fake):
    (tmp_path / "in").mkdir()
    result = _build(tmp_path / "in", "-o", tmp_path / "out")
    assert result.exit_code == 2 and "no input given" in result.stderr


def test_quiet_prints_only_the_closing_line(tmp_path: Path, fake):
    (tmp_path / "bad.txt").write_bytes(bytes(range(256)) * 8)
    result = _build(_good(tmp_path / "a.txt"), tmp_path / "bad.txt", "-o", tmp_path / "out", "--quiet")
    assert result.exit_code == 0 and len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith(f"wrote {tmp_path / 'out'}: 2 paragraph pairs")


def test_build_options_for_reading(tmp_path: Path, fake):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "d.data").write_text(json.dumps({"key": "k", "body": f"{SUNNY[0]}\n{SUNNY[1]}"}), "utf-8")
    result = _build(
        tmp_path / "in", "-o", tmp_path / "out", "--glob", "*.data", "--input-format", "jsonl",
        "--jsonl-fields", "id=key,text=body", "--paragraphs", "lines",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (para,) = [json.loads(x) for x in (tmp_path / "out" / "paragraphs.jsonl").read_text().splitlines()]
    assert (para["doc"], para["ja"], para["en"]) == ("d.data#k", *SUNNY)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["config"]["read"]["glob"] == ["*.data"] and 'read.input_format="jsonl"' in manifest["signature"]


@pytest.mark.parametrize(("option", "value"), [("--input-format", "pdf"), ("--paragraphs", "words")])
def test_bad_reading_options_exit_2(tmp_path: Path, fake, option: str, value: str):
    result = _build(_good(tmp_path / "a.txt"), "-o", tmp_path / "out", option, value)
    assert result.exit_code == 2 and result.stderr.startswith(f"aligner: error: {option} ")


# --- aligner score ---------------------------------------------------------------------------


def _score(inp: str, out: Path, *options: str, stdin: bytes | None = None):
    return runner.invoke(app, ["score", inp, "-o", str(out), "--no-cache", *options], input=stdin)


def test_score_detects_tsv_by_content(tmp_path: Path, fake):
    inp = tmp_path / "pairs.txt"
    inp.write_text("\t".join(SUNNY) + "\n" + "\t".join(STATION) + "\n", encoding="utf-8")
    result = _score(str(inp), tmp_path / "out.jsonl")
    assert result.exit_code == 0, result.output
    assert (
        result.stderr.splitlines()[0] == f"aligner: reading {inp} as TSV (its first line holds a tab and is not JSON)"
    )
    assert [json.loads(x)["kept"] for x in (tmp_path / "out.jsonl").read_text().splitlines()] == [True, True]


def test_score_reads_standard_input(tmp_path: Path, fake):
    result = _score("-", tmp_path / "out.jsonl", stdin=jsonl(pair(1, SUNNY), pair(2, STATION)))
    assert result.exit_code == 0, result.output
    assert "reading standard input as JSON Lines (its first line is a JSON object)" in result.stderr
    assert [json.loads(x)["id"] for x in (tmp_path / "out.jsonl").read_text().splitlines()] == [1, 2]


def test_score_forced_format(tmp_path: Path, fake):
    result = _score("-", tmp_path / "out.jsonl", "--tsv", stdin="\t".join(SUNNY).encode())
    assert result.exit_code == 0 and "as TSV (as asked)" in result.stderr


def test_score_no_good_line_exits_2_and_writes_nothing(tmp_path: Path, fake):
    out = tmp_path / "out.jsonl"
    out.write_text("from an earlier run\n")
    result = _score("-", out, stdin=b'not json\n{"ja": 1}\n')
    assert result.exit_code == 2, result.output
    assert "no line of - could be scored (2 bad)" in result.stderr and not out.exists()
    assert _score("-", out, stdin=b"").exit_code == 2


def test_score_strict(tmp_path: Path, fake):
    data = jsonl(pair(1, SUNNY)) + b"not json\n"
    out = tmp_path / "out.jsonl"
    lenient = _score("-", out, stdin=data)
    assert lenient.exit_code == 0 and "1 bad lines" in lenient.stderr and out.exists()
    strict = _score("-", out, "--strict", stdin=data)
    assert strict.exit_code == 1 and not out.exists()
    assert strict.stderr.splitlines()[-1] == f"aligner: --strict: 1 bad lines; {out} not written"
