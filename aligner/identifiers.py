"""Identifiers that carry digits (cpe210, PERSON11, I-131, 500ml): agreement across sides."""

from __future__ import annotations

import re
import unicodedata

_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*")
_LETTERS = re.compile(r"[A-Za-z]+")


def identifiers(text: str) -> dict[str, set[str]]:
    """The text's identifiers: tokens of Latin letters and digits (joined by - _ or .) that
    hold both, after NFKC (so full-width ＰＥＲＳＯＮ１１ counts), grouped by their letters
    case-folded: {"cpe": {"cpe210"}, "person": {"person11", "person14"}}. Spelled-out
    numbers and plain words hold no digit and are left to the other features."""
    found: dict[str, set[str]] = {}
    for token in _TOKEN.findall(unicodedata.normalize("NFKC", text)):
        if any(c.isdigit() for c in token) and any(c.isalpha() for c in token):
            key = "".join(_LETTERS.findall(token)).casefold()
            found.setdefault(key, set()).add(re.sub(r"[-_.]", "", token).casefold())
    return found


def identifier_agreement(ja: str, en: str) -> float | None:
    """The share of the identifier stems both sides use (`identifiers`: the same letters)
    for which the two sides share an identifier, digits included: 0.0 for "TP-Link cpe210"
    against "cpe220", 1.0 when they agree; None when no stem is on both sides (an
    identifier on one side only is often rendered in words on the other: COVID-19 ~
    新型コロナ), so nothing is compared."""
    a, b = identifiers(ja), identifiers(en)
    shared = a.keys() & b.keys()
    if not shared:
        return None
    return sum(1 for key in shared if a[key] & b[key]) / len(shared)
