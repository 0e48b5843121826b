"""Check the sentence aligner's cost parameters on the dev sentence cases and on cases made
from the training pairs, and say which setting holds best across them.

Usage: python scripts/bench_costs.py [--eval ../shared/eval/dev] [--train ../shared/train/pairs.jsonl]

Cases from the training pairs are made as the evaluation README describes its own: each
document's 1-1 pairs in order, then, seeded, adjacent segments merged on one side (rate
MERGE_RATE) and segments deleted on one side (rate DELETE_RATE), the gold beads following
the edits. For every setting of a small grid around the default (`config.SENTENCE_COST`)
the script prints strict F1 on the dev cases and on the cases of each training source, and
ranks the settings by their worst set: a setting is kept only if it holds across the sets,
not because it is best on dev. Embeddings come from the default embedder through the cache.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

from aligner.align import parse_beads
from aligner.bitext import align_bitext
from aligner.config import SENTENCE_COST
from aligner.cost import char_length
from aligner.embed import default_cache_path, get_embedder
from aligner.evaluate import score_beads
from aligner.read import read_lines
from aligner.records import Bead

ROOT = Path(__file__).resolve().parents[1]
SEED = 20261205
MERGE_RATE = 0.10  # the dev cases' merge rates are 0.08-0.12
DELETE_RATE = 0.045  # ... and their delete rates 0.03-0.06
MIN_UNITS = 10  # documents shorter than this make no case

Case = tuple[str, list[str], list[str], list[Bead]]  # (set name, ja, en, gold)


def perturb(pairs: list[tuple[str, str]], rng: random.Random) -> tuple[list[str], list[str], list[Bead]]:
    """Aligned 1-1 pairs -> (ja, en, gold beads) with merges and deletions on either side."""
    ja: list[str] = []
    en: list[str] = []
    gold: list[Bead] = []
    k = 0
    while k < len(pairs):
        r = rng.random()
        if r < DELETE_RATE:
            side = rng.randrange(2)
            text = pairs[k][side]
            (ja if side == 0 else en).append(text)
            gold.append(Bead((len(ja) - 1,), (), 0.0) if side == 0 else Bead((), (len(en) - 1,), 0.0))
            k += 1
        elif r < DELETE_RATE + MERGE_RATE and k + 1 < len(pairs):
            (a_ja, a_en), (b_ja, b_en) = pairs[k], pairs[k + 1]
            if rng.randrange(2) == 0:  # two JA segments stay apart, the EN ones become one
                ja += [a_ja, b_ja]
                en.append(f"{a_en} {b_en}")
                gold.append(Bead((len(ja) - 2, len(ja) - 1), (len(en) - 1,), 0.0))
            else:
                ja.append(a_ja + b_ja)
                en += [a_en, b_en]
                gold.append(Bead((len(ja) - 1,), (len(en) - 2, len(en) - 1), 0.0))
            k += 2
        else:
            ja.append(pairs[k][0])
            en.append(pairs[k][1])
            gold.append(Bead((len(ja) - 1,), (len(en) - 1,), 0.0))
            k += 1
    return ja, en, gold


def train_cases(path: Path) -> list[Case]:
    """One case per training document of MIN_UNITS pairs or more, named by its source."""
    docs: dict[str, list[dict]] = defaultdict(list)
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        docs[row["doc"]].append(row)
    rng = random.Random(SEED)
    cases = []
    for rows in docs.values():
        if len(rows) >= MIN_UNITS:
            cases.append((f"train {rows[0]['source']}", *perturb([(r["ja"], r["en"]) for r in rows], rng)))
    return cases


def dev_cases(eval_dir: Path) -> list[Case]:
    """The dev sentence cases."""
    out = []
    for case in sorted((eval_dir / "sentences").iterdir()):
        gold = parse_beads((case / "gold.txt").read_text(encoding="utf-8"))
        out.append(("dev sentences", read_lines(case / "ja.txt"), read_lines(case / "en.txt"), gold))
    return out


GRID = {"skip": (0.5, 0.6, 0.7), "merge": (0.15, 0.2, 0.3), "length_weight": (0.01, 0.02, 0.04)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=ROOT.parent / "shared/eval/dev")
    parser.add_argument("--train", type=Path, default=ROOT.parent / "shared/train/pairs.jsonl")
    args = parser.parse_args()
    cases = dev_cases(args.eval) + train_cases(args.train)
    embedder = get_embedder("use", cache=default_cache_path())
    encoded = []
    for name, ja, en, gold in cases:
        vecs = embedder.encode(ja + en)
        encoded.append(
            (name, vecs[: len(ja)], vecs[len(ja) :], [char_length(t) for t in ja], [char_length(t) for t in en], gold)
        )
    sets = sorted({c[0] for c in cases}, key=lambda s: (not s.startswith("dev"), s))
    counts = {s: sum(1 for c in cases if c[0] == s) for s in sets}
    print("cases: " + ", ".join(f"{s} {n}" for s, n in counts.items()))
    print(f"{'skip':>5} {'merge':>6} {'length':>7} " + " ".join(f"{s:>18}" for s in sets) + f" {'worst':>7}")
    results = []
    for skip, merge, length_weight in itertools.product(*GRID.values()):
        params = dataclasses.replace(SENTENCE_COST, skip=skip, merge=merge, length_weight=length_weight)
        by_set = defaultdict(list)
        for name, ja_vec, en_vec, ja_len, en_len, gold in encoded:
            by_set[name].append((gold, align_bitext(ja_vec, en_vec, ja_len, en_len, params)))
        f1 = {s: score_beads(by_set[s])["f1_strict"] for s in sets}
        results.append((min(f1.values()), params, f1))
        mark = " (default)" if params == SENTENCE_COST else ""
        print(
            f"{skip:5.2f} {merge:6.2f} {length_weight:7.3f} "
            + " ".join(f"{f1[s]:18.4f}" for s in sets)
            + f" {min(f1.values()):7.4f}{mark}",
            flush=True,
        )
    best = max(results, key=lambda r: r[0])
    print(
        f"best worst-set strict F1 {best[0]:.4f}: "
        f"skip {best[1].skip}, merge {best[1].merge}, length_weight {best[1].length_weight}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
