"""Levels 1 and 2: each record's shape and types, then its own content.

Every rule here is derived from the record shapes in ``schema``: field names,
types and nullability from ``Field``, span checks from ``RecordShape.spans``,
label checks from every field with an inventory.  Adding a field or a label to
the schema therefore changes what is checked without touching this module.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from .. import corpus, schema
from ..schema import Field, RecordShape
from .iso8601 import is_calendar_date, is_iso8601
from .report import FileReporter

# A doc_id names files (corpus/<doc_id>.txt), so it must not be able to climb out of its folder.
_DOC_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
MAX_DOC_ID_LENGTH = 200
"""A doc_id names files such as ``<doc_id>.jsonl``; most file systems allow 255 bytes a name."""


@dataclass(slots=True)
class Rec:
    """One parsed record and which of its fields later checks must not trust."""

    line: int
    data: dict[str, Any]
    bad: frozenset[str] | set[str] = frozenset()  # missing, wrongly typed or unknown-label fields
    span_ok: bool = False  # every span's offsets are in range and match the stored text

    def ok(self, *names: str) -> bool:
        return not self.bad or not any(name in self.bad for name in names)

    def distrust(self, name: str) -> None:
        """Mark a field later checks must not use."""
        if not self.bad:
            self.bad = set()
        self.bad.add(name)  # type: ignore[union-attr]

    def get(self, name: str) -> Any:
        return self.data.get(name)

    def record_id(self, shape: RecordShape) -> str | None:
        value = self.data.get(shape.id_field)
        return value if isinstance(value, str) else None


# --------------------------------------------------------------------------- level 1

_INT32 = range(-(2**31), 2**31)
"""Offsets and other int fields are exported as int32."""


def _is_number(value: Any) -> bool:
    """A JSON number the export can hold as a float64."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:  # an integer beyond the largest double
        return False


# kind -> (what the message says was expected, test)
_KIND_TESTS: dict[str, tuple[str, Callable[[Any], bool]]] = {
    "string": ("a string", lambda v: isinstance(v, str)),
    "date": ("a date string", lambda v: isinstance(v, str)),
    "label": ("a label string", lambda v: isinstance(v, str)),
    "int": ("an integer", lambda v: isinstance(v, int) and not isinstance(v, bool) and v in _INT32),
    "float": ("a finite number", _is_number),
    "bool": ("true or false", lambda v: isinstance(v, bool)),
    "string_list": ("a list of strings", lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v)),
}


def _type_problem(f: Field, value: Any) -> str | None:
    """Why ``value`` does not fit ``f`` (None when it does), naming the JSON type expected."""
    if value is None:
        return None if f.nullable else "is null, but the field is not nullable"
    description, fits = _KIND_TESTS[f.kind]
    if fits(value):
        return None
    if f.kind == "int" and isinstance(value, int) and not isinstance(value, bool):
        description = "an integer between -2^31 and 2^31-1"
    return f"is {json_type(value)} {_short(value)}, expected {description}" + (" or null" if f.nullable else "")


def json_type(value: Any) -> str:
    """The JSON name of a Python value's type, as a user reading the file would call it."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return "null"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def check_shape(shape: RecordShape, rec: Rec, out: FileReporter) -> None:
    """Missing, unknown and wrongly typed fields; marks the unusable ones in ``rec.bad``."""
    data = rec.data
    for f in shape.fields:
        if f.name not in data:
            out.add("missing-field", rec.line, f"{shape.name} record lacks field '{f.name}' ({f.kind})", rec.record_id(shape))
            rec.distrust(f.name)
            continue
        problem = _type_problem(f, data[f.name])
        if problem:
            out.add("wrong-type", rec.line, f"field '{f.name}' {problem}", rec.record_id(shape))
            rec.distrust(f.name)
    known = shape.field_names
    for name in data:
        if name not in known:
            out.add(
                "unknown-field",
                rec.line,
                f"unknown field '{name}'; {shape.name} records have: {', '.join(known)}",
                rec.record_id(shape),
            )


def iter_records(path: Path, shape: RecordShape, out: FileReporter, root: Path) -> Iterator[Rec]:
    """Parse a JSONL file lazily, reporting unreadable lines and shape and label problems as it goes.

    A line the reader decoded as the shape's typed record needs none of the field, label and id
    checks; every other line
    goes through them, which word each problem.  A path that is not a regular file (or a link out
    of ``root``) is one ``unreadable-file`` finding.
    """
    try:
        for line in corpus.iter_lines(path, root, shape):
            if line.record is None:
                out.add("invalid-json", line.no, line.error or "unreadable line")
                continue
            rec = Rec(line.no, line.record)
            if not line.fits:
                check_shape(shape, rec, out)
                check_labels(shape, rec, out)
                check_ids(shape, rec, out)
            yield rec
    except corpus.CorpusError as exc:
        out.add("unreadable-file", None, str(exc).replace(str(root) + "/", ""))


_ID = re.compile(schema.ID_PATTERN)


def check_ids(shape: RecordShape, rec: Rec, out: FileReporter) -> None:
    """The record's own id and every entity id it holds are non-empty and plain (no space, control or markup)."""
    for f in shape.id_fields:
        value = rec.get(f.name)
        if value is None or not rec.ok(f.name):
            continue
        for one in value if f.kind == "string_list" else (value,):
            if not _ID.match(one):
                out.add("invalid-id", rec.line, f"field '{f.name}' is {_short(one)}: an id is non-empty, without whitespace, control or markup characters", rec.record_id(shape))
                rec.distrust(f.name)
                break


# --------------------------------------------------------------------------- level 2


def check_labels(shape: RecordShape, rec: Rec, out: FileReporter) -> None:
    """Every value of a field with an inventory must be one of its names."""
    for f in shape.label_fields:
        value = rec.get(f.name)
        if value is None or not rec.ok(f.name) or value in f.inventory:  # a wrongly typed value may be unhashable
            continue
        out.add(
            "unknown-label",
            rec.line,
            f"field '{f.name}' is {value!r}, not in inventory {f.inventory.key} ({', '.join(f.inventory.names)})",
            rec.record_id(shape),
        )
        rec.distrust(f.name)


def check_spans(shape: RecordShape, recs: list[Rec], text: str, out: FileReporter) -> None:
    """Offsets in range with start < end, the stored text equal to the slice, no edge whitespace;
    sets each record's ``span_ok``."""
    if not shape.spans:
        return
    length = len(text)
    for rec in recs:
        data = rec.data
        all_ok = True
        for span in shape.spans:
            if rec.bad and not rec.ok(span.start, span.end, span.text):
                all_ok = False
                continue
            start, end, stored = data[span.start], data[span.end], data[span.text]
            if 0 <= start < end <= length and text[start:end] == stored and not stored[0].isspace() and not stored[-1].isspace():
                continue  # the common case: nothing to report, so no message is built
            all_ok = _span_problem(shape, span, rec, text, out) and all_ok
        rec.span_ok = all_ok


def _span_problem(shape: RecordShape, span: schema.Span, rec: Rec, text: str, out: FileReporter) -> bool:
    """Report what is wrong with one span; whether the span is still usable (only edge whitespace)."""
    start, end, stored = rec.data[span.start], rec.data[span.end], rec.data[span.text]
    record_id = rec.record_id(shape)
    if not 0 <= start < end <= len(text):
        out.add(
            "invalid-offset",
            rec.line,
            f"{span.start}={start}, {span.end}={end}: expected 0 <= {span.start} < {span.end} <= {len(text)} (text length)",
            record_id,
        )
        return False
    actual = text[start:end]
    if actual != stored:
        out.add("span-text-mismatch", rec.line, f"{span.text} is {_short(stored)} but text[{start}:{end}] is {_short(actual)}", record_id)
        return False
    out.add("span-whitespace", rec.line, f"{span.text} {_short(actual)} starts or ends with whitespace; trim the span", record_id)
    return True


def check_dates(shape: RecordShape, recs: list[Rec], out: FileReporter) -> None:
    for f in shape.date_fields:
        for rec in recs:
            value = rec.get(f.name)
            if rec.ok(f.name) and value is not None and not is_calendar_date(value):
                out.add("invalid-date", rec.line, f"field '{f.name}' is {value!r}, expected an ISO 8601 date YYYY-MM-DD", rec.record_id(shape))


def check_doc_id(rec: Rec, out: FileReporter) -> bool:
    """Whether the manifest record's doc_id can safely name its files."""
    doc_id = rec.get(schema.DOCUMENT.id_field)
    if not rec.ok(schema.DOCUMENT.id_field):
        return False
    if _DOC_ID.fullmatch(doc_id) and len(doc_id) > MAX_DOC_ID_LENGTH:
        out.add("invalid-doc-id", rec.line, f"doc_id is {len(doc_id)} characters long; at most {MAX_DOC_ID_LENGTH}, so that its file names fit", _short(doc_id))
        rec.distrust(schema.DOCUMENT.id_field)
        return False
    if _DOC_ID.fullmatch(doc_id):
        return True
    out.add(
        "invalid-doc-id",
        rec.line,
        f"doc_id {doc_id!r} is not a file stem: expected letters, digits, '.', '_', '-', not starting with '.' or '-'",
        doc_id,
    )
    rec.distrust(schema.DOCUMENT.id_field)
    return False


def check_figures(recs: list[Rec], out: FileReporter) -> None:
    for rec in recs:
        check_figure(rec, out)


def check_figure(rec: Rec, out: FileReporter) -> None:
    """normalized required for the kinds that have a calendar form, and ISO 8601; ranges ordered."""
    record_id = rec.record_id(schema.FIGURE)
    data = rec.data
    kind, normalized, approximate = data.get("kind"), data.get("normalized"), data.get("approximate")
    if rec.ok("kind", "normalized", "approximate") and kind in schema.NORMALIZED_FIGURE_KINDS:
        if normalized is None and approximate is not True:
            out.add(
                "missing-normalized",
                rec.line,
                f"a {kind} figure needs an ISO 8601 'normalized' value, or approximate=true when it cannot be resolved",
                record_id,
            )
    if rec.ok("normalized") and normalized is not None and not is_iso8601(normalized):
        out.add(
            "invalid-normalized",
            rec.line,
            f"normalized {normalized!r} is not ISO 8601: expected a date (2025-12-05), month (2021-12), "
            "year (2018), time (T10:00), interval (2009/2013) or duration (P2D)",
            record_id,
        )
    if rec.ok("value_low", "value_high"):
        low, high = data.get("value_low"), data.get("value_high")
        if (low is None) != (high is None):
            out.add("invalid-range", rec.line, f"value_low={low}, value_high={high}: a range needs both bounds, or neither", record_id)
        elif low is not None and low > high:
            out.add("invalid-range", rec.line, f"value_low={low} > value_high={high}: expected low <= high", record_id)
    check_figure_value(rec, out)


# The numeric fields of a figure; a calendar figure leaves them all null, a numeric one fills value or the range.
_NUMERIC_FIGURE_FIELDS = ("value", "value_low", "value_high", "unit")


def check_figure_value(rec: Rec, out: FileReporter) -> None:
    """Calendar kinds carry no number (normalized holds them); every other kind needs a value or a range.

    A figure with only one range bound is left to ``invalid-range``, so one mistake gives one finding.
    """
    kind = rec.data.get("kind")
    if not rec.ok("kind", *_NUMERIC_FIGURE_FIELDS):
        return
    if kind in schema.CALENDAR_FIGURE_KINDS:
        filled = [name for name in _NUMERIC_FIGURE_FIELDS if rec.get(name) is not None]
        if filled:
            out.add(
                "invalid-figure-value",
                rec.line,
                f"a {kind} figure has {', '.join(f'{name}={rec.get(name)!r}' for name in filled)}; "
                f"{', '.join(_NUMERIC_FIGURE_FIELDS)} are null for {' and '.join(schema.CALENDAR_FIGURE_KINDS)} "
                "(normalized carries the date or time)",
                rec.record_id(schema.FIGURE),
            )
    elif rec.get("value") is None and rec.get("value_low") is None and rec.get("value_high") is None:
        out.add(
            "invalid-figure-value",
            rec.line,
            f"a {kind} figure has no value and no range: set value, or value_low and value_high",
            rec.record_id(schema.FIGURE),
        )


class UniqueIds:
    """``duplicate-id``: fed a file's records a batch at a time, reports an id used on an earlier line.

    Keeps each id with its first line (not the records), so a large file is checked in little memory."""

    def __init__(self, shape: RecordShape, out: FileReporter) -> None:
        self.shape, self.out = shape, out
        self.first_line: dict[str, int] = {}

    def add(self, recs: list[Rec]) -> None:
        id_field, first_line = self.shape.id_field, self.first_line
        for rec in recs:
            record_id = rec.data.get(id_field)
            if not isinstance(record_id, str) or not rec.ok(id_field):
                continue
            line = first_line.setdefault(record_id, rec.line)
            if line != rec.line:
                self.out.add("duplicate-id", rec.line, f"{id_field} {record_id!r} already used on line {line}", record_id)
