"""Tests for aligner.read.translated: two translated files as one Document."""

from __future__ import annotations

from aligner.read.translated import join_translated
from aligner.records import Block, Document, FileDigest


def test_join_translated() -> None:
    ja = Document("a.ja.txt", "a.ja.txt", (Block(0, "猫。", 0, 2, "ja", 1.0), Block(1, "犬。", 4, 6, "ja", 1.0)),
                  encoding="cp932", replaced=1, files=(FileDigest("a.ja.txt", 10, "x"),))  # fmt: skip
    en = Document(
        "a.en.txt", "a.en.txt", (Block(0, "A cat.", 0, 6, "en", 1.0),), files=(FileDigest("a.en.txt", 6, "y"),)
    )
    doc = join_translated("a.{ja,en}.txt", ja, en)
    assert (doc.id, doc.source, doc.encoding, doc.replaced) == (
        "a.{ja,en}.txt", "a.ja.txt + a.en.txt", "ja: cp932, en: utf-8", 1,
    )  # fmt: skip
    assert doc.parallel and doc.en_start == 2
    assert [(b.index, b.text, b.start) for b in doc.blocks] == [(0, "猫。", 0), (1, "犬。", 4), (2, "A cat.", 0)]
    assert [f.path for f in doc.files] == ["a.ja.txt", "a.en.txt"]
    same = join_translated("b", en, en)
    assert same.encoding == "utf-8" and same.format == "text"
