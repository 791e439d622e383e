"""`newscorpus validate` as a user runs it: real subprocesses, exit status and both output formats."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

CHECK = "unknown-entity"  # an error-level check with a fixture overlay
GUIDELINE_CHECK = "uncovered-digit"  # a completeness check with a fixture overlay


def newscorpus(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newscorpus.cli", "--root", str(root), "validate", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_valid_root_exits_zero(make_root):
    assert newscorpus(make_root()).returncode == 0


def test_valid_root_text_output_is_only_the_summary(make_root):
    assert newscorpus(make_root()).stdout.strip().splitlines() == ["valid: 0 errors, 0 warnings"]


def test_bad_root_exits_one(make_root):
    assert newscorpus(make_root(CHECK)).returncode == 1


def test_bad_root_text_output_names_file_line_and_check(make_root):
    first = newscorpus(make_root(CHECK)).stdout.splitlines()[0]
    assert first.startswith(f"annotations/stances/beta.jsonl:1: error [{CHECK}] beta/s1: ")


def test_bad_root_text_output_ends_with_counts(make_root):
    assert newscorpus(make_root(CHECK)).stdout.splitlines()[-1] == "INVALID: 1 error(s), 0 warning(s) in 1 file(s)"


def test_bad_root_json_output_is_a_list_of_finding_objects(make_root):
    result = newscorpus(make_root(CHECK), "--format", "json")
    assert result.returncode == 1
    assert json.loads(result.stdout) == [
        {
            "file": "annotations/stances/beta.jsonl",
            "line": 1,
            "doc_id": "beta",
            "record_id": "s1",
            "check": CHECK,
            "severity": "error",
            "level": 3,
            "message": "holder_entity_id 'nobody' is not in the entity table",
        }
    ]


def test_valid_root_json_output_is_an_empty_list(make_root):
    assert json.loads(newscorpus(make_root(), "--format", "json").stdout) == []


def test_warnings_alone_exit_zero(make_root):
    result = newscorpus(make_root("unused-entity"))
    assert result.returncode == 0 and "[unused-entity]" in result.stdout


def test_no_completeness_skips_guideline_checks(make_root):
    result = newscorpus(make_root(GUIDELINE_CHECK), "--no-completeness")
    assert (result.returncode, f"[{GUIDELINE_CHECK}]" in result.stdout) == (0, False)


def test_guideline_checks_run_by_default(make_root):
    result = newscorpus(make_root(GUIDELINE_CHECK))
    assert result.returncode == 1 and f"[{GUIDELINE_CHECK}]" in result.stdout


def test_root_without_manifest_exits_one(tmp_path):
    result = newscorpus(tmp_path)
    assert result.returncode == 1 and "[missing-manifest]" in result.stdout


def test_validate_imports_no_heavy_library():
    heavy = ["datasets", "pyarrow", "pandas", "spacy", "label_studio_sdk", "huggingface_hub"]
    code = f"import sys, newscorpus.validate; print([m for m in {heavy!r} if m in sys.modules])"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
