"""HTML pages -> Document: the text blocks of the page (paragraphs, headings, list items, ...).

Parsed with selectolax's Lexbor engine, an HTML5-conformant parser in C: it reads broken
markup as a browser does, decodes entities, and holds a 100 MB page in a few times its size.
"""

from __future__ import annotations

import re
from pathlib import Path

from aligner.read.text import decode_replacing, joined_blocks, read_source
from aligner.records import Document

BLOCK_TAGS = frozenset(
    ["p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "figcaption", "td", "th", "dd", "dt", "pre"]
)
"""Elements whose text makes a block."""

DROPPED_TAGS = ("script", "style", "nav", "header", "footer", "aside", "form", "noscript", "template", "iframe")
"""Elements dropped with everything inside them (comments are never text)."""

_SPACES = re.compile(r"[ \t\n\r\f\v]+")  # HTML white space: U+3000 and U+00A0 are text
_TO_FOLD = re.compile(r"[\t\n\r\f\v]| {2}")
_FOLD_CHUNK = 1 << 20


def _fold(text: str) -> str:
    """`text` with each run of HTML white space one space. A text with none to fold is
    returned as it is, and a long one is folded a megabyte at a time: re.sub over a 100 MB
    text holds millions of pieces at once, several times the text's size."""
    if not _TO_FOLD.search(text):
        return text
    if len(text) <= _FOLD_CHUNK:
        return _SPACES.sub(" ", text)
    out, start = [], 0
    while start < len(text):
        end = min(start + _FOLD_CHUNK, len(text))
        while end < len(text) and text[end - 1] in " \t\n\r\f\v":  # no run across two chunks
            end += 1
        out.append(_SPACES.sub(" ", text[start:end]))
        start = end
    return "".join(out)


def html_paragraphs(html: str) -> list[str]:
    """The text blocks of an HTML page, in document order.

    A block is the text of a BLOCK_TAGS element outside any block element inside it (so
    `<li>a<p>b</p></li>` gives "a" and "b"); DROPPED_TAGS and comments are left out,
    entities are decoded, `<br>` is a line break inside a block, and other white space runs
    are one space, except inside `<pre>`.

    Args:
        html: the decoded page.

    Returns:
        The non-empty blocks, stripped.
    """
    return _paragraphs(_parse(html))


def _parse(html: str):
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    for node in tree.css(", ".join(DROPPED_TAGS)):
        node.decompose()
    return tree


def _paragraphs(tree) -> list[str]:
    """The blocks of a parsed page (see html_paragraphs). Written to hold as few copies of a
    huge block as it can: its text node, its white space folded, and the block."""
    root = tree.root
    if root is None:
        return []
    blocks: list[str] = []
    # An explicit stack, not recursion: a hostile page may nest elements thousands deep.
    # Each entry is (node, pre), or (None, pre) ending the block element opened there.
    stack: list[tuple[object, bool]] = [(root, False)]
    parts: list[str] = []
    open_blocks: list[bool] = []  # per block element open: whether it is inside <pre>

    def flush(pre: bool) -> None:
        text = "".join(parts)
        parts.clear()
        if pre:
            text = text.strip("\n")
        elif "\n" in text:  # from <br>: strip each line, drop the empty ones
            text = "\n".join(line for line in (x.strip() for x in text.split("\n")) if line)
        text = text.strip()
        if text:
            blocks.append(text)

    while stack:
        node, pre = stack.pop()
        if node is None:  # the end of a block element
            flush(open_blocks.pop())
            continue
        tag = node.tag
        if tag == "-text":
            if open_blocks:  # text outside every block element is not a block
                parts.append(node.text_content if pre else _fold(node.text_content or ""))
            continue
        if tag == "br":
            parts.append("\n")
            continue
        if tag in BLOCK_TAGS:
            if open_blocks:
                flush(open_blocks[-1])
            pre = pre or tag == "pre"
            open_blocks.append(pre)
            stack.append((None, pre))
        children = []
        child = node.child
        while child is not None:
            children.append((child, pre))
            child = child.next
        stack.extend(reversed(children))
    return blocks


def read_html(path: Path, doc_id: str) -> Document:
    """Read an HTML page into a Document whose blocks are `html_paragraphs` of the page.

    The bytes are decoded as plain text is (`decode_replacing`); block offsets are into the
    blocks' text joined by blank lines, since a page's markup has no offsets worth keeping.

    Raises:
        InputError: the file cannot be read or decoded (the message names it).
    """
    data, digest = read_source(path)
    decoded = decode_replacing(data, str(path))
    del data  # a 100 MB page should not be held three times over
    tree = _parse(decoded.text)
    encoding, line_ends, replaced = decoded.encoding, decoded.line_ends, decoded.replaced
    del decoded
    paragraphs = _paragraphs(tree)
    del tree
    return Document(
        id=doc_id,
        source=str(path),
        blocks=joined_blocks(paragraphs),
        encoding=encoding,
        line_ends=line_ends,
        format="html",
        replaced=replaced,
        files=(digest,),
    )
