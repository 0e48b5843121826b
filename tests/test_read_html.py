"""Tests for aligner.read.html: the text blocks of a page, nothing of its markup."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aligner.read.html import _SPACES, html_paragraphs, read_html


@pytest.mark.parametrize(
    ("page", "blocks"),
    [
        ("", []),
        ("plain text, no element", []),
        ("<p>One</p><p>Two</p>", ["One", "Two"]),
        ("<p>A &amp; B &lt;c&gt; &quot;d&quot; &#x3042;&#12354;</p>", ['A & B <c> "d" ああ']),
        ("<p>first<br>second<br/>third</p>", ["first\nsecond\nthird"]),
        ("<p>  many\n   spaces\tand\nlines </p>", ["many spaces and lines"]),
        ("<p>全角\u3000空白は文字</p>", ["全角\u3000空白は文字"]),
        ("<h1>Title</h1><h6>Small</h6><blockquote>Quote</blockquote><figure><figcaption>Cap</figcaption></figure>",
         ["Title", "Small", "Quote", "Cap"]),
        ("<table><tr><th>Head</th><td>Cell</td></tr></table><dl><dt>Term</dt><dd>Def</dd></dl>",
         ["Head", "Cell", "Term", "Def"]),
        ("<pre>  code\n    indented</pre>", ["code\n    indented"]),
        ("<ul><li>item<p>inner</p>tail</li></ul>", ["item", "inner", "tail"]),
        ("<p>kept <b>bold</b> and <a href='x'>link</a> inline</p>", ["kept bold and link inline"]),
        ("<div>loose text</div><p>block</p>", ["block"]),
        ("<p>a<!-- hidden --> b</p>", ["a b"]),
        ("<p>unclosed<p>second", ["unclosed", "second"]),
    ],
)  # fmt: skip
def test_html_paragraphs(page: str, blocks: list[str]) -> None:
    assert html_paragraphs(page) == blocks


@pytest.mark.parametrize("tag", ["script", "style", "nav", "header", "footer", "aside", "form", "noscript"])
def test_dropped_elements_leave_no_text(tag: str) -> None:
    assert html_paragraphs(f"<p>before</p><{tag}><p>dropped</p>dropped</{tag}><p>after</p>") == ["before", "after"]


def test_deep_nesting_does_not_recurse() -> None:
    page = "<div>" * 20_000 + "<p>deep</p>" + "</div>" * 20_000
    assert html_paragraphs(page) == ["deep"]


def test_read_html_decodes_and_offsets(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes('<meta charset="shift_jis"><p>猫が好きです。</p><p>I like cats.</p>'.encode("cp932"))
    doc = read_html(path, "page.html")
    assert (doc.id, doc.format, doc.encoding) == ("page.html", "html", "cp932")
    assert [(b.text, b.lang, b.start, b.end) for b in doc.blocks] == [
        ("猫が好きです。", "ja", 0, 7), ("I like cats.", "en", 9, 21),
    ]  # fmt: skip
    assert doc.files[0].size == path.stat().st_size


def test_a_page_without_text_has_no_blocks(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_text("<html><head><title>T</title></head><body><nav><p>Menu</p></nav></body></html>")
    assert read_html(path, "empty.html").blocks == ()


def test_long_text_is_folded_as_short_text_is(monkeypatch: pytest.MonkeyPatch) -> None:
    from aligner.read import html as reader

    text = "a \n\t b  c\n" * 50 + "d"
    monkeypatch.setattr(reader, "_FOLD_CHUNK", 7)  # many chunks, boundaries inside runs
    assert reader._fold(text) == reader._SPACES.sub(" ", text)
    assert reader._fold("no runs here") == "no runs here"


@given(st.lists(st.text(alphabet=st.sampled_from("aあ &<>\"'\n\t\u3000;#"), max_size=12), max_size=6))
def test_paragraphs_come_back_as_written(texts: list[str]) -> None:
    """Any text, escaped into <p> elements, comes back with its HTML white space folded and
    stripped at its ends as plain-text paragraphs are (U+3000 too), nothing else."""
    page = "<nav>menu</nav>" + "".join(f"<p>{html.escape(t)}</p>" for t in texts) + "<script>x < y</script>"
    expected = [_SPACES.sub(" ", t).strip() for t in texts]
    assert html_paragraphs(page) == [t for t in expected if t]
