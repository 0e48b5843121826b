"""Does scoring merged beads from single-segment embeddings lose accuracy? A check on the dev sentence cases.

Usage: python scripts/compare_merge_scoring.py [--eval ../shared/eval/dev/sentences]

The aligner scores a bead of several segments from the embeddings of its segments (their
length-weighted sum), so each segment is encoded once. Bertalign and Vecalign instead
encode every window of up to 4 consecutive segments. This script aligns each dev sentence
case both ways, with everything else the same (`BeadCoster` with the shipped sentence
costs, exhaustive search), and prints strict/lax F1 and how many texts each way encodes.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from aligner.align import align, parse_beads
from aligner.bitext import BITEXT_BEADS
from aligner.config import SENTENCE_COST
from aligner.cost import BeadCoster, char_length
from aligner.embed import default_cache_path, get_embedder
from aligner.evaluate import score_beads
from aligner.language import JOINER
from aligner.read import read_lines

ROOT = Path(__file__).resolve().parents[1]


class ExactWindowCoster(BeadCoster):
    """A BeadCoster whose merged windows are encoded as one text (the Bertalign way)."""

    def __init__(self, *args, exact: tuple[dict[int, np.ndarray], dict[int, np.ndarray]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.exact = exact

    def fit_block(self, a: int, b: int, i0: int, i1: int, j0: int, j1: int) -> np.ndarray:
        fit = super().fit_block(a, b, i0, i1, j0, j1)
        rows, cols = np.arange(i0, i1), np.arange(j0, j1)
        ok_r, ok_c = rows[rows + a <= len(self._units[0])], cols[cols + b <= len(self._units[1])]
        if a == 1 and b == 1 or not len(ok_r) or not len(ok_c):
            return fit
        summed = self.window("ja", a, ok_r) @ self.window("en", b, ok_c).T
        exact = self.exact[0][a][ok_r] @ self.exact[1][b][ok_c].T
        norm = 0.5 * (self.ja_norm[a][ok_r][:, None] + self.en_norm[b][ok_c][None, :])
        fit[: len(ok_r), : len(ok_c)] += (summed - exact) / norm
        return fit


def windows(lines: list[str], lang: str, embedder, sizes=(1, 2, 3, 4)) -> dict[int, np.ndarray]:
    """{a: (n - a + 1, d) embeddings of every window of a consecutive lines, encoded as one text}."""
    out = {}
    for a in sizes:
        texts = [JOINER[lang].join(lines[i : i + a]) for i in range(len(lines) - a + 1)]
        out[a] = embedder.encode(texts) if texts else np.zeros((0, 512), dtype=np.float32)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=ROOT.parent / "shared/eval/dev/sentences")
    args = parser.parse_args()
    if not args.eval.is_dir():
        print(f"no eval data at {args.eval}: pass --eval", file=sys.stderr)
        return 2
    embedder = get_embedder("use", cache=default_cache_path())
    results = {"summed (aligner)": [], "exact windows": []}
    encoded = {"summed (aligner)": 0, "exact windows": 0}
    seconds = {"summed (aligner)": 0.0, "exact windows": 0.0}
    for case in sorted(p for p in args.eval.iterdir() if (p / "gold.txt").exists()):
        ja, en = read_lines(case / "ja.txt"), read_lines(case / "en.txt")
        gold = parse_beads((case / "gold.txt").read_text(encoding="utf-8"))
        ja_w, en_w = windows(ja, "ja", embedder), windows(en, "en", embedder)
        chars = ([char_length(t) for t in ja], [char_length(t) for t in en])
        for name, coster in (
            ("summed (aligner)", BeadCoster(ja_w[1], en_w[1], *chars, params=SENTENCE_COST)),
            ("exact windows", ExactWindowCoster(ja_w[1], en_w[1], *chars, params=SENTENCE_COST, exact=(ja_w, en_w))),
        ):
            start = time.perf_counter()
            results[name].append((gold, align(len(ja), len(en), coster, BITEXT_BEADS)))
            seconds[name] += time.perf_counter() - start
        encoded["summed (aligner)"] += len(ja) + len(en)
        encoded["exact windows"] += sum(len(v) for v in ja_w.values()) + sum(len(v) for v in en_w.values())
    print(f"{'merged beads scored from':26} {'F1 strict':>9} {'F1 lax':>7} {'texts encoded':>14} {'DP s':>6}")
    for name, pairs in results.items():
        s = score_beads(pairs)
        print(f"{name:26} {s['f1_strict']:9.4f} {s['f1_lax']:7.4f} {encoded[name]:14d} {seconds[name]:6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
