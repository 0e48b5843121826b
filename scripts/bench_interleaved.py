"""Benchmark `aligner build` on the interleaved dev cases: paragraph-pair P/R/F1 and sentence beads.

Usage: python scripts/bench_interleaved.py [--eval ../shared/eval/dev/interleaved] [--out DIR] [-- extra build options]

Runs one `aligner build` over every case folder (doc.txt), then scores each case:
paragraph pairs against gold.jsonl (exact index sets), and where gold_sentences.jsonl
exists, how many gold sentence beads come out as kept pairs with identical text (NFKC,
white space collapsed) and the precision of the kept sentence pairs.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from aligner.evaluate import prf, score_sets
from aligner.language import normalize_text

ROOT = Path(__file__).resolve().parents[1]


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=ROOT.parent / "shared/eval/dev/interleaved")
    parser.add_argument("--out", type=Path, default=None, help="keep the corpus here (default: a temp folder)")
    parser.add_argument("extra", nargs="*", help="more options for aligner build")
    args = parser.parse_args()
    if not args.eval.is_dir():
        print(f"no eval data at {args.eval}: pass --eval", file=sys.stderr)
        return 2
    out = args.out or Path(tempfile.mkdtemp(prefix="bench_interleaved_"))
    t0 = time.time()
    subprocess.run(
        # only the documents: the gold files beside them are JSONL, which build would read too
        [sys.executable, "-m", "aligner", "build", str(args.eval), "-o", str(out), "--glob", "doc.txt", *args.extra],
        check=True,
        stderr=subprocess.DEVNULL,
    )
    seconds = time.time() - t0

    paragraphs = defaultdict(set)
    for r in _jsonl(out / "paragraphs.jsonl"):
        paragraphs[r["doc"].split("/")[0]].add((tuple(r["ja_blocks"]), tuple(r["en_blocks"])))
    sentences = defaultdict(set)
    for r in _jsonl(out / "pairs.jsonl"):
        sentences[r["doc"].split("/")[0]].add((normalize_text(r["ja"]), normalize_text(r["en"])))

    totals = [0, 0, 0]  # tp, predicted, gold (paragraphs)
    s_totals = [0, 0, 0]  # tp, predicted, gold (sentences, cases with gold sentences)
    print(f"{'case':34} {'P':>6} {'R':>6} {'F1':>6}   {'sent found':>10} {'sent P':>6}")
    for case in sorted(p for p in args.eval.iterdir() if (p / "gold.jsonl").exists()):
        gold = {(tuple(d["ja"]), tuple(d["en"])) for d in _jsonl(case / "gold.jsonl")}
        s = score_sets(gold, paragraphs[case.name])
        totals = [totals[0] + s.true_positives, totals[1] + s.predicted, totals[2] + s.gold]
        line = f"{case.name:34} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}"
        if (case / "gold_sentences.jsonl").exists():
            g = {(normalize_text(d["ja"]), normalize_text(d["en"])) for d in _jsonl(case / "gold_sentences.jsonl")}
            ss = score_sets(g, sentences[case.name])
            s_totals = [s_totals[0] + ss.true_positives, s_totals[1] + ss.predicted, s_totals[2] + ss.gold]
            line += f"   {ss.true_positives:4}/{ss.gold:<5} {ss.precision:6.3f}"
        print(line)
    para = prf(totals[0], totals[1], totals[0], totals[2])
    sent = prf(s_totals[0], s_totals[1], s_totals[0], s_totals[2])
    print(
        f"\nparagraph pairs (micro): P {para.precision:.4f} R {para.recall:.4f} F1 {para.f1:.4f} "
        f"({para.true_positives} right of {para.predicted} predicted, {para.gold} gold)"
    )
    print(
        f"sentence beads (micro):  P {sent.precision:.4f} R {sent.recall:.4f} F1 {sent.f1:.4f} "
        f"({sent.true_positives} of {sent.gold} gold found, {sent.predicted} predicted)"
    )
    print(f"wall time of aligner build: {seconds:.1f} s; corpus in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
