"""Each rule is written once: the findings on every fixture root and on a set of awkward inputs are
the ones recorded in ``expected_findings.json``.

The record was made with the validator as it stood before its rules were merged into one set (it then
had a column-by-column fast path and record-by-record checks, and tests held the two equal on these
very inputs), so these tests hold today's single rule set to the findings users saw then.  Where a
finding was meant to change, the case is tested on its own below and left out of the record.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Callable

import pytest

from newscorpus.validate import validate_root

from .conftest import overlay_ids

EXPECTED = json.loads((Path(__file__).parent / "expected_findings.json").read_text(encoding="utf-8"))


def _findings(root: Path) -> list[dict]:
    return [{**asdict(f), "message": f.message.replace(str(root), "<root>")} for f in validate_root(root)]


def _edit(root: Path, relative: str, change: Callable[[str], str]) -> None:
    path = root / relative
    path.write_bytes(change(path.read_bytes().decode("utf-8")).encode("utf-8"))


def _edit_line(root: Path, relative: str, number: int, change: Callable[[dict], dict]) -> None:
    def edit(content: str) -> str:
        lines = content.split("\n")
        lines[number - 1] = json.dumps(change(json.loads(lines[number - 1])), ensure_ascii=False)
        return "\n".join(lines)

    _edit(root, relative, edit)


MENTIONS, FIGURES, STANCES, EXCEPTIONS = (f"annotations/{layer}/alpha.jsonl" for layer in ("entities", "figures", "stances", "exceptions"))


def _replace_file_with_folder(root: Path) -> None:
    (root / STANCES).unlink()
    (root / STANCES).mkdir()


AWKWARD_INPUTS: dict[str, Callable[[Path], None]] = {
    "whitespace-around-a-line": lambda r: _edit(r, MENTIONS, lambda c: "  " + c.replace("\n", " \t\n", 1)),
    "crlf-line-ends": lambda r: _edit(r, MENTIONS, lambda c: c.replace("\n", "\r\n")),
    "lone-cr-line-ends": lambda r: _edit(r, FIGURES, lambda c: c.replace("\n", "\r")),
    "blank-line": lambda r: _edit(r, MENTIONS, lambda c: c.replace("\n", "\n\n", 1)),
    "record-split-over-two-lines": lambda r: _edit(r, MENTIONS, lambda c: c.replace(', "end"', ',\n"end"', 1)),
    "record-broken-between-two-list-items": lambda r: _edit(r, FIGURES, lambda c: c.replace('["anna-mirov"]', '["anna-mirov"\n"kestrel"]', 1)),
    "two-records-on-one-line": lambda r: _edit(r, MENTIONS, lambda c: c.replace("}\n", "}, ", 1)),
    "split-and-joined-so-the-counts-add-up": lambda r: _edit(
        r, MENTIONS, lambda c: c.replace(', "end"', ',\n"end"', 1).replace("}\n", "}, ", 2).replace("}, ", "}\n", 1)
    ),
    "keys-in-another-order": lambda r: _edit_line(r, MENTIONS, 1, lambda d: dict(reversed(list(d.items())))),
    "duplicate-key-last-wins": lambda r: _edit(r, MENTIONS, lambda c: c.replace('"manual"}', '"manual", "label": "ORG"}', 1)),
    "float-offset": lambda r: _edit_line(r, MENTIONS, 1, lambda d: {**d, "start": float(d["start"])}),
    "boolean-offset": lambda r: _edit_line(r, MENTIONS, 1, lambda d: {**d, "start": False}),
    "not-a-number-value": lambda r: _edit_line(r, FIGURES, 3, lambda d: {**d, "value": float("nan")}),
    "list-as-label": lambda r: _edit_line(r, MENTIONS, 1, lambda d: {**d, "label": [d["label"]]}),
    "list-as-entity-id": lambda r: _edit_line(r, MENTIONS, 1, lambda d: {**d, "entity_id": [d["entity_id"]]}),
    "number-as-entity-id": lambda r: _edit_line(r, MENTIONS, 1, lambda d: {**d, "entity_id": 7}),
    "list-as-stance-holder": lambda r: _edit_line(r, STANCES, 1, lambda d: {**d, "holder_entity_id": [d["holder_entity_id"]]}),
    "number-in-measured-entities": lambda r: _edit_line(r, FIGURES, 2, lambda d: {**d, "measured_entity_ids": [1]}),
    "date-figure-with-a-number": lambda r: _edit_line(r, FIGURES, 1, lambda d: {**d, "unit": "day"}),
    "number-figure-without-a-number": lambda r: _edit_line(r, FIGURES, 4, lambda d: {**d, "value": None}),
    "range-backwards": lambda r: _edit_line(r, FIGURES, 7, lambda d: {**d, "value_low": 30}),
    "range-with-one-bound": lambda r: _edit_line(r, FIGURES, 7, lambda d: {**d, "value_high": None}),
    "date-figure-unresolved-and-not-approximate": lambda r: _edit_line(r, FIGURES, 2, lambda d: {**d, "normalized": None}),
    "date-figure-unresolved-but-approximate": lambda r: _edit_line(r, FIGURES, 2, lambda d: {**d, "normalized": None, "approximate": True}),
    "normalized-not-iso-8601": lambda r: _edit_line(r, FIGURES, 5, lambda d: {**d, "normalized": "2023-13"}),
    "overlapping-figures": lambda r: _edit(r, FIGURES, lambda c: c + c.split("\n")[0].replace('"f1"', '"f9"').replace('"DATE"', '"CARDINAL"') + "\n"),
    "non-ascii-digit-in-a-text": lambda r: _edit(r, "corpus/alpha.txt", lambda c: c + "\u0663\n"),
    "separator-tokens-in-every-record": lambda r: _edit(r, MENTIONS, lambda c: c.replace('"fixture-author"', '"null true false NaN"')),
    "empty-layer-file": lambda r: _edit(r, STANCES, lambda c: ""),
    "newline-only-layer-file": lambda r: _edit(r, STANCES, lambda c: "\n"),
    "unknown-label-in-the-entity-table": lambda r: _edit(r, "annotations/entity_table.jsonl", lambda c: c.replace('"PERSON"', '"FOO"', 1)),
    "no-exceptions-at-all": lambda r: [(r / "annotations/exceptions" / name).unlink() for name in ("alpha.jsonl", "beta.jsonl")],
}




RECORDED_OVERLAYS = [o for o in overlay_ids() if f"fixture:{o}" in EXPECTED]
"""Fixture roots of the checks that existed when the findings were recorded."""


@pytest.mark.parametrize("overlay", [None, *RECORDED_OVERLAYS])
def test_a_fixture_root_gets_the_recorded_findings(make_root, overlay):
    assert _findings(make_root(overlay)) == EXPECTED[f"fixture:{overlay or 'valid'}"]


@pytest.mark.parametrize("change", list(AWKWARD_INPUTS.values()), ids=list(AWKWARD_INPUTS))
def test_an_awkward_input_gets_the_recorded_findings(make_root, change, request):
    root = make_root(None)
    change(root)
    assert _findings(root) == EXPECTED[f"awkward:{request.node.callspec.id}"]


def test_a_folder_where_a_layer_file_belongs_is_an_unreadable_file(make_root):
    root = make_root(None)
    _replace_file_with_folder(root)
    findings = validate_root(root)
    assert [(f.check, f.file) for f in findings] == [("unreadable-file", STANCES)]


def test_a_line_that_ends_inside_a_record_is_reported_at_its_own_last_column(make_root):
    """The one wording that changed from the record: lines used to be parsed with their line break,
    so ``json`` placed this error at "column 1" of the next line; the reader parses the line alone."""
    root = make_root(None)
    AWKWARD_INPUTS["record-split-over-two-lines"](root)
    line = (root / MENTIONS).read_text(encoding="utf-8").split("\n")[0]
    first = validate_root(root)[0]
    assert (first.line, first.message) == (1, f"invalid JSON: Expecting property name enclosed in double quotes (column {len(line) + 1})")
