"""The synthetic corpus generator: what it writes is valid to ``newscorpus validate``, deterministic, atomic."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import synth

REPO = Path(__file__).resolve().parents[2]


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _synth_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(REPO / "benchmarks" / "synth.py"), *args],
                          capture_output=True, text=True, timeout=300)


def test_a_generated_corpus_has_no_finding_from_newscorpus_validate(tmp_path: Path) -> None:
    made = _synth_cli("--root", str(tmp_path / "root"), "--docs", "12", "--seed", "7")
    assert made.returncode == 0, made.stderr
    checked = subprocess.run([sys.executable, "-m", "newscorpus.cli", "--root", str(tmp_path / "root"), "validate",
                              "--format", "json"], capture_output=True, text=True, timeout=300)
    assert (checked.returncode, json.loads(checked.stdout)) == (0, []), checked.stderr


def test_the_cli_reports_the_counts_it_wrote(tmp_path: Path) -> None:
    templates = synth.load_templates()
    made = _synth_cli("--root", str(tmp_path / "root"), "--docs", "3")
    per_document = templates.mentions_per_document + templates.figures_per_document + templates.stances_per_document
    report = json.loads(made.stdout)
    assert (report["documents"], report["annotations"]) == (3, 3 * per_document)


def test_the_cli_refuses_a_root_that_exists_and_leaves_it_alone(tmp_path: Path) -> None:
    (tmp_path / "root").mkdir()
    (tmp_path / "root" / "mine.txt").write_text("keep me", encoding="utf-8")
    made = _synth_cli("--root", str(tmp_path / "root"), "--docs", "3")
    assert made.returncode == 2 and "already exists" in made.stderr
    assert _files(tmp_path / "root") == {"mine.txt": b"keep me"}


def test_same_seed_writes_byte_identical_corpora(tmp_path: Path) -> None:
    synth.generate_corpus(tmp_path / "a", 6, seed=3)
    synth.generate_corpus(tmp_path / "b", 6, seed=3)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")


def test_parallel_generation_writes_the_same_bytes_as_serial(tmp_path: Path) -> None:
    synth.generate_corpus(tmp_path / "serial", 12, seed=5, workers=1, chunk=4)
    synth.generate_corpus(tmp_path / "parallel", 12, seed=5, workers=2, chunk=4)
    assert _files(tmp_path / "serial") == _files(tmp_path / "parallel")


def test_a_failed_generation_leaves_neither_the_root_nor_a_temp_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = synth.make_document

    def failing(seed, index, table, templates):
        if index == 4:
            raise RuntimeError("disk full")
        return real(seed, index, table, templates)

    monkeypatch.setattr(synth, "make_document", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        synth.generate_corpus(tmp_path / "root", 10, seed=0)
    assert list(tmp_path.iterdir()) == []


def test_a_template_label_missing_from_its_inventory_is_named_in_the_error(tmp_path: Path) -> None:
    raw = json.loads(Path(synth.__file__).with_name(synth.TEMPLATES_FILE).read_text(encoding="utf-8"))
    raw["figures"][0]["kind"] = "NOT_A_KIND"
    bad = tmp_path / "templates.json"
    bad.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(synth.TemplateError, match=r"templates\.json: figures\[0\]\.kind: 'NOT_A_KIND' is not in inventory"):
        synth.load_templates(bad)
