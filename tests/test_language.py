"""Tests for aligner.language: block language from scripts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aligner.language import ALPHABET_WEIGHT, could_be_japanese, count_scripts, detect_language
from aligner.records import LANGS

# (text, language, confidence). Confidences are worked by hand from the script counts:
# ja weight = kana + kanji (only with kana), en = Latin / 2.5, other = Hangul, or kanji
# without kana; confidence = winner / total, times letters / 4 under 4 letters.
CASES = [
    # the examples of the brief, mixed lines first
    ("A. 基本的には使えません。", "ja", 0.9615),  # 6 kana + 4 kanji = 10 vs A = 0.4
    ("朝中国境の丹東で入手できる北朝鮮の携帯電話 [Pyongyang T6]", "ja", 0.84),  # 21 vs 10/2.5
    ('Kim Jumok from "Crash Landing on You," a North Korean soldier', "en", 1.0),
    ("『愛の不時着』韓ドラ通の北朝鮮兵士 キム・ジュモク", "ja", 1.0),
    ("『愛の不時着』で話題・北朝鮮のインターネット事情とは?-PSCORE [ENG]", "ja", 0.8647),
    ("Red Star OSというソフトウェア", "ja", 0.7143),  # 9 kana vs 9 / 2.5
    (
        "例えば、Red Star OSというソフトウェアは、北朝鮮で作成されたノート型パソコンにインストールされています。",
        "ja",
        0.9227,
    ),  # 36 kana + 7 kanji = 43 vs 9 / 2.5
    # URLs and e-mail addresses are not letters
    ("▶︎\u00a0http://pscore.org/home-ja/", "other", 1.0),
    ("https://example.com/a", "other", 1.0),
    ("www.example.com", "other", 1.0),
    ("出典：https://example.jp/news/44239", "other", 0.5),  # 2 kanji, no kana, short
    ("詳しくはhttps://example.com/をご覧ください", "ja", 1.0),  # URL stops at the kana
    ("mail: info@pscore.org", "en", 1.0),
    # kanji without kana, and Hangul, are not Japanese
    ("丹東", "other", 0.5),
    ("北京是中国的首都。", "other", 1.0),
    ("北京は中国の首都です", "ja", 1.0),
    ("안녕하세요 여러분", "other", 1.0),
    ("Samsung 갤럭시 스마트폰", "other", 0.7143),  # 7 Hangul vs 7 / 2.5
    # English around a few CJK characters stays English
    ("Kim Jong Un met 習近平 in Beijing", "en", 0.7368),  # 21 / 2.5 vs 3 kanji (Chinese)
    ("The word すし is Japanese food", "en", 0.8077),  # 21 / 2.5 vs 2 kana
    ("The word 사랑 means love", "en", 0.7619),
    # ties go to ja, then en
    ("すし sushi", "ja", 0.5),
    ("東京 Tokyo", "en", 0.5),
    # kana forms, and ー only next to other kana
    ("ラーメン", "ja", 1.0),
    ("ﾗｰﾒﾝ", "ja", 1.0),
    ("ー", "other", 1.0),
    ("—ー—", "other", 1.0),
    ("ＵＳＢメモリ", "ja", 0.7143),
    # other alphabets
    ("Ελληνικά", "other", 1.0),
    ("Café au lait", "en", 1.0),
    # short texts: confidence scaled by letters / 4
    ("A", "en", 0.25),
    ("Hi", "en", 0.5),
    ("abc", "en", 0.75),
    ("abcd", "en", 1.0),
    ("はい", "ja", 0.5),
    # no letters at all
    ("", "other", 1.0),
    ("   \t\n", "other", 1.0),
    ("\u3000\u00a0", "other", 1.0),
    ("2012-2018 46%", "other", 1.0),
    ("！？。、「」", "other", 1.0),
    ("12:30", "other", 1.0),
]


@pytest.mark.parametrize(("text", "lang", "confidence"), CASES)
def test_detect_language(text: str, lang: str, confidence: float) -> None:
    assert detect_language(text) == (lang, pytest.approx(confidence, abs=1e-4))


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        ("A. 基本的には使えません。", {"kana": 6, "han": 4, "latin": 1}),
        ("ラーメン", {"kana": 4}),
        ("ーー", {}),
        ("김정은 and Ελλάδα", {"hangul": 3, "latin": 3, "alphabet": 6}),
        ("see https://example.com/ja or me@example.com", {"latin": 5}),
        ("々〆〇", {"han": 3}),
    ],
)
def test_count_scripts(text: str, counts: dict[str, int]) -> None:
    assert dict(count_scripts(text)) == counts


def test_alphabet_weight_is_documented_ratio() -> None:
    assert ALPHABET_WEIGHT == pytest.approx(0.4)


@given(st.text())
def test_any_text_gives_a_language_and_a_confidence_in_range(text: str) -> None:
    lang, confidence = detect_language(text)
    assert lang in LANGS
    assert 0.0 <= confidence <= 1.0


@given(st.text())
def test_appending_a_url_changes_nothing(text: str) -> None:
    assert detect_language(text + " https://example.com/x?q=1") == detect_language(text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("阪神・大山、２戦連発７号！", True),  # a headline in kanji alone
        ("東京都庁", True),
        ("北京是中国的首都。", False),  # 是: Chinese grammar
        ("东京", False),  # a simplified form, outside JIS X 0208
        ("今日は晴れ", False),  # kana: Japanese by its script, not this rule
        ("Tokyo 東京", False),  # Latin letters too
        ("", False),
    ],
)
def test_could_be_japanese(text: str, expected: bool) -> None:
    assert could_be_japanese(text) is expected
