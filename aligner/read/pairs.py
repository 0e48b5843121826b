"""Pair files made elsewhere (JSON Lines with ja and en, or TSV) -> rows to score, line by line."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from aligner.errors import InputError


@dataclass(frozen=True, slots=True)
class PairRow:
    """One input line. `fields` is the line's JSON object (for TSV: ja and en), passed through
    to the output; when the line cannot be scored, `error` says why for the log and `reason`
    names it for the output (bad_encoding, bad_json, missing_field, bad_field)."""

    source: str
    line: int
    ja: str
    en: str
    fields: dict | None
    raw: str
    error: str | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class PairSource:
    """An open pair file: `handle` (binary), its name for messages (`-`: standard input),
    its `format` ("jsonl" or "tsv"), `why` that format (how it was told), and whether the
    reader closes it (`owned`: not standard input)."""

    handle: IO[bytes]
    name: str
    format: str
    why: str
    owned: bool = True


def detect_pair_format(head: bytes) -> tuple[str, str]:
    """Tell JSON Lines from TSV by the first non-blank line of `head` (the file's first bytes).

    Returns:
        ("jsonl" or "tsv", why): a line opening with "{" is JSON Lines; one holding a tab
        that does not is TSV; anything else is read as JSON Lines (its lines then come out
        as bad_json, each reported).
    """
    for line in head.removeprefix(b"\xef\xbb\xbf").splitlines():
        if not line.strip():
            continue
        if line.lstrip().startswith(b"{"):
            return "jsonl", "its first line is a JSON object"
        if b"\t" in line:
            return "tsv", "its first line holds a tab and is not JSON"
        return "jsonl", "its first line is neither a JSON object nor tab-separated; read as JSON Lines"
    return "jsonl", "it is empty"


def open_pairs(name: str | Path, tsv: bool | None = None) -> PairSource:
    """Open a pair file, or standard input for "-", and tell its format (`tsv` True or False
    forces TSV or JSON Lines; None detects it by content, `detect_pair_format`).

    Raises:
        InputError: the file cannot be opened.
    """
    owned = str(name) != "-"
    if not owned:
        handle: IO[bytes] = sys.stdin.buffer
        if not hasattr(handle, "peek"):  # a pipe is buffered; a stand-in stream may not be
            handle = io.BufferedReader(handle)  # type: ignore[arg-type]
    else:
        try:
            handle = open(name, "rb")  # noqa: SIM115 - closed by the reader of its rows
        except OSError as e:
            raise InputError(f"{name}: cannot read the file: {e.strerror or e}") from e
    if tsv is not None:
        return PairSource(handle, str(name), "tsv" if tsv else "jsonl", "as asked", owned)
    fmt, why = detect_pair_format(handle.peek(1 << 16)[: 1 << 16])  # type: ignore[attr-defined]
    return PairSource(handle, str(name), fmt, why, owned)


def pair_rows(src: PairSource, chunk: int = 5000) -> Iterator[list[PairRow]]:
    """The rows of an open pair file, `chunk` at a time; a bad line becomes a row with an
    error, never an exception, so that every line reaches the output."""
    return _rows(src.handle, src.name, src.format == "tsv", chunk, src.owned)


def read_pairs(path: Path, tsv: bool | None = False, chunk: int = 5000) -> Iterator[list[PairRow]]:
    """Read a pair file lazily, `chunk` rows at a time (`open_pairs`, then `pair_rows`).

    Raises:
        InputError: the file cannot be opened.
    """
    return pair_rows(open_pairs(path, tsv), chunk)


def _rows(handle: IO[bytes], source: str, tsv: bool, chunk: int, owned: bool = True) -> Iterator[list[PairRow]]:
    with handle if owned else nullcontext():
        rows: list[PairRow] = []
        for number, data in enumerate(handle, 1):
            if number == 1:
                data = data.removeprefix(b"\xef\xbb\xbf")
            rows.append(_parse(source, number, data.rstrip(b"\r\n"), tsv))
            if len(rows) == chunk:
                yield rows
                rows = []
        if rows:
            yield rows


def _parse(source: str, number: int, data: bytes, tsv: bool) -> PairRow:
    try:
        raw = data.decode("utf-8")
    except UnicodeDecodeError as e:
        text = data.decode("utf-8", errors="replace")
        return PairRow(source, number, "", "", None, text, f"not UTF-8 (byte {e.start + 1})", "bad_encoding")
    if tsv:
        cols = raw.split("\t")
        if len(cols) < 2:
            return PairRow(source, number, "", "", None, raw, "fewer than two tab-separated columns", "missing_field")
        return PairRow(source, number, cols[0], cols[1], {"ja": cols[0], "en": cols[1]}, raw)
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as e:
        return PairRow(source, number, "", "", None, raw, f"not JSON ({e.msg})", "bad_json")
    if not isinstance(obj, dict):
        return PairRow(source, number, "", "", None, raw, "not a JSON object", "bad_json")
    try:
        json.dumps(obj, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        why = "a string holds a lone surrogate (\\ud800-\\udfff), not UTF-8 text"
        return PairRow(source, number, "", "", None, raw, why, "bad_encoding")
    missing = [k for k in ("ja", "en") if k not in obj]
    if missing:
        return PairRow(source, number, "", "", obj, raw, f"no {' and no '.join(missing)} field", "missing_field")
    if not isinstance(obj["ja"], str) or not isinstance(obj["en"], str):
        return PairRow(source, number, "", "", obj, raw, "ja and en must be strings", "bad_field")
    return PairRow(source, number, obj["ja"], obj["en"], obj, raw)
