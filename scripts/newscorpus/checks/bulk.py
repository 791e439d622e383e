"""The common case decided in bulk: a whole file's records checked column by column.

The detailed checks in ``records``, ``crossref`` and ``guidelines`` run a chain of Python
functions per record, which at ~63 records a document was most of the validator's CPU.
Nearly every file of a corpus is valid, so this module first asks one question per file
-- "would the detailed checks report anything here?" -- with set, ``map`` and ``zip``
operations over columns that run in C, and only when the answer is not a certain "no"
does the caller run the detailed checks, which then word every finding.

The contract that keeps findings identical: every function here returns a "clean" result
only when the detailed checks would report nothing and leave the same state behind (no
field marked bad, every span usable).  They may refuse a clean file (the caller then
merely spends the time the detailed checks cost), but never accept a file with a problem.

Standard library only: the CLI imports the validator to build its parser.
"""

from __future__ import annotations

import functools
import json
import math
import operator
from dataclasses import dataclass
from itertools import chain, compress, repeat
from typing import Any, Callable, Iterator, Sequence

from .. import schema
from ..schema import RecordShape
from .crossref import EntityIndex, duplicate_key_fields, entity_label_field, entity_ref_fields, linked_entity_fields
from .iso8601 import is_calendar_date, is_iso8601
from .guidelines import SurfaceInputs, Waiver
from .records import per_shape

_scan = json.JSONDecoder().scan_once  # the C scanner ``json.loads`` and ``raw_decode`` use, default settings
_NONE = type(None)
Columns = tuple[tuple[Any, ...], ...]
"""One tuple per field of a shape, in field order, each holding that field's values in file order."""


# --------------------------------------------------------------------------- parsing


_SEPARATORS: tuple[tuple[str, Any], ...] = (
    ("null", None),
    ("true", True),
    ("false", False),
    ("NaN", json.decoder.NaN),  # type: ignore[attr-defined]  # the one object every NaN token decodes to
)
"""JSON tokens with one spelling each, and the one object each decodes to: candidate line separators."""


def parse_lines(content: str) -> list[dict[str, Any]] | None:
    """Every line of a JSONL file's content as a dict, or None unless each line is exactly one object.

    Line numbers are then list positions plus one, and each dict is what ``json.loads`` gives for
    its line alone.  None sends the file to the caller's line-by-line reader, which decides and
    words what is wrong.
    """
    if not content:
        return []
    return _parse_joined(content) or _parse_scanned(content)


def _parse_joined(content: str) -> list[dict[str, Any]] | None:
    """One ``json.loads`` for the whole file, its lines joined into an array with a separator token between them.

    Faster than a decode per line: one call, and keys repeated on every line are decoded once.
    Exact, not a guess: the separator is a token with one spelling (``null``, ``true``, ...) that
    the content never says, so every object that token decodes to in the result is a separator the
    join put there.  If the result alternates object, separator, object ... with one separator
    per line break, no line break fell inside a value (its separator would sit inside that value,
    not between objects) and no line held two values or none (the count would be off), so every
    line is exactly one object.  Whitespace around a line is accepted, as ``json.loads`` accepts
    it for that line alone.
    """
    body = content[:-1] if content.endswith("\n") else content
    for token, separator in _SEPARATORS:
        if token not in body:
            break
    else:
        return None
    joined = body.replace("\n", f",{token},")
    breaks = (len(joined) - len(body)) // (len(token) + 1)  # each line break grew by the token and two commas
    try:
        values = json.loads("[" + joined + "]")
    except ValueError:  # JSONDecodeError: some line is not one value; the scanner finds out which
        return None
    if len(values) != 2 * breaks + 1 or not all(map(operator.is_, values[1::2], repeat(separator))):
        return None
    objects = values[::2]
    return objects if set(map(type, objects)) == {dict} else None


def _parse_scanned(content: str) -> list[dict[str, Any]] | None:
    """``parse_lines`` line by line, scanning the content in place with the C scanner.

    A value must end exactly at its line's end: that rejects whitespace around it, blank lines and
    a value running over a newline, so each line decodes as ``json.loads`` decodes it alone.
    """
    values: list[dict[str, Any]] = []
    append, find, scan = values.append, content.find, _scan
    pos, size = 0, len(content)
    while pos < size:
        line_end = find("\n", pos)
        if line_end == -1:
            line_end = size
        try:
            value, end = scan(content, pos)
        except (StopIteration, ValueError):  # no value here; JSONDecodeError is a ValueError
            return None
        if end != line_end or type(value) is not dict:
            return None
        append(value)
        pos = line_end + 1
    return values


# --------------------------------------------------------------------------- per-shape facts


_KIND_TYPES: dict[str, frozenset[type]] = {
    "string": frozenset({str}),
    "date": frozenset({str}),
    "label": frozenset({str}),
    "int": frozenset({int}),
    "float": frozenset({int, float}),
    "bool": frozenset({bool}),
    "string_list": frozenset({list}),
}
"""kind -> the exact types json.loads gives for a fitting value (bool is not an int here, as in ``records``)."""


@dataclass(frozen=True)
class ShapeFacts:
    """What the bulk checks need of a record shape, derived once: field positions and allowed values."""

    size: int
    index: dict[str, int]  # field name -> column position
    row: Callable[[dict[str, Any]], tuple[Any, ...]]  # a record's values in field order; KeyError when one is missing
    typed: tuple[tuple[frozenset[type], tuple[int, ...]], ...]  # (allowed types, columns) whose types need a test
    floats: tuple[int, ...]  # columns whose floats must be finite
    lists: tuple[int, ...]  # columns of string lists
    labels: tuple[tuple[int, frozenset[Any]], ...]  # column, allowed values (None too when nullable)
    dates: tuple[int, ...]
    spans: tuple[tuple[int, int, int], ...]  # (start, end, text) columns per span
    id_column: int
    duplicate_key: tuple[tuple[int, bool], ...]  # (column, holds lists) of the duplicate-span key
    refs: tuple[tuple[int, bool], ...]  # (column, holds lists) of entity references
    label_match: tuple[int, int] | None  # (entity_id column, label column) that must agree with the entity table
    linked: tuple[tuple[int, bool], ...]  # references that need a mention in the same document


@per_shape
def facts(shape: RecordShape) -> ShapeFacts:
    names = tuple(shape.field_names)
    index = {name: i for i, name in enumerate(names)}
    getter = operator.itemgetter(*names)
    label_field = entity_label_field(shape)
    implied = _types_implied(shape)
    groups: dict[frozenset[type], list[int]] = {}
    for i, f in enumerate(shape.fields):
        if f.name not in implied:
            groups.setdefault(_KIND_TYPES[f.kind] | ({_NONE} if f.nullable else set()), []).append(i)
    return ShapeFacts(
        size=len(names),
        index=index,
        row=getter if len(names) > 1 else (lambda data: (getter(data),)),
        typed=tuple((allowed, tuple(columns)) for allowed, columns in groups.items()),
        floats=tuple(i for i, f in enumerate(shape.fields) if f.kind == "float"),
        lists=tuple(i for i, f in enumerate(shape.fields) if f.kind == "string_list"),
        labels=tuple(
            (index[f.name], frozenset(f.inventory.names) | ({None} if f.nullable else set()))
            for f in shape.label_fields
            if f.inventory is not None
        ),
        dates=tuple(i for i, f in enumerate(shape.fields) if f.kind == "date"),
        spans=tuple((index[s.start], index[s.end], index[s.text]) for s in shape.spans),
        id_column=index[shape.id_field],
        duplicate_key=tuple((index[n], shape.field(n).kind == "string_list") for n in duplicate_key_fields(shape)) if shape.spans else (),
        refs=tuple((index[f.name], f.kind == "string_list") for f in entity_ref_fields(shape)),
        label_match=(index["entity_id"], index[label_field.name]) if label_field is not None else None,
        linked=tuple((index[f.name], f.kind == "string_list") for f in linked_entity_fields(shape)),
    )


def _types_implied(shape: RecordShape) -> frozenset[str]:
    """Fields whose type a later bulk test already proves, so ``_typed_columns`` skips them.

    A label in its inventory is a string; a span's text equal to a slice of the text is a string;
    an entity id found among the entity table's ids (all strings) is a string.  A value of another
    type fails that test, or raises TypeError there when unhashable, which refuses the file too.
    """
    labels = {f.name for f in shape.label_fields if f.inventory is not None}
    span_texts = {span.text for span in shape.spans}
    references = {f.name for f in entity_ref_fields(shape) if f.kind == "string"}
    return frozenset(labels | span_texts | references)


# --------------------------------------------------------------------------- one file


def clean_columns(shape: RecordShape, values: list[dict[str, Any]], text: str, entities: EntityIndex) -> Columns | None:
    """The file's columns when every level 1-3 record and file check of ``validate`` passes, else None.

    Covers what ``_load_layer`` runs: shape and types, labels, dates, spans against ``text``,
    figure rules, entity references and labels, unique ids and duplicate spans.  On success the
    referenced entities are marked used, as ``crossref.check_entity_refs`` would have.
    """
    f = facts(shape)
    if not values:
        return tuple(() for _ in range(f.size))
    try:
        return _clean_columns(shape, f, values, text, entities)
    except TypeError:  # an unhashable value where a type test was left to a set operation
        return None


def _clean_columns(shape: RecordShape, f: ShapeFacts, values: list[dict[str, Any]], text: str, entities: EntityIndex) -> Columns | None:
    cols = _typed_columns(f, values)
    if cols is None or not _labels_and_dates_ok(f, cols) or not _spans_ok(f, cols, text):
        return None
    if shape is schema.FIGURE and not all(map(_figure_ok, *(cols[f.index[name]] for name in _FIGURE_FIELDS))):
        return None
    if len(set(cols[f.id_column])) != len(values) or not _no_duplicate_spans(f, cols, len(values)):
        return None
    referenced = _referenced(f, cols, entities)
    if referenced is None:
        return None
    entities.used.update(referenced)
    return cols


def _typed_columns(f: ShapeFacts, values: list[dict[str, Any]]) -> Columns | None:
    """Columns when every record has exactly the shape's fields with fitting types, else None."""
    if len(set(map(len, values))) != 1 or len(values[0]) != f.size:
        return None
    try:
        cols: Columns = tuple(zip(*map(f.row, values)))
    except KeyError:
        return None
    for allowed, columns in f.typed:
        if not allowed.issuperset(map(type, chain.from_iterable(map(cols.__getitem__, columns)))):
            return None
    for i in f.floats:
        if float in set(map(type, cols[i])) and not all(math.isfinite(v) for v in cols[i] if type(v) is float):
            return None
    for i in f.lists:
        if _NONE in set(map(type, cols[i])) or not set(map(type, chain.from_iterable(cols[i]))) <= {str}:
            return None
    return cols


def _labels_and_dates_ok(f: ShapeFacts, cols: Columns) -> bool:
    for i, allowed in f.labels:
        if not allowed.issuperset(cols[i]):
            return False
    for i in f.dates:
        if not all(value is None or is_calendar_date(value) for value in cols[i]):
            return False
    return True


def _spans_ok(f: ShapeFacts, cols: Columns, text: str) -> bool:
    """Offsets in range and ordered, stored text equal to the slice, no whitespace at either edge."""
    for start_col, end_col, text_col in f.spans:
        starts, ends, stored = cols[start_col], cols[end_col], cols[text_col]
        if min(starts) < 0 or max(ends) > len(text) or not all(map(operator.lt, starts, ends)):
            return False
        # equal to the slice: as long as the span, and found there (startswith compares in place)
        if list(map(len, stored)) != list(map(operator.sub, ends, starts)) or not all(map(text.startswith, stored, starts)):
            return False
        if tuple(map(str.strip, stored)) != stored:  # str.strip drops exactly the characters isspace() accepts
            return False
    return True


_FIGURE_FIELDS = ("kind", "normalized", "approximate", "value", "value_low", "value_high", "unit")


@functools.lru_cache(maxsize=4096)
def _iso8601(value: str) -> bool:
    """``is_iso8601`` remembered: a corpus repeats a few thousand normalized forms in every document."""
    return is_iso8601(value)


def _figure_ok(kind: str, normalized: Any, approximate: Any, value: Any, low: Any, high: Any, unit: Any) -> bool:
    """Whether ``records.check_figure`` reports nothing for a well-typed figure.

    One call per figure: a column-wise version (sets of value combinations) measured twice as slow
    at fifteen figures a document.
    """
    if normalized is None:
        if kind in schema.NORMALIZED_FIGURE_KINDS and approximate is not True:
            return False  # missing-normalized
    elif not _iso8601(normalized):
        return False  # invalid-normalized
    if (low is None) != (high is None) or (low is not None and low > high):
        return False  # invalid-range
    if kind in schema.CALENDAR_FIGURE_KINDS:
        return value is None and low is None and high is None and unit is None  # invalid-figure-value
    return value is not None or low is not None  # invalid-figure-value (a range has both bounds here)


def _no_duplicate_spans(f: ShapeFacts, cols: Columns, count: int) -> bool:
    if not f.duplicate_key:
        return True
    keys = [map(tuple, cols[i]) if is_list else cols[i] for i, is_list in f.duplicate_key]
    return len(set(zip(*keys))) == count


def _values(cols: Columns, column: int, is_list: bool) -> Sequence[Any] | chain:
    return chain.from_iterable(cols[column]) if is_list else cols[column]


def _referenced(f: ShapeFacts, cols: Columns, entities: EntityIndex) -> set[str] | None:
    """Every entity id the file refers to when all are in the table and labels agree, else None."""
    referenced: set[str] = set()
    for column, is_list in f.refs:
        referenced.update(_values(cols, column, is_list))
    if not entities.lines.keys() >= referenced:
        return None
    if f.label_match is not None:
        id_col, label_col = f.label_match
        if tuple(map(entities.labels.get, cols[id_col])) != cols[label_col]:  # a table label of None refuses too
            return None
    return referenced


# --------------------------------------------------------------------------- one document


def links_are_mentioned(shape: RecordShape, cols: Columns, mentioned: set[Any]) -> bool:
    """No ``unmentioned-entity``: every holder or measured entity has a mention in the document."""
    f = facts(shape)
    return all(mentioned.issuperset(_values(cols, column, is_list)) for column, is_list in f.linked)


def mentioned_entities(mention_cols: Columns) -> set[Any]:
    return set(mention_cols[facts(schema.ENTITY_MENTION).index["entity_id"]])


def _is_name(mention_cols: Columns) -> list[bool]:
    """Per mention, whether it is a name mention (the selector ``itertools.compress`` filters with)."""
    return list(map(schema.NAME_MENTION_TYPE.__eq__, mention_cols[facts(schema.ENTITY_MENTION).index["mention_type"]]))


def names_cover_mentions(mention_cols: Columns) -> bool:
    """No ``missing-name-mention``: every entity of a nominal or pronominal mention is also named."""
    entity_ids = mention_cols[facts(schema.ENTITY_MENTION).index["entity_id"]]
    is_name = _is_name(mention_cols)
    named = set(compress(entity_ids, is_name))
    return named.issuperset(compress(entity_ids, map(operator.not_, is_name)))


_ASCII_DIGITS = b"0123456789"
_ASCII_BYTES = bytes(range(128))


def digits_covered(data: bytes, text: str, figure_cols: Columns) -> bool:
    """No ``uncovered-digit`` when no exception waives digits: every digit lies in a figure.

    Counts instead of marking offsets: with the figure spans disjoint, the digits inside them are
    the digits of their (verified) texts, so equal counts mean no digit is outside.  Digits are
    counted in the UTF-8 bytes, where 0-9 stand only for themselves; a text with any other
    decimal digit (Arabic-Indic, Devanagari, ...) is left to the detailed check, which knows them.
    """
    if not text.isascii() and any(map(str.isdecimal, set(data.translate(None, _ASCII_BYTES).decode("utf-8")))):
        return False  # deleting the ASCII bytes leaves the other characters' whole UTF-8 sequences
    index = facts(schema.FIGURE).index
    spans = sorted(zip(figure_cols[index["start"]], figure_cols[index["end"]]))
    if not all(map(operator.le, [end for _, end in spans[:-1]], [start for start, _ in spans[1:]])):
        return False  # overlapping figures: the counts would not add up
    total = len(data) - len(data.translate(None, _ASCII_DIGITS))
    if not total:
        return True
    inside = "".join(figure_cols[index["text"]]).encode("utf-8")
    return total == len(inside) - len(inside.translate(None, _ASCII_DIGITS))


def name_forms(mention_cols: Columns) -> Iterator[tuple[str, str]]:
    """(form, label) of every name mention, for ``FormIndex.add_forms``."""
    index = facts(schema.ENTITY_MENTION).index
    return compress(zip(mention_cols[index["text"]], mention_cols[index["label"]]), _is_name(mention_cols))


def surface_inputs(mention_cols: Columns, exception_cols: Columns) -> SurfaceInputs:
    """``guidelines.surface_inputs`` of clean records: every mention is usable, so the columns are the inputs."""
    mentions = facts(schema.ENTITY_MENTION).index
    index = facts(schema.EXCEPTION).index
    waivers = [
        Waiver(start, end, text, line, exception_id)
        for line, (check, start, end, text, exception_id) in enumerate(
            zip(*(exception_cols[index[name]] for name in ("check", "start", "end", "text", "exception_id"))), start=1
        )
        if check == schema.INCONSISTENT_SURFACE_FORM
    ]
    return SurfaceInputs(*(mention_cols[mentions[name]] for name in ("start", "end", "label", "mention_id")), waivers)


def waives_digits(exception_cols: Columns) -> bool:
    """Whether any exception waives a digit: then the detailed digit check, which tracks waivers, runs."""
    return schema.UNCOVERED_DIGIT in exception_cols[facts(schema.EXCEPTION).index["check"]]
