"""TSV: a header row, then one pair a row (id, ja, en, score, doc), text escaped reversibly."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from aligner.export.files import atomic_write
from aligner.export.pairs import pair_id
from aligner.records import Pair

COLUMNS = ("id", "ja", "en", "score", "doc")
VERDICT_COLUMNS = ("kept", "reason")

_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_UNESCAPES = {v[1]: k for k, v in _ESCAPES.items()}
_TO_ESCAPE = re.compile(r"[\\\t\n\r]")
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)


def escape_field(text: str) -> str:
    """Text -> one tab-free line: backslash, tab, line feed and carriage return become
    `\\\\`, `\\t`, `\\n` and `\\r`; nothing else changes. `unescape_field` undoes it."""
    return _TO_ESCAPE.sub(lambda m: _ESCAPES[m.group()], text)


def unescape_field(field: str) -> str:
    """The text `escape_field` was given (a backslash before any other character is kept as it is)."""
    return _ESCAPED.sub(lambda m: _UNESCAPES.get(m.group(1), m.group()), field)


def write_tsv(path: Path, pairs: Sequence[Pair], verdicts: bool = False) -> int:
    """Write `pairs` as TSV with a header row, atomically; every field goes through `escape_field`.

    Args:
        verdicts: also write the `kept` (true/false) and `reason` columns (for an export that
            holds rejected pairs too).

    Returns:
        The number of pair rows (the header not counted).
    """
    header = COLUMNS + (VERDICT_COLUMNS if verdicts else ())
    with atomic_write(path) as f:
        f.write("\t".join(header) + "\n")
        for p in pairs:
            fields = [pair_id(p), p.ja, p.en, repr(float(p.score)), p.doc]
            if verdicts:
                fields += ["true" if p.kept else "false", p.reason]
            f.write("\t".join(escape_field(x) for x in fields) + "\n")
    return len(pairs)
