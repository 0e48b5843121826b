"""Agreement of a JA/EN pair on what an embedding cannot see: numbers, Latin-script tokens, katakana names."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache

from aligner.errors import InputError

# --------------------------------------------------------------------------- numbers


@dataclass(frozen=True, slots=True)
class _Number:
    """One number a text states.

    values: its normalised value first, then other readings that count as the same number
        (the era year of a Gregorian year, the 24-hour form of a p.m. hour).
    strong: an unmatched strong number counts against the pair; a weak one (a spelled-out
        EN word, a lone JA kanji numeral as in 一緒 or 三重, a number glued to a Latin name as
        in COVID-19, a JA 1 as in 1人暮らし or 1粒当たり) only counts when the other side
        states it too, because it is as often an idiom, part of a name or an article ('a',
        'per', 'alone') as a number a translator would keep.
    listed: returned by `numbers()`; a bare EN month name ("in May") is matched against the
        JA side but is not listed, since it is not a number in the EN text.
    """

    pos: int
    values: tuple[float, ...]
    strong: bool = True
    listed: bool = True


_RELATIVE_TOLERANCE = 1e-6

_ERAS = {"令和": 2018, "平成": 1988, "昭和": 1925, "大正": 1911, "明治": 1867}

_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_KANJI_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_KANJI_BIG_UNITS = {"万": 1e4, "億": 1e8, "兆": 1e12}
_KANJI_NUMERALS = "".join(_KANJI_DIGITS) + "".join(_KANJI_SMALL_UNITS) + "".join(_KANJI_BIG_UNITS)

# Counters and units: a kanji numeral of two or more characters followed by one of these (or
# by kana, punctuation, the end) is a quantity (二十五歳, 三百人); followed by another kanji it
# is usually part of a word or a name (五十嵐, 八千代) and counts only when matched.
_JA_COUNTERS = set(
    "年月日時分秒人回個件歳才円度倍割本枚台頭匹羽冊番位週階名社点杯号条代部話巻章箇所軒票校店戸隻機両席勝敗"
    "区県市町村丁目歩周期曲作品種類問門通例局隊師団州国世紀"
)
# A numeral next to one of these is a vague quantity (数十人, 十数年, 何百), not a number.
_JA_VAGUE = set("数何幾")

_SIGN = r"(?P<sign>(?<![0-9A-Za-z.,])[-−](?=\d)|(?<![A-Za-z])minus\s+|マイナス\s*|氷点下\s*)?"
_ASCII_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?|(?<![\w.])\.\d+"

# 2020.10.5 and 1.2.3 are dates or versions: every part is a number, none is a decimal.
_DOTTED = re.compile(r"(?<![\d.])\d+(?:\.\d+){2,}(?![\d])")
_ERA_YEAR = re.compile(r"(?P<era>" + "|".join(_ERAS) + r")\s*(?P<n>元|\d+|[〇一二三四五六七八九十]+)\s*年")
_JA_CLOCK = re.compile(r"(?P<half>午前|午後)\s*(?P<n>\d{1,2}|[一二三四五六七八九十]+)\s*時")
_JA_RUN = re.compile(
    f"{_SIGN}(?P<run>(?:{_ASCII_NUMBER}|[{_KANJI_NUMERALS}])+)" r"(?P<wari>割(?:(?P<bu>\d)分)?(?:(?P<rin>\d)厘)?)?"
)
_JA_TOKEN = re.compile(_ASCII_NUMBER + r"|.", re.S)

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_EN_MONTH = re.compile(
    r"\b(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?"
    r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\b\.?"
)
_DAY_OR_YEAR_AFTER = re.compile(r"\s*(?:the\s+)?\d{1,2}(?:st|nd|rd|th)?\b(?!\s*%)|\s*,?\s*\d{4}\b")
_DAY_BEFORE = re.compile(r"\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?$")
_EN_CLOCK = re.compile(r"(?<![\d.,:])(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*(?P<half>[AaPp])\.?[Mm]\.?(?![A-Za-z])")
# A 24-hour time of four digits with a leading zero (at 0500, 0430 hours) is an hour and its
# minutes, where a word around says it is a time (zip 0123 is a number).
_EN_MILITARY_TIME = re.compile(
    r"\b(?P<before>(?:at|by|until|till|from|before|after) )?(?P<t>0(?P<h>\d)(?P<m>\d{2}))(?![\d]|[.,:]\d)"
    r"(?P<after> (?:hours|hrs|time|GMT|UTC)\b)?",
    re.IGNORECASE,
)
_EN_TIME_WORDS = {"midnight": (0.0, 24.0), "noon": (12.0,), "midday": (12.0,)}
_EN_NUMBER = re.compile(
    _SIGN
    + r"(?P<num>"
    + _ASCII_NUMBER
    + r")(?:\s*(?P<scale>(?i:hundred|thousand|million|billion|trillion|bn))(?![A-Za-z]))?"
    + r"(?P<short>[mk](?![A-Za-z]))?"
)
# £10m is ten million and 10m ten metres; 5k five thousand and 4K a resolution: both readings.
_EN_SHORT_SCALES = {"m": 1e6, "k": 1e3}
_EN_SCALES = {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "bn": 1e9, "trillion": 1e12}

_EN_UNITS = {
    w: k
    for k, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
        " sixteen seventeen eighteen nineteen".split()
    )
}
_EN_TENS = {w: 10 * k for k, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)}
_EN_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
}  # fmt: skip
# Words that stand for a number a JA side writes with digits (１年に１、２回 'once or twice',
# ３倍 'triple', この2つ 'both'); weak like every spelled-out number.
_EN_NUMBER_LIKE = {
    "once": 1, "twice": 2, "double": 2, "couple": 2, "pair": 2, "both": 2,
    "thrice": 3, "triple": 3, "dozen": 12,
}  # fmt: skip
# Units after which 'a'/'an' states the number one, as JA writes it with a digit (1時間, 1トン).
_EN_ONE_UNITS = frozenset(
    "hour day week month year minute second century ton tonne meter metre kilometer kilometre mile "
    "kilogram kilo gram liter litre yen dollar pound euro percent".split()
)
_EN_WORD = re.compile(r"[A-Za-z]+")
# The numbers before -fold written as one word (twofold, thirtyfold, hundredfold).
_EN_FOLDS = {w: float(v) for w, v in (_EN_UNITS | _EN_TENS | _EN_SCALES).items() if v > 1 and w != "bn"}
_EN_WORD_GAP = re.compile(r"[\s-]*")
_EN_AND_GAP = re.compile(r"[\s-]+and[\s-]+")


def _check_lang(lang: str) -> None:
    if lang not in ("ja", "en"):
        raise InputError(f"lang must be 'ja' or 'en', not {lang!r}")


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _blank(text: str, start: int, end: int) -> str:
    """`text` with [start, end) replaced by spaces, so later passes skip it and positions hold."""
    return text[:start] + " " * (end - start) + text[end:]


def _glued_to_latin(text: str, start: int) -> bool:
    """A number right after a Latin letter (G7, COVID-19, UHD430) is part of a name."""
    before = text[max(0, start - 2) : start]
    return bool(re.search(r"[A-Za-z]-?$", before))


def _signed(sign: str | None, value: float) -> float:
    return -value if sign else value


def _dotted(text: str, found: list[_Number]) -> str:
    for m in _DOTTED.finditer(text):
        for part in re.finditer(r"\d+", m.group()):
            found.append(_Number(m.start() + part.start(), (float(part.group()),)))
        text = _blank(text, m.start(), m.end())
    return text


def _kanji_or_digits(s: str) -> float:
    return float(s) if s.isdigit() else _ja_value(s)


def _ja_value(run: str) -> float:
    """A run of ASCII numbers and kanji numerals -> its value (千二百 1200, 2万5千 25000,
    1億2000万 120000000, 二〇二〇 2020)."""
    total = section = 0.0
    current: float | None = None
    for tok in _JA_TOKEN.findall(run):
        if tok in _KANJI_DIGITS:
            # consecutive kanji digits are positional (二〇二〇年)
            current = _KANJI_DIGITS[tok] if current is None else current * 10 + _KANJI_DIGITS[tok]
        elif tok in _KANJI_SMALL_UNITS:
            section += (1 if current is None else current) * _KANJI_SMALL_UNITS[tok]
            current = None
        elif tok in _KANJI_BIG_UNITS:
            section += 0 if current is None else current
            total += (section or 1) * _KANJI_BIG_UNITS[tok]
            section, current = 0.0, None
        else:
            if current is not None:
                section += current
            current = float(tok.replace(",", ""))
    return total + section + (current or 0.0)


# News style writes a decimal point as ・ before a unit (2・5キロ 2.5 km, 29・6アール).
_NAKAGURO_DECIMAL = re.compile(
    r"(?<=\d)・(?=\d+(?:キロ|メートル|センチ|ミリ|アール|ヘクタール|トン|グラム|リットル|マイル|ポイント|倍|%|度|秒|万|億|兆))"
)
# After these a JA 1 is a rank, a date or a time, which EN states as a number too.
_JA_ONE_KEPT = set("位番等着月日時号%")
# A year of two digits (22年11月, 13年度, 90年代) stands for 2022, 2013, 1990 in EN.
_SHORT_YEAR = re.compile(r"\d{2}(?=年)")
# Dollars and cents (3ドル74セント, $3.74) are one amount.
_JA_DOLLARS_CENTS = re.compile(r"(?P<d>\d+)\s*(?:ドル|ユーロ)\s*(?P<c>\d{1,2})\s*セント")
# 四半期 (a quarter of a year) and 四半世紀 are words, not the numeral four.
_JA_QUARTER = re.compile(r"四(?=半(?:期|世紀))")


def _ja_numbers(text: str) -> list[_Number]:
    found: list[_Number] = []
    text = _JA_QUARTER.sub("□", _NAKAGURO_DECIMAL.sub(".", text))
    for m in _JA_DOLLARS_CENTS.finditer(text):
        found.append(_Number(m.start(), (int(m["d"]) + int(m["c"]) / 100,)))
        text = _blank(text, m.start(), m.end())
    # half past: 1時半 is 1.30 too (weak: EN also writes "half past one")
    found.extend(_Number(m.start() + 1, (30.0,), strong=False) for m in re.finditer(r"時半", text))
    for m in _ERA_YEAR.finditer(text):
        n = 1.0 if m["n"] == "元" else _kanji_or_digits(m["n"])
        found.append(_Number(m.start(), (_ERAS[m["era"]] + n, n)))
        text = _blank(text, m.start(), m.end())
    for m in _JA_CLOCK.finditer(text):
        h = _kanji_or_digits(m["n"])
        values = (h, h + 12) if m["half"] == "午後" and h < 12 else (h,)
        found.append(_Number(m.start("n"), values))
        text = _blank(text, m.start(), m.end())
    text = _dotted(text, found)
    for m in _JA_RUN.finditer(text):
        run = m["run"].lstrip("".join(_KANJI_BIG_UNITS))  # 万一, 億万長者: not numbers
        start, end = m.end("run") - len(run), m.end("run")
        if not run:
            continue
        before = text[start - 1] if start else ""
        after = text[end] if end < len(text) else ""
        if before in _JA_VAGUE or after in _JA_VAGUE:
            continue
        value = _ja_value(run)
        values: tuple[float, ...] = (value,)
        if m["wari"]:  # 5割 is 50%, 2割5分 25%
            value = value * 10 + (int(m["bu"]) if m["bu"] else 0) + (int(m["rin"]) / 10 if m["rin"] else 0)
            # with 厘 it is a rate to three places, which EN writes as a fraction (打率1割8分2厘, .182)
            values = (value, value / 100) if m["rin"] else (value,)
        if run.isdigit() and len(run) == 2 and _SHORT_YEAR.match(text, start):
            values = (value, 2000 + value, 1900 + value)
        if any(c.isdigit() for c in run):
            # one of a thing (1人, 1粒当たり, 1公演につき) is as often 'a', 'per' or 'alone' in EN
            # as a number; a first place, a date or a time (1位, 第1, 1月1日, 1時) is not
            article = value == 1 and after not in _JA_ONE_KEPT and before != "第"
            strong = not _glued_to_latin(text, start) and not article
        else:
            strong = len(run) >= 2 and (not _is_kanji(after) or after in _JA_COUNTERS or bool(m["wari"]))
        found.append(_Number(start, tuple(_signed(m["sign"], v) for v in values), strong=strong))
    return found


def _is_kanji(ch: str) -> bool:
    return bool(ch) and ("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or ch in "々〆")


def _en_numbers(text: str) -> list[_Number]:
    found: list[_Number] = []
    for m in _EN_MONTH.finditer(text):
        dated = bool(_DAY_OR_YEAR_AFTER.match(text, m.end()) or _DAY_BEFORE.search(text[: m.start()]))
        # weak even when dated: an EN side often names the month a JA side leaves out (20日 ~ August 20th)
        found.append(_Number(m.start(), (float(_MONTHS[m.group()[:3].lower()]),), strong=False, listed=dated))
        text = _blank(text, m.start(), m.end())
    for m in _EN_CLOCK.finditer(text):
        h = float(m["h"])
        values = (h, h + 12) if m["half"] in "Pp" and h < 12 else (h,)
        found.append(_Number(m.start(), values))
        if m["m"]:
            found.append(_Number(m.start("m"), (float(m["m"]),)))
        text = _blank(text, m.start(), m.end())
    for m in _EN_MILITARY_TIME.finditer(text):
        if not (m["before"] or m["after"]) or int(m["m"]) > 59:  # "call us at 0197 ...": a phone number
            continue
        found.append(_Number(m.start("t"), (float(m["h"]),), strong=False))
        if int(m["m"]):
            found.append(_Number(m.start("m"), (float(m["m"]),), strong=False))
        text = _blank(text, m.start("t"), m.end("t"))
    text = _dotted(text, found)
    for m in _EN_NUMBER.finditer(text):
        value = float(m["num"].replace(",", ""))
        if m["scale"]:
            value *= _EN_SCALES[m["scale"].lower()]
        values = (value, value * _EN_SHORT_SCALES[m["short"]]) if m["short"] else (value,)
        strong = not _glued_to_latin(text, m.start())
        found.append(_Number(m.start("num"), tuple(_signed(m["sign"], v) for v in values), strong=strong))
        text = _blank(text, m.start(), m.end())
    found.extend(_en_word_numbers(text))
    return found


@dataclass(slots=True)
class _Spelled:
    """A spelled-out number being read ('three hundred and' so far)."""

    start: int
    total: float = 0.0  # the part already multiplied by thousand, million, ...
    current: float = 0.0  # the part after the last of those
    last: str = ""  # what the last word was: unit, tens or scale


_SPELLED_SCALES = {w: v for w, v in _EN_SCALES.items() if w != "bn"}


def _joins(gap: str, last: str) -> bool:
    """Whether the text between two number words keeps them one number (twenty-five,
    three hundred and ten)."""
    return _EN_WORD_GAP.fullmatch(gap) is not None or (last == "scale" and _EN_AND_GAP.fullmatch(gap) is not None)


def _en_word_numbers(text: str) -> list[_Number]:
    """Spelled-out numbers: 'twenty-five', 'three hundred and ten', 'a million', 'first', 'twice'."""
    found: list[_Number] = []
    words = [(m.start(), m.end(), m.group().lower()) for m in _EN_WORD.finditer(text)]
    reading: _Spelled | None = None

    def close() -> None:
        nonlocal reading
        if reading is not None:
            found.append(_Number(reading.start, (reading.total + reading.current,), strong=False))
            reading = None

    def extend(start: int, after: tuple[str, ...]) -> _Spelled:
        """The number being read when the word may follow its last word, else a new one."""
        nonlocal reading
        if reading is None or reading.last not in after:
            close()
            reading = _Spelled(start)
        return reading

    prev_end = 0
    for k, (start, end, w) in enumerate(words):
        if reading is not None and not _joins(text[prev_end:start], reading.last):
            close()
        if w == "and" and reading is not None and reading.last == "scale":
            continue  # 'three hundred and ten': the gap to 'ten' takes the 'and'
        if w in _EN_UNITS:
            r = extend(start, ("tens", "scale"))
            r.current += _EN_UNITS[w]
            r.last = "unit"
        elif w in _EN_TENS:
            r = extend(start, ("scale",))
            r.current += _EN_TENS[w]
            r.last = "tens"
        elif w in _EN_ORDINALS:
            r = extend(start, ("tens", "scale"))
            r.current += _EN_ORDINALS[w]
            close()
        elif w in _SPELLED_SCALES and reading is not None:
            if w == "hundred":
                reading.current = (reading.current or 1) * 100
            else:
                reading.total += (reading.current or 1) * _SPELLED_SCALES[w]
                reading.current = 0.0
            reading.last = "scale"
        elif w == "a" and k + 1 < len(words) and words[k + 1][2] in _SPELLED_SCALES:
            close()
            reading = _Spelled(start, current=1.0, last="unit")  # 'a hundred', 'a million'
        elif w in ("decade", "decades") and reading is not None and reading.last == "unit":
            reading.current *= 10  # 'two decades' is 20年
            reading.last = "scale"
        elif w == "decade":
            close()
            found.append(_Number(start, (10.0,), strong=False))  # 'a decade', 'the past decade': 10年
        elif w in ("a", "an") and k + 1 < len(words) and words[k + 1][2] in _EN_ONE_UNITS:
            close()
            found.append(_Number(start, (1.0,), strong=False))  # 'an hour' is 1時間
        elif w in _EN_NUMBER_LIKE:
            close()
            found.append(_Number(start, (float(_EN_NUMBER_LIKE[w]),), strong=False))
        elif w in _EN_TIME_WORDS:
            close()
            found.append(_Number(start, _EN_TIME_WORDS[w], strong=False))  # 午前0時, 正午12時
        elif w.endswith("fold") and w[:-4] in _EN_FOLDS:
            close()
            found.append(_Number(start, (_EN_FOLDS[w[:-4]],), strong=False))  # tenfold is 10倍
        else:
            close()  # also a bare 'hundred': 'hundreds of' is no number
        prev_end = end
    close()
    return found


# A range whose end gives only the last two digits of a year: 1981-87, １８２７～９１年.
_YEAR_RANGE_END = re.compile(r"(?<!\d)(?P<first>[12]\d{3})\s*[-–—~～〜]\s*(?P<end>\d{2})(?!\d)")


def _extract(text: str, lang: str) -> list[_Number]:
    text = _nfkc(text)
    found = _ja_numbers(text) if lang == "ja" else _en_numbers(text)
    ends = {}
    for m in _YEAR_RANGE_END.finditer(text):
        century, first = divmod(int(m["first"]), 100)
        ends[m.start("end")] = float(100 * (century + (int(m["end"]) <= first)) + int(m["end"]))
    if ends:
        found = [replace(n, values=(*n.values, ends[n.pos])) if n.pos in ends else n for n in found]
    return sorted(found, key=lambda n: n.pos)


def numbers(text: str, lang: str) -> list[float]:
    """The numeric values a text states, normalised, in the order they appear.

    Rules (after NFKC, so full-width digits and separators are ASCII):
    - digits with thousands separators and decimals (1,000 / 1，000 / 1.5); 2020.10.5 and
      1.2.3 give each part; a minus sign right before the digits (not after a letter or a
      digit, so ranges like 80-85 stay positive), 'minus', マイナス, 氷点下 make it negative;
    - JA: kanji numerals (二十五, 三百, 千二百, 〇/零, 二〇二〇) mixed freely with digits and the
      units 万/億/兆 (3万 30000, 1.2億 120000000, 2万5千 25000); N割 is N*10 percent;
      era years become Gregorian (令和2年 2020, 平成元年 1989); a year of two digits is
      also read in full (22年 2022, 90年代 1990); 午後3時 is 3 (or 15); 2・5キロ is 2.5;
      a numeral next to 数/何/幾 (数十人, 十数年) is vague and left out;
    - EN: scale words after digits (3 million, 1.5 billion, $3bn); spelled-out numbers
      (one..nineteen, twenty..ninety, hundred, thousand, million: 'three hundred and ten',
      'a million'); 'a'/'an' before a unit (an hour, a week, a ton) as 1; 'two decades'
      20 and 'a decade' 10; first..twelfth;
      month names next to a day or a year (October 5, 5 October, Oct. 2020); 3 p.m. is 3
      (or 15); 10m is 10 (or 10000000) and 5k 5 (or 5000); once, twice, double, triple, both, couple, pair, dozen;
    - the end of a year range written with two digits is also read in full (1981-87 and
      1827～91年: 1987, 1891);
    - times: 1時半 also gives 30, 1.30pm is 1 (or 13) and 30, 0430 (a 24-hour time) 4 and
      30, midnight 0 (or 24), noon 12; 3ドル74セント is 3.74; 四半期 (a quarter) is no four;
    - percentages keep their number (50% 50); ordinals keep theirs (1st, 第1 -> 1); dates
      give their parts (2020年10月5日 -> 2020, 10, 5; October 5, 2020 -> 10, 5, 2020).

    Args:
        text: one side of a pair.
        lang: "ja" or "en": which language's rules apply.

    Returns:
        The values as floats, in text order.

    Raises:
        InputError: lang is neither "ja" nor "en".
    """
    _check_lang(lang)
    return [n.values[0] for n in _extract(text, lang) if n.listed]


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= _RELATIVE_TOLERANCE * max(abs(a), abs(b))


def _matches(a: _Number, b: _Number) -> bool:
    return any(_same(x, y) for x in a.values for y in b.values)


def _match(ja: list[_Number], en: list[_Number]) -> dict[int, int]:
    """A one-to-one matching ja index -> en index of equal numbers: strong with strong first,
    then strong with weak, then weak with weak, so that no weak number takes a strong
    number's partner. Greedy, which is a maximum matching when every number has one reading
    (equal values are interchangeable); a second reading (era, p.m.) is rare enough."""
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for ja_strong, en_strong in ((True, True), (True, False), (False, True), (False, False)):
        for i, a in enumerate(ja):
            if i in pairs or a.strong != ja_strong:
                continue
            for j, b in enumerate(en):
                if j not in taken and b.strong == en_strong and _matches(a, b):
                    pairs[i] = j
                    taken.add(j)
                    break
    return pairs


def month_number(word: str) -> int | None:
    """The month an EN word names (February, Feb, sept -> 2, 2, 9), or None."""
    return _MONTHS[word[:3].lower()] if _EN_MONTH.fullmatch(word.capitalize()) else None


def number_agreement(ja: str, en: str) -> float | None:
    """How well the numbers of the two sides agree: a Dice coefficient over multisets.

    Numbers are extracted by `numbers()` rules and matched one to one when their values are
    equal within 1e-6 relative (any of their readings: 令和2年 matches 2020 and 'Reiwa 2',
    午後3時 matches 3 p.m. and 15:00). A percentage never matches its fraction (50% is not
    0.5). Weak numbers (EN number words, lone JA kanji numerals, numbers glued to a Latin
    name, bare EN month names) count only when matched. With m matched pairs and a, b
    the matched plus unmatched strong numbers of each side, the score is 2m / (a + b):
    a number missing on one side costs less than a number changed (one unmatched number
    per side), and the score does not depend on which side is which.

    Args:
        ja: the Japanese side.
        en: the English side.

    Returns:
        None when neither side states a number that counts, else the agreement in [0, 1].
    """
    m, ja_left, en_left = _unmatched(ja, en)
    a, b = m + len(ja_left), m + len(en_left)
    return None if a + b == 0 else 2 * m / (a + b)


def _unmatched(ja: str, en: str) -> tuple[int, list[_Number], list[_Number]]:
    """The number of matched pairs, and the strong numbers of each side left unmatched."""
    ja_nums, en_nums = _extract(ja, "ja"), _extract(en, "en")
    pairs = _match(ja_nums, en_nums)
    matched_en = set(pairs.values())
    return (
        len(pairs),
        [n for i, n in enumerate(ja_nums) if n.strong and i not in pairs],
        [n for j, n in enumerate(en_nums) if n.strong and j not in matched_en],
    )


def unmatched_numbers(ja: str, en: str) -> tuple[list[int], list[int]]:
    """Where the numbers that count against a pair are: the strong numbers of each side that
    `number_agreement` leaves unmatched.

    Args:
        ja: the Japanese side.
        en: the English side.

    Returns:
        (ja positions, en positions): character offsets of each unmatched number's start in
        the NFKC form of its side, in text order.
    """
    _, ja_left, en_left = _unmatched(ja, en)
    return [n.pos for n in ja_left], [n.pos for n in en_left]


# --------------------------------------------------------------------------- Latin tokens

_LATIN_WORD = re.compile(r"[a-zà-öø-ÿĀ-ɏ]{2,}")

EN_STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers him his how if in into is it its itself just me more most my no nor not now
    of off on once only or other our ours out over own same she should so some such than that the their
    theirs them then there these they this those through to too under until up very was we were what
    when where which while who whom why will with would you your yours""".split()
)
"""Words a JA side in English would share with any EN side; `latin_agreement` ignores them."""


def latin_tokens(text: str) -> set[str]:
    """The Latin-script words of a text: NFKC (full-width ＡＢＣ becomes ABC), casefolded,
    letters only (digits and punctuation split words: COVID-19 -> covid), length >= 2.

    Args:
        text: any text.

    Returns:
        The set of tokens, stop words included (`latin_agreement` decides what counts).
    """
    return set(_LATIN_WORD.findall(_nfkc(text).casefold()))


def _strip_accents(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


# Latin letters that no accent stripping reduces (Grünerløkka, Prætorium, Łódź)
_LATIN_LETTERS = {"ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe", "ß": "ss", "ł": "l", "Ł": "L",
                  "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "ı": "i", "ħ": "h", "Ħ": "H",
                  "ŧ": "t", "Ŧ": "T", "ŋ": "ng", "Ŋ": "Ng", "ĸ": "k"}  # fmt: skip
# with the combining accents after it that NFKC could not compose into it (À + ̀ stays two)
_ACCENTED_LATIN = re.compile(r"[À-ÖØ-öø-ɏ][\u0300-\u036f]*")


def fold_latin(text: str) -> str:
    """A text in NFKC with its Latin letters written without accents or ligatures (Grünerløkka
    -> Grunerlokka, Stéphanie -> Stephanie, Prætorium -> Praetorium), so that a name is one
    word of plain letters (those of Latin-1 and Latin Extended-A all; of Extended-B those
    that are a letter and an accent); every other character as it was (kana keep their
    voicing marks)."""
    return _ACCENTED_LATIN.sub(_fold_letter, _nfkc(text))


def _fold_letter(m: re.Match) -> str:
    # accents first, then the letters no accent stripping reduces: Ǽ -> Æ -> Ae, ǿ -> ø -> o
    return "".join(_LATIN_LETTERS.get(c, c) for c in _strip_accents(m.group()))


def latin_agreement(ja: str, en: str) -> float | None:
    """The share of the JA side's Latin-script tokens (iPhone, COVID, USB, NHK) that the EN
    side also has: tokens from `latin_tokens`, EN stop words dropped, accents ignored. A
    token is also found in its plural (USB ~ USBs), at the start of an EN token when it has
    3 or more letters (HDMI ~ HDMIx1), inside the EN letters run together when 4 or more
    (Corei7 ~ Core i7), and as the initials of consecutive EN words (TE ~ tight end, GW ~
    Golden Week, Bcf ~ billion cubic feet).

    Args:
        ja: the Japanese side.
        en: the English side.

    Returns:
        None when the JA side has no such token, else the share in [0, 1].
    """
    wanted = {_strip_accents(t) for t in latin_tokens(ja) if t not in EN_STOP_WORDS}
    if not wanted:
        return None
    words = [_strip_accents(w) for w in _LATIN_WORD.findall(_nfkc(en).casefold())]
    have, joined = set(words), _strip_accents(re.sub(r"[^a-zà-öø-ÿĀ-ɏ]+", "", _nfkc(en).casefold()))
    initials = {"".join(w[0] for w in words[i : i + n]) for n in range(2, 6) for i in range(len(words) - n + 1)}

    def found(t: str) -> bool:
        if t in have or t + "s" in have or t + "es" in have or t in initials:
            return True
        return (len(t) >= 3 and any(h.startswith(t) for h in have)) or (len(t) >= 4 and t in joined)

    return sum(1 for t in wanted if found(t)) / len(wanted)


# --------------------------------------------------------------------------- katakana names

_ROMAJI = {
    "ア": "a", "イ": "i", "ウ": "u", "エ": "e", "オ": "o",
    "カ": "ka", "キ": "ki", "ク": "ku", "ケ": "ke", "コ": "ko",
    "ガ": "ga", "ギ": "gi", "グ": "gu", "ゲ": "ge", "ゴ": "go",
    "サ": "sa", "シ": "shi", "ス": "su", "セ": "se", "ソ": "so",
    "ザ": "za", "ジ": "ji", "ズ": "zu", "ゼ": "ze", "ゾ": "zo",
    "タ": "ta", "チ": "chi", "ツ": "tsu", "テ": "te", "ト": "to",
    "ダ": "da", "ヂ": "ji", "ヅ": "zu", "デ": "de", "ド": "do",
    "ナ": "na", "ニ": "ni", "ヌ": "nu", "ネ": "ne", "ノ": "no",
    "ハ": "ha", "ヒ": "hi", "フ": "fu", "ヘ": "he", "ホ": "ho",
    "バ": "ba", "ビ": "bi", "ブ": "bu", "ベ": "be", "ボ": "bo",
    "パ": "pa", "ピ": "pi", "プ": "pu", "ペ": "pe", "ポ": "po",
    "マ": "ma", "ミ": "mi", "ム": "mu", "メ": "me", "モ": "mo",
    "ヤ": "ya", "ユ": "yu", "ヨ": "yo",
    "ラ": "ra", "リ": "ri", "ル": "ru", "レ": "re", "ロ": "ro",
    "ワ": "wa", "ヰ": "i", "ヱ": "e", "ヲ": "o", "ン": "n",
    "ヴ": "vu", "ヷ": "va", "ヸ": "vi", "ヹ": "ve", "ヺ": "vo",
    "ヵ": "ka", "ヶ": "ke",
}  # fmt: skip
_SMALL_VOWELS = {"ァ": "a", "ィ": "i", "ゥ": "u", "ェ": "e", "ォ": "o", "ヮ": "a"}
_SMALL_Y = {"ャ": "a", "ュ": "u", "ョ": "o"}
_VOWELS = set("aeiou")
_SEPARATORS = set("・=＝ \u3000")


def _to_katakana(text: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" or c in "ゝゞ" else c for c in text)


def _combine(base: str, small: str) -> str:
    """A kana's romaji followed by a small kana: キ+ャ kya, シ+ュ shu, テ+ィ ti, ウ+ィ wi, フ+ァ fa."""
    if small in _SMALL_Y:
        vowel = _SMALL_Y[small]
        if base == "i" or not base:
            return "y" + vowel
        cons = base[:-1]
        return cons + vowel if cons.endswith(("sh", "ch", "j")) else cons + "y" + vowel
    vowel = _SMALL_VOWELS[small]
    if small == "ヮ":
        return base[:-1] + "w" + vowel if base else "wa"
    if base == "u":
        return "w" + vowel
    if base == "i":
        return "y" + vowel
    if base in _VOWELS or not base:
        return base + vowel
    return base[:-1] + vowel


@lru_cache(maxsize=8192)
def romanize(katakana: str) -> str:
    """Katakana (or hiragana) -> Hepburn-like romaji, lowercase.

    シ shi, チ chi, ツ tsu, フ fu, ジ/ヂ ji; small ya/yu/yo make kya, shu, cho, ja; small vowels
    make foreign sounds (ティ ti, ディ di, ファ fa, フィ fi, ヴァ va, ウィ wi, チェ che, シェ she,
    ジェ je, イェ ye); ッ doubles the next consonant (ッチ tchi) and is dropped at the end;
    ー repeats the vowel before it (コーヒー koohii); ン is n; ・ and ＝ become a space. Any
    other character passes through, casefolded.

    Args:
        katakana: a katakana or hiragana string (anything else is passed through).

    Returns:
        The romaji.
    """
    out: list[str] = []
    double = False
    chars = _to_katakana(_nfkc(katakana))
    for k, c in enumerate(chars):
        if c in _SMALL_VOWELS or c in _SMALL_Y:
            prev = out.pop() if out and chars[k - 1] in _ROMAJI else ""
            syllable = _combine(prev, c)
        elif c in _ROMAJI:
            syllable = _ROMAJI[c]
        elif c in "ヽヾ":
            syllable = out[-1] if out else ""
        elif c == "ッ":
            double = True
            continue
        elif c == "ー":
            last = out[-1][-1:] if out else ""
            syllable = last if last in _VOWELS else ""
        elif c in _SEPARATORS:
            syllable = " "
        elif unicodedata.combining(c):
            continue
        else:
            syllable = c.casefold()
        if double and syllable[:1].isalpha() and syllable[0] not in _VOWELS and syllable[0] != "n":
            syllable = ("t" if syllable.startswith("ch") else syllable[0]) + syllable
        double = False
        out.append(syllable)
    return "".join(out)


# Spelling to sound, applied in order to EN words and romaji alike (rules that cannot fire on
# romaji cost nothing there). The aim is one rough spelling per sound, as Japanese hears it.
_SOUND_RULES = [
    (re.compile(r"^wr"), "r"),
    (re.compile(r"^kn"), "n"),
    (re.compile(r"^ps"), "s"),
    (re.compile(r"tch"), "ch"),
    (re.compile(r"sch"), "sk"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"(?<=.)gh"), ""),
    (re.compile(r"th"), "s"),
    (re.compile(r"ck"), "k"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"qu?"), "kw"),
    (re.compile(r"c(?=[eiy])"), "s"),
    (re.compile(r"c(?!h)"), "k"),
    (re.compile(r"t(?=i[aou])"), "s"),  # -tion, -tial: ション
    (re.compile(r"sh"), "s"),
    (re.compile(r"ch"), "t"),  # チ stands for EN ch (チェス) and t (チーム, チケット)
    (re.compile(r"z"), "s"),
    (re.compile(r"l"), "r"),
    (re.compile(r"v"), "b"),
    (re.compile(r"ew"), "eu"),  # New ニュー, Andrew アンドリュー
    (re.compile(r"y"), "i"),
    (re.compile(r"m(?=[bp])"), "n"),
    (re.compile(r"(?<=[aeiou])w(?![aeiou])"), ""),
    (re.compile(r"(?<=.)h"), ""),
    (re.compile(r"(.)\1+"), r"\1"),
]
_NON_RHOTIC = re.compile(r"(?<=[aeiou])r(?![aeiou])")
_VOWEL_RUN = re.compile(r"[aeiou]+")


# EN endings a katakana word usually lacks: Russian/ロシア, Japanese/日本, accounts/アカウント.
_EN_SUFFIXES = ("ians", "ian", "ans", "an", "ese", "ish", "es", "s")
# Letters read the way of another language than English: German ch (Kilcher キルヒャー, Bach
# バッハ), Russian and Chinese zh (Prigozhin プリゴジン, Zhukov ジューコフ), hu as フ (Ahura
# アフラ), a j read as y anywhere (Abijah アビヤ, Hallelujah ハレルヤ), and Greek ph as p, as
# older Japanese writes the names of the Bible (Philip ピリポ, Ephesus エペソ, Pharaoh パロ).
_FOREIGN_READINGS = (("ch", "h"), ("zh", "j"), ("hu", "fu"), ("j", "y"), ("ph", "p"))
_D_BEFORE_I = re.compile(r"d+i")
_SOFT_G = re.compile(r"g(?=[eiy])")


def _spell(word: str) -> str:
    for pattern, repl in _SOUND_RULES:
        word = pattern.sub(repl, word)
    return word


@lru_cache(maxsize=8192)
def sound_keys(word: str, english: bool) -> tuple[tuple[str, str], ...]:
    """A word's (key, skeleton) readings. key: the sound spelling without its final vowels
    (Japanese adds one to most final consonants: トランプ toranpu); skeleton: the key's
    consonants only, doubles made single. An EN word has more readings: without a common
    ending (Russian ~ ロシア), with a soft g (page ~ ページ, Egypt ~ エジプト), and non-rhotic
    (r after a vowel is silent: Leicester ~ レスター, Manchester ~ マンチェスター), with
    a first j read as y (Jacob ~ ヤコブ), a first u as yu (Uri ~ ユリ), Mc as mak
    (McEnany ~ マケナニー), th read as t (Thomas ~ トマス, Timothy ~ テモテ), ch as k
    (Christ ~ キリスト, Chaldea ~ カルデヤ), kh as h (Khalid ~ ハーリド) and rh as r
    (Rhine ~ ライン), and the readings of other languages (`_FOREIGN_READINGS`: ch as h, zh
    as j, hu as fu, j as y, ph as p), a last v as f (Tokayev ~ トカイエフ) and di as ji (Aladdin ~
    アラジン)."""
    word = _strip_accents(word.casefold())
    spellings = {word}
    if english:
        spellings |= {word[: -len(x)] for x in _EN_SUFFIXES if word.endswith(x) and len(word) - len(x) >= 3}
        spellings |= {_SOFT_G.sub("j", w) for w in spellings}
        # a j read the Latin or German way: Jacob ヤコブ, Joseph ヨセフ, Jesus イエス, Jena イエナ
        spellings |= {w[0].replace("j", "y") + w[1:] for w in spellings if w.startswith("j")}
        # Mc/Mac is 'mak' before any letter (McEnany マケナニー, McCarthy マッカーシー)
        spellings |= {"mak" + w[2:] for w in spellings if w.startswith("mc")}
        # a first u read as yu (Uri ユリ, Utah ユタ, United ユナイテッド)
        spellings |= {"y" + w for w in spellings if w.startswith("u")}
        for written, read in (("th", "t"), ("ch", "k"), ("kh", "h"), ("rh", "r"), *_FOREIGN_READINGS):
            spellings |= {w.replace(written, read) for w in spellings if written in w}
        spellings |= {w[:-1] + "f" for w in spellings if w.endswith("v")}  # Tokayev トカイエフ, Lavrov ラブロフ
        spellings |= {_D_BEFORE_I.sub("ji", w) for w in spellings if "di" in w}  # Aladdin アラジン, radio ラジオ
    elif re.match(r"u[aeio]", word):  # a first ウ before a vowel is a w (ウイリアム William, ウオーカー Walker)
        spellings = {"w" + word[1:]}
    readings = {_spell(w) for w in spellings}
    if english:
        readings |= {re.sub(r"(.)\1+", r"\1", _NON_RHOTIC.sub("", r)) for r in readings}
    out = []
    for r in sorted(readings):
        key = r.rstrip("aeiou") or r
        out.append((key, re.sub(r"(.)\1+", r"\1", _VOWEL_RUN.sub("", key))))
    return tuple(out)


def _edits_allowed(n: int) -> int:
    """Edits a loose match allows between strings of (longer) length n: none up to 3, one
    up to 6, two up to 9, ..."""
    return max(0, (n - 1) // 3)


@lru_cache(maxsize=8192)  # the same katakana word meets the same EN word in the pairs of a document
def loosely_equal(a: str, b: str) -> bool:
    """Whether two sound spellings are within the edits `_edits_allowed` grants their length
    (none up to 3 letters, one up to 6, ...)."""
    allowed = _edits_allowed(max(len(a), len(b)))
    if abs(len(a) - len(b)) > allowed:
        return False
    if allowed == 0:
        return a == b
    return _levenshtein(a, b) <= allowed


def _levenshtein(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


_KATAKANA_WORD = re.compile(r"[ァ-ヺー]+")
_EN_NAME_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ɏ]+")
_MAX_RUN = 4
_MAX_LOWER_RUN = 3


def katakana_words(text: str) -> list[str]:
    """The katakana words of a text that may be names or loan words: runs of katakana (with
    ー) of at least 3 characters besides ー, so split at ・ and ＝ (each word of
    マンチェスター・ユナイテッド on its own), in order, repeats kept."""
    return [w for w in _KATAKANA_WORD.findall(_nfkc(text)) if len(w.strip("ー")) >= 3]


def en_candidates(en: str) -> set[str]:
    """Every EN word; every run of 2 or 3 words (social media ~ ソーシャルメディア) and of 2 to
    4 capitalised words (New York ~ ニューヨーク, Manchester United), joined without spaces.
    A run holds no stop word: 'than that' is no loan word."""
    text = _nfkc(en)
    words = list(_EN_NAME_WORD.finditer(text))
    out = {m.group() for m in words}
    for i, m in enumerate(words):
        if m.group().casefold() in EN_STOP_WORDS:
            continue
        joined, end, capitalised = m.group(), m.end(), m.group()[0].isupper()
        for n, nxt in enumerate(words[i + 1 : i + _MAX_RUN], 2):
            capitalised = capitalised and nxt.group()[0].isupper()
            if (
                not _EN_WORD_GAP.fullmatch(text[end : nxt.start()])
                or nxt.group().casefold() in EN_STOP_WORDS
                or (n > _MAX_LOWER_RUN and not capitalised)
            ):
                break
            joined, end = joined + nxt.group(), nxt.end()
            out.add(joined)
    return out


def sounds_alike(ja_word: str, en_readings: list[tuple[str, str]]) -> bool:
    """Whether a katakana word sounds like one of `en_readings` (`sound_keys` of EN words,
    e.g. of every `en_candidates`): skeletons compared loosely, or keys when the katakana
    skeleton is under 2 consonants (アイオワ).

    Both sides are spelled by sound (ph f, th s, x ks, qu kw, sch sk, c k or s before e/i/y,
    ch and チ t, sh s, z s, l r, v b, ew eu, y i, m before b/p n; silent kn/wr/ps, gh, h
    after a letter, w after a vowel dropped; double letters single), final vowels dropped
    (the key), then all vowels dropped (the skeleton); an EN word has the further readings
    of `sound_keys`. Skeletons match within 0 edits up to length 3, 1 up to 6, 2 up to 9
    (トランプ trnp ~ Trump trnp)."""
    ((key, skeleton),) = sound_keys(romanize(ja_word).replace(" ", ""), False)
    if len(skeleton) >= 2:
        return any(loosely_equal(skeleton, s) for _, s in en_readings)
    return any(loosely_equal(key, k) for k, _ in en_readings)


_ROMAJI_NOISE = re.compile(r"[^a-z]+")


@lru_cache(maxsize=8192)
def plain_romaji(text: str) -> str:
    """Latin letters only, lowercase, long vowels and doubled letters folded, m before b, p
    and m written n, v written b (Hakuhou and Hakuho, Yoshirou and Yoshiro, Ootani and
    Otani, Shimbun and Shinbun, Gurunavi and gurunabi read alike)."""
    text = _ROMAJI_NOISE.sub("", text.lower())
    text = re.sub(r"oh(?![aeiou])", "o", text)  # Ohtani, Itoh: a long o spelt oh
    text = re.sub(r"m(?=[bpm])", "n", text)  # Shimbun and shinbun, Namba and Nanba
    text = text.replace("v", "b")  # ヴ and ブ: Gurunavi and ぐるなび
    for long, short in (("ou", "o"), ("oo", "o"), ("uu", "u"), ("ii", "i"), ("aa", "a"), ("ee", "e")):
        text = text.replace(long, short)
    return re.sub(r"(.)\1+", r"\1", text)


# --------------------------------------------------------------------------- polarity

# Phrases whose ない/ず is no negation of what the sentence states: obligation (must),
# possibility (might), certainty, "only" (しか ... ない, にすぎない), permission (かまわない),
# rhetorical questions and invitations, and words that merely hold ない (少ない few,
# 危ない dangerous, とんでもない outrageous, 何となく somehow).
_JA_NOT_NEGATION = re.compile(
    r"な(?:けれ|くて|きゃ|いと)(?:ば|は|も)?(?:なら|いけ|だめ|ダメ)(?:ない|ず|ぬ|ん|なかった|ません)?"
    r"|ないと(?=[。！!、ねなさ]|$)|な(?:くっ?ちゃ|きゃ)|かもしれ(?:ない|ません|ず)|(?:に)?違いない|間違いない|仕方(?:が)?ない|しかたない"
    r"|しか(?![しもたる])[^、。！？!?]{0,16}?(?:ない|ません|なかった|ず)|(?:に)?(?:すぎ|過ぎ|他なら|ほかなら)(?:ない|ません|ず)"
    r"|(?:かま|構)(?:わ(?:ない|ず|ん)|いません)|(?:では|じゃ)ない(?:です)?(?:か|でしょうか|だろうか)|ませんか|ないか(?=[？?、。]|$)"
    r"|(?:少|危|幼|切|せつ|はか)な[いく]|つまらな|もったいな|とんでもな|しょうがな|たまらな|くだらな|だらしな"
    r"|申し訳(?:な|(?:ござい|あり)ません)|問題(?:は)?(?:な|ありません)|数え(?:切れ|きれ|られ)な|はず|申し分な"
    r"|この上な|信じられな|可もなく不可もなく|台無し|すま(?:な|ん)|みかん|ごらん|さりげな|(?:何|なに)(?:げ|気)な"
    r"|ぎこちな|(?:何|なん)となく|絶え間な|限りな|欠かせな"
    r"|(?:間|ま)もなく|ならず(?:に)?も|(?:に|も)(?:かか|関)わらず|相変わらず|思わず|絶えず|必ず|まず|わずか|ずっと|ずつ"
)
_JA_NEGATION = re.compile(
    r"な(?:い|かっ|く|けれ|し(?=[、。\s]|$))|ません|ぬ(?![ぁ-ゖ])|無(?:い|く|し)|いいえ"
    r"|(?<=[かがさたなばまらわせれけめべえげねてみきちにりびじぎい])ずに?(?![ぁ-ゖ])"
    r"|(?<=[うくぐすつぬぶむる])な(?=[。、」』!\s]|$)"  # the prohibitive: 行くな, 恐れるな
    # spoken forms: 分からん, 合わん, 報道されん; しねー, 知らねえ
    r"|(?<=[かがまらわれ])ん(?=[。、！!？?」』\sだでよねしの]|$)"
    r"|(?<=[かがさたなまらわれけせてめべえげしきみちりびぎじに])ね[えー](?=[よわぞし]|[^ぁ-ゖ]|$)"
)
_EN_NEGATION = re.compile(
    r"\b(?:not|no|never|nor|neither|none|nobody|nothing|nowhere|cannot|without|unable|unless)\b|n['’]t\b",
    re.IGNORECASE,
)
# "No. 1" is a number; "why not", "why don't we" invite (始めませんか, which JA drops too).
_EN_NOT_NEGATION = re.compile(
    r"\b(?:no (?:doubt|matter|wonder|worries|problem)|not only|nothing but|none the less|why (?:not|don['’]t)"
    r"|can(?:not|['’]?t) wait|no\.? ?(?=\d))",
    re.IGNORECASE,
)
# A question's negation asks or suggests (知らない？ "do you know?", "wouldn't it be better?"):
# translators turn it either way, so a question's negations do not count.
_SENTENCES = {"ja": re.compile(r"[^。！？!?\n]*[。！？!?\n]*"), "en": re.compile(r"[^.!?\n]*[.!?\n]*")}
_QUESTION_END = re.compile(r"(?:[？?]|か[。．]?)[」』）)\"'”’\s]*$")
# Words that say "not" without a negative form (不要 needless, 未定 not yet decided, 粉なし
# powder-free, 違う "isn't like", 対象外 "not covered", 除外 "no longer", 品切れ "out of",
# "yet to", "too hot to touch", "irrelevant", "reluctant"): a translation may render a
# negation by one of them, so a side holding one makes the polarity unsure.
_JA_NEGATIVE_WORD = re.compile(
    r"[不無未非没否]|なし|ゼロ|禁止|禁物|欠|避け|控え|やめ|止め|拒|断|失敗|少な|わずか|ほとんど|滅多|苦手|難し|にく[いか]"
    r"|づら[いか]|以外|抜き|忘れ|嫌|反対|しか|悪|いまいち|イマイチ|久しぶり|久々"
    r"|(?<!間)違[うっいえ]|(?:対象|想定|範囲|圏)外|除[外くいき]|(?:品|売り|期限)切れ|やだ"
)
_EN_NEGATIVE_WORD = re.compile(
    r"\b(?:\w+less|\w+-?free|free|lack\w*|fail\w*|few|fewer|little|less|least|hardly|barely|rarely|seldom|scarcely"
    r"|yet to|avoid\w*|refus\w*|den(?:y|ies|ied)|absent|missing|zero|instead|rather|too|stop\w*|prevent\w*|forg[eo]t\w*"
    r"|miss\w*|hard|difficult|only|merely|just|except|other than|beyond|away|ir\w+|im(?:possible|proper|mature)|dis\w+"
    r"|un\w+|dunno|doubt\w*|neither|either|off|out|against|lost|lose|bad|wrong|poor\w*"
    r"|offline|reluctant\w*|superfluous|complain\w*)\b",
    re.IGNORECASE,
)


def negations(text: str, lang: str) -> int:
    """How many negative forms `text` holds outside questions: JA ない/なかった/なく/ません/
    ず/ぬ/無い/いいえ (not must, might, only or may: なければならない, かもしれない,
    しか見ない, 構わない, nor words holding ない such as 少ない, とんでもない); EN not, no,
    never, nor, none, nothing, cannot, without, unable, unless and -n't (not "no doubt",
    "no matter", "not only", "why not", "No. 1"). A sentence asking (ending in ？, ? or か)
    counts none: 知らない？ asks "do you know?"."""
    _check_lang(lang)
    negation = _JA_NEGATION if lang == "ja" else _EN_NEGATION
    return sum(len(negation.findall(sentence)) for sentence in _stated_sentences(text, lang))


def _stated_sentences(text: str, lang: str) -> list[str]:
    """The sentences of `text` that ask nothing, with the phrases that negate nothing
    blanked (`_JA_NOT_NEGATION`, `_EN_NOT_NEGATION`): where `negations` and
    `_negated_predicate` look."""
    text = _nfkc(text)
    # the phrases are blanked first: "No. 1" holds a sentence end
    text = _JA_NOT_NEGATION.sub("、", text) if lang == "ja" else _EN_NOT_NEGATION.sub(" ", text)
    return [s for s in _SENTENCES[lang].findall(text) if s.strip() and not _QUESTION_END.search(s)]


# A negation that closes a sentence's predicate (始まりません。, 来なかったよ。, "does not",
# "can't", "never"): a negation inside a clause (言わずに, "without") a translator may
# render by other words, so only a predicate's is evidence against a side without one.
_JA_PREDICATE_NEGATION = re.compile(
    r"(?:ない|なかった|ません|ませんでした|ないです|なかったです|ず|ぬ|な|(?<=[かがまらわれ])ん|ね[えー])"
    r"(?:よ|ね|よね|わ|の|んだ|のだ|んです|のです|でしょう|だろう)?[。!」』）)\s]*$"
)
# "I don't think", "not sure" hedge what follows, which JA negates inside or not at all
# (違うと思います "I don't think it is right"): a negation, but no predicate's.
_EN_PREDICATE_NEGATION = re.compile(
    r"\b(?:(?:do|does|did|is|are|am|was|were|could|would|should|has|have|had|will|can|must|may|might) not"
    r"|cannot|\w+n['’]t|never|no longer)\b(?!\s+(?:think|believe|suppose|expect|sure|certain)\b)",
    re.IGNORECASE,
)


def _negated_predicate(text: str, lang: str) -> bool:
    """Whether a sentence of `text` that asks nothing has its predicate negated
    (`_JA_PREDICATE_NEGATION`, `_EN_PREDICATE_NEGATION`), phrases that negate nothing aside."""
    predicate = _JA_PREDICATE_NEGATION if lang == "ja" else _EN_PREDICATE_NEGATION
    return any(predicate.search(sentence) for sentence in _stated_sentences(text, lang))


def polarity_agreement(ja: str, en: str) -> float | None:
    """Whether the two sides agree in polarity (`negations`): 1.0 when both have a
    negation, 0.0 when only one does, in a predicate (始まりません against "starts"), and the
    other holds no word that says "not" by itself (不要, 未定, "powder-free", "yet to",
    "only": translators render a negation by them); None otherwise: neither negates, or
    the evidence is unsure (a negation inside a clause, 言わずに against "left"). Counts are
    not compared: double negatives and negations a translator folds into one word make them
    differ in good pairs."""
    a, b = negations(ja, "ja"), negations(en, "en")
    if not a and not b:
        return None
    if a and b:
        return 1.0
    if not _negated_predicate(*((ja, "ja") if a else (en, "en"))):
        return None
    other = _EN_NEGATIVE_WORD.search(_nfkc(en)) if a else _JA_NEGATIVE_WORD.search(_nfkc(ja))
    return None if other else 0.0
