"""JSON and YAML readers with bounded size, depth and number lengths, raising only `FormatError`.

Hostile inputs these stop (each measured in ``tests/core/test_hostile_input.py``):

- JSON nested thousands deep (the standard parser raises ``RecursionError``): refused past `MAX_JSON_DEPTH`.
- ``NaN``, ``Infinity`` (Python's parser accepts them, JSON does not) and floats that overflow (``1e999``).
- Integers of thousands of digits (quadratic to convert; Python refuses past 4,300 digits with a bare
  ``ValueError``): refused past `MAX_NUMBER_CHARS` characters.
- YAML aliases (``*name``): a 383-byte ``data.yaml`` of nested aliases expands to millions of entries once a
  caller walks or prints it; aliases are refused, and nesting is bounded by `MAX_YAML_DEPTH`.
- Files over the caller's byte limit: refused from ``stat`` before a byte is read.
"""

from __future__ import annotations

import json
import math
import os
import reprlib
import stat
from pathlib import Path
from typing import Any

import yaml

from annotator.core.formats.common import FormatError

MAX_JSON_DEPTH = 20  # COCO needs 5 (root, annotations, annotation, segmentation, polygon)
MAX_YAML_DEPTH = 20
MAX_NUMBER_CHARS = 100
MAX_YAML_BYTES = 1024 * 1024

_short = reprlib.Repr()
_short.maxstring = 60
_short.maxother = 60
_short.maxlist = _short.maxdict = _short.maxtuple = 4
_short.maxlevel = 3


def brief(value: Any) -> str:
    """A bounded ``repr`` for messages: long strings, big or deeply nested values are cut with ``...``."""
    return _short.repr(value)


class _Refused(ValueError):
    pass


def _parse_int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise _Refused(f"a number of {len(text):,} digits (over {MAX_NUMBER_CHARS})")
    return int(text)


def _parse_float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise _Refused(f"a number of {len(text):,} characters (over {MAX_NUMBER_CHARS})")
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"the number {text[:40]} overflows to infinity")
    return value


def _parse_constant(text: str) -> Any:
    raise _Refused(f"{text} is not a JSON number")


def _depth(value: Any) -> int:
    """Nesting depth of lists/dicts (a scalar is 0), counted without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            node = node.values()
        elif not isinstance(node, list):
            continue
        deepest = max(deepest, depth)
        if depth > MAX_JSON_DEPTH:
            break
        stack.extend((child, depth + 1) for child in node if isinstance(child, (list, dict)))
    return deepest


def loads_json(text: str | bytes, source: str) -> Any:
    """Parse JSON text; ``source`` names it in messages.

    Raises:
        FormatError: not JSON, not UTF-8, NaN/Infinity, an over-long number, or nested over `MAX_JSON_DEPTH`.
    """
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8-sig")
        elif text.startswith("\ufeff"):
            text = text[1:]
        data = json.loads(
            text, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_parse_constant
        )
    except UnicodeDecodeError as exc:
        raise FormatError(f"{source}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except _Refused as exc:
        raise FormatError(f"{source}: not valid JSON: {exc}") from None
    except RecursionError:
        raise FormatError(f"{source}: nested too deeply (over {MAX_JSON_DEPTH} levels)") from None
    except ValueError as exc:  # json.JSONDecodeError, and int() past Python's digit limit
        raise FormatError(f"{source}: not valid JSON: {exc}") from None
    if _depth(data) > MAX_JSON_DEPTH:
        raise FormatError(f"{source}: nested too deeply (over {MAX_JSON_DEPTH} levels)")
    return data


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # before opening: opening a FIFO would block
            raise FormatError(f"{path}: not a regular file")
        with open(path, "rb") as f:
            info = os.fstat(f.fileno())
            if info.st_size > max_bytes:
                raise FormatError(f"{path}: {info.st_size:,} bytes, over the {max_bytes:,}-byte limit")
            data = f.read(max_bytes + 1)
    except OSError as exc:
        raise FormatError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise FormatError(f"{path}: over the {max_bytes:,}-byte limit")
    return data


def load_json(path: str | os.PathLike[str], max_bytes: int) -> Any:
    """`loads_json` of a file of at most ``max_bytes`` (a FIFO or device is refused, never read)."""
    path = Path(path)
    if not path.exists():
        raise FormatError(f"{path}: cannot read: file not found")
    if path.is_dir() or not path.is_file():
        raise FormatError(f"{path}: not a regular file")
    return loads_json(_read_bytes(path, max_bytes), str(path))


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader without aliases and with a nesting limit (its composer recurses per level)."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not accepted (they can expand without bound)", mark
            )
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                mark = self.peek_event().start_mark
                raise yaml.composer.ComposerError(None, None, f"nested over {MAX_YAML_DEPTH} levels", mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def loads_yaml(text: str | bytes, source: str) -> Any:
    """Parse one YAML document safely (plain data only, no aliases, bounded nesting).

    Raises:
        FormatError: not UTF-8, not YAML, an alias, or nested over `MAX_YAML_DEPTH` levels.
    """
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8-sig")
        return yaml.load(text, Loader=_BoundedLoader)  # noqa: S506 - a SafeLoader subclass
    except UnicodeDecodeError as exc:
        raise FormatError(f"{source}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except yaml.YAMLError as exc:
        raise FormatError(f"{source}: not readable YAML: {str(exc)[:300]}") from None
    except (RecursionError, ValueError, TypeError, OverflowError) as exc:
        # e.g. a timestamp out of range; the composer's depth is bounded, RecursionError is belt and braces
        raise FormatError(f"{source}: not readable YAML: {type(exc).__name__}: {str(exc)[:200]}") from None


def load_yaml(path: str | os.PathLike[str], max_bytes: int = MAX_YAML_BYTES) -> Any:
    """`loads_yaml` of a file of at most ``max_bytes``."""
    path = Path(path)
    if not path.is_file():
        raise FormatError(f"{path}: not a regular file")
    return loads_yaml(_read_bytes(path, max_bytes), str(path))
