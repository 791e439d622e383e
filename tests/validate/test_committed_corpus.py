"""The corpus in this repository passes its own validator: no release or build starts from bad data."""

from __future__ import annotations

from pathlib import Path

from newscorpus.validate import validate_root

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_committed_corpus_has_no_validation_errors():
    errors = [f for f in validate_root(REPO_ROOT) if f.severity == "error"]
    assert errors == []
