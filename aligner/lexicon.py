"""A Japanese/English dictionary: which EN words a JA word translates to, and how JA words and
names are read.

The data are the EDRDG dictionaries (JMdict for words, JMnedict for names, KANJIDIC2 for the
readings of single kanji; CC BY-SA 4.0, see resources/LEXICON-LICENSE.txt), reduced by
`scripts/build_lexicon.py` to what the features read and shipped as one SQLite file in the
package (resources/lexicon.sqlite). Word lookups go to the file by index and are cached;
only the KANJIDIC readings and the English vocabulary are loaded whole. Beside the file, a
filter of the forms it holds (`forms_file`: a checksum of each) lets a lookup skip at once
the many candidate forms that are no word, without a query. Open one Lexicon per process:
an SQLite connection must not cross a fork.
"""

from __future__ import annotations

import itertools
import re
import sqlite3
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import numpy as np
import snowballstemmer

from aligner.agreement import plain_romaji, romanize
from aligner.errors import AlignerError

V = TypeVar("V")

_STEMMER = snowballstemmer.stemmer("english")
_EN_WORD = re.compile(r"[a-z]+(?:'s)?")

# Gloss words that say how a word is used, not what it means.
_GLOSS_NOISE = frozenset(
    "a an the to of or and in on at by for with as be is one's someone something oneself etc "
    "abbr esp lit orig usu e g i".split()
)

# Voiced forms of a reading's first consonant (rendaku: 山 yama + 川 kawa -> yamagawa).
_RENDAKU = {
    "sh": ("j",), "ch": ("j",), "ts": ("z",), "k": ("g",), "s": ("z",), "t": ("d",), "h": ("b", "p"), "f": ("b", "p"),
}  # fmt: skip

_PARENTHESES = re.compile(r"\([^)]*\)\s*")
_TWO_CAPITALS = re.compile(r"[A-Z][^A-Z]*[A-Z]")
_CACHE_LIMIT = 10_000  # entries per lookup cache: bounded, so memory stays flat over a crawl
_NO_ENTRY: tuple[frozenset[str], bool] = (frozenset(), False)  # a form JMdict lacks


@lru_cache(maxsize=20_000)
def stem(word: str) -> str:
    """An EN word, lowercased and reduced to its Snowball (Porter 2) stem: 'Broadcasting' ->
    'broadcast', 'ministries' -> 'ministri'."""
    return _STEMMER.stemWord(word.lower())


def gloss_stems(gloss: str) -> frozenset[str]:
    """The content words of a JMdict gloss ('to repair; to mend' -> {'repair', 'mend'}), stemmed;
    usage words (to, one's, something, abbr., ...) left out."""
    return frozenset(stem(w) for w in _EN_WORD.findall(gloss.lower()) if w not in _GLOSS_NOISE and len(w) > 1)


PROPER = "^"
"""The mark of a stem that comes from a capitalised gloss word, a proper name (Greece ->
"^greec"): only such stems may translate a word loosely (Greek ~ Greece, not Conte ~ continue)."""


def proper_stems(gloss: str) -> frozenset[str]:
    """The stems of the capitalised words of a JMdict gloss, each marked with PROPER
    ('Greece' -> {'^greec'}, 'Republic of Korea' -> {'^republ', '^korea'}); none for a
    gloss in lowercase."""
    return frozenset(PROPER + stem(w) for w in re.findall(r"\b[A-Z][a-z]+", gloss))


def gloss_initials(gloss: str) -> frozenset[str]:
    """The initials of a gloss naming something in two or more capitalised words, lowercased,
    of/and/the skipped: 'United States of America' -> {'us', 'usa'}, 'United Nations' ->
    {'un'}; an EN side writes such names by their initials (the UK, the U.N.)."""
    if not _TWO_CAPITALS.search(gloss):  # most glosses: no two capitalised words, so no initials
        return frozenset()
    words = [w for w in re.findall(r"[A-Za-z]+", _PARENTHESES.sub("", gloss)) if w not in ("of", "and", "the")]
    if len(words) < 2 or not all(w[0].isupper() for w in words):
        return frozenset()
    initials = "".join(w[0] for w in words).lower()
    return frozenset(initials[:n] for n in range(2, len(initials) + 1))


def form_keys(forms: Sequence[str]) -> np.ndarray:
    """The key of each form in a lexicon's form filter: the CRC-32 of its UTF-8 bytes (uint32),
    the same on every machine. Two forms may share a key; a lookup then simply finds nothing."""
    return np.fromiter((zlib.crc32(f.encode()) for f in forms), dtype=np.uint32, count=len(forms))


def forms_file(path: Path) -> Path:
    """Where the form filter of the lexicon at `path` lies: beside it, `NAME.forms.npz`."""
    return path.with_name(path.stem + ".forms.npz")


def write_forms(path: Path) -> Path:
    """Write the form filter of the lexicon at `path` (`forms_file`): the sorted distinct
    `form_keys` (stored as the steps between them) of its word forms ("word") and of the
    forms it has readings for, KANJIDIC's kanji included ("reading"). Deterministic: the
    same lexicon gives the same bytes.

    Returns:
        The file written.
    """
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    tables = {
        "word": [f for (f,) in db.execute("SELECT form FROM word")],
        "reading": [f for (f,) in db.execute("SELECT form FROM reading UNION SELECT literal FROM kanji")],
    }
    db.close()
    out = forms_file(path)
    tmp = out.with_name(out.name + ".tmp")
    with open(tmp, "wb") as f:
        # stored as the steps between sorted keys, which compress to two thirds of the keys
        np.savez_compressed(
            f, **{name: np.diff(np.unique(form_keys(forms)), prepend=0) for name, forms in tables.items()}
        )
    tmp.replace(out)
    return out


class Lexicon:
    """Read access to the compact dictionary at `path` and its form filter (both written by
    scripts/build_lexicon.py).

    Thread-safe: one connection, used under a lock.
    """

    def __init__(self, path: Path) -> None:
        for needed in (path, forms_file(path)):
            if not needed.is_file():
                raise _reinstall(needed, "dictionary file not found")
        self.path = path
        try:
            with np.load(forms_file(path)) as filters:
                self._listed = {name: np.cumsum(filters[name], dtype=np.uint32) for name in ("word", "reading")}
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as e:
            raise _reinstall(forms_file(path), f"damaged dictionary file ({e})") from e
        self._db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        self._glosses: dict[str, tuple[frozenset[str], bool]] = {}
        self._readings: dict[str, frozenset[str]] = {}
        self._english: frozenset[str] | None = None
        try:  # a file cut short or overwritten: caught here, before any work
            self._query("SELECT count(*) FROM kanji", [])
        except sqlite3.DatabaseError as e:
            raise _reinstall(path, f"damaged dictionary file ({e})") from e

    def _query(self, sql: str, params: list[str]) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def _batched(self, sql: str, forms: list[str]) -> list[tuple]:
        rows: list[tuple] = []
        for start in range(0, len(forms), 500):
            chunk = forms[start : start + 500]
            rows += self._query(sql.format(marks=",".join("?" * len(chunk))), chunk)
        return rows

    def glosses(self, forms: Iterable[str]) -> dict[str, frozenset[str]]:
        """JA written forms (kanji or katakana words) -> the stems of their English glosses
        (`gloss_stems`), the marked stems of their capitalised words (`proper_stems`) and the
        initials of the names among them (`gloss_initials`), for the forms that are JMdict
        headwords.

        Args:
            forms: candidate words, e.g. every substring of a sentence.

        Returns:
            {form: stems} for the forms found; others are absent.
        """
        return {f: stems for f, (stems, _) in self._entries(forms).items() if stems}

    def _entries(self, forms: Iterable[str]) -> dict[str, tuple[frozenset[str], bool]]:
        """JA forms -> (gloss stems, listed as an ordinary word) for the forms asked that the
        filter lists, looked up once and remembered; (frozenset(), False) for one JMdict
        lacks. Forms the filter does not list are left out."""
        return self._lookup(self._glosses, forms, "word", self._fetch_entries)

    def _fetch_entries(self, forms: list[str]) -> dict[str, tuple[frozenset[str], bool]]:
        sql = "SELECT form, common, glosses FROM word WHERE form IN ({marks})"
        found = dict.fromkeys(forms, _NO_ENTRY)
        for form, common, glosses in self._batched(sql, forms):
            # one gloss a line: the stems of all lines at once (no word spans two), initials line by line
            stems = gloss_stems(glosses) | proper_stems(glosses)
            found[form] = (stems.union(*map(gloss_initials, glosses.split("\n"))), bool(common))
        return found

    def common_words(self, forms: Iterable[str]) -> set[str]:
        """The JA forms that JMdict lists as ordinary words: with a gloss in lowercase (メール
        'mail', ブラック 'black'), not only capitalised ones (アメリカ 'America') or none
        (ロジャース, a name).

        Returns:
            The subset of `forms` found.
        """
        return {f for f, (_, common) in self._entries(forms).items() if common}

    def english_words(self, words: Iterable[str]) -> set[str]:
        """The words (any case) that are ordinary English: the word, lowercased, or a base
        form of it (acquires ~ acquire, suspected ~ suspect) is written in lowercase in some
        JMdict glosses (see `_vocabulary`). Flawless, Royal and Entrepreneurs are; Yoshikawa,
        Bhattacharya, Asahi and Christmas (capitalised in its gloss) are not.

        Returns:
            The subset of `words` found.
        """
        vocabulary = self._vocabulary()
        return {w for w in words if _base_forms(w.lower()) & vocabulary}

    def _vocabulary(self) -> frozenset[str]:
        """Every word written in lowercase in at least 3 English glosses (read once, ~25,000
        words; see scripts/build_lexicon.py): a romanised Japanese word in one gloss (asahi,
        tono) is no English word."""
        if self._english is None:
            self._english = frozenset(w for (w,) in self._query("SELECT word FROM english", []))
        return self._english

    def readings(self, forms: Iterable[str]) -> dict[str, frozenset[str]]:
        """JA written forms -> their readings in plain romaji (see `plain_romaji`): from JMdict
        words and JMnedict names (吉川 -> yoshikawa, kitsukawa, ...), and for a single kanji
        also its KANJIDIC on, kun and name readings.

        Returns:
            {form: readings} for the forms that have any; others are absent.
        """
        found = self._lookup(self._readings, forms, "reading", self._fetch_readings)
        return {f: readings for f, readings in found.items() if readings}

    def _fetch_readings(self, forms: list[str]) -> dict[str, frozenset[str]]:
        found = {f: set() for f in forms}
        for literal, readings in self._kanji_readings([f for f in forms if len(f) == 1]).items():
            found[literal].update(readings)
        for form, kana in self._batched("SELECT form, kana FROM reading WHERE form IN ({marks})", forms):
            found[form].update(plain_romaji(romanize(reading)) for reading in kana.split(" "))
        return {f: frozenset(r for r in readings if r) for f, readings in found.items()}

    def _lookup(
        self, cache: dict[str, V], forms: Iterable[str], table: str, fetch: Callable[[list[str]], dict[str, V]]
    ) -> dict[str, V]:
        """Every distinct form of `forms` that the filter of `table` lists -> its value: from
        `cache`, else from `fetch` (called once, with the forms not cached, in order; it gives
        each a value), remembered. A sentence gives thousands of candidate forms, most of
        them no word: the filter drops those without a query, and the cache keeps words."""
        distinct = list(dict.fromkeys(forms))
        keys = form_keys(distinct)
        listed = self._listed[table]
        if not listed.size:
            return {}
        order = np.argsort(keys)  # keys searched in order: near ones share cache lines (3x faster)
        at = np.minimum(np.searchsorted(listed, keys[order]), len(listed) - 1)
        hit = np.empty(len(keys), dtype=bool)
        hit[order] = listed[at] == keys[order]
        found: dict[str, V] = {}
        missing: list[str] = []
        for f in itertools.compress(distinct, hit.tolist()):
            value = cache.get(f)
            if value is None:
                missing.append(f)
            else:
                found[f] = value
        if missing:
            new = fetch(missing)
            remember(cache, new, _CACHE_LIMIT)
            found.update(new)
        return found

    def _kanji_readings(self, literals: list[str]) -> dict[str, set[str]]:
        """KANJIDIC: kanji -> on, kun (the part before the okurigana dot) and nanori readings;
        and the Chinese (pinyin, tones dropped) and Korean readings (`korean_variants`) by
        which English writes Chinese and Korean names that Japanese writes in kanji (丹東 ~
        Dandong, 習近平 ~ Xi Jinping, 金正恩 ~ Kim Jong Un). Asked for the kanji a text has
        (the whole table would take a third of a second to read and romanise at start)."""
        rows = self._batched("SELECT literal, kind, value FROM kanji WHERE literal IN ({marks})", literals)
        out: dict[str, set[str]] = {}
        for literal, kind, value in rows:
            if kind == "pinyin":
                found = {plain_romaji(value)}
            elif kind == "korean_r":
                found = {plain_romaji(v) for v in korean_variants(value)}
            else:
                found = {plain_romaji(romanize(value.split(".")[0].strip("-")))}
            out.setdefault(literal, set()).update(r for r in found if r)
        return out


def _reinstall(path: Path, problem: str) -> AlignerError:
    """The error for a dictionary file that is missing or damaged: its path, the problem and the fix."""
    return AlignerError(f"{path}: {problem}; reinstall aligner (pip install --force-reinstall aligner)")


def _base_forms(word: str) -> set[str]:
    """A lowercase EN word and the base forms its inflection may come from (-s, -es, -ies,
    -ed, -d, -ing, and older English's -eth and -est: goeth, maketh, answerest)."""
    out = {word}
    endings = (("ies", "y"), ("es", ""), ("s", ""), ("ied", "y"), ("ed", ""), ("d", ""), ("ing", ""), ("ing", "e"),
               ("eth", ""), ("eth", "e"), ("est", ""), ("est", "e"))  # older English: goeth, answerest  # fmt: skip
    for ending, base in endings:
        if word.endswith(ending) and len(word) - len(ending) >= 2:
            out.add(word[: -len(ending)] + base)
    return out


@lru_cache(maxsize=4096)  # KANJIDIC has about 500 distinct Korean readings, each on many kanji
def korean_variants(reading: str) -> frozenset[str]:
    """A Korean reading in the Revised Romanization (KANJIDIC's) and the older spellings
    English still uses for names: McCune-Reischauer's k, t, p, ch for a first g, d, b, j
    and o, u for eo, eu (gim ~ Kim, jeong ~ Jong and Chong, eun ~ Un, bak ~ Pak)."""
    out = {reading, reading.replace("eo", "o").replace("eu", "u")}
    for soft, hard in (("g", "k"), ("d", "t"), ("b", "p"), ("j", "ch")):
        out |= {hard + r[1:] for r in out if r.startswith(soft)}
    return frozenset(out)


@lru_cache(maxsize=8192)
def voiced(reading: str) -> tuple[str, ...]:
    """The forms a reading takes inside a compound: itself and with its first consonant voiced
    (kawa -> gawa, sato -> zato, hara -> bara and para, tsuki -> zuki)."""
    for plain in ("sh", "ch", "ts", "k", "s", "t", "h", "f"):
        if reading.startswith(plain):
            return (reading, *(v + reading[len(plain) :] for v in _RENDAKU[plain]))
    return (reading,)


def remember(cache: dict, new: dict, limit: int) -> None:
    """Add `new` to a lookup cache; when it would pass `limit` entries, its older half goes
    first (a sentence's lookups repeat its paragraph's, just before). What a lookup
    returns never depends on what the cache held."""
    if len(cache) + len(new) > limit:
        for key in list(itertools.islice(cache, max(len(cache) // 2, len(cache) + len(new) - limit))):
            del cache[key]
    cache.update(new)


LEXICON_FILE = Path(__file__).parent / "resources" / "lexicon.sqlite"


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The dictionary shipped in the package, opened once per process."""
    return Lexicon(LEXICON_FILE)
