"""`read_pairs`: every line of a JSONL or TSV pair file becomes one row, a bad line a row with its reason."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aligner.errors import InputError
from aligner.read import PairRow, read_pairs


def rows_of(path: Path, **kwargs) -> list[PairRow]:
    return [row for chunk in read_pairs(path, **kwargs) for row in chunk]


def write(tmp_path: Path, data: bytes, name: str = "pairs.jsonl") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "line, ja, en, fields, error, reason",
    [
        ('{"ja": "今日は", "en": "Today"}', "今日は", "Today", {"ja": "今日は", "en": "Today"}, None, ""),
        ('{"id": 7, "ja": "犬", "en": "dog", "tags": ["a"], "meta": {"x": null}}', "犬", "dog",
         {"id": 7, "ja": "犬", "en": "dog", "tags": ["a"], "meta": {"x": None}}, None, ""),
        ('{"ja": "", "en": ""}', "", "", {"ja": "", "en": ""}, None, ""),  # empty sides are the filters' business
        ('{"ja": "改行\\nあり", "en": "tab\\there"}', "改行\nあり", "tab\there",
         {"ja": "改行\nあり", "en": "tab\there"}, None, ""),
        ("this is not json", "", "", None, "not JSON (Expecting value)", "bad_json"),
        ('{"ja": "犬", "en": "dog"', "", "", None, "not JSON (Expecting ',' delimiter)", "bad_json"),
        ("", "", "", None, "not JSON (Expecting value)", "bad_json"),
        ('["犬", "dog"]', "", "", None, "not a JSON object", "bad_json"),
        ('"犬"', "", "", None, "not a JSON object", "bad_json"),
        ('{"ja": "犬"}', "", "", {"ja": "犬"}, "no en field", "missing_field"),
        ('{"en": "dog", "id": 2}', "", "", {"en": "dog", "id": 2}, "no ja field", "missing_field"),
        ('{"id": 3}', "", "", {"id": 3}, "no ja and no en field", "missing_field"),
        ('{"ja": 1, "en": "one"}', "", "", {"ja": 1, "en": "one"}, "ja and en must be strings", "bad_field"),
        ('{"ja": "一", "en": null}', "", "", {"ja": "一", "en": None}, "ja and en must be strings", "bad_field"),
        ('{"ja": ["一"], "en": "one"}', "", "", {"ja": ["一"], "en": "one"}, "ja and en must be strings",
         "bad_field"),
    ],
)  # fmt: skip
def test_jsonl_line(tmp_path, line, ja, en, fields, error, reason):
    (row,) = rows_of(write(tmp_path, line.encode("utf-8") + b"\n"))
    assert (row.ja, row.en, row.fields, row.error, row.reason) == (ja, en, fields, error, reason)
    assert (row.line, row.raw, row.source) == (1, line, str(tmp_path / "pairs.jsonl"))


def test_bad_lines_do_not_stop_the_file(tmp_path):
    data = b"\n".join(
        [
            b'{"ja": "\xe7\x8a\xac", "en": "dog"}',  # 犬
            b'{"ja": "\xff\xfe", "en": "bad bytes"}',
            b"not json",
            b'{"ja": "\xe7\x8c\xab", "en": "cat"}',  # 猫
        ]
    )
    rows = rows_of(write(tmp_path, data))
    assert [(r.line, r.ja, r.en, r.reason) for r in rows] == [
        (1, "犬", "dog", ""),
        (2, "", "", "bad_encoding"),
        (3, "", "", "bad_json"),
        (4, "猫", "cat", ""),
    ]
    assert rows[1].error == "not UTF-8 (byte 9)"  # `{"ja": "` is 8 bytes
    assert rows[1].fields is None
    assert rows[1].raw == '{"ja": "\ufffd\ufffd", "en": "bad bytes"}'  # shown with replacement characters


@pytest.mark.parametrize(
    "data, expected",
    [
        (b'\xef\xbb\xbf{"ja": "a", "en": "b"}\n', [("a", "b", "")]),  # a BOM on line 1 is dropped
        (b'{"ja": "a", "en": "b"}\r\n{"ja": "c", "en": "d"}\r\n', [("a", "b", ""), ("c", "d", "")]),
        (b'{"ja": "a", "en": "b"}\n\xef\xbb\xbf{"ja": "c", "en": "d"}', [("a", "b", ""), ("", "", "bad_json")]),
        (b'{"ja": "a", "en": "b"}', [("a", "b", "")]),  # no final newline
        (b"", []),
    ],
)
def test_bom_and_line_ends(tmp_path, data, expected):
    rows = rows_of(write(tmp_path, data))
    assert [(r.ja, r.en, r.reason) for r in rows] == expected
    assert all(not r.raw.endswith("\r") for r in rows)


@pytest.mark.parametrize(
    "data, expected",
    [
        (b"\xe7\x8a\xac\tdog\n", [("犬", "dog", {"ja": "犬", "en": "dog"}, "")]),
        (b"a\tb\tc\td\n", [("a", "b", {"ja": "a", "en": "b"}, "")]),  # extra columns are dropped
        (b"\xef\xbb\xbfa\tb\r\nc\td\r\n",
         [("a", "b", {"ja": "a", "en": "b"}, ""), ("c", "d", {"ja": "c", "en": "d"}, "")]),
        (b"only one column\n", [("", "", None, "missing_field")]),
        (b"\n", [("", "", None, "missing_field")]),
        (b"\tdog\n", [("", "dog", {"ja": "", "en": "dog"}, "")]),  # an empty column is a side, empty
        (b'{"ja": "a", "en": "b"}\n', [("", "", None, "missing_field")]),  # JSON read as TSV
        (b"a\t\xff\n", [("", "", None, "bad_encoding")]),
    ],
)  # fmt: skip
def test_tsv(tmp_path, data, expected):
    rows = rows_of(write(tmp_path, data, "pairs.tsv"), tsv=True)
    assert [(r.ja, r.en, r.fields, r.reason) for r in rows] == expected
    for r in rows:
        if r.reason == "missing_field":
            assert r.error == "fewer than two tab-separated columns"


def test_chunks_keep_counting_lines(tmp_path):
    lines = [json.dumps({"ja": f"文{k}", "en": f"line {k}"}, ensure_ascii=False) for k in range(1, 6)]
    path = write(tmp_path, ("\n".join(lines) + "\n").encode("utf-8"))
    chunks = list(read_pairs(path, chunk=2))
    assert [[r.line for r in c] for c in chunks] == [[1, 2], [3, 4], [5]]
    assert [r.en for c in chunks for r in c] == ["line 1", "line 2", "line 3", "line 4", "line 5"]
    assert [len(c) for c in read_pairs(path, chunk=5)] == [5]  # no empty chunk after a full one
    assert [len(c) for c in read_pairs(path)] == [5]


def test_missing_file_raises_when_called(tmp_path):
    missing = tmp_path / "nope.jsonl"
    with pytest.raises(InputError, match="nope.jsonl: cannot read the file"):
        read_pairs(missing)  # before any iteration: the caller learns at once
    with pytest.raises(InputError, match=str(tmp_path)):
        read_pairs(tmp_path)  # a folder


def test_lone_surrogate_is_a_bad_row(tmp_path):
    rows = rows_of(write(tmp_path, b'{"ja": "\\ud800\xe7\x8a\xac", "en": "dog"}\n{"ja": "a", "en": "b"}\n'))
    assert [(r.line, r.reason) for r in rows] == [(1, "bad_encoding"), (2, "")]
    assert rows[0].fields is None


FIELD = st.text(max_size=12)
RECORD = st.fixed_dictionaries(
    {"ja": FIELD, "en": FIELD},
    optional={"id": st.integers(), "note": FIELD, "score_in": st.floats(allow_nan=False, allow_infinity=False)},
)


@settings(max_examples=40, deadline=None)
@given(st.lists(RECORD, max_size=7), st.integers(1, 4))
def test_jsonl_round_trip(records, chunk):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pairs.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
        chunks = list(read_pairs(path, chunk=chunk))
    rows = [r for c in chunks for r in c]
    assert all(0 < len(c) <= chunk for c in chunks)
    assert [r.line for r in rows] == list(range(1, len(records) + 1))
    assert [r.fields for r in rows] == records
    assert [(r.ja, r.en) for r in rows] == [(r["ja"], r["en"]) for r in records]
    assert all(r.error is None and r.reason == "" for r in rows)
