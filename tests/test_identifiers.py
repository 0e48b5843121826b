import pytest

from aligner.identifiers import identifier_agreement, identifiers


@pytest.mark.parametrize(
    "text, expected",
    [
        ("屋根にTP-Linkのcpe210を取り付けて", {"cpe": {"cpe210"}}),
        ("(PERSON11) and (PERSON14)", {"person": {"person11", "person14"}}),
        ("ＰＥＲＳＯＮ１１です", {"person": {"person11"}}),
        ("FOB I-131, fifty miles", {"i": {"i131"}}),
        ("500ml bottles, 2 of them", {"ml": {"500ml"}}),
        ("three bottles and 2020 and COVID", {}),
    ],
)
def test_identifiers(text, expected):
    assert identifiers(text) == expected


@pytest.mark.parametrize(
    "ja, en, expected",
    [
        ("屋根にTP-Linkのcpe210を取り付けて", "mounting a TP-Link cpe220 on the roof", 0.0),
        ("屋根にTP-Linkのcpe210を取り付けて", "mounting a TP-Link cpe210 on the roof", 1.0),
        ("(PERSON11)やってみよう。", "(PERSON14) Let's give it a try.", 0.0),
        ("（ＰＥＲＳＯＮ１１）やってみよう。", "(PERSON11) Let's give it a try.", 1.0),
        ("前方作戦基地I-131と500mlの水", "FOB I-131 and 500ml of water", 1.0),
        ("前方作戦基地I-131と500mlの水", "FOB I-134 and 500ml of water", 0.5),
        # an identifier on one side only is not compared
        ("新型コロナの流行", "the COVID-19 pandemic", None),
        ("会議は3時に始まる。", "The meeting starts at 3 p.m.", None),
    ],
)
def test_identifier_agreement(ja, en, expected):
    assert identifier_agreement(ja, en) == expected
