"""An embedder in a process of its own, so that one build uses two cores: the child encodes
the next batches of documents (numpy) while this process aligns and scores the current one
(Python). In one process the two would take turns: the encoder's many short numpy calls
and the aligner's Python code cannot run together under one interpreter lock."""

from __future__ import annotations

import logging
import logging.handlers
import multiprocessing
import queue
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import numpy as np

from aligner.embed import embedder_name
from aligner.errors import BackendError

if TYPE_CHECKING:
    from aligner.run.local import WorkerSpec

_POLL_SECONDS = 1.0  # how often a wait of one process checks that the other is still alive


_START, _LOG = -1, -2  # tickets of the child's start (ready, or its error) and of its log records
_GONE = object()  # what the child's loop takes when the parent has ended without a word
_NO_STEP = object()  # what `take` gets when no work ahead is left


class _ForwardLogs(logging.handlers.QueueHandler):
    """Sends the child's log records (a cache it cannot use, ...) to the parent, which logs them."""

    def enqueue(self, record: logging.LogRecord) -> None:
        self.queue.put((_LOG, record))


def _serve(spec: WorkerSpec, requests: multiprocessing.Queue, results: multiprocessing.Queue) -> None:
    """The child's loop: build the embedder (its BLAS threads limited to `spec.threads`), say
    "ready" or send the error, then answer each (ticket, texts) request with (ticket, rows)
    or (ticket, error), in order, until a None request or the parent's end (a parent killed
    with SIGKILL leaves no child behind). Warnings go to the parent."""
    from threadpoolctl import threadpool_limits

    # Ctrl-C reaches every process of the terminal's group: the parent stops the run and
    # ends this child (a forked child would also run the parent's SIGTERM handler)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    logging.basicConfig(level=logging.WARNING, handlers=[_ForwardLogs(results)], force=True)
    limits = threadpool_limits(spec.threads) if spec.threads else None
    try:
        embedder = spec.embedder()
    except Exception as e:  # sent to the parent, which raises it where it waits
        results.put((_START, e))
        return
    results.put((_START, None))
    parent = multiprocessing.parent_process()
    while True:
        try:
            request = requests.get(timeout=_POLL_SECONDS)
        except queue.Empty:
            if parent is None or parent.is_alive():
                continue
            request = _GONE
        except (EOFError, OSError):
            request = _GONE
        if request is _GONE:  # the parent was killed: end without waiting to send answers nobody reads
            results.cancel_join_thread()
            return
        if request is None:
            return
        ticket, texts = request
        try:
            results.put((ticket, embedder.encode(texts)))
        except Exception as e:
            results.put((ticket, e))
    del limits


def start_method() -> str:
    """How to start the encoder's child: "fork" on Linux when this process runs no other
    thread, else "spawn". A forked child starts at once with the imports already made; a
    spawned one imports aligner again first (a quarter of a second on the build's critical
    path, before the model can load). A fork while another thread runs can leave the child
    stuck on a lock that thread held, and macOS's system libraries are not fork-safe."""
    return "fork" if sys.platform.startswith("linux") and threading.active_count() == 1 else "spawn"


class EncoderProcess:
    """An Embedder served by a child process built from `spec` (a model name and a cache
    path; an Embedder object must be picklable where the child is spawned). `submit` queues texts and returns a
    ticket, `take(ticket)` waits for their rows; `encode` does both. The child answers in
    the order asked. Errors of the child (a model that cannot load, an encode that fails,
    the child killed) are raised where the parent waits. Use it as a context manager.

    The child is started at once (`start_method`), so it loads its model while the parent
    does other work.
    """

    def __init__(self, spec: WorkerSpec) -> None:
        context = multiprocessing.get_context(start_method())
        self.name = embedder_name(spec.model)
        self._requests: multiprocessing.Queue = context.Queue()
        self._results: multiprocessing.Queue = context.Queue()
        self._child = context.Process(target=_serve, args=(spec, self._requests, self._results), daemon=True)
        self._child.start()
        self._next = 0
        self._arrived: dict[int, object] = {}

    def submit(self, texts: Sequence[str]) -> int:
        """Queue `texts` to encode; returns the ticket to `take` their rows with."""
        ticket, self._next = self._next, self._next + 1
        self._requests.put((ticket, list(texts)))
        return ticket

    def take(self, ticket: int, meanwhile: Iterator[object] | None = None) -> np.ndarray:
        """The (n, d) rows of the texts submitted with `ticket`, waiting for them; while they
        are not there, the steps of `meanwhile` are run one at a time (work done ahead).

        Raises:
            BackendError: the child could not build its embedder or has ended.
            Exception: whatever the child's encode raised.
        """
        meanwhile = meanwhile if meanwhile is not None else iter(())
        while ticket not in self._arrived:
            try:
                got, answer = self._results.get(block=False)
            except queue.Empty:
                if next(meanwhile, _NO_STEP) is not _NO_STEP:
                    continue
                try:
                    got, answer = self._results.get(timeout=_POLL_SECONDS)
                except queue.Empty:
                    if not self._child.is_alive():
                        raise BackendError(f"the encoder process ended (exit code {self._child.exitcode})") from None
                    continue
            if got == _LOG:
                logging.getLogger(answer.name).handle(answer)
                continue
            if got == _START:  # ready, or why the child could not build its embedder
                if answer is not None:
                    raise answer
                continue
            self._arrived[got] = answer
        answer = self._arrived.pop(ticket)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Texts -> (n, d) float32 unit rows, encoded by the child (after what was submitted before)."""
        return self.take(self.submit(texts))

    def close(self, promptly: bool = False) -> None:
        """Stop the child: asked to end once it has answered what was asked before, then
        killed if it does not within a few seconds; killed at once when `promptly` (the run
        failed or was interrupted: nobody will read its answers)."""
        if self._child.is_alive() and not promptly:
            self._requests.put(None)
            self._child.join(timeout=5)
        if self._child.is_alive():
            self._child.kill()
            self._child.join()
        self._requests.cancel_join_thread()
        self._results.cancel_join_thread()

    def __enter__(self) -> EncoderProcess:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        self.close(promptly=kind is not None)
