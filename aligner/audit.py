"""A person's good/bad marks on a sample of kept pairs -> the corpus's estimated precision,
with a Wilson interval weighted by score band; pure statistics, no I/O."""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from aligner.export.pairs import pair_id
from aligner.records import Pair

Z95 = 1.959963984540054  # the two-sided 95% normal quantile

# Score bands: the strata of the audit sample and of its estimate. Kept sentence pairs start
# at --min-score (0.85 by default) and crowd near 1, hence the narrow upper bands.
BAND_EDGES = (0.0, 0.5, 0.7, 0.85, 0.9, 0.95, 0.99, 1.0)


def score_band(score: float) -> str:
    """The band a score falls in, named by its edges: '0.90-0.95' holds 0.90 <= s < 0.95;
    the last band, '0.99-1.00', also holds 1.0 (a score outside [0, 1] goes to the nearest).

    Args:
        score: a calibrated score in [0, 1].

    Returns:
        The band's name.
    """
    k = min(max(bisect_right(BAND_EDGES, score) - 1, 0), len(BAND_EDGES) - 2)
    return f"{BAND_EDGES[k]:.2f}-{BAND_EDGES[k + 1]:.2f}"


@dataclass(frozen=True, slots=True)
class Correction:
    """One mark a person made on the review page: the pair's id and text, label 1 good, 0 bad."""

    id: str
    ja: str
    en: str
    label: int


@dataclass(frozen=True, slots=True)
class Stratum:
    """One stratum of the kept corpus: its name, how many kept pairs it holds (size), how
    many of them were marked, and how many of those were marked good."""

    name: str
    size: int
    marked: int
    good: int


@dataclass(frozen=True, slots=True)
class Estimate:
    """A precision estimate: the point estimate and its 95% interval; `marked` marks in all,
    `effective_n` the sample size the interval was computed with, `covered` the share of the
    population in strata that have marks (the estimate speaks for those only)."""

    precision: float
    low: float
    high: float
    marked: int
    effective_n: float
    covered: float


def wilson(p: float, n: float, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a proportion.

    Args:
        p: the observed proportion in [0, 1].
        n: the sample size (may be an effective, non-integer size); > 0.
        z: the normal quantile (1.96 for 95%).

    Returns:
        (low, high), within [0, 1].
    """
    z2 = z * z
    denom = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def stratified_precision(strata: Sequence[Stratum], z: float = Z95) -> Estimate | None:
    """The precision of a stratified population from marks in each stratum.

    The estimate is sum_h W_h * good_h / marked_h, with W_h a stratum's share of the
    population among the strata that have marks. Its interval is Wilson's, with the
    sample size taken as Kish's effective size under those weights, 1 / sum_h (W_h^2 /
    marked_h): the number of marks when they were drawn in proportion to the strata (as
    `review.sample_kept` draws them), fewer when some strata were sampled more densely.

    Args:
        strata: every stratum of the population, marked or not.
        z: the normal quantile of the interval.

    Returns:
        The Estimate, or None when no stratum has a mark.
    """
    used = [s for s in strata if s.marked > 0]
    total = sum(s.size for s in strata)
    covered = sum(s.size for s in used)
    if not used or covered == 0:
        return None
    weights = [s.size / covered for s in used]
    p = sum(w * s.good / s.marked for w, s in zip(weights, used))
    n_eff = 1.0 / sum(w * w / s.marked for w, s in zip(weights, used))
    low, high = wilson(p, n_eff, z)
    return Estimate(p, low, high, sum(s.marked for s in used), n_eff, covered / total)


def band_strata(scores: Iterable[float], marks: Iterable[tuple[float, int]]) -> list[Stratum]:
    """The score-band strata of a kept corpus and its marks.

    Args:
        scores: the score of every kept pair of the population.
        marks: (score, label) of every marked kept pair, label 1 good or 0 bad.

    Returns:
        One Stratum a band that holds a kept pair, in band order.
    """
    size: dict[str, int] = {}
    for s in scores:
        size[score_band(s)] = size.get(score_band(s), 0) + 1
    marked: dict[str, list[int]] = {}
    for s, label in marks:
        marked.setdefault(score_band(s), []).append(label)
    return [Stratum(b, n, len(marked.get(b, [])), sum(marked.get(b, []))) for b, n in sorted(size.items())]


@dataclass(frozen=True, slots=True)
class LevelAudit:
    """The audit of one level's kept pairs (paragraph or sentence): how many are kept, the
    estimate over every band (None without marks), and each band's stratum."""

    level: str
    kept: int
    estimate: Estimate | None
    bands: tuple[Stratum, ...]


@dataclass(frozen=True, slots=True)
class AuditReport:
    """The audit of a corpus: one LevelAudit a level with kept pairs (sentence first); the
    marks on rejected pairs and how many of them are good (pairs the filters lost); the
    marks whose id the corpus does not hold."""

    levels: tuple[LevelAudit, ...]
    rejected_marked: int
    rejected_good: int
    unknown: int


def audit_corpus(pairs: Sequence[Pair], corrections: Sequence[Correction]) -> AuditReport:
    """Estimate the precision of a corpus's kept pairs, level by level, from marks on them.

    Marks are taken to be a random sample within each score band (as `review.sample_kept`
    draws them); marks made while browsing at will are not, and bias the estimate.

    Args:
        pairs: every pair of the corpus (`export.jsonl.read_build`), kept and rejected; a
            mark names its pair by `export.pairs.pair_id`.
        corrections: the marks; a later mark of the same id replaces an earlier one.

    Returns:
        The AuditReport.
    """
    labels = {c.id: c.label for c in corrections}
    by_id = {pair_id(p): p for p in pairs}
    levels = []
    for level in ("sentence", "paragraph"):
        kept = [(i, p) for i, p in by_id.items() if p.kept and p.level == level]
        if not kept:
            continue
        marks = [(p.score, labels[i]) for i, p in kept if i in labels]
        strata = band_strata((p.score for _, p in kept), marks)
        levels.append(LevelAudit(level, len(kept), stratified_precision(strata), tuple(strata)))
    rejected = [labels[i] for i in labels if i in by_id and not by_id[i].kept]
    unknown = sum(1 for i in labels if i not in by_id)
    return AuditReport(tuple(levels), len(rejected), sum(rejected), unknown)


def scoring_records(pairs: Sequence[Pair], corrections: Sequence[Correction]) -> list[dict]:
    """The marks as a scoring set in the format of the evaluation data's
    dev/scoring/pairs.jsonl: {"ja", "en", "label" (1 good, 0 bad), "kind"}, kind
    `audit_kept` or `audit_rejected` by the pair's verdict in the corpus (`audit` for an id
    the corpus does not hold), one record an id, the last mark winning, in mark order.

    Args:
        pairs: every pair of the corpus.
        corrections: the marks.

    Returns:
        The records.
    """
    by_id = {pair_id(p): p for p in pairs}
    last = {c.id: c for c in corrections}
    kinds = {i: ("audit_kept" if p.kept else "audit_rejected") for i, p in by_id.items()}
    return [{"ja": c.ja, "en": c.en, "label": c.label, "kind": kinds.get(c.id, "audit")} for c in last.values()]


def format_audit(report: AuditReport) -> str:
    """The audit as the text `aligner audit` prints: per level the estimated precision with
    its 95% interval, then a table of the score bands (kept pairs, marks, good, precision
    and its Wilson interval); then the marks on rejected pairs and on unknown ids.

    Args:
        report: `audit_corpus`.

    Returns:
        Lines of text, ending with a newline.
    """
    files = {"sentence": "pairs.jsonl", "paragraph": "paragraphs.jsonl"}
    lines = []
    for lv in report.levels:
        head = f"{lv.level} pairs ({files.get(lv.level, lv.level)}): {lv.kept:,} kept"
        e = lv.estimate
        if e is None:
            lines.append(f"{head}; no marks")
            continue
        lines.append(
            f"{head}; precision {e.precision:.3f} (95% CI {e.low:.3f}-{e.high:.3f}) from {e.marked:,} marks"
            f" (effective n {e.effective_n:.1f})"
        )
        if e.covered < 1:
            lines.append(f"  the bands without marks ({1 - e.covered:.1%} of the kept pairs) are not covered")
        lines.append(f"  {'band':10} {'kept':>8} {'marked':>7} {'good':>5} {'precision':>9}  95% CI")
        for s in lv.bands:
            if s.marked:
                low, high = wilson(s.good / s.marked, s.marked)
                tail = f"{s.good / s.marked:9.3f}  {low:.3f}-{high:.3f}"
            else:
                tail = f"{'-':>9}"
            lines.append(f"  {s.name:10} {s.size:8,} {s.marked:7,} {s.good:5,} {tail}")
    if not report.levels:
        lines.append("no kept pairs")
    if report.rejected_marked:
        lost = f"{report.rejected_good:,} good: pairs the filters lost"
        lines.append(f"marks on rejected pairs: {report.rejected_marked:,} ({lost})")
    if report.unknown:
        lines.append(f"marks whose id this corpus does not hold: {report.unknown:,} (left out)")
    return "\n".join(lines) + "\n"
