"""The PSCORE post in every input format and encoding gives its gold paragraph pairs; a folder
of good and bad inputs gives every good document's pairs and a true reason for each bad one."""

from __future__ import annotations

import codecs
import html
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from aligner.config import BuildConfig
from aligner.embed import CachedEmbedder
from aligner.export.pairs import pair_id
from aligner.pipeline import Corpus, build
from aligner.read import ReadOptions, split_blocks
from tests.conftest import SEEDS, shared_path

PSCORE = SEEDS / "pscore_internet_nk.txt"
TEXT = PSCORE.read_text(encoding="utf-8")
BLOCKS = [TEXT[a:b] for a, b in split_blocks(TEXT)]
MARKUP = re.compile(r"<[a-zA-Z/!][^>]*>|&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);")


@pytest.fixture(scope="module")
def cached(embedder, tmp_path_factory):
    """The real embedder behind a cache, so that every format re-uses the first one's vectors."""
    return CachedEmbedder(embedder, tmp_path_factory.mktemp("emb") / "emb.sqlite")


@pytest.fixture(scope="module")
def gold() -> set[tuple[str, str]]:
    """The gold paragraph pairs of the PSCORE post, as (JA text, EN text)."""
    rows = map(json.loads, shared_path("eval", "dev", "interleaved", "pscore", "gold.jsonl").read_text().splitlines())
    return {("".join(BLOCKS[i] for i in r["ja"]), " ".join(BLOCKS[i] for i in r["en"])) for r in rows}


def _kept(corpus: Corpus, doc: str | None = None) -> set[tuple[str, str]]:
    return {
        (p.ja, p.en) for p in corpus.kept if p.level == "paragraph" and (doc is None or p.doc == doc)
    }  # fmt: skip


def _page(blocks: list[str]) -> str:
    """The post as a saved web page: navigation, scripts, a footer and entities around it."""
    body = "\n".join(f"<p>{html.escape(b)}</p>" for b in blocks)
    return (
        "<!DOCTYPE html><html><head><title>PSCORE</title><style>p { margin: 0 }</style>"
        "<script>var x = '<p>not text</p>';</script></head><body>"
        "<header><h1>PSCORE</h1></header><nav><ul><li>Home</li><li>About &amp; contact</li></ul></nav>"
        f"<article>{body}</article><!-- a comment -->"
        "<aside><p>Related posts</p></aside><form><p>Subscribe</p></form>"
        "<footer><p>&copy; 2023 PSCORE</p></footer></body></html>"
    )


FORMATS: dict[str, Callable[[Path], tuple[list[Path], ReadOptions]]] = {}


def _format(name: str):
    def register(fn):
        FORMATS[name] = fn
        return fn

    return register


@_format("blank-line text")
def _blank(tmp: Path):
    (tmp / "post.txt").write_text(TEXT, encoding="utf-8")
    return [tmp / "post.txt"], ReadOptions()


@_format("single-newline text")
def _lines(tmp: Path):
    (tmp / "post.txt").write_text("\n".join(BLOCKS) + "\n", encoding="utf-8")
    return [tmp / "post.txt"], ReadOptions()


@_format("html, one line")
def _html(tmp: Path):
    (tmp / "post.html").write_text(_page(BLOCKS).replace("\n", ""), encoding="utf-8")
    return [tmp / "post.html"], ReadOptions()


@_format("html with blank lines")
def _html_blank(tmp: Path):
    (tmp / "post.htm").write_text(_page(BLOCKS).replace("</p>\n", "</p>\n\n"), encoding="utf-8")
    return [tmp], ReadOptions()


@_format("jsonl")
def _jsonl(tmp: Path):
    lines = [json.dumps({"id": "pscore", "text": TEXT}, ensure_ascii=False), "this line is not JSON"]
    (tmp / "dump.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [tmp / "dump.jsonl"], ReadOptions()


@_format("jsonl, other keys")
def _jsonl_fields(tmp: Path):
    (tmp / "dump.jsonl").write_text(json.dumps({"url": "u", "body": TEXT}, ensure_ascii=False), encoding="utf-8")
    return [tmp / "dump.jsonl"], ReadOptions(jsonl_fields=ReadOptions().jsonl_fields.__class__(id="url", text="body"))


@_format("input-format override")
def _override(tmp: Path):
    (tmp / "post.data").write_text(_page(BLOCKS), encoding="utf-8")
    return [tmp / "post.data"], ReadOptions(input_format="html")


@pytest.mark.parametrize("name", list(FORMATS))
def test_every_format_gives_the_gold_paragraph_pairs(tmp_path: Path, cached, gold, name: str):
    inputs, options = FORMATS[name](tmp_path)
    corpus = build(inputs, BuildConfig(read=options), embedder=cached)
    assert _kept(corpus) == gold
    assert not any(MARKUP.search(p.ja) or MARKUP.search(p.en) for p in corpus.pairs)
    assert corpus.processed == 1


ENCODINGS: dict[str, Callable[[str], bytes]] = {
    "utf-8": lambda s: s.encode("utf-8"),
    "utf-8 BOM": lambda s: s.encode("utf-8-sig"),
    "cp932": lambda s: s.encode("cp932"),
    "euc-jp": lambda s: s.encode("euc_jp"),
    "iso-2022-jp": lambda s: s.encode("iso2022_jp"),
    "utf-16 LE BOM": lambda s: codecs.BOM_UTF16_LE + s.encode("utf-16-le"),
    "utf-16 BE BOM": lambda s: codecs.BOM_UTF16_BE + s.encode("utf-16-be"),
    "CRLF": lambda s: s.replace("\n", "\r\n").encode("utf-8"),
    "CR": lambda s: s.replace("\n", "\r").encode("utf-8"),
}


_NOT_IN_LEGACY = str.maketrans({"\u00a0": " ", "\u2013": "-", "\u25b6": ">", "\ufe0e": None})


def _legacy_safe(text: str) -> str:
    """The post without the few characters that cp932, EUC-JP and ISO-2022-JP lack."""
    return text.translate(_NOT_IN_LEGACY)


# The legacy encodings lack an en dash: with it replaced anywhere in the post, the JA title
# (a headline the gold leaves unpaired, next to the EN greeting) is paired. So the post is
# written in every encoding without its title; the gold pairs are all still there.
UNTITLED = _legacy_safe("\n\n".join(BLOCKS[1:]))


@pytest.mark.parametrize("name", list(ENCODINGS))
def test_every_encoding_gives_the_gold_paragraph_pairs(tmp_path: Path, cached, gold, name: str):
    (tmp_path / "post.txt").write_bytes(ENCODINGS[name](UNTITLED))
    corpus = build([tmp_path], embedder=cached)
    assert _kept(corpus) == {(_legacy_safe(ja), _legacy_safe(en)) for ja, en in gold}
    (report,) = corpus.reports
    assert report.encoding == {"cp932": "cp932", "euc-jp": "euc_jp", "iso-2022-jp": "iso2022_jp"}.get(
        name, report.encoding
    )
    assert report.replaced_bytes == 0
    assert report.line_ends == {"CRLF": "crlf", "CR": "cr"}.get(name, "lf")


def test_translated_files_cut_from_the_post_give_the_gold_pairs(tmp_path: Path, cached, gold):
    ja = [b for b in BLOCKS if any(b == g[0] for g in gold)]
    en = [b for b in BLOCKS if any(b == g[1] for g in gold)]
    (tmp_path / "post.ja.txt").write_text(_legacy_safe("\n\n".join(ja)), encoding="cp932")
    (tmp_path / "post.en.txt").write_text("\n\n".join(en), encoding="utf-8")
    corpus = build([tmp_path], embedder=cached)
    (report,) = corpus.reports
    assert report.doc == "post.{ja,en}.txt" and report.encoding == "ja: cp932, en: utf-8"
    assert _kept(corpus) == {(_legacy_safe(ja), en) for ja, en in gold}
    assert {p.level for p in corpus.kept} == {"paragraph", "sentence"}


def test_translated_files_without_paragraphs_are_aligned_by_sentences(tmp_path: Path, cached):
    (tmp_path / "a.ja.html").write_text(
        "<p>今日は晴れです。明日は雨が降るでしょう。猫が好きです。</p>", encoding="utf-8"
    )
    (tmp_path / "a.en.html").write_text(
        "<p>It is sunny today.</p><p>It will rain tomorrow.</p><p>I like cats.</p>", encoding="utf-8"
    )
    corpus = build([tmp_path], embedder=cached)
    assert [p.level for p in corpus.kept] == ["sentence"] * 3
    assert [(p.ja, p.en) for p in corpus.kept][2] == ("猫が好きです。", "I like cats.")
    assert corpus.reports[0].note == ""


# --- a folder of good and bad inputs ----------------------------------------------------------

KOREAN = "북한의 인터넷 사정은 어떻습니까?\n\n기본적으로 사용할 수 없습니다."
CHINESE = "北京是中国的首都。\n\n这是一个只有中文的文件。"


def _bad_folder(root: Path) -> dict[str, str]:
    """Write good and bad inputs; returns each bad input's id and a word its reason must hold."""
    root.mkdir()
    (root / "good.txt").write_text(TEXT, encoding="utf-8")
    (root / "good.jsonl").write_text(
        json.dumps({"id": "cats", "ja": "猫が好きです。", "en": "I like cats."}, ensure_ascii=False) + "\n{not json\n",
        encoding="utf-8",
    )
    (root / "empty.txt").write_bytes(b"")
    (root / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (root / "undecodable.txt").write_bytes(b"ok\n" + b"\xff\xfe\x80" * 400)
    (root / "stray.txt").write_bytes("犬が好きです。\n\nI like dogs".encode() + b"\xff.\n")
    (root / "huge.txt").write_text("長い行です。" * 900_000, encoding="utf-8")  # 5.4 MB, one line
    (root / "korean.txt").write_text(KOREAN, encoding="utf-8")
    (root / "chinese.txt").write_text(CHINESE, encoding="utf-8")
    (root / "ja_only.txt").write_text("日本語だけです。\n\nこれも日本語です。", encoding="utf-8")
    (root / "en_only.txt").write_text("English only.\n\nThis too.", encoding="utf-8")
    (root / "no_text.html").write_text("<html><body><nav><p>Home</p></nav><script>x</script></body></html>")
    (root / "locked.txt").write_text("猫です。\n\nA cat.", encoding="utf-8")
    (root / "paper.pdf").write_bytes(b"%PDF-1.4")
    return {
        "good.jsonl#line-2": "not JSON",
        "empty.txt": "empty",
        "binary.txt": "cannot decode",
        "undecodable.txt": "line 2, byte offset 3",
        "huge.txt": "Japanese only",
        "korean.txt": "Korean",
        "chinese.txt": "Chinese",
        "ja_only.txt": "Japanese only",
        "en_only.txt": "English only",
        "no_text.html": "empty",
        "locked.txt": "cannot read the file",
    }


def test_a_folder_of_good_and_bad_inputs(tmp_path: Path, cached, gold, monkeypatch):
    bad = _bad_folder(tmp_path / "in")
    real_read = Path.read_bytes
    locked = tmp_path / "in" / "locked.txt"

    def read_bytes(self: Path) -> bytes:  # permissions do not stop root: refuse the file here
        if self == locked:
            raise PermissionError(13, "Permission denied")
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    corpus = build([tmp_path / "in"], embedder=cached)
    reports = {r.doc: r for r in corpus.reports}
    assert _kept(corpus, "good.txt") == gold
    assert _kept(corpus, "good.jsonl#cats") == {("猫が好きです。", "I like cats.")}
    for doc, word in bad.items():
        reason = reports[doc].error or reports[doc].note
        assert word in reason, (doc, reason)
        assert reports[doc].bad
    assert "English only" not in reports["korean.txt"].note + reports["chinese.txt"].note
    assert reports["huge.txt"].too_long_blocks == 1
    assert [(p.reason, len(p.ja)) for p in corpus.pairs if p.doc == "huge.txt"] == [("too_long", 2001)]
    assert reports["stray.txt"].replaced_bytes == 1 and not reports["stray.txt"].bad
    assert _kept(corpus, "stray.txt") == {("犬が好きです。", "I like dogs\ufffd.")}
    assert [Path(s.source).name for s in corpus.skipped] == ["paper.pdf"]
    # unreadable: the bad JSONL line, binary, undecodable and locked; the rest were read
    assert corpus.bad == len(bad) and corpus.processed == len(reports) - 4 == 10


def test_two_folders_with_the_same_file_names(tmp_path: Path, cached):
    for folder in ("A", "B"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "post.txt").write_text(f"猫が好きです。\n\nI like cats.\n\n{folder}", encoding="utf-8")
    corpus = build([tmp_path / "A", tmp_path / "B"], embedder=cached)
    docs = [r.doc for r in corpus.reports]
    assert docs == [f"{(tmp_path / f).as_posix()}/post.txt" for f in ("A", "B")]
    assert {p.doc for p in corpus.pairs} == set(docs)
    assert [f.path for f in corpus.files] == [str(tmp_path / f / "post.txt") for f in ("A", "B")]
    # the same paragraph in both: B's pairs repeat A's, and say which pair they repeat
    (first,) = [p for p in corpus.kept if p.level == "paragraph"]
    (again,) = [p for p in corpus.pairs if p.level == "paragraph" and p.doc == docs[1] and p.ja and p.en]
    assert first.doc == docs[0] and (again.ja, again.en) == (first.ja, first.en)
    assert (again.kept, again.reason, again.duplicate_of) == (False, "duplicate", pair_id(first))
    assert corpus.reports[1].note.endswith("(duplicate)") and not corpus.reports[1].bad
