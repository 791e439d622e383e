"""The ISO 8601 forms the corpus stores, recognised with the standard library only.

``newscorpus validate`` must stay fast to start, so instead of a date library
this module accepts exactly the forms the schema documents: calendar dates,
year-months, years, week dates, times, date-times, durations and intervals of
those.  Calendar validity (no 30 February) is left to ``datetime``.
"""

from __future__ import annotations

import re
from datetime import date, datetime

_YEAR = re.compile(r"\d{4}")
_YEAR_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
_CALENDAR_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_WEEK_DATE = re.compile(r"\d{4}-W(0[1-9]|[1-4]\d|5[0-3])(-[1-7])?")
_TIME = r"([01]\d|2[0-3])(:[0-5]\d(:[0-5]\d([.,]\d+)?)?)?(Z|[+-]([01]\d|2[0-3])(:?[0-5]\d)?)?"
_TIME_OF_DAY = re.compile(rf"T{_TIME}|([01]\d|2[0-3]):[0-5]\d(:[0-5]\d([.,]\d+)?)?(Z|[+-]([01]\d|2[0-3])(:?[0-5]\d)?)?")
_DATE_TIME = re.compile(rf"(\d{{4}}-\d{{2}}-\d{{2}})T{_TIME}")
_NUM = r"\d+([.,]\d+)?"
_DURATION = re.compile(rf"P(?=[\dT])({_NUM}Y)?({_NUM}M)?({_NUM}W)?({_NUM}D)?(T(?=\d)({_NUM}H)?({_NUM}M)?({_NUM}S)?)?")


def is_calendar_date(value: str) -> bool:
    """YYYY-MM-DD naming a real day: the only form a ``date`` field may hold."""
    if not _CALENDAR_DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _point_start(value: str) -> date | None:
    """The first day of a point in time (year, month, date, week or date-time), or None if not one."""
    if _YEAR.fullmatch(value):
        return date(int(value), 1, 1)
    if _YEAR_MONTH.fullmatch(value):
        return date(int(value[:4]), int(value[5:7]), 1)
    if is_calendar_date(value):
        return date.fromisoformat(value)
    if _WEEK_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    match = _DATE_TIME.fullmatch(value)
    if match and is_calendar_date(match.group(1)):
        try:
            return datetime.fromisoformat(value).date()
        except ValueError:
            return None
    return None


def is_duration(value: str) -> bool:
    """PnYnMnWnDTnHnMnS with at least one component: "P2D", "P4Y", "PT3H"."""
    return bool(_DURATION.fullmatch(value))


def _is_interval(value: str) -> bool:
    """start/end, start/duration or duration/end; a start/end pair must not run backwards."""
    parts = value.split("/")
    if len(parts) != 2:
        return False
    left, right = parts
    left_point, right_point = _point_start(left), _point_start(right)
    if left_point is not None and right_point is not None:
        return left_point <= right_point
    if left_point is not None:
        return is_duration(right)
    if right_point is not None:
        return is_duration(left)
    return False


def is_iso8601(value: str) -> bool:
    """Whether ``value`` is one of the ISO 8601 forms a figure's ``normalized`` may hold."""
    return (
        _point_start(value) is not None
        or bool(_TIME_OF_DAY.fullmatch(value))
        or is_duration(value)
        or _is_interval(value)
    )
