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
from collections import deque
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import numpy as np

from aligner.embed import chunks, embedder_name
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
    "ready" or send the error, then answer each (ticket, texts, urgent) request with (ticket,
    rows) or (ticket, error), until a None request or the parent's end (a parent killed
    with SIGKILL leaves no child behind). Requests are answered in the order asked, but an
    urgent one (a few texts the parent waits for) is answered as soon as the chunk being
    encoded is done (`_Pending`). Warnings go to the parent."""
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
    waiting: deque[_Pending] = deque()
    while True:
        request = _next_request(requests, parent, block=not waiting)
        if request is _GONE:  # the parent was killed: end without waiting to send answers nobody reads
            results.cancel_join_thread()
            return
        if request is None:
            return
        if request is not _NOTHING:
            ticket, texts, urgent = request
            pending = _Pending(ticket, texts)
            if not urgent:
                waiting.append(pending)
                continue
            while not pending.step(embedder):
                pass
            results.put(pending.answer())
            continue
        pending = waiting[0]
        if pending.step(embedder):
            waiting.popleft()
            results.put(pending.answer())
    del limits


_NOTHING = object()  # what `_next_request` gives when no request is there and it may not wait


def _next_request(requests: multiprocessing.Queue, parent, block: bool) -> object:
    """The next request, None (end), `_GONE` (the parent has ended) or, when not `block`ing
    and none is there, `_NOTHING`."""
    while True:
        try:
            return requests.get(timeout=_POLL_SECONDS) if block else requests.get(block=False)
        except queue.Empty:
            if not block:
                return _NOTHING
            if parent is None or parent.is_alive():
                continue
            return _GONE
        except (EOFError, OSError):
            return _GONE


class _Pending:
    """A request being encoded one of its `embed.chunks` at a time, as the embedders
    themselves chunk texts (`embed.in_chunks`), so its rows are the bytes of one call."""

    def __init__(self, ticket: int, texts: list[str]) -> None:
        self.ticket, self.rows = ticket, []
        self.todo = chunks(texts) or [[]]  # an empty request: one empty chunk, for its (0, d) rows
        self.error: Exception | None = None

    def step(self, embedder) -> bool:
        """Encode the next chunk; returns whether the request is complete."""
        try:
            self.rows.append(embedder.encode(self.todo.pop(0)))
        except Exception as e:
            self.error = e
            return True
        return not self.todo

    def answer(self) -> tuple[int, object]:
        """(ticket, rows of all its texts), or (ticket, the error)."""
        if self.error is not None:
            return self.ticket, self.error
        return self.ticket, np.concatenate(self.rows)


def start_method() -> str:
    """How to start the encoder's child: "fork" on Linux when this process runs no other
    thread, else "spawn". A forked child starts at once with the imports already made; a
    spawned one imports aligner again first (a quarter of a second on the build's critical
    path, before the model can load). A fork while another thread runs can leave the child
    stuck on a lock that thread held, and macOS's system libraries are not fork-safe."""
    return "fork" if sys.platform.startswith("linux") and threading.active_count() == 1 else "spawn"


class EncoderProcess:
    """An Embedder served by a child process built from `spec` (a model name and a cache
    path; an Embedder object must be picklable where the child is spawned). `submit` queues
    texts and returns a ticket, `take(ticket)` waits for their rows; `encode` does both, as
    an urgent request. The child answers in the order asked, urgent requests first. Errors
    of the child (a model that cannot load, an encode that fails, the child killed) are
    raised where the parent waits. Use it as a context manager.

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

    def submit(self, texts: Sequence[str], urgent: bool = False) -> int:
        """Queue `texts` to encode; returns the ticket to `take` their rows with. An `urgent`
        request (a few texts this process waits for) is encoded before the requests
        queued earlier, as soon as the chunk being encoded is done."""
        ticket, self._next = self._next, self._next + 1
        self._requests.put((ticket, list(texts), urgent))
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
        """Texts -> (n, d) float32 unit rows, encoded by the child as an urgent request (before
        the batches submitted ahead: this process waits for them)."""
        return self.take(self.submit(texts, urgent=True))

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
