"""`lexicon`: the JMdict/JMnedict/KANJIDIC lookups behind the word and name agreement."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from aligner.errors import AlignerError
from aligner.lexicon import (
    LEXICON_FILE,
    Lexicon,
    default_lexicon,
    form_keys,
    forms_file,
    gloss_initials,
    gloss_stems,
    korean_variants,
    stem,
    voiced,
)


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return default_lexicon()


def test_stem_and_gloss_stems():
    assert stem("Broadcasting") == stem("broadcast")
    assert gloss_stems("to repair; to mend") == {"repair", "mend"}
    assert gloss_stems("(abbr) something of one's own") == {stem("own")}  # usage words dropped


def test_glosses_of_words_and_loan_words(lexicon):
    got = lexicon.glosses(["放送", "省", "インターネット", "ほげほげ語"])
    assert stem("broadcasting") in got["放送"]
    assert stem("ministry") in got["省"]
    assert "internet" in got["インターネット"]
    assert "ほげほげ語" not in got  # not a headword: absent, not empty


def test_a_single_kanji_keeps_only_its_first_senses(lexicon):
    # 上 also glosses 'going to Kyoto' in a late sense: a name must not be explained by it
    assert "kyoto" not in lexicon.glosses(["上"])["上"]
    assert lexicon.glosses(["上"])["上"] & {"above", "top", "upper"}


def test_readings_of_names_and_single_kanji(lexicon):
    got = lexicon.readings(["海利", "碧山", "吉", "川"])
    assert "kairi" in got["海利"]  # JMnedict
    assert "aoyama" in got["碧山"]
    assert "yoshi" in got["吉"]  # KANJIDIC kun reading, okurigana dropped
    assert "kawa" in got["川"]


def test_english_words(lexicon):
    words = ["Flawless", "Acquires", "Yoshikawa", "Bhattacharya", "Asahi", "Christmas"]
    assert lexicon.english_words(words) == {"Flawless", "Acquires"}  # asahi: one gloss only


def test_gloss_initials():
    assert gloss_initials("United States of America") == {"us", "usa"}
    assert gloss_initials("United Nations") == {"un"}
    assert gloss_initials("(written) report") == frozenset()  # no name
    assert gloss_initials("Tokyo") == frozenset()  # one word: nothing to abbreviate


def test_chinese_and_korean_readings_of_kanji(lexicon):
    got = lexicon.readings(["丹", "東", "金", "正"])
    assert "dan" in got["丹"] and "dong" in got["東"]  # pinyin: 丹東 Dandong
    assert "kim" in got["金"] and "jong" in got["正"]  # Korean, older spelling: 金正恩 Kim Jong Un
    assert {"jeong", "jong", "cheong", "chong"} <= korean_variants("jeong")


def test_common_words(lexicon):
    # loan words with an ordinary gloss, not names (America is capitalised; ロジャース is absent)
    words = ["メール", "ブラック", "アメリカ", "ロジャース", "ブランビーズ"]
    assert lexicon.common_words(words) == {"メール", "ブラック"}


def test_cached_lookups_give_the_same_answer(lexicon):
    first = lexicon.glosses(["政府"])
    assert lexicon.glosses(["政府", "政府"]) == first


def test_lookups_do_not_depend_on_what_the_bounded_cache_held(monkeypatch):
    """A cache emptied when full must not drop forms looked up before from later answers."""
    forms = ["政府", "東京", "メール", "吉川", "山", "川", "声明", "発表", "ロジャース", "愛知"]
    fresh = Lexicon(LEXICON_FILE)
    expected = (fresh.glosses(forms), fresh.common_words(forms), fresh.readings(forms))
    monkeypatch.setattr("aligner.lexicon._CACHE_LIMIT", 3)
    small = Lexicon(LEXICON_FILE)
    for k in range(len(forms)):  # warm the cache with a few forms, so the full lookup overflows it
        small.glosses(forms[k : k + 2])
        small.readings(forms[k : k + 2])
        assert small.glosses(forms) == expected[0]
        assert small.common_words(forms) == expected[1]
        assert small.readings(forms) == expected[2]


@pytest.mark.parametrize(
    "reading, forms",
    [
        ("kawa", {"kawa", "gawa"}),
        ("hara", {"hara", "bara", "para"}),
        ("shima", {"shima", "jima"}),
        ("tsuki", {"tsuki", "zuki"}),
        ("yama", {"yama"}),
    ],
)
def test_voiced(reading, forms):
    assert set(voiced(reading)) == forms


def test_the_shipped_form_filter_lists_every_form_of_the_shipped_lexicon(lexicon):
    """A form missing from the filter would never be looked up: the filter beside the file
    must hold the key of each of its forms (rebuild it with scripts/build_lexicon.py
    --forms-only after the lexicon changes)."""
    db = sqlite3.connect(f"file:{LEXICON_FILE}?mode=ro", uri=True)
    for table, sql in (
        ("word", "SELECT form FROM word"),
        ("reading", "SELECT form FROM reading UNION SELECT literal FROM kanji"),
    ):
        keys = form_keys([f for (f,) in db.execute(sql)])
        assert np.isin(keys, lexicon._listed[table]).all(), table
    assert len(np.unique(lexicon._listed["word"])) == len(
        lexicon._listed["word"]
    )  # sorted, distinct: read by bisection
    assert (np.diff(lexicon._listed["reading"].astype(np.int64)) > 0).all()
    assert forms_file(LEXICON_FILE).stat().st_size < 4_000_000


@pytest.mark.parametrize("damage", ["cut short", "overwritten"])
def test_a_damaged_database_names_the_file_and_the_fix(tmp_path: Path, damage: str):
    path = tmp_path / "lexicon.sqlite"
    data = LEXICON_FILE.read_bytes()
    path.write_bytes(data[:100_000] if damage == "cut short" else b"not a database" * 1000)
    forms_file(path).write_bytes(forms_file(LEXICON_FILE).read_bytes())
    with pytest.raises(AlignerError, match=r"lexicon\.sqlite: damaged dictionary file.*reinstall aligner"):
        Lexicon(path)


def test_a_missing_database_names_the_file_and_the_fix(tmp_path: Path):
    with pytest.raises(AlignerError, match=r"nothing\.db.*reinstall aligner"):
        Lexicon(tmp_path / "nothing.db")


def test_the_shipped_dictionary_carries_its_licence_and_sources():
    db = sqlite3.connect(f"file:{LEXICON_FILE}?mode=ro", uri=True)
    meta = dict(db.execute("SELECT key, value FROM meta"))
    assert "CC BY-SA 4.0" in meta["licence"] and "EDRDG" in meta["licence"]
    assert {"jmdict.version", "jmnedict.version", "kanjidic2.version"} <= set(meta)
    licence = (LEXICON_FILE.parent / "LEXICON-LICENSE.txt").read_text(encoding="utf-8")
    assert "Attribution-ShareAlike 4.0 International Public License" in licence
    assert "Electronic Dictionary Research and Development Group" in licence
