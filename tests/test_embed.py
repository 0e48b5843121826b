"""Embedder lookup by name, the SQLite embedding cache with a counting fake, and the real USE (slow)."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from aligner.embed import (
    ENCODE_CHUNK,
    CachedEmbedder,
    Embedder,
    default_cache_path,
    get_embedder,
    usable_cores,
)
from aligner.errors import BackendError


class CountingEmbedder:
    """A fake embedder: text -> [len, code of first char, scale]; records every call."""

    def __init__(self, name: str = "fake", scale: float = 1.0) -> None:
        self.name = name
        self.scale = scale
        self.calls: list[list[str]] = []

    def encode(self, texts):
        self.calls.append(list(texts))
        rows = [[len(t), ord(t[0]) if t else 0, self.scale] for t in texts]
        return np.asarray(rows, dtype=np.float32).reshape(len(rows), 3)


def expected_rows(texts, scale: float = 1.0) -> np.ndarray:
    return CountingEmbedder(scale=scale).encode(texts)


@pytest.mark.parametrize("name", ["nope", "USE", "st:", "labse", "st"])
def test_unknown_name(name):
    with pytest.raises(BackendError, match="unknown model") as err:
        get_embedder(name)
    assert repr(name) in str(err.value)


def test_not_a_name_nor_embedder():
    with pytest.raises(BackendError, match="int"):
        get_embedder(42)  # type: ignore[arg-type]


def test_st_without_extra_gives_install_hint(monkeypatch):
    # None in sys.modules makes `import sentence_transformers` raise ImportError
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    with pytest.raises(BackendError, match=r"pip install 'aligner\[st\]'"):
        get_embedder("st:sentence-transformers/LaBSE")


def test_instance_passes_through(tmp_path):
    fake = CountingEmbedder()
    assert get_embedder(fake) is fake
    cached = get_embedder(fake, cache=tmp_path / "c.sqlite")
    assert isinstance(cached, CachedEmbedder) and isinstance(cached, Embedder)
    assert cached.inner is fake and cached.name == "fake"


def test_cache_second_encode_makes_no_inner_call(tmp_path):
    fake = CountingEmbedder()
    emb = CachedEmbedder(fake, tmp_path / "c.sqlite")
    first = emb.encode(["犬", "a dog"])
    second = emb.encode(["犬", "a dog"])
    assert fake.calls == [["犬", "a dog"]]
    np.testing.assert_array_equal(first, second)
    assert second.dtype == np.float32


def test_cache_encodes_duplicates_once_and_keeps_order(tmp_path):
    fake = CountingEmbedder()
    emb = CachedEmbedder(fake, tmp_path / "c.sqlite")
    texts = ["bb", "a", "bb", "ccc", "a"]
    np.testing.assert_array_equal(emb.encode(texts), expected_rows(texts))
    assert fake.calls == [["bb", "a", "ccc"]]
    # a mix of cached and new texts: only the new one goes to the inner embedder
    texts = ["ccc", "dddd", "a", "bb"]
    np.testing.assert_array_equal(emb.encode(texts), expected_rows(texts))
    assert fake.calls[1:] == [["dddd"]]


def test_cache_persists_across_instances(tmp_path):
    path = tmp_path / "sub" / "c.sqlite"
    CachedEmbedder(CountingEmbedder(), path).encode(["一", "two"])
    assert path.exists()
    fake = CountingEmbedder()
    out = CachedEmbedder(fake, path).encode(["two", "一"])
    assert fake.calls == []
    np.testing.assert_array_equal(out, expected_rows(["two", "一"]))


def test_cache_keys_include_model_name(tmp_path):
    path = tmp_path / "c.sqlite"
    CachedEmbedder(CountingEmbedder("model-a", scale=1.0), path).encode(["same text"])
    other = CountingEmbedder("model-b", scale=-5.0)
    out = CachedEmbedder(other, path).encode(["same text"])
    assert other.calls == [["same text"]]
    np.testing.assert_array_equal(out, expected_rows(["same text"], scale=-5.0))


def test_cache_empty_input(tmp_path):
    out = CachedEmbedder(CountingEmbedder(), tmp_path / "c.sqlite").encode([])
    assert out.shape == (0, 3)


def test_usable_cores():
    n = usable_cores()
    assert isinstance(n, int) and n >= 1


def test_default_cache_path(monkeypatch, tmp_path):
    monkeypatch.setenv("ALIGNER_CACHE", str(tmp_path / "here"))
    assert default_cache_path() == tmp_path / "here" / "embeddings.sqlite"
    monkeypatch.delenv("ALIGNER_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_path() == tmp_path / "xdg" / "aligner" / "embeddings.sqlite"


@pytest.mark.slow
def test_use_embedder_real_model():
    from aligner.embed import UseEmbedder

    emb = UseEmbedder()
    x = emb.encode(["今日は雨が降っています。", "It is raining today.", "The stock market closed higher on Friday."])
    assert x.shape == (3, 512) and x.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(x, axis=1), 1.0, atol=1e-5)
    assert x[0] @ x[1] > x[0] @ x[2] + 0.3
    assert emb.encode([]).shape == (0, 512)


@pytest.mark.slow
def test_a_text_row_depends_only_on_its_chunk(embedder):
    texts = [f"Sentence number {k} is here." for k in range(ENCODE_CHUNK + 7)]
    whole = embedder.encode(texts)
    by_chunk = np.concatenate([embedder.encode(texts[:ENCODE_CHUNK]), embedder.encode(texts[ENCODE_CHUNK:])])
    assert whole.tobytes() == by_chunk.tobytes()
