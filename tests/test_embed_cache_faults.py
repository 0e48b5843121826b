"""The embedding cache under faults: damaged, read-only, full, locked or at an unusable path,
it warns once naming its path and the encoding goes on (and gives the right rows)."""

from __future__ import annotations

import logging
import sqlite3
import threading

import numpy as np

from aligner import embed
from aligner.embed import CachedEmbedder
from tests.test_embed import CountingEmbedder, expected_rows

TEXTS = ["犬", "a dog", "犬"]


def _warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


class _Failing(sqlite3.Connection):
    """A connection whose statements starting with one of `failing` raise `error`."""

    failing: tuple[str, ...] = ()
    error = "disk I/O error"

    def _check(self, sql: str) -> None:
        if sql.lstrip().upper().startswith(self.failing):
            raise sqlite3.OperationalError(self.error)

    def execute(self, sql, *args):
        self._check(sql)
        return super().execute(sql, *args)

    def executemany(self, sql, *args):
        self._check(sql)
        return super().executemany(sql, *args)


def _inject(monkeypatch, failing: tuple[str, ...], error: str, only_writable: bool = True) -> None:
    """Make the cache's connections fail on `failing` statements with `error` (only the
    writable ones when `only_writable`: a read-only open goes through)."""
    real = sqlite3.connect

    class Failing(_Failing):
        pass

    Failing.failing, Failing.error = failing, error

    def connect(database, *args, **kwargs):
        if only_writable and kwargs.get("uri"):
            return real(database, *args, **kwargs)
        return real(database, *args, factory=Failing, **kwargs)

    monkeypatch.setattr(embed.sqlite3, "connect", connect)


def test_a_damaged_file_is_left_alone_and_the_run_goes_on(tmp_path, caplog):
    path = tmp_path / "c.sqlite"
    path.write_bytes(b"this is no SQLite database, only some bytes" * 100)
    fake = CountingEmbedder()
    emb = CachedEmbedder(fake, path)
    np.testing.assert_array_equal(emb.encode(TEXTS), expected_rows(TEXTS))
    np.testing.assert_array_equal(emb.encode(TEXTS), expected_rows(TEXTS))
    assert fake.calls == [["犬", "a dog"], ["犬", "a dog"]]  # nothing cached, nothing lost
    (warning,) = _warnings(caplog)
    assert str(path) in warning and "going on without it" in warning
    assert path.read_bytes().startswith(b"this is no SQLite")  # not overwritten


def test_an_unusable_path_warns_when_the_cache_is_built(tmp_path, caplog):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    path = blocker / "c.sqlite"  # a folder that cannot exist
    emb = CachedEmbedder(CountingEmbedder(), path)
    (warning,) = _warnings(caplog)  # at once, before any encoding
    assert str(path) in warning
    np.testing.assert_array_equal(emb.encode(TEXTS), expected_rows(TEXTS))


def test_a_read_only_cache_is_read_and_not_added_to(tmp_path, monkeypatch, caplog):
    path = tmp_path / "c.sqlite"
    CachedEmbedder(CountingEmbedder(), path).encode(["犬"])
    _inject(monkeypatch, ("PRAGMA", "CREATE", "INSERT"), "attempt to write a readonly database")
    fake = CountingEmbedder()
    emb = CachedEmbedder(fake, path)
    np.testing.assert_array_equal(emb.encode(TEXTS), expected_rows(TEXTS))
    assert fake.calls == [["a dog"]]  # 犬 came from the cache
    (warning,) = _warnings(caplog)
    assert str(path) in warning and "read-only" in warning
    monkeypatch.undo()
    assert CachedEmbedder(CountingEmbedder(), path)._lookup(["a dog"], {"a dog": emb._key("a dog")}) == {}


def test_a_full_disk_stops_the_writing_and_not_the_run(tmp_path, monkeypatch, caplog):
    _inject(monkeypatch, ("INSERT",), "database or disk is full")
    fake = CountingEmbedder()
    emb = CachedEmbedder(fake, tmp_path / "c.sqlite")
    np.testing.assert_array_equal(emb.encode(TEXTS), expected_rows(TEXTS))
    np.testing.assert_array_equal(emb.encode(["two"]), expected_rows(["two"]))
    (warning,) = _warnings(caplog)  # once, not once a call
    assert "disk is full" in warning and str(tmp_path / "c.sqlite") in warning


def test_a_failing_read_drops_the_cache_and_encodes(tmp_path, monkeypatch, caplog):
    path = tmp_path / "c.sqlite"
    CachedEmbedder(CountingEmbedder(), path).encode(["犬"])
    _inject(monkeypatch, ("SELECT",), "disk I/O error", only_writable=False)
    fake = CountingEmbedder()
    np.testing.assert_array_equal(CachedEmbedder(fake, path).encode(TEXTS), expected_rows(TEXTS))
    assert fake.calls == [["犬", "a dog"]]
    assert any("cannot be read" in w for w in _warnings(caplog))


def test_a_cache_locked_by_another_writer_is_waited_for_then_skipped(tmp_path, caplog):
    path = tmp_path / "c.sqlite"
    CachedEmbedder(CountingEmbedder(), path).encode(["犬"])
    holder = sqlite3.connect(path, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")  # another run holding the write lock past our timeout
    try:
        emb = CachedEmbedder(CountingEmbedder(), path, timeout=0.2)
        np.testing.assert_array_equal(emb.encode(TEXTS), expected_rows(TEXTS))
    finally:
        holder.rollback()
        holder.close()
    assert _warnings(caplog) and all(str(path) in w for w in _warnings(caplog))


def test_concurrent_writers_share_one_cache(tmp_path):
    path = tmp_path / "c.sqlite"
    texts = [[f"text {k} of writer {w}" for k in range(200)] for w in range(4)]
    errors: list[BaseException] = []

    def run(batch: list[str]) -> None:
        try:
            emb = CachedEmbedder(CountingEmbedder(), path)
            for k in range(0, len(batch), 20):
                emb.encode(batch[k : k + 20])
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=run, args=(t,)) for t in texts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    fake = CountingEmbedder()
    every = [t for batch in texts for t in batch]
    np.testing.assert_array_equal(CachedEmbedder(fake, path).encode(every), expected_rows(every))
    assert fake.calls == []  # every writer's rows are there


def test_the_cache_is_in_wal_mode(tmp_path):
    path = tmp_path / "c.sqlite"
    CachedEmbedder(CountingEmbedder(), path)
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
