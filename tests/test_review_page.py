"""The review page's HTML and data: columns, links, samples, escaping, nothing from outside."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

from typer.testing import CliRunner

from aligner.cli import app
from aligner.export.jsonl import read_build
from aligner.export.pairs import pair_id
from aligner.review import write_review
from aligner.review.page import FEATURES, page_data, page_rows
from tests.corpora import banded_build, paragraph_pair, sentence_pair, write_build

runner = CliRunner()


def _embedded(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="data">(.*?)</script>', html, re.S)
    return json.loads(m.group(1))


def test_data_is_columnar_and_links_sentences_to_their_paragraph(tmp_path: Path):
    pairs = [
        paragraph_pair("a.txt", 0),
        sentence_pair("a.txt", 0, 0.97),
        dataclasses.replace(
            sentence_pair("a.txt", 0, 0.6, kept=False, reason="low_score", numbers=0.5),
            ja_spans=((0, 8, 16),),
            en_spans=((1, 20, 40),),
        ),
        sentence_pair("b.txt", 3, 0.92),  # its paragraph is not in the corpus
    ]
    build = read_build(write_build(tmp_path / "c", pairs))
    rows, reviewed = page_rows(build.pairs)
    data = page_data("c", "sig", build.pairs, rows, reviewed)
    cols = data["cols"]
    assert all(len(cols[k]) == 4 for k in ("id", "doc", "lv", "k", "r", "s", "ja", "en", "p"))
    assert [len(f) for f in cols["f"]] == [4] * len(FEATURES) and data["features"] == list(FEATURES)
    assert [data["docs"][d] for d in cols["doc"]] == ["a.txt", "a.txt", "b.txt", "a.txt"]  # kept, then rejected
    assert [data["reasons"][r] for r in cols["r"]] == ["", "", "", "low_score"]
    para = cols["lv"].index(0)
    assert cols["p"] == [-1, para, -1, para] and data["children"] == {para: 2}
    assert cols["f"][FEATURES.index("numbers")] == [None, None, None, 0.5]
    assert "x" not in cols and data["sample"] == ""
    # ids are the records' own, as every export writes them
    records = [
        json.loads(line)
        for name in ("paragraphs", "pairs", "rejected")
        for line in (tmp_path / "c" / f"{name}.jsonl").open()
    ]
    assert cols["id"] == [r["id"] for r in records] == [pair_id(p) for p in build.pairs]


def test_a_sample_page_holds_the_sample_and_its_paragraphs_as_context(tmp_path: Path):
    build = read_build(banded_build(tmp_path / "c", {0.995: 60, 0.9: 40}))
    rows, reviewed = page_rows(build.pairs, sample=10, seed=2)
    sampled = [p for p, r in zip(rows, reviewed) if r]
    context = [p for p, r in zip(rows, reviewed) if not r]
    assert len(sampled) == 10 and all(p.kept for p in sampled)
    assert context and all(p.level == "paragraph" for p in context)
    sentence_blocks = {(p.doc, p.ja_blocks) for p in sampled if p.level == "sentence"}
    assert {(p.doc, p.ja_blocks) for p in context} <= sentence_blocks
    assert page_rows(build.pairs, sample=10, seed=2) == (rows, reviewed)  # the seed fixes the sample
    data = page_data("c", "sig", build.pairs, rows, reviewed, "note")
    assert data["cols"]["x"] == [int(r) for r in reviewed] and data["sample"] == "note"


def test_page_is_self_contained_and_text_cannot_break_out(tmp_path: Path):
    evil = dataclasses.replace(sentence_pair("a.txt", 0, 0.97), en="</script><script>alert(1)</script>")
    path = write_build(tmp_path / "c", [paragraph_pair("a.txt", 0), evil])
    page = write_review(path)
    html = page.path.read_text(encoding="utf-8")
    assert page.path == path / "review.html" and page.pairs == 2
    assert "<script>alert(1)" not in html
    assert "</script><script>alert(1)</script>" in _embedded(html)["cols"]["en"]
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//|@import|url\(\s*["']?https?:""", html)
    images = re.findall(r'<img alt="[^"]+" src="data:image/png;base64,', html)
    assert len(images) == 4
    assert all(f"plots/{name}" in html for name in ("score_histogram.png", "length_ratio.png"))


def test_review_command_writes_page_and_plots(tmp_path: Path):
    path = banded_build(tmp_path / "c", {0.995: 30, 0.9: 10})
    out = tmp_path / "sample.html"
    result = runner.invoke(app, ["review", str(path), "-o", str(out), "--sample", "8", "--seed", "4"])
    assert result.exit_code == 0, result.output
    assert f"wrote {out}: a sample of 8 kept pairs" in result.output
    assert sorted(p.name for p in (path / "plots").iterdir()) == [
        "drops_by_reason.png",
        "length_ratio.png",
        "pairs_per_document.png",
        "score_histogram.png",
    ]
    data = _embedded(out.read_text(encoding="utf-8"))
    assert sum(data["cols"]["x"]) == 8 and "seed 4" in data["sample"]


def test_review_errors_are_one_line(tmp_path: Path):
    result = runner.invoke(app, ["review", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "aligner build?" in result.output and "Traceback" not in result.output
    path = banded_build(tmp_path / "c", {0.99: 2})
    result = runner.invoke(app, ["review", str(path), "--sample", "0"])
    assert result.exit_code == 2 and "--sample 0" in result.output
