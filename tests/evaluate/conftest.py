"""Fixtures of the scorer tests: the tiny corpus of ``evaluate_fixture_corpus`` in tmp."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # the tests import evaluate_fixture_corpus by name

from evaluate_fixture_corpus import make_root  # noqa: E402


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_root(tmp_path / "root")


@pytest.fixture
def gold_predictions(root: Path, tmp_path: Path) -> Path:
    """The test split's gold copied as a predictions folder."""
    out = tmp_path / "pred"
    for layer in ("entities", "figures", "stances"):
        src = root / "annotations" / layer / "test-doc.jsonl"
        (out / layer).mkdir(parents=True)
        (out / layer / "test-doc.jsonl").write_bytes(src.read_bytes())
    return out
