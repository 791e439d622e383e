"""Uncovered digits: every decimal digit outside figures and waivers is found, ASCII or not."""

from __future__ import annotations

from newscorpus import schema
from newscorpus.checks.guidelines import check_digits
from newscorpus.checks.report import Reporter


def _figure(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def _uncovered(text: str, figures: list[tuple[int, int]]) -> list[str]:
    reporter = Reporter()
    check_digits(text, figures, [], reporter.at("t.txt"), reporter.at("x.jsonl"))
    return [f.message.split(" at ")[0] for f in reporter.findings if f.check == schema.UNCOVERED_DIGIT]


def test_ascii_digit_outside_figures_is_found():
    text = "Trade grew 12% and 7 ships sailed."
    assert _uncovered(text, [_figure(text, "12%")]) == ["digits '7'"]


def test_ascii_digit_in_a_text_with_other_non_ascii_characters_is_found():
    text = "Trade grew 12% – and 7 ships sailed “today”."
    assert _uncovered(text, [_figure(text, "12%")]) == ["digits '7'"]


def test_non_ascii_decimal_digit_outside_figures_is_found():
    text = "Trade grew 12% and \u0663 ships sailed."  # ARABIC-INDIC DIGIT THREE
    assert _uncovered(text, [_figure(text, "12%")]) == ["digits '\u0663'"]


def test_digits_inside_figures_are_not_reported_in_non_ascii_text():
    text = "Trade grew 12% – in \u0968\u0966\u0968\u096a."  # Devanagari 2024
    assert _uncovered(text, [_figure(text, "12%"), _figure(text, "\u0968\u0966\u0968\u096a")]) == []


def test_partly_covered_digit_run_reports_only_its_uncovered_part():
    text = "Call 12345 now."
    assert _uncovered(text, [_figure(text, "123")]) == ["digits '45'"]
