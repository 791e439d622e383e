"""Session fixtures for the export tests: the real corpus is built once, into tmp, by the CLI.

Building costs a few seconds (spaCy and datasets imports), so every test that
only reads an export shares these builds; tests that need a broken corpus copy
the root into their own tmp_path.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from newscorpus.cli import main

REPO_ROOT = Path(__file__).resolve().parents[2]


def build(root: Path, out: Path, *extra: str) -> int:
    """Run ``newscorpus build`` exactly as a user would (the CLI entry point, not internals)."""
    return main(["--root", str(root), "build", "--out", str(out), *extra])


def copy_root(root: Path, dest: Path) -> Path:
    """A writable copy of a corpus root (texts, manifest, annotations) to break on purpose."""
    for name in ("corpus", "annotations"):
        shutil.copytree(root / name, dest / name)
    return dest


@pytest.fixture(scope="session")
def corpus_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def export_dir(tmp_path_factory: pytest.TempPathFactory, corpus_root: Path) -> Path:
    out = tmp_path_factory.mktemp("export") / "india-russia-summit-news"
    assert build(corpus_root, out) == 0
    return out


@pytest.fixture(scope="session")
def rebuilt_export_dir(tmp_path_factory: pytest.TempPathFactory, corpus_root: Path) -> Path:
    out = tmp_path_factory.mktemp("rebuild") / "india-russia-summit-news"
    assert build(corpus_root, out) == 0
    return out


@pytest.fixture(scope="session")
def sharded_export_dir(tmp_path_factory: pytest.TempPathFactory, corpus_root: Path) -> Path:
    out = tmp_path_factory.mktemp("sharded") / "india-russia-summit-news"
    assert build(corpus_root, out, "--max-shard-rows", "10") == 0
    return out


@pytest.fixture(scope="session")
def hf_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """load_dataset's cache, kept out of the user's ~/.cache."""
    return tmp_path_factory.mktemp("hf-cache")


@pytest.fixture(scope="session")
def loaded(export_dir: Path, hf_cache: Path):
    """Every config of the export loaded with datasets.load_dataset, by config name."""
    import datasets

    from newscorpus.export.features import CONFIG_NAMES

    return {name: datasets.load_dataset(str(export_dir), name, cache_dir=str(hf_cache)) for name in CONFIG_NAMES}
