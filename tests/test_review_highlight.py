"""Mismatch spans: the numbers and names one side states and the other does not."""

from __future__ import annotations

import pytest

from aligner.agreement import unmatched_numbers
from aligner.records import Features
from aligner.review.highlight import mismatch_spans


def _features(**agreement) -> Features:
    return Features(cosine=0.8, margin=1.5, length_z=0.0, ja_lang=1.0, en_lang=1.0, **agreement)


def _texts(text: str, spans) -> list[str]:
    return [text[s:e] for s, e in spans]


@pytest.mark.parametrize(
    "ja, en, ja_out, en_out",
    [
        ("23日に入院し、24日に陽性と判りました。", "Hospitalized on the 23rd, positive on the 16th.", ["24"], ["16"]),
        # full-width digits: found in NFKC, highlighted as written
        ("２０２０年に１２，０００人が来た。", "In 2021, 12,000 people came.", ["２０２０"], ["2021"]),
        ("令和2年に3万人が来た。", "In 2021, 30,000 people came.", ["令和2年"], ["2021"]),
        ("価格は二割上がった。", "Prices rose 20%.", [], []),  # agreeing numbers: nothing
    ],
)
def test_unmatched_numbers_are_highlighted_on_both_sides(ja, en, ja_out, en_out):
    ja_spans, en_spans = mismatch_spans(ja, en, _features(numbers=0.5))
    assert _texts(ja, ja_spans) == ja_out and _texts(en, en_spans) == en_out


def test_unmatched_numbers_positions():
    assert unmatched_numbers("3人と5人", "3 and 7 people") == ([3], [6])
    assert unmatched_numbers("3人", "three people") == ([], [])  # weak EN word matched


def test_unexplained_names_are_highlighted():
    ja = "山川さんは一塁に行く前に言った。"
    en = "Before Yamada went to first base he said."
    ja_spans, en_spans = mismatch_spans(ja, en, _features(names=0.0, en_names=0.0))
    assert _texts(ja, ja_spans) == ["山川"] and _texts(en, en_spans) == ["Yamada"]


def test_features_that_agree_ask_for_nothing():
    ja, en = "山川さんは24日に来た。", "Yamada came on the 16th."
    assert mismatch_spans(ja, en, _features(numbers=1.0, names=1.0)) == ([], [])
    assert mismatch_spans(ja, en, None) == ([], [])
