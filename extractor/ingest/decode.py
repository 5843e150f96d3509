"""Bytes to text: UTF-8 (with or without BOM) first, then a detector for GB18030/GBK, Big5 and UTF-16.

Real notices saved from government sites are often GBK. The decoded string is what offsets index.
"""

from __future__ import annotations

from charset_normalizer import from_bytes

CANDIDATES = ["gb18030", "big5", "utf_16", "utf_8"]
MAX_BYTES = 20 * 1024 * 1024


class DecodeError(ValueError):
    pass


def decode_bytes(data: bytes, max_bytes: int = MAX_BYTES) -> tuple[str, str]:
    """Return (text, encoding) or raise DecodeError with a reason a user can act on."""
    if not data:
        raise DecodeError("empty file")
    if len(data) > max_bytes:
        raise DecodeError(f"file too large: {len(data) / 1e6:.1f} MB exceeds the {max_bytes / 1e6:.0f} MB limit")
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data, "utf_8_sig"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf_16"), "utf-16"
    if b"\x00" in data[:8192]:
        raise DecodeError("binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=CANDIDATES).best()
    if best is None:
        raise DecodeError("cannot decode as UTF-8, GB18030, Big5 or UTF-16")
    return str(best), best.encoding


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise DecodeError(f"invalid {encoding} at byte {exc.start}") from exc


def check_text(text: str) -> None:
    if not text.strip():
        raise DecodeError("no text (only whitespace)")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t")
    if controls > max(10, len(text) // 100):
        raise DecodeError(f"binary content: {controls} control characters")
