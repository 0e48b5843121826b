"""Pairs shared by the format tests: text with every character a format must carry or escape."""

from __future__ import annotations

from aligner.records import Features, Pair

# tab, newline, carriage return, backslashes (also before n and t), XML specials, a CDATA end,
# emoji (outside the BMP), full-width letters and space, and a control character (BEL)
HARD_JA = "タブ\tと改行\nと\\nでない\\t、<b>&amp;</b> ]]> 😀 ＡＢＣ\u3000全角\x07鈴\r終"
HARD_EN = 'Tab\there, newline\nthere, back\\slash "quoted" <i>&</i> ]]> 🇯🇵 ｆｕｌｌ\x07 bell\\'

FEATURES = Features(cosine=0.82, margin=1.31, length_z=-0.4, ja_lang=1.0, en_lang=0.98, numbers=None, overlap=0.05)

PAIRS = (
    Pair("docs/a|b.txt", "sentence", HARD_JA, HARD_EN, (0,), (1,), ((0, 0, 40),), ((1, 2, 60),), FEATURES, 0.91),
    Pair(
        "docs/a|b.txt", "sentence", "猫です。", "It is a cat.", (2,), (3,), ((2, 0, 4),), ((3, 0, 12),), FEATURES, 0.875
    ),
    Pair("docs/c.txt", "paragraph", "段落。\n続き。", "A paragraph. More.", (0, 1), (2,), score=0.7),
    Pair(
        "docs/c.txt", "sentence", "違う。", "Unrelated.", (4,), (5,), ((4, 0, 3),), ((5, 0, 10),), FEATURES, 0.1,
        kept=False, reason="low_score",
    ),
    Pair("docs/c.txt", "paragraph", "訳なし。", "", (6,), (), kept=False, reason="no_counterpart"),
    Pair("docs/d.txt", "sentence", "犬。", "A dog.", (0,), (1,), ((0, 0, 2),), ((1, 0, 6),), None, 1.0),
)  # fmt: skip

SENTENCES = [p for p in PAIRS if p.level == "sentence" and p.kept]
