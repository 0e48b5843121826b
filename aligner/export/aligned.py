"""Aligned text of two documents: beads -> Vecalign's bead lines, JSON Lines or TSV."""

from __future__ import annotations

import json
from collections.abc import Sequence

from aligner.align import format_beads
from aligner.cost import CostParams
from aligner.language import JOINER
from aligner.records import Bead
from aligner.score import MARGIN_FLOOR, pair_score

FORMATS = ("beads", "jsonl", "tsv")


def bead_records(beads: Sequence[Bead], ja: Sequence[str], en: Sequence[str], params: CostParams) -> list[dict]:
    """One dict per bead: `ja_ids`, `en_ids`, the joined `ja` and `en` text, `cost`, and an
    `alignment_score` in [0, 1] (0 for a null bead): how well the bead fits the alignment, as
    `score.pair_score` gives it with a neutral margin (two translated documents offer no
    neighbours to compare with); not the calibrated quality score of `aligner score`."""
    out = []
    for b in beads:
        a, n = len(b.ja), len(b.en)
        score = pair_score(params.fit_of(a, n, b.cost), MARGIN_FLOOR, params.skip) if a and n else 0.0
        out.append({
            "ja_ids": list(b.ja),
            "en_ids": list(b.en),
            "ja": JOINER["ja"].join(ja[k] for k in b.ja if ja[k].strip()),
            "en": JOINER["en"].join(en[k] for k in b.en if en[k].strip()),
            "cost": round(b.cost, 4),
            "alignment_score": round(score, 4),
        })  # fmt: skip
    return out


def format_aligned(beads: Sequence[Bead], ja: Sequence[str], en: Sequence[str], fmt: str, params: CostParams) -> str:
    """The whole output of `aligner align` as text.

    Args:
        fmt: "beads" (Vecalign's `[0]:[0]:0.1234` lines, every bead), "jsonl" (every bead
            with its text and alignment score) or "tsv" (`ja<TAB>en<TAB>alignment_score`, the
            pairs only: 1-0 and 0-1 beads are left out).
    """
    if fmt == "beads":
        return format_beads(beads)
    records = bead_records(beads, ja, en, params)
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    if fmt == "tsv":
        rows = [r for r in records if r["ja_ids"] and r["en_ids"]]
        return "".join(f"{_one_line(r['ja'])}\t{_one_line(r['en'])}\t{r['alignment_score']}\n" for r in rows)
    raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")


def _one_line(text: str) -> str:
    """White space runs (tabs, newlines) folded to one space, so a TSV row stays one row."""
    return " ".join(text.split())
