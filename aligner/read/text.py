"""Plain text -> Document: decode the bytes, split paragraphs at blank lines or lines, tag languages."""

from __future__ import annotations

import codecs
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from aligner.errors import InputError
from aligner.language import detect_language
from aligner.records import Block, Document, FileDigest

# Longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_JAPANESE_LEGACY = ("cp932", "euc_jp")  # cp932 first: it wins ties, being the commoner
_TRIED = (
    "utf-8, a UTF-8/16/32 byte order mark, iso2022_jp, cp932, euc_jp, utf-8 with a few stray bytes "
    "and charset-normalizer"
)

# Decoding "cleanly" also means no binary debris: Python's cp932 maps stray bytes such as
# 0x80 and 0xFD-0xFF to C1 controls and private-use characters instead of failing.
_DEBRIS = re.compile(r"[\x01-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff\ufffd]")
_MAX_DEBRIS_SHARE = 0.01
_KANA = re.compile(r"[\u3041-\u30ff]")
_LATIN = re.compile(r"[A-Za-z]")


def _looks_like_text(text: str) -> bool:
    """True when a decoding has no NUL (which usually means UTF-16 read as a single-byte
    encoding) and at most 1% control, surrogate, private-use or replacement characters."""
    if "\x00" in text:
        return False
    return len(_DEBRIS.findall(text)) <= _MAX_DEBRIS_SHARE * len(text)


def _strict(data: bytes, encoding: str) -> str | None:
    """`data` decoded strictly, or None when it does not decode or does not look like text."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    return text if _looks_like_text(text) else None


def _japanese_score(text: str) -> float:
    """How Japanese a decoding looks. Kana count double: a wrong legacy decoding mostly
    lands on kanji, which fill most of the double-byte code space. Half-width katakana
    count half: EUC-JP read as cp932 turns into them, two per character."""
    score = 0.0
    for ch in text:
        if "\u3041" <= ch <= "\u30ff":
            score += 2.0
        elif "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf":
            score += 1.0
        elif "\uff66" <= ch <= "\uff9f":
            score += 0.5
    return score


def _from_bom(data: bytes) -> tuple[str, str] | None:
    """The text after a byte order mark, or None when there is no mark or the rest is not text."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            # utf-8-sig drops the mark itself; the others are given the bytes after it.
            body = data if encoding == "utf-8-sig" else data[len(bom) :]
            text = _strict(body, encoding)
            return (text, encoding) if text is not None else None
    return None


_ISO2022_ESCAPES = (b"\x1b$B", b"\x1b$@", b"\x1b(J", b"\x1b(I", b"\x1b$(D")


def _from_iso2022(data: bytes) -> tuple[str, str] | None:
    """ISO-2022-JP (7-bit, so it would pass as UTF-8 with its escapes left in), when the
    data holds one of its escape sequences and decodes cleanly."""
    if not any(esc in data for esc in _ISO2022_ESCAPES):
        return None
    for encoding in ("iso2022_jp", "iso2022_jp_ext", "iso2022_jp_2"):
        text = _strict(data, encoding)
        if text is not None:
            return text, encoding
    return None


def _from_japanese_legacy(data: bytes) -> tuple[str, str] | None:
    """The legacy Japanese encoding that decodes cleanly into the most kana and kanji."""
    best: tuple[float, str, str] | None = None
    for encoding in _JAPANESE_LEGACY:
        text = _strict(data, encoding)
        if text is None:
            continue
        # One cp1252 or Latin-1 byte in English text decodes too, as a kanji or half-width
        # katakana ("It’s" -> "It痴", "°C" -> "ｰC"): Latin text must show kana to pass as Japanese.
        if _LATIN.search(text) and not _KANA.search(text):
            continue
        score = _japanese_score(text)
        if score > 0 and (best is None or score > best[0]):
            best = (score, text, encoding)
    return (best[1], best[2]) if best else None


def _from_charset_normalizer(data: bytes) -> tuple[str, str] | None:
    # Imported here: it is only needed for the rare file none of the above decodes.
    from charset_normalizer import from_bytes

    match = from_bytes(data).best()
    if match is None:
        return None
    text = str(match)
    if not _looks_like_text(text):
        return None
    return text, codecs.lookup(match.encoding).name


def decode(data: bytes, source: str) -> tuple[str, str]:
    """Decode the bytes of a text file whose encoding is not known, refusing stray bytes.

    As `decode_replacing` with no byte replaced: returns (text, encoding).

    Raises:
        InputError: nothing decodes the data cleanly; the message names `source`, what was
            tried, and the line and byte offset of the first byte that is not UTF-8.
    """
    decoded = decode_replacing(data, source, max_replaced=0)
    return decoded.text, decoded.encoding


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded bytes: `text` with LF line ends and no byte order mark, the Python codec name
    of its `encoding`, how many stray bytes were `replaced` by U+FFFD, and the `line_ends`
    the bytes had: "lf", "crlf", "cr", "mixed", or "" for none."""

    text: str
    encoding: str
    replaced: int = 0
    line_ends: str = ""


def line_ends(text: str) -> str:
    """The line ends of a text before they are made LF: "lf", "crlf", "cr", "mixed" or ""."""
    crlf = text.count("\r\n")
    kinds = [k for k, n in (("lf", text.count("\n") - crlf), ("crlf", crlf), ("cr", text.count("\r") - crlf)) if n]
    return kinds[0] if len(kinds) == 1 else "mixed" if kinds else ""


def decode_replacing(data: bytes, source: str, max_replaced: int | None = None) -> Decoded:
    """Decode the bytes of a text file whose encoding is not known.

    Tries, in order: a byte order mark (UTF-8, UTF-16, UTF-32), ISO-2022-JP when its escape
    sequences are there, strict UTF-8, strict cp932
    and euc_jp (the one giving the most kana and kanji wins), UTF-8 with a few stray bytes
    replaced by U+FFFD, then charset-normalizer. A decoding counts only if it holds no NUL
    and almost no control or private-use characters.

    Args:
        data: the file's bytes.
        source: the file's name, for the error message.
        max_replaced: most stray bytes replaced before the file counts as not UTF-8; None
            for the default, 10 or one byte in a thousand, whichever is more.

    Returns:
        Decoded: the text with "\\r\\n" and "\\r" turned into "\\n" and no byte order mark;
        the Python codec name that decoded it ("utf-8", "utf-8-sig", "utf-16-le", "cp932",
        "euc_jp", ...); how many stray bytes became U+FFFD; the line ends found. Empty data
        gives Decoded("", "utf-8", 0, "").

    Raises:
        InputError: nothing decodes the data; the message names `source`, what was tried
            and where the first bad byte is (line and byte offset).
    """
    if max_replaced is None:
        max_replaced = max(10, len(data) // 1000)
    replaced = 0
    found = _from_bom(data) or _from_iso2022(data)
    if found is None:
        text = _strict(data, "utf-8")
        found = (text, "utf-8") if text is not None else None
    found = found or _from_japanese_legacy(data)
    if found is None and max_replaced:
        found, replaced = _utf8_replacing(data, max_replaced)
    found = found or _from_charset_normalizer(data)
    if found is None:
        raise InputError(
            f"{source}: cannot decode the file as text: {_first_bad_byte(data)} (tried {_TRIED}); "
            "convert it to UTF-8 or remove it from the inputs"
        )
    text, encoding = found
    text = text.removeprefix("\ufeff")
    ends = line_ends(text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Decoded(text, encoding, replaced, ends)


def _utf8_replacing(data: bytes, most: int) -> tuple[tuple[str, str] | None, int]:
    """UTF-8 with its stray bytes replaced, and how many, when there are at most `most`
    and the rest looks like text; else (None, 0)."""
    text = data.decode("utf-8", errors="replace")
    replaced = text.count("\ufffd") - data.count("\ufffd".encode())
    if not 0 < replaced <= most or "\x00" in text:
        return None, 0
    rest = text.replace("\ufffd", "")
    return ((text, "utf-8"), replaced) if _looks_like_text(rest) else (None, 0)


def _first_bad_byte(data: bytes) -> str:
    """Where UTF-8 decoding first fails, as "line L, byte offset N (0xHH) is not UTF-8"."""
    try:
        decoded = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return f"line {_line_of(data[: e.start])}, byte offset {e.start} (0x{data[e.start]:02x}) is not UTF-8"
    bad = _DEBRIS.search(decoded.replace("\x00", "\x01"))
    at = len(decoded[: bad.start()].encode()) if bad else len(data)
    return f"line {_line_of(data[:at])}, byte offset {at}: binary or control characters"


PARAGRAPH_MODES = ("auto", "blank", "lines")
"""How plain text is cut into paragraphs: at blank lines, at every line, or (auto) at blank
lines unless the text has none, then at every line."""

# Language is told from this much of a block: a block this long is too long to align
# anyway, and reading all of a 100 MB one would take minutes.
LANGUAGE_SAMPLE = 100_000


def line_spans(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each line, "\\n" excluded, without copying the text."""
    start = 0
    while True:
        end = text.find("\n", start)
        if end < 0:
            yield start, len(text)
            return
        yield start, end
        start = end + 1


def _is_blank(text: str, start: int, end: int) -> bool:
    return _strip_span(text, start, end)[0] == end


def split_blocks(text: str) -> list[tuple[int, int]]:
    """Find the paragraphs of a text: the blocks between blank lines, stripped.

    A line is blank when it holds only whitespace (str.isspace: spaces, tabs, U+3000,
    U+00A0, ...). This is how the gold data numbers paragraphs (eval README, "Paragraph
    indices"): the n-th pair returned is paragraph n.

    Args:
        text: decoded text with "\\n" line ends.

    Returns:
        (start, end) character offsets of each paragraph, in order; text[start:end] is the
        paragraph with its surrounding whitespace stripped, never empty.
    """
    spans: list[tuple[int, int]] = []
    start: int | None = None  # offset of the current block's first non-blank line
    end = 0  # end of the current block's last non-blank line
    for line_start, line_end in line_spans(text):
        if not _is_blank(text, line_start, line_end):
            if start is None:
                start = line_start
            end = line_end
        elif start is not None:
            spans.append(_strip_span(text, start, end))
            start = None
    if start is not None:
        spans.append(_strip_span(text, start, end))
    return spans


def split_lines(text: str) -> list[tuple[int, int]]:
    """Find the paragraphs of a text that has one a line: every non-blank line, stripped.

    Returns:
        (start, end) character offsets of each non-blank line, whitespace stripped.
    """
    spans = (_strip_span(text, start, end) for start, end in line_spans(text))
    return [(start, end) for start, end in spans if start < end]


def split_paragraphs(text: str, mode: str = "auto") -> list[tuple[int, int]]:
    """Find the paragraphs of a text by `mode` (see PARAGRAPH_MODES): "blank" is
    `split_blocks`, "lines" is `split_lines`, "auto" is `split_blocks` unless that gives one
    block of several lines (a text without blank lines), then `split_lines`.

    Raises:
        ValueError: `mode` is not one of PARAGRAPH_MODES.
    """
    if mode not in PARAGRAPH_MODES:
        raise ValueError(f"paragraph mode {mode!r} is not one of {', '.join(PARAGRAPH_MODES)}")
    if mode == "lines":
        return split_lines(text)
    spans = split_blocks(text)
    if mode == "auto" and len(spans) == 1 and text.find("\n", *spans[0]) >= 0:
        return split_lines(text)
    return spans


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Narrow text[start:end] to exclude leading and trailing whitespace, without copying it."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def read_source(path: Path) -> tuple[bytes, FileDigest]:
    """The bytes of an input file and its digest (size and SHA-256 of exactly those bytes).

    Raises:
        InputError: the file cannot be read (the message names it).
    """
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        raise InputError(f"{path}: cannot read the file: {err.strerror or err}") from err
    return data, FileDigest(str(path), len(data), hashlib.sha256(data).hexdigest())


def make_blocks(text: str, spans: list[tuple[int, int]], first: int = 0) -> tuple[Block, ...]:
    """Blocks of `text` at `spans`, numbered from `first`, each with its language (told from
    its first LANGUAGE_SAMPLE characters)."""
    return tuple(_block(first + i, text, start, end) for i, (start, end) in enumerate(spans))


def joined_blocks(paragraphs: list[str]) -> tuple[Block, ...]:
    """Blocks of paragraphs that have no source text of their own (an HTML page's): the
    paragraphs themselves (not copies), their offsets those in the paragraphs joined by
    blank lines, each with its language as make_blocks gives it."""
    blocks, offset = [], 0
    for i, text in enumerate(paragraphs):
        lang, confidence = detect_language(text[:LANGUAGE_SAMPLE])
        blocks.append(Block(index=i, text=text, start=offset, end=offset + len(text), lang=lang, confidence=confidence))
        offset += len(text) + 2
    return tuple(blocks)


def read_text(path: Path, doc_id: str, paragraphs: str = "auto") -> Document:
    """Read a plain-text file of paragraphs (see `split_paragraphs` for `paragraphs`).

    Args:
        path: the file.
        doc_id: the document's name in outputs.
        paragraphs: "auto", "blank" or "lines".

    Returns:
        A Document with one Block per paragraph (index, text, start/end offsets in the
        decoded text, lang and confidence from detect_language), the encoding and line
        ends found, the number of stray bytes replaced and the file's digest. An empty or all-blank file
        gives a Document with no blocks.

    Raises:
        InputError: the file cannot be read or decoded (the message names it).
    """
    data, digest = read_source(path)
    decoded = decode_replacing(data, str(path))
    del data  # a 100 MB input should not be held twice
    blocks = make_blocks(decoded.text, split_paragraphs(decoded.text, paragraphs))
    return Document(
        id=doc_id,
        source=str(path),
        blocks=blocks,
        encoding=decoded.encoding,
        line_ends=decoded.line_ends,
        replaced=decoded.replaced,
        files=(digest,),
    )


def _block(index: int, text: str, start: int, end: int) -> Block:
    body = text[start:end]
    lang, confidence = detect_language(body[:LANGUAGE_SAMPLE])
    return Block(index=index, text=body, start=start, end=end, lang=lang, confidence=confidence)


def _line_of(head: bytes) -> int:
    """The line number of the byte after `head`, with \\r\\n, \\r and \\n each ending a line."""
    return head.replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n") + 1


def read_lines(path: Path) -> list[str]:
    """Read a file of one segment per line (the input of sentence alignment).

    UTF-8 (with or without a byte order mark), UTF-16/32 with a mark, cp932 and EUC-JP are
    accepted; a final newline does not make an extra segment; blank lines are kept, so that
    line numbers and segment indices agree.

    Raises:
        InputError: the file cannot be read, or it is not text in those encodings; the
            message names the file and the line of the first byte that is not UTF-8.
    """
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise InputError(f"{path}: cannot read the file: {e.strerror or e}") from e
    found = _from_bom(data)
    if found is None:
        text = _strict(data, "utf-8")
        found = (text, "utf-8") if text is not None else _from_japanese_legacy(data)
    if found is None:
        try:
            decoded = data.decode("utf-8")
            bad = _DEBRIS.search(decoded.replace("\x00", "\x01"))
            at = bad.start() if bad else len(decoded)
            where, what = _line_of(decoded[:at].encode()), "binary or control characters"
        except UnicodeDecodeError as e:
            where, what = _line_of(data[: e.start]), f"byte 0x{data[e.start]:02x}, not UTF-8"
        raise InputError(f"{path}:{where}: {what}; re-encode the file as UTF-8 (one segment per line)")
    text = found[0].removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines
