"""The bulk checks: a document they vouch for gets exactly the findings the record-by-record checks give.

``validate`` first checks each document's files column by column (``checks.bulk``) and runs
the detailed, per-record checks only when the bulk checks refuse.  These tests run every
fixture root and a set of awkward inputs both ways -- as the validator runs, and with the
bulk path switched off -- and require the same findings and the same handed-over documents.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import pytest

from newscorpus import validate
from newscorpus.checks.bulk import parse_lines
from newscorpus.validate import CheckedDocument, validate_root


def _run(root: Path) -> tuple[list, list[CheckedDocument]]:
    docs: list[CheckedDocument] = []
    return validate_root(root, on_document=docs.append), docs


def _run_detailed(root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list, list[CheckedDocument]]:
    with monkeypatch.context() as patch:
        patch.setattr(validate, "_bulk_document", lambda *args: False)
        return _run(root)


# --------------------------------------------------------------------------- parsing


def test_parse_lines_gives_each_line_as_json_loads_does():
    lines = ['{"a": 1, "b": [1.5, "x"]}', '{"c": null, "d": true, "e": false}', '{"f": "NaN null"}']
    assert parse_lines("\n".join(lines) + "\n") == [json.loads(line) for line in lines]


def test_parse_lines_accepts_whitespace_around_a_line_as_json_loads_does():
    assert parse_lines(' {"a": 1} \t\n{"b": 2}') == [{"a": 1}, {"b": 2}]


def test_parse_lines_refuses_a_line_break_between_two_items_of_a_list():
    # joined with a separator token, the two lines would read as one object holding it
    assert parse_lines('{"a": [1\n2]}\n') is None


def test_parse_lines_refuses_a_line_break_inside_a_value_even_when_the_counts_add_up():
    # three lines, three objects when joined -- but no line is one object on its own
    assert parse_lines('{"a": [{}\n{}]}\n{}, {}\n') is None


def test_parse_lines_refuses_a_blank_line():
    assert parse_lines('{"a": 1}\n\n{"b": 2}\n') is None


def test_parse_lines_refuses_a_line_that_is_not_an_object():
    assert parse_lines('{"a": 1}\n[1]\n') is None


def test_parse_lines_of_an_empty_file_is_no_records():
    assert parse_lines("") == []


# --------------------------------------------------------------------------- same findings either way


def test_every_fixture_root_gets_the_same_findings_and_documents_either_way(make_root, overlay_id, monkeypatch):
    root = make_root(overlay_id)
    assert _run(root) == _run_detailed(root, monkeypatch)


def test_the_valid_root_gets_the_same_documents_either_way(make_root, monkeypatch):
    root = make_root(None)
    assert _run(root) == _run_detailed(root, monkeypatch)


def test_a_valid_document_is_vouched_for_by_the_bulk_checks(make_root, monkeypatch):
    """Otherwise the comparisons above would compare the detailed path with itself."""
    answers: list[bool] = []
    bulk_document = validate._bulk_document

    def spy(*args):
        answers.append(bulk_document(*args))
        return answers[-1]

    monkeypatch.setattr(validate, "_bulk_document", spy)
    validate_root(make_root(None))
    assert answers == [True, True]


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
    "layer-file-is-a-folder": _replace_file_with_folder,
    "unknown-label-in-the-entity-table": lambda r: _edit(r, "annotations/entity_table.jsonl", lambda c: c.replace('"PERSON"', '"FOO"', 1)),
    "no-exceptions-at-all": lambda r: [(r / "annotations/exceptions" / name).unlink() for name in ("alpha.jsonl", "beta.jsonl")],
}


@pytest.mark.parametrize("change", list(AWKWARD_INPUTS.values()), ids=list(AWKWARD_INPUTS))
def test_an_awkward_input_gets_the_same_findings_and_documents_either_way(make_root, change, monkeypatch):
    root = make_root(None)
    change(root)
    assert _run(root) == _run_detailed(root, monkeypatch)

