"""Argument types for the subcommands: a bad value is one line naming the option and the value, exit 2.

argparse calls these while parsing, so a value out of range never reaches the command (no traceback, no
half-done work). Each returns a function suitable for ``add_argument(type=...)``.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable


def _number(text: str, kind: type) -> float:
    try:
        value = kind(text)
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
    if kind is float and not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def float_range(
    lo: float, hi: float, *, hi_open: bool = False, lo_open: bool = False
) -> Callable[[str], float]:
    """A float in ``[lo, hi]`` (``hi_open``/``lo_open``: that end excluded)."""
    left, right = "(" if lo_open else "[", ")" if hi_open else "]"

    def parse(text: str) -> float:
        value = float(_number(text, float))
        if value < lo or value > hi or (lo_open and value == lo) or (hi_open and value == hi):
            raise argparse.ArgumentTypeError(f"must be in {left}{lo:g}, {hi:g}{right}, got {text!r}")
        return value

    parse.__name__ = "number"
    return parse


def int_range(lo: int, hi: int | None = None) -> Callable[[str], int]:
    """A whole number ``>= lo`` (and ``<= hi`` when given)."""

    def parse(text: str) -> int:
        value = int(_number(text.strip(), int))
        if value < lo or (hi is not None and value > hi):
            limits = f"from {lo} to {hi}" if hi is not None else f">= {lo}"
            raise argparse.ArgumentTypeError(f"must be a whole number {limits}, got {text!r}")
        return value

    parse.__name__ = "whole number"
    return parse


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line on stderr (``error: argument --x: ...``), exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"error: {message} (see {self.prog} --help)\n")
