"""``newscorpus bench``: time the pipeline against its alternatives on a synthetic corpus, in one run.

For each size N the benchmark generates (or reuses) a synthetic corpus, then runs, each in a
fresh subprocess: ``newscorpus validate``, ``newscorpus build``, the pyarrow floor, the
``from_list`` baseline, ``load_dataset`` of the export against ``load_dataset("parquet")`` with a
cold cache, and a streaming check over every shard.  Then the real corpus (validate and build),
and the Label Studio converters on a generated full JSON export.  It prints a table, writes
``results.json`` and ``results.md`` and checks the targets.

Exit status: 0 when every unit ran (targets missed are reported, not failures: a benchmark that
exits 1 on a slow machine would only teach people to ignore it); 1 when a unit failed.

Imports here are standard library only: the CLI imports this module to build its parser.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from . import report
from .harness import Measurement, cli_argv, offline_env, run_measured, task_argv

DEFAULT_SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (60,)
LS_TASKS, LS_REGIONS = 10_000, 30
QUICK_LS_TASKS = 40


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sizes", default=None,
                        help=f"comma-separated corpus sizes in documents (default: {','.join(map(str, DEFAULT_SIZES))})")
    parser.add_argument("--quick", action="store_true",
                        help=f"small sizes ({','.join(map(str, QUICK_SIZES))} documents, {QUICK_LS_TASKS} Label Studio tasks): proves the harness end to end")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic corpus (default: 0)")
    parser.add_argument("--out", type=Path, default=None, help="results folder (default: <root>/dist/bench)")
    parser.add_argument("--work", type=Path, default=None,
                        help="folder for generated corpora and outputs (default: <out>/work); corpora are reused between runs")
    parser.add_argument("--ls-tasks", type=int, default=None, help=f"tasks in the Label Studio export (default: {LS_TASKS})")
    parser.add_argument("--ls-regions", type=int, default=LS_REGIONS, help=f"regions per task (default: {LS_REGIONS})")
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1),
                        help="processes generating the synthetic corpus (not a measured unit; default: up to 2)")
    parser.add_argument("--keep-outputs", action="store_true", help="keep exports and baseline outputs after measuring")
    parser.add_argument("--shard-mb", type=float, default=8.0,
                        help="--max-shard-mb passed to the measured build, so that exports of every size are sharded "
                             "and the streaming check reads several shards (default: 8)")
    parser.add_argument("--timeout", type=float, default=None,
                        help="seconds after which a unit is killed and reported as not finished (default: none)")
    parser.add_argument("--report-only", action="store_true",
                        help="measure nothing: render <out>/results.json again (tables and target verdicts)")
    parser.add_argument("--skip", default="", help="comma-separated steps to leave out (e.g. from_list,ls_sdk)")


def _sizes(args: argparse.Namespace) -> list[int]:
    if args.sizes:
        try:
            sizes = [int(part) for part in args.sizes.split(",") if part.strip()]
        except ValueError:
            raise SystemExit(f"newscorpus bench: --sizes must be comma-separated integers, got {args.sizes!r}") from None
        if not sizes or min(sizes) < 1:
            raise SystemExit(f"newscorpus bench: --sizes must name at least one positive size, got {args.sizes!r}")
        return sizes
    return list(QUICK_SIZES if args.quick else DEFAULT_SIZES)


class Bench:
    """One benchmark run: where things go, what was measured, and how to measure one more unit."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.root: Path = args.root
        self.out: Path = args.out if args.out is not None else self.root / "dist" / "bench"
        self.work: Path = args.work if args.work is not None else self.out / "work"
        self.logs = self.out / "logs"
        self.seed: int = args.seed
        self.workers: int = args.workers
        self.keep = args.keep_outputs
        self.skip = {s.strip() for s in args.skip.split(",") if s.strip()}
        self.timeout: float | None = args.timeout
        self.shard_mb: float = args.shard_mb
        self.rows: list[report.Row] = []
        self.failures: list[str] = []
        self.unfinished: list[str] = []
        self.after_each: Callable[[], None] = lambda: None  # saves partial results after every unit

    def measure(self, step: str, n_docs: int | None, argv: list[str], annotations: int | None,
                hf_cache: Path | None = None, uses_work_s: bool = False) -> Measurement | None:
        """Run one unit, record a row, and say so on the terminal as it happens."""
        if step in self.skip:
            return None
        label = f"{step}@{n_docs}" if n_docs is not None else step
        print(f"  {label} ...", end="", flush=True, file=sys.stderr)
        load_at_start = round(os.getloadavg()[0], 2)
        m = run_measured(label.replace("@", "-"), argv, self.logs, env=offline_env(hf_cache), cwd=self.work,
                         timeout_s=self.timeout)
        row = report.row_from(step, n_docs, annotations, m, uses_work_s)
        row.detail["load_average_1min_at_start"] = load_at_start
        self.rows.append(row)
        self.after_each()
        status = "ok" if m.ok else ("KILLED after --timeout" if m.timed_out else f"FAILED (exit {m.exit_code})")
        print(f" {status} {m.wall_s:.1f} s, {m.peak_rss_mib:.0f} MiB", file=sys.stderr)
        if m.timed_out:
            self.unfinished.append(label)
        elif not m.ok:
            self.failures.append(f"{label}: exit {m.exit_code}; see {self.logs / (label.replace('@', '-') + '.stderr')}\n{m.stderr_tail[-1200:]}")
        return m

    # ------------------------------------------------------------------ units

    def corpus(self, n_docs: int) -> tuple[Path, int] | None:
        """The synthetic corpus of this size, generated once per (N, seed, generator version)."""
        from .synth import GENERATOR_VERSION

        root = self.work / f"corpus-n{n_docs}-s{self.seed}-g{GENERATOR_VERSION}"
        stamp = root / "bench-generated.json"
        if stamp.is_file():
            return root, json.loads(stamp.read_text(encoding="utf-8"))["annotations"]
        m = self.measure("generate", n_docs, task_argv("generate", {"root": str(root), "n_docs": n_docs, "seed": self.seed,
                                                                     "workers": self.workers}), None, uses_work_s=True)
        if m is None or not m.ok:
            return None
        # The stamp is written last: a corpus without it is incomplete and is generated again.
        stamp.write_text(json.dumps(m.report, sort_keys=True), encoding="utf-8")
        self.rows[-1].annotations = m.report["annotations"]
        return root, int(m.report["annotations"])

    def size(self, n_docs: int) -> None:
        print(f"N = {n_docs:,}", file=sys.stderr)
        made = self.corpus(n_docs)
        if made is None:
            return
        root, annotations = made
        export = self.work / f"export-n{n_docs}"
        scratch = self.work / f"scratch-n{n_docs}"
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir(parents=True)
        try:
            self.measure("validate", n_docs, cli_argv(root, "validate"), annotations)
            built = self.measure("build", n_docs, cli_argv(root, "build", "--out", str(export), "--max-shard-mb",
                                                           f"{self.shard_mb:g}"), annotations)
            if built is not None and built.ok:
                self.measure("floor", n_docs, task_argv("floor", {"export_dir": str(export), "out": str(scratch / "floor")}),
                             annotations, uses_work_s=True)
                for step in ("load_export", "load_parquet"):
                    cache = Path(tempfile.mkdtemp(prefix=f"hf-{step}-", dir=scratch))
                    self.measure(step, n_docs, task_argv(step, {"export_dir": str(export)}), annotations, hf_cache=cache,
                                 uses_work_s=True)
                    shutil.rmtree(cache, ignore_errors=True)
                cache = Path(tempfile.mkdtemp(prefix="hf-stream-", dir=scratch))
                self.measure("stream_check", n_docs, task_argv("stream_check", {"export_dir": str(export)}), annotations,
                             hf_cache=cache, uses_work_s=True)
            self.measure("from_list", n_docs, task_argv("from_list", {"root": str(root), "out": str(scratch / "from_list")}),
                         annotations, hf_cache=Path(tempfile.mkdtemp(prefix="hf-from-list-", dir=scratch)))
        finally:
            if not self.keep:
                shutil.rmtree(scratch, ignore_errors=True)
                shutil.rmtree(export, ignore_errors=True)
            # A build killed at --timeout cannot clean up its hidden temp folder next to the export.
            for leftover in self.work.glob(f".{export.name}.*"):
                shutil.rmtree(leftover, ignore_errors=True)

    def real_corpus(self) -> None:
        print("real corpus", file=sys.stderr)
        out = self.work / "export-real"
        self.measure("real_validate", None, cli_argv(self.root, "validate"), None)
        self.measure("real_build", None, cli_argv(self.root, "build", "--out", str(out)), None)
        if not self.keep:
            shutil.rmtree(out, ignore_errors=True)

    def label_studio(self, tasks: int, regions: int) -> None:
        print(f"Label Studio: {tasks:,} tasks x {regions} regions", file=sys.stderr)
        export = self.work / f"ls-export-t{tasks}-r{regions}-s{self.seed}.json"
        made = self.measure("ls_make_export", tasks, task_argv("ls_make_export", {"out": str(export), "tasks": tasks,
                                                                                    "regions": regions, "seed": self.seed}),
                            None, uses_work_s=True)
        if made is None or not made.ok:
            return
        regions_total = int(made.report["regions"])
        self.rows[-1].annotations = regions_total
        self.measure("ls_ours", tasks, task_argv("ls_ours", {"export": str(export)}), regions_total, uses_work_s=True)
        scratch = self.work / "scratch-ls"
        self.measure("ls_sdk", tasks, task_argv("ls_sdk", {"export": str(export), "out": str(scratch)}), regions_total,
                     uses_work_s=True)
        shutil.rmtree(scratch, ignore_errors=True)
        if not self.keep:
            export.unlink(missing_ok=True)


def machine() -> dict[str, Any]:
    """What the numbers were measured on, including how busy the machine was."""
    try:
        load = os.getloadavg()
    except OSError:
        load = (float("nan"),) * 3
    memory = None
    try:
        pages, page_size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
        memory = round(pages * page_size / 2**30, 1)
    except (ValueError, OSError):
        pass
    return {"cpus": os.cpu_count(), "memory_gib": memory, "python": platform.python_version(),
            "platform": platform.platform(), "load_average": [round(x, 2) for x in load]}


def run(args: argparse.Namespace) -> int:
    """Small units first, the largest N last: if a long run is stopped, everything before it is saved."""
    bench = Bench(args)
    if args.report_only:
        return rerender(bench.out)
    sizes = sorted(_sizes(args))
    bench.work.mkdir(parents=True, exist_ok=True)
    ls_tasks = args.ls_tasks if args.ls_tasks is not None else (QUICK_LS_TASKS if args.quick else LS_TASKS)
    results = report.Results(
        started=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        command="newscorpus " + " ".join(shlex.quote(a) for a in sys.argv[1:]),
        sizes=sizes, seed=args.seed, ls_tasks=ls_tasks, ls_regions=args.ls_regions,
        machine_before=machine(), machine_after=machine(), rows=bench.rows, finished=False,
    )

    def save() -> None:
        results.machine_after = machine()
        report.write(results, report.targets(results), bench.out)

    bench.after_each = save
    bench.real_corpus()
    bench.label_studio(ls_tasks, args.ls_regions)
    for n_docs in sizes:
        bench.size(n_docs)
    results.finished = True
    save()
    print(report.markdown(results, report.targets(results)))
    print(f"results: {bench.out / report.JSON_FILE} and {bench.out / report.MARKDOWN_FILE}", file=sys.stderr)
    for label in bench.unfinished:
        print(f"NOT FINISHED within --timeout {args.timeout:g} s: {label}", file=sys.stderr)
    for failure in bench.failures:
        print(f"FAILED {failure}", file=sys.stderr)
    return 1 if bench.failures else 0


def rerender(out: Path) -> int:
    """Render a saved run again, e.g. after the verdict rules changed; the measurements stay as they were."""
    path = out / report.JSON_FILE
    if not path.is_file():
        print(f"newscorpus bench: {path} does not exist: nothing to render", file=sys.stderr)
        return 1
    results = report.load(path)
    verdicts = report.targets(results)
    report.write(results, verdicts, out)
    print(report.markdown(results, verdicts))
    return 0
