"""Bytes to text: UTF-8 (with or without BOM) first, then UTF-16 (BOM, or the NUL pattern of a file saved
without one), a declared charset when the page names one, then charset-normalizer for GB18030/GBK and Big5.

Real notices saved from government sites are often GBK. The decoded string is what offsets index.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

CANDIDATES = ["gb18030", "big5", "utf_16", "utf_8"]
MAX_BYTES = 20 * 1024 * 1024
_SURROGATE = re.compile("[\ud800-\udfff]")
# A declared charset names the family, not the exact table: GB2312 pages hold GBK characters.
_HINT_FAMILY = {"gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030", "x-gbk": "gb18030",
                "big5": "big5", "big5-hkscs": "big5hkscs", "utf-8": "utf-8", "utf8": "utf-8"}


class DecodeError(ValueError):
    pass


def too_large(size: int, max_bytes: int) -> str:
    return (f"file too large: {size / 2**20:.1f} MB exceeds the {max_bytes / 2**20:.3g} MB limit "
            f"(raise it with --max-mb, or split the file)")


def decode_bytes(data: bytes, max_bytes: int = MAX_BYTES, hint: str | None = None) -> tuple[str, str]:
    """Return (text, encoding) or raise DecodeError with a reason a user can act on.

    ``hint`` is a charset the file declares (an HTML ``<meta charset>``); it is tried only after strict
    UTF-8 fails and only if the bytes decode under it, so a wrong declaration cannot garble the text."""
    if not data:
        raise DecodeError("empty file")
    if len(data) > max_bytes:
        raise DecodeError(too_large(len(data), max_bytes))
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data, "utf_8_sig"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf_16"), "utf-16"
    if b"\x00" in data[:8192]:
        guess = _utf16_without_bom(data)
        if guess:
            return guess
        raise DecodeError("binary file (contains NUL bytes), not text")
    try:
        return _no_surrogates(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    family = _HINT_FAMILY.get((hint or "").strip().lower())
    if family and family != "utf-8":
        try:
            return data.decode(family), family
        except UnicodeDecodeError:
            pass
    try:
        best = from_bytes(data, cp_isolation=CANDIDATES).best()
    except Exception as exc:  # the detector must never take a batch down
        raise DecodeError(f"encoding detection failed: {exc!r}") from exc
    if best is None:
        raise DecodeError("cannot decode as UTF-8, GB18030, Big5 or UTF-16")
    return _no_surrogates(str(best)), best.encoding


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 saved without a BOM: ASCII characters (digits, newlines) leave NULs on one side only."""
    if len(data) % 2:
        return None
    sample = data[:65536]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    for encoding, nuls, other in (("utf_16_le", odd, even), ("utf_16_be", even, odd)):
        if nuls >= max(4, 8 * other):  # CJK code points like U+5300 put a few NULs on the other side
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if _looks_like_text(text):
                return text, encoding.replace("_", "-")
    return None


_PLAIN = re.compile(r"[\t\n\r\x20-\x7e\u2000-\u206f\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


def _looks_like_text(text: str) -> bool:
    """Chinese or ASCII text, as a notice is; binary data read as UTF-16 lands elsewhere in Unicode."""
    return bool(text) and len(_PLAIN.findall(text)) >= 0.95 * len(text)


def _strict(data: bytes, encoding: str) -> str:
    try:
        return _no_surrogates(data.decode(encoding))
    except UnicodeDecodeError as exc:
        raise DecodeError(f"invalid {encoding} at byte {exc.start}") from exc


def _no_surrogates(text: str) -> str:
    m = _SURROGATE.search(text)
    if m:
        raise DecodeError(f"invalid text: unpaired surrogate at character {m.start()}")
    return text


def check_text(text: str, max_chars: int | None = None) -> None:
    if not text.strip():
        raise DecodeError("no text (only whitespace)")
    if max_chars is not None and len(text) > max_chars:
        raise DecodeError(f"text too long: {len(text):,} characters exceeds the {max_chars:,} limit")
    _no_surrogates(text)
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t")
    if controls > max(10, len(text) // 100):
        raise DecodeError(f"binary content: {controls} control characters")
