"""Benchmark the pair scorer on the dev scoring set: ROC-AUC, precision/recall of kept, kept rate per kind.

Usage: python scripts/bench_scoring.py [--pairs ../shared/eval/dev/scoring/pairs.jsonl]

Runs `aligner score` (default settings) on the pairs and compares with cosine alone (its
ROC-AUC, and precision/recall at the cosine threshold that gives the best F1 on this very
set: a generous baseline).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import numpy as np

from aligner.evaluate import roc_auc

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=Path, default=ROOT.parent / "shared/eval/dev/scoring/pairs.jsonl")
    args = parser.parse_args()
    if not args.pairs.exists():
        print(f"no scoring set at {args.pairs}: pass --pairs", file=sys.stderr)
        return 2
    out = Path(tempfile.mkdtemp(prefix="bench_scoring_")) / "scored.jsonl"
    subprocess.run([sys.executable, "-m", "aligner", "score", str(args.pairs), "-o", str(out)], check=True)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    y = np.array([r["label"] for r in rows])
    score = np.array([r["score"] for r in rows])
    kept = np.array([r["kept"] for r in rows])
    cosine = np.array([(r["features"] or {}).get("cosine", -1.0) for r in rows])

    best = max(np.unique(cosine), key=lambda t: _f1(cosine >= t, y))
    print(f"{'':22} {'ROC-AUC':>8} {'P kept':>7} {'R kept':>7}")
    print(f"{'aligner score':22} {roc_auc(score, y):8.4f} {_p(kept, y):7.4f} {_r(kept, y):7.4f}")
    base = cosine >= best
    print(f"{f'cosine >= {best:.3f}':22} {roc_auc(cosine, y):8.4f} {_p(base, y):7.4f} {_r(base, y):7.4f}")
    by_kind = defaultdict(list)
    reasons = defaultdict(lambda: defaultdict(int))
    for r, c in zip(rows, cosine):
        by_kind[r["kind"]].append((r["kept"], c >= best))
        if not r["kept"]:
            reasons[r["kind"]][r["reason"]] += 1
    print(f"\n{'kind':16} {'n':>5} {'kept':>6} {'cos kept':>8}  reasons for the rest")
    for kind, items in sorted(by_kind.items()):
        k = np.array(items, dtype=bool)
        why = ", ".join(f"{reason} {n}" for reason, n in sorted(reasons[kind].items(), key=lambda x: -x[1]))
        print(f"{kind:16} {len(k):5d} {k[:, 0].mean():6.3f} {k[:, 1].mean():8.3f}  {why}")
    return 0


def _p(kept: np.ndarray, y: np.ndarray) -> float:
    return float((kept & (y == 1)).sum() / max(kept.sum(), 1))


def _r(kept: np.ndarray, y: np.ndarray) -> float:
    return float((kept & (y == 1)).sum() / max((y == 1).sum(), 1))


def _f1(kept: np.ndarray, y: np.ndarray) -> float:
    p, r = _p(kept, y), _r(kept, y)
    return 2 * p * r / (p + r) if p + r else 0.0


if __name__ == "__main__":
    sys.exit(main())
