"""README's Hub publishing steps: valid HfApi calls, and nothing is uploaded before the repository is private and gated.

The README's Python block runs against a stand-in HfApi that checks every call against the real
method's signature (``inspect.signature(...).bind``) and records it; no request is sent.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import huggingface_hub

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
    assert names == ["create_repo", "update_repo_settings", "upload_folder", "create_tag", "update_repo_settings"]


def test_the_repository_is_private_and_gated_before_anything_is_uploaded(monkeypatch):
    calls = run_steps(monkeypatch)
    upload = next(i for i, (name, _) in enumerate(calls) if name == "upload_folder")
    before = calls[:upload]
    assert any(name == "create_repo" and args.get("private") is True for name, args in before)
    assert any(name == "update_repo_settings" and args.get("gated") == "manual" for name, args in before)
    assert all(args.get("private") is not False for _, args in before)
