"""TSV: the escaping rule, the golden file, and reading it back with pandas and the csv module."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aligner.export.pairs import pair_id
from aligner.export.tsv import escape_field, unescape_field, write_tsv
from tests.export_cases import PAIRS, SENTENCES

GOLDEN = Path(__file__).parent / "data" / "export" / "corpus.tsv"

ESCAPES = {
    "plain": ("猫 cat", "猫 cat"),
    "tab": ("a\tb", "a\\tb"),
    "newline": ("a\nb", "a\\nb"),
    "carriage return": ("a\r\nb", "a\\r\\nb"),
    "backslash": ("a\\b", "a\\\\b"),
    "backslash n is not a newline": ("\\n", "\\\\n"),
    "other controls stay": ("\x07\x0b\u2028", "\x07\x0b\u2028"),
}


@pytest.mark.parametrize("text, field", list(ESCAPES.values()), ids=list(ESCAPES))
def test_escape_field(text, field):
    assert escape_field(text) == field
    assert unescape_field(field) == text


@given(st.text())
def test_escape_round_trips_and_leaves_no_tab_or_line_break(text):
    field = escape_field(text)
    assert "\t" not in field and "\n" not in field and "\r" not in field
    assert unescape_field(field) == text


def test_unescape_keeps_an_unknown_escape():
    assert unescape_field("a\\qb\\") == "a\\qb\\"


def test_write_tsv_matches_golden(tmp_path):
    path = tmp_path / "corpus.tsv"
    assert write_tsv(path, SENTENCES) == 3
    assert path.read_bytes() == GOLDEN.read_bytes()


def test_tsv_read_back_with_pandas(tmp_path):
    import pandas as pd

    path = tmp_path / "corpus.tsv"
    write_tsv(path, SENTENCES)
    df = pd.read_csv(path, sep="\t", quoting=csv.QUOTE_NONE, dtype=str, keep_default_na=False)
    assert list(df.columns) == ["id", "ja", "en", "score", "doc"]
    assert df["ja"].map(unescape_field).tolist() == [p.ja for p in SENTENCES]
    assert df["en"].map(unescape_field).tolist() == [p.en for p in SENTENCES]
    assert df["id"].tolist() == [pair_id(p) for p in SENTENCES]
    assert df["score"].astype(float).tolist() == [p.score for p in SENTENCES]
    assert df["doc"].tolist() == [p.doc for p in SENTENCES]


def test_tsv_with_verdicts_read_back_with_csv(tmp_path):
    path = tmp_path / "corpus.tsv"
    pairs = [p for p in PAIRS if p.level == "sentence"]
    write_tsv(path, pairs, verdicts=True)
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert rows[0] == ["id", "ja", "en", "score", "doc", "kept", "reason"]
    assert [[unescape_field(x) for x in row[1:3]] for row in rows[1:]] == [[p.ja, p.en] for p in pairs]
    assert [row[5:] for row in rows[1:]] == [["true" if p.kept else "false", p.reason] for p in pairs]


def test_empty_tsv_is_the_header(tmp_path):
    assert write_tsv(tmp_path / "x.tsv", []) == 0
    assert (tmp_path / "x.tsv").read_text(encoding="utf-8") == "id\tja\ten\tscore\tdoc\n"
