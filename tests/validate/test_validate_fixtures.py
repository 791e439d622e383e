"""Each check id is proven by a fixture: the valid root is clean, each overlay trips exactly its check."""

from __future__ import annotations

from newscorpus.validate import CHECKS, has_errors, validate_root


def test_valid_fixture_root_has_no_findings(make_root):
    assert validate_root(make_root()) == []


def test_each_invalid_fixture_triggers_exactly_its_check(make_root, overlay_id):
    findings = validate_root(make_root(overlay_id))
    assert {f.check for f in findings} == {overlay_id}


def test_each_invalid_fixture_reports_with_its_registered_severity(make_root, overlay_id):
    findings = validate_root(make_root(overlay_id))
    assert has_errors(findings) == (CHECKS[overlay_id].severity == "error")


def test_every_registered_check_has_an_invalid_fixture(fixture_ids):
    assert sorted(CHECKS) == fixture_ids
