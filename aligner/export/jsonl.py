"""JSON Lines, the build's own format: paragraphs.jsonl, pairs.jsonl and rejected.jsonl, and
reading them back (with report.json and manifest.json) to export a build without aligning again."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from aligner.errors import InputError
from aligner.export.files import atomic_paths
from aligner.export.pairs import pair_from_record, pair_record
from aligner.records import Pair

NAMES = ("paragraphs.jsonl", "pairs.jsonl", "rejected.jsonl")
_HINT = "; is this a folder written by aligner build?"


@dataclass(frozen=True, slots=True)
class Build:
    """A build folder read back: every pair (kept ones in file order, then rejected ones),
    its report.json and its manifest.json."""

    pairs: tuple[Pair, ...]
    report: dict
    manifest: dict


def write_jsonl_files(folder: Path, pairs: Iterable[Pair]) -> list[tuple[str, int]]:
    """Write the kept paragraph pairs, the kept sentence pairs and every rejected pair, one
    `pair_record` a line, to the three files of `NAMES` in `folder`, in one pass over `pairs`
    (the three atomically, as a set).

    Returns:
        (file name, lines) of each file.
    """
    folder = Path(folder)
    counts = dict.fromkeys(NAMES, 0)
    with atomic_paths([folder / name for name in NAMES]) as temps, contextlib.ExitStack() as stack:
        files = {
            name: stack.enter_context(open(t, "w", encoding="utf-8", newline="\n")) for name, t in zip(NAMES, temps)
        }
        for p in pairs:
            name = NAMES[2] if not p.kept else NAMES[0] if p.level == "paragraph" else NAMES[1]
            files[name].write(json.dumps(pair_record(p), ensure_ascii=False) + "\n")
            counts[name] += 1
    return list(counts.items())


HELD_PAIRS = 5_000
"""A `PairStream` of at most this many pairs keeps them after its first whole pass (a small
corpus is not parsed again at each of the writers' passes); memory stays bounded."""


class PairStream:
    """The pairs of a JSON Lines file of `pair_record`s, read again at each pass: a corpus of
    any size goes through the writers (which iterate, and ask its length) in little memory.
    One of at most HELD_PAIRS pairs is read once and then held."""

    def __init__(self, path: Path, count: int) -> None:
        self.path, self.count = Path(path), count
        self._held: list[Pair] | None = None

    def __iter__(self) -> Iterator[Pair]:
        if self._held is not None:
            yield from self._held
            return
        held: list[Pair] | None = [] if self.count <= HELD_PAIRS else None
        with open(self.path, encoding="utf-8") as f:
            for line in f:
                pair = pair_from_record(json.loads(line))
                if held is not None:
                    held.append(pair)
                yield pair
        if held is not None and len(held) == self.count:  # a whole pass: the file said what it holds
            self._held = held

    def __len__(self) -> int:
        return self.count


def read_build(folder: Path) -> Build:
    """Read a folder written by `aligner build`.

    Raises:
        InputError: a file is missing, or a line is not a pair record of this version (file:line named).
    """
    folder = Path(folder)
    pairs = [pair for name in NAMES for pair in _read_pairs(folder / name)]
    return Build(tuple(pairs), _read_json(folder / "report.json"), _read_json(folder / "manifest.json"))


def _read_pairs(path: Path) -> list[Pair]:
    pairs = []
    try:
        with open(path, encoding="utf-8", newline="\n") as f:
            for number, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    pairs.append(pair_from_record(json.loads(line)))
                except (ValueError, KeyError, TypeError) as e:
                    raise InputError(f"{path}:{number}: not a pair record of aligner's JSON Lines ({e!r})") from e
    except OSError as e:
        raise InputError(f"{path}: cannot read it ({e.strerror or e}){_HINT}") from e
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: not UTF-8 ({e.reason}){_HINT}") from e
    return pairs


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise InputError(f"{path}: cannot read it ({e.strerror or e}){_HINT}") from e
    except ValueError as e:
        raise InputError(f"{path}: not JSON ({e})") from e
