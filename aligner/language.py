"""Language of a block ("ja", "en" or "other") from the scripts its letters belong to."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

# A Japanese character (kana or kanji) carries about as much text as 2.5 Latin letters
# (JA/EN translations run about 1 : 2.5 in letters), so when scripts compete, each
# alphabetic letter (Latin, Cyrillic, Greek, ...) counts 1/2.5 of a CJK or Hangul character.
ALPHABET_WEIGHT = 1 / 2.5

# Below this many letters the script shares say little: confidence is scaled by letters / 4.
SHORT_LETTERS = 4

JOINER = {"ja": "", "en": " "}
"""How two segments of a language are joined into one text: Japanese puts no space
between sentences, English one."""

# URLs and e-mail addresses are Latin letters that say nothing about the language of the
# text around them. Matching stops at the first non-ASCII character so that a URL glued to
# Japanese text (`詳しくはhttps://example.com/をご覧ください`) leaves the Japanese in place.
_URL_OR_EMAIL = re.compile(
    r"(?:https?|ftp)://[!-~]+"
    r"|www\.[!-~]+"
    r"|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+",
    re.IGNORECASE,
)

# Inclusive code point ranges, by script.
_KANA = (
    (0x3041, 0x309F),  # hiragana, with the voicing and iteration marks
    (0x30A1, 0x30FA),  # katakana letters (not ゠, ・ or ー)
    (0x30FD, 0x30FF),  # katakana iteration marks and digraph
    (0x31F0, 0x31FF),  # katakana phonetic extensions (small ㇰ ...)
    (0xFF66, 0xFF6F),  # half-width katakana ｦ ... ｯ
    (0xFF71, 0xFF9F),  # half-width katakana ｱ ... ﾝ and voicing marks
    (0x1B000, 0x1B16F),  # kana supplement, extended and small kana extension
)
# ー and ｰ lengthen a kana; alone (or in `ー ー`, used as a dash) they say nothing.
_PROLONGED = frozenset("\u30fc\uff70")
_HAN = (
    (0x3005, 0x3007),  # 々 〆 〇
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x20000, 0x3FFFF),  # CJK extensions B and later
)
_HANGUL = (
    (0x1100, 0x11FF),  # jamo
    (0x3130, 0x318F),  # compatibility jamo
    (0xA960, 0xA97F),  # jamo extended A
    (0xAC00, 0xD7FF),  # syllables and jamo extended B
    (0xFFA0, 0xFFDC),  # half-width hangul
)
_LATIN = (
    (0x0041, 0x005A),
    (0x0061, 0x007A),
    (0x00C0, 0x024F),  # Latin-1 letters and Latin extended A/B (× and ÷ are not letters)
    (0x1E00, 0x1EFF),  # Latin extended additional
    (0xFF21, 0xFF3A),  # full-width Ａ-Ｚ
    (0xFF41, 0xFF5A),  # full-width ａ-ｚ
)


def _in(code: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(lo <= code <= hi for lo, hi in ranges)


@lru_cache(maxsize=8192)  # a document uses a few thousand distinct characters at most
def _script(ch: str) -> str | None:
    """The script class of one character, or None when it is not a letter."""
    code = ord(ch)
    if code < 0x80:
        return "latin" if ch.isalpha() else None
    if ch in _PROLONGED:
        return "prolonged"
    if _in(code, _KANA):
        return "kana"
    if _in(code, _HAN):
        return "han"
    if _in(code, _HANGUL):
        return "hangul"
    if _in(code, _LATIN):
        return "latin" if ch.isalpha() else None
    return "alphabet" if ch.isalpha() else None


def count_scripts(text: str) -> Counter[str]:
    """Count the letters of `text` by script, URLs and e-mail addresses left out.

    Args:
        text: any string.

    Returns:
        Counts keyed by "kana", "han", "hangul", "latin" and "alphabet" (other alphabetic
        scripts: Cyrillic, Greek, ...). ー counts as kana only when other kana are present.
        Digits, spaces and symbols are not counted.
    """
    counts: Counter[str] = Counter()
    for ch, n in Counter(_URL_OR_EMAIL.sub(" ", text)).items():  # each distinct character once
        script = _script(ch)
        if script:
            counts[script] += n
    prolonged = counts.pop("prolonged", 0)
    if counts["kana"]:
        counts["kana"] += prolonged
    return +counts  # drop zero counts


def _weights(counts: Counter[str]) -> dict[str, float]:
    """Weight of evidence for each language: with kana, kanji are Japanese; without kana
    they count as Chinese ("other"), as Hangul does."""
    han_lang = "ja" if counts["kana"] else "other"
    weights = {"ja": float(counts["kana"]), "en": counts["latin"] * ALPHABET_WEIGHT, "other": 0.0}
    weights[han_lang] += counts["han"]
    weights["other"] += counts["hangul"] + counts["alphabet"] * ALPHABET_WEIGHT
    return weights


def detect_language(text: str) -> tuple[str, float]:
    """Tell whether a block is Japanese, English or neither, from the scripts of its letters.

    The language whose scripts weigh most wins: "ja" is kana plus kanji, and only when
    there is kana; "en" is Latin letters; "other" is Hangul, other alphabets, and kanji
    without any kana (Chinese). Latin and other alphabetic letters weigh ALPHABET_WEIGHT
    (1/2.5) of a CJK character, so `Red Star OSというソフトウェア` is Japanese and an English
    sentence quoting one kana word stays English. Ties go to "ja", then "en".

    Args:
        text: one block or sentence.

    Returns:
        (language, confidence): language is "ja", "en" or "other"; confidence in [0, 1] is
        the winner's share of the weighted letters, scaled by letters / 4 under 4 letters.
        A text with no letters left once URLs and e-mail addresses are removed (empty,
        numbers, symbols, a bare URL) is ("other", 1.0): it holds no Japanese or English.
    """
    counts = count_scripts(text)
    letters = sum(counts.values())
    if letters == 0:
        return "other", 1.0
    weights = _weights(counts)
    lang = max(weights, key=weights.__getitem__)  # first maximum: ja, then en, then other
    share = weights[lang] / sum(weights.values())
    confidence = share * min(1.0, letters / SHORT_LETTERS)
    return lang, round(confidence, 4)


# Characters of Chinese grammar that Japanese does not write: a text of kanji alone that
# holds one is Chinese (北京是中国的首都。).
_CHINESE_GRAMMAR = frozenset("是了吗呢么们这那哪谁")


def could_be_japanese(text: str) -> bool:
    """Whether a text of kanji alone (no kana) may be Japanese: a headline or a label such as
    阪神・大山、２戦連発７号！ is written so. It may when every letter is a kanji of the
    Japanese character set (JIS X 0208: no simplified Chinese form) and none is a
    character of Chinese grammar."""
    counts = count_scripts(text)
    if not counts or set(counts) != {"han"} or any(c in _CHINESE_GRAMMAR for c in text):
        return False
    letters = "".join(c for c in text if _script(c) == "han")
    try:
        letters.encode("shift_jis")
    except UnicodeEncodeError:
        return False
    return True


_WS = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """Unicode NFKC, white space collapsed to one space, stripped: how text pairs are compared."""
    return _WS.sub(" ", unicodedata.normalize("NFKC", text)).strip()
