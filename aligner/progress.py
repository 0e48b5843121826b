"""Progress on stderr: a bar on a terminal, a plain line now and then otherwise, or nothing."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import IO, TypeVar

T = TypeVar("T")

MODES = ("bar", "lines", "off")

BAR_DELAY = 2.0
"""Seconds before a bar appears: a run shorter than that shows none."""

LINE_EVERY = 10.0
"""Seconds between two plain progress lines."""


def progress_mode(quiet: bool, stream: IO[str] | None = None) -> str:
    """The mode for a command: "off" when quiet, "bar" when `stream` (stderr) is a terminal,
    else "lines"."""
    stream = stream or sys.stderr
    if quiet:
        return "off"
    return "bar" if stream.isatty() else "lines"


def track(
    items: Iterable[T],
    mode: str,
    desc: str,
    total: int | None = None,
    unit: str = "",
    stream: IO[str] | None = None,
    every: float = LINE_EVERY,
    size: Callable[[T], int] | None = None,
) -> Iterator[T]:
    """Yield `items`, showing progress on `stream` (stderr) by `mode` (MODES).

    "bar" is a tqdm bar shown after BAR_DELAY seconds; "lines" prints `desc: N/TOTAL unit`
    at most every `every` seconds and once at the end when any line was printed (so a short
    run prints nothing); "off" shows nothing. Each item counts `size(item)` units (default 1).
    """
    stream = stream or sys.stderr
    if mode == "bar":
        from tqdm import tqdm

        class Bar(tqdm):
            # no monitor thread: a build forks its encoder only when it runs no other thread
            # (`run.encoder.start_method`); miniters=1 keeps the updates it would have forced
            monitor_interval = 0

        with Bar(desc=desc, total=total, unit=unit or "it", delay=BAR_DELAY, file=stream, miniters=1) as bar:
            for item in items:
                yield item
                bar.update(size(item) if size else 1)
        return
    if mode != "lines":
        yield from items
        return
    last, count, printed = time.monotonic(), 0, False
    for item in items:
        yield item
        count += size(item) if size else 1
        now = time.monotonic()
        if now - last >= every:
            _line(stream, desc, count, total, unit)
            last, printed = now, True
    if printed:
        _line(stream, desc, count, total, unit)


def _line(stream: IO[str], desc: str, count: int, total: int | None, unit: str) -> None:
    done = f"{count}/{total}" if total is not None else str(count)
    stream.write(f"aligner: {desc}: {done}{' ' + unit if unit else ''}\n")
    stream.flush()
