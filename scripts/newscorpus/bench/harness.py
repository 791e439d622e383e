"""Run one measured unit in a fresh subprocess and read its wall time and peak RSS.

A fresh process per unit is what makes the numbers mean something: peak RSS is a high-water mark
that never goes down inside a process, and imports or caches left by an earlier unit would
flatter a later one.  ``os.wait4`` gives the rusage of exactly that child (its ``ru_maxrss``
already folds in any grandchildren it reaped), so concurrent work by other processes on the
machine does not leak into the figure the way ``RUSAGE_CHILDREN`` over the whole run would.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Measurement:
    """What one subprocess did: its exit, how long, how much memory, and what it reported."""

    step: str
    argv: list[str]
    exit_code: int
    wall_s: float
    peak_rss_mib: float
    report: dict[str, Any] = field(default_factory=dict)
    stderr_tail: str = ""
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.exit_code == 0


class MeasurementError(RuntimeError):
    """A measured unit failed; the message carries its command and the end of its stderr."""


def run_measured(step: str, argv: list[str], workdir: Path, env: dict[str, str] | None = None,
                 cwd: Path | None = None, timeout_s: float | None = None) -> Measurement:
    """Run ``argv``, wait for it with wait4, and parse the last stdout line as its JSON report (if any).

    A unit still running after ``timeout_s`` is killed with its whole process group; its row then
    says so, with the peak RSS it had reached, instead of the benchmark hanging for hours.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    out_path = workdir / f"{step}.stdout"
    err_path = workdir / f"{step}.stderr"
    timed_out = False
    with out_path.open("wb") as out, err_path.open("wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, env=env, cwd=cwd, start_new_session=True)
        try:
            while True:
                pid, status, rusage = os.wait4(proc.pid, 0 if timeout_s is None else os.WNOHANG)
                if pid:
                    break
                if time.perf_counter() - start > timeout_s:  # type: ignore[operator]
                    timed_out = True
                    os.killpg(proc.pid, signal.SIGKILL)
                    _, status, rusage = os.wait4(proc.pid, 0)
                    break
                time.sleep(0.05)
        except BaseException:
            # The unit runs in its own session: stop it (and its workers) with the benchmark.
            os.killpg(proc.pid, signal.SIGKILL)
            os.wait4(proc.pid, 0)
            raise
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
    stdout = out_path.read_text(encoding="utf-8", errors="replace")
    stderr = err_path.read_text(encoding="utf-8", errors="replace")
    return Measurement(
        step=step,
        argv=argv,
        exit_code=proc.returncode,
        wall_s=wall,
        peak_rss_mib=rusage.ru_maxrss / 1024.0,  # Linux reports KiB
        report=_last_json_line(stdout),
        stderr_tail=stderr[-3000:],
        timed_out=timed_out,
    )


def _last_json_line(stdout: str) -> dict[str, Any]:
    for line in reversed(stdout.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                value = json.loads(line)
            except json.JSONDecodeError:
                return {}
            return value if isinstance(value, dict) else {}
    return {}


def task_argv(task: str, params: dict[str, Any]) -> list[str]:
    """The command line that runs one unit of ``newscorpus.bench.tasks`` in a new interpreter."""
    return [sys.executable, "-m", "newscorpus.bench.tasks", task, json.dumps(params, sort_keys=True)]


def cli_argv(root: Path, *args: str) -> list[str]:
    """The command line of a ``newscorpus`` command, run exactly as a user runs it."""
    return [sys.executable, "-m", "newscorpus.cli", "--root", str(root), *args]


def offline_env(hf_cache: Path | None = None) -> dict[str, str]:
    """The environment of every unit: no network for HF libraries, and a private cold cache when given."""
    env = dict(os.environ)
    env.update({"HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1",
                "PYTHONHASHSEED": "0"})
    if hf_cache is not None:
        env["HF_DATASETS_CACHE"] = str(hf_cache)
        env["HF_HOME"] = str(hf_cache / "hf-home")
    return env
