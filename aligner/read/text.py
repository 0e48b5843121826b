"""Plain text -> Document: decode the bytes, split paragraphs at blank lines, tag languages."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from aligner.errors import InputError
from aligner.language import detect_language
from aligner.records import Block, Document

# Longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_JAPANESE_LEGACY = ("cp932", "euc_jp")  # cp932 first: it wins ties, being the commoner
_TRIED = "utf-8, a UTF-8/16/32 byte order mark, cp932, euc_jp and charset-normalizer"

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
    """Decode the bytes of a text file whose encoding is not known.

    Tries, in order: a byte order mark (UTF-8, UTF-16, UTF-32), strict UTF-8, strict cp932
    and euc_jp (the one giving the most kana and kanji wins), then charset-normalizer. A
    decoding counts only if it holds no NUL and almost no control or private-use characters.

    Args:
        data: the file's bytes.
        source: the file's name, for the error message.

    Returns:
        (text, encoding): the text with "\\r\\n" and "\\r" turned into "\\n" and no byte order
        mark, and the Python codec name that decoded it ("utf-8", "utf-8-sig", "utf-16-le",
        "cp932", "euc_jp", ...). Empty data gives ("", "utf-8").

    Raises:
        InputError: nothing decodes the data; the message names `source` and what was tried.
    """
    found = _from_bom(data)
    if found is None:
        text = _strict(data, "utf-8")
        found = (text, "utf-8") if text is not None else None
    found = found or _from_japanese_legacy(data) or _from_charset_normalizer(data)
    if found is None:
        raise InputError(
            f"{source}: cannot decode the file as text (tried {_TRIED}); "
            "convert it to UTF-8 or remove it from the inputs"
        )
    text, encoding = found
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text, encoding


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
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            if start is None:
                start = offset
            end = offset + len(line)
        elif start is not None:
            spans.append(_strip_span(text, start, end))
            start = None
        offset += len(line) + 1
    if start is not None:
        spans.append(_strip_span(text, start, end))
    return spans


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Narrow text[start:end] to exclude leading and trailing whitespace."""
    block = text[start:end]
    lead = len(block) - len(block.lstrip())
    trail = len(block) - len(block.rstrip())
    return start + lead, end - trail


def read_text(path: Path, doc_id: str) -> Document:
    """Read a plain-text file of blank-line separated paragraphs.

    Args:
        path: the file.
        doc_id: the document's name in outputs.

    Returns:
        A Document with one Block per paragraph (index, text, start/end offsets in the
        decoded text, lang and confidence from detect_language) and the encoding found.
        An empty or all-blank file gives a Document with no blocks.

    Raises:
        InputError: the file cannot be read or decoded (the message names it).
    """
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(f"{path}: cannot read the file: {err.strerror or err}") from err
    text, encoding = decode(data, str(path))
    blocks = tuple(_block(i, text, start, end) for i, (start, end) in enumerate(split_blocks(text)))
    return Document(id=doc_id, source=str(path), blocks=blocks, encoding=encoding)


def _block(index: int, text: str, start: int, end: int) -> Block:
    body = text[start:end]
    lang, confidence = detect_language(body)
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
