"""Atomic file writing: a file, a set of files or a folder appears whole or not at all."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO


@contextmanager
def atomic_paths(paths: Sequence[Path]) -> Iterator[list[Path]]:
    """Temporary paths beside `paths`, one each, for a writer (ours or a library's) to fill.

    When the block ends without an exception, each temporary file is synced and replaces
    its path, all of them after every one is complete (so files that belong together, such
    as `corpus.ja` and `corpus.en`, are never left one new and one old by a failing writer);
    on an exception every temporary file is removed and the paths are left as they were.
    """
    paths = [Path(p) for p in paths]
    temps: list[Path] = []
    try:
        for path in paths:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; give the mode open() would
            os.close(fd)
            temps.append(Path(tmp))
        yield temps
        for tmp in temps:
            with open(tmp, "rb+") as f:
                os.fsync(f.fileno())
        for tmp, path in zip(temps, paths):
            os.replace(tmp, path)
    except BaseException:
        for tmp in temps:
            tmp.unlink(missing_ok=True)
        raise


@contextmanager
def atomic_write(path: Path, encoding: str = "utf-8") -> Iterator[IO[str]]:
    """Open a temporary file beside `path` for writing; on success it replaces `path`,
    on an exception it is removed and `path` is left as it was."""
    with atomic_paths([path]) as (tmp,), open(tmp, "w", encoding=encoding, newline="\n") as f:
        yield f


@contextmanager
def atomic_dir(path: Path) -> Iterator[Path]:
    """A temporary folder beside `path` to fill; on success it takes the place of `path`
    (an older folder there is moved aside and deleted), on an exception it is deleted and
    `path` is left as it was. Between the two renames `path` is briefly absent, never partial."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"))
    os.chmod(tmp, 0o777 & ~_umask())
    try:
        yield tmp
        old = None
        if path.exists():
            old = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".old"))
            os.replace(path, old / path.name)
        os.replace(tmp, path)
        if old is not None:
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_jsonl(path: Path, records: Iterable[dict]) -> int:
    """Write one JSON object a line (UTF-8, not ASCII-escaped), atomically.

    Returns:
        The number of lines written.
    """
    n = 0
    with atomic_write(path) as f:
        for record in records:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
    return n


def write_json(path: Path, obj: object) -> None:
    """Write one JSON document, indented, atomically."""
    with atomic_write(path) as f:
        json.dump(obj, f, ensure_ascii=False, indent=2)
        f.write("\n")
