"""`aligner align` and `aligner eval`: outputs against golden files, bad input as one-line errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aligner.align import parse_beads
from aligner.cli import app

GOLDEN = Path(__file__).parent / "data" / "aligned"
TINY_JA, TINY_EN = GOLDEN / "cli_tiny.ja.txt", GOLDEN / "cli_tiny.en.txt"

runner = CliRunner()

NUMBER = re.compile(r"^-?\d+(\.\d{1,4})?$")


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def model(monkeypatch, embedder):
    """`--model use` gets the session's USE model instead of loading a new one per command."""
    monkeypatch.setattr("aligner.embed.UseEmbedder", lambda threads=None: embedder)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def ids(stdout: str) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(b.ja, b.en) for b in parse_beads(stdout)]


def assert_covers(stdout: str, n: int, m: int) -> None:
    """Every line of each side in exactly one bead, in order, and each line in bead format."""
    assert all(re.fullmatch(r"\[[\d,]*\]:\[[\d,]*\]:\d+\.\d{4}", line) for line in stdout.splitlines())
    beads = parse_beads(stdout)
    assert [i for b in beads for i in b.ja] == list(range(n))
    assert [j for b in beads for j in b.en] == list(range(m))


def assert_one_line_error(result, *parts: str) -> str:
    """Exit 2, nothing on stdout, one `aligner: error: ...` line on stderr holding `parts`."""
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)  # not a traceback
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("aligner: error: ")
    for part in parts:
        assert part in lines[0]
    return lines[0]


def assert_matches_golden(out: str, golden: Path, fmt: str) -> None:
    """Texts, ids and layout exactly as in the golden file; costs and scores to 0.005.

    The numbers come from the real model, whose float32 sums may differ in the last digit
    between machines (thread counts, BLAS), so the fourth decimal is not pinned."""
    expected = golden.read_text(encoding="utf-8")
    assert out.endswith("\n") and len(out.splitlines()) == len(expected.splitlines())
    for got, want in zip(out.splitlines(), expected.splitlines()):
        if fmt == "jsonl":
            g, w = json.loads(got), json.loads(want)
            assert list(g) == list(w)  # the same keys in the same order
            assert {k: v for k, v in g.items() if k not in ("cost", "alignment_score")} == {
                k: v for k, v in w.items() if k not in ("cost", "alignment_score")
            }
            assert (g["cost"], g["alignment_score"]) == pytest.approx((w["cost"], w["alignment_score"]), abs=0.005)
            assert not g["ja_ids"] or not g["en_ids"] or g["alignment_score"] > 0.5
        else:
            *g_text, g_num = got.split("\t" if fmt == "tsv" else ":")
            *w_text, w_num = want.split("\t" if fmt == "tsv" else ":")
            assert g_text == w_text
            assert NUMBER.match(g_num) and float(g_num) == pytest.approx(float(w_num), abs=0.005)


# --- align ------------------------------------------------------------------------------------

JA_DOC = (
    "昨日、私は友人と京都へ行きました。\n"
    "私たちは古い寺をいくつか訪ねました。\n"
    "\n"
    "昼食には美味しい蕎麦を食べ、午後は川沿いを散歩しました。\n"
    "この段落は翻訳されていません。\n"
    "夕方になると雨が降り始めました。\n"
    "私たちは電車で大阪に戻りました。\n"
)
EN_DOC = (
    "Yesterday I went to Kyoto with a friend.\n"
    "We visited several old temples.\n"
    "For lunch we ate delicious soba.\n"
    "In the afternoon we took a walk along the river.\n"
    "In the evening it started to rain.\n"
    "We took the train back to Osaka.\n"
)
DOC_BEADS = [
    ((0,), (0,)),
    ((1,), (1,)),
    ((2,), ()),
    ((3,), (2, 3)),
    ((4,), ()),
    ((5,), (4,)),
    ((6,), (5,)),
]


@pytest.mark.slow
def test_align_prints_bead_lines_and_fills_the_cache(tmp_path: Path):
    # the one test that builds the model the way the command does
    ja, en = write(tmp_path / "ja.txt", JA_DOC), write(tmp_path / "en.txt", EN_DOC)
    cache = tmp_path / "emb.sqlite"
    result = run("align", ja, en, "--cache", cache)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert ids(result.stdout) == DOC_BEADS
    assert_covers(result.stdout, 7, 6)
    assert cache.stat().st_size > 0
    again = run("align", ja, en, "--cache", cache)
    assert again.stdout == result.stdout


@pytest.mark.slow
def test_align_writes_the_output_file(tmp_path: Path, model):
    ja, en = write(tmp_path / "ja.txt", JA_DOC), write(tmp_path / "en.txt", EN_DOC)
    printed = run("align", ja, en, "--no-cache").stdout
    out = tmp_path / "out" / "aligned.txt"  # the folder is made
    result = run("align", ja, en, "-o", out, "--no-cache")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == f"wrote {out}: 7 beads for 7 JA and 6 EN segments\n"
    assert out.read_text(encoding="utf-8") == printed
    # an existing file is replaced, and no temporary file is left beside it
    out.write_text("old\n", encoding="utf-8")
    assert run("align", ja, en, "-o", out, "--no-cache").exit_code == 0
    assert out.read_text(encoding="utf-8") == printed
    assert [p.name for p in out.parent.iterdir()] == ["aligned.txt"]


def test_output_file_is_untouched_when_the_input_is_bad(tmp_path: Path):
    ja = tmp_path / "ja.txt"
    ja.write_bytes(b"\xff\n")
    out = write(tmp_path / "aligned.txt", "old\n")
    assert_one_line_error(run("align", ja, TINY_EN, "-o", out, "--no-cache"), f"{ja}:1")
    assert out.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["aligned.txt", "ja.txt"]


@pytest.mark.slow
@pytest.mark.parametrize(
    "fmt, golden", [("beads", "cli_tiny.beads"), ("jsonl", "cli_tiny.jsonl"), ("tsv", "cli_tiny.tsv")]
)
def test_align_formats_match_golden(model, fmt: str, golden: str):
    result = run("align", TINY_JA, TINY_EN, "--format", fmt, "--no-cache")
    assert result.exit_code == 0, result.output
    assert_matches_golden(result.stdout, GOLDEN / golden, fmt)


@pytest.mark.slow
def test_align_split_cuts_paragraphs_into_sentences(tmp_path: Path, model):
    ja = write(tmp_path / "ja.txt", "今日は晴れです。明日は雨が降るでしょう。\n\n猫が好きです。\n")
    en = write(tmp_path / "en.txt", "It is sunny today. It will rain tomorrow.\n\n\nI like cats. I also like dogs.\n")
    result = run("align", ja, en, "--split", "--format", "jsonl", "--no-cache")
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["ja_ids"], r["en_ids"], r["ja"], r["en"]) for r in records] == [
        ([0], [0], "今日は晴れです。", "It is sunny today."),
        ([1], [1], "明日は雨が降るでしょう。", "It will rain tomorrow."),
        # the JA side says nothing of dogs: the DP's mean of the two EN sentences took the
        # second into the bead, the embedding of the joined text leaves it out (refine)
        ([2], [2], "猫が好きです。", "I like cats."),
        ([], [3], "", "I also like dogs."),
    ]
    assert all(r["alignment_score"] > 0.9 for r in records if r["ja"] and r["en"])
    # without --split, each line is one segment
    lines = run("align", ja, en, "--no-cache")
    assert_covers(lines.stdout, 3, 4)


@pytest.mark.parametrize("fmt", ["bogus", "JSON", ""])
def test_unknown_format_is_one_line_and_exit_2(fmt: str):
    line = assert_one_line_error(run("align", TINY_JA, TINY_EN, "--format", fmt, "--no-cache"))
    assert line == f"aligner: error: --format {fmt!r} is not one of beads, jsonl, tsv"


def test_unknown_model_is_one_line_and_exit_2():
    assert_one_line_error(run("align", TINY_JA, TINY_EN, "--model", "bogus", "--no-cache"), "unknown model 'bogus'")


@pytest.mark.slow
def test_different_numbers_of_blank_lines(tmp_path: Path, model):
    ja = write(tmp_path / "ja.txt", "今日は晴れです。\n\n明日は雨が降るでしょう。\n猫が好きです。\n")
    en = write(tmp_path / "en.txt", "\nIt is sunny today.\n\n\nIt will rain tomorrow.\nI like cats.\n \n")
    result = run("align", ja, en, "--no-cache")
    assert result.exit_code == 0, result.output
    assert ids(result.stdout) == [
        ((), (0,)),
        ((0,), (1,)),
        ((1,), ()),
        ((), (2,)),
        ((), (3,)),
        ((2,), (4,)),
        ((3,), (5,)),
        ((), (6,)),
    ]
    blank = [line for line in result.stdout.splitlines() if line.endswith(":0.0000")]
    assert blank == ["[]:[0]:0.0000", "[1]:[]:0.0000", "[]:[2]:0.0000", "[]:[3]:0.0000", "[]:[6]:0.0000"]


@pytest.mark.slow
def test_a_merge_across_a_blank_line_still_covers_every_line(tmp_path: Path, model):
    ja = write(tmp_path / "ja.txt", "私は猫が好きです。\n\n私は犬も好きです。\n今日は晴れです。\n")
    en = write(tmp_path / "en.txt", "I like cats, and I also like dogs.\nIt is sunny today.\n")
    result = run("align", ja, en, "--no-cache")
    assert result.exit_code == 0, result.output
    assert_covers(result.stdout, 4, 2)


@pytest.mark.slow
@pytest.mark.parametrize(
    "ja_text, en_text, expected",
    [
        ("", "It is sunny today.\nI like cats.\n\n", "[]:[0]:0.6000\n[]:[1]:0.6000\n[]:[2]:0.0000\n"),
        ("今日は晴れです。\n\n", "", "[0]:[]:0.6000\n[1]:[]:0.0000\n"),
        ("", "", ""),
        ("\n\n", "\n", "[0]:[]:0.0000\n[1]:[]:0.0000\n[]:[0]:0.0000\n"),
    ],
    ids=["empty ja", "empty en", "both empty", "both blank"],
)
def test_empty_side_gives_null_beads(tmp_path: Path, model, ja_text: str, en_text: str, expected: str):
    ja, en = write(tmp_path / "ja.txt", ja_text), write(tmp_path / "en.txt", en_text)
    result = run("align", ja, en, "--no-cache")
    assert result.exit_code == 0, result.output
    assert result.stdout == expected


@pytest.mark.slow
def test_a_100_kb_line_is_a_too_long_null_bead(tmp_path: Path, model):
    long_en = "This is a very long line that never ends. " * 2400  # 103 KB
    long_ja = "これは終わらない長い行です。" * 2400  # 101 KB of UTF-8
    ja = write(tmp_path / "ja.txt", f"今日は晴れです。\n{long_ja}\n猫が好きです。\n")
    en = write(tmp_path / "en.txt", f"It is sunny today.\n{long_en}\nI like cats.\n")
    assert len(long_en.encode()) > 100_000 and len(long_ja.encode()) > 100_000
    result = run("align", ja, en, "--no-cache")
    assert result.exit_code == 0, result.output
    assert ids(result.stdout) == [((0,), (0,)), ((1,), ()), ((), (1,)), ((2,), (2,))]
    records = [json.loads(line) for line in run("align", ja, en, "--no-cache", "--format", "jsonl").stdout.splitlines()]
    assert [r["reason"] for r in records] == ["", "too_long", "too_long", ""]
    assert records[1]["ja"] == long_ja[:2000] + "…"
    # a longer limit lets the lines in
    wide = run("align", ja, en, "--no-cache", "--max-chars", "200000")
    assert ids(wide.stdout) == [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]


def test_align_refuses_a_bad_max_chars(tmp_path: Path):
    for value in ("0", "-5"):
        assert_one_line_error(run("align", TINY_JA, TINY_EN, "--max-chars", value), "--max-chars", "at least 1")


BAD_INPUTS = {
    # name: (file bytes, where the error points)
    "invalid UTF-8": (b"ok\n\xff\xfe bad\n", ":2: byte 0xff, not UTF-8"),
    "invalid UTF-8 on the last line": ("今日は晴れです。\n".encode() + b"\xc3\x28", ":2: byte 0xc3, not UTF-8"),
    "NUL bytes": (b"ok\nfine\nbin\x00ary\n", ":3: binary or control characters"),
}


@pytest.mark.parametrize("side", ["ja", "en"])
@pytest.mark.parametrize("data, where", list(BAD_INPUTS.values()), ids=list(BAD_INPUTS))
def test_bad_input_is_one_line_naming_file_and_line(tmp_path: Path, side: str, data: bytes, where: str):
    bad = tmp_path / f"{side}.txt"
    bad.write_bytes(data)
    ja, en = (bad, TINY_EN) if side == "ja" else (TINY_JA, bad)
    assert_one_line_error(run("align", ja, en, "--no-cache"), f"{bad}{where}")


@pytest.mark.parametrize("side", ["ja", "en"])
def test_missing_file_is_one_line_naming_it(tmp_path: Path, side: str):
    missing = tmp_path / "nope.txt"
    ja, en = (missing, TINY_EN) if side == "ja" else (TINY_JA, missing)
    assert_one_line_error(run("align", ja, en, "--no-cache"), f"{missing}: cannot read the file")


def test_a_folder_as_input_is_one_line_naming_it(tmp_path: Path):
    assert_one_line_error(run("align", tmp_path, TINY_EN, "--no-cache"), f"{tmp_path}: cannot read the file")


@pytest.mark.slow
def test_unwritable_output_is_one_line_naming_it(tmp_path: Path, model):
    folder = tmp_path / "taken"
    folder.mkdir()
    assert_one_line_error(run("align", TINY_JA, TINY_EN, "-o", folder, "--no-cache"), str(folder))


# --- eval -----------------------------------------------------------------------------------------

# gold [0]:[0] [1]:[1,2] [2]:[] [3]:[3]; pred [0]:[0] [1]:[1] []:[2] [2]:[] [3]:[3]
# precision over 5 predicted beads: strict [0]:[0] [2]:[] [3]:[3] = 3, lax also [1]:[1] = 4
# recall over the 3 linked gold beads: strict [0]:[0] [3]:[3] = 2, lax also [1]:[1,2] = 3
GOLD_1 = "[0]:[0]:0\n[1]:[1,2]:0\n[2]:[]:0\n[3]:[3]:0\n"
PRED_1 = "[0]:[0]:0.2500\n[1]:[1]:0.3000\n[]:[2]:0.6000\n\n[2]:[]:0.6000\n[3]:[3]\n"
SCORES_1 = {
    "precision_strict": 0.6,
    "recall_strict": 0.666667,
    "f1_strict": 0.631579,  # 2 * 0.6 * (2/3) / (0.6 + 2/3)
    "precision_lax": 0.8,
    "recall_lax": 1.0,
    "f1_lax": 0.888889,
}
# gold [0]:[0] [1]:[1]; pred [0,1]:[0,1]: no strict hit, a lax one each way
GOLD_2 = "[0]:[0]\n[1]:[1]\n"
PRED_2 = "[0,1]:[0,1]:0.9\n"
SCORES_2 = {
    "precision_strict": 0.0,
    "recall_strict": 0.0,
    "f1_strict": 0.0,
    "precision_lax": 1.0,
    "recall_lax": 1.0,
    "f1_lax": 1.0,
}
# micro sums over both: precision 3/6 strict, 5/6 lax; recall 2/5 strict, 5/5 lax
SCORES_TOTAL = {
    "precision_strict": 0.5,
    "recall_strict": 0.4,
    "f1_strict": 0.444444,
    "precision_lax": 0.833333,
    "recall_lax": 1.0,
    "f1_lax": 0.909091,
}


def test_eval_one_pair(tmp_path: Path):
    gold, pred = write(tmp_path / "gold.txt", GOLD_1), write(tmp_path / "pred.txt", PRED_1)
    result = run("eval", gold, pred)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "total": SCORES_1,
        "files": [{"gold": str(gold), "pred": str(pred), **SCORES_1}],
    }


def test_eval_several_pairs_sums_the_counts(tmp_path: Path):
    files = [
        write(tmp_path / name, text) for name, text in [("g1", GOLD_1), ("p1", PRED_1), ("g2", GOLD_2), ("p2", PRED_2)]
    ]
    out = tmp_path / "scores" / "eval.json"
    result = run("eval", *files, "-o", out)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["total"] == SCORES_TOTAL
    assert report["files"] == [
        {"gold": str(files[0]), "pred": str(files[1]), **SCORES_1},
        {"gold": str(files[2]), "pred": str(files[3]), **SCORES_2},
    ]
    assert json.loads(out.read_text(encoding="utf-8")) == report


def test_eval_of_an_alignment_against_itself_is_perfect():
    result = run("eval", GOLDEN / "cli_tiny.beads", GOLDEN / "cli_tiny.beads")
    assert result.exit_code == 0, result.output
    assert set(json.loads(result.stdout)["total"].values()) == {1.0}


@pytest.mark.parametrize("count", [1, 3])
def test_eval_odd_number_of_files(tmp_path: Path, count: int):
    files = [write(tmp_path / f"f{k}", GOLD_2) for k in range(count)]
    line = assert_one_line_error(run("eval", *files))
    assert line == f"aligner: error: eval takes GOLD PRED pairs; got {count} files (an odd number)"


@pytest.mark.parametrize(
    "text, line, shown",
    [
        ("[0]:[0]\n[1]:[1]\n0-0\n", 3, "'0-0'"),
        ("[0]:[0]\n\n[1]:[x]\n", 3, "'[1]:[x]'"),
        ("[0] [0]\n", 1, "'[0] [0]'"),
    ],
)
def test_eval_malformed_bead_line_names_file_and_line(tmp_path: Path, text: str, line: int, shown: str):
    gold, pred = write(tmp_path / "gold.txt", GOLD_2), write(tmp_path / "pred.txt", text)
    message = assert_one_line_error(run("eval", gold, pred), f"{pred}:{line}: not a bead like [0,1]:[2]: {shown}")
    assert str(gold) not in message


def test_eval_bad_cost_names_file_and_line(tmp_path: Path):
    gold, pred = write(tmp_path / "gold.txt", GOLD_2), write(tmp_path / "pred.txt", "[0]:[0]\n[1]:[1]:cheap\n")
    assert_one_line_error(run("eval", gold, pred), f"{pred}:2: not a bead like [0,1]:[2]: '[1]:[1]:cheap'")


def test_eval_missing_file(tmp_path: Path):
    gold = write(tmp_path / "gold.txt", GOLD_2)
    assert_one_line_error(run("eval", gold, tmp_path / "nope.txt"), f"{tmp_path / 'nope.txt'}: cannot read the file")


def test_eval_invalid_utf8_names_file_and_line(tmp_path: Path):
    gold = write(tmp_path / "gold.txt", GOLD_2)
    pred = tmp_path / "pred.txt"
    pred.write_bytes(b"[0]:[0]\n[1]:[1]\xff\n")
    assert_one_line_error(run("eval", gold, pred), f"{pred}:2: byte 0xff, not UTF-8")


def test_eval_unwritable_output_is_one_line_naming_it(tmp_path: Path):
    gold = write(tmp_path / "gold.txt", GOLD_2)
    folder = tmp_path / "taken"
    folder.mkdir()
    result = run("eval", gold, gold, "-o", folder)
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert str(folder) in result.stderr
