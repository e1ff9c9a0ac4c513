"""Text that a spreadsheet would run as a formula, made inert for CSV, and back.

A CSV cell has no type: Excel, LibreOffice and Google Sheets run any cell that
begins with `=`, `+`, `-`, `@`, TAB or CR as a formula (`=HYPERLINK(…)`,
`=cmd|' /C calc'!A0`, or just a Markdown list `- …`, shown as #NAME?). As
OWASP recommends, such a cell gets a leading apostrophe, which spreadsheets
read as "this is text" and do not show; plain numbers (`-5`, `+1,5`) are not
formulas and stay as they are.

`dotpha import` takes back exactly the apostrophe added here, and only that
one: text that itself began with apostrophes before such a start gets one more,
so `restored(neutralised(text)) == text` for every text. (`defusedcsv` on PyPI
does the first half, but also rewrites every `|` as `\\|` and leaves TAB and CR
alone, so its output cannot be read back to the same text.)
"""

from __future__ import annotations

import re

_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d+)*|[.,]\d+)")


def runs_as_formula(text: str) -> bool:
    """Whether a spreadsheet would read this text, typed into a cell, as a formula."""
    return text.startswith(_STARTS) and not _PLAIN_NUMBER.fullmatch(text)


def neutralised(text: str) -> str:
    """The text as a CSV cell that no spreadsheet runs."""
    return "'" + text if runs_as_formula(text.lstrip("'")) else text


def restored(cell: str) -> str:
    """The text `neutralised` was given; any other cell as it is."""
    return cell[1:] if cell.startswith("'") and runs_as_formula(cell.lstrip("'")) else cell
