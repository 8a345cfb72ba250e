"""Cells a spreadsheet would run as a formula (=, +, -, @ first) are
written with an apostrophe in front, which spreadsheets show as text; a
cell that already starts with an apostrophe gets one more, so that reading
takes exactly one off and the round trip is exact."""

TRIGGERS = ("=", "+", "-", "@", "'")


def neutralise(cell: str) -> str:
    return "'" + cell if cell.startswith(TRIGGERS) else cell


def restore(cell: str) -> str:
    return cell[1:] if cell.startswith("'") else cell
