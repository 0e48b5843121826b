"""Reading what a review works on: a built corpus folder (every pair of paragraphs.jsonl,
pairs.jsonl and rejected.jsonl with a stable id, and its thresholds) and the marks made on it."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

from aligner.audit import Correction
from aligner.config import BuildConfig
from aligner.errors import InputError

log = logging.getLogger(__name__)

PAIR_FILES = ("paragraphs.jsonl", "pairs.jsonl", "rejected.jsonl")


@dataclass(frozen=True, slots=True)
class BuiltPair:
    """One pair of a built corpus as its files hold it.

    id: the record's `id`, or one derived by `pair_id`. features: the record's feature dict
    (None for a pair never scored, as a block without counterpart). ja_blocks/en_blocks:
    block indices in the document.
    """

    id: str
    doc: str
    level: str
    ja: str
    en: str
    score: float
    kept: bool
    reason: str
    ja_blocks: tuple[int, ...]
    en_blocks: tuple[int, ...]
    features: dict | None


@dataclass(frozen=True, slots=True)
class Build:
    """A corpus folder: its pairs (kept paragraphs, kept sentences, then rejected, in file
    order), the score thresholds it was built with, and its manifest signature."""

    path: Path
    pairs: tuple[BuiltPair, ...]
    min_score: float
    min_alignment_score: float
    signature: str


def pair_id(record: dict) -> str:
    """The id of a pair record: its own `id` field when it has one, else 16 hex digits of
    the SHA-1 of its provenance and text (doc, level, block indices, spans, ja, en), so that
    the same pair of the same build gets the same id on every read.

    Args:
        record: one line of paragraphs.jsonl, pairs.jsonl or rejected.jsonl.

    Returns:
        The id as a string.
    """
    if record.get("id") is not None:
        return str(record["id"])
    key = [record.get(k) for k in ("doc", "level", "ja_blocks", "en_blocks", "ja_spans", "en_spans", "ja", "en")]
    return hashlib.sha1(json.dumps(key, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


def read_build(path: Path) -> Build:
    """Read a folder written by `aligner build`.

    A line that is not a JSON object with ja, en, doc and level is warned about with its
    file and line number and skipped. Two records with the same id (the same pair written
    twice) keep the first.

    Args:
        path: the build folder.

    Returns:
        The Build.

    Raises:
        InputError: the folder or one of its pair files is missing.
    """
    path = Path(path)
    if not path.is_dir():
        raise InputError(f"{path}: no such folder; give the -o folder of `aligner build`")
    missing = [name for name in PAIR_FILES if not (path / name).is_file()]
    if missing:
        what = f"{', '.join(missing)} missing"
        raise InputError(f"{path}: not a build folder ({what}); give the -o folder of `aligner build`")
    pairs: list[BuiltPair] = []
    seen: set[str] = set()
    for name in PAIR_FILES:
        for pair in _read_pairs(path / name):
            if pair.id in seen:
                log.warning("%s: pair %s appears twice; the first is kept", path / name, pair.id)
                continue
            seen.add(pair.id)
            pairs.append(pair)
    manifest = _read_manifest(path / "manifest.json")
    config, defaults = manifest.get("config", {}), BuildConfig()
    return Build(
        path=path,
        pairs=tuple(pairs),
        min_score=float(config.get("filters", {}).get("min_score", defaults.filters.min_score)),
        min_alignment_score=float(config.get("min_alignment_score", defaults.min_alignment_score)),
        signature=str(manifest.get("signature", "")),
    )


def _read_manifest(path: Path) -> dict:
    """The manifest, or {} (with a warning) when it is missing or not JSON: the defaults then stand."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        log.warning("%s: cannot read the manifest (%s); default thresholds assumed", path, e)
        return {}


def _read_pairs(path: Path):
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                r = json.loads(line)
                yield BuiltPair(
                    id=pair_id(r),
                    doc=str(r["doc"]),
                    level=str(r["level"]),
                    ja=str(r["ja"]),
                    en=str(r["en"]),
                    score=float(r.get("score") or 0.0),
                    kept=bool(r.get("kept", True)),
                    reason=str(r.get("reason") or ""),
                    ja_blocks=tuple(r.get("ja_blocks") or ()),
                    en_blocks=tuple(r.get("en_blocks") or ()),
                    features=r.get("features"),
                )
            except (json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as e:
                log.warning("%s:%d: not a pair record (%s); skipped", path, number, e)


def read_corrections(path: Path) -> list[Correction]:
    """Read a corrections.jsonl downloaded from the review page: one {"id", "ja", "en",
    "label"} a line, label 1 (good) or 0 (bad). A line that is not such an object is warned
    about with its line number and skipped.

    Args:
        path: the file.

    Returns:
        The marks in file order.

    Raises:
        InputError: the file cannot be read.
    """
    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot read the corrections: {e}; give the file the review page downloaded") from e
    out = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            r = json.loads(line)
            label = r["label"]
            if label not in (0, 1) or isinstance(label, float):
                raise ValueError(f"label must be 1 or 0, not {label!r}")
            out.append(Correction(str(r["id"]), str(r.get("ja", "")), str(r.get("en", "")), int(label)))
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as e:
            log.warning("%s:%d: not a correction (%s); skipped", path, number, e)
    return out
