"""Argument types shared by the command line's subcommands: a bad value gets argparse's
one-line message naming the flag, never a traceback."""
from __future__ import annotations

import argparse


def _whole_number(text: str, least: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, {least} or more") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"must be {least} or more")
    return value


def positive_int(text: str) -> int:
    return _whole_number(text, 1)


def non_negative_int(text: str) -> int:
    return _whole_number(text, 0)


def stride(text: str) -> int | None:
    """A number of frames, or None for 'auto' (chosen from the clip's frame rate)."""
    return None if text == "auto" else positive_int(text)


def non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a number, 0 or more") from None
    if not value >= 0 or value == float("inf"):  # also refuses nan
        raise argparse.ArgumentTypeError("must be a number, 0 or more")
    return value


def positive_float(text: str) -> float:
    value = non_negative_float(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def range_choice(text: str):
    """auto, gentle, standard, or a number of degrees (engine/ranges.py)."""
    from .engine.ranges import RangeChoice

    try:
        return RangeChoice.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def calendar_date(text: str):
    """A day written YYYY-MM-DD, or 'today'."""
    from datetime import date

    if text.strip().lower() == "today":
        return date.today()
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a date written YYYY-MM-DD (or today), not {text!r}") from None
