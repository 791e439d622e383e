"""Fixture roots for the validator tests: the valid root, and the valid root with one overlay applied."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
VALID = FIXTURES / "valid"
INVALID = FIXTURES / "invalid"
REMOVE_LIST = "_remove.txt"  # in an overlay: files of the valid root the overlay deletes


def overlay_ids() -> list[str]:
    return sorted(p.name for p in INVALID.iterdir() if p.is_dir())


def build_root(target: Path, overlay: str | None = None) -> Path:
    """A copy of the valid root at ``target`` with ``invalid/<overlay>/`` laid over it."""
    shutil.copytree(VALID, target)
    if overlay is None:
        return target
    source = INVALID / overlay
    for path in sorted(source.rglob("*")):
        if path.is_dir():
            continue
        relative = path.relative_to(source)
        if relative.as_posix() == REMOVE_LIST:
            for line in path.read_text(encoding="utf-8").splitlines():
                (target / line).unlink()
            continue
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
    return target


@pytest.fixture
def make_root(tmp_path: Path) -> Callable[[str | None], Path]:
    """Factory: ``make_root(None)`` is the valid root, ``make_root("check-id")`` that check's bad root."""

    def make(overlay: str | None = None) -> Path:
        return build_root(tmp_path / (overlay or "valid"), overlay)

    return make


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test that takes ``overlay_id`` runs once per invalid fixture folder."""
    if "overlay_id" in metafunc.fixturenames:
        metafunc.parametrize("overlay_id", overlay_ids())


@pytest.fixture
def fixture_ids() -> list[str]:
    """The check ids that have an invalid fixture folder."""
    return overlay_ids()
