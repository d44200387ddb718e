"""Natural, case-insensitive ordering of file names: "img2" < "img10", "A.jpg" next to "a.jpg"."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TypeVar

_DIGITS = re.compile(r"\d+")

T = TypeVar("T")


# "\x01" then a character giving the number's length: below every printable character, so "a1" < "ab".
_LENGTH_MARKS = ["\x01" + chr(0x20 + n) for n in range(256)]


def _digits_token(match: re.Match[str]) -> str:
    # A length prefix makes plain string comparison numeric: a shorter number is a smaller one.
    digits = match.group().lstrip("0") or "0"
    n = len(digits)
    return (_LENGTH_MARKS[n] if n < 256 else "\x01" + chr(0x20 + min(n, 0xD7FF - 0x20))) + digits


def natural_key(text: str) -> str:
    """Sort key: digit runs compare as numbers, letters case-insensitively (``"img2"`` < ``"IMG10"``).

    One flat string per name (numbers encoded with their length, then ``"\\x00"`` and the original text as
    the tie-breaker for ``"a01"`` vs ``"a1"`` or ``"A"`` vs ``"a"``), so sorting 20,000 names compares plain
    strings in C and the order is total and stable.
    """
    return _DIGITS.sub(_digits_token, text.casefold()) + "\x00" + text


def natural_sorted(items: Iterable[T], key=None) -> list[T]:
    """``sorted`` with `natural_key` applied to ``key(item)`` (or to the item itself when it is a string)."""
    if key is None:
        return sorted(items, key=lambda s: natural_key(str(s)))
    return sorted(items, key=lambda s: natural_key(key(s)))
