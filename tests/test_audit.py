"""The audit statistics: score bands, Wilson's interval, the stratified estimate, checked
against independent computations, and the audit of a synthetic corpus with a known mix."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aligner.audit import (
    Correction,
    Stratum,
    audit_corpus,
    format_audit,
    score_band,
    scoring_records,
    stratified_precision,
    wilson,
)
from aligner.cli import app
from aligner.export.jsonl import read_build
from aligner.export.pairs import pair_id
from aligner.review import read_corrections, sample_kept
from tests.corpora import banded_build, sentence_pair

runner = CliRunner()


@pytest.mark.parametrize(
    "score, band",
    [
        (0.0, "0.00-0.50"),
        (0.4999, "0.00-0.50"),
        (0.5, "0.50-0.70"),
        (0.85, "0.85-0.90"),
        (0.8999, "0.85-0.90"),
        (0.9, "0.90-0.95"),
        (0.95, "0.95-0.99"),
        (0.99, "0.99-1.00"),
        (1.0, "0.99-1.00"),
    ],
)
def test_score_band(score, band):
    assert score_band(score) == band


def _wilson_by_bisection(p: float, n: float, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson's interval from its definition: the proportions q whose score test
    |p - q| <= z * sqrt(q (1 - q) / n) does not reject, found by bisection."""

    def inside(q: float) -> bool:
        return abs(p - q) <= z * math.sqrt(q * (1 - q) / n)

    def edge(lo: float, hi: float) -> float:  # inside(lo) != inside(hi)
        for _ in range(200):
            mid = (lo + hi) / 2
            if inside(mid) == inside(lo):
                lo = mid
            else:
                hi = mid
        return (lo + hi) / 2

    low = 0.0 if inside(0.0) or p == 0 else edge(0.0, p)
    high = 1.0 if inside(1.0) or p == 1 else edge(p, 1.0)
    return low, high


@pytest.mark.parametrize("good, n", [(0, 10), (3, 10), (10, 10), (45, 50), (1, 200), (137.5, 151.25)])
def test_wilson_matches_its_definition(good, n):
    p = good / n
    assert wilson(p, n) == pytest.approx(_wilson_by_bisection(p, n), abs=1e-9)


def test_wilson_known_values():
    # Textbook values (Newcombe 1998, table I): 81/263 -> 0.2553-0.3662; 15/148 -> 0.0624-0.1605
    assert wilson(81 / 263, 263) == pytest.approx((0.2553, 0.3662), abs=1e-4)
    assert wilson(15 / 148, 148) == pytest.approx((0.0624, 0.1605), abs=1e-4)


def _weighted_by_records(strata: list[Stratum]) -> tuple[float, float]:
    """The estimate and Kish's effective n computed record by record: each mark weighs
    N_h / n_h, p = sum(w * y) / sum(w), n_eff = sum(w)^2 / sum(w^2)."""
    records = []
    for s in strata:
        if s.marked:
            records += [(s.size / s.marked, 1)] * s.good + [(s.size / s.marked, 0)] * (s.marked - s.good)
    w = sum(r[0] for r in records)
    return sum(wt * y for wt, y in records) / w, w * w / sum(wt * wt for wt, _ in records)


@pytest.mark.parametrize(
    "strata",
    [
        [Stratum("a", 600, 60, 54), Stratum("b", 300, 30, 21), Stratum("c", 100, 10, 4)],  # proportional
        [Stratum("a", 600, 20, 19), Stratum("b", 300, 40, 28), Stratum("c", 100, 40, 16)],  # not proportional
        [Stratum("a", 50, 5, 5), Stratum("b", 950, 5, 0)],
    ],
)
def test_stratified_precision_matches_record_weights(strata):
    p, n_eff = _weighted_by_records(strata)
    e = stratified_precision(strata)
    assert e.precision == pytest.approx(p)
    assert e.effective_n == pytest.approx(n_eff)
    assert (e.low, e.high) == pytest.approx(_wilson_by_bisection(p, n_eff), abs=1e-9)
    assert e.marked == sum(s.marked for s in strata) and e.covered == 1.0


def test_proportional_marks_give_the_plain_wilson_interval():
    strata = [Stratum("a", 600, 60, 54), Stratum("b", 300, 30, 21), Stratum("c", 100, 10, 4)]
    e = stratified_precision(strata)
    assert e.precision == pytest.approx(79 / 100) and e.effective_n == pytest.approx(100)
    assert (e.low, e.high) == pytest.approx(wilson(0.79, 100))


def test_strata_without_marks_are_left_out_and_reported():
    e = stratified_precision([Stratum("a", 300, 10, 9), Stratum("b", 100, 0, 0)])
    assert e.precision == pytest.approx(0.9) and e.covered == pytest.approx(0.75)
    assert stratified_precision([Stratum("a", 300, 0, 0)]) is None


def test_interval_covers_the_true_precision_about_95_percent_of_the_time():
    """Repeated audits of one corpus (known precision by band) with `sample_kept`: the
    interval holds the truth in 93-97.5% of 400 samples (Wilson's coverage is near 95%)."""
    rng = random.Random(7)
    shares = {0.995: (700, 0.97), 0.96: (200, 0.85), 0.87: (100, 0.6)}

    pairs, truth = [], {}
    for score, (n, share) in shares.items():
        good = set(rng.sample(range(n), round(n * share)))
        for j in range(n):
            pair = sentence_pair(f"d{len(pairs) % 5}.txt", len(pairs), score)
            truth[pair] = int(j in good)
            pairs.append(pair)
    precision = sum(truth.values()) / len(truth)
    hits = 0
    for seed in range(400):
        marks = [Correction(pair_id(p), "", "", truth[p]) for p in sample_kept(pairs, 80, seed)]
        e = audit_corpus(pairs, marks).levels[0].estimate
        hits += e.low <= precision <= e.high
    assert 0.93 <= hits / 400 <= 0.975


def _known_mix(tmp_path: Path):
    """A corpus of 600 + 300 + 100 kept sentence pairs in three bands, a sample of 100 drawn
    by `sample_kept`, and marks: 90%, 70% and 40% good in those bands."""
    build_dir = banded_build(tmp_path / "corpus", {0.995: 600, 0.92: 300, 0.87: 100})
    build = read_build(build_dir)
    sentences = [p for p in build.pairs if p.level == "sentence"]
    sample = sample_kept(sentences, 100, seed=3)
    share = {"0.99-1.00": 0.9, "0.90-0.95": 0.7, "0.85-0.90": 0.4}
    marks = []
    for band in share:
        in_band = [p for p in sample if score_band(p.score) == band]
        good = round(len(in_band) * share[band])
        marks += [Correction(pair_id(p), p.ja, p.en, int(k < good)) for k, p in enumerate(in_band)]
    return build_dir, build, sample, marks


def test_sample_is_proportional_to_the_bands(tmp_path: Path):
    _, _, sample, _ = _known_mix(tmp_path)
    counts = {b: sum(score_band(p.score) == b for p in sample) for b in ("0.99-1.00", "0.90-0.95", "0.85-0.90")}
    assert counts == {"0.99-1.00": 60, "0.90-0.95": 30, "0.85-0.90": 10}
    docs = {p.doc for p in sample}
    assert docs == {"doc0.txt", "doc1.txt", "doc2.txt"}


def test_audit_of_a_known_mix(tmp_path: Path):
    build_dir, build, _, marks = _known_mix(tmp_path)
    corrections = tmp_path / "corrections.jsonl"
    corrections.write_text(
        "".join(json.dumps({"id": m.id, "ja": m.ja, "en": m.en, "label": m.label}) + "\n" for m in marks)
    )
    report = audit_corpus(build.pairs, read_corrections(corrections))
    sentence = report.levels[0]
    assert sentence.level == "sentence" and sentence.kept == 1000
    # 0.6 * 0.9 + 0.3 * 0.7 + 0.1 * 0.4, from 100 marks drawn in proportion to the bands
    assert sentence.estimate.precision == pytest.approx(0.79)
    assert (sentence.estimate.low, sentence.estimate.high) == pytest.approx(_wilson_by_bisection(0.79, 100), abs=1e-9)
    bands = {s.name: (s.size, s.marked, s.good) for s in sentence.bands}
    assert bands == {"0.99-1.00": (600, 60, 54), "0.90-0.95": (300, 30, 21), "0.85-0.90": (100, 10, 4)}
    assert report.levels[1].level == "paragraph" and report.levels[1].estimate is None

    result = runner.invoke(app, ["audit", str(build_dir), str(corrections)])
    assert result.exit_code == 0, result.output
    low, high = _wilson_by_bisection(0.79, 100)
    assert f"precision 0.790 (95% CI {low:.3f}-{high:.3f}) from 100 marks" in result.output
    assert result.output == format_audit(report)


def test_audit_reports_rejected_and_unknown_marks(tmp_path: Path):
    build_dir, build, _, marks = _known_mix(tmp_path)
    rejected = [p for p in build.pairs if not p.kept]
    extra = [
        Correction(pair_id(rejected[0]), "", "", 1),
        Correction(pair_id(rejected[1]), "", "", 0),
        Correction("nope", "", "", 1),
    ]
    report = audit_corpus(build.pairs, marks + extra)
    assert (report.rejected_marked, report.rejected_good, report.unknown) == (2, 1, 1)
    assert report.levels[0].estimate.precision == pytest.approx(0.79)  # unchanged by them


def test_a_later_mark_replaces_an_earlier_one(tmp_path: Path):
    _, build, _, marks = _known_mix(tmp_path)
    flipped = [Correction(m.id, m.ja, m.en, 1) for m in marks]
    assert audit_corpus(build.pairs, marks + flipped).levels[0].estimate.precision == 1.0


def test_scoring_set_has_the_dev_format(tmp_path: Path):
    build_dir, build, _, marks = _known_mix(tmp_path)
    corrections = tmp_path / "corrections.jsonl"
    corrections.write_text(
        "".join(json.dumps({"id": m.id, "ja": m.ja, "en": m.en, "label": m.label}) + "\n" for m in marks)
    )
    out = tmp_path / "scoring.jsonl"
    result = runner.invoke(app, ["audit", str(build_dir), str(corrections), "--scoring-set", str(out)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == len(marks)
    assert all(set(r) == {"ja", "en", "label", "kind"} and r["label"] in (0, 1) for r in rows)
    assert {r["kind"] for r in rows} == {"audit_kept"}
    assert sum(r["label"] for r in rows) == 79
    assert rows == scoring_records(build.pairs, marks)
    assert rows[0]["ja"] == marks[0].ja and rows[0]["en"] == marks[0].en


def test_bad_correction_lines_are_skipped_with_their_line(tmp_path: Path, caplog):
    path = tmp_path / "c.jsonl"
    path.write_text('{"id": "a", "ja": "x", "en": "y", "label": 1}\nnot json\n{"id": "b", "label": 2}\n{"label": 0}\n')
    assert read_corrections(path) == [Correction("a", "x", "y", 1)]
    assert ":2: not a correction" in caplog.text and ":3: " in caplog.text and ":4: " in caplog.text


def test_audit_errors_are_one_line(tmp_path: Path):
    result = runner.invoke(app, ["audit", str(tmp_path / "missing"), str(tmp_path / "c.jsonl")])
    assert result.exit_code == 2 and "is this a folder written by aligner build?" in result.output
    assert "Traceback" not in result.output
    build_dir = banded_build(tmp_path / "corpus", {0.99: 3})
    result = runner.invoke(app, ["audit", str(build_dir), str(tmp_path / "c.jsonl")])
    assert result.exit_code == 2 and "cannot read the corrections" in result.output
