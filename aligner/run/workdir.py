"""The life of a build's output folder: checked before any work, locked while a build writes
it, a journal of finished documents beside it (so that a killed run resumes), and the new
outputs published as one unit.

For an output folder OUT, a build works in .OUT.partial/ beside it (hidden: a folder walked
for inputs skips it):

- `lock`: held (flock) while the build runs; the kernel lets it go when the process dies;
- `run.json`: the inputs and settings, so that --resume goes on only with the same ones;
- `journal.jsonl`: one line per finished document, in document order, appended and flushed;
- `staging/`: the new outputs, written whole before they are published.

Publishing moves the old OUT into .OUT.partial/previous and staging/ into OUT, then deletes
.OUT.partial. A kill between the two renames leaves both whole, and the next build into OUT
finishes the move first. OUT itself therefore only ever holds one build's outputs, whole.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from aligner.errors import InputError
from aligner.export.files import write_json

MARKER = "manifest.json"  # written last into every complete build folder


def is_whole(folder: Path) -> bool:
    """True when `folder` holds a whole build: a complete one (its manifest, written last) or
    a failed one (only its report.json, saying so)."""
    if (folder / MARKER).exists():
        return True
    try:
        return json.loads((folder / "report.json").read_text(encoding="utf-8")).get("complete") is False
    except (OSError, ValueError, AttributeError):
        return False


@dataclass(frozen=True, slots=True)
class WorkDir:
    """The paths of one build into `out`."""

    out: Path

    @property
    def root(self) -> Path:
        # hidden, so that a folder walked for inputs does not read it
        return self.out.with_name(f".{self.out.name}.partial")

    @property
    def journal(self) -> Path:
        return self.root / "journal.jsonl"

    @property
    def run_file(self) -> Path:
        return self.root / "run.json"

    @property
    def staging(self) -> Path:
        return self.root / "staging"

    @property
    def previous(self) -> Path:
        return self.root / "previous"


_HELD: set[IO[str]] = set()
"""The lock files this process holds."""


def _close_inherited_locks() -> None:
    # A forked child (the encoder's) shares its parent's open lock files, and a flock lasts
    # while any process has its file open: a child that outlived a killed parent for a moment
    # would refuse the --resume run started at once. Closed (never unlocked: that would free
    # the parent's lock too).
    for f in _HELD:
        f.close()
    _HELD.clear()


os.register_at_fork(after_in_child=_close_inherited_locks)


class BuildLock:
    """The lock of a WorkDir, held from `acquire` to `release` (or the process's end)."""

    def __init__(self, work: WorkDir) -> None:
        self.work = work
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        """Take the lock.

        Raises:
            InputError: another build holds it, or the folder cannot be made.
        """
        path = self.work.root / "lock"
        try:
            self.work.root.mkdir(parents=True, exist_ok=True)
            f = open(path, "a+", encoding="utf-8")
        except OSError as e:
            raise InputError(
                f"{self.work.out}: cannot write there (making {self.work.root}: {e.strerror or e}); "
                "choose another output"
            ) from e
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            f.seek(0)
            holder = f.read().strip() or "another process"
            f.close()
            raise InputError(
                f"{self.work.out}: another build ({holder}) is writing it; wait for it to end or choose another folder"
            ) from e
        f.seek(0)
        f.truncate()
        f.write(f"pid {os.getpid()}")
        f.flush()
        self._file = f
        _HELD.add(f)

    def release(self) -> None:
        """Let the lock go (closing the file releases the flock)."""
        if self._file is not None:
            _HELD.discard(self._file)
            self._file.close()
            self._file = None


def check_output(out: Path) -> None:
    """Refuse, before any work, an output that cannot take a build: a file, or a folder that
    holds files but no build (publishing replaces the folder whole).

    Raises:
        InputError: naming the path and the fix.
    """
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: is a file, not a folder; choose a folder for the corpus")
    if out.is_dir() and any(out.iterdir()) and not is_whole(out):
        raise InputError(
            f"{out}: holds files that are not an aligner build, which a build would replace; choose another folder"
        )


def recover(work: WorkDir) -> None:
    """Finish a publication that a kill interrupted between its two renames: OUT is missing
    and staging/ is whole (it has its manifest)."""
    if not work.out.exists() and is_whole(work.staging):
        os.replace(work.staging, work.out)
        shutil.rmtree(work.previous, ignore_errors=True)


def start(work: WorkDir, run: dict, resume: bool) -> int:
    """Prepare the journal for a run with settings `run` (JSON-ready): a new run refuses an
    unfinished one; a resumed run checks that the settings are the same and keeps its whole
    lines (a line cut by a kill is dropped).

    Returns:
        How many documents the journal already holds.

    Raises:
        InputError: an unfinished run without --resume, or one with other settings.
    """
    has_journal = work.journal.exists()
    if has_journal and not resume:
        raise InputError(
            f"{work.out}: an unfinished build is in {work.root}; add --resume to finish it, "
            f"or choose another folder (or delete {work.root} to start again)"
        )
    if has_journal and work.run_file.exists():
        before = json.loads(work.run_file.read_text(encoding="utf-8"))
        changed = sorted(k for k in set(before) | set(run) if before.get(k) != run.get(k))
        if changed:
            raise InputError(
                f"{work.out}: the unfinished build in {work.root} used other {', '.join(changed)}; "
                f"resume it with the same ones, or delete {work.root} to start again"
            )
    shutil.rmtree(work.staging, ignore_errors=True)
    write_json(work.run_file, run)
    return _trim(work.journal) if has_journal else 0


def _trim(path: Path) -> int:
    """Cut the journal after its last whole line; returns the number of whole lines."""
    good, lines = 0, 0
    with open(path, "rb") as f:
        for line in f:
            if not line.endswith(b"\n"):
                break
            try:
                json.loads(line)
            except ValueError:
                break
            good += len(line)
            lines += 1
    with open(path, "rb+") as f:
        f.truncate(good)
    return lines


def append(journal: IO[str], entry: dict) -> None:
    """Add one finished document to the open journal and push it to the OS (a SIGKILL then
    loses nothing written)."""
    journal.write(json.dumps(entry, ensure_ascii=False) + "\n")
    journal.flush()


def entries(work: WorkDir) -> Iterator[dict]:
    """The journal's documents, in order, read one at a time."""
    if not work.journal.exists():
        return
    with open(work.journal, encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


def publish(work: WorkDir) -> None:
    """Put staging/ in the place of OUT (the old OUT moved aside first), then delete the work
    folder. Call with the lock held; the lock goes with the folder."""
    if work.out.exists():
        os.replace(work.out, work.previous)
    os.replace(work.staging, work.out)
    shutil.rmtree(work.root, ignore_errors=True)
