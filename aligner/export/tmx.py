"""TMX 1.4b: one <tu> a pair with its id, score, document and level, for translation memories."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import XMLGenerator, escape

from aligner.export.files import atomic_write
from aligner.export.pairs import pair_id
from aligner.records import Pair

# Characters XML 1.0 does not allow (C0 controls but tab, LF and CR; surrogates; U+FFFE, U+FFFF).
NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class _Writer(XMLGenerator):
    """XMLGenerator that also writes a carriage return in text as `&#13;`, since an XML
    parser reads a bare one as a line feed."""

    def characters(self, content: str) -> None:
        # XMLGenerator.characters with one more entity (its private helpers, stable since 3.2)
        if content:
            self._finish_pending_start_element()
            self._write(escape(content, {"\r": "&#13;"}))


def xml_text(text: str) -> tuple[str, int]:
    """Text without the characters XML 1.0 cannot hold, and how many were dropped."""
    clean, n = NOT_XML.subn("", text)
    return clean, n


def write_tmx(path: Path, pairs: Sequence[Pair], level: str, version: str) -> tuple[int, int]:
    """Write `pairs` as a TMX 1.4b file (UTF-8, srclang ja), atomically.

    Each <tu> has `tuid` = the pair id, <prop> elements `x-score`, `x-doc` and `x-level`
    (and `x-reason` for a rejected pair), then a <tuv xml:lang="ja"> and a <tuv xml:lang="en">.

    Args:
        level: "sentence" or "paragraph": the header's segtype.
        version: the aligner version, the header's creationtoolversion.

    Returns:
        (units written, characters dropped as not allowed in XML 1.0).
    """
    dropped = 0
    with atomic_write(path) as f:
        out = _Writer(f, encoding="utf-8", short_empty_elements=True)
        out.startDocument()
        out.startElement("tmx", {"version": "1.4"})
        out.characters("\n")
        header = {
            "creationtool": "aligner",
            "creationtoolversion": version,
            "segtype": level,
            "o-tmf": "aligner",
            "adminlang": "en",
            "srclang": "ja",
            "datatype": "plaintext",
        }
        out.startElement("header", header)
        out.endElement("header")
        out.characters("\n")
        out.startElement("body", {})
        out.characters("\n")
        for p in pairs:
            out.startElement("tu", {"tuid": pair_id(p)})
            props = [("x-score", repr(float(p.score))), ("x-doc", p.doc), ("x-level", p.level)]
            if not p.kept:
                props.append(("x-reason", p.reason))
            for kind, value in props:
                out.startElement("prop", {"type": kind})
                text, n = xml_text(value)
                out.characters(text)
                dropped += n
                out.endElement("prop")
            for lang, side in (("ja", p.ja), ("en", p.en)):
                out.startElement("tuv", {"xml:lang": lang})
                out.startElement("seg", {})
                text, n = xml_text(side)
                out.characters(text)
                dropped += n
                out.endElement("seg")
                out.endElement("tuv")
            out.endElement("tu")
            out.characters("\n")
        out.endElement("body")
        out.characters("\n")
        out.endElement("tmx")
        out.characters("\n")
        out.endDocument()
    return len(pairs), dropped
