"""HTML pages -> Document: the text blocks of the page (paragraphs, headings, list items, ...).

Parsed with selectolax's Lexbor engine, an HTML5-conformant parser in C: it reads broken
markup as a browser does, decodes entities, and holds a 100 MB page in a few times its size.
"""

from __future__ import annotations

import re
from pathlib import Path

from aligner.read.text import decode_replacing, make_blocks, read_source
from aligner.records import Document

BLOCK_TAGS = frozenset(
    ["p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "figcaption", "td", "th", "dd", "dt", "pre"]
)
"""Elements whose text makes a block."""

DROPPED_TAGS = ("script", "style", "nav", "header", "footer", "aside", "form", "noscript", "template", "iframe")
"""Elements dropped with everything inside them (comments are never text)."""

_SPACES = re.compile(r"[ \t\n\r\f\v]+")  # HTML white space: U+3000 and U+00A0 are text


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
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    root = tree.root
    if root is None:
        return []
    for node in tree.css(", ".join(DROPPED_TAGS)):
        node.decompose()
    blocks: list[str] = []
    # An explicit stack, not recursion: a hostile page may nest elements thousands deep.
    # Each entry is (node, pre) or a marker (None, closing) that ends the block opened there.
    stack: list[tuple[object, bool]] = [(root, False)]
    parts: list[str] = []
    pre_depth: list[bool] = []

    def flush() -> None:
        text = "".join(parts)
        parts.clear()
        lines = [line.strip() for line in text.split("\n")]
        block = "\n".join(line for line in lines if line) if not (pre_depth and pre_depth[-1]) else text.strip("\n")
        if block.strip():
            blocks.append(block.strip())

    while stack:
        node, pre = stack.pop()
        if node is None:  # the end of a block element
            flush()
            pre_depth.pop()
            continue
        tag = node.tag
        if tag == "-text":
            if pre_depth:  # text outside every block element is not a block
                text = node.text_content or ""
                parts.append(text if pre else _SPACES.sub(" ", text))
            continue
        if tag == "br":
            parts.append("\n")
            continue
        if tag in BLOCK_TAGS:
            flush()
            pre = pre or tag == "pre"
            pre_depth.append(pre)
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
    text, encoding, replaced = decode_replacing(data, str(path))
    del data
    paragraphs = html_paragraphs(text)
    del text
    joined = "\n\n".join(paragraphs)
    spans, offset = [], 0
    for p in paragraphs:
        spans.append((offset, offset + len(p)))
        offset += len(p) + 2
    return Document(
        id=doc_id,
        source=str(path),
        blocks=make_blocks(joined, spans),
        encoding=encoding,
        format="html",
        replaced=replaced,
        files=(digest,),
    )
