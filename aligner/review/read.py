"""The marks a person made on a review page, read back from corrections.jsonl."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from aligner.audit import Correction
from aligner.errors import InputError

log = logging.getLogger(__name__)


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
