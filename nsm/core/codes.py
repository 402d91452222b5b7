"""Codes of the plan's items (`2.10.1`): how they sort."""

from __future__ import annotations


def sort_key(code: str) -> str:
    """`2.10.1` -> `0002.0010.0001`, so that codes sort as numbers do."""
    return ".".join(part.zfill(4) for part in code.split("."))
