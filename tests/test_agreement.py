"""Numbers and Latin tokens of a pair, and romanised katakana: literal tables, properties, and the
figures on the dev scoring set (printed, not asserted)."""

from __future__ import annotations

import json
import re
from collections import defaultdict

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from aligner.agreement import (
    fold_latin,
    latin_agreement,
    latin_tokens,
    month_number,
    negations,
    number_agreement,
    numbers,
    polarity_agreement,
    romanize,
)
from aligner.errors import InputError
from tests.conftest import shared_path


@pytest.mark.parametrize(
    "text, lang, expected",
    [
        # digits, full-width digits and separators, decimals
        ("２０２０年", "ja", [2020]),
        ("In 2020", "en", [2020]),
        ("1,000人", "ja", [1000]),
        ("1，000人", "ja", [1000]),
        ("30,000 people", "en", [30000]),
        ("1,234,567.5", "en", [1234567.5]),
        ("2,3", "en", [2, 3]),  # not a thousands separator
        ("1.5倍", "ja", [1.5]),
        ("1.5 times", "en", [1.5]),
        ("2020.10.5", "ja", [2020, 10, 5]),
        ("version 1.2.3", "en", [1, 2, 3]),
        # kanji numerals and the units 万/億/兆
        ("二十五", "ja", [25]),
        ("三百", "ja", [300]),
        ("千二百", "ja", [1200]),
        ("〇", "ja", [0]),
        ("零", "ja", [0]),
        ("十", "ja", [10]),
        ("二〇二〇年", "ja", [2020]),
        ("一万二千三百四十五", "ja", [12345]),
        ("3万人", "ja", [30000]),
        ("1.2億", "ja", [120000000]),
        ("2万5千", "ja", [25000]),
        ("1億2000万円", "ja", [120000000]),
        ("5兆円", "ja", [5e12]),
        ("数十人", "ja", []),  # vague
        ("十数年", "ja", []),
        ("万一の場合", "ja", [1]),  # 万 leading a run is no number; the lone 一 is weak but listed
        # percentages
        ("5割", "ja", [50]),
        ("2割5分", "ja", [25]),
        ("1割8分2厘", "ja", [18.2]),
        ("hitting .182", "en", [0.182]),
        ("v1.5", "en", [1.5]),
        ("tenfold", "en", [10]),
        ("50%", "en", [50]),
        ("50％", "ja", [50]),
        ("50 percent", "en", [50]),
        # dates and times
        ("2020年10月5日", "ja", [2020, 10, 5]),
        ("10月5日", "ja", [10, 5]),
        ("October 5", "en", [10, 5]),
        ("October 5, 2020", "en", [10, 5, 2020]),
        ("5 October", "en", [5, 10]),
        ("the 5th of October", "en", [5, 10]),
        ("Oct. 2020", "en", [10, 2020]),
        ("in May", "en", []),  # a bare month name is no number
        ("May I come?", "en", []),
        ("令和2年", "ja", [2020]),
        ("平成31年", "ja", [2019]),
        ("平成元年", "ja", [1989]),
        ("昭和64年", "ja", [1989]),
        ("午後3時30分", "ja", [3, 30]),
        ("3:30 p.m.", "en", [3, 30]),
        # ordinals
        ("1st", "en", [1]),
        ("23rd", "en", [23]),
        ("第1", "ja", [1]),
        ("the first time", "en", [1]),
        # EN scale and number words
        ("3 million", "en", [3e6]),
        ("1.5 billion", "en", [1.5e9]),
        ("$3bn", "en", [3e9]),
        ("£10m", "en", [10]),  # 10000000 is its other reading, used when matching
        ("one", "en", [1]),
        ("twenty", "en", [20]),
        ("ninety-nine", "en", [99]),
        ("twenty five", "en", [25]),
        ("three hundred and ten", "en", [310]),
        ("two thousand and five", "en", [2005]),
        ("a hundred", "en", [100]),
        ("a million", "en", [1e6]),
        ("after an hour, once a week", "en", [1.0, 1.0, 1.0]),  # an hour, once, a week
        ("a cat and an apple", "en", []),  # 'a' alone is no number
        ("one two", "en", [1, 2]),
        ("twice", "en", [2]),
        ("hundreds of people", "en", []),
        # signs, ranges, names
        ("-5 degrees", "en", [-5]),
        ("minus 5", "en", [-5]),
        ("マイナス5度", "ja", [-5]),
        ("80-85mph", "en", [80, 85]),
        ("70～90％", "ja", [70, 90]),
        ("COVID-19", "en", [19]),
        ("五十嵐さん", "ja", [50]),  # listed, but weak: part of a name
        ("Hello", "en", []),
        ("こんにちは", "ja", []),
    ],
)
def test_numbers(text, lang, expected):
    assert numbers(text, lang) == pytest.approx([float(x) for x in expected])


def test_numbers_rejects_an_unknown_lang():
    with pytest.raises(InputError, match="lang"):
        numbers("1", "fr")


NEWS_JA = "23日に入院し、24日 、 「 陽性」と判りました。"
NEWS_EN = 'She was hospitalized on the 23rd and was found "positive" on the 24th.'


@pytest.mark.parametrize(
    "ja, en, expected",
    [
        (NEWS_JA, NEWS_EN, 1.0),
        (NEWS_JA, NEWS_EN.replace("24th", "16th"), 0.5),
        ("２０２０年に開催", "held in 2020", 1.0),
        ("3万人が参加した。", "30,000 people took part.", 1.0),
        ("3万人が参加した。", "3 million people took part.", 0.0),
        ("二十五歳の男性", "a 25-year-old man", 1.0),
        ("5割が賛成", "50% agreed", 1.0),
        ("5割が賛成", "0.5 agreed", 0.0),  # a percentage never matches its fraction
        ("売上は1.5倍に", "sales grew 1.5 times", 1.0),
        ("10月5日に発表", "announced on October 5", 1.0),
        ("十月五日に発表", "announced on October 5", 1.0),
        ("令和2年の予算", "the 2020 budget", 1.0),
        ("令和2年の予算", "the budget for Reiwa 2", 1.0),
        ("平成31年4月", "April 2019", 1.0),
        ("20日に訪問した", "visited on August 20th", 1.0),  # the EN side adds the month
        ("10月5日に発表", "announced on November 5", 0.666667),  # a month changed still counts
        ("昭和50年", "in 1975", 1.0),
        ("午後3時に", "at 3 p.m.", 1.0),
        ("15時に", "at 3 p.m.", 1.0),
        ("1,000万ポンドの工事", "a £10m renovation", 1.0),
        ("3人が死亡", "three people died", 1.0),  # a spelled-out number matches digits
        ("3人が死亡", "four people died", 0.0),
        ("一緒に来た", "came along", None),  # a lone kanji numeral in a word: not counted
        ("三重県で", "in Mie", None),
        ("新型コロナ", "COVID-19", None),  # a number glued to a name counts only when matched
        ("彼は東京に住む", "He lives in Tokyo", None),
        ("16人", "23 people", 0.0),
        ("2020年に3人", "3 people", 0.666667),  # Dice: 2 * 1 / (2 + 1)
        ("4番の安田が2点打", "No. 4 Yasuda hit a 2-run single", 1.0),
        ("高卒4年目の種市", "Taneichi, four years out of high school", 1.0),
        ("打率１割８分２厘", "hitting .182", 1.0),  # a rate to three places is also a fraction
        ("打率１割８分２厘", "hitting .281", 0.0),
        ("三十倍、六十倍、百倍", "thirtyfold, and sixtyfold, and a hundredfold", 1.0),
        ("3倍に", "a tenfold rise", 0.0),
    ],
)
def test_number_agreement(ja, en, expected):
    got = number_agreement(ja, en)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected, abs=1e-6)


def test_number_agreement_once_or_twice():
    # 1年に1、2回: three strong numbers (1, 1, 2); 'once or twice a year' has three weak ones
    # (once, twice, a year) matching all of them
    assert number_agreement("1年に1、2回", "once or twice a year") == pytest.approx(1.0)
    # without 'every two years', one JA number is left: m = 2, a = 3, b = 2 -> 2 * 2 / 5
    assert number_agreement("2年に1、2回", "once or twice") == pytest.approx(0.8)
    # ... but not a JA 1 of a thing, which EN as often writes 'a' (here left out)
    assert number_agreement("1年に1、2回", "once or twice") == pytest.approx(1.0)


@pytest.mark.parametrize(
    "ja, en, expected",
    [
        # a year of two digits, and the end of a year range, read in full
        ("22年11月まで休業", "closed until November 2022", 1.0),
        ("基準となる13年度", "compared to FY 2013", 1.0),
        ("90年代に", "in the 1990s", 1.0),
        ("22年11月まで休業", "closed until November 2023", 0.5),
        ("1981年から1987年まで", "from 1981-87", 1.0),
        ("（１８２７～９１年）", "(1827-1891)", 1.0),
        ("(1998~03年)", "(1998-2003)", 1.0),
        # ・ as a decimal point before a unit; not between two months
        ("半径約2・5キロの範囲", "within a 2.5 km radius", 1.0),
        ("29・6アール", "2,960 square metres", 0.0),
        ("1・2月", "January and February", 1.0),
        # a JA 1 of a thing may be an EN article; a rank, a date or a time is a number
        ("1粒当たり平均25円アップ", "up 25 yen per chocolate", 1.0),
        ("１人暮らししてましたよ。", "I was living by myself.", None),
        ("1位になった", "came fifth", 0.0),
        ("1時に", "at 5", 0.0),
        # decades
        ("20年以上かかった", "it took more than two decades", 1.0),
        ("この10年で", "over the past decade", 1.0),
        # times and amounts as written
        ("午後1時半頃", "around 1.30pm", 1.0),
        ("5時に出発する。", "We leave at 0500.", 1.0),
        ("4時30分に集合", "assemble at 0430 hours", 1.0),
        ("問い合わせは0197へ。", "Call us at 0197.", 1.0),  # no time: a number
        ("7月15日午前0時から", "from midnight on July 15", 1.0),
        ("正午に会おう。", "see you at noon", None),  # a weak number alone counts for nothing
        ("3ドル74セント", "$3.74", 1.0),
        ("第3四半期に18%増えた", "up 18% in the third quarter", 1.0),
    ],
)
def test_number_agreement_reads_years_decimals_and_ones_as_written(ja, en, expected):
    assert number_agreement(ja, en) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ＡＢＣとiPhone 11とa", {"abc", "iphone"}),
        ("COVID-19の流行", {"covid"}),
        ("Red Star OSを搭載", {"red", "star", "os"}),
        ("NHKのニュース", {"nhk"}),
        ("Café Pokémon", {"café", "pokémon"}),
        ("the USB", {"the", "usb"}),  # stop words kept; latin_agreement drops them
        ("日本語だけ", set()),
    ],
)
def test_latin_tokens(text, expected):
    assert latin_tokens(text) == expected


@pytest.mark.parametrize(
    "ja, en, expected",
    [
        ("iPhoneとCOVIDの話", "About the iPhone and COVID-19", 1.0),
        ("ＵＳＢで接続", "connect with usb", 1.0),
        ("USBメモリ", "USBs", 1.0),
        ("Red Star OSを搭載", "runs Red Star OS", 1.0),
        ("NHKによると", "according to NHK", 1.0),
        ("NHKによると", "according to the BBC", 0.0),
        ("NHKとBBC", "NHK said", 0.5),
        ("TEのノックス", "tight end Knox", 1.0),  # initials of consecutive words
        ("802Bcfの埋蔵量", "802 billion cubic feet of reserves", 1.0),
        ("TEのノックス", "a goal line", 0.0),
        ("Corei7から", "from a Core i7", 1.0),  # inside the letters run together (4 or more)
        ("HDMI×1", "HDMIx1", 1.0),  # the start of an EN token (3 or more)
        ("Yahoo!ニュース", "Jesus! News", 0.0),
        ("Pokémonの新作", "a new Pokemon game", 1.0),
        ("the日本", "Japan", None),  # only a stop word
        ("日本語だけ", "Japanese only", None),
    ],
)
def test_latin_agreement(ja, en, expected):
    got = latin_agreement(ja, en)
    assert got == expected if expected is None else got == pytest.approx(expected)


@pytest.mark.parametrize(
    "kana, expected",
    [
        ("トランプ", "toranpu"),
        ("ポグバ", "poguba"),
        ("マンチェスター・ユナイテッド", "manchesutaa yunaiteddo"),
        ("キャ", "kya"),
        ("シュ", "shu"),
        ("チョ", "cho"),
        ("ジャ", "ja"),
        ("ティ", "ti"),
        ("ファ", "fa"),
        ("ヴァ", "va"),
        ("ウィ", "wi"),
        ("ディ", "di"),
        ("フィ", "fi"),
        ("チェ", "che"),
        ("シェ", "she"),
        ("ジェ", "je"),
        ("イェ", "ye"),
        ("デュ", "dyu"),
        ("ヴ", "vu"),
        ("コーヒー", "koohii"),
        ("ベッド", "beddo"),
        ("マッチ", "matchi"),
        ("ラッシュ", "rasshu"),
        ("ジャンプ", "janpu"),
        ("シンブン", "shinbun"),
        ("ジャン＝ポール", "jan pooru"),
        ("きょうと", "kyouto"),
        ("ﾄﾗﾝﾌﾟ", "toranpu"),  # half-width
        ("ン", "n"),
        ("ッ", ""),
        ("ー", ""),
        ("ャ", "ya"),
    ],
)
def test_romanize(kana, expected):
    assert romanize(kana) == expected


# ----------------------------------------------------------------------------- properties

# Pieces of both languages' number syntax, shuffled into nonsense.
MIXED = st.lists(
    st.sampled_from(
        list("0123456789０１２３４５６７８９,.，．-−%％ :")
        + list("〇零一二三四五六七八九十百千万億兆数割分年月日時午後前令和平成元")
        + list("アイウカキャッーンチェ・あいう")
        + [" one", " twenty", " hundred", " million", " a", " and", " May", " October", " p.m.", "th", "1st", " Trump"]
    ),
    max_size=30,
).map("".join)


@settings(max_examples=150, deadline=None)
@given(MIXED, MIXED)
def test_number_agreement_is_none_or_in_unit_range(ja, en):
    got = number_agreement(ja, en)
    assert got is None or 0.0 <= got <= 1.0


DIGITS_ONLY = st.text(alphabet="0123456789 ,.%", max_size=30)


@settings(max_examples=150, deadline=None)
@given(DIGITS_ONLY, DIGITS_ONLY)
def test_number_agreement_treats_the_sides_alike(a, b):
    # text both languages read the same way scores the same whichever side it is on (but a
    # JA 1, which may stand for an EN article)
    assert numbers(a, "ja") == numbers(a, "en")
    assume(1.0 not in numbers(a, "ja") + numbers(b, "ja"))
    assert number_agreement(a, b) == number_agreement(b, a)


@given(st.integers(min_value=-(10**12), max_value=10**15), st.sampled_from(["ja", "en"]))
def test_numbers_of_an_integer(n, lang):
    assert numbers(str(n), lang) == [float(n)]


@given(st.integers(min_value=0, max_value=10**9))
def test_thousands_separators(n):
    assert numbers(f"{n:,}", "en") == [float(n)]
    assert numbers(f"{n:,}".replace(",", "，"), "ja") == [float(n)]


@given(st.text(alphabet=st.characters(min_codepoint=0x3041, max_codepoint=0x30FF)))
def test_romanize_never_raises_on_kana(kana):
    assert isinstance(romanize(kana), str)


KANA_LETTERS = [chr(c) for c in range(0x30A1, 0x30FB)] + ["ー", "・"] + [chr(c) for c in range(0x3041, 0x3097)]


@given(st.text(alphabet=st.sampled_from(KANA_LETTERS)))
def test_romanize_gives_ascii_letters(kana):
    assert re.fullmatch(r"[a-z ]*", romanize(kana))


@settings(max_examples=100, deadline=None)
@given(MIXED, MIXED)
def test_latin_agreement_is_none_or_in_unit_range(ja, en):
    got = latin_agreement(ja, en)
    assert got is None or 0.0 <= got <= 1.0


# ----------------------------------------------------------------------------- dev figures


def test_figures_on_the_dev_scoring_set(capsys):
    """Per kind of pair: the mean of each agreement where it is not None, and how often it
    is None. Printed for the record; the set is for evaluation, so nothing is asserted but
    the range."""
    path = shared_path("eval", "dev", "scoring", "pairs.jsonl")
    functions = {"numbers": number_agreement, "latin": latin_agreement}
    values: dict[str, dict[str, list[float | None]]] = defaultdict(lambda: defaultdict(list))
    with open(path, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            for name, function in functions.items():
                values[row["kind"]][name].append(function(row["ja"], row["en"]))
    lines = [f"{'kind':15s} {'n':>4s}  " + "  ".join(f"{name:>7s} mean/None" for name in functions)]
    for kind in sorted(values, key=lambda k: (not k.startswith("good"), k)):
        cells = []
        for name in functions:
            got = values[kind][name]
            kept = [x for x in got if x is not None]
            assert all(0.0 <= x <= 1.0 for x in kept)
            mean = sum(kept) / len(kept) if kept else float("nan")
            cells.append(f"{mean:13.3f}/{1 - len(kept) / len(got):4.2f}")
        lines.append(f"{kind:15s} {len(got):4d}  " + "  ".join(cells))
    with capsys.disabled():
        print("\nagreement on dev/scoring/pairs.jsonl (mean where not None / share None)")
        print("\n".join(lines))


@pytest.mark.parametrize(
    "text, lang, expected",
    [
        ("会議は明日始まりません。", "ja", 1),
        ("会議は明日始まります。", "ja", 0),
        ("彼は来なかった。", "ja", 1),
        ("彼は何も言わずに去った。", "ja", 1),
        ("時間がない。", "ja", 1),
        ("いいえ。", "ja", 1),
        ("行かなければならない。", "ja", 0),  # must
        ("雨が降るかもしれない。", "ja", 0),  # might
        ("少ない人数で必ずまず確認する。", "ja", 0),  # words that end in ない, ず
        ("一緒に行きませんか？", "ja", 0),  # an invitation
        ("The meeting starts tomorrow.", "en", 0),
        ("He didn't come and never will.", "en", 2),
        ("He left without saying a word.", "en", 1),
        ("No doubt it is the No. 1 shop, not only in Tokyo.", "en", 0),
        ("Why not start today?", "en", 0),
        # only, merely, may, must: no negation of what is stated
        ("平日しか漕がない。", "ja", 0),
        ("それは噂にすぎない。", "ja", 0),
        ("何をされてもかまいません。", "ja", 0),
        ("一からやらなくっちゃ。", "ja", 0),
        ("がんばらないとね。", "ja", 0),
        ("とんでもない失態だった。", "ja", 0),
        ("しかし、彼は来なかった。", "ja", 1),  # しかし (however) is no しか
        ("どこから始めていいか分からん。", "ja", 1),  # spoken forms
        ("絶対しねーよ。", "ja", 1),
        ("田中さんとみかんを食べたんだ。", "ja", 0),
        # a question's negation asks: it counts none, on either side
        ("方法知らない？", "ja", 0),
        ("Doesn't the industry exist because of them?", "en", 0),
        ("I don't know. Do you?", "en", 1),
    ],
)
def test_negations(text, lang, expected):
    assert negations(text, lang) == expected


@pytest.mark.parametrize(
    "ja, en, expected",
    [
        ("会議は明日始まりません。", "The meeting starts tomorrow.", 0.0),
        ("会議は明日始まりません。", "The meeting does not start tomorrow.", 1.0),
        ("会議は明日始まります。", "The meeting does not start tomorrow.", 0.0),
        ("会議は明日始まります。", "The meeting starts tomorrow.", None),
        # the side without a negative form says "not" by a word: unsure, no evidence
        ("工事は不要です。", "No installation is needed.", None),
        ("粉なし、極薄。", "Powder free, extra thin.", None),
        ("詳細な位置は示されていない。", "The exact location is yet to be announced.", None),
        ("詳細な位置は示されていない。", "The exact location was announced.", 0.0),
        # a negation inside a clause is no evidence: translators word it otherwise
        ("彼は何も言わずに去った。", "He left at once.", None),
        ("彼は去った。", "He left without a word.", None),
        ("行くな。", "Go.", 0.0),  # the prohibitive
        # "I don't think", "not sure": a hedge, which JA words otherwise, is no predicate's negation
        ("やり方が違うと思います。", "I don't think I did it the intended way.", None),
        ("紫色のは足りるかどうか。", "But am not sure I have enough of the purple.", None),
        ("やり方は正しいと思います。", "I did not do it the intended way.", 0.0),
        # words that say "not": 違う, 対象外, 除外, 品切れ; reluctant, offline
        ("日曜日のドライブとは違うんだよね。", "This isn't like a Sunday drive.", None),
        ("対象外の人が宿泊した。", "Guests who were not covered stayed.", None),
        ("買い換えるのは気が進まない。", "We're reluctant to buy a new one.", None),
        ("まだ繋がらない。", "It's still offline.", None),
        ("間違いだ。", "It is not wrong.", 0.0),  # 間違い 'wrong' is no 違う: "not wrong" turns it
    ],
)
def test_polarity_agreement(ja, en, expected):
    assert polarity_agreement(ja, en) == expected


@pytest.mark.parametrize(
    "word, month",
    [("February", 2), ("feb", 2), ("Sept", 9), ("MAY", 5), ("december", 12), ("Octopus", None), ("junk", None)],
)
def test_month_number(word, month):
    assert month_number(word) == month


def test_fold_latin_plains_latin_letters_only():
    assert fold_latin("Grünerløkka, Prætorium, Łódź, Stéphanie") == "Grunerlokka, Praetorium, Lodz, Stephanie"
    # kana keep their voicing marks; fullwidth letters are NFKC'd
    assert fold_latin("がぱ ＡＢＣ ヴ") == "がぱ ABC ヴ"


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x30FF)))
@example("A\u0300\u0300")  # an accent NFKC cannot compose into the letter it already made À
@example("\u01fc")  # Ǽ: its accent stripped leaves Æ, a letter no accent stripping reduces
def test_fold_latin_leaves_no_accented_latin_letter(text):
    _assert_folded(text)


def test_fold_latin_folds_every_code_point_alone_and_accented():
    # every character the property draws from, alone and followed by accents NFKC may not compose
    for cp in range(0x20, 0x3100):
        for text in (chr(cp), chr(cp) + "\u0301", chr(cp) + "\u0300\u0301"):
            _assert_folded(text)


def _assert_folded(text: str) -> None:
    folded = fold_latin(text)
    # no letter of Latin-1 or Latin Extended-A is left but plain ones
    assert not any("\u00c0" <= c <= "\u017f" and c not in "\u00d7\u00f7" for c in folded), (text, folded)
    assert fold_latin(folded) == folded, (text, folded)
