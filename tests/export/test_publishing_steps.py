"""README's Hub publishing steps: valid HfApi calls; the texts go only to a private, gated repository.

The README's Python block runs against a stand-in HfApi that checks every call against the real
method's signature (``inspect.signature(...).bind``) and records it; no request is sent.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import huggingface_hub

from newscorpus.export.annotations_only import SUFFIX

README = Path(__file__).resolve().parents[2] / "README.md"


def publishing_block() -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split("**Publishing a release on the Hugging Face Hub**", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def run_steps(monkeypatch) -> list[tuple[str, dict]]:
    calls: list[tuple[str, dict]] = []
    real_api = huggingface_hub.HfApi

    class RecordingApi:
        def __getattr__(self, name):
            real = getattr(real_api, name)

            def call(*args, **kwargs):
                bound = inspect.signature(real).bind(None, *args, **kwargs)
                calls.append((name, {k: v for k, v in bound.arguments.items() if k != "self"}))

            return call

    monkeypatch.setattr(huggingface_hub, "HfApi", RecordingApi)
    exec(compile(publishing_block(), str(README), "exec"), {})
    return calls


def test_the_readme_publishing_steps_are_valid_hfapi_calls(monkeypatch):
    names = [name for name, _ in run_steps(monkeypatch)]
    assert names.count("upload_folder") == 2 and names[-1] == "update_repo_settings"


def uploads(calls):
    return [(i, args) for i, (name, args) in enumerate(calls) if name == "upload_folder"]


def test_only_the_annotations_only_folder_goes_to_a_repository_that_is_not_gated(monkeypatch):
    calls = run_steps(monkeypatch)
    gated = {args["repo_id"] for name, args in calls if name == "update_repo_settings" and args.get("gated") == "manual"}
    open_uploads = [args for _, args in uploads(calls) if args["repo_id"] not in gated]
    assert [args["folder_path"].endswith(SUFFIX) for args in open_uploads] == [True]


def test_the_full_export_repository_is_private_and_gated_before_its_upload(monkeypatch):
    calls = run_steps(monkeypatch)
    index, args = next((i, a) for i, a in uploads(calls) if not a["folder_path"].endswith(SUFFIX))
    repo = args["repo_id"]
    before = [(name, a) for name, a in calls[:index] if (a.get("repo_id") or "") == repo]
    assert any(name == "create_repo" and a.get("private") is True for name, a in before)
    assert any(name == "update_repo_settings" and a.get("gated") == "manual" for name, a in before)
    assert all(a.get("private") is not False for _, a in before)
