"""`lexical_agreement` (names and words of one side explained by the other, through the dictionary)
and `agreement.reading` (JA read out in plain romaji)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aligner.lexical import least_translated_sentence, lexical_agreement


def en_name_agreement(ja: str, en: str) -> float | None:
    return lexical_agreement(ja, en).en_names


@pytest.mark.parametrize(
    "ja, en, expected",
    [
        # kanji names, read out by their pieces' readings
        ("吉村洋文知事は述べた。", "Governor Yoshimura Hirofumi said.", 1.0),
        ("大阪府の吉村洋文知事は会見で述べた。", "At a press conference, Osaka Governor Hirofumi Yoshimura said.", 1.0),
        ("吉村洋文知事と松井一郎市長が会談した。", "Governor Yoshimura met with Mayor Matsui.", 1.0),
        ("吉村洋文知事と松井一郎市長が会談した。", "Governor Yoshimura met with Mayor Tanaka.", 0.5),  # one replaced
        ("吉村洋文知事が会談した。", "Governor Yamada Taro spoke.", 0.0),  # the name replaced
        ("白鵬が勝った。", "the winner was Hakuho", 1.0),
        ("北海道で雪が降った。", "it snowed in Hokkaido", 1.0),  # doubled letters folded
        ("東京と大阪を結ぶ列車", "trains between Tokyo and Osaka", 1.0),
        ("東京と大阪を結ぶ列車", "trains between Tokyo and Nagoya", 0.5),
        # katakana names, by sound
        ("ポグバが得点した。", "the goal was scored by Pogba", 1.0),
        ("ポグバが得点した。", "the goal was scored by Messi", 0.0),
        ("ポグバが得点した。", "the goal was scored by Pogba and Rashford", 0.5),
        ("ｲﾁﾛｰが打った。", "a hit by Ichiro", 1.0),  # half-width katakana
        # Latin tokens on the JA side
        ("Appleの新製品", "a new product from Apple", 1.0),
        # full-width EN is read after NFKC
        ("東京で雨", "ｉｔ ｒａｉｎｅｄ ｉｎ Ｔｏｋｙｏ", 1.0),
        ("大阪で雨", "ｉｔ ｒａｉｎｅｄ ｉｎ Ｔｏｋｙｏ", 0.0),
        # what counts as a name: after a lowercase word, a digit or a closing parenthesis
        ("会議", "in 2020 Tanaka said", 0.0),
        ("会議", "a report (2020) Tanaka said", 0.0),
        ("会議", 'he said "yes" Tanaka said', 0.0),  # after a closing quote
        ("会議", 'he said "yes." Still, he went', None),  # ... unless it ends a sentence
        ("プレミア１２で", 'won at the "Godfather 12"', None),  # a title in quotes: ordinary
        ("四川風鶏冷やし", 'named "Shiv Chicken"', 0.5),  # ... but Shiv is no English word (鶏 chicken)
        ("萩焼", 'known as "Hagi ware"', 1.0),  # 萩 reads hagi
        ("会議", "met Mr Smith", 0.0),  # a title joins the run; Smith is unexplained
        # an ordinary word inside a longer name is not asked for (Navy, Royal); a name is
        ("イギリス海軍の将校", "an officer of the Royal Navy", None),
        ("イギリス海軍の将校", "an officer of the Royal Navy named Tanaka", 0.0),
        ("国家母子評議会", "the National Council for Childhood", None),  # joined by for
        ("賢治と豊沢町", "between Kenji and Potatoes", 0.5),  # not by and
        # a romanised word goes on after a hyphen
        ("山川で見つかった", "was found in the Yama-gawa River", 1.0),
        ("守山区の庄内川で見つかった", "was found in the Yama-gawa River", 0.0),
        ("坂元愛容疑者", "suspect Sakamoto Ai", 1.0),  # two letters: one piece's reading
        ("マケナニー報道官", "press secretary McEnany", 1.0),  # Mc is mak
        ("ユリ・ゲラーが", "this is Uri Geller", 1.0),  # a first u may be yu
        ("ライン川", "along the Rhine", 1.0),  # rh is r
        # an ordinary word is translated by its own stem only, not a longer one's
        ("伝統を守る", "keeping the tradition of Trades", 0.0),
        ("ギリシャとの契約", "a contract with the Greek side", 1.0),  # Greek ~ Greece
        # a name shares its beginning loosely with a proper name of a gloss only (Greece), not
        # with any gloss: 継続 "continuation" is no Conte, 百万 "million" no Miller
        ("継続して会見を開く", "press conferences held by Conte", 0.0),
        ("百万人が集まった", "a crowd gathered for Miller", 0.0),
        # no name: None
        ("吉村は言った。", "Yoshimura said", None),  # the first word of a sentence is no name
        ("彼は言った。", 'He said: "Yoshimura will go."', None),  # nor the first of quoted speech
        ("今日は晴れ", "It is sunny today.", None),
        ("月曜日に会った。", "we met on Monday in January", None),  # months and weekdays are no names
        ("五月に開いた。", "it opened in May", None),
        ("彼は言った。", "said Mr", None),  # a title alone
        ("東京で雨", "it rained in TOKYO", None),  # capitals only: no name
        ("東京で雨", "", None),
    ],
)
def test_en_name_agreement(ja, en, expected):
    assert en_name_agreement(ja, en) == expected


def test_unexplained_names_are_listed_in_order():
    ja, en = "吉村洋文知事と松井一郎市長が会談した。", "Governor Tanaka met with Mayor Matsui and Suzuki."
    got = lexical_agreement(ja, en)
    assert got.unexplained == ("Tanaka", "Suzuki")


@pytest.mark.parametrize(
    "ja, en, expected",
    [
        ("バイデン大統領", "President Biden", 1.0),
        ("バイデン大統領", "President Trump", 0.0),
        ("トランプ大統領", "President Biden", None),  # トランプ is also a loan word, 'trump (card)'
        ("ポグバが得点", "Pogba scored", 1.0),
        ("ポグバが得点", "Rashford scored", 0.0),
        ("マンチェスター・ユナイテッドのポグバ", "Manchester United's Pogba", 1.0),
        ("メラノが語った", "Melano said", 1.0),
        ("レスターに勝った", "beat Leicester", 1.0),
        ("ニューヨークで", "in New York", 1.0),
        ("ロシアの選手", "a Russian player", 1.0),
        ("メールを送った", "sent a message", None),  # an ordinary loan word, no name
        ("ドイツ入国者", "those entering Germany", 1.0),  # by a gloss
        ("ドイツ入国者", "those entering Takahama", 0.0),
        ("バイデン氏とオバマ氏", "Biden and Trump", 0.5),
        # kanji names: before an honorific or a title, or listed as names
        ("東京で", "in Tokyo", 1.0),
        ("東京で", "in Osaka", 0.0),
        ("韓国の企業", "a Korean company", 1.0),  # by a gloss, loosely
        ("英国で", "in the U.K.", 1.0),  # by the initials of a gloss
        ("山川さんが言った", "Yamakawa said", 1.0),
        ("山川さんが言った", "Mori said", 0.0),  # a word (mountains and rivers), but before さん
        ("県内の感染者", "infections in the prefecture", None),  # an ordinary word
        ("司法長官が言った", "the Attorney General said", None),  # an ordinary word before a title
        ("素晴らしい", "wonderful", None),  # okurigana follows
        ("キッチンスポンジ", "a kitchen sponge", 1.0),  # a run of loan words, each translated
        ("ノ", "no", None),  # shorter than 3
    ],
)
def test_ja_names(ja, en, expected):
    got = lexical_agreement(ja, en).ja_names
    assert got == expected if expected is None else got == pytest.approx(expected)


@pytest.mark.parametrize(
    "ja, en",
    [
        ("会議は十月に開かれた。", "the meeting was held in Oct. 2020"),
        ("九月に開いた。", "it opened in Sept. last year"),
        ("一月五日に", "on 5 Jan."),
        ("月曜の朝に会おう。", "see you on Mon. morning"),
    ],
)
def test_abbreviated_months_and_weekdays_are_no_names(ja, en):
    assert en_name_agreement(ja, en) is None


@pytest.mark.parametrize(
    "ja, en",
    [
        ("大谷翔平が打った。", "a home run by Ohtani"),
        ("伊藤さんが言った。", "said Itoh"),
        ("小野さんが言った。", "said Ohno"),
    ],
)
def test_oh_spelling_of_a_long_o(ja, en):
    assert en_name_agreement(ja, en) == 1.0


@pytest.mark.parametrize(
    "ja, en",
    [
        ("リー・グレースにクローズダウン", "closes down Lee Grace"),  # one kana, lengthened
        ("ウイリアム王子夫妻は発表した。", "Prince William and his wife announced."),  # ウイ is wi
        ("交渉はウイルソン氏が率いた。", "The talks were led by Wilson."),
    ],
)
def test_short_and_w_katakana_spell_names(ja, en):
    assert en_name_agreement(ja, en) == 1.0
    assert lexical_agreement(ja, en).name_evidence == 0.0


@pytest.mark.parametrize(
    "ja, en",
    [
        ("トカエフ大統領が述べた。", "President Tokayev said."),  # a last v as f
        ("ラブロフ外相は語った。", "Foreign Minister Lavrov said."),
        ("プリゴジン氏の声明", "the statement from Prigozhin"),  # zh as j
        ("キルヒャーが出演していた数か月", "the months when Kilcher worked"),  # German ch as h
        ("アフラ・マズダーの命を受け", "on the orders of Ahura Mazda"),  # hu as fu
        ("アビヤはアサの父", "Abijah begat Asa"),  # j as y
        ("アラジンの歌を聞いた。", "We heard the song of Alladin."),  # di as ji
        ("イエスはピリポに言われた", "Jesus saith unto Philip"),  # Greek ph as p, as the Bible writes it
        ("エペソにいる聖徒たちへ", "to the saints that are at Ephesus"),
    ],
)
def test_names_read_the_way_of_other_languages(ja, en):
    assert en_name_agreement(ja, en) == 1.0
    assert lexical_agreement(ja, en).name_swap == 0.0


@pytest.mark.parametrize(
    "ja, en",
    [
        # accented letters and ligatures are plain letters: one word, not "Gr" and "nerl"
        ("おしゃれなグリューネルロッカが続く", "then trendy Grünerløkka followed"),
        ("ステファニー・カフというブレスレット", "a bracelet called the Stéphanie Cuff"),
        # 々 reads as the kanji before it
        ("新メニューに担々麺", "Dandan Noodles on the new menu"),
        ("佐々木さんが来た", "then came Sasaki"),
    ],
)
def test_accented_letters_and_the_repeat_mark_are_read(ja, en):
    assert lexical_agreement(ja, en).unexplained == ()


def test_a_name_swapped_for_another_is_still_seen():
    # the readings above make no name sound like any other
    assert lexical_agreement("ラブロフ外相は語った。", "Foreign Minister Shoigu said.").name_swap == 1.0
    assert lexical_agreement("キルヒャーが負傷した。", "Fischer was injured.").name_swap == 1.0


@pytest.mark.parametrize(
    "ja, en",
    [
        ("見よ、わたしはすぐに来る。", "Behold, I come quickly."),  # older English opening a sentence
        ("よく言っておく。", "Verily I say unto you."),
        ("あなたは何を求めているのか。", "What seekest thou?"),  # -est of a verb
    ],
)
def test_older_english_is_no_name(ja, en):
    got = lexical_agreement(ja, en)
    assert got.unexplained == () and not got.name_evidence


@pytest.mark.parametrize(
    "ja, en",
    [
        ("議会審査法が成立した。", "The Congressional Review Act passed."),  # -al: Congress
        ("下院議員が語った。", "The Congressman said."),  # -man: Congress
    ],
)
def test_derived_words_are_translated_by_their_base(ja, en):
    assert lexical_agreement(ja, en).unexplained == ()


@pytest.mark.parametrize("en", ["(PERSON2) Yeah, sure, we'll discuss it.", "(PERSON2) Okay, sure, we'll discuss it."])
def test_words_of_speech_opening_a_sentence_are_no_names(en):
    got = lexical_agreement("(PERSON2)ええ、もちろんです、話し合っていきます。", en)
    assert got.unexplained == () and not got.name_evidence


@pytest.mark.parametrize("word", ["Well", "Like", "Then"])
def test_a_speaker_tag_opening_the_text_leaves_a_sentence_start(word):
    # an ordinary word after "(PERSON6) " opens the speaker's sentence: no name
    ja = "(PERSON6) じゃあ、これは実際にはそうなるはず"
    got = lexical_agreement(ja, f"(PERSON6) {word}, this should actually be it")
    assert got.unexplained == () and not got.name_evidence
    # a name there is still one
    swapped = lexical_agreement("(PERSON6) 田中さんが来た", "(PERSON6) Then Suzuki came")
    assert swapped.unexplained == ("Suzuki",) and swapped.name_evidence == 1.0


EN_WORDS = st.lists(
    st.sampled_from(
        ["the", "said", "met", "in", "and", "Tokyo", "Yoshimura", "Pogba", "Mr", "Smith", "January", "Monday",
         "(", ")", "2020", ",", ".", '"', "New", "York", "TOKYO"]
    ),
    max_size=12,
).map(" ".join)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(EN_WORDS)
def test_a_side_names_itself(en):
    # every EN name is among the Latin tokens of the same text on the JA side
    assert en_name_agreement(en, en) in (None, 1.0)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["吉村洋文知事", "ポグバ", "東京", "会議", ""]), EN_WORDS)
def test_en_name_agreement_range_and_lowercase(ja, en):
    got = en_name_agreement(ja, en)
    assert got is None or 0.0 <= got <= 1.0
    assert en_name_agreement(ja, en.lower()) is None  # without capitals, no names


@pytest.mark.parametrize(
    "ja, en",
    [
        ("Wi-Fi経由で同期する。", "It syncs over WiFi."),  # the letters of a Latin phrase
        ("「Music LMデモ版」は、おもしろい。", "The MusicLM demo is fun."),
        ("キン肉マン対ロビンマスクの決勝戦", "the final between Kinnikuman and Robin Mask"),  # kin-niku: n once
    ],
)
def test_a_name_written_in_a_latin_phrase_or_pieces_is_explained(ja, en):
    assert lexical_agreement(ja, en).unexplained == ()


def test_no_name_is_read_across_two_latin_phrases():
    assert lexical_agreement("WiとFiの話", "a talk on WiFi").unexplained == ("WiFi",)


@pytest.mark.parametrize(
    "ja, en, expected",
    [
        ("神は光あれと言われた。", "And then God said, Let there be light.", 1.0),  # Let: after a comma, no name
        ("光あれと言われた。", "And then God said, Let there be light.", 0.0),  # God unexplained
        ("光あれと言われた。", "And then he said, Let there be light.", None),  # Let: ordinary English
        ("福島県の知事が話した。", "the governor of Fukushima Prefecture spoke", 1.0),
        ("知事が話した。", "the governor of Fukushima Prefecture spoke", 0.0),  # Prefecture, inside a name: not asked
        ("会議が開かれた。", "the Assembly met in Fukushima", 0.5),  # 会議 'assembly'; Fukushima unexplained
    ],
)
def test_words_rendered_by_meaning_are_explained(ja, en, expected):
    assert en_name_agreement(ja, en) == expected


@pytest.mark.parametrize(
    "ja, en, expected",
    [
        # kanji names read piece by piece (JMnedict, KANJIDIC), with rendaku
        ("主人公の海利を古川が演じる。", "the hero is Kairi, played by Furukawa", 1.0),
        ("主人公の海利を古川が演じる。", "the hero is Kairi, played by Yamashita", 0.5),
        ("山川で釣りをした。", "we fished in the Yamagawa", 1.0),
        # a country and its people
        ("ドイツの研究者が勧めた。", "a German researcher advised it", 1.0),
        ("ギリシャ市民には適用されない。", "it does not apply to Greek citizens", 1.0),
        # a word glued from capitalised parts, read by sound
        ("マクドナルドのドライブスルー", "a drive-through at McDonald", 1.0),
        # a title capitalises ordinary words: they are no names
        ("完璧な王室のドレスが話題に", "the Flawless Royal Dress Goes Online Today", None),
        ("完璧な王室のドレスが話題に", "the Flawless Royal Dress of Bhattacharya Goes Online", 0.0),
    ],
)
def test_names_through_the_dictionary(ja, en, expected):
    assert en_name_agreement(ja, en) == expected


def test_translated_shares_follow_the_translation():
    good = lexical_agreement("政府は声明を発表した。", "The government issued a statement.")
    other = lexical_agreement("政府は声明を発表した。", "Cats sleep most of the afternoon.")
    assert good.ja_translated > 0.5 and good.en_translated > 0.5
    assert other.ja_translated < good.ja_translated and other.en_translated < good.en_translated


@pytest.mark.parametrize(
    "en",
    [
        "The government also issued a statement.",  # a discourse adverb
        "The government shall issue a statement unto thee.",  # older English
        "The government didn’t issue a statement.",  # a contraction with not, typographic apostrophe
        "It's the government's statement, however, that was issued.",  # a stop word's contraction; a conjunction
    ],
)
def test_function_words_are_not_asked_about(en):
    # the content words of "The government issued a statement." and no others
    base = lexical_agreement("政府は声明を発表した。", "The government issued a statement.")
    assert lexical_agreement("政府は声明を発表した。", en).en_translated == base.en_translated


@pytest.mark.parametrize(
    "ja, en",
    [
        ("男たちは歩いた。", "The men walked."),  # an irregular plural
        ("卵を産んだ。", "It laid eggs."),  # an irregular past
        ("彼は学校へ行く。", "He goes to school."),  # and present
        ("兄弟たちよ、聞け。", "Hear, brethren."),  # older English's plural of brother
        ("2月に行った。", "I went in February."),  # a month by its number
    ],
)
def test_irregular_forms_and_months_are_explained(ja, en):
    assert lexical_agreement(ja, en).en_translated == 1.0


def test_a_month_is_explained_by_its_own_number_only():
    assert lexical_agreement("12月に行った。", "I went in February.").en_translated < 1.0


def test_least_translated_sentence_finds_an_untranslated_sentence():
    ja = "政府は声明を発表した。"
    partial = least_translated_sentence(
        ja, "The government issued a statement. Cats sleep most of the afternoon.",
        [ja], ["The government issued a statement.", "Cats sleep most of the afternoon."],
    )  # fmt: skip
    merged = least_translated_sentence(
        ja + "猫は午後ずっと眠る。", "The government issued a statement. Cats sleep all afternoon.",
        [ja, "猫は午後ずっと眠る。"], ["The government issued a statement.", "Cats sleep all afternoon."],
    )  # fmt: skip
    assert partial is not None and merged is not None
    assert partial < 0.3 < merged
    assert least_translated_sentence(ja, "The government issued a statement.", [ja], ["x"]) is None


TEXT = st.text(alphabet=st.sampled_from(list("政府声明発表東京山川海利カタナ ABCxyz.,、。 ")), max_size=20)


@settings(max_examples=50, deadline=None)
@given(TEXT, TEXT)
def test_shares_are_in_range(ja, en):
    got = lexical_agreement(ja, en)
    for share in (got.en_names, got.ja_translated, got.en_translated):
        assert share is None or 0.0 <= share <= 1.0


def test_half_translated_sees_an_untranslated_half():
    ja = "政府は昨日、新しい経済政策についての声明を発表した。"
    en = "The government issued a statement on the new economic policy yesterday."
    extra = " Cats sleep most of the afternoon in warm sunny windows."
    whole = lexical_agreement(ja, en).half_translated
    half = lexical_agreement(ja, en + extra).half_translated
    assert whole is not None and half is not None
    assert half < 0.2 < whole
    assert lexical_agreement("政府", "The government").half_translated is None  # too short to halve


@pytest.mark.parametrize(
    "ja, en",
    [
        ("iPhoneを買った", "I bought a phone"),  # 買う, an irregular EN past
        ("彼はリンゴを食べました。", "He ate an apple."),  # 食べる
        ("山は高かった。", "The mountain was high."),  # 高い
        ("東京へ行きます。", "I will go to Tokyo."),  # 行く
    ],
)
def test_inflected_verbs_and_adjectives_are_looked_up_by_their_dictionary_form(ja, en):
    assert lexical_agreement(ja, en).ja_translated == 1.0


@pytest.mark.parametrize(
    "ja, en, evidence, swap",
    [
        # a person's name changed: each side names someone the other does not; a word that is
        # no ordinary English is a name where it opens a sentence too
        ("田中さんは来週東京で会議に出席します。", "Suzuki will attend a meeting in Tokyo next week.", 1.0, 1.0),
        ("田中さんは来週東京で会議に出席します。", "Mr. Suzuki will attend a meeting in Tokyo next week.", 1.0, 1.0),
        ("田中さんは来週東京で会議に出席します。", "Tanaka will attend a meeting in Tokyo next week.", 0.0, 0.0),
        ("バイデン大統領が来日した。", "President Obama visited Japan.", 1.0, 1.0),
        ("バイデン大統領が来日した。", "President Biden visited Japan.", 0.0, 0.0),
        # a name the JA side leaves out, with no JA name unexplained: evidence, no swap
        ("大統領が来日した。", "President Biden visited Japan.", 1.0, None),
        # an ordinary word read as a name and left unexplained is weak evidence
        ("契約を結んだ。", "they signed a contract with Union.", 0.5, None),
        # an ordinary word opening a sentence names nothing
        ("契約を結んだ。", "They signed a contract.", None, None),
    ],
)
def test_name_evidence_and_swap(ja, en, evidence, swap):
    got = lexical_agreement(ja, en)
    assert got.name_evidence == evidence
    assert got.name_swap == swap


_WORDS = (
    "東京 都 の 小池 知事 は 買った 食べ ます アメリカ ロジャース 、 。 A1 山川 さん "
    "政府 声明 を 発表 した ー 々 高 かった 新選手会長 「 」"
)
_PIECES_OF_TEXT = st.lists(st.sampled_from([*_WORDS.split(), " "]), max_size=25).map("".join)


@settings(max_examples=60, deadline=None)
@given(_PIECES_OF_TEXT)
def test_a_text_is_analysed_as_its_runs_of_word_characters(ja):
    """Glosses, pieces and the piece table put together run by run equal those of the whole
    text worked out at once (no candidate word, piece or inflection spans two runs), however
    little of the runs' cache is kept."""
    from aligner import lexical
    from aligner.lexical import _KANJI, _MAX_NAME_PART, _ja_forms, _JaSide, _piece_table
    from aligner.lexicon import default_lexicon

    lexicon = default_lexicon()
    forms = _ja_forms(ja)
    glosses = lexicon.glosses(f for _, _, f in forms)
    pieces = lexicon.readings(f for _, _, f in forms if len(f) <= _MAX_NAME_PART and _KANJI.fullmatch(f[0]))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lexical, "_RUNS_KEPT", 2)  # runs of this text dropped while it is analysed
        side = _JaSide(ja, lexicon)
    assert side.translated == set().union(*glosses.values())
    assert side.pieces == pieces
    assert side.table == _piece_table(ja, pieces)
    covered = {k for a, b, f in forms if glosses.get(f) for k in range(a, b)}
    spans = [(offset + a, offset + b) for offset, run in side.runs for a, b, _ in run.glossed]
    assert {k for a, b in spans for k in range(a, b)} == covered
