"""``kill -9`` at any moment of a build leaves the previous export byte for byte, no process behind,
and the next build removes what the killed one left (the staging folder next to the destination)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from benchmarks.synth import generate_corpus

from .conftest import REPO, run_cli


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_corpus(tmp_path_factory.mktemp("synthetic") / "root", 300, seed=7).root


@pytest.fixture(scope="module")
def build_seconds(synthetic: Path, tmp_path_factory: pytest.TempPathFactory) -> float:
    """How long one build of the synthetic corpus takes here: the kills below land at fractions of it."""
    started = time.monotonic()
    result = run_cli("--root", str(synthetic), "build", "--out", str(tmp_path_factory.mktemp("timing") / "export"))
    assert result.returncode == 0, result.stderr
    return time.monotonic() - started


@pytest.fixture(scope="module")
def previous(synthetic: Path, build_seconds: float, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist") / "export"
    result = run_cli("--root", str(synthetic), "build", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _ours(root: Path) -> list[psutil.Process]:
    """Live processes (zombies aside) whose command line names this corpus root."""
    found = []
    for process in psutil.process_iter(["cmdline", "status"]):
        try:
            if process.info["status"] != psutil.STATUS_ZOMBIE and str(root) in " ".join(process.info["cmdline"] or []):
                found.append(process)
        except psutil.Error:
            continue
    return found


def _kill_part_way(synthetic: Path, out: Path, delay: float) -> bool:
    """Start a build into ``out``, ``kill -9`` it after ``delay`` seconds; whether it was still running."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "scripts")}
    child = subprocess.Popen(
        [sys.executable, "-m", "newscorpus.cli", "--root", str(synthetic), "build", "--out", str(out)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    return child.wait() == -signal.SIGKILL


@pytest.mark.parametrize("share", [0.1, 0.35, 0.6, 0.85])
def test_a_build_killed_part_way_leaves_the_previous_export_and_no_process(synthetic, previous, build_seconds, share):
    before = _tree(previous)
    # a build that ends before its kill (a faster run than the timed one) is tried again, killed sooner
    killed = any(_kill_part_way(synthetic, previous, share * build_seconds * 0.7**attempt) for attempt in range(4))
    assert killed, "every build ended before it was killed"
    deadline = time.monotonic() + 10
    while _ours(synthetic) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _ours(synthetic) == []
    assert _tree(previous) == before


def test_the_build_after_a_killed_one_removes_its_staging_folder(synthetic, previous):
    result = run_cli("--root", str(synthetic), "build", "--out", str(previous))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in previous.parent.iterdir()) == [previous.name]
