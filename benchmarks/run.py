"""Compare two git revisions of ``newscorpus`` side by side, in one run, on one synthetic corpus.

    python benchmarks/run.py --baseline REV --candidate REV [--docs N] [--repeat K] [--json PATH]

What it does, in order:

1. resolves both revisions to commits and checks each out with ``git worktree add --detach`` into
   a new temp folder (both worktrees and the folder are removed at the end, also on failure);
2. writes one synthetic corpus there with ``benchmarks/synth.py``, using the package of the checkout
   this script lives in;
3. runs ``validate`` and ``build`` once per revision, untimed: this proves the corpus is clean and
   builds on both, and warms the disk cache and each worktree's bytecode, so no measured run pays
   for being first;
4. ``--repeat`` rounds of: validate A, validate B, build A, build B.  Each is
   ``python -m newscorpus.cli --root <corpus> validate`` (or ``build --out <new folder>``) in a fresh
   process with ``PYTHONPATH=<worktree>/scripts``, so each revision's own package runs, as a user
   runs it, and this script never imports the package;
5. prints medians and the B/A ratios and writes everything, every single run included, as JSON.

Measures, per run: wall time; the peak resident set of the largest single process in the command's
process tree (``ru_maxrss`` from ``os.wait4`` on that child, which folds in the children it reaped,
as a maximum, not a sum); and the peak of the tree's summed resident set, sampled with psutil
every ``SAMPLE_S`` seconds (a lower bound: a peak shorter than the interval can be missed).

A run that exits non-zero (warm-up or measured) is reported with its exit code and the end of its
stderr, and a measured one is left out of the medians; the script then exits 1.  Exit 2: bad arguments or a revision git does not know.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import psutil

REPO = Path(__file__).resolve().parents[1]
SYNTH = Path(__file__).resolve().with_name("synth.py")
SAMPLE_S = 0.05
COMMANDS = ("validate", "build")
LABELS = ("A", "B")  # A: baseline, B: candidate


@dataclass
class Run:
    """One measured process: what ran, how it ended, how long it took and how much memory it held."""

    label: str
    command: str
    round: int
    exit_code: int
    wall_s: float
    peak_rss_mib: float
    tree_rss_mib: float
    stderr_tail: str = ""

    @property
    def ok(self) -> bool:
        return self.exit_code == 0


def measure(argv: list[str], env: dict[str, str], cwd: Path, log_dir: Path, name: str) -> tuple[int, float, float, float, str]:
    """Run ``argv`` to its end; return (exit code, wall s, peak RSS MiB of its largest process,
    peak summed RSS MiB of its process tree as sampled, last 2,000 characters of stderr).

    The child runs in its own session so that an interrupt stops it and its workers with it.
    """
    log_dir.mkdir(parents=True, exist_ok=True)
    out_path, err_path = log_dir / f"{name}.stdout", log_dir / f"{name}.stderr"
    tree_peak = [0]
    done = threading.Event()
    with out_path.open("wb") as out, err_path.open("wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, env=env, cwd=cwd, start_new_session=True)
        sampler = threading.Thread(target=_sample_tree, args=(proc.pid, done, tree_peak), daemon=True)
        sampler.start()
        try:
            _, status, rusage = os.wait4(proc.pid, 0)
        except BaseException:
            os.killpg(proc.pid, signal.SIGKILL)
            os.wait4(proc.pid, 0)
            raise
        finally:
            done.set()
            sampler.join()
        wall = time.perf_counter() - start
    proc.returncode = exit_code = os.waitstatus_to_exitcode(status)
    stderr = err_path.read_text(encoding="utf-8", errors="replace")
    return exit_code, wall, rusage.ru_maxrss / 1024.0, tree_peak[0] / 2**20, stderr[-2000:]


def _sample_tree(pid: int, done: threading.Event, peak: list[int]) -> None:
    """Record in ``peak[0]`` the largest sum of RSS over ``pid`` and its descendants seen until ``done``."""
    try:
        root = psutil.Process(pid)
    except psutil.Error:
        return
    while not done.is_set():
        total = 0
        try:
            for process in [root, *root.children(recursive=True)]:
                try:
                    total += process.memory_info().rss
                except psutil.Error:  # a worker that ended between listing and reading
                    pass
        except psutil.Error:  # the command itself ended
            return
        peak[0] = max(peak[0], total)
        done.wait(SAMPLE_S)


# --------------------------------------------------------------------------- summary


def median_of(runs: list[Run], label: str, command: str, field: str) -> float | None:
    """The median of ``field`` over the successful runs of one revision and command; None if none succeeded."""
    values = [getattr(r, field) for r in runs if r.label == label and r.command == command and r.ok]
    return statistics.median(values) if values else None


def ratios(runs: list[Run]) -> dict[str, float | None]:
    """The three comparisons, from medians; None where either side has no successful run.

    ``validate_speedup`` is A/B of wall time (above 1: the candidate is faster); the others are B/A
    (at most 1: the candidate is no slower, no larger).
    """
    def divide(numerator: float | None, denominator: float | None) -> float | None:
        return None if numerator is None or denominator is None or denominator == 0 else numerator / denominator

    def m(label: str, command: str, field: str) -> float | None:
        return median_of(runs, label, command, field)

    return {
        "validate_speedup": divide(m("A", "validate", "wall_s"), m("B", "validate", "wall_s")),
        "build_time_ratio": divide(m("B", "build", "wall_s"), m("A", "build", "wall_s")),
        "build_peak_rss_ratio": divide(m("B", "build", "peak_rss_mib"), m("A", "build", "peak_rss_mib")),
        "build_tree_rss_ratio": divide(m("B", "build", "tree_rss_mib"), m("A", "build", "tree_rss_mib")),
    }


RATIO_TEXT = {
    "validate_speedup": "validate speed-up, A/B wall time (above 1: B faster)",
    "build_time_ratio": "build wall time, B/A (at most 1: B no slower)",
    "build_peak_rss_ratio": "build peak RSS of the largest process, B/A (at most 1: B no higher)",
    "build_tree_rss_ratio": "build peak RSS of the process tree (sampled), B/A",
}


def _number(value: float | None, digits: int) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def table(runs: list[Run], revisions: dict[str, str]) -> str:
    """Markdown: one row per revision and command with medians over its successful runs, then the ratios."""
    lines = ["| command | revision | ok runs | median wall s | wall s of each run | median peak RSS MiB "
             "(largest process) | median peak RSS MiB (tree, sampled) |", "|---|---|---:|---:|---|---:|---:|"]
    for command in COMMANDS:
        for label in LABELS:
            mine = [r for r in runs if r.label == label and r.command == command]
            each = ", ".join(f"{r.wall_s:.2f}" if r.ok else f"exit {r.exit_code}" for r in mine)
            lines.append(
                f"| {command} | {label} {revisions[label][:10]} | {sum(r.ok for r in mine)}/{len(mine)} "
                f"| {_number(median_of(runs, label, command, 'wall_s'), 2)} | {each} "
                f"| {_number(median_of(runs, label, command, 'peak_rss_mib'), 0)} "
                f"| {_number(median_of(runs, label, command, 'tree_rss_mib'), 0)} |")
    lines += ["", "| ratio | value |", "|---|---:|"]
    lines += [f"| {RATIO_TEXT[key]} | {_number(value, 2)} |" for key, value in ratios(runs).items()]
    return "\n".join(lines)


# --------------------------------------------------------------------------- git


def git(*args: str) -> str:
    done = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise GitError(f"git {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout.strip()


class GitError(RuntimeError):
    """A git command failed; the message is git's own."""


def resolve(rev: str) -> str:
    try:
        return git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    except GitError:
        raise GitError(f"{rev!r} is not a commit in {REPO}") from None


# --------------------------------------------------------------------------- the run


def child_env(worktree: Path) -> dict[str, str]:
    """The caller's environment with PYTHONPATH pointing at one revision only, offline HF libraries,
    and bytecode caching allowed (the warm-up compiles each worktree once)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE")}
    env.update({"PYTHONPATH": str(worktree / "scripts"), "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
                "HF_HUB_DISABLE_TELEMETRY": "1", "PYTHONHASHSEED": "0"})
    return env


def cli(corpus: Path, command: str, out: Path, build_args: tuple[str, ...] = ()) -> list[str]:
    """The user's command line for ``validate``, or for ``build`` into ``out`` (a folder that does not exist
    yet) with ``build_args`` added."""
    extra = ["--out", str(out), *build_args] if command == "build" else []
    return [sys.executable, "-m", "newscorpus.cli", "--root", str(corpus), command, *extra]


def compare(revisions: dict[str, str], docs: int, repeat: int, seed: int, workers: int, work: Path,
            say=lambda text: print(text, file=sys.stderr, flush=True), build_args: dict[str, tuple[str, ...]] | None = None) -> dict[str, Any]:
    """Check out both revisions under ``work``, make the corpus, measure; the worktrees are removed before returning."""
    worktrees = {label: work / f"rev-{label}" for label in LABELS}
    logs = work / "logs"
    added: list[Path] = []
    try:
        for label in LABELS:
            git("worktree", "add", "--quiet", "--detach", str(worktrees[label]), revisions[label])
            added.append(worktrees[label])
        corpus = work / "corpus"
        say(f"writing {docs} synthetic documents (seed {seed})")
        env = {**child_env(REPO), "PYTHONDONTWRITEBYTECODE": "1"}
        code, wall, _, _, stderr = measure([sys.executable, str(SYNTH), "--root", str(corpus), "--docs", str(docs),
                                            "--seed", str(seed), "--workers", str(workers)], env, work, logs, "synth")
        if code != 0:
            raise RuntimeError(f"benchmarks/synth.py failed (exit {code}):\n{stderr}")
        generated = json.loads((logs / "synth.stdout").read_text(encoding="utf-8").strip().splitlines()[-1])
        generated["wall_s"] = round(wall, 3)
        warmup: dict[str, dict[str, Any]] = {}
        for command in COMMANDS:
            for label in LABELS:
                name = f"warmup-{command}-{label}"
                code, _, _, _, stderr = measure(cli(corpus, command, work / name, (build_args or {}).get(label, ())), child_env(worktrees[label]), work,
                                                logs, name)
                shutil.rmtree(work / name, ignore_errors=True)
                warmup[name] = {"exit_code": code, "stderr_tail": stderr if code else ""}
                say(f"warm-up {command} {label} (untimed): {'ok' if code == 0 else f'FAILED exit {code}'}")
        runs: list[Run] = []
        for round_ in range(1, repeat + 1):
            for command in COMMANDS:
                for label in LABELS:
                    name = f"{command}-{label}-{round_}"
                    code, wall, peak, tree, stderr = measure(cli(corpus, command, work / name, (build_args or {}).get(label, ())),
                                                             child_env(worktrees[label]), work, logs, name)
                    runs.append(Run(label, command, round_, code, wall, peak, tree, stderr if code else ""))
                    shutil.rmtree(work / name, ignore_errors=True)
                    say(f"round {round_} {command} {label}: "
                        + (f"{wall:.2f} s, {peak:.0f} MiB, tree {tree:.0f} MiB" if code == 0 else f"FAILED exit {code}"))
        return {"generated": generated, "warmup": warmup, "runs": runs}
    finally:
        for path in added:
            try:
                git("worktree", "remove", "--force", str(path))
            except GitError as exc:
                say(f"could not remove worktree {path}: {exc}")


def machine() -> dict[str, Any]:
    return {"cpus": os.cpu_count(), "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(), "platform": platform.platform(),
            "load_average": [round(x, 2) for x in os.getloadavg()]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python benchmarks/run.py", description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", required=True, help="revision A (any git revision, e.g. a commit or branch)")
    parser.add_argument("--candidate", required=True, help="revision B; committed state only, not uncommitted changes")
    parser.add_argument("--docs", type=int, default=10_000, help="synthetic documents (default: 10000)")
    parser.add_argument("--repeat", type=int, default=3, help="measured rounds per revision and command (default: 3)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic corpus (default: 0)")
    parser.add_argument("--candidate-build-args", default="",
                        help="extra arguments of B's build, e.g. '--no-viewer' to leave out output A does not make")
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1),
                        help="processes writing the corpus (not measured; default: up to 2)")
    parser.add_argument("--json", type=Path, default=None,
                        help="result file (default: dist/benchmarks/compare-<UTC time>.json in the repository)")
    parser.add_argument("--tmp", type=Path, default=None, help="parent of the temp folder (default: the system's)")
    args = parser.parse_args(argv)
    if args.docs < 1 or args.repeat < 1:
        parser.error("--docs and --repeat must be at least 1")
    try:
        revisions = {"A": resolve(args.baseline), "B": resolve(args.candidate)}
    except GitError as exc:
        print(f"benchmarks/run.py: {exc}", file=sys.stderr)
        return 2
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    out = args.json or REPO / "dist" / "benchmarks" / f"compare-{started.replace(':', '')}.json"
    before = machine()
    work = Path(tempfile.mkdtemp(prefix="newscorpus-compare-", dir=args.tmp))
    try:
        measured = compare(revisions, args.docs, args.repeat, args.seed, args.workers, work,
                           build_args={"B": tuple(args.candidate_build_args.split())})
    except (GitError, RuntimeError) as exc:
        print(f"benchmarks/run.py: {exc}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
    runs: list[Run] = measured["runs"]
    result = {
        "command": "python benchmarks/run.py " + " ".join(shlex.quote(a) for a in (sys.argv[1:] if argv is None else argv)),
        "started": started, "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "revisions": {"A": {"given": args.baseline, "commit": revisions["A"]},
                      "B": {"given": args.candidate, "commit": revisions["B"]}},
        "docs": args.docs, "repeat": args.repeat, "seed": args.seed, "generated": measured["generated"],
        "warmup": measured["warmup"], "machine_before": before, "machine_after": machine(),
        "medians": {f"{command}/{label}": {field: median_of(runs, label, command, field)
                                           for field in ("wall_s", "peak_rss_mib", "tree_rss_mib")}
                    for command in COMMANDS for label in LABELS},
        "ratios": ratios(runs),
        "runs": [asdict(r) | {"ok": r.ok} for r in runs],
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(table(runs, revisions))
    print(f"\nresults: {out}", file=sys.stderr)
    for name, warm in measured["warmup"].items():
        if warm["exit_code"]:
            print(f"FAILED {name} (untimed): exit {warm['exit_code']}\n{warm['stderr_tail']}", file=sys.stderr)
    failed = [r for r in runs if not r.ok]
    for r in failed:
        print(f"FAILED {r.command} {r.label} round {r.round}: exit {r.exit_code}\n{r.stderr_tail}", file=sys.stderr)
    return 1 if failed or any(w["exit_code"] for w in measured["warmup"].values()) else 0


if __name__ == "__main__":
    sys.exit(main())
