"""The frozen configuration of a build and its reproducibility signature."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

from aligner.cost import CostParams, LengthModel
from aligner.filters import FilterConfig, check_range
from aligner.read import ReadOptions
from aligner.refine import RefineParams

PARAGRAPH_BEADS: tuple[tuple[int, int], ...] = ((1, 1), (1, 0), (0, 1), (1, 2), (2, 1))
SENTENCE_BEADS: tuple[tuple[int, int], ...] = (
    (1, 1),
    (1, 0),
    (0, 1),
    (1, 2),
    (2, 1),
    (2, 2),
    (1, 3),
    (3, 1),
)


SENTENCE_COST = CostParams(skip=0.6, merge=0.2, per_segment=True, distance_weight=0.0)


@dataclass(frozen=True, slots=True)
class BuildConfig:
    """Every setting behind a corpus; `signature()` records them in the manifest.

    model: embedder name ("use", or "st:NAME_OR_PATH").
    filters: the thresholds of the filter rules, which every sentence pair must pass (see
        filters.FilterConfig; min_score applies to the calibrated score).
    min_alignment_score: a paragraph pair is kept when its alignment score (`score.pair_score`)
        reaches this; 0.5 is the aligner's own break-even between a pair and two skips.
    paragraph / sentence: bead costs of the two alignment levels. Sentences have no
        position prior (their segments come from one paragraph pair or two parallel
        documents), cost per segment with a merge charge that grows with the square of the
        extra segments (see CostParams), and a dearer skip, since sentences of translated
        text are rarely left out.
    refine: the margins of the second look at each sentence bead the DP chose between a
        1-1 bead beside a skip and a 1-2 or 2-1 bead (`refine.refine_beads`).
    read: how the inputs are read (see read.ReadOptions).
    """

    model: str = "use"
    filters: FilterConfig = FilterConfig()
    min_alignment_score: float = 0.5
    read: ReadOptions = ReadOptions()
    paragraph: CostParams = CostParams()
    sentence: CostParams = SENTENCE_COST
    refine: RefineParams = RefineParams()
    length_model: LengthModel = LengthModel()
    paragraph_beads: tuple[tuple[int, int], ...] = PARAGRAPH_BEADS
    sentence_beads: tuple[tuple[int, int], ...] = SENTENCE_BEADS

    def __post_init__(self) -> None:
        check_range("min_alignment_score", self.min_alignment_score, 0.0, 1.0)

    def as_dict(self) -> dict:
        """All settings as plain JSON-ready values."""
        return json.loads(json.dumps(dataclasses.asdict(self)))

    def signature(self) -> str:
        """One line naming every setting, e.g. `model="use"|min_score=0.5|paragraph.skip=0.4|...`."""
        flat: list[str] = []

        def walk(prefix: str, value: object) -> None:
            if isinstance(value, dict):
                for k, v in value.items():
                    walk(f"{prefix}.{k}" if prefix else k, v)
            else:
                flat.append(f"{prefix}={json.dumps(value, separators=(',', ':'))}")

        walk("", self.as_dict())
        return "|".join(flat)
