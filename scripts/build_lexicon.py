"""Derive the compact dictionary that ships in the package (aligner/resources/lexicon.sqlite)
from the EDRDG's JMdict, JMnedict and KANJIDIC2 as compiled into SQLite by `jamdict-data`.

The derived file holds only what `aligner.lexicon.Lexicon` reads:

- word(form, common, glosses): every JMdict written form (kanji or kana) with its English
  glosses, one per line; a single character keeps only the glosses of its first
  SINGLE_CHAR_SENSES senses per entry (上 'above, top', not 'going to Kyoto'); `common` is 1
  when some gloss of the form, parentheses removed, starts in lowercase (メール 'mail': an
  ordinary word; アメリカ 'America' or ロジャース, none: a name);
- reading(form, kana): the kana readings of every JMdict kanji form and JMnedict name form,
  space-separated;
- kanji(literal, kind, value): KANJIDIC2 on, kun, nanori, pinyin and Korean readings;
- english(word): the words written in lowercase in at least VOCABULARY_MIN_GLOSSES English
  glosses (ordinary English; a romanised Japanese word in one gloss is not);
- meta(key, value): sources, their versions, the licence and these parameters.

Beside it goes the form filter that lets a lookup skip forms the file lacks without a query
(`aligner.lexicon.write_forms`: lexicon.forms.npz); `--forms-only` writes just that, from the
lexicon as it is.

`jamdict-data` ships only as an sdist that needs `wheel` to install:

    python -m venv /tmp/jd && /tmp/jd/bin/pip install wheel && /tmp/jd/bin/pip install jamdict-data==1.5
    /tmp/jd/bin/python -c 'import jamdict_data; print(jamdict_data.JAMDICT_DB_PATH)'  # the --source
    python scripts/build_lexicon.py --source /tmp/jd/lib/python3.11/site-packages/jamdict_data/jamdict.db

The output is deterministic: the same source gives the same bytes.
"""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
from collections import Counter, defaultdict
from pathlib import Path

from aligner.lexicon import forms_file, write_forms

REPO = Path(__file__).resolve().parents[1]
OUTPUT = REPO / "aligner" / "resources" / "lexicon.sqlite"
SINGLE_CHAR_SENSES = 2
VOCABULARY_MIN_GLOSSES = 3
_PARENTHESES = re.compile(r"\([^)]*\)\s*")
LICENCE = (
    "JMdict, JMnedict and KANJIDIC2 are the property of the Electronic Dictionary Research and "
    "Development Group (EDRDG), used in conformance with the Group's licence: Creative Commons "
    "Attribution-ShareAlike 4.0 International (CC BY-SA 4.0). https://www.edrdg.org/edrdg/licence.html"
)


def words(src: sqlite3.Connection) -> dict[str, tuple[int, list[str]]]:
    """form -> (common, sorted glosses kept) over JMdict's Kanji and Kana forms."""
    found: dict[str, set[str]] = defaultdict(set)
    common: set[str] = set()
    for table in ("Kanji", "Kana"):
        rows = src.execute(
            f"SELECT k.text, s.idseq, s.ID, g.text FROM {table} k JOIN Sense s ON s.idseq = k.idseq "
            "JOIN SenseGloss g ON g.sid = s.ID WHERE g.lang = 'eng'"
        ).fetchall()
        senses: dict[tuple[str, int], set[int]] = defaultdict(set)
        for form, entry, sense, _ in rows:
            senses[form, entry].add(sense)
        first = {key: sorted(ids)[:SINGLE_CHAR_SENSES] for key, ids in senses.items() if len(key[0]) == 1}
        for form, entry, sense, gloss in rows:
            if len(form) > 1 or sense in first[form, entry]:
                found[form].add(gloss)
            if _PARENTHESES.sub("", gloss)[:1].islower():
                common.add(form)
    return {f: (int(f in common), sorted(found[f])) for f in sorted(set(found) | common)}


def readings(src: sqlite3.Connection) -> dict[str, list[str]]:
    """kanji form -> sorted kana readings, from JMdict words and JMnedict names."""
    out: dict[str, set[str]] = defaultdict(set)
    for forms, kana in (("Kanji", "Kana"), ("NEKanji", "NEKana")):
        for form, reading in src.execute(f"SELECT k.text, r.text FROM {forms} k JOIN {kana} r ON r.idseq = k.idseq"):
            out[form].add(reading)
    return {f: sorted(r) for f, r in sorted(out.items())}


def kanji(src: sqlite3.Connection) -> list[tuple[str, str, str]]:
    """(literal, kind, value) for the KANJIDIC2 readings the features use, sorted."""
    rows = src.execute(
        "SELECT c.literal, r.r_type, r.value FROM character c JOIN rm_group g ON g.cid = c.ID "
        "JOIN reading r ON r.gid = g.ID WHERE r.r_type IN ('ja_on', 'ja_kun', 'pinyin', 'korean_r') "
        "UNION SELECT c.literal, 'nanori', n.value FROM character c JOIN nanori n ON n.cid = c.ID"
    ).fetchall()
    return sorted(set(rows))


def english(src: sqlite3.Connection) -> list[str]:
    """The words in lowercase in at least VOCABULARY_MIN_GLOSSES English glosses, sorted."""
    counts: Counter[str] = Counter()
    for (text,) in src.execute("SELECT text FROM SenseGloss WHERE lang = 'eng'"):
        counts.update(set(re.findall(r"(?<![A-Za-z])[a-z]+", text)))
    return sorted(w for w, n in counts.items() if n >= VOCABULARY_MIN_GLOSSES)


def build(source: Path, output: Path) -> None:
    """Read the jamdict-data database at `source` and write the compact lexicon to `output`
    (through a temporary file renamed into place)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    meta = dict(src.execute("SELECT key, value FROM meta"))
    tmp = output.with_name(output.name + ".tmp")
    tmp.unlink(missing_ok=True)
    out = sqlite3.connect(tmp)
    out.executescript(
        """
        PRAGMA page_size = 4096;
        CREATE TABLE word (form TEXT PRIMARY KEY, common INTEGER NOT NULL, glosses TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE reading (form TEXT PRIMARY KEY, kana TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE kanji (literal TEXT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL);
        CREATE INDEX kanji_literal ON kanji (literal);
        CREATE TABLE english (word TEXT PRIMARY KEY) WITHOUT ROWID;
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
        """
    )
    out.executemany("INSERT INTO word VALUES (?, ?, ?)", ((f, c, "\n".join(g)) for f, (c, g) in words(src).items()))
    out.executemany("INSERT INTO reading VALUES (?, ?)", ((f, " ".join(r)) for f, r in readings(src).items()))
    out.executemany("INSERT INTO kanji VALUES (?, ?, ?)", kanji(src))
    out.executemany("INSERT INTO english VALUES (?)", ((w,) for w in english(src)))
    info = {
        "source": "jamdict-data 1.5 (JMdict, JMnedict and KANJIDIC2 compiled by jamdict)",
        **{k: v for k, v in meta.items() if k.split(".")[0] in ("jmdict", "jmnedict", "kanjidic2")},
        "licence": LICENCE,
        "single_char_senses": str(SINGLE_CHAR_SENSES),
        "vocabulary_min_glosses": str(VOCABULARY_MIN_GLOSSES),
    }
    out.executemany("INSERT INTO meta VALUES (?, ?)", sorted(info.items()))
    out.commit()
    out.execute("VACUUM")
    out.close()
    os.replace(tmp, output)
    write_forms(output)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help="jamdict-data's jamdict.db (not needed with --forms-only)")
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT)
    parser.add_argument("--forms-only", action="store_true", help="write only the form filter of --output")
    args = parser.parse_args()
    if args.forms_only:
        write_forms(args.output)
    elif args.source is None:
        parser.error("--source is required (or --forms-only)")
    else:
        build(args.source, args.output)
        print(f"wrote {args.output}: {args.output.stat().st_size / 1e6:.1f} MB")
    forms = forms_file(args.output)
    print(f"wrote {forms}: {forms.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
