"""The output of `aligner align`: bead records and the beads / JSONL / TSV text, against golden files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aligner.align import parse_beads
from aligner.config import SENTENCE_COST
from aligner.cost import CostParams
from aligner.export import FORMATS, bead_records, format_aligned
from aligner.records import Bead

GOLDEN = Path(__file__).parent / "data" / "aligned"

JA = [
    "吾輩は猫である。",
    "名前はまだ無い。",
    "",
    "どこで生れたか\tとんと見当がつかぬ。",
    "何でも薄暗いじめじめした所で",
    "ニャーニャー泣いていた事だけは記憶している。",
    "（訳注なし）",
]
EN = [
    "I am a cat.",
    "As yet I have no name.",
    "I have no idea where I was born.",
    "All I remember is that I was miaowing\nin a dim, damp place.",
    "",
    "Translator's note.",
]
# Costs picked so that the scores under SENTENCE_COST (skip 0.6, merge 0.2, per segment) are
# round by hand: score = 1 / (1 + exp(-(2 * skip - fit) / 0.1)), fit = (cost - charge) / scale.
BEADS = [
    Bead((0,), (0,), 0.3),  # fit 0.3: x = 9 -> 0.99988 -> 0.9999
    Bead((1,), (1,), 1.2),  # fit 1.2 = 2 * skip: x = 0 -> 0.5
    Bead((2,), (), 0.0),  # a blank line
    Bead((3,), (2,), 1.3),  # x = -1 -> 0.26894 -> 0.2689
    Bead((4, 5), (3,), 1.4),  # 2-1: fit (1.4 - 0.2) / 1.5 = 0.8, x = 4 -> 0.98201 -> 0.982
    Bead((), (4,), 0.0),
    Bead((6,), (), 0.6),  # skips: score 0 whatever their cost
    Bead((), (5,), 0.6),
]


@pytest.mark.parametrize("fmt, golden", [("beads", "tiny.beads"), ("jsonl", "tiny.jsonl"), ("tsv", "tiny.tsv")])
def test_format_aligned_matches_golden(fmt: str, golden: str):
    expected = (GOLDEN / golden).read_text(encoding="utf-8")
    assert format_aligned(BEADS, JA, EN, fmt, SENTENCE_COST) == expected


def test_formats_are_the_three_documented():
    assert FORMATS == ("beads", "jsonl", "tsv")


def test_bead_records_literal():
    records = bead_records(BEADS[:5], JA, EN, SENTENCE_COST)
    assert records == [
        {"ja_ids": [0], "en_ids": [0], "ja": JA[0], "en": EN[0], "cost": 0.3, "alignment_score": 0.9999, "reason": ""},
        {"ja_ids": [1], "en_ids": [1], "ja": JA[1], "en": EN[1], "cost": 1.2, "alignment_score": 0.5, "reason": ""},
        {"ja_ids": [2], "en_ids": [], "ja": "", "en": "", "cost": 0.0, "alignment_score": 0.0, "reason": "blank"},
        {"ja_ids": [3], "en_ids": [2], "ja": JA[3], "en": EN[2], "cost": 1.3, "alignment_score": 0.2689, "reason": ""},
        {
            "ja_ids": [4, 5],
            "en_ids": [3],
            "ja": JA[4] + JA[5],
            "en": EN[3],
            "cost": 1.4,
            "alignment_score": 0.982,
            "reason": "",
        },
    ]


def test_bead_records_too_long_line_is_cut_and_named():
    ja, en = ["あ" * 30, "短い。"], ["Short."]
    beads = [Bead((0,), (), 0.0), Bead((1,), (0,), 0.3)]
    records = bead_records(beads, ja, en, SENTENCE_COST, max_chars=10)
    assert [(r["reason"], r["ja"]) for r in records] == [("too_long", "あ" * 10 + "…"), ("", "短い。")]


JOIN_CASES = {
    # JA segments are joined with no space, EN ones with one; text is kept as it is (no strip)
    "2-2": (Bead((0, 1), (0, 1), 2.8), ["一文目。", "二文目。"], ["One.", "Two."], "一文目。二文目。", "One. Two."),
    "1-3": (Bead((0,), (0, 1, 2), 2.8), ["長い文。"], ["A.", "B.", "C."], "長い文。", "A. B. C."),
    "3-1": (Bead((0, 1, 2), (0,), 2.8), ["あ", "い", "う"], ["A I U."], "あいう", "A I U."),
    "spaces kept": (Bead((0,), (0, 1), 1.0), [" 前 "], [" a ", "b"], " 前 ", " a  b"),
}


@pytest.mark.parametrize("bead, ja, en, ja_text, en_text", list(JOIN_CASES.values()), ids=list(JOIN_CASES))
def test_bead_records_join_segments(bead, ja, en, ja_text, en_text):
    (record,) = bead_records([bead], ja, en, SENTENCE_COST)
    assert (record["ja"], record["en"]) == (ja_text, en_text)
    assert (record["ja_ids"], record["en_ids"]) == (list(bead.ja), list(bead.en))


SCORE_CASES = {
    # SENTENCE_COST: a bead of size s = a + b pays 0.2 * (s - 2)^2 and its fit is scaled by s / 2
    "sentence 1-1 at break-even": (SENTENCE_COST, (1, 1), 1.2, 0.5),
    "sentence 1-1 good": (SENTENCE_COST, (1, 1), 0.3, 0.9999),
    "sentence 2-2": (SENTENCE_COST, (2, 2), 2.8, 0.8808),  # fit (2.8 - 0.8) / 2 = 1.0, x = 2
    "sentence 1-3": (SENTENCE_COST, (1, 3), 2.8, 0.8808),
    "sentence 1-2": (SENTENCE_COST, (1, 2), 1.4, 0.982),
    "sentence very bad": (SENTENCE_COST, (1, 1), 9.0, 0.0),  # x clipped at -50
    "sentence perfect": (SENTENCE_COST, (1, 1), 0.0, 1.0),
    # default CostParams (paragraphs): skip 0.4, merge 0.45 per extra segment, no scaling
    "paragraph 1-1": (CostParams(), (1, 1), 0.5, 0.9526),  # x = (0.8 - 0.5) / 0.1 = 3
    "paragraph 2-1": (CostParams(), (2, 1), 0.95, 0.9526),  # fit 0.95 - 0.45 = 0.5
    "paragraph 2-2": (CostParams(), (2, 2), 1.4, 0.9526),  # fit 1.4 - 0.9 = 0.5
}


@pytest.mark.parametrize("params, size, cost, score", list(SCORE_CASES.values()), ids=list(SCORE_CASES))
def test_bead_record_score(params, size, cost, score):
    a, b = size
    bead = Bead(tuple(range(a)), tuple(range(b)), cost)
    (record,) = bead_records([bead], ["あ"] * a, ["a"] * b, params)
    assert record["alignment_score"] == score
    assert record["cost"] == round(cost, 4)


@pytest.mark.parametrize("bead", [Bead((0,), (), 0.6), Bead((), (0,), 0.6), Bead((0,), (), 0.0), Bead((), (0,), -1.0)])
def test_null_beads_score_0(bead):
    (record,) = bead_records([bead], ["あ"], ["a"], SENTENCE_COST)
    assert record["alignment_score"] == 0.0


def test_cost_is_rounded_to_4_places_everywhere():
    beads = [Bead((0,), (0,), 0.123456), Bead((1,), (1,), 0.98765)]
    ja, en = ["一", "二"], ["one", "two"]
    assert format_aligned(beads, ja, en, "beads", SENTENCE_COST) == "[0]:[0]:0.1235\n[1]:[1]:0.9877\n"
    records = [json.loads(line) for line in format_aligned(beads, ja, en, "jsonl", SENTENCE_COST).splitlines()]
    assert [r["cost"] for r in records] == [0.1235, 0.9877]


TSV_CASES = {
    "tabs and newlines fold to one space": (
        ["日本\t語"],
        ["line one\nline two\r\n\tthree"],
        "日本 語\tline one line two three",
    ),
    "runs of spaces fold, ends are trimmed": (["  前  後  "], ["  a   b  "], "前 後\ta b"),
    "full-width space is white space too": (["前\u3000後"], ["a"], "前 後\ta"),
}


@pytest.mark.parametrize("ja, en, row", list(TSV_CASES.values()), ids=list(TSV_CASES))
def test_tsv_keeps_one_row_per_bead(ja, en, row):
    out = format_aligned([Bead((0,), (0,), 0.3)], ja, en, "tsv", SENTENCE_COST)
    assert out == row + "\t0.9999\n"
    assert out.count("\n") == 1 and out.count("\t") == 2


def test_tsv_skips_null_beads():
    beads = [Bead((0,), (), 0.6), Bead((), (0,), 0.6), Bead((1,), (1,), 1.2), Bead((2,), (), 0.0)]
    out = format_aligned(beads, ["飛ばす", "猫", ""], ["skipped", "cat"], "tsv", SENTENCE_COST)
    assert out == "猫\tcat\t0.5\n"


@pytest.mark.parametrize("fmt", ["beads", "jsonl", "tsv"])
def test_no_beads_is_empty_output(fmt):
    assert format_aligned([], [], [], fmt, SENTENCE_COST) == ""


def test_jsonl_is_one_unescaped_object_a_line():
    out = format_aligned(BEADS, JA, EN, "jsonl", SENTENCE_COST)
    lines = out.split("\n")
    assert lines[-1] == "" and len(lines) == len(BEADS) + 1
    assert "吾輩" in out and "\\u" not in out  # not ASCII-escaped
    assert [json.loads(line) for line in lines[:-1]] == bead_records(BEADS, JA, EN, SENTENCE_COST)


def test_beads_format_round_trips():
    text = format_aligned(BEADS, JA, EN, "beads", SENTENCE_COST)
    assert parse_beads(text) == BEADS
    assert format_aligned(parse_beads(text), JA, EN, "beads", SENTENCE_COST) == text


@pytest.mark.parametrize("fmt", ["bogus", "", "JSONL", "csv"])
def test_unknown_format_raises(fmt):
    with pytest.raises(ValueError, match=rf"unknown format {fmt!r}: use one of beads, jsonl, tsv"):
        format_aligned(BEADS, JA, EN, fmt, SENTENCE_COST)
