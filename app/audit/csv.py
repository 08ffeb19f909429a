"""Cells for CSV files that members open in spreadsheets (the audit export, attendee lists)."""

from __future__ import annotations


def csv_safe(value: str) -> str:
    """Keep a spreadsheet from running a cell that starts like a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
