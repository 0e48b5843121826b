"""Fit the JA/EN length model: mean and standard deviation of log((EN chars + 1) / (JA chars + 1)).

Usage: python scripts/fit_length.py PATH...

PATH is a JSON Lines file of {"ja", "en"} sentence pairs (like the gold_sentences.jsonl of
the interleaved cases) or a folder with ja.txt, en.txt and gold.txt (Vecalign beads: its
1-1 beads are used). Characters are counted without white space (`cost.char_length`).
The shipped `cost.LengthModel` defaults were fitted with

    python scripts/fit_length.py ../shared/eval/dev/interleaved/*/gold_sentences.jsonl \
        ../shared/eval/dev/sentences/*

(2,149 pairs; two numbers, so the held-back cases are what tells whether they carry over).
"""

from __future__ import annotations

import json
import math
import statistics
import sys
from pathlib import Path

from aligner.align import parse_beads
from aligner.cost import char_length
from aligner.read import read_lines


def pairs_of(path: Path) -> list[tuple[str, str]]:
    """(ja, en) text pairs of one JSON Lines file or one case folder."""
    if path.is_dir():
        ja, en = read_lines(path / "ja.txt"), read_lines(path / "en.txt")
        beads = parse_beads((path / "gold.txt").read_text(encoding="utf-8"), str(path / "gold.txt"))
        return [(ja[b.ja[0]], en[b.en[0]]) for b in beads if len(b.ja) == 1 and len(b.en) == 1]
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(r["ja"], r["en"]) for r in rows]


def main() -> int:
    paths = [Path(p) for p in sys.argv[1:]]
    if not paths:
        print(__doc__, file=sys.stderr)
        return 2
    ratios = [
        math.log((char_length(en) + 1) / (char_length(ja) + 1)) for p in paths for ja, en in pairs_of(p) if ja and en
    ]
    mean, std = statistics.fmean(ratios), statistics.pstdev(ratios)
    print(f"{len(ratios)} pairs: LengthModel(mean={mean:.2f}, std={std:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
