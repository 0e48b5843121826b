"""BuildConfig: the signature names every setting and changes with each; as_dict is plain JSON."""

from __future__ import annotations

import dataclasses
import json

import pytest

from aligner.config import SENTENCE_COST, BuildConfig
from aligner.cost import CostParams, LengthModel
from aligner.filters import FilterConfig


def leaf_names(obj, prefix: str = "") -> list[str]:
    """Dotted names of every non-dataclass field, walking nested dataclasses."""
    names = []
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if dataclasses.is_dataclass(value):
            names += leaf_names(value, f"{prefix}{f.name}.")
        else:
            names.append(f"{prefix}{f.name}")
    return names


def test_signature_names_every_field():
    entries = BuildConfig().signature().split("|")
    assert [e.split("=", 1)[0] for e in entries] == leaf_names(BuildConfig())


@pytest.mark.parametrize(
    "entry",
    [
        'model="use"',
        "filters.min_score=0.85",
        "min_alignment_score=0.5",
        "paragraph.skip=0.4",
        "paragraph.distance_weight=0.1",
        "sentence.per_segment=true",
        "sentence.distance_weight=0.0",
        "length_model.mean=0.63",
        "length_model.std=0.27",
        "paragraph_beads=[[1,1],[1,0],[0,1],[1,2],[2,1]]",
    ],
)
def test_signature_literal_entries(entry):
    assert entry in BuildConfig().signature().split("|")


CHANGES = {
    "model": BuildConfig(model="st:sentence-transformers/LaBSE"),
    "filters.min_score": BuildConfig(filters=FilterConfig(min_score=0.6)),
    "paragraph.skip": BuildConfig(paragraph=CostParams(skip=0.3)),
    "paragraph.merge": BuildConfig(paragraph=CostParams(merge=0.1)),
    "sentence.member_floor": BuildConfig(sentence=dataclasses.replace(SENTENCE_COST, member_floor=0.3)),
    "length_model.std": BuildConfig(length_model=LengthModel(std=0.3)),
    "sentence_beads": BuildConfig(sentence_beads=((1, 1), (1, 0), (0, 1))),
}


@pytest.mark.parametrize("config", CHANGES.values(), ids=CHANGES.keys())
def test_signature_changes_with_each_setting(config):
    assert config.signature() != BuildConfig().signature()


def test_signatures_all_distinct_and_stable():
    signatures = [c.signature() for c in CHANGES.values()] + [BuildConfig().signature()]
    assert len(set(signatures)) == len(signatures)
    assert BuildConfig().signature() == BuildConfig().signature()
    assert "paragraph.skip=0.3" in CHANGES["paragraph.skip"].signature()


def test_as_dict_is_json():
    d = BuildConfig().as_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["paragraph"]["skip"] == 0.4
    assert d["sentence"]["per_segment"] is True
    assert d["sentence_beads"][0] == [1, 1]  # tuples become lists


def test_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        BuildConfig().model = "x"  # type: ignore[misc]
