"""Old Vietnamese font encodings (TCVN3/ABC and VNI) → Unicode, for imports.

Before Unicode (TCVN 6909:2001) became the standard, Word and Excel files
were typed in 8-bit font encodings: TCVN3 (the ".Vn" fonts) puts each
Vietnamese letter on one Latin-1 code point (`Hµ Néi` is "Hà Nội"), VNI
(the "VNI-" fonts) writes a vowel followed by a mark (`Haø Noäi`).  Opened
today, the text shows as those Latin-1 characters.  The tables below are
built from the letters and their tones rather than typed out by hand.

`decode_legacy(texts)` looks at all the texts of one file together (a file is
typed in one font), and converts the ones that carry no Unicode-only
Vietnamese letter; text that looks like neither encoding but still holds
foreign Latin-1 letters is refused.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..domain.errors import DotphaError

TONES = ("\u0301", "\u0300", "\u0309", "\u0303", "\u0323")  # sắc, huyền, hỏi, ngã, nặng

# TCVN3 (ABC): the Latin-1 character of each lower-case letter, untoned then
# with the five tones (same order as TONES).  Upper-case toned letters have no
# code of their own (the ".VnTimeH" fonts draw these codes as capitals).
_TCVN3_ROWS = {
    "a": "a¸µ¶·¹", "ă": "¨¾»¼½Æ", "â": "©ÊÇÈÉË", "e": "eÐÌÎÏÑ", "ê": "ªÕÒÓÔÖ",
    "i": "iÝ×ØÜÞ", "o": "oãßáâä", "ô": "«èåæçé", "ơ": "¬íêëìî", "u": "uóïñòô",
    "ư": "\u00adøõö÷ù", "y": "yýúûüþ",
}  # fmt: skip
_TCVN3_SINGLE = {"đ": "®", "Ă": "¡", "Â": "¢", "Đ": "§", "Ê": "£", "Ô": "¤", "Ơ": "¥", "Ư": "¦"}

# VNI: a base letter, then the mark of its hat and tone; some letters are one character.
_VNI_BASE = {"a": "a", "ă": "aê", "â": "aâ", "e": "e", "ê": "eâ", "o": "o", "ô": "oâ", "ơ": "ô", "u": "u", "ư": "ö", "y": "y"}
_VNI_TONE_PLAIN = "ùøûõï"  # after a, e, o, u, y, ơ, ư
_VNI_TONE_HAT = "áàåãä"  # after â, ê, ô
_VNI_TONE_BREVE = "éèúüë"  # after ă
_VNI_SINGLE = {"i": "i", "í": "í", "ì": "ì", "ỉ": "æ", "ĩ": "ó", "ị": "ò", "ỵ": "î", "đ": "ñ"}

# Letters only Unicode Vietnamese has: their presence means the text is already Unicode.
_UNICODE_ONLY = re.compile("[ĂăĐđĨĩŨũƠơƯư\u1ea0-\u1ef9]")
# Latin-1 letters and signs Vietnamese never uses: left over, they mean the text is not Unicode Vietnamese.
_VIETNAMESE_LATIN1 = "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý"
_FOREIGN = re.compile("[" + "".join(chr(c) for c in range(0xA1, 0x100) if chr(c) not in _VIETNAMESE_LATIN1) + "]")
_TCVN3_SIGN = re.compile("[\u00a1-\u00bf]")  # TCVN3 letters below À: VNI never uses them
_VNI_SIGN = re.compile("[aeouyAEOUYôöÔÖ][ùøûõïåäëüÙØÛÕÏÅÄËÜ]")  # a vowel then a tone mark


class LegacyTextError(DotphaError, ValueError):
    """Text in an old encoding that cannot be converted safely."""


def _tone(letter: str, index: int) -> str:
    return letter if index == 0 else unicodedata.normalize("NFC", letter + TONES[index - 1])


def _tcvn3_table() -> dict[str, str]:
    table = {code: _tone(letter, i) for letter, codes in _TCVN3_ROWS.items() for i, code in enumerate(codes)}
    table.update({code: letter for letter, code in _TCVN3_SINGLE.items()})
    return {code: letter for code, letter in table.items() if code != letter}


def _vni_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for letter, base in _VNI_BASE.items():
        marks = _VNI_TONE_BREVE if letter == "ă" else _VNI_TONE_HAT if letter in "âêô" else _VNI_TONE_PLAIN
        table[base] = letter
        stem = base[0] if letter in "ăâêô" else base  # a hat's tone mark stands for hat and tone together
        for index, mark in enumerate(marks, start=1):
            table[stem + mark] = _tone(letter, index)
    table.update({code: letter for letter, code in _VNI_SINGLE.items()})
    upper = {code.upper(): letter.upper() for code, letter in table.items()}
    return {code: letter for code, letter in {**table, **upper}.items() if code != letter}


TCVN3 = _tcvn3_table()
VNI = _vni_table()
_VNI_PATTERN = re.compile("|".join(sorted(map(re.escape, VNI), key=len, reverse=True)))


def tcvn3_to_unicode(text: str) -> str:
    return "".join(TCVN3.get(char, char) for char in text)


def vni_to_unicode(text: str) -> str:
    return _VNI_PATTERN.sub(lambda match: VNI[match.group()], text)


def unicode_to_tcvn3(text: str) -> str:
    """For tests and fixtures: Unicode lower-case and the capitals TCVN3 has → TCVN3."""
    reverse = {letter: code for code, letter in TCVN3.items()}
    return "".join(reverse.get(char, char) for char in unicodedata.normalize("NFC", text))


def unicode_to_vni(text: str) -> str:
    """For tests and fixtures: Unicode → VNI."""
    reverse = {letter: code for code, letter in VNI.items()}
    return "".join(reverse.get(char, char) for char in unicodedata.normalize("NFC", text))


@dataclass(frozen=True)
class Decoder:
    """How the texts of one file are read: `name` is None for Unicode."""

    name: str | None = None

    def __call__(self, text: str) -> str:
        if self.name is None or _UNICODE_ONLY.search(text):
            return text
        return tcvn3_to_unicode(text) if self.name == "TCVN3" else vni_to_unicode(text)


def detect_legacy(texts: list[str]) -> Decoder:
    """The encoding the texts of one file were typed in; LegacyTextError when it is
    neither Unicode nor a convertible TCVN3 or VNI."""
    legacy = [t for t in texts if t and not _UNICODE_ONLY.search(t) and _FOREIGN.search(t)]
    unicode_texts = sum(1 for t in texts if t and _UNICODE_ONLY.search(t))
    if not legacy or unicode_texts * 3 >= len(legacy):  # a Unicode file with a few stray signs (« », ·, ©)
        return Decoder()
    joined = "\n".join(legacy)
    tcvn3, vni = len(_TCVN3_SIGN.findall(joined)), len(_VNI_SIGN.findall(joined))
    decoder = Decoder("TCVN3" if tcvn3 and tcvn3 >= vni else "VNI" if vni else None)
    left = _FOREIGN.findall(decoder(joined)) if decoder.name else _FOREIGN.findall(joined)
    if decoder.name is None or left:
        sample = next(t for t in legacy if _FOREIGN.search(decoder(t)))
        raise LegacyTextError(
            f"văn bản có ký tự lạ ({''.join(sorted(set(left)))[:12]}), không phải Unicode và không chuyển được"
            f" từ TCVN3 hay VNI: «{sample[:60]}». Hãy chuyển tệp sang Unicode (ví dụ bằng Unikey) rồi nhập lại."
        )
    return decoder
