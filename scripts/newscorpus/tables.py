"""The one Markdown and plain-text table renderer of the package (docs, stats, card, evaluation)."""

from __future__ import annotations

from typing import Any, Iterable


def _cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _is_number(text: str) -> bool:
    return text.replace(".", "", 1).replace("-", "", 1).isdigit()


def markdown_table(header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> str:
    """A GitHub table; columns whose cells are all numbers (after the first column) are right-aligned."""
    head = [_cell(h) for h in header]
    body = [[_cell(c) for c in row] for row in rows]
    numeric = [bool(body) and i > 0 and all(_is_number(row[i]) for row in body) for i in range(len(head))]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---:" if n else "---" for n in numeric) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in body]
    return "\n".join(lines) + "\n"


def text_table(title: str, header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> str:
    """An aligned plain-text table under its title; numbers right-aligned."""
    head = [str(h) for h in header]
    body = [[str(c) for c in row] for row in rows]
    widths = [max(len(cell) for cell in col) for col in zip(head, *body)]

    def line(row: list[str]) -> str:
        return "  ".join(c.rjust(w) if _is_number(c) else c.ljust(w) for c, w in zip(row, widths)).rstrip()

    return "\n".join([title, line(head), *(line(r) for r in body)]) + "\n"
