"""read_lines: one segment a line, blank lines kept, encodings, and errors naming file:line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from aligner.errors import InputError
from aligner.read import read_lines

CASES = {
    "final newline adds no segment": (b"a\nb\n", ["a", "b"]),
    "no final newline": (b"a\nb", ["a", "b"]),
    "empty file": (b"", []),
    "one newline is one blank segment": (b"\n", [""]),
    "trailing blank line kept": (b"a\n\n", ["a", ""]),
    "blank lines kept, spaces untouched": (b"a\n\n  \nb  \n", ["a", "", "  ", "b  "]),
    "CRLF": (b"a\r\nb\r\n\r\nc\r\n", ["a", "b", "", "c"]),
    "lone CR": (b"a\rb\r", ["a", "b"]),
    "mixed line ends": (b"a\r\nb\rc\nd", ["a", "b", "c", "d"]),
    "UTF-8 BOM": (b"\xef\xbb\xbfa\nb\n", ["a", "b"]),
    "UTF-8 BOM and CRLF": (b"\xef\xbb\xbf\xe7\x8c\xab\r\ncat\r\n", ["猫", "cat"]),
    "only a BOM": (b"\xef\xbb\xbf", []),
    "UTF-16 LE with BOM": ("\ufeff猫\ncat\n".encode("utf-16-le"), ["猫", "cat"]),
    "UTF-16 BE with BOM": ("\ufeff猫\ncat\n".encode("utf-16-be"), ["猫", "cat"]),
    "UTF-32 with BOM": ("猫\r\ncat\r\n".encode("utf-32"), ["猫", "cat"]),
    "cp932": ("今日は晴れです。\nこんにちは\n".encode("cp932"), ["今日は晴れです。", "こんにちは"]),
    "EUC-JP": ("今日は晴れです。\r\nこんにちは\r\n".encode("euc_jp"), ["今日は晴れです。", "こんにちは"]),
    # only "\n" (and "\r") end a line: a form feed, U+2028 or a full-width space do not
    "other separators stay in the line": ("a\u2028b\x0cc\n\u3000\n".encode(), ["a\u2028b\x0cc", "\u3000"]),
}


@pytest.mark.parametrize("data, lines", list(CASES.values()), ids=list(CASES))
def test_read_lines(tmp_path: Path, data: bytes, lines: list[str]):
    path = tmp_path / "side.txt"
    path.write_bytes(data)
    assert read_lines(path) == lines


def test_accepts_a_str_path(tmp_path: Path):
    path = tmp_path / "side.txt"
    path.write_bytes(b"x\n")
    assert read_lines(str(path)) == ["x"]


LINE_TEXT = st.text(
    alphabet=st.sampled_from("abc XYZ.,!?\t\u3000あいう漢字。、「」ｱ"), max_size=12
)  # no line breaks, no controls


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(LINE_TEXT, max_size=8), st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_lines_round_trip(tmp_path: Path, lines: list[str], eol: str, bom: bool):
    path = tmp_path / "round.txt"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + "".join(line + eol for line in lines).encode())
    assert read_lines(path) == lines


BAD_BYTES = {
    # (file bytes, line of the first bad byte, the byte as the message shows it)
    "ascii, line 3": (b"hello\nworld\n\xff bad\nend\n", 3, "0xff"),
    "first line": (b"\x80abc\n", 1, "0x80"),
    "last line, no final newline": (b"a\nb\nc\xfe", 3, "0xfe"),
    "after blank lines": (b"a\n\n\n\xff\x28\n", 4, "0xff"),
    "latin-1 English": ("The café is open.\nSee you.\n".encode("latin-1"), 1, "0xe9"),
    "cp1252 quotes": ("“Hello,” she said.\n".encode("cp1252"), 1, "0x93"),
    "cp1252 pound": ("Price:\nIt costs £5.\n".encode("cp1252"), 2, "0xa3"),
    "japanese, then a stray byte": ("今日は晴れです。\n明日は雨です。\n".encode() + b"\xff\n", 3, "0xff"),
    "japanese cut inside a character": ("今日は晴れ\n明日は雨".encode()[:-1] + b"\n", 2, "0xe9"),
    "line 51 of 101": (("猫です。\n" * 50).encode() + b"\xc3\x28\n" + ("犬です。\n" * 50).encode(), 51, "0xc3"),
    "CRLF file": (b"a\r\nb\r\n\xff\r\n", 3, "0xff"),
    "after a BOM": (b"\xef\xbb\xbfa\nb\xff\n", 2, "0xff"),
}


@pytest.mark.parametrize("data, line, byte", list(BAD_BYTES.values()), ids=list(BAD_BYTES))
def test_invalid_utf8_names_file_and_line(tmp_path: Path, data: bytes, line: int, byte: str):
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        read_lines(path)
    message = str(info.value)
    assert message.startswith(f"{path}:{line}: byte {byte}, not UTF-8")
    assert "re-encode the file as UTF-8" in message
    assert "\n" not in message


@st.composite
def english_with_a_bad_byte(draw, bad_bytes: list[int]):
    """(file bytes, line of the bad byte, the byte): English lines with one byte that is not UTF-8."""
    lines = ["Hello."] + draw(st.lists(st.text(alphabet="abcdef xyz.", max_size=10), max_size=10))
    at = draw(st.integers(0, len(lines) - 1))
    bad = draw(st.sampled_from(bad_bytes))
    col = draw(st.integers(0, len(lines[at])))
    raw = [line.encode() for line in lines]
    raw[at] = raw[at][:col] + bytes([bad]) + raw[at][col:]
    return b"\n".join(raw) + b"\n", at + 1, bad


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(english_with_a_bad_byte([0xFF, 0xFE, 0xFD, 0x80, 0xA0]))
def test_invalid_utf8_line_is_the_line_of_the_byte(tmp_path: Path, case):
    data, line, bad = case
    path = tmp_path / "prop.txt"
    path.write_bytes(data)
    with pytest.raises(InputError, match=rf"^{re.escape(str(path))}:{line}: byte 0x{bad:02x}, not UTF-8"):
        read_lines(path)


# English saved as cp1252 (Windows) or Latin-1: most of these bytes also decode as cp932, as a
# kanji or a half-width katakana, and the file is read as mojibake instead of failing.
CP1252_ENGLISH = {
    "apostrophe": ("It’s a dog’s life.\n", 1, "0x92"),  # read as "It痴 a dog痴 life."
    "degree": ("Weather\nIt is 30°C today.\n", 2, "0xb0"),  # "30ｰC"
    "copyright": ("© 2024 Acme\n", 1, "0xa9"),  # "ｩ 2024 Acme"
    "capital E acute": ("Émile Zola\n", 1, "0xc9"),  # "ﾉmile Zola"
    "e acute then apostrophe": ("The café’s menu.\n", 1, "0xe9"),  # "The caf髓s menu."
}


@pytest.mark.parametrize("text, line, byte", list(CP1252_ENGLISH.values()), ids=list(CP1252_ENGLISH))
def test_cp1252_english_is_an_error_not_mojibake(tmp_path: Path, text: str, line: int, byte: str):
    path = tmp_path / "en.txt"
    path.write_bytes(text.encode("cp1252"))
    with pytest.raises(InputError, match=rf"^{re.escape(str(path))}:{line}: byte {byte}, not UTF-8"):
        read_lines(path)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(english_with_a_bad_byte([0x91, 0x92, 0x96, 0x97, 0xA9, 0xAE, 0xB0, 0xBD, 0xC9, 0xD7, 0xDC, 0xE9, 0xFC]))
@example((b"Hello.\nIt\x92s\n", 2, 0x92))
def test_any_cp1252_byte_in_english_is_an_error(tmp_path: Path, case):
    data, line, bad = case
    path = tmp_path / "prop.txt"
    path.write_bytes(data)
    with pytest.raises(InputError, match=rf"^{re.escape(str(path))}:{line}: byte 0x{bad:02x}, not UTF-8"):
        read_lines(path)


def test_invalid_utf8_line_in_a_cr_only_file(tmp_path: Path):
    path = tmp_path / "mac.txt"
    path.write_bytes(b"a\rb\r\xff\r")
    with pytest.raises(InputError, match=rf"^{re.escape(str(path))}:3: byte 0xff"):
        read_lines(path)


@pytest.mark.parametrize(
    "data, line",
    [
        (b"abc\ndef\x00ghi\n", 2),
        (b"\x00\n", 1),
        (b"a\nb\nc\n\x00\x00\x00\n", 4),
        # UTF-16 without a byte order mark: NUL after every ASCII byte
        ("ab\ncd\n".encode("utf-16-le"), 1),
    ],
)
def test_nul_bytes_are_an_error_naming_the_line(tmp_path: Path, data: bytes, line: int):
    path = tmp_path / "nul.txt"
    path.write_bytes(data)
    with pytest.raises(InputError, match=rf"^{re.escape(str(path))}:{line}: binary or control characters; re-encode"):
        read_lines(path)


def test_missing_file_is_an_error_naming_it(tmp_path: Path):
    path = tmp_path / "nope.txt"
    with pytest.raises(InputError, match=rf"^{re.escape(str(path))}: cannot read the file: No such file or directory$"):
        read_lines(path)


def test_a_folder_is_an_error_naming_it(tmp_path: Path):
    with pytest.raises(InputError, match=rf"^{re.escape(str(tmp_path))}: cannot read the file: Is a directory$"):
        read_lines(tmp_path)
