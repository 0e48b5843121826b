"""`aligner score`: every input line out, in order, with its verdict; bad lines passed through and
reported; and the filter options of `aligner build`."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import re
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from aligner.cli import app
from aligner.filters import REASONS, FilterConfig
from aligner.read.pairs import pair_rows

runner = CliRunner()

DIM = 8
FEATURE_KEYS = {
    "cosine", "margin", "length_z", "ja_lang", "en_lang", "numbers", "latin", "names", "en_names", "overlap",
    "coverage", "ja_translated", "en_translated", "part_gain", "part_length_gain", "part_translated",
    "half_translated", "name_evidence", "name_swap", "polarity", "short_translated", "identifiers",
}  # fmt: skip

SUNNY = ("今日は晴れています。", "It is sunny today.")
STATION = ("駅はどこですか。", "Where is the station?")
COFFEE = ("私は毎朝コーヒーを飲みます。", "I drink coffee every morning.")
BOOK = ("この本はとても面白かった。", "This book was very interesting.")
UNRELATED = ("猫が好きです。", "The stock market fell sharply.")


class FakeEmbedder:
    """Deterministic unit rows from a hash of the text; the two sides of each pair in `same`
    share one row (a perfect translation), any other two texts are unrelated."""

    name = "fake"

    def __init__(self, same=()) -> None:
        self.key = {t: pair[0] for pair in same for t in pair}
        self.calls: list[list[str]] = []

    def encode(self, texts):
        texts = list(texts)
        self.calls.append(texts)
        rows = [
            np.frombuffer(hashlib.sha256(self.key.get(t, t).encode("utf-8", "surrogatepass")).digest()[:DIM], np.uint8)
            for t in texts
        ]
        x = np.array(rows, dtype=np.float64).reshape(len(texts), DIM) - 127.5
        return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture
def fake(monkeypatch):
    """`--model use` gets a fake embedder: no model is loaded."""
    embedder = FakeEmbedder(same=(SUNNY, STATION, COFFEE))
    monkeypatch.setattr("aligner.embed.UseEmbedder", lambda threads=None: embedder)
    return embedder


@pytest.fixture
def real(monkeypatch, embedder):
    """`--model use` gets the session's USE model instead of loading a new one per command."""
    monkeypatch.setattr("aligner.embed.UseEmbedder", lambda threads=None: embedder)
    return embedder


def jsonl(*records: dict) -> bytes:
    return b"".join(json.dumps(r, ensure_ascii=False).encode("utf-8") + b"\n" for r in records)


def pair(id_: int, p: tuple[str, str], **extra) -> dict:
    return {"id": id_, "ja": p[0], "en": p[1], **extra}


def score(tmp_path: Path, data: bytes, *options: str, name: str = "in.jsonl"):
    """Run `aligner score` on `data`; returns (result, input path, output records)."""
    inp, out = tmp_path / name, tmp_path / "out.jsonl"
    inp.write_bytes(data)
    result = runner.invoke(app, ["score", str(inp), "-o", str(out), "--no-cache", *options])
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()] if out.exists() else None
    return result, inp, records


def summary(stderr: str) -> dict[str, int]:
    """The counts of the last stderr line, `wrote OUT: N lines: kept 2, bad_json 1, ...`."""
    last = stderr.splitlines()[-1]
    m = re.fullmatch(r"wrote .*: (\d+) lines: (.*)", last)
    assert m, last
    counts = {reason: int(n) for reason, n in (item.rsplit(" ", 1) for item in m[2].split(", "))}
    assert sum(counts.values()) == int(m[1])
    return counts


MIXED = b"".join(
    [
        jsonl(pair(1, SUNNY, src="news", meta={"tags": ["a", "b"], "n": None})),
        b"this is not json\n",
        jsonl({"id": 3, "ja": "駅はどこですか。"}),
        jsonl(pair(4, ("", "Where is the station?"))),
        jsonl(pair(5, ("駅はどこですか。", "a" * 1_000_000))),
        jsonl(pair(6, STATION)),
        jsonl(pair(7, SUNNY, src="blog")),
        jsonl(pair(8, UNRELATED)),
        jsonl({"id": 9, "ja": 1, "en": "one"}),
        b'{"id": 10, "ja": "\xff", "en": "bad bytes"}\n',
    ]
)
MIXED_REASONS = [
    "", "bad_json", "missing_field", "empty_side", "too_long", "", "duplicate", "low_score", "bad_field",
    "bad_encoding",
]  # fmt: skip


def test_every_line_comes_out_in_order(tmp_path, fake):
    result, inp, out = score(tmp_path, MIXED)
    assert result.exit_code == 0, result.output
    assert [r["reason"] for r in out] == MIXED_REASONS
    assert all(r["kept"] == (r["reason"] == "") for r in out)
    # a scored line: the input's fields unchanged and in their order, then the verdict
    first = out[0]
    assert list(first) == ["id", "ja", "en", "src", "meta", "score", "features", "kept", "reason"]
    assert {k: first[k] for k in ("id", "ja", "en", "src", "meta")} == pair(
        1, SUNNY, src="news", meta={"tags": ["a", "b"], "n": None}
    )
    assert set(first["features"]) == FEATURE_KEYS and first["features"]["cosine"] == 1.0
    assert 0.5 <= first["score"] <= 1.0
    assert out[6]["src"] == "blog" and out[6]["features"] is not None  # a duplicate keeps its score
    # lines that could not be read: their raw text and number, or their fields when they parsed
    assert out[1] == {"line": 2, "raw": "this is not json", "score": 0.0, "features": None, "kept": False,
                      "reason": "bad_json"}  # fmt: skip
    assert out[2] == {"id": 3, "ja": "駅はどこですか。", "score": 0.0, "features": None, "kept": False,
                      "reason": "missing_field"}  # fmt: skip
    assert out[8]["id"] == 9 and out[8]["ja"] == 1
    assert out[9]["line"] == 10 and out[9]["raw"].startswith('{"id": 10')
    # text rules: never encoded, no features
    assert [out[k]["features"] for k in (3, 4)] == [None, None]
    assert out[4]["en"] == "a" * 1_000_000  # passed through whole
    assert all(len(t) < 1000 for t in fake.calls[0])
    assert [r.get("id", r.get("line")) for r in out] == list(range(1, 11))


def test_bad_lines_reported_by_number(tmp_path, fake):
    result, inp, _ = score(tmp_path, MIXED)
    lines = result.stderr.splitlines()
    unreadable = [line for line in lines if re.match(rf"aligner: {re.escape(str(inp))}:(2|3|9|10): ", line)]
    assert unreadable == [
        f"aligner: {inp}:2: not JSON (Expecting value); passed through as not kept",
        f"aligner: {inp}:3: no en field; passed through as not kept",
        f"aligner: {inp}:9: ja and en must be strings; passed through as not kept",
        f"aligner: {inp}:10: not UTF-8 (byte 19); passed through as not kept",
    ]
    # scored lines are verdicts, not input errors: kept, duplicate and low_score are not reported
    assert not [line for line in lines if re.match(rf"aligner: {re.escape(str(inp))}:(1|6|7|8): ", line)]
    assert summary(result.stderr) == {
        "kept": 2, "bad_json": 1, "missing_field": 1, "empty_side": 1, "too_long": 1, "duplicate": 1,
        "low_score": 1, "bad_field": 1, "bad_encoding": 1,
    }  # fmt: skip
    assert result.stdout == ""


def test_text_rule_rejections_reported_by_number(tmp_path, fake):
    result, inp, _ = score(tmp_path, MIXED)
    assert any(line.startswith(f"aligner: {inp}:4: ") and "empty_side" in line for line in result.stderr.splitlines())
    assert any(line.startswith(f"aligner: {inp}:5: ") and "too_long" in line for line in result.stderr.splitlines())


def test_tsv(tmp_path, fake):
    data = "\n".join(["\t".join(SUNNY), "only one column", "\t".join(STATION) + "\textra", "\t".join(SUNNY)])
    result, inp, out = score(tmp_path, data.encode("utf-8") + b"\n", "--tsv", name="in.tsv")
    assert result.exit_code == 0, result.output
    assert [r["reason"] for r in out] == ["", "missing_field", "", "duplicate"]
    assert list(out[0]) == ["ja", "en", "score", "features", "kept", "reason"]
    assert (out[0]["ja"], out[0]["en"]) == SUNNY
    assert (out[2]["ja"], out[2]["en"]) == STATION  # the extra column is dropped
    assert out[1] == {"line": 2, "raw": "only one column", "score": 0.0, "features": None, "kept": False,
                      "reason": "missing_field"}  # fmt: skip
    assert f"{inp}:2: fewer than two tab-separated columns" in result.stderr


def test_no_dedup_keeps_a_duplicate(tmp_path, fake):
    data = jsonl(pair(1, SUNNY), pair(2, SUNNY), pair(3, (SUNNY[0].replace("。", "!"), SUNNY[1].lower())))
    _, _, default = score(tmp_path, data)
    assert [r["reason"] for r in default] == ["", "duplicate", "near_duplicate"]
    result, _, no_dedup = score(tmp_path, data, "--no-dedup")
    assert result.exit_code == 0
    assert [r["reason"] for r in no_dedup][:2] == ["", ""]
    assert no_dedup[1]["kept"] is True


def test_duplicates_found_across_chunks(tmp_path, fake, monkeypatch):
    monkeypatch.setattr("aligner.read.pairs.pair_rows", functools.partial(pair_rows, chunk=1))
    result, _, out = score(tmp_path, jsonl(pair(1, SUNNY), pair(2, STATION), pair(3, SUNNY)))
    assert result.exit_code == 0
    assert len(fake.calls) == 3  # one encode per chunk: the file was read in three chunks
    assert [r["reason"] for r in out] == ["", "", "duplicate"]


def test_missing_input_is_one_line_and_writes_nothing(tmp_path, fake):
    missing = tmp_path / "nope.jsonl"
    out = tmp_path / "out" / "scored.jsonl"
    result = runner.invoke(app, ["score", str(missing), "-o", str(out), "--no-cache"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"aligner: error: {missing}: cannot read the file: No such file or directory"]
    assert not out.exists()
    assert not out.parent.exists()  # nothing was begun: the input is opened first


def test_lone_surrogate_line_is_passed_through(tmp_path, fake):
    data = b'{"id": 1, "ja": "\\ud800\xe7\x8a\xac\xe3\x81\xa7\xe3\x81\x99", "en": "It is a dog."}\n' + jsonl(
        pair(2, SUNNY)
    )
    result, _, out = score(tmp_path, data)
    assert result.exit_code == 0, repr(result.exception)
    assert [(r["kept"], r["reason"]) for r in out] == [(False, "bad_encoding"), (True, "")]


@pytest.mark.slow
def test_min_score_with_the_real_model(tmp_path, real):
    data = jsonl(*(pair(k, p) for k, p in enumerate([SUNNY, STATION, COFFEE, BOOK, UNRELATED], 1)))
    result, _, default = score(tmp_path, data)
    assert result.exit_code == 0, result.output
    assert [r["reason"] for r in default] == ["", "", "", "", "low_score"]
    # just above the weakest kept pair: that one must go, whatever the model's exact scores
    threshold = min(r["score"] for r in default if r["kept"]) + 0.0001
    result, _, strict = score(tmp_path, data, "--min-score", str(threshold))
    assert result.exit_code == 0
    assert [r["score"] for r in strict] == [r["score"] for r in default]  # the threshold only decides
    assert sum(r["kept"] for r in strict) < sum(r["kept"] for r in default)
    assert all(r["score"] >= threshold if r["kept"] else r["reason"] == "low_score" for r in strict)
    assert summary(result.stderr)["low_score"] == sum(not r["kept"] for r in strict)


# --------------------------------------------------------------------------- build's filter options

DOC = """今日は晴れています。私は公園に行きました。

It is sunny today. I went to the park.

駅はどこですか。電車は何時に来ますか。

Where is the station? What time does the train come?
"""


def build(tmp_path: Path, name: str, *options: str) -> Path:
    doc = tmp_path / "doc.txt"
    doc.write_text(DOC, encoding="utf-8")
    out = tmp_path / name
    result = runner.invoke(app, ["build", str(doc), "-o", str(out), "--no-cache", *options])
    assert result.exit_code == 0, result.output
    return out


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.slow
def test_build_min_score_one_keeps_only_perfect_scores(tmp_path, real):
    default = build(tmp_path, "default")
    assert read_jsonl(default / "paragraphs.jsonl") and read_jsonl(default / "pairs.jsonl")

    # --min-score judges the calibrated score of sentence pairs; paragraph pairs stay
    sentences_only = build(tmp_path, "sentences", "--min-score", "1")
    assert read_jsonl(sentences_only / "paragraphs.jsonl")
    assert all(r["score"] >= 1.0 for r in read_jsonl(sentences_only / "pairs.jsonl"))

    out = build(tmp_path, "strict", "--min-score", "1", "--min-alignment-score", "1")
    kept = read_jsonl(out / "paragraphs.jsonl") + read_jsonl(out / "pairs.jsonl")
    assert all(r["score"] >= 1.0 for r in kept)
    rejected = read_jsonl(out / "rejected.jsonl")
    assert rejected and all(r["kept"] is False for r in rejected)
    assert {r["reason"] for r in rejected} <= set(REASONS) | {"no_counterpart"}
    assert "low_score" in {r["reason"] for r in rejected}
    report = json.loads((out / "report.json").read_text())
    assert report["totals"]["rejected"] == len(rejected)


@pytest.mark.slow
def test_build_min_chars_rejects_sentences_only(tmp_path, real):
    out = build(tmp_path, "long", "--min-chars", "500")
    assert read_jsonl(out / "paragraphs.jsonl")  # paragraph pairs are kept on their alignment score
    assert read_jsonl(out / "pairs.jsonl") == []
    sentence_reasons = {r["reason"] for r in read_jsonl(out / "rejected.jsonl") if "ja_spans" in r and r["ja_spans"]}
    assert sentence_reasons == {"too_short"}


def test_build_options_reach_the_manifest(tmp_path, fake):
    options = {
        "--min-score": "0.7", "--min-chars": "3", "--max-chars": "900", "--max-length-z": "2.5",
        "--min-lang": "0.6", "--max-overlap": "0.4",
    }  # fmt: skip
    out = build(tmp_path, "opts", *(x for kv in options.items() for x in kv), "--no-dedup")
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["config"]["filters"] == {
        "min_score": 0.7, "min_chars": 3, "max_chars": 900, "max_length_z": 2.5, "min_lang": 0.6,
        "max_overlap": 0.4, "dedup": False,
    }  # fmt: skip
    assert "filters.min_score=0.7|" in manifest["signature"]
    defaults = json.loads((build(tmp_path, "defaults") / "manifest.json").read_text())
    assert defaults["config"]["filters"] == dataclasses.asdict(FilterConfig())
