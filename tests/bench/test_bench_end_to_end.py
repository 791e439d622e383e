"""The benchmark end to end at tiny N, and streaming over a sharded export (no timing asserted)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from newscorpus import schema, store
from newscorpus.cli import main as newscorpus

MEASURED_STEPS = {
    "generate", "validate", "build", "floor", "load_export", "load_parquet", "stream_check", "from_list",
    "real_validate", "real_build", "ls_make_export", "ls_ours", "ls_sdk",
}


def test_quick_bench_runs_every_unit_and_writes_its_results(small_corpus: Path, tmp_path: Path) -> None:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "newscorpus.cli", "--root", str(small_corpus), "bench", "--quick",
         "--out", str(tmp_path / "out"), "--work", str(tmp_path / "work")],
        capture_output=True, text=True, env=env, timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    assert {row["step"] for row in results["rows"] if row["ok"]} == MEASURED_STEPS
    assert (tmp_path / "out" / "results.md").read_text(encoding="utf-8").startswith("| step | N |")


def test_streaming_load_reads_every_row_of_a_sharded_export(small_corpus: Path, tmp_path: Path) -> None:
    import datasets

    out = tmp_path / "export"
    assert newscorpus(["--root", str(small_corpus), "build", "--out", str(out), "--max-shard-rows", "5"]) == 0
    split = schema.SPLITS.names[0]
    expected = [d["doc_id"] for d in store.load_corpus(small_corpus).documents if d["split"] == split]
    shards = sorted((out / "data" / "documents").glob(f"{split}-*.parquet"))
    stream = datasets.load_dataset(str(out), "documents", split=split, streaming=True, cache_dir=str(tmp_path / "cache"))
    assert len(shards) > 1 and stream.num_shards == len(shards)
    assert [row["doc_id"] for row in stream] == expected
