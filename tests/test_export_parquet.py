"""Parquet: typed columns, shards, read back with pyarrow and pandas."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from aligner.export.pairs import FEATURES, pair_id
from aligner.export.parquet import pairs_schema, shard_names, write_parquet
from tests.export_cases import PAIRS, SENTENCES

INTS = pa.list_(pa.int64())


def test_sentence_schema_is_typed():
    schema = pairs_schema("sentence")
    assert schema.field("score").type == pa.float64()
    assert schema.field("ja").type == pa.string() and schema.field("id").type == pa.string()
    assert schema.field("ja_blocks").type == INTS
    assert schema.field("ja_spans").type == pa.list_(INTS)
    assert schema.field("kept").type == pa.bool_()
    assert [n for n in schema.names if n.startswith("feat_")] == [f"feat_{f}" for f in FEATURES]
    assert all(schema.field(f"feat_{f}").type == pa.float64() for f in FEATURES)


def test_paragraph_schema_has_no_spans():
    assert "ja_spans" not in pairs_schema("paragraph").names


@pytest.mark.parametrize(
    "rows, shard_rows, names",
    [
        (3, None, ["corpus-00000-of-00001.parquet"]),
        (0, None, ["corpus-00000-of-00001.parquet"]),
        (0, 2, ["corpus-00000-of-00001.parquet"]),
        (4, 2, ["corpus-00000-of-00002.parquet", "corpus-00001-of-00002.parquet"]),
        (5, 2, [f"corpus-{k:05d}-of-00003.parquet" for k in range(3)]),
    ],
)
def test_shard_names(rows, shard_rows, names):
    assert shard_names(rows, shard_rows) == names


def test_parquet_read_back_with_pyarrow(tmp_path):
    pairs = [p for p in PAIRS if p.level == "sentence"]
    assert write_parquet(tmp_path / "parquet", pairs, "sentence") == [("corpus-00000-of-00001.parquet", 4)]
    table = pq.read_table(tmp_path / "parquet" / "corpus-00000-of-00001.parquet")
    assert table.schema == pairs_schema("sentence")
    rows = table.to_pylist()
    assert [r["id"] for r in rows] == [pair_id(p) for p in pairs]
    assert [(r["ja"], r["en"], r["score"], r["doc"]) for r in rows] == [(p.ja, p.en, p.score, p.doc) for p in pairs]
    assert [r["ja_spans"] for r in rows] == [[list(s) for s in p.ja_spans] for p in pairs]
    assert [(r["kept"], r["reason"]) for r in rows] == [(p.kept, p.reason) for p in pairs]
    assert rows[0]["feat_cosine"] == 0.82 and rows[0]["feat_numbers"] is None
    assert rows[3]["feat_cosine"] is None  # a pair without features


def test_parquet_shards_read_back_with_pandas(tmp_path):
    import pandas as pd

    written = write_parquet(tmp_path / "parquet", SENTENCES, "sentence", shard_rows=2)
    assert [rows for _, rows in written] == [2, 1]
    df = pd.read_parquet(tmp_path / "parquet")
    assert df["ja"].tolist() == [p.ja for p in SENTENCES]
    assert df["en"].tolist() == [p.en for p in SENTENCES]
    assert df["score"].dtype == "float64" and df["kept"].dtype == "bool"
    assert [list(map(list, s)) for s in df["en_spans"]] == [[list(s) for s in p.en_spans] for p in SENTENCES]


def test_rewriting_with_fewer_shards_leaves_no_stale_shard(tmp_path):
    write_parquet(tmp_path / "parquet", SENTENCES, "sentence", shard_rows=1)
    write_parquet(tmp_path / "parquet", SENTENCES, "sentence")
    assert sorted(p.name for p in (tmp_path / "parquet").iterdir()) == ["corpus-00000-of-00001.parquet"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["parquet"]


def test_parquet_bytes_are_deterministic(tmp_path):
    write_parquet(tmp_path / "a", SENTENCES, "sentence")
    write_parquet(tmp_path / "b", SENTENCES, "sentence")
    name = "corpus-00000-of-00001.parquet"
    assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
