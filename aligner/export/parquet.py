"""Parquet (pyarrow): typed columns, one file or shards of at most N rows, in a folder of their own."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from aligner.export.files import atomic_dir
from aligner.export.pairs import FEATURES, feature_values, pair_id, span_lists
from aligner.records import Pair

if TYPE_CHECKING:
    import pyarrow as pa


def pairs_schema(level: str) -> pa.Schema:
    """The columns of a table of pairs of one level: id, doc, level, ja, en (strings), score
    (float64), ja_blocks and en_blocks (list<int64>), at sentence level ja_spans and en_spans
    (list<list<int64>>, each [block, start, end]), one float64 `feat_<name>` column a
    feature (null when unknown), kept (bool) and reason (string)."""
    import pyarrow as pa

    ints = pa.list_(pa.int64())
    fields = [
        ("id", pa.string()),
        ("doc", pa.string()),
        ("level", pa.string()),
        ("ja", pa.string()),
        ("en", pa.string()),
        ("score", pa.float64()),
        ("ja_blocks", ints),
        ("en_blocks", ints),
    ]
    if level == "sentence":
        fields += [("ja_spans", pa.list_(ints)), ("en_spans", pa.list_(ints))]
    fields += [(f"feat_{name}", pa.float64()) for name in FEATURES]
    fields += [("kept", pa.bool_()), ("reason", pa.string())]
    return pa.schema(fields)


def pairs_table(pairs: Sequence[Pair], level: str) -> pa.Table:
    """Pairs of one level -> an Arrow table with `pairs_schema(level)`."""
    import pyarrow as pa

    schema = pairs_schema(level)
    columns: dict[str, list] = {name: [] for name in schema.names}
    for p in pairs:
        row = {
            "id": pair_id(p),
            "doc": p.doc,
            "level": p.level,
            "ja": p.ja,
            "en": p.en,
            "score": float(p.score),
            "ja_blocks": list(p.ja_blocks),
            "en_blocks": list(p.en_blocks),
            "ja_spans": span_lists(p.ja_spans),
            "en_spans": span_lists(p.en_spans),
            "kept": p.kept,
            "reason": p.reason,
            **feature_values(p),
        }
        for name, values in columns.items():
            values.append(row[name])
    return pa.table(columns, schema=schema)


def shard_names(rows: int, shard_rows: int | None) -> list[str]:
    """File names for `rows` rows in shards of at most `shard_rows` (None: one file):
    `corpus-00000-of-00003.parquet`, ..., at least one file even for no rows."""
    n = max(1, math.ceil(rows / shard_rows)) if shard_rows else 1
    return [f"corpus-{k:05d}-of-{n:05d}.parquet" for k in range(n)]


def write_parquet(
    folder: Path, pairs: Sequence[Pair], level: str, shard_rows: int | None = None
) -> list[tuple[str, int]]:
    """Write `pairs` as Parquet files in `folder`, which is replaced whole when every file is written.

    Args:
        level: the level of the pairs (sentence pairs have span columns).
        shard_rows: at most this many rows a file; None for one file.

    Returns:
        (file name, rows) of each file, in order.
    """
    import pyarrow.parquet as pq

    table = pairs_table(pairs, level)
    names = shard_names(table.num_rows, shard_rows)
    size = shard_rows or max(table.num_rows, 1)
    written = []
    with atomic_dir(folder) as tmp:
        for k, name in enumerate(names):
            part = table.slice(k * size, size)
            pq.write_table(part, tmp / name)
            written.append((name, part.num_rows))
    return written
