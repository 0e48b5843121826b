"""Moses plain text: aligned line files of equal length, read back line by line."""

from __future__ import annotations

import pytest

from aligner.export.files import atomic_paths
from aligner.export.moses import write_moses
from aligner.export.pairs import pair_id
from aligner.export.tsv import unescape_field
from tests.export_cases import SENTENCES


def lines(path) -> list[str]:
    # as an MT toolkit reads them: one segment per line feed
    return path.read_text(encoding="utf-8").split("\n")[:-1]


def test_moses_round_trip(tmp_path):
    assert write_moses(tmp_path, SENTENCES) == ["corpus.ja", "corpus.en", "corpus.ids"]
    ja, en, ids = (lines(tmp_path / n) for n in ("corpus.ja", "corpus.en", "corpus.ids"))
    assert len(ja) == len(en) == len(ids) == len(SENTENCES)
    assert [unescape_field(x) for x in ja] == [p.ja for p in SENTENCES]
    assert [unescape_field(x) for x in en] == [p.en for p in SENTENCES]
    assert ids == [pair_id(p) for p in SENTENCES]
    # a toolkit reading with Python's universal newlines sees the same number of lines
    with open(tmp_path / "corpus.ja", encoding="utf-8") as f:
        assert len(f.readlines()) == len(SENTENCES)


def test_moses_empty(tmp_path):
    write_moses(tmp_path, [])
    assert all((tmp_path / n).read_bytes() == b"" for n in ("corpus.ja", "corpus.en", "corpus.ids"))


def test_a_failure_between_files_changes_none_of_them(tmp_path):
    a, b = tmp_path / "corpus.ja", tmp_path / "corpus.en"
    a.write_text("old ja\n", encoding="utf-8")
    b.write_text("old en\n", encoding="utf-8")
    with pytest.raises(OSError, match="disk full"), atomic_paths([a, b]) as (ta, tb):
        ta.write_text("new ja\n", encoding="utf-8")  # the first file is complete ...
        raise OSError("disk full")  # ... when writing the second one fails
    assert a.read_text(encoding="utf-8") == "old ja\n" and b.read_text(encoding="utf-8") == "old en\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus.en", "corpus.ja"]
