"""Benchmark the review page on a synthetic corpus: how long headless Chromium takes to show
the first pairs of a page of 100,000 pairs.

Usage: python scripts/bench_review.py [--pairs 100000] [--runs 3] [--out data/bench_review] [--reuse]

Writes a synthetic corpus folder (through `write_corpus`, as `aligner build` does: kept
paragraph and sentence pairs, rejected pairs with reasons, 1,000 documents, some numbers and
names that disagree), times `write_review` on it, then opens the page in a fresh headless
Chromium context `--runs` times and prints the time from navigation start to the first pairs
shown (`performance.now()` when the page's script has rendered them), with the wall time of
`page.goto` to that point, and the time a text search over every pair takes.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

from aligner.config import BuildConfig
from aligner.export import write_corpus
from aligner.pipeline import Corpus
from aligner.records import Features, Pair
from aligner.review import write_review
from aligner.review.browser import CHROMIUM_ARGS, find_chromium

ROOT = Path(__file__).resolve().parents[1]
PLACES = [("東京", "Tokyo"), ("大阪", "Osaka"), ("平壌", "Pyongyang"), ("丹東", "Dandong"), ("京都", "Kyoto")]
PEOPLE = [("キム", "Kim"), ("山川", "Yamakawa"), ("ロジャース", "Rogers"), ("吉村", "Yoshimura")]
JA = [
    "{year}年に{place}で{n}人が集まり、{who}さんが新しい計画について説明しました。",
    "政府は{place}のインターネット利用を厳しく制限しており、{n}台の端末が登録されています。",
    "{who}氏によると、{place}の市場では携帯電話の価格が{n}ドルまで上がったということです。",
]
EN = [
    "In {year}, {n} people gathered in {place}, where {who} explained the new plan.",
    "The government strictly restricts internet use in {place}, where {n} devices are registered.",
    "According to {who}, the price of mobile phones in the {place} market rose to {n} dollars.",
]
REASONS = ["low_score", "no_counterpart", "length_ratio", "wrong_language", "duplicate", "too_short"]


def synthetic_pairs(n: int, docs: int = 1000, seed: int = 0) -> list[Pair]:
    """`n` pairs over `docs` documents: per paragraph pair, two sentence pairs; about 15%
    rejected; one sentence pair in 20 with a number changed, one in 50 with a name changed."""
    rng = random.Random(seed)
    pairs: list[Pair] = []
    k = 0
    while len(pairs) < n:
        doc = f"site{k % docs:04d}/post{k // docs:03d}.txt"
        sentences = []
        for _ in range(2):
            t = rng.randrange(len(JA))
            (place_ja, place_en), (who_ja, who_en) = rng.choice(PLACES), rng.choice(PEOPLE)
            year, count = rng.randrange(1990, 2025), rng.randrange(2, 5000)
            ja = JA[t].format(year=year, place=place_ja, n=count, who=who_ja)
            numbers = names = 1.0
            if rng.random() < 0.05:
                count, numbers = count + 1, 0.5
            if rng.random() < 0.02:
                who_en, names = "Tanaka", 0.0
            en = EN[t].format(year=year, place=place_en, n=count, who=who_en)
            score = min(1.0, max(0.0, rng.betavariate(8, 1) - (0.5 if numbers < 1 or names < 1 else 0)))
            sentences.append((ja, en, numbers, names, score))
        ja_par, en_par = "".join(s[0] for s in sentences), " ".join(s[1] for s in sentences)
        features = _features(rng, 1.0, 1.0)
        pairs.append(Pair(doc, "paragraph", ja_par, en_par, (2 * k,), (2 * k + 1,), features=features, score=0.99))
        for j, (ja, en, numbers, names, score) in enumerate(sentences):
            kept = score >= 0.85 and rng.random() > 0.05
            reason = "" if kept else ("low_score" if score < 0.85 else rng.choice(REASONS))
            spans = ((2 * k, j * 60, j * 60 + len(ja)),), ((2 * k + 1, j * 120, j * 120 + len(en)),)
            f = _features(rng, numbers, names)
            blocks = (2 * k,), (2 * k + 1,)
            pairs.append(Pair(doc, "sentence", ja, en, *blocks, *spans, f, round(score, 4), kept, reason))
        k += 1
    return pairs[:n]


def _features(rng: random.Random, numbers: float, names: float) -> Features:
    def share() -> float:
        return round(rng.uniform(0.5, 1.0), 4)

    return Features(
        cosine=share(), margin=round(rng.uniform(1, 3), 4), length_z=round(rng.gauss(0, 1), 4), ja_lang=1.0,
        en_lang=1.0, numbers=numbers, names=names, en_names=names, coverage=share(), ja_translated=share(),
        en_translated=share(), half_translated=share(),
    )  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "bench_review")
    parser.add_argument("--reuse", action="store_true", help="Keep the corpus already in --out.")
    parser.add_argument("--chromium", default=find_chromium(), help="Chromium binary (default: found on the PATH).")
    args = parser.parse_args()
    if args.chromium is None:
        print("no Chromium found: install it (Debian: apt-get install chromium) or pass --chromium", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    if not (args.reuse and (args.out / "pairs.jsonl").exists()):
        t = time.perf_counter()
        pairs = synthetic_pairs(args.pairs)
        write_corpus(Corpus(tuple(pairs), ()), args.out, BuildConfig(), "synthetic", "bench")
        print(f"corpus: {len(pairs):,} pairs in {args.out} ({time.perf_counter() - t:.1f} s)")
    t = time.perf_counter()
    page_info = write_review(args.out)
    size = page_info.path.stat().st_size / 1e6
    print(f"aligner review: {page_info.pairs:,} pairs, {size:.1f} MB page, {time.perf_counter() - t:.1f} s")

    shown, wall, search = [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=list(CHROMIUM_ARGS), headless=True)
        for _ in range(args.runs):
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            page = context.new_page()
            t = time.perf_counter()
            page.goto(page_info.path.as_uri(), wait_until="commit", timeout=120_000)
            page.wait_for_selector("body[data-ready='1'] .pair", timeout=120_000)
            wall.append(time.perf_counter() - t)
            shown.append(page.evaluate("window.reviewShownAt") / 1000)
            search.append(
                page.evaluate(
                    """() => { const box = document.getElementById('search'); box.value = 'rogers';
                    const t = performance.now(); box.dispatchEvent(new Event('input'));
                    return new Promise(done => setTimeout(() => done(performance.now() - t - 150), 150)); }"""
                )
                / 1000
            )
            context.close()
        browser.close()
    runs = ", ".join(f"{s:.2f}" for s in shown)
    print(f"first pairs shown, from navigation start: median {statistics.median(shown):.2f} s ({runs})")
    print(f"page.goto to first pairs shown (wall):    median {statistics.median(wall):.2f} s")
    print(f"search over every pair (after the 150 ms debounce): median {statistics.median(search):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
