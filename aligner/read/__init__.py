"""Readers: files and folders -> Documents, with a ReadFailure for each file that cannot be read."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from aligner.errors import InputError
from aligner.read.pairs import PairRow, read_pairs
from aligner.read.text import decode, read_lines, read_text, split_blocks
from aligner.records import Document

__all__ = [
    "PairRow",
    "ReadFailure",
    "decode",
    "find_inputs",
    "read_documents",
    "read_lines",
    "read_pairs",
    "read_text",
    "split_blocks",
]

TEXT_SUFFIX = ".txt"


@dataclass(frozen=True, slots=True)
class ReadFailure:
    """A file that was skipped: `doc` names it as a Document would, `source` is its path,
    `reason` says why (without the path)."""

    doc: str
    source: str
    reason: str


def find_inputs(inputs: Sequence[str | Path]) -> list[tuple[Path, str]]:
    """List the text files to read, in a fixed order.

    A file is taken as it is, whatever its suffix. A folder is walked recursively for
    *.txt files (the suffix in any case), skipping hidden files and folders (names starting
    with "."), sorted by their path relative to the folder.

    Args:
        inputs: files and folders.

    Returns:
        (path, doc_id) pairs: doc_id is the path relative to the folder given, in posix form
        (`sub/post.txt`), or for a file given directly, that path in posix form.

    Raises:
        InputError: an input does not exist, or a folder holds no .txt file.
    """
    found: list[tuple[Path, str]] = []
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            found.extend(_walk(path))
        elif path.exists():
            found.append((path, path.as_posix()))
        else:
            raise InputError(f"{given}: no such file or folder; check the path")
    return found


def _walk(folder: Path) -> list[tuple[Path, str]]:
    files = []
    for path in folder.rglob("*"):
        rel = path.relative_to(folder)
        hidden = any(part.startswith(".") for part in rel.parts)
        if not hidden and path.suffix.lower() == TEXT_SUFFIX and path.is_file():
            files.append((path, rel.as_posix()))
    if not files:
        raise InputError(f"{folder}: the folder holds no {TEXT_SUFFIX} file; give a file or another folder")
    return sorted(files, key=lambda item: item[1])


def read_documents(inputs: Sequence[str | Path]) -> Iterator[Document | ReadFailure]:
    """Read every input file into a Document, lazily, one file at a time.

    The inputs are listed (and checked) when this is called; each file is read when the
    iterator reaches it. A file that cannot be read or decoded gives a ReadFailure instead
    of raising, so one bad file never stops the others.

    Args:
        inputs: files and folders, as for find_inputs.

    Returns:
        An iterator of Document or ReadFailure, one per file, in find_inputs order.

    Raises:
        InputError: an input does not exist, or a folder holds no .txt file.
    """
    return _read_each(find_inputs(inputs))


def _read_each(found: list[tuple[Path, str]]) -> Iterator[Document | ReadFailure]:
    for path, doc_id in found:
        try:
            yield read_text(path, doc_id)
        except InputError as err:
            # The readers' messages start with the path; ReadFailure keeps it apart.
            yield ReadFailure(doc=doc_id, source=str(path), reason=str(err).removeprefix(f"{path}: "))
