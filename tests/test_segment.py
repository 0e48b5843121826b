"""Sentence splitting: literal cases, the PSCORE seed against its gold, and span properties."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aligner.records import Span
from aligner.segment import (
    CLOSERS,
    JA_TERMINATORS,
    LINE_BREAKS,
    split_en,
    split_ja,
    split_sentences,
)

SHARED = Path(__file__).resolve().parents[2] / "shared"
DEV = SHARED / "eval" / "dev"

# Paragraphs 4, 5, 6, 13, 14, 22 and 25 (from 0) of seeds/pscore_internet_nk.txt.
PSCORE_4 = "A. 基本的には使えません。政府が利用を厳しく統制しているためです。"
PSCORE_5 = "A. Basically, it is not allowed. This is because the government strictly controls its use."
PSCORE_6 = (
    "携帯電話やインターネットを使えば、世界中の情報が得られます。"
    "北朝鮮では国内で承認されていない海外コンテンツや技術はすべて違法であり、"
    "一般の人々が手に入れられるのは検閲された情報やニュースなどごくわずかです。 "
    "北朝鮮政府にとっては、政権維持のために海外の文化やニュースへのアクセスを"
    "可能な限り管理および制限することが最も重要なのです。"
)
PSCORE_13 = (
    "「国民が自由にインターネットが使えるようになれば、北朝鮮は自国を維持することは難しいでしょう。 "
    "[...]ほとんどの人の思想は変わり、社会は混乱し、人々は裏切られたと感じるでしょう。"
    "それが実現するかは時間の問題で、誰もが変わる時が来るのです。 "
    "[...]海外に住む北朝鮮人は真実を知っています。 "
    "[...]インターネットは北朝鮮人の脱北に大きな役割を果たしています。 "
    "人々が一度でもインターネットを使うならば、彼らはすべてを知ることになります。」 –キム・ヨンリ (脱北者)"
)
PSCORE_14 = (
    "“If the internet worked, it would be difficult to maintain North Korea. "
    "[...] It would be a mess, for most people their thoughts will change. "
    "They will feel betrayed, it is just a matter of time, everyone will change. "
    "[...] North Koreans who live abroad know the truth. "
    "[...] The internet plays a major role in the defection of North Koreans. "
    "If they use it even once, they find out everything. ”– Kim Yeon- Ri (North Korean defector)"
)
PSCORE_22 = (
    "「ある日お気に入りのCDを友人に勧めました。 "
    "しかし、その友人が自宅でそのCDを聞いていた時、突然踏み込み捜査が行われたのです。"
    "彼らはCDが誰のものかと尋ねました。"
    "こうして、私と友人、そして私たちの家族までもが捕まったのです。」 –キム・ボラム"
)
PSCORE_25 = (
    "“I watched something on a CD and thought it was fun, so I recommended it to my friend. "
    "My friend was watching it at his/her house when they suddenly got inspected. "
    "They asked who the CD belonged to, and that’s how we got caught, "
    "my friend’s family and mine as well.” – Kim Bo Ram"
)

JA_CASES = {
    "pscore-4-latin-prefix": (PSCORE_4, ["A. 基本的には使えません。", "政府が利用を厳しく統制しているためです。"]),
    "pscore-6": (
        PSCORE_6,
        [
            "携帯電話やインターネットを使えば、世界中の情報が得られます。",
            "北朝鮮では国内で承認されていない海外コンテンツや技術はすべて違法であり、一般の人々が手に入れられるのは検閲された情報やニュースなどごくわずかです。",
            "北朝鮮政府にとっては、政権維持のために海外の文化やニュースへのアクセスを可能な限り管理および制限することが最も重要なのです。",
        ],
    ),
    "pscore-13-long-quote-attribution": (
        PSCORE_13,
        [
            "「国民が自由にインターネットが使えるようになれば、北朝鮮は自国を維持することは難しいでしょう。",
            "[...]ほとんどの人の思想は変わり、社会は混乱し、人々は裏切られたと感じるでしょう。",
            "それが実現するかは時間の問題で、誰もが変わる時が来るのです。",
            "[...]海外に住む北朝鮮人は真実を知っています。",
            "[...]インターネットは北朝鮮人の脱北に大きな役割を果たしています。",
            "人々が一度でもインターネットを使うならば、彼らはすべてを知ることになります。」 –キム・ヨンリ (脱北者)",
        ],
    ),
    "pscore-22-quote-attribution": (
        PSCORE_22,
        [
            "「ある日お気に入りのCDを友人に勧めました。",
            "しかし、その友人が自宅でそのCDを聞いていた時、突然踏み込み捜査が行われたのです。",
            "彼らはCDが誰のものかと尋ねました。",
            "こうして、私と友人、そして私たちの家族までもが捕まったのです。」 –キム・ボラム",
        ],
    ),
    "quote-two-sentences": ("「一文目です。二文目です。」三文目。", ["「一文目です。", "二文目です。」", "三文目。"]),
    "quote-then-to": ("「はい。」と彼は言った。次です。", ["「はい。」と彼は言った。", "次です。"]),
    "quote-then-tte": ("「本当？」って聞いた。", ["「本当？」って聞いた。"]),
    "quote-then-tokoro": ("「ありがとう。」ところで、次は？", ["「ありがとう。」", "ところで、次は？"]),
    "full-width-runs": ("すごい！？ 本当に？ まさか！", ["すごい！？", "本当に？", "まさか！"]),
    "half-width": ("すごい!? 本当に?まさか!", ["すごい!?", "本当に?", "まさか!"]),
    "half-width-ideographic-stop": ("終わりだ｡次だ｡", ["終わりだ｡", "次だ｡"]),
    "ellipsis-then-stop-ideographic-space": ("そうですね…。\u3000次に行きます。", ["そうですね…。", "次に行きます。"]),
    "ellipsis-alone-no-split": ("待って\xa0…いや。", ["待って\xa0…いや。"]),
    "full-width-period-in-number": ("値は３．５です。次。", ["値は３．５です。", "次。"]),
    "warai-inside": ("面白いですね（笑）。次に行きます。", ["面白いですね（笑）。", "次に行きます。"]),
    "warai-after-terminator": ("本当？（笑）それはすごい。", ["本当？（笑）", "それはすごい。"]),
    "paren-closes-in-sentence": ("（注：これは補足です。）が重要です。", ["（注：これは補足です。）が重要です。"]),
    "paren-sentence": ("彼は来た。（補足です。） 次の文。", ["彼は来た。", "（補足です。）", "次の文。"]),
    "question-in-paren": ("天才（？）だ。終わり。", ["天才（？）だ。", "終わり。"]),
    "yahoo-bang": ("Yahoo!ニュースによると晴れ。", ["Yahoo!ニュースによると晴れ。"]),
    "glued-ascii-question": ("事情とは?-PSCORE [ENG]", ["事情とは?-PSCORE [ENG]"]),
    "em-dash-attribution": ("名言です。 — 山田太郎", ["名言です。 — 山田太郎"]),
    "double-hyphen-attribution": ("名言です。 -- 山田", ["名言です。 -- 山田"]),
    "line-breaks": ("見出し\n本文です。二文目。\n最後の行", ["見出し", "本文です。", "二文目。", "最後の行"]),
    "crlf-and-empty-line": ("一行目\r\n\r\n二行目", ["一行目", "二行目"]),
    "empty": ("", []),
    "whitespace-only": (" \u3000\n\xa0", []),
}

EN_CASES = {
    "pscore-5-initial-at-start": (
        PSCORE_5,
        [
            "A. Basically, it is not allowed.",
            "This is because the government strictly controls its use.",
        ],
    ),
    "pscore-14-elision-spaced-quote-attribution": (
        PSCORE_14,
        [
            "“If the internet worked, it would be difficult to maintain North Korea.",
            "[...] It would be a mess, for most people their thoughts will change.",
            "They will feel betrayed, it is just a matter of time, everyone will change.",
            "[...] North Koreans who live abroad know the truth.",
            "[...] The internet plays a major role in the defection of North Koreans.",
            ("If they use it even once, they find out everything. ”– Kim Yeon- Ri (North Korean defector)"),
        ],
    ),
    "pscore-25-quote-attribution": (
        PSCORE_25,
        [
            ("“I watched something on a CD and thought it was fun, so I recommended it to my friend."),
            "My friend was watching it at his/her house when they suddenly got inspected.",
            (
                "They asked who the CD belonged to, and that’s how we got caught, "
                "my friend’s family and mine as well.” – Kim Bo Ram"
            ),
        ],
    ),
    "titles": (
        "Mr. Smith met Dr. Jones. They talked.",
        ["Mr. Smith met Dr. Jones.", "They talked."],
    ),
    "acronym-and-decimal": (
        "The U.S. economy grew 3.5 percent. Analysts cheered.",
        ["The U.S. economy grew 3.5 percent.", "Analysts cheered."],
    ),
    "acronym-ends-sentence": (
        "He moved to the U.S. It was 2012.",
        ["He moved to the U.S.", "It was 2012."],
    ),
    "eg": ("Fruits, e.g. this one, are sweet. Yes.", ["Fruits, e.g. this one, are sweet.", "Yes."]),
    "ie-capitalised": ("I.e. Nothing changed. Right.", ["I.e. Nothing changed.", "Right."]),
    "url-and-email": (
        "Go to example.com or mail a.b@example.com now. Then wait.",
        ["Go to example.com or mail a.b@example.com now.", "Then wait."],
    ),
    "version": ("Update to v2.0 today. It helps.", ["Update to v2.0 today.", "It helps."]),
    "initials": ("J. K. Rowling wrote it. It sold.", ["J. K. Rowling wrote it.", "It sold."]),
    "letter-before-starter": ("It was vitamin C. It helped.", ["It was vitamin C.", "It helped."]),
    "inc-ends-sentence": ("Acme Inc. The firm grew.", ["Acme Inc.", "The firm grew."]),
    "inc-inside-sentence": ("Acme Inc. Headquarters moved.", ["Acme Inc. Headquarters moved."]),
    "etc-lowercase": ("Apples, pears, etc. and more.", ["Apples, pears, etc. and more."]),
    "number-abbreviations": (
        "See No. 5 and p. 45. No. I refuse.",
        ["See No. 5 and p. 45.", "No.", "I refuse."],
    ),
    "month": ("We met on Jan. 5 at noon. Fine.", ["We met on Jan. 5 at noon.", "Fine."]),
    "approx": ("It costs approx. 5 dollars.", ["It costs approx. 5 dollars."]),
    "ellipsis": (
        "I thought... and then. Well... Then it happened.",
        ["I thought... and then.", "Well...", "Then it happened."],
    ),
    "runs": ("Wait… no. Really?! Yes!!", ["Wait… no.", "Really?!", "Yes!!"]),
    "quotes-lowercase-after": (
        '"Stop!" he said. "Why?" she asked.',
        ['"Stop!" he said.', '"Why?" she asked.'],
    ),
    "closing-curly-quote": (
        "He said “hello.” Then he left.",
        ["He said “hello.”", "Then he left."],
    ),
    "paren-sentence": ("(See above.) The end.", ["(See above.)", "The end."]),
    "terminator-in-paren": (
        "Wait (really? yes) okay. Done.",
        ["Wait (really? yes) okay.", "Done."],
    ),
    "dash-attribution": ("Life is short. – Seneca", ["Life is short. – Seneca"]),
    "attribution-initials": ("Words matter. - J. K. Rowling", ["Words matter. - J. K. Rowling"]),
    "uncased-script-start": ("It ended. 日本語の文。", ["It ended.", "日本語の文。"]),
    "inline-bullets": (
        "Done first. - Plug it in. - Wait.",
        ["Done first.", "- Plug it in.", "- Wait."],
    ),
    "emoticon": ("See you next time!:)", ["See you next time!:)"]),
    "note-mark": (
        "These masks are over 95% PFE. *These masks are disposable. *the package has changed. * not a note",
        ["These masks are over 95% PFE.", "*These masks are disposable.", "*the package has changed. * not a note"],
    ),
    "emoji-before-a-word": (
        "It's been a busy weekend. 🚨 breaking news",
        ["It's been a busy weekend.", "🚨 breaking news"],
    ),
    "emoji-closing-a-sentence": ("I love it. ❤️", ["I love it. ❤️"]),
    "heading-line": (
        "Heading here\nBody text starts. Second one.",
        ["Heading here", "Body text starts.", "Second one."],
    ),
    "bullet-lines": ("Ingredients:\n- eggs\n- milk", ["Ingredients:", "- eggs", "- milk"]),
    "terminator-line-break": ("The end.\nnext line", ["The end.", "next line"]),
    "wrapped-lowercase": (
        "A wrapped line goes on\nand on to the end.",
        ["A wrapped line goes on\nand on to the end."],
    ),
    "abbreviation-line-break": ("Mr.\nSmith came.", ["Mr.\nSmith came."]),
    "empty": ("", []),
    "whitespace-only": ("  \n\t \xa0", []),
}


def texts(spans: list[Span]) -> list[str]:
    return [s.text for s in spans]


def assert_partition(text: str, spans: list[Span]) -> None:
    """Spans are ordered, disjoint, stripped, non-empty slices; each non-space char in one."""
    covered = [0] * len(text)
    previous_end = 0
    for s in spans:
        assert s.text, s
        assert text[s.start : s.end] == s.text, s
        assert s.text == s.text.strip(), s
        assert previous_end <= s.start < s.end, s
        previous_end = s.end
        for i in range(s.start, s.end):
            covered[i] += 1
    uncovered = [i for i, ch in enumerate(text) if not ch.isspace() and covered[i] != 1]
    assert uncovered == [], (text, spans)


@pytest.mark.parametrize(("text", "expected"), JA_CASES.values(), ids=JA_CASES.keys())
def test_split_ja(text: str, expected: list[str]) -> None:
    spans = split_ja(text)
    assert texts(spans) == expected
    assert_partition(text, spans)
    assert split_sentences(text, "ja") == spans


@pytest.mark.parametrize(("text", "expected"), EN_CASES.values(), ids=EN_CASES.keys())
def test_split_en(text: str, expected: list[str]) -> None:
    spans = split_en(text)
    assert texts(spans) == expected
    assert_partition(text, spans)
    assert split_sentences(text, "en") == spans


def test_spans_carry_offsets() -> None:
    assert split_ja(" 一文目。　二文目。") == [Span(1, 5, "一文目。"), Span(6, 10, "二文目。")]
    assert split_en("Hi.  Bye.") == [Span(0, 3, "Hi."), Span(5, 9, "Bye.")]


@pytest.mark.parametrize("lang", ["other", "", "fr"])
def test_unknown_lang_is_english(lang: str) -> None:
    assert split_sentences(PSCORE_5, lang) == split_en(PSCORE_5)


def test_ja_rules_differ_from_en() -> None:
    # A half-width period is no JA terminator; 。 is no EN terminator when glued to text.
    assert texts(split_sentences("A. B. C.", "ja")) == ["A. B. C."]
    assert texts(split_sentences("一文目。二文目。", "en")) == ["一文目。二文目。"]


# --- properties -----------------------------------------------------------------------

SPECIAL = list("。！？｡.!?…「」『』（）()[]“”\"'’–—-ー、,:; \u3000\u00a0\n\r\t")
LETTERS = list("aAbBcCxXyZiI159あいうアイウ漢字한")
TOKENS = (
    SPECIAL
    + LETTERS
    + [
        "Mr.",
        "U.S.",
        "e.g.",
        "etc.",
        "No.",
        "p.",
        "3.5",
        "example.com",
        "[...]",
        "[…]",
        " – ",
        "”–",
        "（笑）",
        "(笑)",
        "。」",
        "！？",
        "?!",
        "...",
        "A. ",
        "The ",
        "It ",
        "と",
        "って",
        "Yahoo!",
        ":)",
        "- ",
        "• ",
        "1. ",
        "\n- ",
    ]
)
paragraphs = st.one_of(
    st.lists(st.sampled_from(TOKENS), max_size=40).map("".join),
    st.text(alphabet=st.sampled_from(SPECIAL + LETTERS), max_size=60),
    st.text(max_size=40),
)


@settings(max_examples=400, deadline=None)
@given(paragraphs)
def test_ja_spans_partition_the_text(text: str) -> None:
    assert_partition(text, split_ja(text))


@settings(max_examples=400, deadline=None)
@given(paragraphs)
def test_en_spans_partition_the_text(text: str) -> None:
    assert_partition(text, split_en(text))


@settings(max_examples=200, deadline=None)
@given(paragraphs, st.sampled_from(["ja", "en", "xx"]))
def test_split_sentences_partitions_the_text(text: str, lang: str) -> None:
    assert_partition(text, split_sentences(text, lang))


@settings(max_examples=300, deadline=None)
@given(paragraphs)
def test_en_never_cuts_inside_a_token(text: str) -> None:
    # An EN sentence ends only where whitespace follows: 3.5, example.com, U.S. stay whole.
    spans = split_en(text)
    for s in spans[:-1]:
        assert text[s.end].isspace(), (text, s)


@settings(max_examples=300, deadline=None)
@given(paragraphs)
def test_ja_cuts_only_at_terminators_or_line_breaks(text: str) -> None:
    spans = split_ja(text)
    for s, nxt in itertools.pairwise(spans):
        gap = text[s.end : nxt.start]
        ends = s.text[-1] in JA_TERMINATORS + CLOSERS
        assert ends or any(c in LINE_BREAKS for c in gap), (text, s)


# --- gold data (../shared/eval) ---------------------------------------------------------


def read_paragraphs(path: Path) -> list[str]:
    """Blocks of a doc.txt as eval/README.md defines them: split on blank lines, stripped."""
    return [b.strip() for b in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")) if b.strip()]


def reproduces(paragraph: str, spans: list[Span], gold: str) -> bool:
    """Whether `gold` is one span or the paragraph text running over consecutive spans."""
    return any(paragraph[first.start : last.end] == gold for i, first in enumerate(spans) for last in spans[i:])


def test_pscore_gold_sentences_are_unions_of_ours() -> None:
    case = DEV / "interleaved" / "pscore"
    if not (case / "gold_sentences.jsonl").is_file():
        pytest.skip(f"../shared/eval not found: {case}")
    paragraphs = read_paragraphs(case / "doc.txt")
    missed = []
    for line in (case / "gold_sentences.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        for lang in ("ja", "en"):
            paragraph = paragraphs[record[f"{lang}_paragraph"]]
            if not reproduces(paragraph, split_sentences(paragraph, lang), record[lang]):
                missed.append((lang, record[lang]))
    assert missed == []


def test_pscore_literals_match_the_seed() -> None:
    case = DEV / "interleaved" / "pscore" / "doc.txt"
    if not case.is_file():
        pytest.skip(f"../shared/eval not found: {case}")
    paragraphs = read_paragraphs(case)
    literals = {
        4: PSCORE_4,
        5: PSCORE_5,
        6: PSCORE_6,
        13: PSCORE_13,
        14: PSCORE_14,
        22: PSCORE_22,
        25: PSCORE_25,
    }
    assert {i: paragraphs[i] for i in literals} == literals


def test_dev_sentence_lines_oversplitting_is_reported() -> None:
    """Print (not assert) how often one gold line of eval/dev/sentences splits into several
    sentences; gold lines are segments, sometimes of two or more sentences (Bible verses)."""
    if not any((DEV / "sentences").glob("*/ja.txt")):
        pytest.skip(f"../shared/eval not found: {DEV / 'sentences'}")
    for lang in ("ja", "en"):
        lines = [
            line
            for path in sorted((DEV / "sentences").glob(f"*/{lang}.txt"))
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
        split = sum(len(split_sentences(line, lang)) > 1 for line in lines)
        rate = split / len(lines)
        print(f"{lang}: {split}/{len(lines)} gold lines ({rate:.1%}) split into >1 sentence")
        assert all(split_sentences(line, lang) for line in lines)
