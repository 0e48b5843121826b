"""Writers at the edge: atomic files, JSON Lines, pair records against a golden file, the corpus folder."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

import pytest

from aligner.config import BuildConfig
from aligner.export import (
    atomic_write,
    pair_record,
    pairs_frame,
    write_corpus,
    write_jsonl,
)
from aligner.filters import FilterConfig
from aligner.pipeline import Corpus, DocReport
from aligner.records import Features, FileDigest, Pair
from aligner.score import SCORER_FILE

GOLDEN = Path(__file__).parent / "data" / "export" / "pair_records.json"

SENTENCE = Pair(
    doc="docs/faq.txt",
    level="sentence",
    ja="基本的には使えません。",
    en="Basically, it is not allowed.",
    ja_blocks=(4,),
    en_blocks=(5,),
    ja_spans=((4, 3, 14),),
    en_spans=((5, 3, 32),),
    features=Features(cosine=0.82, margin=0.31, length_z=-0.4, ja_lang=1.0, en_lang=0.98),
    score=0.91,
)
PARAGRAPH = Pair(
    doc="docs/faq.txt",
    level="paragraph",
    ja="第一段落。\n続き。",
    en="First paragraph. More.",
    ja_blocks=(0, 1),
    en_blocks=(2,),
    score=0.12,
    kept=False,
    reason="low_score",
)


def read_jsonl(path: Path) -> list[dict]:
    # split on "\n" only, as a JSON Lines reader does (not on U+2028 and the like)
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line]


def test_atomic_write_replaces_on_success(tmp_path):
    path = tmp_path / "out.txt"
    path.write_text("old", encoding="utf-8")
    with atomic_write(path) as f:
        f.write("new")
        assert path.read_text(encoding="utf-8") == "old"  # not visible before the end
    assert path.read_text(encoding="utf-8") == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


@pytest.mark.parametrize("existing", [True, False])
def test_atomic_write_failure_leaves_old_file(tmp_path, existing):
    path = tmp_path / "out.txt"
    if existing:
        path.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError, match="boom"), atomic_write(path) as f:
        f.write("half")
        raise RuntimeError("boom")
    assert [p.name for p in tmp_path.iterdir()] == (["out.txt"] if existing else [])
    if existing:
        assert path.read_text(encoding="utf-8") == "old"


def test_atomic_write_honours_umask(tmp_path):
    old_umask = os.umask(0o022)
    try:
        with atomic_write(tmp_path / "atomic.txt") as f:
            f.write("x")
        (tmp_path / "plain.txt").write_text("x", encoding="utf-8")
    finally:
        os.umask(old_umask)

    def mode(name: str) -> int:
        return stat.S_IMODE((tmp_path / name).stat().st_mode)

    assert oct(mode("atomic.txt")) == oct(mode("plain.txt")) == "0o644"


def test_write_jsonl(tmp_path):
    path = tmp_path / "sub" / "x.jsonl"
    records = [{"ja": "日本語", "en": "Japanese"}, {"ja": "「引用」\n改行\u2028", "n": 2}, {}]
    assert write_jsonl(path, iter(records)) == 3
    raw = path.read_bytes()
    assert "日本語".encode() in raw and b"\\u" not in raw
    assert raw.count(b"\n") == 3 and raw.endswith(b"\n")
    assert read_jsonl(path) == records


def test_write_jsonl_empty(tmp_path):
    assert write_jsonl(tmp_path / "x.jsonl", []) == 0
    assert (tmp_path / "x.jsonl").read_bytes() == b""


@pytest.mark.parametrize("key, pair", [("sentence", SENTENCE), ("paragraph", PARAGRAPH)])
def test_pair_record_matches_golden(key, pair):
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))[key]
    record = pair_record(pair)
    assert record == golden  # lists, not tuples: plain JSON values
    assert list(record) == list(golden)  # the column order of the JSONL files


def test_pairs_frame_spreads_features():
    df = pairs_frame([SENTENCE, PARAGRAPH])
    assert len(df) == 2
    assert "features" not in df.columns
    feats = ["feat_cosine", "feat_margin", "feat_length_z", "feat_ja_lang", "feat_en_lang"]
    assert set(feats) <= set(df.columns)
    assert df.loc[0, feats].tolist() == [0.82, 0.31, -0.4, 1.0, 0.98]
    assert df.loc[1, feats].isna().all()  # the paragraph pair has no features
    assert df["level"].tolist() == ["sentence", "paragraph"]
    assert df["kept"].tolist() == [True, False]


def pair(level: str, score: float, kept: bool = True, reason: str = "") -> Pair:
    return Pair(
        doc="a.txt",
        level=level,
        ja="犬。",
        en="A dog.",
        ja_blocks=(0,),
        en_blocks=(1,),
        score=score,
        kept=kept,
        reason=reason,
    )


def report(doc: str, source: str, error: str = "") -> DocReport:
    return DocReport(
        doc=doc,
        source=source,
        encoding="utf-8",
        ja_blocks=2,
        en_blocks=2,
        other_blocks=0,
        paragraph_pairs=1,
        sentence_pairs=2,
        rejected=3,
        error=error,
    )


def test_write_corpus(tmp_path):
    source = tmp_path / "a.txt"
    source.write_bytes(b"abc")
    corpus = Corpus(
        pairs=(
            pair("paragraph", 0.7),
            pair("sentence", 0.8),
            pair("sentence", 0.9),
            pair("sentence", 0.1, kept=False, reason="low_score"),
            pair("sentence", 0.2, kept=False, reason="low_score"),
            pair("paragraph", 0.3, kept=False, reason="no_match"),
        ),
        reports=(report("a.txt", str(source)), report("b.txt", str(tmp_path / "gone.txt"), error="unreadable")),
        files=(FileDigest(str(source), 3, hashlib.sha256(b"abc").hexdigest()),),
    )
    source.write_bytes(b"changed after it was read")  # the manifest records what was read
    config = BuildConfig(filters=FilterConfig(min_score=0.6))
    out = tmp_path / "corpus"
    returned = write_corpus(corpus, out, config, embedder_name="fake-emb", version="9.9.9")

    names = ["README.md", "manifest.json", "pairs.jsonl", "paragraphs.jsonl", "plots", "rejected.jsonl", "report.json"]
    assert sorted(p.name for p in out.iterdir()) == names
    assert [r["score"] for r in read_jsonl(out / "paragraphs.jsonl")] == [0.7]
    assert [r["score"] for r in read_jsonl(out / "pairs.jsonl")] == [0.8, 0.9]
    assert [r["reason"] for r in read_jsonl(out / "rejected.jsonl")] == ["low_score", "low_score", "no_match"]

    rep = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert rep == returned
    assert rep["complete"] is True
    assert rep["totals"] == {
        "documents": 2,
        "unreadable": 1,
        "bad": 1,
        "skipped": 0,
        "paragraph_pairs": 1,
        "sentence_pairs": 2,
        "rejected": 3,
    }
    assert rep["rejected_by_reason"] == {"paragraph:no_match": 1, "sentence:low_score": 2}
    assert rep["sentence_score_quantiles"] == {
        "p5": 0.805,
        "p25": 0.825,
        "p50": 0.85,
        "p75": 0.875,
        "p95": 0.895,
    }
    assert [d["doc"] for d in rep["documents"]] == ["a.txt", "b.txt"]

    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert man["aligner_version"] == "9.9.9" and man["embedder"] == "fake-emb"
    assert man["signature"] == config.signature() and "filters.min_score=0.6" in man["signature"]
    assert man["config"] == config.as_dict()
    # the scoring model is part of what made the corpus
    assert man["scorer_sha256"] == hashlib.sha256(SCORER_FILE.read_bytes()).hexdigest()
    assert man["inputs"] == [
        {"path": str(source), "size": 3, "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    ]


def test_write_corpus_incomplete_leaves_only_the_report(tmp_path):
    for name in ("pairs.jsonl", "paragraphs.jsonl", "rejected.jsonl", "manifest.json"):
        (tmp_path / name).write_text("from an earlier run\n")
    corpus = Corpus(pairs=(pair("paragraph", 0.7),), reports=(report("a.txt", "a.txt", error="unreadable"),))
    rep = write_corpus(corpus, tmp_path, BuildConfig(), "fake-emb", "0", complete=False)
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]
    assert rep["complete"] is False and rep["documents"][0]["error"] == "unreadable"


def test_write_corpus_empty(tmp_path):
    rep = write_corpus(Corpus(pairs=(), reports=()), tmp_path, BuildConfig(), "fake-emb", "0")
    assert rep["totals"]["rejected"] == 0 and rep["rejected_by_reason"] == {}
    assert rep["sentence_score_quantiles"] == {}
    assert (tmp_path / "pairs.jsonl").read_bytes() == b""


def test_atomic_dir_replaces_a_folder_whole(tmp_path):
    from aligner.export import atomic_dir

    target = tmp_path / "parquet"
    target.mkdir()
    (target / "old-0.parquet").write_text("old", encoding="utf-8")
    (target / "old-1.parquet").write_text("old", encoding="utf-8")
    with atomic_dir(target) as tmp:
        (tmp / "new-0.parquet").write_text("new", encoding="utf-8")
        assert sorted(p.name for p in target.iterdir()) == ["old-0.parquet", "old-1.parquet"]
    assert sorted(p.name for p in target.iterdir()) == ["new-0.parquet"]  # no stale file of the old set
    assert [p.name for p in tmp_path.iterdir()] == ["parquet"]
    assert oct(stat.S_IMODE(target.stat().st_mode)) == oct(0o777 & ~_umask())


@pytest.mark.parametrize("existing", [True, False])
def test_atomic_dir_failure_leaves_the_old_folder(tmp_path, existing):
    from aligner.export import atomic_dir

    target = tmp_path / "hf"
    if existing:
        target.mkdir()
        (target / "state.json").write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError, match="boom"), atomic_dir(target) as tmp:
        (tmp / "state.json").write_text("half", encoding="utf-8")
        raise RuntimeError("boom")
    assert [p.name for p in tmp_path.iterdir()] == (["hf"] if existing else [])
    if existing:
        assert (target / "state.json").read_text(encoding="utf-8") == "old"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
