"""The importable API: findings are structured, sorted and consistent with the check registry."""

from __future__ import annotations

import dataclasses
import re

import pytest

from newscorpus import schema
from newscorpus.checks import CheckInfo
from newscorpus.validate import CHECKS, Finding, has_errors, validate_root


def finding(check: str, severity: str = "error", file: str = "f", line: int | None = 1) -> Finding:
    return Finding(file, line, None, None, check, severity, 1, "m")


def test_check_ids_are_kebab_case():
    assert [c for c in CHECKS if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", c)] == []


def test_registry_keys_match_their_check_ids():
    assert all(info.id == check for check, info in CHECKS.items())


@pytest.mark.parametrize("info", list(CHECKS.values()), ids=list(CHECKS))
def test_every_check_has_a_level_a_severity_and_a_description(info: CheckInfo):
    assert (info.level in (1, 2, 3), info.severity in ("error", "warning"), bool(info.description)) == (True, True, True)


def test_exception_checks_are_registered_as_guideline_checks():
    assert all(CHECKS[name].completeness for name in schema.EXCEPTION_CHECKS.names)


def test_labels_the_rules_key_on_are_in_their_inventories():
    assert schema.NAME_MENTION_TYPE in schema.MENTION_TYPES
    assert set(schema.NORMALIZED_FIGURE_KINDS) <= set(schema.FIGURE_KINDS.names)
    assert {schema.UNCOVERED_DIGIT, schema.INCONSISTENT_SURFACE_FORM} <= set(schema.EXCEPTION_CHECKS.names)


def test_finding_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding("x").check = "y"  # type: ignore[misc]


def test_has_errors_is_false_for_warnings_only():
    assert has_errors([finding("unused-entity", "warning")]) is False


def test_has_errors_is_true_with_one_error():
    assert has_errors([finding("unused-entity", "warning"), finding("wrong-type")]) is True


def test_finding_level_and_severity_come_from_the_registry(make_root):
    (found,) = validate_root(make_root("span-whitespace"))
    assert (found.level, found.severity) == (CHECKS["span-whitespace"].level, CHECKS["span-whitespace"].severity)


def test_finding_names_relative_file_line_document_and_record(make_root):
    (found,) = validate_root(make_root("label-mismatch"))
    assert (found.file, found.line, found.doc_id, found.record_id) == ("annotations/entities/alpha.jsonl", 7, "alpha", "m7")


def test_text_findings_name_the_text_file_and_line(make_root):
    (found,) = validate_root(make_root("uncovered-digit"))
    assert (found.file, found.line) == ("corpus/alpha.txt", 3)


def test_message_says_what_was_expected(make_root):
    (found,) = validate_root(make_root("wrong-type"))
    assert "expected true or false" in found.message


def test_findings_are_sorted_by_file_line_and_check(make_root):
    root = make_root("invalid-range")
    (root / "annotations" / "entity_table.jsonl").write_text("[]\n", encoding="utf-8")
    findings = validate_root(root)
    assert findings == sorted(findings, key=lambda f: (f.file, f.line is not None, f.line or 0, f.check))


def test_one_run_reports_problems_from_several_files(make_root):
    root = make_root("invalid-range")
    (root / "annotations" / "entity_table.jsonl").write_text("[]\n", encoding="utf-8")
    assert {f.file for f in validate_root(root)} >= {"annotations/entity_table.jsonl", "annotations/figures/alpha.jsonl"}


def test_completeness_false_drops_every_guideline_check(make_root):
    root = make_root("uncovered-digit")
    assert validate_root(root, completeness=False) == []


def test_non_object_line_is_reported_as_invalid_json(make_root):
    root = make_root()
    with (root / "annotations" / "figures" / "beta.jsonl").open("a", encoding="utf-8") as handle:
        handle.write("[1, 2]\n")
    (found,) = validate_root(root)
    assert (found.check, found.line, "expected a JSON object" in found.message) == ("invalid-json", 2, True)


def test_null_in_a_non_nullable_field_is_a_wrong_type(make_root):
    root = make_root()
    path = root / "annotations" / "stances" / "beta.jsonl"
    path.write_text(path.read_text(encoding="utf-8").replace('"action"', "null"), encoding="utf-8")
    assert [(f.check, f.message) for f in validate_root(root)] == [("wrong-type", "field 'attribution' is null, but the field is not nullable")]


def test_a_bad_field_does_not_cascade_into_checks_that_use_it(make_root):
    root = make_root()
    path = root / "annotations" / "entities" / "alpha.jsonl"
    path.write_text(path.read_text(encoding="utf-8").replace('"start": 0,', '"start": "0",'), encoding="utf-8")
    assert {f.check for f in validate_root(root)} == {"wrong-type"}
