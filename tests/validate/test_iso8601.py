"""The ISO 8601 forms a figure's `normalized` and a manifest date may hold."""

from __future__ import annotations

import pytest

from newscorpus.checks.iso8601 import is_calendar_date, is_iso8601

ACCEPTED = [
    "2025-12-05",  # date
    "2021-12",  # year-month
    "2018",  # year
    "2025-W49",  # week
    "T10:00",  # time of day
    "10:30",
    "2025-12-05T10:00Z",  # date-time
    "P2D",  # durations
    "P4Y",
    "PT3H",
    "P1Y2M",
    "P0.5Y",
    "2009/2013",  # intervals
    "2021-12/2025-12",
    "2025-12-04/P2D",
    "P2D/2025-12-06",
]
REJECTED = [
    "",
    "March 2024",
    "2025-02-30",  # no such day
    "2025-13",  # no such month
    "12/05/2025",
    "25",
    "P",
    "PT",
    "P2",
    "2013/2009",  # interval running backwards
    "P2D/P3D",
    "2009/2013/2017",
    "2025-12-05T25:00",
]


@pytest.mark.parametrize("value", ACCEPTED)
def test_accepts_iso8601_form(value):
    assert is_iso8601(value)


@pytest.mark.parametrize("value", REJECTED)
def test_rejects_non_iso8601_form(value):
    assert not is_iso8601(value)


@pytest.mark.parametrize("value", ["2024-02-29", "2025-12-07"])
def test_calendar_date_accepts_real_days(value):
    assert is_calendar_date(value)


@pytest.mark.parametrize("value", ["2023-02-29", "2025-12", "2025", "20251207", "2025-12-07T10:00"])
def test_calendar_date_rejects_anything_but_a_real_yyyy_mm_dd(value):
    assert not is_calendar_date(value)
