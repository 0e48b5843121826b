"""Tests for aligner.read.jsonl: one document a line; a bad line is reported, the others go on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aligner.errors import InputError
from aligner.read.jsonl import BadLine, JsonlFields, parse_jsonl_fields, read_jsonl
from aligner.records import Document


def _write(path: Path, *lines: object) -> Path:
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines) + "\n")
    return path


def test_interleaved_and_pair_documents(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "d.jsonl",
        {"id": "a", "text": "猫が好きです。\n\nI like cats."},
        "",
        {"id": 7, "ja": "今日は晴れです。\n雨です。", "en": "It is sunny."},
    )
    a, b = read_jsonl(path, "d.jsonl")
    assert isinstance(a, Document) and isinstance(b, Document)
    assert (a.id, a.format, a.en_start, [x.lang for x in a.blocks]) == ("d.jsonl#a", "jsonl", None, ["ja", "en"])
    assert (b.id, b.en_start) == ("d.jsonl#7", 2)  # single newlines: one paragraph a line
    assert [(x.index, x.text) for x in b.blocks] == [(0, "今日は晴れです。"), (1, "雨です。"), (2, "It is sunny.")]
    assert a.files == b.files and a.files[0].size == path.stat().st_size


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("{not json", "line 1: not JSON"),
        ("[1, 2]", "line 1: not a JSON object"),
        ('{"id": "x"}', "line 1: no a string 'text', or strings 'ja' and 'en'"),
        ('{"id": "x", "ja": "あ", "en": 3}', "line 1: no a string"),
    ],
)
def test_bad_lines(tmp_path: Path, line: str, reason: str) -> None:
    (bad,) = read_jsonl(_write(tmp_path / "d.jsonl", line), "d.jsonl")
    assert isinstance(bad, BadLine) and bad.reason.startswith(reason)
    assert bad.files[0].path == str(tmp_path / "d.jsonl")


def test_a_bad_line_does_not_stop_the_others(tmp_path: Path) -> None:
    path = _write(tmp_path / "d.jsonl", {"id": "a", "text": "x"}, "oops", {"id": "b", "text": "y"})
    assert [type(x).__name__ for x in read_jsonl(path, "d.jsonl")] == ["Document", "BadLine", "Document"]


def test_ids_are_unique_within_a_file(tmp_path: Path) -> None:
    path = _write(tmp_path / "d.jsonl", {"id": "a", "text": "x"}, {"id": "a", "text": "y"}, {"text": "z"})
    assert [d.id for d in read_jsonl(path, "d.jsonl")] == ["d.jsonl#a", "d.jsonl#line-2", "d.jsonl#line-3"]


def test_other_keys(tmp_path: Path) -> None:
    path = _write(tmp_path / "d.jsonl", {"url": "u1", "jp": "猫です。", "english": "A cat."})
    fields = parse_jsonl_fields("id=url, ja=jp, en=english")
    assert fields == JsonlFields(id="url", text="text", ja="jp", en="english")
    (doc,) = read_jsonl(path, "d.jsonl", fields)
    assert doc.id == "d.jsonl#u1" and [b.text for b in doc.blocks] == ["猫です。", "A cat."]


@pytest.mark.parametrize("spec", ["id", "name=url", "text=", "=x"])
def test_bad_field_spec(spec: str) -> None:
    with pytest.raises(InputError, match="--jsonl-fields"):
        parse_jsonl_fields(spec)
