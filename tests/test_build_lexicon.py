"""`scripts/build_lexicon.py`: the compact dictionary derived from a jamdict-data database.

The source here is a tiny database in jamdict-data's schema that the test writes itself.
"""

from __future__ import annotations

import importlib.util
import shutil
import sqlite3
from pathlib import Path

import pytest

from aligner.agreement import plain_romaji, romanize
from aligner.errors import AlignerError
from aligner.lexicon import Lexicon, forms_file, stem

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "build_lexicon.py"


def _script():
    spec = importlib.util.spec_from_file_location("build_lexicon", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _jamdict_like(path: Path) -> None:
    """Entries: 上 (a single kanji with three senses, the third 'going to Kyoto'), 放送
    'broadcasting', メール 'mail' (ordinary), アメリカ 'America' (a name), the name 吉川 in
    JMnedict, and KANJIDIC readings of 川."""
    db = sqlite3.connect(path)
    db.executescript(
        """
        CREATE TABLE meta (key TEXT, value TEXT);
        CREATE TABLE Kanji (ID INTEGER PRIMARY KEY, idseq INTEGER, text TEXT);
        CREATE TABLE Kana (ID INTEGER PRIMARY KEY, idseq INTEGER, text TEXT, nokanji BOOLEAN);
        CREATE TABLE Sense (ID INTEGER PRIMARY KEY, idseq INTEGER);
        CREATE TABLE SenseGloss (sid INTEGER, lang TEXT, gend TEXT, text TEXT);
        CREATE TABLE NEKanji (ID INTEGER PRIMARY KEY, idseq INTEGER, text TEXT);
        CREATE TABLE NEKana (ID INTEGER PRIMARY KEY, idseq INTEGER, text TEXT, nokanji BOOLEAN);
        CREATE TABLE character (ID INTEGER PRIMARY KEY, literal TEXT);
        CREATE TABLE rm_group (ID INTEGER PRIMARY KEY, cid INTEGER);
        CREATE TABLE reading (gid INTEGER, r_type TEXT, value TEXT, on_type TEXT, r_status TEXT);
        CREATE TABLE nanori (cid INTEGER, value TEXT);
        INSERT INTO meta VALUES ('jmdict.version', '9.9'), ('generator', 'jamdict');
        INSERT INTO Kanji VALUES (1, 100, '上'), (2, 101, '放送');
        INSERT INTO Kana VALUES (1, 100, 'うえ', 0), (2, 101, 'ほうそう', 0), (3, 102, 'メール', 1),
                                (4, 103, 'アメリカ', 1);
        INSERT INTO Sense VALUES (10, 100), (11, 100), (12, 100), (13, 101), (14, 102), (15, 103);
        INSERT INTO SenseGloss VALUES (10, 'eng', NULL, 'above'), (10, 'eng', NULL, 'top'),
            (11, 'eng', NULL, 'upper part'), (12, 'eng', NULL, 'going to Kyoto'),
            (13, 'eng', NULL, 'broadcasting'), (13, 'ger', NULL, 'Rundfunk'),
            (14, 'eng', NULL, 'mail'), (14, 'eng', NULL, 'mail box'), (15, 'eng', NULL, 'America'),
            (15, 'eng', NULL, '(South) America'), (13, 'eng', NULL, 'a mail');
        INSERT INTO NEKanji VALUES (1, 900, '吉川');
        INSERT INTO NEKana VALUES (1, 900, 'よしかわ', 0), (2, 900, 'きっかわ', 0);
        INSERT INTO character VALUES (1, '川');
        INSERT INTO rm_group VALUES (1, 1);
        INSERT INTO reading VALUES (1, 'ja_kun', 'かわ', NULL, NULL), (1, 'ja_on', 'セン', NULL, NULL),
            (1, 'pinyin', 'chuan1', NULL, NULL), (1, 'korean_r', 'cheon', NULL, NULL);
        INSERT INTO nanori VALUES (1, 'せ');
        """
    )
    db.commit()
    db.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("lexicon")
    _jamdict_like(folder / "jamdict.db")
    _script().build(folder / "jamdict.db", folder / "lexicon.sqlite")
    return folder / "lexicon.sqlite"


def test_glosses_keep_a_single_kanjis_first_senses_only(built):
    lexicon = Lexicon(built)
    got = lexicon.glosses(["上", "放送", "メール", "ほげ"])
    assert {"abov", "top", "upper"} <= got["上"] and "kyoto" not in got["上"]
    assert stem("broadcasting") in got["放送"]
    assert "rundfunk" not in got["放送"]  # English glosses only
    assert "ほげ" not in got


def test_common_words_have_a_lowercase_gloss(built):
    assert Lexicon(built).common_words(["メール", "アメリカ", "上", "ほげ"]) == {"メール", "上"}


def test_readings_join_words_names_and_kanjidic(built):
    got = Lexicon(built).readings(["吉川", "上", "川"])
    assert got["吉川"] == {plain_romaji(romanize(kana)) for kana in ("よしかわ", "きっかわ")}
    assert got["上"] == {"ue"}
    assert {"kawa", "sen", "se", "chuan", "cheon", "chon"} <= got["川"]


def test_vocabulary_needs_three_lowercase_glosses(built):
    # 'mail' is lowercase in three glosses ('mail', 'mail box', 'a mail'); 'top' in one
    assert Lexicon(built).english_words(["Mail", "mails", "top", "America"]) == {"Mail", "mails"}


def test_the_output_is_deterministic_and_records_its_source(built, tmp_path):
    _jamdict_like(tmp_path / "jamdict.db")
    _script().build(tmp_path / "jamdict.db", tmp_path / "again.sqlite")
    assert (tmp_path / "again.sqlite").read_bytes() == built.read_bytes()
    assert forms_file(tmp_path / "again.sqlite").read_bytes() == forms_file(built).read_bytes()
    meta = dict(sqlite3.connect(built).execute("SELECT key, value FROM meta"))
    assert meta["jmdict.version"] == "9.9" and "CC BY-SA 4.0" in meta["licence"]
    assert "generator" not in meta


def test_the_form_filter_lists_every_form_and_kanji(built, tmp_path):
    """Each form with glosses or readings is found through the filter the build writes beside
    the lexicon; a form the lexicon lacks is skipped without a query."""
    lexicon = Lexicon(built)
    assert set(lexicon.glosses(["上", "放送", "メール", "アメリカ", "吉川"])) == {"上", "放送", "メール", "アメリカ"}
    assert set(lexicon.readings(["吉川", "上", "放送", "川", "ほげ"])) == {"吉川", "上", "放送", "川"}
    alone = tmp_path / "lexicon.sqlite"
    shutil.copy(built, alone)
    with pytest.raises(AlignerError, match=r"lexicon\.forms\.npz.*not found.*reinstall aligner"):
        Lexicon(alone)
    forms_file(alone).write_bytes(forms_file(built).read_bytes()[:100])  # cut short
    with pytest.raises(AlignerError, match=r"lexicon\.forms\.npz: damaged.*reinstall aligner"):
        Lexicon(alone)
