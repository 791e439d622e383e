"""The benchmark's results: rows, the target verdicts, and their JSON and Markdown forms.

Rates are annotations per second over the seconds that the comparison is about: the whole
subprocess wall time for commands a user runs (``validate``, ``build``, the ``from_list``
script), and the timed section (``work_s``) for units with an untimed set-up (the floor writes
tables that were read before the clock started; loaders and converters exclude interpreter
start-up so that slow imports neither flatter nor penalise either side).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..store import atomic_write_text
from .harness import Measurement

JSON_FILE = "results.json"
MARKDOWN_FILE = "results.md"

RSS_LIMIT_MIB = 1024.0
RSS_FLAT_FACTOR = 1.5
"""Peak RSS counts as flat when the largest N needs at most this factor of the smallest N's."""


@dataclass
class Row:
    """One measured unit as it appears in the table."""

    step: str
    n: int | None
    annotations: int | None
    wall_s: float
    work_s: float | None
    peak_rss_mib: float
    ok: bool
    uses_work_s: bool
    detail: dict[str, Any] = field(default_factory=dict)
    timed_out: bool = False

    @property
    def seconds(self) -> float:
        """The seconds the rate is computed over (see the module docstring)."""
        if self.uses_work_s and self.work_s is not None:
            return self.work_s
        return self.wall_s

    @property
    def rate(self) -> float | None:
        if not self.ok or not self.annotations or self.seconds <= 0:
            return None
        return self.annotations / self.seconds


def row_from(step: str, n: int | None, annotations: int | None, m: Measurement, uses_work_s: bool) -> Row:
    work = m.report.get("work_s")
    detail = {k: v for k, v in m.report.items() if k != "work_s"}
    return Row(step, n, annotations, m.wall_s, float(work) if work is not None else None, m.peak_rss_mib, m.ok,
               uses_work_s, detail, m.timed_out)


@dataclass
class Results:
    started: str
    command: str
    sizes: list[int]
    seed: int
    ls_tasks: int
    ls_regions: int
    machine_before: dict[str, Any]
    machine_after: dict[str, Any]
    rows: list[Row]
    finished: bool = True

    def find(self, step: str, n: int | None = None) -> Row | None:
        return next((r for r in self.rows if r.step == step and (n is None or r.n == n)), None)


@dataclass(frozen=True)
class Verdict:
    """One target: what it asks, what was measured, and whether it holds (None: not measured)."""

    target: str
    measured: str
    holds: bool | None


def _ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0:
        return None
    return a / b


def _fmt_ratio(x: float | None) -> str:
    return "not measured" if x is None else f"{x:.2f}x"


def _rate_verdict(target: str, build: Row | None, other: Row | None, factor: float) -> Verdict:
    """build's rate over another unit's; a build killed at --timeout gives an upper bound on its rate."""
    other_rate = other.rate if other else None
    if build is not None and build.timed_out and build.annotations and other_rate:
        bound = build.annotations / build.wall_s / other_rate
        if bound < factor:
            return Verdict(target, f"< {bound:.2f}x (killed at --timeout after {build.wall_s:,.0f} s)", False)
        return Verdict(target, f"unknown (killed at --timeout after {build.wall_s:,.0f} s)", None)
    ratio = _ratio(build.rate if build else None, other_rate)
    return Verdict(target, _fmt_ratio(ratio), None if ratio is None else ratio >= factor)


def targets(results: Results) -> list[Verdict]:
    """Every target of the brief, checked against the rows that were measured."""
    out: list[Verdict] = []
    for n in results.sizes:
        build = results.find("build", n)
        for other, factor in (("floor", 0.5), ("from_list", 3.0)):
            out.append(_rate_verdict(f"build >= {factor:g}x {other} annotations/s (N={n:,})", build,
                                     results.find(other, n), factor))
    builds = [r for r in (results.find("build", n) for n in sorted(results.sizes))
              if r is not None and (r.ok or r.timed_out)]
    if builds:
        smallest, largest = builds[0], builds[-1]
        so_far = f" (killed at --timeout after {largest.wall_s:,.0f} s: the peak so far)" if largest.timed_out else ""
        flat = largest.peak_rss_mib <= RSS_FLAT_FACTOR * smallest.peak_rss_mib
        out.append(Verdict(
            f"build peak RSS flat in N (largest <= {RSS_FLAT_FACTOR}x smallest)",
            f"{smallest.peak_rss_mib:.0f} MiB at N={smallest.n:,} -> {largest.peak_rss_mib:.0f} MiB at N={largest.n:,}{so_far}",
            # A peak reached before the kill can prove growth, never flatness.
            None if len(builds) < 2 or (largest.timed_out and flat) else flat,
        ))
        within = largest.peak_rss_mib <= RSS_LIMIT_MIB
        out.append(Verdict(f"build peak RSS <= {RSS_LIMIT_MIB:.0f} MiB at N={largest.n:,}", f"{largest.peak_rss_mib:.0f} MiB{so_far}",
                           None if largest.timed_out and within else within))
    else:
        out.append(Verdict("build peak RSS flat in N", "not measured", None))
    ours, sdk = results.find("ls_ours"), results.find("ls_sdk")
    r_ls = _ratio(ours.rate if ours else None, sdk.rate if sdk else None)
    out.append(Verdict(f"Label Studio conversion >= 5x the SDK ({results.ls_tasks:,} tasks x {results.ls_regions} regions)",
                       _fmt_ratio(r_ls), None if r_ls is None else r_ls >= 5.0))
    if ours is not None and ours.ok:
        kept = ours.detail.get("records") == ours.annotations and ours.detail.get("stance_holders", 0) > 0 \
            and ours.detail.get("measured_links", 0) > 0
        out.append(Verdict("Label Studio conversion keeps every region, relation and per-region value",
                           f"{ours.detail.get('records')} records of {ours.annotations} regions, "
                           f"{ours.detail.get('stance_holders')} holders, {ours.detail.get('measured_links')} measured links",
                           kept))
    for step, limit in (("real_build", 3.0), ("real_validate", 1.0)):
        row = results.find(step)
        command = step.replace("real_", "newscorpus ")
        out.append(Verdict(f"`{command}` on the real corpus < {limit:.0f} s wall",
                           "not measured" if row is None else f"{row.wall_s:.2f} s" + ("" if row.ok else " (failed)"),
                           None if row is None else (row.ok and row.wall_s < limit)))
    streams = [r for r in results.rows if r.step == "stream_check"]
    if streams:
        problems = [p for r in streams for p in r.detail.get("problems", [])]
        most = max(int(r.detail.get("most_shards", 0)) for r in streams)
        out.append(Verdict("load_dataset(..., streaming=True) reads every shard of every config split",
                           f"{len(problems)} problem(s); most shards in one split: {most}",
                           all(r.ok for r in streams) and not problems))
    return out


# --------------------------------------------------------------------------- output


def _num(x: float | None, digits: int = 1) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return f"{x:,.{digits}f}"


def _wall(row: Row) -> str:
    return f"> {row.wall_s:,.0f}" if row.timed_out else _num(row.wall_s, 2)


def _status(row: Row) -> str:
    if row.ok:
        return "yes"
    return "killed at --timeout" if row.timed_out else "FAILED"


def markdown(results: Results, verdicts: list[Verdict]) -> str:
    lines = [] if results.finished else ["**Partial results: the run was still going or was stopped.**", ""]
    lines += [
        "| step | N | annotations | wall s | timed s | annotations/s | peak RSS MiB | load | ok |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results.rows:
        lines.append(
            f"| {r.step} | {'' if r.n is None else f'{r.n:,}'} | {'' if r.annotations is None else f'{r.annotations:,}'} "
            f"| {_wall(r)} | {_num(r.work_s, 2)} | {_num(r.rate, 0)} | {_num(r.peak_rss_mib, 0)} "
            f"| {_num(r.detail.get('load_average_1min_at_start'), 1)} | {_status(r)} |"
        )
    lines += ["", "| target | measured | holds |", "|---|---|---|"]
    for v in verdicts:
        holds = "not measured" if v.holds is None else ("yes" if v.holds else "**no**")
        lines.append(f"| {v.target} | {v.measured} | {holds} |")
    m0, m1 = results.machine_before, results.machine_after
    lines += [
        "",
        f"Command: `{results.command}` (seed {results.seed}), started {results.started}.",
        f"Machine: {m0['cpus']} cores, {m0['memory_gib']} GiB, Python {m0['python']}, {m0['platform']}; "
        f"load average {m0['load_average']} before, {m1['load_average']} after "
        "(the load column: 1-minute load average when the unit started).",
    ]
    return "\n".join(lines)


def to_json(results: Results, verdicts: list[Verdict]) -> str:
    rows = [{**asdict(r), "seconds": r.seconds, "annotations_per_s": r.rate} for r in results.rows]
    payload = {**asdict(results), "rows": rows, "targets": [asdict(v) for v in verdicts]}
    return json.dumps(payload, indent=2, sort_keys=True) + "\n"


def load(path: Path) -> Results:
    """A results.json read back, so the tables can be rendered again without measuring again."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    row_fields = {f for f in Row.__dataclass_fields__}
    rows = [Row(**{k: v for k, v in r.items() if k in row_fields}) for r in raw["rows"]]
    result_fields = {f for f in Results.__dataclass_fields__} - {"rows"}
    return Results(**{k: v for k, v in raw.items() if k in result_fields}, rows=rows)


def write(results: Results, verdicts: list[Verdict], out: Path) -> None:
    atomic_write_text(out / JSON_FILE, to_json(results, verdicts))
    atomic_write_text(out / MARKDOWN_FILE, markdown(results, verdicts) + "\n")
