"""The filter rules: text rules, feature rules, duplicate keys, their order, and the README's table of defaults."""

from __future__ import annotations

import dataclasses
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aligner.cost import char_length
from aligner.errors import InputError
from aligner.filters import (
    REASONS,
    FilterConfig,
    duplicate_hashes,
    duplicate_key,
    duplicate_reasons,
    feature_reason,
    near_duplicate_key,
    text_reason,
    too_long,
)
from aligner.records import Features
from tests.conftest import REPO

JA = "今日はいい天気です。"
EN = "It is fine today."
MB = "a" * 1_000_000

# --------------------------------------------------------------------------- text rules


@pytest.mark.parametrize(
    "ja, en, expected",
    [
        (JA, EN, None),
        ("", EN, "empty_side"),
        (JA, "", "empty_side"),
        ("  \t\n", EN, "empty_side"),
        (JA, "\u3000\u00a0 ", "empty_side"),  # full-width and no-break spaces are blank too
        ("あ" * 2001, EN, "too_long"),
        (JA, "a" * 2001, "too_long"),
        (JA, MB, "too_long"),
        ("あ" * 2000, "a" * 2000, None),  # at the limit, not over it
        (JA, " ".join("a" * 2001), "too_long"),  # white space is not counted, letters are
        ("あ", EN, "too_short"),
        (JA, "a", "too_short"),
        (JA, "a b", None),  # two characters, the default minimum
        ("https://example.com/news/2020", EN, "boilerplate"),
        (JA, "www.example.com", "boilerplate"),
        (JA, "info@example.com", "boilerplate"),
        (JA, "12,345", "boilerplate"),
        ("２０２０年", "2020", "boilerplate"),  # 年 is a letter: the EN side has none
        ("★★★！！", EN, "boilerplate"),
        ("詳しくはhttps://example.com/をご覧ください", "See https://example.com/ for details", None),
        # the order: empty, then too long, then too short, then boilerplate
        ("", MB, "empty_side"),
        (" ", "a", "empty_side"),
        ("あ" * 3000, "a", "too_long"),
        ("1", EN, "too_short"),  # short and letterless: too_short comes first
        ("12", "ab", "boilerplate"),
    ],
)
def test_text_reason(ja, en, expected):
    assert text_reason(ja, en) == expected


@pytest.mark.parametrize(
    "ja, en, expected",
    [
        ("あいうえお", "abcde", None),  # 5 each: both limits hold
        ("あいうえ", "abcde", "too_short"),
        ("あいうえお", "a b c d", "too_short"),
        ("あ" * 10, "a" * 10, None),
        ("あ" * 11, "abcde", "too_long"),
        ("あいうえお", "a b c d e f g h i j k", "too_long"),  # 11 letters, spaces not counted
    ],
)
def test_text_reason_uses_config_limits(ja, en, expected):
    assert text_reason(ja, en, FilterConfig(min_chars=5, max_chars=10)) == expected


# --------------------------------------------------------------------------- feature rules

GOOD = Features(cosine=0.8, margin=0.3, length_z=0.5, ja_lang=1.0, en_lang=1.0, overlap=0.0)


def feats(**changes) -> Features:
    return dataclasses.replace(GOOD, **changes)


@pytest.mark.parametrize(
    "features, score, expected",
    [
        (GOOD, 0.9, None),
        (feats(ja_lang=0.49), 0.9, "wrong_language"),
        (feats(en_lang=0.0), 0.9, "wrong_language"),
        (feats(ja_lang=0.5, en_lang=0.5), 0.9, None),  # at the minimum, not under it
        (feats(overlap=0.6), 0.9, "identical"),  # at the maximum already rejects
        (feats(overlap=0.59), 0.9, None),
        (feats(overlap=1.0), 0.9, "identical"),
        (feats(length_z=4.01), 0.9, "length_ratio"),
        (feats(length_z=-4.01), 0.9, "length_ratio"),  # both directions
        (feats(length_z=4.0), 0.9, None),
        (feats(length_z=-4.0), 0.9, None),
        (GOOD, round(FilterConfig().min_score - 0.01, 4), "low_score"),
        (GOOD, FilterConfig().min_score, None),  # at the minimum, not under it
        (GOOD, 0.0, "low_score"),
        # the order: language, identical, length, score
        (feats(ja_lang=0.0, overlap=1.0, length_z=9.0), 0.0, "wrong_language"),
        (feats(overlap=1.0, length_z=9.0), 0.0, "identical"),
        (feats(length_z=9.0), 0.0, "length_ratio"),
    ],
)
def test_feature_reason(features, score, expected):
    assert feature_reason(features, score) == expected


@pytest.mark.parametrize(
    "config, features, score, expected",
    [
        (FilterConfig(min_lang=0.9), feats(en_lang=0.85), 0.9, "wrong_language"),
        (FilterConfig(min_lang=0.8), feats(en_lang=0.85), 0.9, None),
        (FilterConfig(max_overlap=0.3), feats(overlap=0.3), 0.9, "identical"),
        (FilterConfig(max_length_z=1.0), feats(length_z=-1.5), 0.9, "length_ratio"),
        (FilterConfig(min_score=0.95), GOOD, 0.9, "low_score"),
        (FilterConfig(min_score=0.0), GOOD, 0.0, None),
    ],
)
def test_feature_reason_uses_config(config, features, score, expected):
    assert feature_reason(features, score, config) == expected


def test_reasons_are_in_rule_order():
    assert REASONS == (
        "empty_side", "too_long", "too_short", "boilerplate", "wrong_language", "identical",
        "length_ratio", "low_score", "duplicate", "near_duplicate",
    )  # fmt: skip


# --------------------------------------------------------------------------- duplicate keys


@pytest.mark.parametrize(
    "ja, en, exact, near",
    [
        (JA, EN, (JA, EN), ("今日はいい天気です", "itisfinetoday")),
        ("ＡＢＣ　１２３", "Hello\n\tworld ", ("ABC 123", "Hello world"), ("abc", "helloworld")),
        ("ﾃｽﾄです", "Test", ("テストです", "Test"), ("テストです", "test")),  # half-width kana
        ("  今日は  晴れ  ", "  It  is sunny  ", ("今日は 晴れ", "It is sunny"), ("今日は晴れ", "itissunny")),
        ("「第３話」、見た？", "Did you see episode 3?!", ("「第3話」、見た?", "Did you see episode 3?!"),
         ("第話見た", "didyouseeepisode")),
        ("snake_case", "Ａ－Ｂ", ("snake_case", "A-B"), ("snakecase", "ab")),
        ("ß", "STRASSE", ("ß", "STRASSE"), ("ss", "strasse")),  # casefold, not lower
    ],
)  # fmt: skip
def test_duplicate_keys(ja, en, exact, near):
    assert duplicate_key(ja, en) == exact
    assert near_duplicate_key(ja, en) == near


@pytest.mark.parametrize(
    "pairs, expected",
    [
        ([(JA, EN), (JA, EN)], [None, "duplicate"]),
        ([(JA, EN), (JA + " ", " " + EN)], [None, "duplicate"]),  # white space only
        ([(JA, EN), ("今日はいい天気です！", "it is fine today")], [None, "near_duplicate"]),
        ([("３個", "3 apples"), ("4個", "4 apples")], [None, "near_duplicate"]),  # digits ignored
        ([(JA, EN), (JA, "It is rainy today.")], [None, None]),  # one side differs
        ([(JA, EN), ("今日はいい天気です", "It is fine today"), (JA, EN)], [None, "near_duplicate", "duplicate"]),
        # exact wins over near when both keys were seen
        ([(JA, EN), (JA.replace("。", "!"), EN), (JA, EN), (JA.replace("。", "!"), EN)],
         [None, "near_duplicate", "duplicate", "duplicate"]),
        ([], []),
    ],
)  # fmt: skip
def test_duplicate_reasons(pairs, expected):
    assert _reasons(duplicate_reasons(pairs)) == expected


def _reasons(found: list) -> list:
    return [hit and hit[0] for hit in found]


def test_duplicate_reasons_name_the_pair_repeated_and_keep_fixed_size_keys():
    seen: dict = {}
    assert duplicate_reasons([("今日は晴れ。", "It is sunny.")], seen, ids=["a"]) == [None]
    assert set(seen.values()) == {"a"} and all(isinstance(k, bytes) and len(k) == 16 for k in seen)
    assert set(seen) == set(duplicate_hashes("今日は晴れ。", "It is sunny."))
    found = duplicate_reasons(
        iter([("今日は晴れ！", "it is sunny"), ("今日は晴れ。", "It is sunny."), ("今日は晴れ！", "it is sunny")]),
        seen,
        ids=["b", "c", "d"],
    )
    # the near-duplicate's own keys lead to "a" too: its later copy is a duplicate of "a"
    assert found == [("near_duplicate", "a"), ("duplicate", "a"), ("duplicate", "a")]


def test_duplicate_reasons_without_seen_starts_afresh():
    pairs = [(JA, EN)]
    assert duplicate_reasons(pairs) == [None]
    assert duplicate_reasons(pairs) == [None]  # no state kept between calls


def test_only_the_given_pairs_count():
    seen: dict = {}
    duplicate_reasons([(JA, EN)], seen)
    # a pair the caller did not pass (say, a rejected one) shadows nothing
    assert duplicate_reasons([("駅はどこ？", "Where is the station?")], seen) == [None]
    assert duplicate_reasons([(JA, EN)], {}) == [None]


SMALL = st.text(alphabet="aA1 ,。あ", max_size=4)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(SMALL, SMALL), max_size=8))
def test_duplicate_reasons_against_naive(pairs):
    expected = []
    for k, (ja, en) in enumerate(pairs):
        earlier = pairs[:k]
        if any(duplicate_key(*p) == duplicate_key(ja, en) for p in earlier):
            expected.append("duplicate")
        elif any(near_duplicate_key(*p) == near_duplicate_key(ja, en) for p in earlier):
            expected.append("near_duplicate")
        else:
            expected.append(None)
    assert _reasons(duplicate_reasons(pairs)) == expected


# --------------------------------------------------------------------------- the README's table

_README_ROW = re.compile(r"^\| (?P<reasons>`[a-z_]+`(?:, `[a-z_]+`)*) \|[^|\n]*\|(?P<option>[^|\n]*)\|$", re.M)
_OPTION = re.compile(r"`--(?P<name>[a-z-]+)(?:/--no-[a-z-]+)?` \((?P<default>[^)]+)\)")


def _readme_table() -> list[tuple[list[str], str]]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    rows = [(re.findall(r"[a-z_]+", m["reasons"]), m["option"].strip()) for m in _README_ROW.finditer(text)]
    if not rows:
        pytest.skip("README.md has no table of filter reasons and defaults yet")
    return rows


def _value(text: str) -> float | bool:
    """A documented default: (on) / (off) for a flag, else a number (2 == 2.0 in the comparison)."""
    return {"on": True, "off": False}[text] if text in ("on", "off") else float(text)


def test_readme_lists_the_reasons_in_rule_order():
    assert [r for reasons, _ in _readme_table() for r in reasons] == list(REASONS)


def test_readme_defaults_equal_filter_config():
    documented = {}
    for _, option in _readme_table():
        for m in _OPTION.finditer(option):
            documented[m["name"].replace("-", "_")] = _value(m["default"])
    assert documented == dataclasses.asdict(FilterConfig())


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("abc", 3, False),
        ("abcd", 3, True),
        ("a b c", 3, False),  # white space does not count
        ("a\u3000b\nc d", 3, True),
        ("x" * 200_000 + " " * 10, 200_000, False),
        (" " * 200_000 + "xy", 1, True),  # the count reaches past the first chunk
    ],
)
def test_too_long_counts_as_char_length(text: str, limit: int, expected: bool) -> None:
    assert too_long(text, limit) is expected
    assert too_long(text, limit) is (char_length(text) > limit)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"min_score": float("nan")}, "--min-score nan: must be a number from 0 to 1"),
        ({"min_score": 1.01}, "--min-score 1.01: must be a number from 0 to 1"),
        ({"min_lang": -0.5}, "--min-lang -0.5: must be a number from 0 to 1"),
        ({"max_overlap": float("inf")}, "--max-overlap inf"),
        ({"min_chars": -1}, "--min-chars -1: must be a number of at least 0"),
        ({"max_chars": 0}, "--max-chars 0: must be a number of at least 1"),
        ({"max_length_z": float("nan")}, "--max-length-z nan"),
    ],
)
def test_filter_config_refuses_values_out_of_range(kwargs: dict, message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)):
        FilterConfig(**kwargs)


def test_filter_config_accepts_the_bounds() -> None:
    assert FilterConfig(min_score=0.0, min_lang=1.0, max_overlap=1.0, min_chars=0, max_chars=1, max_length_z=0.0)
