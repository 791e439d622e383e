"""The revision comparison: its measurements, its medians and ratios, and a whole run of HEAD against HEAD."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from benchmarks import run

REPO = Path(__file__).resolve().parents[2]
HOLD_300_MIB = "block = bytearray(300 * 2**20); block[::4096] = b'x' * len(block[::4096]); import time; time.sleep(0.5)"
PARENT_AND_CHILD_150_MIB_EACH = (
    "import subprocess, sys, time\n"
    "hold = \"b = bytearray(150 * 2**20); b[::4096] = b'x' * len(b[::4096]); import time; time.sleep(1.0)\"\n"
    "child = subprocess.Popen([sys.executable, '-c', hold])\n"
    "b = bytearray(150 * 2**20); b[::4096] = b'x' * len(b[::4096])\n"
    "child.wait()\n"
)


def _measure(tmp_path: Path, code: str) -> tuple[int, float, float, float, str]:
    """``run.measure`` called from a fresh, small Python process, as ``benchmarks/run.py`` runs.

    Linux carries a process's peak RSS over into the children it forks (and across exec), so measured
    from inside this test process -- large once other tests loaded spaCy and datasets -- the wait4
    figure would start at this process's own size."""
    program = (
        "import json, sys; from pathlib import Path; from benchmarks import run; "
        "print(json.dumps(run.measure([sys.executable, '-c', sys.argv[1]], {}, Path(sys.argv[2]), Path(sys.argv[2]) / 'logs', 'unit')))"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "scripts")])}
    out = subprocess.run([sys.executable, "-c", program, code, str(tmp_path)], capture_output=True, text=True, env=env, check=True).stdout
    return tuple(json.loads(out))  # type: ignore[return-value]


def test_peak_rss_of_a_run_includes_what_it_allocated(tmp_path: Path) -> None:
    exit_code, _, peak, tree, _ = _measure(tmp_path, HOLD_300_MIB)
    assert exit_code == 0 and peak >= 300 and tree >= 300


def test_the_tree_figure_sums_a_command_and_its_worker_while_the_wait4_figure_is_the_largest_one(tmp_path: Path) -> None:
    exit_code, _, peak, tree, _ = _measure(tmp_path, PARENT_AND_CHILD_150_MIB_EACH)
    assert exit_code == 0 and 150 <= peak < 290 and tree >= 300


def test_a_failing_command_keeps_its_exit_code_and_stderr(tmp_path: Path) -> None:
    exit_code, _, _, _, stderr = _measure(tmp_path, "import sys; sys.stderr.write('bad record in x.jsonl'); sys.exit(3)")
    assert (exit_code, stderr) == (3, "bad record in x.jsonl")


def _run(label: str, command: str, wall: float, rss: float = 100.0, exit_code: int = 0) -> run.Run:
    return run.Run(label, command, 1, exit_code, wall, rss, rss * 2)


def test_ratios_are_taken_between_medians_of_successful_runs() -> None:
    runs = [_run("A", "validate", 3.0), _run("A", "validate", 1.0), _run("A", "validate", 2.0),
            _run("B", "validate", 0.5), _run("B", "validate", 99.0, exit_code=1),
            _run("A", "build", 4.0, rss=200.0), _run("B", "build", 3.0, rss=300.0)]
    assert run.ratios(runs) == {"validate_speedup": 4.0, "build_time_ratio": 0.75,
                                "build_peak_rss_ratio": 1.5, "build_tree_rss_ratio": 1.5}


def test_a_side_without_a_successful_run_has_no_ratio() -> None:
    runs = [_run("A", "build", 4.0), _run("B", "build", 3.0, exit_code=1)]
    assert run.ratios(runs)["build_time_ratio"] is None


def test_the_table_shows_each_run_and_names_a_failed_one_by_its_exit_code() -> None:
    runs = [_run("A", "validate", 2.0), _run("B", "validate", 1.0), _run("A", "build", 4.0),
            _run("B", "build", 3.0, exit_code=1)]
    text = run.table(runs, {"A": "a" * 40, "B": "b" * 40})
    assert "| build | B bbbbbbbbbb | 0/1 | – | exit 1 |" in text
    assert "| validate speed-up, A/B wall time (above 1: B faster) | 2.00 |" in text


def _worktrees() -> list[str]:
    listing = subprocess.run(["git", "-C", str(REPO), "worktree", "list", "--porcelain"], capture_output=True,
                             text=True, check=True).stdout
    return [line.removeprefix("worktree ") for line in listing.splitlines() if line.startswith("worktree ")]


def test_head_against_head_measures_every_run_and_removes_its_worktrees_and_temp_folder(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "run.py"), "--baseline", "HEAD", "--candidate",
                           "HEAD", "--docs", "3", "--repeat", "1", "--json", str(out), "--tmp", str(tmp_path)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    assert sorted((r["command"], r["label"], r["ok"]) for r in result["runs"]) == [
        ("build", "A", True), ("build", "B", True), ("validate", "A", True), ("validate", "B", True)]
    assert result["revisions"]["A"]["commit"] == result["revisions"]["B"]["commit"]
    assert set(result["ratios"]) == set(run.RATIO_TEXT) and None not in result["ratios"].values()
    assert [w for w in _worktrees() if w.startswith(str(tmp_path))] == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result.json"]


def test_an_unknown_revision_is_named_and_nothing_is_created(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "run.py"), "--baseline", "no-such-rev",
                           "--candidate", "HEAD", "--tmp", str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "'no-such-rev' is not a commit" in done.stderr and list(tmp_path.iterdir()) == []
