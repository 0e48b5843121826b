"""TMX 1.4b: read back with the standard library's parser and lxml; XML 1.0 only."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from aligner.export.pairs import pair_id
from aligner.export.tmx import write_tmx, xml_text
from tests.export_cases import HARD_EN, HARD_JA, PAIRS, SENTENCES

GOLDEN = Path(__file__).parent / "data" / "export" / "corpus.tmx"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.mark.parametrize(
    "text, clean, dropped",
    [
        ("猫\x07", "猫", 1),
        ("\x00a\x1fb\x7f", "ab\x7f", 2),  # DEL is allowed in XML 1.0
        ("\ud800x\ufffe\uffff", "x", 3),  # a lone surrogate and the two non-characters
        ("tab\tnl\ncr\r😀", "tab\tnl\ncr\r😀", 0),
    ],
)
def test_xml_text(text, clean, dropped):
    assert xml_text(text) == (clean, dropped)


def units(tree) -> list[dict]:
    out = []
    for tu in tree.iter("tu"):
        props = {p.get("type"): p.text or "" for p in tu.findall("prop")}
        segs = {tuv.get(XML_LANG): tuv.find("seg").text or "" for tuv in tu.findall("tuv")}
        out.append({"tuid": tu.get("tuid"), **props, **segs})
    return out


def expected(pairs) -> list[dict]:
    out = []
    for p in pairs:
        u = {"tuid": pair_id(p), "x-score": repr(p.score), "x-doc": p.doc, "x-level": p.level}
        if not p.kept:
            u["x-reason"] = p.reason
        out.append(u | {"ja": xml_text(p.ja)[0], "en": xml_text(p.en)[0]})
    return out


def test_tmx_read_back_with_the_standard_library(tmp_path):
    path = tmp_path / "corpus.tmx"
    assert write_tmx(path, SENTENCES, "sentence", "1.2.3") == (3, 2)  # a BEL on each side of the first pair
    root = ET.parse(path).getroot()
    assert root.tag == "tmx" and root.get("version") == "1.4"
    header = root.find("header")
    assert header.get("srclang") == "ja" and header.get("segtype") == "sentence"
    assert header.get("creationtoolversion") == "1.2.3"
    got = units(root)
    assert got == expected(SENTENCES)
    # only the control characters are gone: tabs, newlines, CR, <, &, ]]>, emoji, full width stay
    assert got[0]["ja"] == HARD_JA.replace("\x07", "") and got[0]["en"] == HARD_EN.replace("\x07", "")


def test_tmx_read_back_with_lxml(tmp_path):
    etree = pytest.importorskip("lxml.etree", reason="lxml is in the test extra: pip install -e '.[test]'")
    path = tmp_path / "corpus.tmx"
    pairs = [p for p in PAIRS if p.level == "sentence"]  # kept and rejected
    write_tmx(path, pairs, "sentence", "0")
    tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False))
    assert units(tree) == expected(pairs)
    assert tree.docinfo.encoding.lower() == "utf-8" and tree.docinfo.xml_version == "1.0"


def test_tmx_matches_golden(tmp_path):
    path = tmp_path / "corpus.tmx"
    write_tmx(path, PAIRS, "paragraph", "0.1.0")
    assert path.read_bytes() == GOLDEN.read_bytes()


def test_empty_tmx_is_valid(tmp_path):
    path = tmp_path / "corpus.tmx"
    assert write_tmx(path, [], "sentence", "0") == (0, 0)
    root = ET.parse(path).getroot()
    assert root.find("body") is not None and list(root.find("body")) == []
