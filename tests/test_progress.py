"""Tests for aligner.progress: a bar, plain lines, or nothing, and every item yielded."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from aligner.progress import progress_mode, track
from tests.conftest import REPO


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


@pytest.mark.parametrize(("quiet", "tty", "mode"), [(True, True, "off"), (False, True, "bar"), (False, False, "lines")])
def test_progress_mode(quiet: bool, tty: bool, mode: str) -> None:
    assert progress_mode(quiet, _Stream(tty)) == mode


def test_lines_mode_prints_counts() -> None:
    out = _Stream(False)
    assert list(track(range(3), "lines", "documents", total=3, stream=out, every=0.0)) == [0, 1, 2]
    assert out.getvalue().splitlines() == [
        "aligner: documents: 1/3", "aligner: documents: 2/3", "aligner: documents: 3/3", "aligner: documents: 3/3",
    ]  # fmt: skip


def test_lines_mode_counts_sizes_and_stays_silent_when_quick() -> None:
    out = _Stream(False)
    assert list(track([[1, 2], [3]], "lines", "lines", unit="lines", stream=out, every=0.0, size=len)) == [[1, 2], [3]]
    assert out.getvalue().splitlines()[-1] == "aligner: lines: 3 lines"
    quick = _Stream(False)
    assert list(track(range(3), "lines", "documents", stream=quick, every=3600.0)) == [0, 1, 2]
    assert quick.getvalue() == ""


def test_off_and_bar_yield_everything() -> None:
    out = _Stream(True)
    assert list(track(range(5), "off", "x", stream=out)) == list(range(5))
    assert out.getvalue() == ""
    assert list(track(range(5), "bar", "x", total=5, stream=out)) == list(range(5))


def test_a_bar_runs_no_thread() -> None:
    # a build forks its encoder only when it runs no other thread (run.encoder.start_method);
    # a fresh process, as tqdm's monitor thread, once started, stays for the process's life
    code = (
        "import io, threading\n"
        "from aligner.progress import track\n"
        "class Tty(io.StringIO):\n"
        "    def isatty(self): return True\n"
        "print([threading.active_count() for _ in track(range(3), 'bar', 'x', total=3, stream=Tty())])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[1, 1, 1]"
