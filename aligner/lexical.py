"""Agreement of a JA/EN pair word by word, through the dictionary: how much of each side the
other side translates, and whether the EN side's names are read out on the JA side."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from aligner.agreement import (
    EN_STOP_WORDS,
    en_candidates,
    fold_latin,
    katakana_words,
    latin_tokens,
    loosely_equal,
    month_number,
    plain_romaji,
    romanize,
    sound_keys,
    sounds_alike,
)
from aligner.lexicon import PROPER, Lexicon, default_lexicon, remember, stem, voiced

_MAX_FORM = 8  # longest JA dictionary word looked up, in characters
_MAX_NAME_PART = 4  # longest JA piece read as one part of a name

_KANJI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff々〆ヶ]")
_KATAKANA = re.compile(r"[ァ-ヺー]")
_JA_WORD_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff々〆ヶぁ-ゖァ-ヺー]")
_EN_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")
# A capitalised word that is not the first of a sentence or of quoted speech: it follows a
# lowercase word, a digit, ) & or a closing quote that ends no sentence (not ." ), and a
# space; or an opening parenthesis after such a word; or another capitalised word. After
# , ; : it may start quoted speech (he said, Let there be light), and after an opening quote
# that follows a word a title (at the "Premier 12"): there only a word that is not
# ordinary English is a name.
# A name's words may be joined by a hyphen or a space, or by of/for (the) (Bank of Japan,
# Council for Childhood), not by and (Kenji and Potatoes are two names); a word may go on
# in lowercase after a hyphen (Yama-gawa, Akasaka-cho).
_NAME_WORD = r"[A-Z][a-z]+[A-Za-z]*(?:-[a-z]+)*"
_NAME_RUN = _NAME_WORD + r"(?:(?:[- ]| (?:of|for)(?: the)? )" + _NAME_WORD + ")*"
_EN_NAME = re.compile(r"(?:(?<=[a-z0-9)&'\"’”] )(?<![.!?]['\"’”] )|(?<=[a-z0-9,] \())" + _NAME_RUN)
_SPEAKER_TAG = re.compile(r"^\s*[(\[][^()\[\]]{1,30}[)\]]\s+")
_EN_NAME_AFTER_PUNCTUATION = re.compile(r"(?:(?<=[,;:] )|(?<=[a-z] [\"“‘]))" + _NAME_RUN)
# Derived EN forms whose base word a gloss more likely holds (American ~ 米国 'America',
# Midwestern ~ 中西部 'Midwest', Congressional ~ 議会 'Congress', Congressman ~ 下院議員
# 'member of Congress', Federal ~ 連邦 'federation').
_DERIVED = ("ians", "ian", "ans", "an", "ern", "ese", "ish", "ic", "ional", "al", "men", "man")
# Irregular English verb forms -> the base form a gloss holds ('to buy' for bought).
_IRREGULAR = {
    form: base
    for base, forms in {
        "be": "was were been", "begin": "began begun", "break": "broke broken", "bring": "brought",
        "build": "built", "buy": "bought", "catch": "caught", "choose": "chose chosen", "come": "came",
        "do": "did done", "draw": "drew drawn", "drink": "drank drunk", "drive": "drove driven",
        "eat": "ate eaten", "fall": "fell fallen", "feel": "felt", "fight": "fought", "find": "found",
        "fly": "flew flown", "forget": "forgot forgotten", "get": "got gotten", "give": "gave given",
        "go": "went gone goes", "grow": "grew grown", "have": "had", "hear": "heard", "hold": "held",
        "keep": "kept", "know": "knew known", "lead": "led", "leave": "left", "lend": "lent",
        "lose": "lost", "make": "made", "mean": "meant", "meet": "met", "pay": "paid", "ride": "rode ridden",
        "rise": "rose risen", "run": "ran", "say": "said", "see": "saw seen", "seek": "sought",
        "sell": "sold", "send": "sent", "shoot": "shot", "sing": "sang sung", "sit": "sat",
        "sleep": "slept", "speak": "spoke spoken spake", "spend": "spent", "stand": "stood", "steal": "stole stolen",
        "strike": "struck", "swim": "swam swum", "take": "took taken", "teach": "taught", "tell": "told",
        "think": "thought", "throw": "threw thrown", "understand": "understood", "wake": "woke woken",
        "wear": "wore worn", "win": "won", "write": "wrote written", "become": "became",
        "lay": "laid", "lie": "lain", "arise": "arose arisen", "bear": "bore borne born", "bind": "bound",
        "bite": "bitten", "blow": "blew blown", "bleed": "bled", "breed": "bred", "dig": "dug", "feed": "fed",
        "flee": "fled", "forgive": "forgave forgiven", "freeze": "froze frozen", "hang": "hung",
        "hide": "hid hidden", "shake": "shook shaken", "shine": "shone", "sink": "sank sunk", "slay": "slew slain",
        "smite": "smote smitten", "spring": "sprang sprung", "stick": "stuck", "swear": "swore sworn",
        "tear": "tore torn", "weep": "wept", "weave": "wove woven", "withdraw": "withdrew withdrawn",
        "overcome": "overcame", "undertake": "undertook undertaken", "mistake": "mistook mistaken",
        "forbid": "forbade forbidden", "creep": "crept", "deal": "dealt", "dwell": "dwelt", "kneel": "knelt",
        "shrink": "shrank shrunk", "swing": "swung", "tread": "trod trodden", "strive": "strove striven",
        "awake": "awoke awoken",
        # plurals that are no base with an ending
        "man": "men", "woman": "women", "child": "children", "foot": "feet", "tooth": "teeth",
        "mouse": "mice", "goose": "geese", "brother": "brethren", "ox": "oxen",
    }.items()
    for form in forms.split()
}  # fmt: skip
_TITLE_CASE = 0.6  # share of capitalised content words above which an EN side is a title
_TITLE_MIN_WORDS = 4  # ... when it has at least this many
# Words of speech that open a sentence capitalised and carry no content, and the pronouns,
# auxiliaries and adverbs of older English (the King James Bible, older literature) that no
# gloss uses: no names (`_NOT_NAMES`), and nothing a JA side must explain (`_FUNCTION_WORDS`).
_INTERJECTIONS = frozenset("yeah yep yup nope oh ah wow hey huh hmm um uh".split())
_OLDER_ENGLISH = frozenset(
    "lo yea nay thou thee thy thine ye unto whence wherefore whither hither thither lest whosoever "
    "whatsoever wheresoever hath doth dost hast shalt wilt saith".split()
)
_NOT_NAMES = (
    _INTERJECTIONS
    | _OLDER_ENGLISH
    | frozenset(
        "january february march april may june july august september october november december "
        "monday tuesday wednesday thursday friday saturday sunday mr mrs ms dr prof "
        "jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun "
        # speech the dictionary lists as English (yes, hello) or not, still no name
        "okay ok aha hi hello bye oops yes no "
        # older English still asked of the JA side: art is a noun too, and leaving out behold,
        # verily and spake as well gained nothing by the grouped CV
        "behold verily art spake".split()
    )
)

# Closed-class words beyond the stop words, which a JA side renders by its grammar (particles,
# endings, word order) or leaves out, so that no gloss explains them: older English's pronouns
# and auxiliaries, modals, discourse adverbs and conjunctions, indefinite pronouns,
# interjections and the letters of an ordinal (5th, 2nd). The JA side of a human translation
# explains each of them in under 15% of the training pairs that hold it, about as often as a
# wrong pair's does: `en_translated` does not ask about them (`_function_word`).
_FUNCTION_WORDS = (
    _INTERJECTIONS
    | _OLDER_ENGLISH
    | frozenset(
        "thereof therein wherein shall may might must ought cannot never "
        "also even yet however therefore though although thus hence whether either neither rather unless whereas "
        "moreover furthermore nevertheless nonetheless otherwise indeed anyway upon despite "
        "something someone somebody anything anyone anybody everyone everybody nobody whoever whichever whose "
        "st nd rd th etc".split()
    )
)


def _function_word(word: str) -> bool:
    """Whether an EN word (as `_EN_WORD` finds it) is a stop word or a `_FUNCTION_WORDS` word,
    or a contraction of one or with not (it's, I'm, there's, don't, wouldn't)."""
    low = word.casefold()
    head, _, tail = low.partition("'")
    return low in EN_STOP_WORDS or low in _FUNCTION_WORDS or tail == "t" or (bool(tail) and head in EN_STOP_WORDS)


# Honorifics and titles after a person's name (山川さん, 吉村知事, 坂元愛容疑者).
_HONORIFIC = re.compile(r"さん|氏|君|くん|ちゃん|様|さま")
_TITLES = (
    "選手", "監督", "容疑者", "被告", "首相", "大統領", "知事", "市長", "町長", "村長", "会長", "社長", "代表",
    "議員", "記者", "教授", "委員長", "投手", "捕手", "容疑", "議長", "署長", "校長", "院長", "大臣", "長官",
)  # fmt: skip
_KANJI_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff々ヶ]{2,}")


def _kanji_names(ja: str, lexicon: Lexicon) -> list[str]:
    """The JA side's names written in kanji: the kanji before an honorific (山川さん) or,
    when they are no ordinary word, before a title (吉村洋文知事; not 司法 in 司法長官), and
    whole runs of kanji that the dictionaries list, followed by no okurigana (素晴らしい),
    when JMdict has them as no ordinary word (東京, 愛知, 外崎; not 県内 'within the
    prefecture')."""
    honoured, before_title, listed = [], [], []
    for m in _KANJI_RUN.finditer(ja):
        run = m.group()
        title = next((t for t in _TITLES if run.endswith(t) and len(run) - len(t) >= 2), "")
        if _HONORIFIC.match(ja, m.end()):
            honoured.append(run)  # 山川さん: a name, even one that is also a word
        elif title and not run[: -len(title)].endswith(_TITLES):  # not 新選手 in 新選手会長
            before_title.append(run[: -len(title)])
        elif not title and len(run) <= _MAX_NAME_PART and not _OKURIGANA.match(ja, m.end()):
            listed.append(run)
    known = lexicon.readings(listed)
    common = lexicon.common_words(before_title + listed)
    return (
        honoured + [r for r in before_title if r not in common] + [r for r in listed if r in known and r not in common]
    )


def _katakana_names(ja: str, lexicon: Lexicon) -> tuple[list[str], set[str]]:
    """The JA side's katakana words (`agreement.katakana_words`) that may be names, JMdict's
    ordinary loan words (メール 'mail') left out; and the loan words found inside them (a
    run of them, キッチンスポンジ 'kitchen sponge', is explained when each of them is)."""
    words = katakana_words(ja)
    parts = {w[i:j] for w in words for i in range(len(w)) for j in range(i + 2, len(w) + 1)}
    common = lexicon.common_words(parts)
    return [w for w in words if w not in common], common


def _loan_word_split(word: str, common: set[str]) -> list[str] | None:
    """`word` as a run of loan words from `common` of 2 or more kana each (longest first),
    or None when it is no such run."""
    if not word:
        return []
    for j in range(len(word), 1, -1):
        if word[:j] in common:
            rest = _loan_word_split(word[j:], common)
            if rest is not None:
                return [word[:j], *rest]
    return None


_ACRONYM_DOTS = re.compile(r"\b(?:[A-Z]\.){2,}")


def _undot(m: re.Match) -> str:
    return m.group().replace(".", "")  # U.N. -> UN, so that it is one word


# Hiragana after a kanji run that is no particle: the run is the stem of a word (素晴らしい).
_OKURIGANA = re.compile(r"[ぁ-ゖ](?<![はがのをにともでへやか])")


@dataclass(frozen=True, slots=True)
class LexicalAgreement:
    """What the dictionary says of a pair.

    en_names: share of the EN side's names (capitalised words not starting a sentence) that
        the JA side explains; None when the EN side names nothing.
    ja_translated: share of the JA side's content characters (kanji and katakana) inside a
        word that the EN side translates or a katakana word it spells; None when there are
        none.
    en_translated: share of the EN side's content words (not stop words) that the JA side
        translates, spells in katakana or Latin letters, or reads out as a name; None when
        there are none.
    half_translated: the lower of those shares over the first and the second half of each
        side's content (a side of 8 or more content characters or words): low when half a
        side is left untranslated, as when it carries a segment more than the other; None
        when both sides are shorter.
    ja_names: share of the JA side's names that the EN side explains; None when there are
        none. Katakana names are `agreement.katakana_words` that JMdict does not list as
        ordinary words (ロジャース, ドイツ; not メール), explained by sound
        (`agreement.sounds_alike`: Rogers), by a gloss (German, UK), or, for a run of loan
        words, each of them by one of those; kanji names (`_kanji_names`: 山川さん, 愛知)
        by a gloss or by their reading (Yamakawa).
    unexplained: the EN names the JA side does not explain, in order.
    unexplained_ja: the JA names the EN side does not explain, in order.
    name_evidence: how strongly the unexplained EN names say the pair is wrong: 0 when
        every name is explained, WEAK_NAME_EVIDENCE when the only ones left are ordinary
        English words (Union, Framework: often rendered by meaning or left out; ordinary
        words inside a longer name are not asked for at all), 1 when a name that is no
        ordinary word is left (Suzuki), wherever it stands: a capitalised word that is no
        ordinary English opening a sentence is a name too (Suzuki said ...); None when the
        EN side names nothing.
    name_swap: 1.0 when the JA side has a name the EN side does not explain and the EN side
        a capitalised word that is no ordinary English and that the JA side does not
        explain, wherever it stands (sentence-initial too): a name swapped for another
        (田中 against Suzuki); 0.0 otherwise; None when the JA side names nothing.
    """

    en_names: float | None
    ja_translated: float | None
    en_translated: float | None
    half_translated: float | None = None
    ja_names: float | None = None
    unexplained: tuple[str, ...] = ()
    unexplained_ja: tuple[str, ...] = ()
    name_evidence: float | None = None
    name_swap: float | None = None


WEAK_NAME_EVIDENCE = 0.5
"""The evidence of an unexplained EN name that is an ordinary English word."""
_CAPITALISED_WORD = re.compile(r"(?<![A-Za-z'’-])[A-Z][a-z]{2,}(?![A-Za-z])")


def _ja_forms(ja: str) -> list[tuple[int, int, str]]:
    """Every substring of up to _MAX_FORM JA word characters holding a kanji or a katakana,
    with its span: the candidates for dictionary words (pure hiragana is grammar, mostly);
    and the dictionary forms an inflected verb or adjective may come from (`_base_forms`)."""
    out = []
    for run in _JA_WORD_RUN.finditer(ja):
        text, base = run.group(), run.start()
        # where the next kanji and the next katakana stand from each position (len: none)
        next_kanji, next_katakana = _next_of(text, _KANJI), _next_of(text, _KATAKANA)
        for i in range(len(text)):
            for j in range(i + 1, min(len(text), i + _MAX_FORM) + 1):
                if next_kanji[i] < j or (next_katakana[i] < j and j - i > 1):
                    out.append((base + i, base + j, text[i:j]))
    return out + _base_forms(ja)


_JA_WORD_RUN = re.compile(f"{_JA_WORD_CHAR.pattern}+")


def _next_of(text: str, pattern: re.Pattern) -> list[int]:
    """For each position of `text`, the position of the first character at or after it that
    `pattern` matches, or len(text)."""
    out = [len(text)] * (len(text) + 1)
    for k in range(len(text) - 1, -1, -1):
        out[k] = k if pattern.match(text, k) else out[k + 1]
    return out


# Endings of dictionary forms: godan verbs (買う, 行く, 話す, ...), ichidan verbs and
# i-adjectives after the stem's kanji; ichidan verbs also after one kana (食べる, 起きる).
_DICTIONARY_ENDINGS = tuple("うくぐすつぬぶむるい")
_INFLECTED = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff々]{1,2})([ぁ-ゖ])")


def _base_forms(ja: str) -> list[tuple[int, int, str]]:
    """For every kanji followed by kana (買った, 食べます, 高かった), the dictionary forms it
    may be inflected from (買う, 食べる, 高い), spanning the kanji and the first kana: JMdict
    lists verbs and adjectives by those forms, which running text rarely shows."""
    out = []
    for m in _INFLECTED.finditer(ja):
        stem_kanji, kana = m.group(1), m.group(2)
        span = (m.start(1), m.end(2))
        out += [(*span, stem_kanji + e) for e in _DICTIONARY_ENDINGS if e != kana]
        out.append((*span, stem_kanji + kana + "る"))
    return out


def _names(pattern: re.Pattern, en: str, lexicon: Lexicon) -> list[tuple[str, bool]]:
    """The words of the capitalised runs `pattern` finds, months, weekdays, titles and stop
    words left out, each with whether its run has several words left (Royal Navy, Comedy Club;
    not Mr Smith). A word going on in lowercase after a hyphen is one romanised word
    (Yama-gawa -> Yamagawa) unless a later part is ordinary English (Knee-length -> Knee)."""
    out = []
    for m in pattern.finditer(en):
        words = []
        for w in re.split(r" |-(?=[A-Z])", m.group()):
            head, *tail = w.split("-")
            w = head if lexicon.english_words(tail) else head + "".join(tail)
            if w.casefold() not in _NOT_NAMES and w.casefold() not in EN_STOP_WORDS:
                words.append(w)
        out += [(w, len(words) > 1) for w in words]
    return out


def _stems(word: str) -> set[str]:
    """The word's stem, the stem of its base when it ends in a derivational suffix, and the
    base of an irregular verb form (bought ~ buy)."""
    low = word.lower()
    out = {stem(low)} | {stem(low[: -len(x)]) for x in _DERIVED if low.endswith(x) and len(low) - len(x) >= 4}
    return out | {stem(_IRREGULAR[low])} if low in _IRREGULAR else out


def _translated(word: str, stems: set[str], loose: bool = True) -> bool:
    """Whether a gloss stem translates `word`: one of its `_stems`, or, when `loose` (a word
    that is no ordinary English), the stem of a proper name in a gloss (`lexicon.PROPER`)
    sharing all but the word's last two letters (and at least four) with it, as a country
    with its people (Greek ~ Greece, German ~ Germany, Afghan ~ Afghanistan), or beginning
    with the word's base before a derivational ending (Icelandic ~ Iceland); not Trades ~
    tradition, nor Conte ~ continuation or Miller ~ million: a short shared beginning with
    any ordinary gloss is mostly chance."""
    if _stems(word) & stems:
        return True
    if not loose:
        return False
    low = word.lower()
    n = max(4, len(low) - 2)
    proper = [s[1:] for s in stems if s[0] == PROPER]
    if len(low) >= 4 and any(s[:n] == low[:n] for s in proper if len(s) >= n):
        return True
    bases = [low[: -len(x)] for x in _DERIVED if low.endswith(x) and len(low) - len(x) >= 4]
    return any(s.startswith(b) for b in bases for s in proper)  # Icelandic ~ Iceland


def _spelled_in(word: str, katakana: list[str]) -> bool:
    """Whether a katakana word sounds like `word` (`agreement.sounds_alike`), or holds it
    inside a longer run, loosely: at the start or end of the run when the word's sound
    skeleton has 3 or more consonants (ダラスーワシントン ~ Dallas, サウスヨークシャー ~
    Yorkshire), anywhere in it when 4 or more (チームブリヂストンサイクリング ~ Bridgestone)."""
    readings = list(sound_keys(word, True))
    if any(sounds_alike(k, readings) for k in katakana):
        return True
    for k in katakana:
        ((_, run),) = sound_keys(romanize(k).replace(" ", ""), False)
        for _, skeleton in readings:
            n = len(skeleton)
            if n < 3 or len(run) <= n:
                continue
            starts = range(len(run) - n + 1) if n >= 4 else (0, len(run) - n)
            if any(loosely_equal(skeleton, run[i : i + n]) for i in starts):
                return True
    return False


# (length, readings as a first piece, readings as a later piece) of the pieces at a position
_Pieces = list[list[tuple[int, tuple[str, ...], tuple[str, ...]]]]


def _piece_table(ja: str, pieces: dict[str, frozenset[str]]) -> _Pieces:
    """For every position of `ja`, the pieces of up to _MAX_NAME_PART characters starting
    there that have a reading (`pieces`, or a kana's own sound; 々 reads as the kanji before
    it: 担々 tantan, dandan), with their readings as the first piece of a name and, voiced
    too (rendaku), as a later one."""
    table: _Pieces = []
    for start in range(len(ja)):
        here = []
        for length in range(1, min(_MAX_NAME_PART, len(ja) - start) + 1):
            piece = ja[start : start + length]
            if piece == "々" and start:
                piece = ja[start - 1]
            found = pieces.get(piece) or ((_kana_reading(piece),) if length == 1 and _KANA.match(piece) else ())
            if found:
                first = tuple(found)
                here.append((length, first, tuple({v for r in first for v in voiced(r)})))
        table.append(here)
    return table


_KANA = re.compile(r"[ぁ-ゖァ-ヺ]")
# Latin words one after another, joined by spaces, dots or hyphens (Wi-Fi, Music LM, U.S.)
_LATIN_PHRASE = re.compile(r"[A-Za-z]+(?:[\s.\-・]*[A-Za-z]+)*")


@lru_cache(maxsize=512)
def _kana_reading(kana: str) -> str:
    return plain_romaji(romanize(kana))


def _reads_as(name: str, table: _Pieces) -> bool:
    """Whether some stretch of the JA side reads out as `name` (plain romaji): consecutive
    pieces from its `_piece_table`, each read by one of its readings, every piece after the
    first possibly voiced (rendaku); a letter doubled where two pieces meet counts once, as
    plain romaji folds it (キン肉マン kin-niku-man ~ Kinnikuman, kinikuman)."""
    n = len(name)
    for start, here in enumerate(table):
        if not any(name.startswith(r) for _, first, _ in here for r in first):
            continue
        frontier = {(start, 0)}
        while frontier:
            pos, used = frontier.pop()
            if pos >= len(table):
                continue
            for length, first, later in table[pos]:
                for form in later if used else first:
                    if used and form[:1] == name[used - 1]:
                        form = form[1:]
                    if name.startswith(form, used):
                        if used + len(form) == n:
                            return True
                        frontier.add((pos + length, used + len(form)))
    return False


def lexical_agreement(ja: str, en: str, lexicon: Lexicon | None = None) -> LexicalAgreement:
    """The dictionary's view of a pair (`LexicalAgreement`).

    A JA word translates an EN word when the EN word's stem (Snowball) is among the stems of
    the JA word's JMdict glosses (省 ~ Department, 放送 ~ Broadcasting). An EN word is also
    explained when it is one of the JA side's Latin tokens, sounds like one of its katakana
    words, or is read out by it: its plain romaji equals a reading of consecutive JA pieces
    (JMdict and JMnedict readings of words and names, KANJIDIC readings of single kanji, a
    kana's sound: 吉川 ~ Yoshikawa, 海利 ~ Kairi, 碧山 ~ Aoiyama) or stands in the letters of
    a Latin phrase there (Wi-Fi ~ WiFi).

    What depends on one side only is worked out once per text (`_ja_side`, `_en_side`) and
    reused by every pair the text enters: a paragraph pair, its sentence pairs, and each
    sentence against the whole other side (`least_translated_sentence`).

    Args:
        ja: the Japanese side.
        en: the English side.
        lexicon: the dictionary; the installed one by default.

    Returns:
        The shares (see LexicalAgreement).
    """
    lexicon = lexicon or default_lexicon()
    j, e = _ja_side(fold_latin(ja), lexicon), _en_side(fold_latin(en), lexicon)
    verdict = {w: j.explains(w, loose=w not in e.ordinary) for w in e.asked}

    # JA side: characters of words whose glosses meet the EN words, and katakana words the EN
    # side spells.
    covered: set[int] = set()
    for offset, run in j.runs:
        for start, end, stems in run.glossed:
            if not stems.isdisjoint(e.stems):
                covered.update(range(offset + start, offset + end))
    for start, end, word in j.katakana_runs:
        if sounds_alike(word, e.readings):
            covered.update(range(start, end))
    ja_verdict = _ja_name_verdicts(j, e)

    def share(items: list, ok) -> float | None:
        return None if not items else sum(1 for x in items if ok(x)) / len(items)

    evidence = [WEAK_NAME_EVIDENCE if w in e.ordinary else 1.0 for w in e.names if not verdict[w]]
    strange = [w for w in e.strange if not j.explains(w, loose=True)]
    evidence += [1.0 for w in strange if w not in e.names]  # a name opening a sentence
    unexplained_ja = tuple(w for w, ok in ja_verdict if not ok)
    swap = None if not ja_verdict else float(bool(unexplained_ja) and bool(strange))

    return LexicalAgreement(
        en_names=share(e.names, verdict.get),
        ja_translated=share(j.content_chars, covered.__contains__),
        en_translated=share(e.content, verdict.get),
        half_translated=_least_half(
            [share(half, covered.__contains__) for half in _halves(j.content_chars)]
            + [share(half, verdict.get) for half in _halves(e.content)]
        ),
        ja_names=share([ok for _, ok in ja_verdict], bool),
        unexplained=tuple(w for w in e.names if not verdict[w]),
        unexplained_ja=unexplained_ja,
        name_evidence=None if not (e.names or e.strange) else max(evidence, default=0.0),
        name_swap=swap,
    )


_SIDE_CACHE = 256  # texts of each language whose analysis is kept (LRU): a document's worth


@dataclass(frozen=True, slots=True)
class _Run:
    """What the dictionary says of one run of JA word characters (`_JA_WORD_RUN`): the gloss
    stems of its candidate words (`_ja_forms`), each glossed word's span with its stems and
    the readings of its kanji pieces. No candidate word, piece or inflection spans two runs,
    so a text's analysis is that of its runs, and a sentence reuses its paragraph's
    (`_runs`)."""

    glosses: dict[str, frozenset[str]]
    glossed: list[tuple[int, int, frozenset[str]]]
    pieces: dict[str, frozenset[str]]


_RUNS_KEPT = 2048  # runs whose analysis is kept (`_runs`): a few documents' worth (see `prepare`)
_RUNS: dict[tuple[str, Lexicon], _Run] = {}


def prepare(ja: str, lexicon: Lexicon | None = None) -> int:
    """Work out the dictionary's analysis of the runs of a JA text now, to be reused by every
    pair the text enters later (an engine calls this while it waits for embeddings).

    Returns:
        How many runs were not known yet (0: nothing to do).
    """
    lexicon = lexicon or default_lexicon()
    runs = [m.group() for m in _JA_WORD_RUN.finditer(fold_latin(ja))]
    new = sum((r, lexicon) not in _RUNS for r in dict.fromkeys(runs))
    if new:
        _runs(runs, lexicon)
    return new


def _runs(runs: list[str], lexicon: Lexicon) -> list[_Run]:
    """The `_Run` of each run: remembered ones, the others worked out with one dictionary
    lookup for all their candidate words (a lookup a run would cost more than the work)."""
    found = {r: _RUNS.get((r, lexicon)) for r in runs}
    new = [r for r, run in found.items() if run is None]
    if new:
        forms = {r: _ja_forms(r) for r in new}
        glosses = lexicon.glosses(f for r in new for _, _, f in forms[r])
        pieces = lexicon.readings(
            f for r in new for _, _, f in forms[r] if len(f) <= _MAX_NAME_PART and _KANJI.fullmatch(f[0])
        )
        made = {r: _analyse_run(forms[r], glosses, pieces) for r in new}
        remember(_RUNS, {(r, lexicon): run for r, run in made.items()}, _RUNS_KEPT)  # may drop some of `found`
        found.update(made)
    return [found[r] for r in runs]  # type: ignore[misc]


def _analyse_run(
    forms: list[tuple[int, int, str]], glosses: dict[str, frozenset[str]], pieces: dict[str, frozenset[str]]
) -> _Run:
    own_glosses = {f: glosses[f] for _, _, f in forms if f in glosses}
    glossed = [(start, end, own_glosses[form]) for start, end, form in forms if form in own_glosses]
    own_pieces = {f: pieces[f] for _, _, f in forms if f in pieces}
    return _Run(own_glosses, glossed, own_pieces)


class _JaSide:
    """What the dictionary says of one JA text, whatever the EN side: its runs of word
    characters with their offsets (`_Run`: gloss stems of its candidate words and where
    they stand, readings of kanji pieces), all their gloss stems and pieces, its Latin
    tokens, katakana words, content characters and names (`_katakana_names`,
    `_kanji_names`); and which EN words it explains (`explains`, remembered per word). The
    `_piece_table`s of the text (`table`) and of its kanji names (`name_table`) are made
    when a name first needs them: most texts never do."""

    __slots__ = (
        "text", "runs", "translated", "pieces", "latin",
        "katakana", "katakana_runs", "content_chars", "katakana_names", "loan_words", "kanji_names", "meanings",
        "name_readings", "_table", "_name_tables", "latin_joined", "_explained",
    )  # fmt: skip

    def __init__(self, ja: str, lexicon: Lexicon) -> None:
        self.text = ja
        matches = list(_JA_WORD_RUN.finditer(ja))
        self.runs = list(zip([m.start() for m in matches], _runs([m.group() for m in matches], lexicon)))
        self.translated: set[str] = set().union(*(g for _, run in self.runs for g in run.glosses.values()))
        self.pieces = {form: readings for _, run in self.runs for form, readings in run.pieces.items()}
        self.latin = latin_tokens(ja)
        # one kana is a word only when lengthened (リー Lee, ロー Law)
        self.katakana_runs = [
            (m.start(), m.end(), m.group())
            for m in re.finditer(r"[ァ-ヺー]+", ja)
            if len(m.group()) >= 2 and m.group().strip("ー")
        ]
        self.katakana = [k for _, _, k in self.katakana_runs]
        self.content_chars = [k for k, c in enumerate(ja) if _KANJI.match(c) or _KATAKANA.match(c)]
        self.katakana_names, self.loan_words = _katakana_names(ja, lexicon)
        self.kanji_names = _kanji_names(ja, lexicon)
        self.meanings = lexicon.glosses(self.katakana_names + self.kanji_names + list(self.loan_words))
        self.name_readings = lexicon.readings(self.kanji_names)
        self._table: _Pieces | None = None
        self._name_tables: dict[str, _Pieces] = {}
        self.latin_joined = " ".join(plain_romaji(p) for p in _LATIN_PHRASE.findall(ja))
        self._explained: dict[tuple[str, bool], bool] = {}

    @property
    def table(self) -> _Pieces:
        """The `_piece_table` of the whole text (no piece spans two runs: `pieces` are words
        of one run)."""
        if self._table is None:
            self._table = _piece_table(self.text, self.pieces)
        return self._table

    def name_table(self, name: str) -> _Pieces:
        """The `_piece_table` of one of its kanji names."""
        if name not in self._name_tables:
            self._name_tables[name] = _piece_table(name, self.pieces)
        return self._name_tables[name]

    def _read_out(self, plain: str) -> bool:
        """Whether consecutive pieces read out `plain` (`_reads_as`), or the letters of one of
        the side's Latin phrases hold it (Wi-Fi ~ WiFi, Music LM ~ MusicLM)."""
        return _reads_as(plain, self.table) or plain in self.latin_joined

    def explains(self, word: str, loose: bool) -> bool:
        """Whether this side explains the EN `word`: a gloss translates it (`_translated`,
        `loose` for a word that is no ordinary English), it is a Latin token here, a name
        read out in romaji (4+ letters) or one piece's reading (2-3 letters: Abe 阿部, not a
        chance run), or a katakana word spells it (`_spelled_in`)."""
        key = (word, loose)
        if key not in self._explained:
            self._explained[key] = self._explains(word, loose)
        return self._explained[key]

    def _explains(self, word: str, loose: bool) -> bool:
        if _translated(word, self.translated, loose=loose) or word.casefold() in self.latin:
            return True
        month = month_number(word)
        if month and re.search(rf"(?<![0-9]){month}月", self.text):  # February ~ 2月 (a month in digits)
            return True
        plain = plain_romaji(word)
        if word[0].isupper() and len(plain) in (2, 3) and any(plain in r for r in self.pieces.values()):
            return True
        # the katakana first: reading pieces out is the dearer test
        return _spelled_in(word, self.katakana) or (word[0].isupper() and len(plain) >= 4 and self._read_out(plain))


class _EnSide:
    """What the dictionary says of one EN text, whatever the JA side: its words, their stems,
    its content words (no stop words), its names (`_names`; none but the guarded ones in a
    title, whose ordinary words are capitalised too), which of those are ordinary English,
    the words to ask the JA side about (`asked`), the sound keys of its candidates for a
    katakana spelling (`readings`, made when a JA side with katakana first asks), its
    capitalised words that are no ordinary English (`strange`), and its words in plain
    romaji."""

    __slots__ = (
        "text", "words", "stems", "content", "names", "ordinary", "asked", "_readings", "strange", "plain",
        "plain_joined",
    )  # fmt: skip

    def __init__(self, en: str, lexicon: Lexicon) -> None:
        self.text = en
        # a typographic apostrophe joins a word as a plain one does (didn’t, Cohren’s)
        self.words = [w for w in _EN_WORD.findall(_ACRONYM_DOTS.sub(_undot, en).replace("’", "'")) if len(w) > 1]
        self.stems = {s for w in self.words for s in _stems(w)}
        self.content = [w for w in self.words if not _function_word(w)]
        # a speaker's tag opening the text, "(PERSON6) Well, ...", leaves a sentence's start
        spoken = _SPEAKER_TAG.sub("", en)
        runs = _names(_EN_NAME, spoken, lexicon)
        guarded = _names(_EN_NAME_AFTER_PUNCTUATION, spoken, lexicon)
        capitalised = sum(w[0].isupper() for w in self.content)
        if len(self.content) >= _TITLE_MIN_WORDS and capitalised > _TITLE_CASE * len(self.content):
            # a title (Kate's Flawless Royal Look) capitalises ordinary words too
            guarded, runs = guarded + runs, []
        self.ordinary = lexicon.english_words([w for w, _ in runs + guarded] + self.content)
        # An ordinary word inside a longer name (Royal Navy, Attorney General, Comedy Club) is
        # often translated loosely or left out (海軍, 法務長官, 亭): only the name's other words
        # must be explained.
        names = [w for w, several in runs if not (several and w in self.ordinary)]
        self.names = names + [w for w, _ in guarded if w not in self.ordinary]
        self.asked = list(dict.fromkeys(self.names + self.content))
        self._readings: list[tuple[str, str]] | None = None
        self.strange = _strange_words(en, lexicon)
        self.plain = {plain_romaji(w) for w in self.words}
        self.plain_joined = "".join(plain_romaji(w) for w in self.words)

    @property
    def readings(self) -> list[tuple[str, str]]:
        """The `sound_keys` of every `en_candidates` of the text."""
        if self._readings is None:
            self._readings = [r for c in en_candidates(self.text) for r in sound_keys(c, True)]
        return self._readings


@lru_cache(maxsize=_SIDE_CACHE)
def _ja_side(ja: str, lexicon: Lexicon) -> _JaSide:
    return _JaSide(ja, lexicon)


@lru_cache(maxsize=_SIDE_CACHE)
def _en_side(en: str, lexicon: Lexicon) -> _EnSide:
    return _EnSide(en, lexicon)


def _strange_words(en: str, lexicon: Lexicon) -> list[str]:
    """The EN side's capitalised words of 3+ letters that are no ordinary English (nor a
    month, weekday, title or stop word), wherever they stand: a name the JA side must
    explain, or the pair has swapped one name for another."""
    words = [w for w in dict.fromkeys(_CAPITALISED_WORD.findall(en)) if w.casefold() not in _NOT_NAMES]
    words = [w for w in words if w.casefold() not in EN_STOP_WORDS]
    ordinary = lexicon.english_words(words)
    return [w for w in words if w not in ordinary]


def _ja_name_verdicts(j: _JaSide, e: _EnSide) -> list[tuple[str, bool]]:
    """The JA side's names (`_katakana_names`, `_kanji_names`, as often as they occur), each
    with whether the EN side explains it. A katakana name is explained by sound (the sound
    keys of the EN candidates) or by a gloss (`_translated`, loosely: 韓国 ~ Korean), a run
    of loan words when each of its words is; a kanji name by a gloss, by one of its
    readings among the EN words (Tokyo), or by pieces of it read out as an EN word
    (readings of its kanji; 山下新一郎 ~ Yamashita)."""

    def translated(name: str) -> bool:
        return name in j.meanings and any(_translated(w, j.meanings[name]) for w in e.words)

    def katakana_explained(word: str) -> bool:
        return sounds_alike(word, e.readings) or translated(word)

    def kanji_explained(name: str) -> bool:
        if translated(name):
            return True
        own = j.name_readings.get(name, frozenset())
        if any(r in e.plain or (len(r) >= 4 and r in e.plain_joined) for r in own):
            return True
        return any(len(p) >= 2 and _reads_as(p, j.name_table(name)) for p in e.plain)

    def explained(name: str) -> bool:
        if not _KATAKANA.match(name):
            return kanji_explained(name)
        split = _loan_word_split(name, j.loan_words)
        return katakana_explained(name) or (bool(split) and len(split) > 1 and all(map(katakana_explained, split)))

    verdict = {name: explained(name) for name in dict.fromkeys(j.katakana_names + j.kanji_names)}
    return [(name, verdict[name]) for name in j.katakana_names + j.kanji_names]


def warm_up() -> None:
    """Open the dictionary now rather than at the first pair (an engine calls this while its
    embedder loads)."""
    default_lexicon().english_words(["warm"])


def _halves(items: list) -> list[list]:
    """The first and second half of a list of 8 or more items (fewer: no halves)."""
    return [items[: len(items) // 2], items[len(items) // 2 :]] if len(items) >= 8 else []


def _least_half(shares: list[float | None]) -> float | None:
    found = [s for s in shares if s is not None]
    return min(found) if found else None


def least_translated_sentence(
    ja: str, en: str, ja_sentences: list[str], en_sentences: list[str], lexicon: Lexicon | None = None
) -> float | None:
    """How much of its worst-translated sentence the other side translates: over the
    sentences of each side that has two or more, the lowest share of the sentence's content
    that the whole other side translates (`lexical_agreement`: ja_translated of a JA
    sentence, en_translated of an EN one). Low when one side carries a sentence the other
    leaves out.

    Args:
        ja, en: the two sides; ja_sentences, en_sentences: their sentences.
        lexicon: the dictionary; the installed one by default.

    Returns:
        The lowest share, or None when no side has two sentences with content.
    """
    shares: list[float | None] = []
    if len(ja_sentences) > 1:
        shares += [lexical_agreement(s, en, lexicon).ja_translated for s in ja_sentences]
    if len(en_sentences) > 1:
        shares += [lexical_agreement(ja, s, lexicon).en_translated for s in en_sentences]
    found = [s for s in shares if s is not None]
    return min(found) if found else None


SHORT_WORDS = 2  # an EN side of at most this many words ...
SHORT_JA_CHARS = 8  # ... against a JA side of at most this many word characters is a short pair
_JA_ENDINGS = re.compile(r"(?:です|でした|ます|だ)?(?:ね|よ|か|わ|な)*$")
_ARTICLES = frozenset({"a", "an", "the"})


def short_pair_translated(ja: str, en: str, lexicon: Lexicon | None = None) -> float | None:
    """For a very short pair (an EN side of one or two words, a JA side of a few word
    characters: はい。/ Yes.), whether the dictionary translates it: 1.0 when every EN word
    that is no stop word (every word but an article, when all are) has its stem among the
    glosses of the whole JA side (as written, or without a polite or final ending:
    そうですね -> そう) or of the words in it, else 0.0;
    None for a longer pair. An embedding knows little of a side this short."""
    lexicon = lexicon or default_lexicon()
    ja, en = fold_latin(ja), fold_latin(en)
    words = [w for w in _EN_WORD.findall(en) if w.casefold() not in _ARTICLES]
    ja_chars = "".join(_JA_WORD_CHAR.findall(ja))
    if not words or not ja_chars or len(_EN_WORD.findall(en)) > SHORT_WORDS or len(ja_chars) > SHORT_JA_CHARS:
        return None
    forms = {ja_chars, _JA_ENDINGS.sub("", ja_chars)} | {f for _, _, f in _ja_forms(ja)}
    stems = set().union(*lexicon.glosses(f for f in forms if f).values())
    content = [w for w in words if w.casefold() not in EN_STOP_WORDS] or words
    return float(all(_stems(w) & stems for w in content))
