"""Pair files made elsewhere (JSON Lines with ja and en, or TSV) -> rows to score, line by line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

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


def read_pairs(path: Path, tsv: bool = False, chunk: int = 5000) -> Iterator[list[PairRow]]:
    """Read a pair file lazily, `chunk` rows at a time; a bad line becomes a row with an error,
    never an exception, so that every line reaches the output.

    Raises:
        InputError: the file cannot be opened.
    """
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed by the generator below
    except OSError as e:
        raise InputError(f"{path}: cannot read the file: {e.strerror or e}") from e
    return _rows(handle, str(path), tsv, chunk)


def _rows(handle, source: str, tsv: bool, chunk: int) -> Iterator[list[PairRow]]:
    with handle:
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
