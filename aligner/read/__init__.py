"""Readers: files and folders -> Documents, with a ReadFailure for each input that cannot be read."""

from __future__ import annotations

import fnmatch
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from aligner.errors import InputError
from aligner.read.html import html_paragraphs, read_html
from aligner.read.jsonl import BadLine, JsonlFields, parse_jsonl_fields, read_jsonl
from aligner.read.pairs import PairRow, read_pairs
from aligner.read.text import (
    PARAGRAPH_MODES,
    decode,
    decode_replacing,
    read_lines,
    read_text,
    split_blocks,
    split_paragraphs,
)
from aligner.read.translated import join_translated
from aligner.records import Document, FileDigest

__all__ = [
    "FORMATS",
    "PARAGRAPH_MODES",
    "Input",
    "Inputs",
    "JsonlFields",
    "PairRow",
    "ReadFailure",
    "ReadOptions",
    "Skipped",
    "decode",
    "decode_replacing",
    "find_inputs",
    "html_paragraphs",
    "parse_jsonl_fields",
    "read_documents",
    "read_inputs",
    "read_listed",
    "read_lines",
    "read_pairs",
    "read_text",
    "split_blocks",
    "split_paragraphs",
]

SUFFIXES: dict[str, str] = {
    ".txt": "text", ".text": "text", ".md": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".jsonl": "jsonl", ".ndjson": "jsonl",
}  # fmt: skip
"""The file types a folder is walked for, and the reader of each."""

FORMATS = ("auto", "text", "html", "jsonl")
"""Values of --input-format: auto chooses by suffix (SUFFIXES; plain text for a file given
by name whatever its suffix)."""


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How inputs are read: `input_format` (FORMATS) overrides the choice by suffix;
    `paragraphs` (PARAGRAPH_MODES) cuts plain text; `glob` patterns, when given, choose the
    files of a folder (matched against the path inside the folder and against the name);
    `jsonl_fields` names the keys of JSONL documents."""

    input_format: str = "auto"
    paragraphs: str = "auto"
    glob: tuple[str, ...] = ()
    jsonl_fields: JsonlFields = field(default_factory=JsonlFields)

    def __post_init__(self) -> None:
        if self.input_format not in FORMATS:
            raise InputError(f"--input-format {self.input_format!r} is not one of {', '.join(FORMATS)}")
        if self.paragraphs not in PARAGRAPH_MODES:
            raise InputError(f"--paragraphs {self.paragraphs!r} is not one of {', '.join(PARAGRAPH_MODES)}")


@dataclass(frozen=True, slots=True)
class ReadFailure:
    """An input that gave no document: `doc` names it as a Document would, `source` is its
    path, `reason` says why (without the path), `files` what was read of it."""

    doc: str
    source: str
    reason: str
    files: tuple[FileDigest, ...] = ()


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file in a folder that is not of a type read (not an error: listed in the report)."""

    source: str
    reason: str


@dataclass(frozen=True, slots=True)
class Input:
    """One document to read: its id, its file (or JA and EN files of a translated pair) and
    the reader of each file (text, html or jsonl)."""

    doc: str
    paths: tuple[Path, ...]
    format: str


@dataclass(frozen=True, slots=True)
class Inputs:
    """What the inputs given hold: documents to read, inputs missing, files skipped."""

    found: tuple[Input, ...]
    missing: tuple[ReadFailure, ...] = ()
    skipped: tuple[Skipped, ...] = ()


def find_inputs(inputs: Sequence[str | Path], options: ReadOptions = ReadOptions()) -> Inputs:
    """List the documents to read, in a fixed order, with unique ids.

    A file is taken as it is, its reader chosen by its suffix (plain text when the suffix is
    not one of SUFFIXES) unless `options.input_format` names one. A folder is walked
    recursively, sorted by the path inside it, skipping hidden files and folders (names
    starting with "."), for the files that match `options.glob` or, without a glob, every
    type in SUFFIXES; other files are listed as skipped. `NAME.ja.EXT` beside `NAME.en.EXT`
    (EXT a text or HTML suffix) is one translated pair.

    Ids: the path inside the folder given, in posix form (`sub/post.txt`), or for a file
    given directly, its path as given; when two folders hold the same path, the folder is
    part of the id (`A/post.txt`, `B/post.txt`). A pair's id is `NAME.{ja,en}.EXT`.

    Returns:
        Inputs: found, missing (a path that does not exist) and skipped.
    """
    # Files are paired within the folder they are in (files given by name among themselves,
    # placed where the first of them was given); ids are made unique across the groups.
    groups: list[tuple[Path | None, list[tuple[Path, str]]]] = []  # (folder given or None, files)
    direct: list[tuple[Path, str]] = []
    missing: list[ReadFailure] = []
    skipped: list[Skipped] = []
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            files, left = _walk(path, options)
            groups.append((path, files))
            skipped.extend(left)
        elif path.exists():
            if not direct:
                groups.append((None, direct))
            direct.append((path, path.as_posix()))
        else:
            missing.append(ReadFailure(str(given), str(given), "no such file or folder; check the path"))
    paired = [(folder, _pair_up(files, options)) for folder, files in groups]
    counts = Counter(item.doc for _, items in paired for item in items)
    found = [
        Input(f"{folder.as_posix().rstrip('/')}/{item.doc}", item.paths, item.format)
        if folder is not None and counts[item.doc] > 1
        else item
        for folder, items in paired
        for item in items
    ]
    return Inputs(tuple(_unique(found)), tuple(missing), tuple(skipped))


def _walk(folder: Path, options: ReadOptions) -> tuple[list[tuple[Path, str]], list[Skipped]]:
    files, skipped = [], []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        if options.glob:
            if any(fnmatch.fnmatch(rel.as_posix(), g) or fnmatch.fnmatch(path.name, g) for g in options.glob):
                files.append((path, rel.as_posix()))
        elif path.suffix.lower() in SUFFIXES or options.input_format != "auto":
            files.append((path, rel.as_posix()))
        else:
            what = f"'{path.suffix}' files" if path.suffix else "files without a suffix"
            reason = f"not a type aligner reads ({what}); read it with --input-format or --glob"
            skipped.append(Skipped(str(path), reason))
    return sorted(files, key=lambda item: item[1]), skipped


def _format(path: Path, options: ReadOptions) -> str:
    if options.input_format != "auto":
        return options.input_format
    return SUFFIXES.get(path.suffix.lower(), "text")


def _pair_up(named: list[tuple[Path, str]], options: ReadOptions) -> list[Input]:
    """Inputs in order, `NAME.ja.EXT` and `NAME.en.EXT` joined into one (at the JA file's place)."""
    by_id = {doc_id: path for path, doc_id in named}
    partner: dict[str, tuple[str, str]] = {}  # JA id -> (EN id, pair id)
    for doc_id, path in by_id.items():
        stem, dot, ext = doc_id.rpartition(".")
        en_id = f"{stem[:-3]}.en.{ext}"
        if dot and stem.endswith(".ja") and _format(path, options) in ("text", "html") and en_id in by_id:
            partner[doc_id] = (en_id, f"{stem[:-3]}.{{ja,en}}.{ext}")
    paired_en = {en_id for en_id, _ in partner.values()}
    out = []
    for path, doc_id in named:
        if doc_id in partner:
            en_id, pair_id = partner[doc_id]
            out.append(Input(pair_id, (path, by_id[en_id]), _format(path, options)))
        elif doc_id not in paired_en:
            out.append(Input(doc_id, (path,), _format(path, options)))
    return out


def _unique(found: list[Input]) -> Iterator[Input]:
    """The inputs, a repeated id (the same file given twice) numbered `ID#2`, `ID#3`, ..."""
    seen: Counter[str] = Counter()
    for item in found:
        seen[item.doc] += 1
        yield item if seen[item.doc] == 1 else Input(f"{item.doc}#{seen[item.doc]}", item.paths, item.format)


def read_inputs(found: Sequence[Input], options: ReadOptions = ReadOptions()) -> Iterator[Document | ReadFailure]:
    """Read each input into Documents, lazily, one file at a time; an input that cannot be
    read (or a JSONL line that gives no document) is a ReadFailure, never an exception, so
    one bad input never stops the others.

    Returns:
        Documents and ReadFailures in the order of `found` (a JSONL file gives one a line).
    """
    for item in found:
        try:
            if item.format == "jsonl":
                yield from _read_jsonl(item, options)
            elif len(item.paths) == 2:
                ja, en = (_read_one(p, item.doc, item.format, options) for p in item.paths)
                yield join_translated(item.doc, ja, en)
            else:
                yield _read_one(item.paths[0], item.doc, item.format, options)
        except InputError as err:
            yield _failure(item, err)


def _read_one(path: Path, doc_id: str, fmt: str, options: ReadOptions) -> Document:
    if fmt == "html":
        return read_html(path, doc_id)
    return read_text(path, doc_id, options.paragraphs)


def _read_jsonl(item: Input, options: ReadOptions) -> Iterator[Document | ReadFailure]:
    path = item.paths[0]
    for doc in read_jsonl(path, item.doc, options.jsonl_fields, options.paragraphs):
        yield ReadFailure(doc.doc, str(path), doc.reason, doc.files) if isinstance(doc, BadLine) else doc


def _failure(item: Input, err: InputError) -> ReadFailure:
    """The failure of an input: the reader's message, without the path it starts with."""
    reason = str(err)
    for path in item.paths:
        reason = reason.removeprefix(f"{path}: ")
    return ReadFailure(doc=item.doc, source=" + ".join(map(str, item.paths)), reason=reason)


def read_listed(listed: Inputs, options: ReadOptions = ReadOptions()) -> Iterator[Document | ReadFailure]:
    """The documents of inputs found (`find_inputs`): a ReadFailure for each path that does
    not exist, first, then `read_inputs` of the rest. Files skipped are not given here."""
    yield from listed.missing
    yield from read_inputs(listed.found, options)


def read_documents(
    inputs: Sequence[str | Path], options: ReadOptions = ReadOptions()
) -> Iterator[Document | ReadFailure]:
    """Find and read every input: `read_listed` of `find_inputs` (listed when this is called).

    Returns:
        An iterator of Document or ReadFailure.
    """
    return read_listed(find_inputs(inputs, options), options)
