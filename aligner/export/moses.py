"""Moses plain text: corpus.ja and corpus.en, line i of one translating line i of the other,
and corpus.ids with each line's pair id; text escaped as in TSV."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from aligner.export.files import atomic_paths
from aligner.export.pairs import pair_id
from aligner.export.tsv import escape_field
from aligner.records import Pair

NAMES = ("corpus.ja", "corpus.en", "corpus.ids")


def write_moses(folder: Path, pairs: Sequence[Pair]) -> list[str]:
    """Write the three files of `NAMES` into `folder`, all replaced together when all are complete.

    Returns:
        The names written, each holding one line a pair.
    """
    columns = (
        [escape_field(p.ja) for p in pairs],
        [escape_field(p.en) for p in pairs],
        [pair_id(p) for p in pairs],
    )
    with atomic_paths([Path(folder) / name for name in NAMES]) as temps:
        for tmp, lines in zip(temps, columns):
            with open(tmp, "w", encoding="utf-8", newline="\n") as f:
                f.writelines(line + "\n" for line in lines)
    return list(NAMES)
