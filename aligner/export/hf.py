"""A Hugging Face `datasets` folder (`load_from_disk`): a `translation` {ja, en} column as the
hub's translation datasets have it, plus id, score, provenance, features and verdict."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from aligner.errors import BackendError
from aligner.export.files import atomic_dir
from aligner.export.parquet import pairs_table
from aligner.records import Pair

INSTALL_HINT = "the hf format needs the datasets package: pip install 'aligner[hf]'"


def require_datasets() -> None:
    """Raise BackendError naming the `hf` extra when `datasets` is not installed."""
    try:
        import datasets  # noqa: F401
    except ImportError as e:
        raise BackendError(INSTALL_HINT) from e


def write_hf(folder: Path, pairs: Sequence[Pair], level: str) -> list[tuple[str, int | None]]:
    """Save `pairs` with `Dataset.save_to_disk` into `folder`, replaced whole when complete.

    The dataset's fingerprint is a hash of its content (not the random one `datasets` gives
    an in-memory table), so the same pairs give the same bytes.

    Returns:
        (file name, rows or None) of each file of the folder, sorted by name.
    """
    require_datasets()
    import datasets
    import pyarrow as pa

    table = pairs_table(pairs, level)
    sides = [table[lang].combine_chunks() for lang in ("en", "ja")]  # sorted, as Translation's struct is
    translation = pa.StructArray.from_arrays(sides, names=["en", "ja"])
    table = table.drop_columns(["ja", "en"])
    table = table.add_column(1, "translation", translation)
    features = datasets.Features.from_arrow_schema(table.schema)
    features["translation"] = datasets.Translation(languages=["ja", "en"])
    table = table.cast(features.arrow_schema)
    dataset = datasets.Dataset(table, info=datasets.DatasetInfo(features=features), fingerprint=_content_hash(table))
    bars_were_off = datasets.are_progress_bars_disabled()
    datasets.disable_progress_bars()
    try:
        with atomic_dir(folder) as tmp:
            dataset.save_to_disk(str(tmp))
            files = [(p.name, _arrow_rows(p) if p.suffix == ".arrow" else None) for p in sorted(tmp.iterdir())]
    finally:
        if not bars_were_off:
            datasets.enable_progress_bars()
    return files


def _content_hash(table) -> str:
    """16 hex digits of the SHA-256 of the table in Arrow's IPC stream format."""
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()[:16]


def _arrow_rows(path: Path) -> int:
    """Rows of an Arrow IPC stream file (memory-mapped: nothing is copied)."""
    import pyarrow as pa

    with pa.memory_map(str(path)) as source:
        return sum(batch.num_rows for batch in pa.ipc.open_stream(source))
