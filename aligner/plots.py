"""Plots of a built corpus as PNG files: score histogram, length ratio against score, drops by
reason, pairs per document (matplotlib, drawn off-screen)."""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from aligner.config import BuildConfig
from aligner.records import Pair

PLOTS_DIR = "plots"
PLOTS = {
    "score_histogram.png": "Scores of kept and rejected pairs, threshold marked",
    "length_ratio.png": "Log length ratio (EN/JA characters) against score",
    "drops_by_reason.png": "Pairs rejected, by reason",
    "pairs_per_document.png": "Kept pairs per document",
}
"""File name -> caption of every plot `write_plots` draws, in page order."""

_HEIGHT = 3.6  # inches at 100 dpi: 750 x 360 pixels
_MAX_DOCUMENTS = 15  # documents shown in pairs_per_document.png (the largest)
_KEPT, _REJECTED = "#2a7ab0", "#d9822b"


def thresholds(manifest: dict) -> tuple[float, float]:
    """The thresholds a build kept its pairs by, from its manifest (the defaults where the
    manifest does not say).

    Args:
        manifest: the build's manifest.json.

    Returns:
        (min_score of sentence pairs, min_alignment_score of paragraph pairs).
    """
    config, defaults = manifest.get("config", {}), BuildConfig()
    return (
        float(config.get("filters", {}).get("min_score", defaults.filters.min_score)),
        float(config.get("min_alignment_score", defaults.min_alignment_score)),
    )


def warm_up() -> None:
    """Import matplotlib and its off-screen backend now rather than when the plots are drawn
    (a build calls this while its embedder loads)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401


def write_plots(pairs: Iterable[Pair], thresholds: tuple[float, float], outdir: Path) -> list[Path]:
    """Draw the four plots of `PLOTS` for a corpus and write them as PNG files.

    Args:
        pairs: every pair of the corpus, kept and rejected (`export.jsonl.read_build`), read once.
        thresholds: (min_score, min_alignment_score), marked on the score histograms
            (`thresholds` reads them from a manifest).
        outdir: the folder to write them to (`PLOTS_DIR` inside a build folder, by convention).

    Returns:
        The paths written, in the order of `PLOTS`.
    """
    import matplotlib

    from aligner.export.files import atomic_write  # here: the export package draws plots with this module

    matplotlib.use("Agg")  # no display: draw to files only
    import matplotlib.pyplot as plt

    outdir = Path(outdir)
    seen = _gather(pairs)
    draw = {
        "score_histogram.png": lambda ax: _score_histogram(ax, seen, thresholds),
        "length_ratio.png": lambda ax: _length_ratio(ax, seen),
        "drops_by_reason.png": lambda ax: _drops(ax, seen),
        "pairs_per_document.png": lambda ax: _per_document(ax, seen),
    }
    # A bar chart is as tall as its bars need, up to the others' height.
    bars = {
        "drops_by_reason.png": len(seen.drops),
        "pairs_per_document.png": min(len(seen.sentences | seen.paragraphs), _MAX_DOCUMENTS),
    }
    heights = {name: min(_HEIGHT, 1.3 + 0.3 * max(bars.get(name, 99), 2)) for name in PLOTS}
    paths = []
    for name in PLOTS:
        fig, axes = plt.subplots(1, 2 if name == "score_histogram.png" else 1, figsize=(7.5, heights[name]), dpi=100)
        labels = draw[name](axes)
        _margins(fig, heights[name], labels)
        path = outdir / name
        with atomic_write(path) as f:  # a text file opened for the atomic rename; the PNG goes to its byte buffer
            fig.savefig(f.buffer, format="png")
        plt.close(fig)
        paths.append(path)
    return paths


_INCH = 100  # pixels (dpi)
_CHAR = 6.2  # pixels of a tick label character at font size 8 (7 takes less), generously


def _margins(fig, height: float, labels: Sequence[str] | None) -> None:
    """Fixed margins in inches, so that the layout is not measured by drawing the figure
    twice (tight_layout): room below for the x label, above for a title, and on the left
    for the y tick labels, as wide as the longest of `labels` where a plot names its bars."""
    left = 0.6 if not labels else min(3.5, 0.25 + _CHAR * max(map(len, labels)) / _INCH)
    fig.subplots_adjust(left=left / 7.5, right=1 - 0.15 / 7.5, bottom=0.5 / height, top=1 - 0.3 / height, wspace=0.22)


_BINS = np.linspace(0.0, 1.0, 41)  # score histogram bins (k/40)
_MAX_POINTS = 20_000  # points of the length ratio plot, kept and rejected each: a sample beyond
_FLUSH = 65_536  # scores held before they are counted into the histogram


@dataclass
class _Seen:
    """What the plots show of a corpus, gathered in one pass in bounded memory (`_gather`):
    score histogram counts per level and kept (of pairs with features), (log length ratio,
    score) points per kept (a uniform sample of _MAX_POINTS beyond that, and their number),
    rejected pairs per "level: reason", and kept pairs per document and level."""

    counts: dict[tuple[str, bool], np.ndarray] = field(default_factory=dict)
    points: dict[bool, list[tuple[float, float]]] = field(default_factory=lambda: {True: [], False: []})
    total_points: Counter = field(default_factory=Counter)
    drops: Counter = field(default_factory=Counter)
    sentences: Counter = field(default_factory=Counter)
    paragraphs: Counter = field(default_factory=Counter)


def _gather(pairs: Iterable[Pair]) -> _Seen:
    seen = _Seen()
    pending: dict[tuple[str, bool], list[float]] = {}
    sampler = random.Random(0)  # deterministic sample of points

    def flush(key: tuple[str, bool]) -> None:
        found, _ = np.histogram(pending.pop(key, []), bins=_BINS)
        seen.counts[key] = seen.counts.get(key, np.zeros(len(_BINS) - 1, dtype=np.int64)) + found

    for p in pairs:
        if p.features is not None:
            scores = pending.setdefault((p.level, p.kept), [])
            scores.append(p.score)
            if len(scores) >= _FLUSH:
                flush((p.level, p.kept))
        ratio = _log_ratio(p)
        if ratio is not None:
            n = seen.total_points[p.kept] = seen.total_points[p.kept] + 1
            points = seen.points[p.kept]
            if len(points) < _MAX_POINTS:
                points.append((ratio, p.score))
            elif (k := sampler.randrange(n)) < _MAX_POINTS:
                points[k] = (ratio, p.score)
        if not p.kept:
            seen.drops[f"{p.level}: {p.reason}"] += 1
        elif p.level == "sentence":
            seen.sentences[p.doc] += 1
        else:
            seen.paragraphs[p.doc] += 1
    for key in list(pending):
        flush(key)
    return seen


def _score_histogram(axes, seen: _Seen, thresholds: tuple[float, float]) -> None:
    """One panel a level: sentence scores against --min-score, paragraph scores against
    --min-alignment-score (the two are different scores)."""
    from matplotlib.ticker import FuncFormatter, NullLocator

    empty = np.zeros(len(_BINS) - 1, dtype=np.int64)
    for ax, level, threshold in zip(axes, ("sentence", "paragraph"), thresholds):
        kept, rejected = seen.counts.get((level, True), empty), seen.counts.get((level, False), empty)
        # rejected stacked on kept; one outline a series, not a patch a bin (a third of the time)
        ax.stairs(kept, _BINS, fill=True, color=_KEPT, label="kept")
        ax.stairs(kept + rejected, _BINS, baseline=kept, fill=True, color=_REJECTED, label="rejected")
        ax.axvline(threshold, color="black", linestyle="--", linewidth=1)
        ax.text(threshold, 0.97, f" {threshold:g}", transform=ax.get_xaxis_transform(), va="top", fontsize=8)
        if max(kept.sum(), rejected.sum()) > 100:  # a peak near 1 would flatten the rest
            ax.set_yscale("log")
            # counts as plain numbers (1, 10, 100): the default 10^n labels are math text,
            # whose parser takes a sixth of a second to build
            ax.yaxis.set_major_formatter(FuncFormatter(lambda count, _: f"{count:,.0f}"))
            ax.yaxis.set_minor_locator(NullLocator())  # no minor ticks: each is an artist to draw
        else:
            ax.yaxis.get_major_locator().set_params(integer=True)
        # y given: the title stays at the top without matplotlib measuring the tick labels for it
        ax.set_title(f"{level} pairs ({kept.sum():,} kept, {rejected.sum():,} rejected)", fontsize=9, y=1.0)
        ax.set_xlabel("score")
        ax.set_xlim(0, 1)
    axes[0].set_ylabel("pairs")
    axes[0].legend(fontsize=8, loc="upper left")


def _log_ratio(p: Pair) -> float | None:
    ja, en = len(p.ja.replace(" ", "")), len(p.en.replace(" ", ""))
    return math.log(en / ja) if ja and en else None


def _length_ratio(ax, seen: _Seen) -> None:
    for kept, colour, label in ((True, _KEPT, "kept"), (False, _REJECTED, "rejected")):
        points = seen.points[kept]
        if points:
            xs, ys = zip(*points)
            n = seen.total_points[kept]
            shown = f"{n:,}" if n == len(points) else f"{len(points):,} of {n:,}"
            ax.scatter(xs, ys, s=6, alpha=0.5, color=colour, label=f"{label} ({shown})", rasterized=True)
    ax.set_xlabel("log(EN characters / JA characters)")
    ax.set_ylabel("score")
    if ax.collections:
        ax.legend(fontsize=8, loc="lower left")
    else:
        ax.text(0.5, 0.5, "no pair with both sides", ha="center", transform=ax.transAxes)


def _drops(ax, seen: _Seen) -> list[str]:
    counts = seen.drops
    names = sorted(counts, key=lambda k: counts[k])
    ax.barh(names, [counts[k] for k in names], color=_REJECTED)
    for y, k in enumerate(names):
        ax.text(counts[k], y, f" {counts[k]:,}", va="center", fontsize=8)
    ax.set_xlabel("pairs rejected")
    if not names:
        ax.text(0.5, 0.5, "no pair rejected", ha="center", transform=ax.transAxes)
    ax.tick_params(axis="y", labelsize=8)
    return names


def _per_document(ax, seen: _Seen) -> list[str]:
    sentences, paragraphs = seen.sentences, seen.paragraphs
    docs = sorted(set(sentences) | set(paragraphs), key=lambda d: (-sentences[d], -paragraphs[d], d))
    shown = docs[:_MAX_DOCUMENTS][::-1]
    ys = range(len(shown))
    ax.barh([y + 0.2 for y in ys], [sentences[d] for d in shown], height=0.4, color=_KEPT, label="sentence pairs")
    ax.barh([y - 0.2 for y in ys], [paragraphs[d] for d in shown], height=0.4, color="#8bb8d8", label="paragraph pairs")
    ax.set_yticks(list(ys), [_short(d) for d in shown], fontsize=7)
    ax.set_xlabel("kept pairs")
    more = f" (the {len(shown)} largest of {len(docs):,})" if len(docs) > len(shown) else ""
    ax.set_title(f"documents{more}", fontsize=9, y=1.0)
    ax.legend(fontsize=8, loc="lower right")
    return [_short(d) for d in shown]


def _short(doc: str, width: int = 32) -> str:
    return doc if len(doc) <= width else "…" + doc[-(width - 1) :]
