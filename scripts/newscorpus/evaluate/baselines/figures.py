"""Rule-based figure baseline: numbers, percentages, money with scale words, durations, years, dates.

Rules, tried in this order; a match is kept only where no earlier match took a character:

1. MONEY: a currency sign or code (``CURRENCY_SIGNS``) before a number with an optional scale
   word (``SCALES``), or a number, optional scale and a currency word (``CURRENCY_WORDS``);
   value = number x scale in the currency's code.
2. PERCENT: a number followed by ``%``, ``percent`` or ``per cent`` (space or hyphen); unit percent.
3. DATE: ``[Weekday, ]Month D[, YYYY]``, ``D Month [YYYY]``, ``Month YYYY``, ``YYYY-YYYY`` (a
   range of years), a lone year 1900-2099.  A day without a year takes the year of the
   document's publication date (manifest ``published``); without one it stays unresolved
   (normalized null, approximate true).
4. DURATION: a number (digits or one..twelve) and day/week/month/year, by a space or hyphen
   ("two-day"); normalized P<n>D/W/M/Y.
5. ORDINAL: digits with st/nd/rd/th; unit rank.
6. CARDINAL: any other number in digits, or the words one..twelve; unit count.

No month alone, no relative dates ("last year"), no spelled-out ordinals.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Callable

from ... import schema
from ...corpus import Corpus

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
NUMBER_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
SCALES = {"thousand": 1e3, "k": 1e3, "lakh": 1e5, "m": 1e6, "mn": 1e6, "million": 1e6, "crore": 1e7, "b": 1e9, "bn": 1e9, "billion": 1e9, "tn": 1e12, "trillion": 1e12}
CURRENCY_SIGNS = {"US$": "USD", "$": "USD", "USD": "USD", "€": "EUR", "£": "GBP", "₹": "INR", "Rs.": "INR", "Rs": "INR", "INR": "INR"}
CURRENCY_WORDS = {"dollars": "USD", "rupees": "INR", "euros": "EUR"}
DURATION_UNITS = {"day": "D", "week": "W", "month": "M", "year": "Y"}

NUM_BODY = r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
NUM = rf"(?<![\w.,]){NUM_BODY}"
WORD_NUM = rf"(?P<word>(?i:{'|'.join(NUMBER_WORDS)}))"
SCALE = r"(?:\s?(?P<scale>thousand|lakh|million|crore|billion|trillion)|(?P<abbr>bn|mn|tn|k|m|b))(?!\w)"
MONTH = rf"(?P<month>{'|'.join(MONTHS)})"
DAY = r"(?P<day>\d{1,2})(?!\d)"
YEAR = r"(?P<year>(?:19|20)\d{2})(?!\d)"
END = r"(?![\w%])"


def _number(text: str) -> float:
    value = float(text.replace(",", ""))
    return int(value) if value.is_integer() else value


def _numeric(kind: str, value: float, unit: str, normalized: str | None = None) -> dict[str, Any]:
    return {"kind": kind, "value": value, "value_low": None, "value_high": None, "unit": unit, "normalized": normalized, "approximate": False}


def _calendar(normalized: str | None) -> dict[str, Any]:
    return {"kind": "DATE", "value": None, "value_low": None, "value_high": None, "unit": None, "normalized": normalized, "approximate": normalized is None}


def _money(m: re.Match, _: date | None) -> dict[str, Any]:
    scale_word = m.group("scale") or m.group("abbr")
    value = _number(m.group("num")) * (SCALES[scale_word.lower()] if scale_word else 1)
    sign = m.groupdict().get("sign")
    code = CURRENCY_SIGNS[sign] if sign else CURRENCY_WORDS[m.group("cword").lower()]
    return _numeric("MONEY", int(value) if float(value).is_integer() else value, code)


def _percent(m: re.Match, _: date | None) -> dict[str, Any]:
    return _numeric("PERCENT", _number(m["num"]), "percent")


def _day_date(m: re.Match, published: date | None) -> dict[str, Any] | None:
    year = int(m.group("year")) if m.group("year") else (published.year if published else None)
    month, day = MONTHS.index(m.group("month")) + 1, int(m.group("day"))
    if year is None:
        return _calendar(None) if 1 <= day <= 31 else None
    try:
        return _calendar(date(year, month, day).isoformat())
    except ValueError:
        return None


def _year_range(m: re.Match, _: date | None) -> dict[str, Any] | None:
    return _calendar(f"{m.group('year')}/{m.group('year2')}") if m.group("year") < m.group("year2") else None


def _count(m: re.Match) -> float:
    word = m.groupdict().get("word")
    return NUMBER_WORDS.index(word.lower()) + 1 if word else _number(m.group("num"))


def _duration(m: re.Match, _: date | None) -> dict[str, Any]:
    n, unit = _count(m), m.group("unit").lower()
    return _numeric("DURATION", n, unit, f"P{n}{DURATION_UNITS[unit]}")


def _cardinal(m: re.Match, _: date | None) -> dict[str, Any]:
    return _numeric("CARDINAL", _count(m), "count")


Rule = tuple[re.Pattern, Callable[[re.Match, date | None], dict[str, Any] | None]]
_SIGNS = "|".join(re.escape(s) for s in sorted(CURRENCY_SIGNS, key=len, reverse=True))
RULES: tuple[Rule, ...] = (
    (re.compile(rf"(?<!\w)(?P<sign>{_SIGNS})\s?{NUM_BODY}(?:{SCALE})?{END}"), _money),
    (re.compile(rf"{NUM}(?:{SCALE})?\s(?P<cword>(?i:dollars|rupees|euros)){END}"), _money),
    (re.compile(rf"{NUM}(?:\s?%|[\s-](?:per\s?cent|percent)(?!\w))"), _percent),
    (re.compile(rf"(?<!\w)(?:(?:{'|'.join(WEEKDAYS)}),\s+)?{MONTH}\s+{DAY}(?:,?\s+{YEAR})?{END}"), _day_date),
    (re.compile(rf"(?<![\w.,]){DAY}\s+{MONTH}(?:\s+{YEAR})?{END}"), _day_date),
    (re.compile(rf"(?<!\w){MONTH}\s+{YEAR}{END}"), lambda m, _: _calendar(f"{m['year']}-{MONTHS.index(m['month']) + 1:02d}")),
    (re.compile(r"(?<![\w.,])(?P<year>(?:19|20)\d{2})\s?[–-]\s?(?P<year2>(?:19|20)\d{2})(?![\w%])"), _year_range),
    (re.compile(rf"(?:{NUM}|(?<!\w){WORD_NUM})[\s-](?P<unit>(?i:day|week|month|year))s?(?!\w)"), _duration),
    (re.compile(rf"(?<![\w.,]){YEAR}(?![\w%.,]\d|[\w%])"), lambda m, _: _calendar(m["year"])),
    (re.compile(rf"{NUM}(?:st|nd|rd|th)(?!\w)"), lambda m, _: _numeric("ORDINAL", _number(m["num"]), "rank")),
    (re.compile(rf"{NUM}(?![\w%]|[.,]\d)"), _cardinal),
    (re.compile(rf"(?<!\w){WORD_NUM}(?!\w)"), _cardinal),
)


def _published(corpus: Corpus, doc_id: str) -> date | None:
    doc = next(d for d in corpus.documents if d["doc_id"] == doc_id)
    return date.fromisoformat(doc["published"]) if doc.get("published") else None


def extract(text: str, published: date | None) -> list[dict[str, Any]]:
    """Figures found by ``RULES`` in ``text``, in text order, without ids."""
    taken = bytearray(len(text))
    found = []
    for pattern, build in RULES:
        for m in pattern.finditer(text):
            if not any(taken[m.start() : m.end()]) and (fields := build(m, published)) is not None:
                taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
                found.append({"start": m.start(), "end": m.end(), "text": m.group(), **fields})
    return sorted(found, key=lambda f: (f["start"], f["end"]))


def predict(corpus: Corpus, doc_ids: list[str]) -> dict[str, dict[str, list[dict[str, Any]]]]:
    out = {}
    for doc_id in doc_ids:
        figures = extract(corpus.texts[doc_id], _published(corpus, doc_id))
        out[doc_id] = [{"figure_id": f"f-{i:03d}", **f} for i, f in enumerate(figures, start=1)]
    return {schema.FIGURE.name: out}
