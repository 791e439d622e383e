"""Fixtures of the benchmark tests: small synthetic corpora, generated once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from newscorpus.bench import synth

SMALL_N = 30


@pytest.fixture(scope="session")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 30-document synthetic corpus root; tests must not modify it."""
    root = tmp_path_factory.mktemp("bench-corpus") / "root"
    synth.generate_corpus(root, SMALL_N, seed=7)
    return root
