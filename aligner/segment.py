"""Paragraph -> sentences with character spans, for Japanese and English; pure str code.

Both splitters work the same way: they choose cut points in the paragraph, cut it there,
strip each piece and drop the empty ones. So the spans are in order, never overlap, and
every non-whitespace character lies in exactly one span whatever the rules decide; the
rules only choose where the cuts go.

Japanese (`split_ja`) cuts:
- after a run of 。！？｡!? (also ‼⁇⁈⁉), with the closing brackets and quotes that follow it
  (「…です。」 stays whole; a closing quote after a space, as in `。 」`, is kept too);
  "．" and "." are never terminators (３．５, `A. 基本的には…`);
- at every line break (lines of Japanese posts are sentences or headings without 。).
It does not cut:
- after a half-width ! or ? glued to ASCII text (`Yahoo!ニュース`, `?-PSCORE`, `?q=1`);
- after a terminator that opens a bracket's content (`（？）`, `[...]`);
- inside a short （…） or (…) that closes later on the same line (`（注：…です。）が`); such
  a bracket ends the sentence only when it closes right after the terminator and a space
  or the end follows (`（補足です。） 次の文` cuts after ）, `（補足です。）次の文` does not);
- when a closing quote after the terminator is followed by a quoting particle
  (`「はい。」と言った`, `「本当？」って`);
- before an attribution: a dash (– — ― --, or - and a space) and a short source (at most
  60 characters) with no terminator up to the end of the line (`…のです。」 –キム・ボラム`).
A short emote bracket straight after a terminator stays with it (`本当？（笑）`).

English (`split_en`) cuts after a run of . ! ? … and its closing quotes/brackets (a ” after a
space counts as closing when a space, dash or the end follows) when whitespace and then a
plausible sentence start follow: an uppercase letter, a digit, an opening quote or
bracket (so `[...]` begins a sentence), a letter of an uncased script (kana, kanji), or
one of these behind a bullet (`…first. - Plug the charger…`); or a note mark glued to a
word (`…BFE. *These masks are disposable.`) or an emoji before a word, whatever its case
(`…weekend. 🚨 breaking news`; not `I love it. ❤️`).
It does not cut:
- when no whitespace follows (3.5, v2.0, example.com, U.S.A., `time!:)`);
- before a lowercase word (`e.g. this`, `... and then`);
- before an attribution, as in Japanese, whose source may hold periods but not end with
  one (`…as well.” – Kim Bo Ram`, `everything. ”– Kim Yeon- Ri`, `… – J. K. Rowling`);
- after an abbreviation from the tables below: titles and Latin forms never end a sentence
  (Mr. Dr. e.g. vs. Jan.), `No.`, `p.` and the like only before a number, and those that often
  do end one (etc. Inc. U.S. a.m.) end it only before a common sentence-opening word (The,
  It, But, ...);
- after a single-letter initial (`J. K. Rowling`); at the start of a line a single letter, a
  number or a roman numeral is a list marker (`A. Basically, …`, `1. First`) and never cut.
A line break after a terminator cuts (unless after an abbreviation); a line break without
one cuts only before a bullet (`- `, `• `, `1. `) or, for a heading-like line (under 80
characters, ending in a letter or digit), before an uppercase letter. Hard-wrapped prose
whose short lines are followed by a capitalised word will be cut there.
"""

from __future__ import annotations

import re

from aligner.records import Span

__all__ = ["split_en", "split_ja", "split_sentences"]

# --- character classes ---------------------------------------------------------------

LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"  # what str.splitlines() splits on
JA_TERMINATORS = "。！？｡!?‼⁇⁈⁉"
EN_TERMINATORS = ".!?…‼⁇⁈⁉"
ASCII_TERMINATORS = "!?"
# Closing brackets and quotes that stay with the sentence they follow.
CLOSERS = "」』）)】〕〉》］]｝}〗〙”’\"'»"
# Opening brackets and quotes; a terminator right after one is content, not an end.
OPENERS = "「『（(【〔〈《［[｛{〖〘“‘\"'«"
DASHES = "–—―"
PAREN_OPEN = "（("
PAREN_CLOSE = "）)"
PAREN_MAX = 80  # longest （…） in characters whose terminators are kept inside the sentence
ATTRIBUTION_MAX = 60  # longest source after an attribution dash
HEADING_MAX = 80  # a line shorter than this, with no final punctuation, may be a heading
EMOTE_MAX = 4  # longest content of an emote bracket such as （笑） kept after a terminator

# Abbreviations (lowercase, without the final period) that never end a sentence.
NONFINAL_ABBREVIATIONS = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "mx",
        "messrs",
        "mme",
        "mlle",
        "dr",
        "prof",
        "rev",
        "fr",
        "hon",
        "gen",
        "gov",
        "sen",
        "rep",
        "pres",
        "capt",
        "cmdr",
        "adm",
        "maj",
        "lt",
        "col",
        "sgt",
        "cpl",
        "pvt",
        "supt",
        "insp",
        "vs",
        "v",
        "e.g",
        "i.e",
        "cf",
        "viz",
        "approx",
        "ca",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mt",
    }
)
# Abbreviations that stand before a number: `No. 5`, `p. 45`, `Fig. 3`.
NUMBER_ABBREVIATIONS = frozenset(
    {
        "no",
        "nos",
        "p",
        "pp",
        "vol",
        "vols",
        "fig",
        "figs",
        "eq",
        "ch",
        "sec",
        "art",
        "op",
        "para",
        "nr",
    }
)
# Abbreviations that often end a sentence too; dotted acronyms (U.S., J.K.) behave the same.
FINAL_ABBREVIATIONS = frozenset(
    {
        "etc",
        "inc",
        "ltd",
        "co",
        "corp",
        "llc",
        "plc",
        "bros",
        "jr",
        "sr",
        "st",
        "ave",
        "blvd",
        "rd",
        "dept",
        "univ",
        "assn",
        "est",
        "al",
        "ft",
        "a.m",
        "p.m",
        "u.s",
        "u.k",
        "u.n",
        "e.u",
    }
)
# Words that commonly open an English sentence: after an abbreviation of the FINAL kind, or
# an initial, one of them means the abbreviation ended the sentence.
SENTENCE_STARTERS = frozenset(
    {
        "the",
        "a",
        "an",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "it",
        "its",
        "he",
        "she",
        "they",
        "we",
        "i",
        "you",
        "his",
        "her",
        "their",
        "our",
        "my",
        "your",
        "what",
        "when",
        "where",
        "why",
        "how",
        "who",
        "which",
        "if",
        "in",
        "on",
        "at",
        "for",
        "as",
        "after",
        "before",
        "but",
        "and",
        "so",
        "then",
        "however",
        "also",
        "while",
        "although",
        "because",
        "since",
        "some",
        "many",
        "most",
        "all",
        "one",
        "no",
        "not",
        "yes",
        "today",
        "now",
    }
)

# --- patterns -------------------------------------------------------------------------

_HSPACE = rf"[^\S{LINE_BREAKS}]"  # whitespace that does not break the line
# A closing quote after a space: 」』）】〕 always close; ” only when a space, a dash,
# another closer or the end follows (elsewhere it may be a misused opening quote).
_SPACED_CLOSER = rf"{_HSPACE}+(?:[」』）】〕〉》]|[”»](?=\s|$|[{DASHES}{re.escape(CLOSERS)}]))"


def _end_pattern(terminators: str) -> re.Pattern[str]:
    """A sentence end: a run of terminators, then closers, spaced closers, more terminators."""
    t = re.escape(terminators)
    tail = rf"(?:[{re.escape(CLOSERS)}]|{_HSPACE}*[{t}]|{_SPACED_CLOSER})*"
    return re.compile(rf"(?P<term>[{t}]+){tail}")


def _attribution_pattern(excluded: str) -> re.Pattern[str]:
    """A dash and a short source running to the end of the line (`– Kim Bo Ram`).

    The source holds no line break and none of `excluded`, and does not end with a
    terminator: an attribution is not a sentence (`- Plug it in.` is one).
    """
    dash = rf"(?:--|[{DASHES}]|-(?={_HSPACE}))"
    body = rf"[^{LINE_BREAKS}{excluded}]"
    last = rf"[^\s{excluded}.!?。！？｡]"
    return re.compile(rf"{_HSPACE}*{dash}{body}{{0,{ATTRIBUTION_MAX - 1}}}{last}{_HSPACE}*(?=[{LINE_BREAKS}]|$)")


_JA_END = _end_pattern(JA_TERMINATORS)
_EN_END = _end_pattern(EN_TERMINATORS)
_JA_ATTRIBUTION = _attribution_pattern(JA_TERMINATORS)
_EN_ATTRIBUTION = _attribution_pattern("!?")  # inner periods allowed: `– J. Smith`
_LINE_BREAK = re.compile(rf"[{LINE_BREAKS}]")
# Text after a closing quote that shows the quote is part of a longer sentence:
# quoting particles (と, って, など) and commas; と-words that open sentences are excluded.
_JA_QUOTE_CONTINUATION = re.compile(r"と(?!ころ|にかく|ても|りあえず|はいえ)|って|っと|など|[、，,]")
_EMOTE = re.compile(rf"[（(][^\dA-Za-z\s（()）{JA_TERMINATORS}]{{1,{EMOTE_MAX}}}[）)]")
_GLUED_ASCII = "-_/=&#%+~:;.,"  # after a half-width !/?: part of a name, URL or emoticon
_DOTTED_ACRONYM = re.compile(r"(?:[a-z]\.)+[a-z]")
_LIST_MARKER = re.compile(r"[A-Za-z]|\d{1,3}|(?=[IVX])X{0,3}(?:IX|IV|V?I{0,3})")
_WORD = re.compile(r"[^\W\d_]+(\.)?")
_BULLET = re.compile(r"[•‣▪▸►▶◆◇●○■□・※→➢✓✔]|(?:[-*+–—]|\d{1,3}[.)])(?=\s)")
_NOTE_MARK = re.compile(r"\*+(?=\w)")  # glued to its sentence: `*These masks are disposable.`
_EMOJI = re.compile(r"[\U0001F300-\U0001FAFF\u2600-\u27BF][\U0001F300-\U0001FAFF\u2600-\u27BF\ufe0f\u200d]*")


# --- public API -----------------------------------------------------------------------


def split_sentences(text: str, lang: str) -> list[Span]:
    """Split one paragraph into sentences.

    Args:
        text: the paragraph (a block's text); may hold line breaks.
        lang: "ja" for Japanese rules; anything else ("en") gets English rules.

    Returns:
        The sentences in order, as `Span(start, end, text)` with `text == paragraph[start:end]`,
        stripped and never empty; whitespace between sentences belongs to no span. A blank
        paragraph gives [].
    """
    return split_ja(text) if lang == "ja" else split_en(text)


def split_ja(text: str) -> list[Span]:
    """Split a Japanese paragraph at 。！？｡!? and at line breaks (rules in the module docstring).

    Args:
        text: the paragraph.

    Returns:
        The sentence spans, as for `split_sentences`.
    """
    cuts = [m.start() for m in _LINE_BREAK.finditer(text)]
    inside = _paren_cover(text)
    for m in _JA_END.finditer(text):
        start, end = m.start(), m.end()
        if _opens_bracket(text, start) or _glued_ascii(text, start, m.end("term")):
            continue
        if not _paren_allows(text, inside, start, end):
            continue
        if text[end - 1] in CLOSERS and _JA_QUOTE_CONTINUATION.match(text, end):
            continue
        if _JA_ATTRIBUTION.match(text, end):
            continue
        emote = _EMOTE.match(text, end)
        cuts.append(emote.end() if emote else end)
    return _cut(text, cuts)


def split_en(text: str) -> list[Span]:
    """Split an English paragraph at . ! ? … before a sentence start (rules: module docstring).

    Args:
        text: the paragraph.

    Returns:
        The sentence spans, as for `split_sentences`.
    """
    cuts = _heading_breaks(text)
    inside = _paren_cover(text)
    for m in _EN_END.finditer(text):
        start, end = m.start(), m.end()
        after = _skip_space(text, end)
        if after == len(text) or after == end:  # paragraph end, or glued: 3.5, example.com
            continue
        if _opens_bracket(text, start) or not _paren_allows(text, inside, start, end):
            continue
        if _EN_ATTRIBUTION.match(text, end):
            continue
        if m.group() == "." and _is_abbreviation(text, start, after):
            continue
        if _LINE_BREAK.search(text, end, after) or _opens_sentence(text, after):
            cuts.append(end)
    return _cut(text, cuts)


# --- shared helpers -------------------------------------------------------------------


def _cut(text: str, cuts: list[int]) -> list[Span]:
    """Cut `text` at `cuts` and keep the stripped, non-empty pieces as spans."""
    spans: list[Span] = []
    start = 0
    for cut in [*sorted(set(cuts)), len(text)]:
        piece = text[start:cut]
        stripped = piece.strip()
        if stripped:
            first = start + len(piece) - len(piece.lstrip())
            spans.append(Span(first, first + len(stripped), stripped))
        start = cut
    return spans


def _skip_space(text: str, pos: int) -> int:
    """The index of the first non-whitespace character at or after `pos` (or len(text))."""
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _opens_bracket(text: str, start: int) -> bool:
    """True when the terminator run is the start of a bracket's content: `[...]`, `（？）`."""
    return start > 0 and text[start - 1] in OPENERS


def _paren_cover(text: str) -> dict[int, int]:
    """Map each position inside a short （…）/(…) group to the index of its outermost close.

    Groups are matched on one line, at most PAREN_MAX characters long; a bracket after
    : ; or = is an emoticon (`:)`) and ignored; a full-width bracket may close a half-width one.
    """
    cover: dict[int, int] = {}
    stack: list[int] = []
    for i, ch in enumerate(text):
        if ch in LINE_BREAKS:
            stack.clear()
        elif (ch in PAREN_OPEN or ch in PAREN_CLOSE) and i > 0 and text[i - 1] in ":;=":
            continue
        elif ch in PAREN_OPEN:
            stack.append(i)
        elif ch in PAREN_CLOSE and stack:
            opened = stack.pop()
            if i - opened <= PAREN_MAX:
                for p in range(opened + 1, i):
                    cover[p] = max(cover.get(p, i), i)
    return cover


def _paren_allows(text: str, inside: dict[int, int], start: int, end: int) -> bool:
    """Whether a sentence end found at `start:end` may cut, given the （…） groups.

    Inside a group it may only when it runs through the group's close and is followed by
    whitespace or the end of the paragraph.
    """
    close = inside.get(start)
    if close is None:
        return True
    return end > close and (end == len(text) or text[end].isspace())


# --- Japanese helpers -----------------------------------------------------------------


def _glued_ascii(text: str, start: int, term_end: int) -> bool:
    """True when a half-width ! or ? belongs to ASCII text: `Yahoo!ニュース`, `?-PSCORE`."""
    if any(ch not in ASCII_TERMINATORS for ch in text[start:term_end]):
        return False
    after = text[term_end] if term_end < len(text) else ""
    if after.isascii() and (after.isalnum() or (after != "" and after in _GLUED_ASCII)):
        return True
    before = text[start - 1] if start > 0 else ""
    return before.isascii() and before.isalnum() and after != "" and not after.isspace() and after not in CLOSERS


# --- English helpers ------------------------------------------------------------------


def _opens_sentence(text: str, pos: int) -> bool:
    """Whether an English sentence can start at `pos`, possibly behind a bullet (`- Plug …`).
    A note mark glued to a word (`*These masks are disposable.`, `*the package has changed.`)
    or an emoji before a word opens one whatever the word's case (`weekend. 🚨 breaking
    news`: posts often leave a sentence in lowercase); an emoji closing the sentence before
    does not (`I love it. ❤️`)."""
    if _NOTE_MARK.match(text, pos):
        return True
    emoji = _EMOJI.match(text, pos)
    if emoji:
        pos = _skip_space(text, emoji.end())
        return pos < len(text) and text[pos].isalnum()
    bullet = _BULLET.match(text, pos)
    if bullet:
        pos = _skip_space(text, bullet.end())
        return pos < len(text) and _starts_sentence(text[pos])
    return _starts_sentence(text[pos])


def _starts_sentence(ch: str) -> bool:
    """Whether `ch` can open an English sentence after a terminator and a space."""
    return (
        ch.isupper()
        or ch.isdigit()
        or ch in OPENERS
        or ch in "$£€¥"
        or (ch.isalpha() and not ch.islower())  # kana, kanji and other uncased scripts
    )


def _is_abbreviation(text: str, dot: int, after: int) -> bool:
    """Whether the period at `dot` ends an abbreviation rather than the sentence.

    `after` is where the next word starts.
    """
    token_start = dot
    while token_start > 0 and not text[token_start - 1].isspace():
        token_start -= 1
    word = text[token_start:dot].lstrip(OPENERS)
    low = word.lower()
    if not word:
        return False
    if _LIST_MARKER.fullmatch(word) and _at_line_start(text, token_start):
        return True
    if low in NONFINAL_ABBREVIATIONS:
        return True
    if low in NUMBER_ABBREVIATIONS:
        return text[after].isdigit()
    if low in FINAL_ABBREVIATIONS or _DOTTED_ACRONYM.fullmatch(low) or _is_initial(word):
        return not _opens_with_starter(text, after)
    return False


def _is_initial(word: str) -> bool:
    """A single capital letter, as in `J. K. Rowling`."""
    return len(word) == 1 and word.isalpha() and word.isupper()


def _opens_with_starter(text: str, pos: int) -> bool:
    """Whether the word at `pos` is a common sentence opener (and not itself an initial)."""
    m = _WORD.match(text, pos)
    return m is not None and m.group(1) is None and m.group().lower() in SENTENCE_STARTERS


def _at_line_start(text: str, pos: int) -> bool:
    """Whether only spaces stand between the previous line break (or the start) and `pos`."""
    while pos > 0 and text[pos - 1].isspace() and text[pos - 1] not in LINE_BREAKS:
        pos -= 1
    return pos == 0 or text[pos - 1] in LINE_BREAKS


def _heading_breaks(text: str) -> list[int]:
    """Line breaks with no terminator before them that still end a sentence in English.

    A break cuts before a bullet line, or after a heading-like line (shorter than
    HEADING_MAX, ending in a letter or digit) before a line starting with an uppercase letter.
    """
    cuts: list[int] = []
    previous: str | None = None  # the last non-blank line
    previous_end = 0
    line_start = 0
    for m in [*_LINE_BREAK.finditer(text), None]:
        line_end = m.start() if m else len(text)
        line = text[line_start:line_end].strip()
        if line:
            if previous is not None and _line_break_cuts(previous, line):
                cuts.append(previous_end)
            previous, previous_end = line, line_end
        line_start = line_end + 1
    return cuts


def _line_break_cuts(line: str, next_line: str) -> bool:
    """Whether a sentence ends between two non-blank lines with no terminator between them."""
    if _BULLET.match(next_line):
        return True
    body = line.rstrip(CLOSERS)
    return len(line) < HEADING_MAX and body[-1:].isalnum() and next_line[0].isupper()
