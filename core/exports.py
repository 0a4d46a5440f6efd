"""Cells written to CSV/XLSX files: text that a spreadsheet would run as a formula is neutralised.

Excel, LibreOffice and Google Sheets treat a cell starting with `=`, `+`, `-`, `@` (and tab or carriage
return, which some of them skip) as a formula, also after leading spaces: `=HYPERLINK(...)` or
`=cmd|' /C calc'!A0` in a customer name would run on the reader's machine. Such text gets a leading `'`,
which spreadsheets show as plain text (OWASP "CSV injection"). Numbers stay numbers: a value that is a plain
number (`-1200`, `3.5`) is not text a formula can hide in. Every export path calls `safe_cell` / `safe_row`.
"""

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def safe_cell(value):
    """The value to write in a cell: strings that would start a formula get a leading apostrophe."""
    if not isinstance(value, str):
        return value
    stripped = value.lstrip(" \u3000\n")
    if not stripped.startswith(FORMULA_START) and not value.startswith(FORMULA_START):
        return value
    if PLAIN_NUMBER.fullmatch(stripped):
        return value
    return "'" + value


def safe_row(values):
    return [safe_cell(value) for value in values]
