"""Check the sentence aligner's cost parameters and the margins of its second look at
merges and skips on the dev sentence cases and on cases made from the training pairs, and
say which setting holds best across the training cases.

Usage: python scripts/bench_costs.py [--eval ../shared/eval/dev] [--train ../shared/train/pairs.jsonl]

Cases from the training pairs are made as the evaluation README describes its own: each
document's 1-1 pairs in order, then, seeded, adjacent segments merged on one side (rate
MERGE_RATE) and segments deleted on one side (rate DELETE_RATE), the gold beads following
the edits. Three grids are run, each around the default with the other parts at theirs:
the bead cost (`config.SENTENCE_COST`); the margins and length weight of `refine.refine_beads`
(`refine.RefineParams`) with sentence counts off, as a build uses them (its segments are
sentences); and the weight of sentence counts, which acts where a line holds several
sentences (`aligner align`). For every setting the script prints strict F1 on the dev cases and
on the cases of each training source, and ranks the settings by their worst training source:
a setting is kept only if it holds across the sources, and the dev cases are shown, never
used to choose. Embeddings come from the default embedder through the cache.
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
from aligner.bitext import align_bitext, second_look
from aligner.config import SENTENCE_COST
from aligner.cost import CostParams, char_length
from aligner.embed import Embedder, default_cache_path, get_embedder
from aligner.evaluate import score_beads
from aligner.language import JOINER
from aligner.read import read_lines
from aligner.records import Bead
from aligner.refine import RefineParams

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
                en.append(JOINER["en"].join((a_en, b_en)))
                gold.append(Bead((len(ja) - 2, len(ja) - 1), (len(en) - 1,), 0.0))
            else:
                ja.append(JOINER["ja"].join((a_ja, b_ja)))
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


COST_GRID = {"skip": (0.5, 0.6, 0.7), "merge": (0.15, 0.2, 0.3), "length_weight": (0.01, 0.02, 0.04)}
REFINE_GRID = {
    "merge_gain": (-0.01, 0.0, 0.01),
    "split_gain": (0.01, 0.02, 0.03, 0.04),
    "length_weight": (0.0, 0.005, 0.0075, 0.01),
}
COUNT_GRID = (0.0, 0.01, 0.02, 0.03, 0.05, 0.07, 0.1)
OFF = float("inf")  # a margin no gain reaches: the second look changes nothing


def align_case(case: tuple, embedder: Embedder, params: CostParams, refine: RefineParams) -> list[Bead]:
    """The beads of one encoded case, as `bitext.align_texts` makes them."""
    _, ja, en, ja_vec, en_vec, gold = case
    lengths = [char_length(t) for t in ja], [char_length(t) for t in en]
    return align_bitext(ja_vec, en_vec, *lengths, params, refine=second_look(ja, en, embedder, refine))


def run_grid(
    title: str,
    settings: list[tuple[str, CostParams, RefineParams]],
    encoded: list,
    embedder: Embedder,
    sets: list[str],
    default: RefineParams = RefineParams(),
) -> tuple[float, float, str]:
    """Print strict F1 per set of each setting, the one with the default cost and `default`
    marked; returns the best one's (worst training set F1, mean training set F1, label):
    ranked by the worst training set, ties by the mean."""
    print(f"\n{title}")
    print(f"{'setting':>48} " + " ".join(f"{s:>18}" for s in sets) + f" {'worst train':>11}")
    results = []
    for label, params, refine in settings:
        by_set = defaultdict(list)
        for case in encoded:
            by_set[case[0]].append((case[-1], align_case(case, embedder, params, refine)))
        f1 = {s: score_beads(by_set[s])["f1_strict"] for s in sets}
        train = [f1[s] for s in sets if s.startswith("train")]
        worst = min(train)
        results.append((worst, sum(train) / len(train), label))
        mark = " (default)" if params == SENTENCE_COST and refine == default else ""
        print(f"{label:>48} " + " ".join(f"{f1[s]:18.4f}" for s in sets) + f" {worst:11.4f}{mark}", flush=True)
    return max(results)


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
        encoded.append((name, ja, en, vecs[: len(ja)], vecs[len(ja) :], gold))
    sets = sorted({c[0] for c in cases}, key=lambda s: (not s.startswith("dev"), s))
    counts = {s: sum(1 for c in cases if c[0] == s) for s in sets}
    print("cases: " + ", ".join(f"{s} {n}" for s, n in counts.items()))
    costs = [
        (f"skip {skip} merge {merge} length {length}",
         dataclasses.replace(SENTENCE_COST, skip=skip, merge=merge, length_weight=length), RefineParams())
        for skip, merge, length in itertools.product(*COST_GRID.values())
    ]  # fmt: skip
    best = run_grid("bead cost (second look at its default)", costs, encoded, embedder, sets)
    print(f"best worst-training-set strict F1 {best[0]:.4f} (mean {best[1]:.4f}): {best[2]}")
    # the margins as a build uses them: its segments are sentences, so counts weigh nothing
    uncounted = dataclasses.replace(RefineParams(), count_weight=0.0)
    margins = [("no second look", SENTENCE_COST, dataclasses.replace(uncounted, merge_gain=OFF, split_gain=OFF))] + [
        (f"merge {m} split {s} length {w}", SENTENCE_COST, RefineParams(m, s, w, count_weight=0.0))
        for m, s, w in itertools.product(*REFINE_GRID.values())
    ]
    title = "second look, sentence counts off (bead cost at its default)"
    best = run_grid(title, margins, encoded, embedder, sets, default=uncounted)
    print(f"best worst-training-set strict F1 {best[0]:.4f} (mean {best[1]:.4f}): {best[2]}")
    counts = [(f"count {c}", SENTENCE_COST, dataclasses.replace(RefineParams(), count_weight=c)) for c in COUNT_GRID]
    best = run_grid("second look's sentence counts (margins at their defaults)", counts, encoded, embedder, sets)
    print(f"best worst-training-set strict F1 {best[0]:.4f} (mean {best[1]:.4f}): {best[2]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
