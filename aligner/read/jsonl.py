"""JSON Lines of documents -> Documents: one a line, interleaved text or a translated pair."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from aligner.errors import InputError
from aligner.read.text import decode_replacing, line_spans, make_blocks, read_source, split_paragraphs
from aligner.records import Document, FileDigest


@dataclass(frozen=True, slots=True)
class JsonlFields:
    """The keys of a JSONL document: `id`, and `text` (an interleaved document) or `ja` and
    `en` (a translated pair)."""

    id: str = "id"
    text: str = "text"
    ja: str = "ja"
    en: str = "en"


def parse_jsonl_fields(spec: str) -> JsonlFields:
    """`id=url,text=body` -> JsonlFields(id="url", text="body", ja="ja", en="en").

    Raises:
        InputError: a part is not ROLE=KEY, or ROLE is not id, text, ja or en.
    """
    names: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        role, sep, key = part.partition("=")
        role, key = role.strip(), key.strip()
        if not sep or not key or role not in JsonlFields.__dataclass_fields__:
            raise InputError(
                f"--jsonl-fields {spec!r}: {part!r} is not ROLE=KEY with ROLE one of id, text, ja, en "
                "(e.g. --jsonl-fields id=url,text=body)"
            )
        names[role] = key
    return JsonlFields(**names)


@dataclass(frozen=True, slots=True)
class BadLine:
    """A JSONL line that gives no document: its id as a document would have it, why, and
    the file it is in, as read."""

    doc: str
    reason: str
    files: tuple[FileDigest, ...] = ()


def read_jsonl(
    path: Path, file_id: str, fields: JsonlFields = JsonlFields(), paragraphs: str = "auto"
) -> Iterator[Document | BadLine]:
    """Read a JSONL file of documents, one a line, lazily.

    A line `{"id": ..., "text": ...}` is an interleaved document, cut into paragraphs as
    plain text is; `{"id": ..., "ja": ..., "en": ...}` is a translated pair (JA blocks, then
    EN blocks). Its id is `FILE_ID#ID` (`FILE_ID#line-N` without an id, or when the id was
    already used in the file). A line that is not a JSON object or lacks the fields gives a
    BadLine; blank lines are passed over.

    Raises:
        InputError: the file cannot be read or decoded (raised when the iterator starts).
    """
    data, digest = read_source(path)
    decoded = decode_replacing(data, str(path))
    del data
    text = decoded.text
    used: set[str] = set()
    for number, (start, end) in enumerate(line_spans(text), 1):
        line = text[start:end]
        if not line.strip():
            continue
        doc = _line_document(line, number, file_id, fields, used, paragraphs)
        if isinstance(doc, BadLine):
            yield BadLine(doc.doc, doc.reason, (digest,))
            continue
        used.add(doc.id)
        yield Document(
            id=doc.id, source=str(path), blocks=doc.blocks, encoding=decoded.encoding, format="jsonl",
            line_ends=decoded.line_ends, en_start=doc.en_start, replaced=decoded.replaced, files=(digest,),
        )  # fmt: skip


def _line_document(
    line: str, number: int, file_id: str, fields: JsonlFields, used: set[str], paragraphs: str
) -> Document | BadLine:
    """One line's document (without source and file fields), or why it gives none."""
    where = f"{file_id}#line-{number}"
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        return BadLine(where, f"line {number}: not JSON ({e.msg} at column {e.colno})")
    if not isinstance(obj, dict):
        return BadLine(where, f"line {number}: not a JSON object")
    name = obj.get(fields.id)
    doc_id = f"{file_id}#{name}" if isinstance(name, (str, int)) and str(name) else where
    if doc_id in used:
        doc_id = where
    doc = row_document(obj, doc_id, fields, paragraphs)
    if doc is not None:
        return doc
    wanted = f"a string {fields.text!r}, or strings {fields.ja!r} and {fields.en!r}"
    return BadLine(doc_id, f"line {number}: no {wanted} (name other keys with --jsonl-fields)")


def row_document(
    row: dict, doc_id: str, fields: JsonlFields = JsonlFields(), paragraphs: str = "auto"
) -> Document | None:
    """The document of one record: an interleaved one from its `text`, a translated pair from
    its `ja` and `en` (JA blocks, then EN blocks), or None when it has neither."""
    if isinstance(row.get(fields.text), str):
        body = row[fields.text]
        return Document(doc_id, "", make_blocks(body, split_paragraphs(body, paragraphs)))
    ja, en = row.get(fields.ja), row.get(fields.en)
    if isinstance(ja, str) and isinstance(en, str):
        ja_blocks = make_blocks(ja, split_paragraphs(ja, paragraphs))
        en_blocks = make_blocks(en, split_paragraphs(en, paragraphs), first=len(ja_blocks))
        return Document(doc_id, "", ja_blocks + en_blocks, en_start=len(ja_blocks))
    return None
