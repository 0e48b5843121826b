"""The Hugging Face `datasets` folder: load_from_disk, the translation column, the missing-extra error."""

from __future__ import annotations

import builtins

import pytest

from aligner.errors import BackendError
from aligner.export.hf import require_datasets, write_hf
from aligner.export.pairs import pair_id
from tests.export_cases import PAIRS, SENTENCES


def test_missing_datasets_is_one_line_naming_the_extra(monkeypatch):
    real_import = builtins.__import__

    def no_datasets(name, *args, **kwargs):
        if name == "datasets" or name.startswith("datasets."):
            raise ImportError("No module named 'datasets'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_datasets)
    with pytest.raises(BackendError, match=r"^the hf format needs the datasets package: pip install 'aligner\[hf\]'$"):
        require_datasets()


def test_hf_round_trip(tmp_path):
    datasets = pytest.importorskip("datasets", reason="needs the hf extra: pip install -e '.[hf]'")
    pairs = [p for p in PAIRS if p.level == "sentence"]
    files = write_hf(tmp_path / "hf", pairs, "sentence")
    assert ("data-00000-of-00001.arrow", 4) in files
    ds = datasets.load_from_disk(str(tmp_path / "hf"))
    assert ds.num_rows == 4
    assert ds.features["translation"] == datasets.Translation(languages=["ja", "en"])
    assert ds["translation"] == [{"ja": p.ja, "en": p.en} for p in pairs]
    assert ds["id"] == [pair_id(p) for p in pairs]
    assert ds["score"] == [p.score for p in pairs]
    assert ds["doc"] == [p.doc for p in pairs] and ds["level"] == ["sentence"] * 4
    assert ds["kept"] == [p.kept for p in pairs] and ds["reason"] == [p.reason for p in pairs]
    assert ds["ja_spans"][0] == [[0, 0, 40]]
    assert "ja" not in ds.column_names and "en" not in ds.column_names


def test_hf_bytes_are_deterministic(tmp_path):
    pytest.importorskip("datasets", reason="needs the hf extra: pip install -e '.[hf]'")
    first = write_hf(tmp_path / "a", SENTENCES, "sentence")
    second = write_hf(tmp_path / "b", SENTENCES, "sentence")
    assert first == second
    for name, _ in first:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
