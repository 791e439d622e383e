"""Helpers for the robustness tests: a writable copy of the valid validator fixture root and a CLI runner
that runs ``newscorpus`` in a child process, so a traceback is seen as the user would see it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
VALID = REPO / "tests" / "validate" / "fixtures" / "valid"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return Path(shutil.copytree(VALID, tmp_path / "root"))


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "scripts"), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "newscorpus.cli", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout)
