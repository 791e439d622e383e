"""Figure values follow the kind: calendar kinds carry no number, every other kind carries one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newscorpus import schema
from newscorpus.validate import validate_root

CALENDAR_FIGURE = "f1"  # the fixture's date line
NUMERIC_KINDS = [kind for kind in schema.FIGURE_KINDS.names if kind not in schema.CALENDAR_FIGURE_KINDS]


def _edit_figure(root: Path, figure_id: str, **changes) -> None:
    path = root / "annotations" / schema.FIGURE.name / "alpha.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for record in records:
        if record["figure_id"] == figure_id:
            record.update(changes)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def _checks(root: Path) -> list[tuple[str, str | None]]:
    return [(f.check, f.record_id) for f in validate_root(root)]


def test_calendar_kinds_are_figure_kinds():
    assert set(schema.CALENDAR_FIGURE_KINDS) <= set(schema.FIGURE_KINDS.names)


def test_calendar_figure_with_a_unit_is_reported(make_root):
    root = make_root()
    _edit_figure(root, CALENDAR_FIGURE, unit="day")
    assert _checks(root) == [("invalid-figure-value", "f1")]


def test_calendar_figure_with_a_value_is_reported(make_root):
    root = make_root()
    _edit_figure(root, CALENDAR_FIGURE, value=2024)
    assert _checks(root) == [("invalid-figure-value", "f1")]


def test_calendar_figure_with_a_range_is_reported_once(make_root):
    root = make_root()
    _edit_figure(root, CALENDAR_FIGURE, value_low=2023, value_high=2024)
    assert _checks(root) == [("invalid-figure-value", "f1")]


def test_calendar_figure_message_names_the_filled_fields(make_root):
    root = make_root()
    _edit_figure(root, CALENDAR_FIGURE, value=3, unit="day")
    (found,) = validate_root(root)
    assert ("value=3" in found.message, "unit='day'" in found.message) == (True, True)


def test_numeric_figure_with_a_range_and_no_value_is_valid(make_root):
    assert _checks(make_root()) == []  # f7 of the fixture is a range with value null


@pytest.mark.parametrize("kind", NUMERIC_KINDS)
def test_numeric_kind_without_value_or_range_is_reported(make_root, kind: str):
    root = make_root()
    # approximate=true keeps missing-normalized quiet for the kinds that also need a normalized form
    _edit_figure(root, "f4", kind=kind, value=None, approximate=True)
    assert _checks(root) == [("invalid-figure-value", "f4")]


def test_numeric_figure_with_one_range_bound_is_only_an_invalid_range(make_root):
    root = make_root()
    _edit_figure(root, "f4", value=None, value_low=10)
    assert _checks(root) == [("invalid-range", "f4")]


def test_figure_with_an_unknown_kind_is_only_an_unknown_label(make_root):
    root = make_root()
    _edit_figure(root, "f4", kind="PERCENTAGE", value=None)
    assert _checks(root) == [("unknown-label", "f4")]
