"""The large-layer memory benchmark: the corpus it writes is clean, and it reports the validate run."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks import large_layer
from newscorpus import corpus, schema
from newscorpus.validate import validate_root


def test_the_large_layer_corpus_validates_clean_with_two_mentions_a_sentence(tmp_path: Path) -> None:
    path = large_layer.write_root(tmp_path / "root", 50)
    assert validate_root(tmp_path / "root") == []
    assert sum(1 for _ in corpus.iter_lines(path, shape=schema.ENTITY_MENTION)) == 100


def test_the_benchmark_prints_the_run_of_validate_and_removes_its_corpus(tmp_path: Path, capsys) -> None:
    assert large_layer.main(["--sentences", "20", "--tmp", str(tmp_path)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["records"], report["exit_code"]) == (40, 0) and report["peak_rss_mb"] > 0
    assert list(tmp_path.iterdir()) == []
