"""Fit the calibrated pair scorer and write aligner/resources/scorer.json.

Usage: python scripts/fit_scorer.py [--eval ../shared/eval/dev] [--dry-run]

Training pairs are built from human-aligned JA/EN text: the gold beads of the dev sentence
and scale cases and the gold sentence pairs of the dev interleaved cases. Positives are real
pairs and two consecutive pairs joined on both sides; negatives are made from them: a
neighbour's translation, one side holding two segments and the other one, a number changed,
a name replaced, an unrelated pair, the same text on both sides, and a side in the wrong
language. Any pair whose JA or EN text appears in the scoring evaluation set
(dev/scoring/pairs.jsonl) is left out first, so that no evaluation sentence is trained on;
nothing else is read from that set. The model has one hidden layer of 8 tanh units over
`score.design_row`, kept monotone in the inputs whose direction is known (DIRECTIONS),
positives and negatives weighted half and half, every negative kind alike; a logistic
regression is fitted beside it for comparison (--model logistic writes it instead).
Documents are split 80/20 to report held-out figures before the final fit on everything;
on the held-out documents the script prints precision and recall by threshold, and picks
the default --min-score by the one-standard-error rule on F0.5 (`default_threshold`).
Deterministic (fixed seed); embeddings come from the default embedder through the cache.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np

from aligner.align import parse_beads
from aligner.embed import default_cache_path, get_embedder
from aligner.evaluate import roc_auc
from aligner.language import JOINER, normalize_text
from aligner.read import read_lines
from aligner.score import INPUTS, SCORER_FILE, Scorer, compute_features, design_row

ROOT = Path(__file__).resolve().parents[1]
SEED = 20261125
BATCH = 1000  # pairs per scoring batch: margins compare a pair with the others of its batch

Doc = list[tuple[str, str]]


def load_docs(eval_dir: Path) -> list[Doc]:
    """Every source document as its sequence of aligned (ja, en) pairs."""
    docs: list[Doc] = []
    for case in sorted((eval_dir / "sentences").iterdir()) + sorted((eval_dir / "scale").iterdir()):
        ja, en = read_lines(case / "ja.txt"), read_lines(case / "en.txt")
        beads = parse_beads((case / "gold.txt").read_text(encoding="utf-8"))
        pairs = [
            (JOINER["ja"].join(ja[i] for i in b.ja), JOINER["en"].join(en[j] for j in b.en))
            for b in beads
            if b.ja and b.en
        ]
        # cut every case into chapter-sized pieces, and keep one in four pieces of the Bible
        # (the scale case, the New Testament, and the Bible sentence cases), so that Bible
        # verses do not outweigh the news, conversation and social media of the other cases
        pieces = [pairs[k : k + 60] for k in range(0, len(pairs), 60)]
        docs.extend(pieces[::4] if case.parent.name == "scale" or case.name.startswith("bible") else pieces)
    for path in sorted((eval_dir / "interleaved").glob("*/gold_sentences.jsonl")):
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        docs.append([(r["ja"], r["en"]) for r in rows])
    return [d for d in docs if len(d) >= 3]


def decontaminate(docs: list[Doc], eval_dir: Path) -> tuple[list[Doc], int]:
    """Drop every pair sharing a side with the scoring evaluation set."""
    banned: set[str] = set()
    path = eval_dir / "scoring" / "pairs.jsonl"
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            banned.update((normalize_text(row["ja"]), normalize_text(row["en"])))
    kept, dropped = [], 0
    for doc in docs:
        clean = [(ja, en) for ja, en in doc if normalize_text(ja) not in banned and normalize_text(en) not in banned]
        dropped += len(doc) - len(clean)
        kept.append(clean)
    return [d for d in kept if len(d) >= 3], dropped


NEGATIVE_KINDS = ["neighbour", "partial", "number_changed", "name_changed", "unrelated", "identical", "wrong_language"]
NEGATIVES_PER_PAIR = 2  # negatives drawn (of different kinds) for each real pair

_NUMBER = re.compile(r"[0-9０-９]+")
_CAPITALISED = re.compile(r"(?<=[a-z,;] )[A-Z][a-z]{2,}")


def change_number(text: str, rng: random.Random) -> str | None:
    """The text with one of its numbers changed, or None when it has none."""
    found = list(_NUMBER.finditer(text))
    if not found:
        return None
    m = rng.choice(found)
    digits = m.group().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    new = str(int(digits) + rng.choice([1, 2, 3, 5, 7, 10, 11]))
    return text[: m.start()] + new + text[m.end() :]


def change_number_somewhere(doc: Doc, t: int, rng: random.Random) -> tuple[str, str] | None:
    """A pair of the document, from t on, with one number changed on a side that has one."""
    for ja, en in doc[t:] + doc[:t]:
        sides = [s for s, text in (("ja", ja), ("en", en)) if _NUMBER.search(text)]
        if sides:
            side = rng.choice(sides)
            return (change_number(ja, rng), en) if side == "ja" else (ja, change_number(en, rng))
    return None


_JA_LATIN_NAME = re.compile(r"(?<![A-Za-z])[A-Z][A-Za-z]{2,}(?![A-Za-z])")


def change_name(ja: str, en: str, pool: list[str], rng: random.Random) -> tuple[str, str] | None:
    """The pair with one capitalised word replaced by another word of `pool`: a word inside
    the EN sentence (a name, or an ordinary word of a name: Royal Navy), or a Latin word on
    the JA side (Yahoo!ニュース); None when the pair has neither."""
    options = [(1, m) for m in _CAPITALISED.finditer(en)] + [(0, m) for m in _JA_LATIN_NAME.finditer(ja)]
    if not options:
        return None
    side, m = rng.choice(options)
    other = rng.choice([x for x in pool if x.casefold() != m.group().casefold()])
    text = (ja, en)[side]
    changed = text[: m.start()] + other + text[m.end() :]
    return (ja, changed) if side else (changed, en)


def make_examples(docs: list[Doc], rng: random.Random) -> list[tuple[str, str, int, str, int]]:
    """(ja, en, label, kind, doc index) examples: each real pair, some merged pairs, and
    NEGATIVES_PER_PAIR negatives of different kinds made from each real pair."""
    pool = sorted({m.group() for d in docs for _, en in d for m in _CAPITALISED.finditer(en)})
    out = []
    for di, doc in enumerate(docs):
        for t in range(len(doc) - 1):
            (ja, en), (ja2, en2) = doc[t], doc[t + 1]
            out.append((ja, en, 1, "good", di))
            if rng.random() < 0.25:
                out.append((ja + JOINER["ja"] + ja2, en + JOINER["en"] + en2, 1, "good_merged", di))
            if (_NUMBER.search(ja) or _NUMBER.search(en)) and rng.random() < 0.5:
                # numbers are rare enough that the draw below alone would teach too little
                changed = change_number_somewhere([(ja, en)], 0, rng)
                if changed:
                    out.append((*changed, 0, "number_changed", di))
            for kind in rng.sample(NEGATIVE_KINDS, NEGATIVES_PER_PAIR):
                if kind == "neighbour":
                    ex = (ja, en2) if rng.random() < 0.5 else (ja2, en)
                elif kind == "partial":
                    ex = (ja + JOINER["ja"] + ja2, en) if rng.random() < 0.5 else (ja, en + JOINER["en"] + en2)
                elif kind == "number_changed":
                    ex = change_number_somewhere(doc, t, rng)
                elif kind == "name_changed":
                    ex = change_name(ja, en, pool, rng)
                elif kind == "unrelated":
                    other = docs[(di + rng.randrange(1, len(docs))) % len(docs)]
                    ex = (ja, rng.choice(other)[1])
                elif kind == "identical":
                    ex = (ja, ja) if rng.random() < 0.5 else (en, en)
                else:  # wrong_language: a nearby segment of the other language on one side
                    ex = (en2, en) if rng.random() < 0.5 else (ja, ja2)
                if ex is not None and ex[0] and ex[1]:
                    out.append((ex[0], ex[1], 0, kind, di))
    return out


def featurise(examples: list[tuple[str, str, int, str, int]], rng: random.Random) -> np.ndarray:
    """Design rows of the examples, computed as `aligner score` computes them on a file
    holding the examples in a shuffled order (margins within batches of BATCH pairs)."""
    order = list(range(len(examples)))
    rng.shuffle(order)
    embedder = get_embedder("use", cache=default_cache_path())
    feats = compute_features([examples[k][:2] for k in order], embedder, batch=BATCH)
    rows = np.empty((len(examples), len(INPUTS)))
    rows[order] = np.stack([design_row(f) for f in feats])
    return rows


def kind_weights(kinds: list[str], y: np.ndarray) -> np.ndarray:
    """Sample weights giving positives and negatives half the total each, and every kind of
    negative the same share of its half: a rare kind (a changed number) teaches as much as a
    common one (an unrelated pair), and no kind is learnt better for being easy to make."""
    counts = Counter(kinds)
    neg_kinds = {k for k, label in zip(kinds, y) if label == 0}
    pos_total = float((y == 1).sum())
    return np.array(
        [0.5 / pos_total if label == 1 else 0.5 / (len(neg_kinds) * counts[k]) for k, label in zip(kinds, y)]
    ) * len(y)


def fit_logistic(x: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float = 1.0, steps: int = 50) -> Scorer:
    """L2-regularised logistic regression by Newton's method, with sample weights w."""
    mean, scale = x.mean(axis=0), np.maximum(x.std(axis=0), 1e-6)
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    beta = np.zeros(z.shape[1])
    reg = np.full(z.shape[1], l2)
    reg[-1] = 0.0  # the bias is not shrunk
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ beta, -50, 50)))
        grad = z.T @ (w * (p - y)) + reg * beta
        hess = (z * (w * p * (1 - p))[:, None]).T @ z + np.diag(reg)
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return Scorer(
        INPUTS,
        tuple(np.round(beta[:-1], 6)),
        round(float(beta[-1]), 6),
        tuple(np.round(mean, 6)),
        tuple(np.round(scale, 6)),
    )


# The way each input may move the score (+1 up, -1 down, 0 either): a pair does not become
# more likely a translation because less of it is translated. The network is kept monotone
# in these inputs (see `fit_mlp`).
DIRECTIONS = {
    "cosine": 1, "margin": 1, "abs_length_z": -1, "number_mismatch": -1, "latin_mismatch": -1,
    "name_mismatch": -1, "en_name_mismatch": -1, "ja_lang": 1, "en_lang": 1, "coverage": 1,
    "ja_translated": 1, "en_translated": 1, "many_sentences": 0, "part_gain": -1, "part_length_gain": -1,
    "part_translated": 1, "half_translated": 1,
}  # fmt: skip


def fit_mlp(x: np.ndarray, y: np.ndarray, w: np.ndarray, units: int = 8, epochs: int = 1500, seed: int = 0) -> Scorer:
    """One hidden layer of tanh units, trained full-batch with Adam on the weighted log loss
    (small L2), from a seeded start: deterministic. After every step, a first-layer weight
    whose path to the output would move the score against its input's DIRECTIONS is set to
    0, so the score is monotone in those inputs (tanh is increasing: the sign of input i's
    effect through unit j is the sign of hidden[i, j] * weights[j])."""
    sign = np.array([DIRECTIONS[name] for name in INPUTS], dtype=float)[:, None]
    mean, scale = x.mean(axis=0), np.maximum(x.std(axis=0), 1e-6)
    z = (x - mean) / scale
    rng = np.random.default_rng(seed)
    params = [rng.normal(0, 0.5, (z.shape[1], units)), np.zeros(units), rng.normal(0, 0.5, units), np.zeros(1)]
    first, second = [np.zeros_like(p) for p in params], [np.zeros_like(p) for p in params]
    lr, l2 = 0.01, 1e-3
    for t in range(1, epochs + 1):
        h = np.tanh(z @ params[0] + params[1])
        p = 1.0 / (1.0 + np.exp(-np.clip(h @ params[2] + params[3][0], -50, 50)))
        g = w * (p - y) / len(y)
        gh = np.outer(g, params[2]) * (1 - h**2)
        grads = [z.T @ gh + l2 * params[0], gh.sum(axis=0), h.T @ g + l2 * params[2], np.array([g.sum()])]
        for k, grad in enumerate(grads):
            first[k] = 0.9 * first[k] + 0.1 * grad
            second[k] = 0.999 * second[k] + 0.001 * grad**2
            params[k] -= lr * (first[k] / (1 - 0.9**t)) / (np.sqrt(second[k] / (1 - 0.999**t)) + 1e-8)
        params[0][params[0] * params[2][None, :] * sign < 0] = 0.0
    r = lambda a: tuple(np.round(a, 6).tolist())  # noqa: E731
    return Scorer(
        INPUTS, r(params[2]), round(float(params[3][0]), 6), r(mean), r(scale),
        tuple(r(row) for row in params[0]), r(params[1]),
    )  # fmt: skip


THRESHOLDS = np.round(np.arange(0.30, 0.951, 0.05), 2)


def threshold_table(s: np.ndarray, y: np.ndarray, w: np.ndarray) -> list[tuple[float, float, float, float]]:
    """(threshold, precision, recall, F0.5) of `score >= threshold`, with the sample weights
    `w` (`kind_weights`: positives and negatives half and half, every negative kind alike),
    so that precision is what a corpus of that mix would see."""
    rows = []
    for t in THRESHOLDS:
        kept = s >= t
        tp, fp = float(w[kept & (y == 1)].sum()), float(w[kept & (y == 0)].sum())
        p, r = tp / max(tp + fp, 1e-12), tp / float(w[y == 1].sum())
        rows.append((float(t), p, r, 1.25 * p * r / max(0.25 * p + r, 1e-12)))
    return rows


def default_threshold(
    s: np.ndarray, y: np.ndarray, kinds: list[str], docs: np.ndarray, boots: int = 200
) -> tuple[float, float, float]:
    """The default --min-score by the one-standard-error rule: the highest threshold whose
    F0.5 (`threshold_table`) is within one standard error of the best, the error taken by
    resampling the documents (seeded). F0.5 is flat near its best, and where it is, the
    higher threshold keeps fewer wrong pairs.

    Returns:
        (threshold, best F0.5, its standard error)
    """
    table = threshold_table(s, y, kind_weights(kinds, y))
    best_t, _, _, best_f = max(table, key=lambda row: row[3])
    names = np.unique(docs)
    rng = np.random.default_rng(SEED)
    kinds_arr = np.array(kinds)
    samples = []
    for _ in range(boots):
        rows = np.concatenate([np.flatnonzero(docs == d) for d in rng.choice(names, names.size)])
        resampled = threshold_table(s[rows], y[rows], kind_weights(list(kinds_arr[rows]), y[rows]))
        samples.append(next(f for t, _, _, f in resampled if t == best_t))
    error = float(np.std(samples))
    chosen = max(t for t, _, _, f in table if f >= best_f - error)
    return chosen, best_f, error


def report(name: str, scorer: Scorer, x: np.ndarray, y: np.ndarray, kinds: list[str]) -> None:
    s = scorer.score_rows(x)
    kept = s >= 0.5
    tp = int((kept & (y == 1)).sum())
    print(
        f"{name}: {len(y)} pairs, ROC-AUC {roc_auc(s, y):.4f}, cosine-only AUC {roc_auc(x[:, 0], y):.4f}, "
        f"kept precision {tp / max(kept.sum(), 1):.4f} recall {tp / max((y == 1).sum(), 1):.4f}"
    )
    for kind in sorted(set(kinds)):
        mask = np.array([k == kind for k in kinds])
        print(f"    {kind:15} n={mask.sum():5d} kept {kept[mask].mean():.3f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=ROOT.parent / "shared/eval/dev")
    parser.add_argument("--dry-run", action="store_true", help="report only; do not write scorer.json")
    parser.add_argument("--model", choices=["mlp", "logistic"], default="mlp", help="the model written")
    args = parser.parse_args()
    rng = random.Random(SEED)
    docs, dropped = decontaminate(load_docs(args.eval), args.eval)
    examples = make_examples(docs, rng)
    print(
        f"{len(docs)} documents, {dropped} pairs left out as in the scoring set; "
        f"{len(examples)} examples: {dict(Counter(e[3] for e in examples))}"
    )
    x = featurise(examples, rng)
    y = np.array([e[2] for e in examples], dtype=np.float64)
    kinds = [e[3] for e in examples]
    held = np.array([e[4] % 5 == 0 for e in examples])  # every fifth document held out
    weights = kind_weights(kinds, y)
    held_kinds = [k for k, h in zip(kinds, held) if h]
    report(
        "held-out documents, logistic", fit_logistic(x[~held], y[~held], weights[~held]), x[held], y[held], held_kinds
    )
    trial = fit_mlp(x[~held], y[~held], weights[~held])
    report("held-out documents, one hidden layer", trial, x[held], y[held], held_kinds)
    held_scores = trial.score_rows(x[held])
    table = threshold_table(held_scores, y[held], kind_weights(held_kinds, y[held]))
    print("held-out documents, mix of half positives, every negative kind alike:")
    for t, p, r, f in table:
        print(f"    score >= {t:.2f}: precision {p:.4f} recall {r:.4f} F0.5 {f:.4f}")
    held_docs = np.array([e[4] for e, h in zip(examples, held) if h])
    chosen, best_f, error = default_threshold(held_scores, y[held], held_kinds, held_docs)
    print(
        f"    best F0.5 {best_f:.4f} (standard error {error:.4f} over documents); the highest threshold "
        f"within one error of it: {chosen:.2f}, the default --min-score (filters.FilterConfig)"
    )
    scorer = fit_logistic(x, y, weights) if args.model == "logistic" else fit_mlp(x, y, weights)
    report("all (training fit)", scorer, x, y, kinds)
    if not args.dry_run:
        record = scorer.to_dict() | {
            "fitted_by": "python scripts/fit_scorer.py",
            "training_pairs": len(examples),
            "default_min_score": chosen,  # a test holds filters.FilterConfig().min_score to it
        }
        SCORER_FILE.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {SCORER_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
