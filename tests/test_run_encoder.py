"""`run.encoder.EncoderProcess`: an embedder served by a child process, with a picklable fake
embedder (tests.test_embed.CountingEmbedder) and an unknown model name."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from aligner.config import BuildConfig
from aligner.embed import ENCODE_CHUNK
from aligner.errors import BackendError
from aligner.run import encoder as encoder_module
from aligner.run.encoder import EncoderProcess, start_method
from aligner.run.local import WorkerSpec
from tests.conftest import REPO
from tests.test_embed import CountingEmbedder, expected_rows


def _spec(model) -> WorkerSpec:
    return WorkerSpec(model, None, BuildConfig(), threads=1)


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_rows_come_back_for_their_ticket_whatever_the_order_taken(method, monkeypatch):
    monkeypatch.setattr(encoder_module, "start_method", lambda: method)
    with EncoderProcess(_spec(CountingEmbedder(scale=2.0))) as encoder:
        assert encoder.name == "fake"
        first = encoder.submit(["a", "bb"])
        second = encoder.submit(["ccc"])
        np.testing.assert_array_equal(encoder.take(second), expected_rows(["ccc"], 2.0))
        np.testing.assert_array_equal(encoder.take(first), expected_rows(["a", "bb"], 2.0))
        np.testing.assert_array_equal(encoder.encode(["dddd", "e"]), expected_rows(["dddd", "e"], 2.0))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork is used on Linux only")
def test_the_child_is_spawned_while_another_thread_runs():
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert start_method() == "spawn"
    finally:
        stop.set()
        other.join()
    if threading.active_count() == 1:  # threads left by other tests (Ray's) keep it spawning
        assert start_method() == "fork"


class SlowEmbedder(CountingEmbedder):
    """The fake embedder, taking `seconds` a call (picklable: the child builds it)."""

    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds

    def encode(self, texts):
        time.sleep(self.seconds)
        return super().encode(texts)


def test_work_ahead_runs_while_the_rows_are_not_there():
    done: list[int] = []

    def steps(n: int | None):
        k = 0
        while n is None or k < n:
            done.append(k)
            k += 1
            time.sleep(0.01)
            yield

    with EncoderProcess(_spec(SlowEmbedder(0.5))) as encoder:
        rows = encoder.take(encoder.submit(["abc"]), meanwhile=steps(None))
        np.testing.assert_array_equal(rows, expected_rows(["abc"]))
        assert done  # the child took at least half a second: steps ran in the meantime
        done.clear()
        rows = encoder.take(encoder.submit(["de"]), meanwhile=steps(2))
        np.testing.assert_array_equal(rows, expected_rows(["de"]))  # steps ran out first: then it waited
        assert done == [0, 1]


def test_a_model_that_cannot_be_built_is_raised_where_the_parent_waits():
    with EncoderProcess(_spec(CountingEmbedder())) as encoder:
        encoder.encode(["a"])  # a working child first: the error below is the model's, not the set-up's
    with pytest.raises(BackendError, match="unknown model 'nope'"), EncoderProcess(_spec("nope")) as encoder:
        encoder.encode(["a"])


def test_an_encode_error_is_raised_and_the_child_goes_on():
    with EncoderProcess(_spec(CountingEmbedder())) as encoder:
        with pytest.raises(TypeError):
            encoder.encode([None])  # the fake cannot measure None
        np.testing.assert_array_equal(encoder.encode(["ok"]), expected_rows(["ok"]))


def test_a_killed_child_is_an_error_not_a_hang():
    encoder = EncoderProcess(_spec(CountingEmbedder()))
    try:
        encoder.encode(["a"])
        encoder._child.kill()
        encoder._child.join()
        with pytest.raises(BackendError, match="encoder process ended"):
            encoder.encode(["b"])
    finally:
        encoder.close()


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_the_child_leaves_ctrl_c_to_the_parent(method, monkeypatch):
    # a terminal's Ctrl-C reaches every process of its group; the parent stops the run
    monkeypatch.setattr(encoder_module, "start_method", lambda: method)
    with EncoderProcess(_spec(CountingEmbedder())) as encoder:
        encoder.encode(["a"])  # the child is up and serving
        os.kill(encoder._child.pid, signal.SIGINT)
        np.testing.assert_array_equal(encoder.encode(["bb"]), expected_rows(["bb"]))


def test_a_run_that_fails_ends_the_child_without_waiting_for_its_queue():
    with pytest.raises(KeyboardInterrupt), EncoderProcess(_spec(SlowEmbedder(0.5))) as encoder:
        encoder.encode(["a"])
        for _ in range(6):  # three seconds of work nobody will read (under close's five-second wait)
            encoder.submit(["b"])
        raise KeyboardInterrupt
    assert encoder._child.exitcode == -signal.SIGKILL  # killed, not ended after its queue
    ended = EncoderProcess(_spec(CountingEmbedder()))
    with ended:
        ended.encode(["a"])
    assert ended._child.exitcode == 0  # a run that ends well lets the child end by itself


def test_the_childs_warnings_are_logged_by_the_parent(tmp_path, caplog):
    damaged = tmp_path / "emb.sqlite"
    damaged.write_bytes(b"not a database" * 64)
    with EncoderProcess(WorkerSpec(CountingEmbedder(), damaged, BuildConfig(), threads=1)) as encoder:
        np.testing.assert_array_equal(encoder.encode(["a"]), expected_rows(["a"]))
    assert any(str(damaged) in r.getMessage() and r.levelname == "WARNING" for r in caplog.records)


_PARENT = """
import sys, time
from aligner.config import BuildConfig
from aligner.run import encoder as encoder_module
from aligner.run.encoder import EncoderProcess, start_method
from aligner.run.local import WorkerSpec
from tests.test_embed import CountingEmbedder
encoder = EncoderProcess(WorkerSpec(CountingEmbedder(), None, BuildConfig(), threads=1))
encoder.encode(["a"])
encoder.submit(["b"] * 20000)  # an answer left in the pipe, that nobody will read
print(encoder._child.pid, flush=True)
time.sleep(600)
"""


def test_a_parent_killed_with_sigkill_leaves_no_child(tmp_path):
    parent = subprocess.Popen([sys.executable, "-c", _PARENT], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        child = int(parent.stdout.readline())
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 30
        while Path(f"/proc/{child}").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not Path(f"/proc/{child}").exists() or "Z" in Path(f"/proc/{child}/stat").read_text().split()[2]
    finally:
        parent.kill()


class GatedEmbedder(CountingEmbedder):
    """The fake embedder, logging the first text of each call to `log`, and holding its calls
    until the file `gate` exists, having made the file `entered` (picklable: the child
    builds it)."""

    def __init__(self, log: Path, gate: Path, entered: Path) -> None:
        super().__init__()
        self.log, self.gate, self.entered = str(log), str(gate), str(entered)

    def encode(self, texts):
        Path(self.entered).touch()
        while not os.path.exists(self.gate):
            time.sleep(0.01)
        with open(self.log, "a", encoding="utf-8") as f:
            f.write((texts[0] if texts else "") + "\n")
        return super().encode(texts)


def test_an_urgent_request_is_answered_between_the_chunks_of_an_earlier_one(tmp_path: Path):
    log, gate, entered = tmp_path / "log", tmp_path / "gate", tmp_path / "entered"
    batch = [f"t{k}" for k in range(3 * ENCODE_CHUNK)]
    with EncoderProcess(_spec(GatedEmbedder(log, gate, entered))) as encoder:
        ticket = encoder.submit(batch)
        while not entered.exists():  # the child is in its first chunk
            time.sleep(0.01)
        urgent = encoder.submit(["now"], urgent=True)
        time.sleep(0.5)  # the urgent request reaches the child's queue while that chunk waits
        gate.touch()
        np.testing.assert_array_equal(encoder.take(urgent), expected_rows(["now"]))
        np.testing.assert_array_equal(encoder.take(ticket), expected_rows(batch))
    chunk_starts = [batch[k] for k in range(0, len(batch), ENCODE_CHUNK)]
    assert log.read_text().split() == [chunk_starts[0], "now", *chunk_starts[1:]]


@pytest.mark.slow
def test_a_request_encoded_chunk_by_chunk_gives_the_bytes_of_one_call(embedder):
    texts = [f"文{k}。テストの文です。" if k % 2 else f"Sentence {k}." for k in range(2 * ENCODE_CHUNK + 5)]
    with EncoderProcess(WorkerSpec("use", None, BuildConfig(), threads=1)) as encoder:
        rows = encoder.take(encoder.submit(texts))
    assert rows.tobytes() == embedder.encode(texts).tobytes()
