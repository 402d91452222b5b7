"""Codes of the plan's items (`2.10.1`): how they sort."""

from __future__ import annotations


def sort_key(code: str) -> str:
    """`2.10.1` -> `0002.0010.0001`, so that codes sort as numbers do."""
    return ".".join(part.zfill(4) for part in code.split("."))


def item_sort_key(code: str) -> str:
    """Codes with letters too sort as numbers do: `I.10` after `I.9`, `2.1.b` after `2.1.a` (indicator codes)."""
    return ".".join(part.zfill(4) if part.isdigit() else part for part in code.split("."))
