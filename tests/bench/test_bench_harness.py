"""The measuring harness and the target verdicts: what the benchmark reports must be true."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

from newscorpus.bench import report
from newscorpus.bench.harness import Measurement, run_measured

ALLOCATE = (
    "import json; block = bytearray(300 * 1024 * 1024); block[::4096] = b'x' * len(block[::4096]); "
    "print('noise'); print(json.dumps({'work_s': 0.5, 'rows': 3}))"
)


def test_peak_rss_of_a_unit_includes_what_it_allocated(tmp_path: Path) -> None:
    m = run_measured("alloc", [sys.executable, "-c", ALLOCATE], tmp_path)
    assert m.ok and m.peak_rss_mib >= 300


def test_the_last_json_line_of_stdout_is_the_units_report(tmp_path: Path) -> None:
    m = run_measured("alloc", [sys.executable, "-c", ALLOCATE], tmp_path)
    assert m.report == {"work_s": 0.5, "rows": 3}


def test_a_failing_unit_is_recorded_with_its_exit_code_and_stderr(tmp_path: Path) -> None:
    m = run_measured("fail", [sys.executable, "-c", "import sys; sys.stderr.write('bad input in x.jsonl'); sys.exit(3)"], tmp_path)
    assert (m.ok, m.exit_code, m.report) == (False, 3, {}) and "bad input in x.jsonl" in m.stderr_tail


def _row(step: str, n: int | None, annotations: int | None, wall: float, work: float | None = None, rss: float = 100.0,
         ok: bool = True, **detail) -> report.Row:
    return report.Row(step, n, annotations, wall, work, rss, ok, uses_work_s=work is not None, detail=detail)


def _results(rows: list[report.Row], sizes: list[int]) -> report.Results:
    machine = {"cpus": 2, "memory_gib": 24, "python": "3.11", "platform": "linux", "load_average": [0, 0, 0]}
    return report.Results("t", "newscorpus bench", sizes, 0, 10, 30, machine, machine, rows)


def _verdict(verdicts: list[report.Verdict], prefix: str) -> report.Verdict:
    return next(v for v in verdicts if v.target.startswith(prefix))


def test_build_rate_is_compared_with_the_floors_timed_section_not_its_wall_time() -> None:
    rows = [_row("build", 100, 1000, wall=4.0), _row("floor", 100, 1000, wall=10.0, work=1.0)]
    verdict = _verdict(report.targets(_results(rows, [100])), "build >= 0.5x floor")
    assert (verdict.measured, verdict.holds) == ("0.25x", False)


def test_build_three_times_faster_than_from_list_holds() -> None:
    rows = [_row("build", 100, 1000, wall=1.0), _row("from_list", 100, 1000, wall=3.0)]
    assert _verdict(report.targets(_results(rows, [100])), "build >= 3x from_list").holds is True


def test_a_missing_measurement_is_reported_as_not_measured_rather_than_passed() -> None:
    verdict = _verdict(report.targets(_results([_row("build", 100, 1000, wall=1.0)], [100])), "build >= 3x from_list")
    assert (verdict.measured, verdict.holds) == ("not measured", None)


def test_peak_rss_growing_with_n_is_not_flat() -> None:
    rows = [_row("build", 10, 10, wall=1.0, rss=200.0), _row("build", 1000, 1000, wall=1.0, rss=900.0)]
    assert _verdict(report.targets(_results(rows, [10, 1000])), "build peak RSS flat").holds is False


def test_a_failed_real_build_does_not_meet_its_time_target_however_fast() -> None:
    rows = [_row("real_build", None, None, wall=0.1, ok=False)]
    assert _verdict(report.targets(_results(rows, [])), "`newscorpus build`").holds is False


def test_conversion_that_loses_relations_fails_the_keeps_everything_target() -> None:
    rows = [_row("ls_ours", 10, 300, wall=1.0, work=0.5, records=300, stance_holders=0, measured_links=0)]
    assert _verdict(report.targets(_results(rows, [])), "Label Studio conversion keeps").holds is False


def test_markdown_table_has_a_row_per_measured_unit_and_names_the_machine() -> None:
    rows = [_row("build", 100, 1000, wall=4.0), _row("floor", 100, 1000, wall=10.0, work=1.0)]
    results = _results(rows, [100])
    text = report.markdown(results, report.targets(results))
    assert text.count("\n| build | 100 |") == 1 and text.count("\n| floor | 100 |") == 1 and "2 cores, 24 GiB" in text


def test_a_unit_past_its_timeout_is_killed_and_marked_not_finished(tmp_path: Path) -> None:
    m = run_measured("slow", [sys.executable, "-c", "import time; time.sleep(60)"], tmp_path, timeout_s=0.5)
    assert (m.ok, m.timed_out, m.exit_code) == (False, True, -signal.SIGKILL)


def test_a_build_killed_at_timeout_fails_a_rate_target_its_upper_bound_cannot_reach() -> None:
    killed = _row("build", 100, 1000, wall=100.0, ok=False)
    killed.timed_out = True
    rows = [killed, _row("from_list", 100, 1000, wall=1.0)]
    verdict = _verdict(report.targets(_results(rows, [100])), "build >= 3x from_list")
    assert (verdict.measured.startswith("< 0.01x"), verdict.holds) == (True, False)


def test_a_build_killed_at_timeout_never_proves_flat_memory() -> None:
    killed = _row("build", 1000, 1000, wall=100.0, rss=110.0, ok=False)
    killed.timed_out = True
    rows = [_row("build", 10, 10, wall=1.0, rss=100.0), killed]
    assert _verdict(report.targets(_results(rows, [10, 1000])), "build peak RSS flat").holds is None


def test_saved_results_render_again_to_the_same_tables(tmp_path: Path) -> None:
    rows = [_row("build", 100, 1000, wall=4.0), _row("floor", 100, 1000, wall=10.0, work=1.0, files=3)]
    results = _results(rows, [100])
    report.write(results, report.targets(results), tmp_path)
    again = report.load(tmp_path / report.JSON_FILE)
    assert report.markdown(again, report.targets(again)) == report.markdown(results, report.targets(results))
