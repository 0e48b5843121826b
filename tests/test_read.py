"""Tests for aligner.read: decoding, paragraph splitting, folders and unreadable files."""

from __future__ import annotations

import codecs
import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aligner.errors import InputError
from aligner.read import (
    ReadFailure,
    ReadOptions,
    decode,
    decode_replacing,
    find_inputs,
    read_documents,
    read_text,
    split_blocks,
    split_paragraphs,
)
from aligner.read.text import split_lines
from aligner.records import Document

SEED = Path(__file__).resolve().parents[1] / "seeds" / "pscore_internet_nk.txt"
EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev" / "interleaved"

SAMPLE = (
    "『愛の不時着』で話題・北朝鮮のインターネット事情とは？\n"
    "\n"
    "A. 基本的には使えません。政府が利用を厳しく統制しているためです。\n"
    "\n"
    "A. Basically, it is not allowed.\n"
)
# Bytes that no encoding tried accepts: NUL bytes rule out every decoding as text.
UNDECODABLE = bytes(range(256)) * 4


# --- decode -------------------------------------------------------------------------------

ENCODINGS: list[tuple[str, Callable[[str], bytes], str]] = [
    ("utf-8", lambda s: s.encode("utf-8"), "utf-8"),
    ("utf-8 with BOM", lambda s: s.encode("utf-8-sig"), "utf-8-sig"),
    ("utf-16 LE BOM", lambda s: codecs.BOM_UTF16_LE + s.encode("utf-16-le"), "utf-16-le"),
    ("utf-16 BE BOM", lambda s: codecs.BOM_UTF16_BE + s.encode("utf-16-be"), "utf-16-be"),
    ("utf-32 LE BOM", lambda s: codecs.BOM_UTF32_LE + s.encode("utf-32-le"), "utf-32-le"),
    ("shift_jis", lambda s: s.encode("shift_jis"), "cp932"),
    ("cp932", lambda s: s.encode("cp932"), "cp932"),
    ("euc-jp", lambda s: s.encode("euc_jp"), "euc_jp"),
    ("utf-16 LE without BOM", lambda s: s.encode("utf-16-le"), "utf-16-le"),  # charset-normalizer
]


@pytest.mark.parametrize(("label", "encode", "name"), ENCODINGS, ids=[e[0] for e in ENCODINGS])
def test_decode_round_trips_each_encoding(
    tmp_path: Path, label: str, encode: Callable[[str], bytes], name: str
) -> None:
    path = tmp_path / "doc.txt"
    path.write_bytes(encode(SAMPLE))
    assert decode(path.read_bytes(), str(path)) == (SAMPLE, name)


@pytest.mark.parametrize(
    ("text", "encoding", "name"),
    [
        ("日本", "euc_jp", "euc_jp"),  # short kanji-only: both legacy codecs could apply
        ("日本", "cp932", "cp932"),
        ("漢字だけ", "euc_jp", "euc_jp"),
        ("ｶﾀｶﾅﾃﾞｽ", "cp932", "cp932"),  # half-width only: also valid EUC-JP, as kanji
        ("ﾃｽﾄです", "euc_jp", "euc_jp"),  # also valid cp932, as kanji and half-width kana
        ("plain ASCII", "ascii", "utf-8"),
    ],
)
def test_decode_short_texts(text: str, encoding: str, name: str) -> None:
    assert decode(text.encode(encoding), "x.txt") == (text, name)


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"a\r\nb\r\n", "a\nb\n"),
        (b"a\rb\r", "a\nb\n"),
        (b"a\r\n\r\nb\n\rc", "a\n\nb\n\nc"),
        (codecs.BOM_UTF8 + b"\r\nx", "\nx"),
        (b"", ""),
    ],
)
def test_decode_normalises_newlines(data: bytes, text: str) -> None:
    assert decode(data, "x.txt")[0] == text


def test_decode_strips_a_bom_of_any_kind() -> None:
    text, _ = decode(codecs.BOM_UTF16_BE + "\ufeffあ".encode("utf-16-be"), "x.txt")
    assert text == "あ"


def test_decode_names_the_source_and_what_was_tried() -> None:
    with pytest.raises(InputError, match=r"^bad\.txt: cannot decode .*cp932, euc_jp"):
        decode(UNDECODABLE, "bad.txt")


def test_decode_rejects_a_bom_followed_by_garbage() -> None:
    with pytest.raises(InputError):
        decode(codecs.BOM_UTF16_LE + b"\x00\xd8", "x.txt")  # a lone surrogate


# --- split_blocks --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "blocks"),
    [
        ("", []),
        ("\n\n  \n", []),
        ("one", ["one"]),
        ("one\ntwo", ["one\ntwo"]),
        ("one\n\ntwo", ["one", "two"]),
        ("\n\n\none\n\n\n\ntwo\n\n\n", ["one", "two"]),
        ("one\n   \ntwo", ["one", "two"]),
        ("one\n\t \ntwo", ["one", "two"]),
        ("one\n\u3000\ntwo", ["one", "two"]),
        ("one\n\u00a0\u3000 \ntwo", ["one", "two"]),
        ("  indented\n  lines  \n\n\u3000全角で始まる", ["indented\n  lines", "全角で始まる"]),
        ("However.\u00a0\n\nNext", ["However.", "Next"]),
        ("a\n \nb\n\u3000\nc", ["a", "b", "c"]),
    ],
)
def test_split_blocks(text: str, blocks: list[str]) -> None:
    spans = split_blocks(text)
    assert [text[start:end] for start, end in spans] == blocks


def test_split_blocks_offsets() -> None:
    assert split_blocks("\n  ab\n\n\u3000cd \nef\n") == [(3, 5), (8, 14)]


def _naive_blocks(text: str) -> list[str]:
    """The eval README's definition, written the obvious way."""
    return [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]


@given(st.text(alphabet=st.sampled_from("ab \t\n\u3000\u00a0あ")))
def test_split_blocks_agrees_with_the_naive_split(text: str) -> None:
    spans = split_blocks(text)
    assert [text[start:end] for start, end in spans] == _naive_blocks(text)
    assert all(start < end for start, end in spans)
    assert all(a[1] < b[0] for a, b in zip(spans, spans[1:], strict=False))


# --- read_text -----------------------------------------------------------------------------


def test_read_text_fills_blocks(tmp_path: Path) -> None:
    path = tmp_path / "doc.txt"
    path.write_bytes(SAMPLE.replace("\n", "\r\n").encode("cp932"))
    doc = read_text(path, "doc.txt")
    assert (doc.id, doc.source, doc.encoding) == ("doc.txt", str(path), "cp932")
    assert [(b.index, b.lang) for b in doc.blocks] == [(0, "ja"), (1, "ja"), (2, "en")]
    assert doc.blocks[2].text == "A. Basically, it is not allowed."
    assert doc.blocks[2].confidence == 1.0
    text, _ = decode(path.read_bytes(), "doc.txt")
    assert all(text[b.start : b.end] == b.text for b in doc.blocks)


@pytest.mark.parametrize("data", [b"", b"\n\n", " \u3000\r\n".encode()])
def test_read_text_of_an_empty_file_has_no_blocks(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(data)
    assert read_text(path, "empty.txt").blocks == ()


def test_read_text_of_a_missing_file_raises_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        read_text(tmp_path / "nope.txt", "nope.txt")


@pytest.fixture(scope="module")
def seed() -> Document:
    if not SEED.exists():
        pytest.skip(f"seed document not found at {SEED}")
    return read_text(SEED, "pscore_internet_nk.txt")


def test_seed_paragraphs_match_the_eval_readme(seed: Document) -> None:
    assert len(seed.blocks) == 32
    assert [b.index for b in seed.blocks] == list(range(32))
    assert seed.blocks[0].text.startswith("『愛の不時着』で話題")
    assert seed.blocks[4].text.startswith("A. 基本的には")
    assert seed.blocks[5].text.startswith("A. Basically")
    assert seed.blocks[28].text == "▶︎\u00a0http://pscore.org/home-ja/"
    assert seed.blocks[31].text == "Thank you for reading! See you next time!:)"


@pytest.mark.parametrize(
    ("index", "lang"),
    [
        (0, "ja"),
        (1, "en"),
        (2, "en"),
        (3, "en"),
        (4, "ja"),
        (5, "en"),
        (11, "ja"),
        (18, "ja"),
        (19, "en"),
        (26, "ja"),
        (27, "en"),
        (28, "other"),
    ],
)
def test_seed_languages(seed: Document, index: int, lang: str) -> None:
    assert seed.blocks[index].lang == lang


def _eval_cases() -> list[Path]:
    return sorted(p for p in EVAL.iterdir() if (p / "gold.jsonl").exists()) if EVAL.is_dir() else []


@pytest.mark.skipif(not _eval_cases(), reason=f"eval data not found at {EVAL}")
@pytest.mark.parametrize("case", _eval_cases(), ids=lambda p: p.name)
def test_gold_paragraphs_have_the_language_of_their_side(case: Path) -> None:
    doc = read_text(case / "doc.txt", case.name)
    for line in (case / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        pair = json.loads(line)
        assert [doc.blocks[i].lang for i in pair["ja"]] == ["ja"] * len(pair["ja"]), pair
        assert [doc.blocks[i].lang for i in pair["en"]] == ["en"] * len(pair["en"]), pair


# --- find_inputs and read_documents ---------------------------------------------------------


def _tree(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def test_find_inputs_walks_folders_in_order(tmp_path: Path) -> None:
    root = _tree(
        tmp_path / "corpus",
        {
            "b.txt": b"b",
            "a/z.txt": b"z",
            "a/deeper/y.TXT": b"y",
            "a.txt": b"a",
            "notes.md": b"md",
            "page.HTML": b"<p>x</p>",
            "dump.jsonl": b"{}",
            "paper.pdf": b"%PDF",
            ".hidden/x.txt": b"no",
            "a/.x.txt": b"no",
        },
    )
    (root / "dir.txt").mkdir()  # a folder named like a text file is not a file
    listed = find_inputs([root])
    assert [(i.doc, i.format) for i in listed.found] == [
        ("a.txt", "text"), ("a/deeper/y.TXT", "text"), ("a/z.txt", "text"), ("b.txt", "text"),
        ("dump.jsonl", "jsonl"), ("notes.md", "text"), ("page.HTML", "html"),
    ]  # fmt: skip
    assert all(i.paths == (root / i.doc,) for i in listed.found)
    assert [(Path(s.source).name, "'.pdf' files" in s.reason) for s in listed.skipped] == [("paper.pdf", True)]


def test_find_inputs_takes_files_as_given(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"one.txt": b"1", "sub/two.xyz": b"2", "d/three.txt": b"3"})
    listed = find_inputs([root / "one.txt", str(root / "sub" / "two.xyz"), root / "d"])
    assert [(i.paths, i.doc, i.format) for i in listed.found] == [
        ((root / "one.txt",), (root / "one.txt").as_posix(), "text"),
        ((root / "sub" / "two.xyz",), (root / "sub" / "two.xyz").as_posix(), "text"),
        ((root / "d" / "three.txt",), "three.txt", "text"),
    ]


def test_find_inputs_lists_a_missing_path(tmp_path: Path) -> None:
    listed = find_inputs([tmp_path / "missing.txt"])
    assert listed.found == () and listed.missing[0].reason.startswith("no such file or folder")


def test_find_inputs_makes_ids_unique_across_folders(tmp_path: Path) -> None:
    _tree(tmp_path, {"A/post.txt": b"a", "B/post.txt": b"b", "B/only.txt": b"c"})
    listed = find_inputs([tmp_path / "A", tmp_path / "B", tmp_path / "A" / "post.txt"])
    ids = [i.doc for i in listed.found]
    a, b = (tmp_path / "A").as_posix(), (tmp_path / "B").as_posix()
    assert ids == [f"{a}/post.txt", "only.txt", f"{b}/post.txt", f"{a}/post.txt#2"]  # the last given twice


def test_find_inputs_pairs_translated_files(tmp_path: Path) -> None:
    _tree(tmp_path, {"s/a.ja.txt": b"1", "s/a.en.txt": b"2", "b.ja.html": b"3", "b.en.html": b"4", "c.ja.txt": b"5"})
    listed = find_inputs([tmp_path])
    assert [(i.doc, len(i.paths), i.format) for i in listed.found] == [
        ("b.{ja,en}.html", 2, "html"), ("c.ja.txt", 1, "text"), ("s/a.{ja,en}.txt", 2, "text"),
    ]  # fmt: skip
    assert listed.found[2].paths == (tmp_path / "s" / "a.ja.txt", tmp_path / "s" / "a.en.txt")


def test_find_inputs_pairs_files_within_their_folder(tmp_path: Path) -> None:
    # x.ja.txt is in both folders, x.en.txt only in A: A's pair is still a pair
    _tree(tmp_path, {"A/x.ja.txt": b"1", "A/x.en.txt": b"2", "B/x.ja.txt": b"3", "B/x.en.html": b"4"})
    listed = find_inputs([tmp_path / "A", tmp_path / "B"])
    assert [(i.doc, len(i.paths)) for i in listed.found] == [
        ("x.{ja,en}.txt", 2), ("x.en.html", 1), ("x.ja.txt", 1),
    ]  # fmt: skip


def test_find_inputs_glob_chooses_files(tmp_path: Path) -> None:
    _tree(tmp_path, {"a.txt": b"1", "b.csv": b"2", "sub/c.csv": b"3"})
    listed = find_inputs([tmp_path], ReadOptions(glob=("*.csv",)))
    assert [i.doc for i in listed.found] == ["b.csv", "sub/c.csv"] and listed.skipped == ()


def test_read_documents_skips_a_bad_file_and_reads_the_others(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "a.txt": "はじめに\n\nIntro".encode("euc_jp"),
            "b.txt": UNDECODABLE,
            "c.txt": b"",
            "d.txt": SAMPLE.encode("utf-16"),
        },
    )
    a, failure, c, d = read_documents([root])
    assert isinstance(a, Document) and isinstance(c, Document) and isinstance(d, Document)
    assert isinstance(failure, ReadFailure)
    assert [(b.text, b.lang) for b in a.blocks] == [("はじめに", "ja"), ("Intro", "en")]
    assert failure.source == str(root / "b.txt")
    assert failure.reason.startswith("cannot decode the file as text")
    assert c.blocks == ()
    assert len(d.blocks) == 3


def test_read_documents_gives_a_missing_path_as_a_failure(tmp_path: Path) -> None:
    (failure,) = read_documents([tmp_path / "missing"])
    assert isinstance(failure, ReadFailure) and "no such file" in failure.reason


# --- paragraphs by lines, stray bytes, ISO-2022-JP ------------------------------------------


@pytest.mark.parametrize(
    ("text", "mode", "blocks"),
    [
        ("a\nb\n\nc", "blank", ["a\nb", "c"]),
        ("a\nb\n\nc", "lines", ["a", "b", "c"]),
        ("a\nb\n\nc", "auto", ["a\nb", "c"]),  # a blank line: paragraphs are blocks
        (" a \n b\n", "auto", ["a", "b"]),  # no blank line: paragraphs are lines
        ("one line", "auto", ["one line"]),
        ("", "auto", []),
        ("\u3000あ\u3000\n\n\nい", "lines", ["あ", "い"]),
    ],
)
def test_split_paragraphs(text: str, mode: str, blocks: list[str]) -> None:
    assert [text[a:b] for a, b in split_paragraphs(text, mode)] == blocks


def test_split_paragraphs_rejects_an_unknown_mode() -> None:
    with pytest.raises(ValueError, match="blank, lines"):
        split_paragraphs("x", "words")


@given(st.text(alphabet=st.sampled_from("ab \t\n\u3000あ")))
def test_split_lines_agrees_with_the_naive_split(text: str) -> None:
    assert [text[a:b] for a, b in split_lines(text)] == [x.strip() for x in text.split("\n") if x.strip()]


@given(st.text(alphabet=st.sampled_from("ab \n\u3000あ")))
def test_auto_is_blank_or_lines(text: str) -> None:
    auto = split_paragraphs(text, "auto")
    assert auto in (split_blocks(text), split_lines(text))
    assert all("\n" not in text[a:b] for a, b in auto) or auto == split_blocks(text)


def test_stray_bytes_are_replaced_and_counted() -> None:
    data = "猫が好きです。\n".encode() * 20 + b"I like cats\xff\xfe.\n"
    decoded = decode_replacing(data, "x.txt")
    assert (decoded.encoding, decoded.replaced) == ("utf-8", 2)
    assert decoded.text.endswith("I like cats\ufffd\ufffd.\n")


@pytest.mark.parametrize(
    ("data", "ends"),
    [(b"a\nb\n", "lf"), (b"a\r\nb\r\n", "crlf"), (b"a\rb", "cr"), (b"a\r\nb\nc", "mixed"), (b"one", "")],
)
def test_line_ends_are_recorded(data: bytes, ends: str) -> None:
    assert decode_replacing(data, "x.txt").line_ends == ends
    assert decode_replacing(codecs.BOM_UTF16_LE + data.decode().encode("utf-16-le"), "x.txt").line_ends == ends


def test_too_many_stray_bytes_name_line_and_offset() -> None:
    data = b"ok\nfine\n" + b"\xff\x00" * 50
    with pytest.raises(InputError, match=r"^x\.txt: cannot decode the file as text: line 3, byte offset 8 \(0xff\)"):
        decode_replacing(data, "x.txt")
    with pytest.raises(InputError, match="line 3, byte offset 8"):
        decode(b"ok\nfine\n\xff\x00 rest", "x.txt")  # decode replaces nothing


def test_iso_2022_jp() -> None:
    assert decode(SAMPLE.encode("iso2022_jp"), "x.txt") == (SAMPLE, "iso2022_jp")


def test_read_text_records_what_was_read(tmp_path: Path) -> None:
    path = tmp_path / "doc.txt"
    data = SAMPLE.encode("euc_jp")
    path.write_bytes(data)
    doc = read_text(path, "doc.txt", paragraphs="lines")
    assert doc.files[0].size == len(data)
    assert doc.files[0].sha256 == hashlib.sha256(data).hexdigest()
    assert doc.encoding == "euc_jp" and doc.replaced == 0 and len(doc.blocks) == 3
