"""Fixtures for the release work: a tiny valid corpus root and git helpers.

The corpus is two short documents (one train, one test) whose every name is
annotated and whose only digit is an annotated figure, so the real validator
accepts it.  Label names appear here as fixture DATA, which the standards allow.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import newscorpus

REPO = Path(__file__).resolve().parents[2]
PACKAGE_DIR = Path(newscorpus.__file__).resolve().parent

TEXT_TRAIN = "Vladimir Putin visited India for 2 days. Narendra Modi welcomed him."
TEXT_TEST = "Narendra Modi met Vladimir Putin in New Delhi."

PROV = {"annotator": "claude-agent", "method": "llm-authored"}


def _mention(mid: str, text: str, doc_text: str, label: str, mtype: str, entity_id: str, nth: int = 0) -> dict[str, Any]:
    start = -1
    for _ in range(nth + 1):
        start = doc_text.index(text, start + 1)
    return {"mention_id": mid, "start": start, "end": start + len(text), "text": text, "label": label, "mention_type": mtype, "entity_id": entity_id, **PROV}


ENTITY_TABLE = [
    {"entity_id": "india", "name": "India", "label": "GPE", "description": "The Republic of India.", **PROV},
    {"entity_id": "narendra-modi", "name": "Narendra Modi", "label": "PERSON", "description": "Prime Minister of India.", **PROV},
    {"entity_id": "new-delhi", "name": "New Delhi", "label": "GPE", "description": "The capital of India.", **PROV},
    {"entity_id": "vladimir-putin", "name": "Vladimir Putin", "label": "PERSON", "description": "President of Russia.", **PROV},
]

ENTITIES_TRAIN = [
    _mention("m-001", "Vladimir Putin", TEXT_TRAIN, "PERSON", "NAM", "vladimir-putin"),
    _mention("m-002", "India", TEXT_TRAIN, "GPE", "NAM", "india"),
    _mention("m-003", "Narendra Modi", TEXT_TRAIN, "PERSON", "NAM", "narendra-modi"),
    _mention("m-004", "him", TEXT_TRAIN, "PERSON", "PRO", "vladimir-putin"),
]
ENTITIES_TEST = [
    _mention("m-001", "Narendra Modi", TEXT_TEST, "PERSON", "NAM", "narendra-modi"),
    _mention("m-002", "Vladimir Putin", TEXT_TEST, "PERSON", "NAM", "vladimir-putin"),
    _mention("m-003", "New Delhi", TEXT_TEST, "GPE", "NAM", "new-delhi"),
]
FIGURES_TRAIN = [
    {
        "figure_id": "f-001", "start": TEXT_TRAIN.index("2 days"), "end": TEXT_TRAIN.index("2 days") + 6, "text": "2 days",
        "kind": "DURATION", "value": 2, "value_low": None, "value_high": None, "unit": "day", "normalized": "P2D",
        "approximate": False, "measured": "length of Putin's visit to India", "measured_entity_ids": ["vladimir-putin", "india"], **PROV,
    }
]
STANCES_TRAIN = [
    {
        "stance_id": "s-001", "holder_entity_id": "narendra-modi", "target": "india_russia_partnership", "polarity": "favor",
        "evidence_start": TEXT_TRAIN.index("Narendra Modi welcomed him."), "evidence_end": len(TEXT_TRAIN),
        "evidence_text": "Narendra Modi welcomed him.", "attribution": "action", **PROV,
    }
]


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _document(doc_id: str, text: str, split: str) -> dict[str, Any]:
    return {
        "doc_id": doc_id, "title": None, "published": None, "source": None, "url": None, "language": "en",
        "event_id": "fixture-event", "split": split, "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "known_defects": [],
    }


def write_corpus(root: Path) -> Path:
    """A two-document corpus root: manifest, texts, entity table, entities, figures and stances."""
    (root / "corpus").mkdir(parents=True, exist_ok=True)
    (root / "corpus" / "d1.txt").write_bytes(TEXT_TRAIN.encode("utf-8"))
    (root / "corpus" / "d2.txt").write_bytes(TEXT_TEST.encode("utf-8"))
    write_jsonl(root / "corpus" / "manifest.jsonl", [_document("d1", TEXT_TRAIN, "train"), _document("d2", TEXT_TEST, "test")])
    write_jsonl(root / "annotations" / "entity_table.jsonl", ENTITY_TABLE)
    write_jsonl(root / "annotations" / "entities" / "d1.jsonl", ENTITIES_TRAIN)
    write_jsonl(root / "annotations" / "entities" / "d2.jsonl", ENTITIES_TEST)
    write_jsonl(root / "annotations" / "figures" / "d1.jsonl", FIGURES_TRAIN)
    write_jsonl(root / "annotations" / "stances" / "d1.jsonl", STANCES_TRAIN)
    return root


@pytest.fixture
def corpus_root(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "root")


# --------------------------------------------------------------------------- git


GIT_ENV = {
    "GIT_AUTHOR_NAME": "Fixture", "GIT_AUTHOR_EMAIL": "fixture@example.invalid",
    "GIT_COMMITTER_NAME": "Fixture", "GIT_COMMITTER_EMAIL": "fixture@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(root: Path, *args: str) -> str:
    proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, env={**os.environ, **GIT_ENV}, check=True)
    return proc.stdout


def git_init(root: Path) -> None:
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Fixture")
    git(root, "config", "user.email", "fixture@example.invalid")
    git(root, "config", "commit.gpgsign", "false")
    git(root, "config", "tag.gpgsign", "false")


def commit_all(root: Path, message: str) -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
    return git(root, "rev-parse", "HEAD").strip()


@pytest.fixture
def git_root(corpus_root: Path) -> Path:
    """The tiny corpus as the first commit of a fresh repository."""
    git_init(corpus_root)
    commit_all(corpus_root, "corpus")
    return corpus_root


FIXTURE_VERSION = "0.1.0"
FIXTURE_CHANGELOG = "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- The fixture corpus.\n"
FIXTURE_DATASHEET = (
    "# Datasheet\n\n<!-- generated:version -->\n<!-- /generated:version -->\n\n"
    "<!-- generated:errata -->\n<!-- /generated:errata -->\n"
)


def copy_package(root: Path) -> None:
    """The package's code inside the fixture repository at a fixed version, as a release repository has it."""
    target = root / "scripts" / "newscorpus"
    shutil.copytree(PACKAGE_DIR, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    version = target / "version.py"
    version.write_text(re.sub(r'CORPUS_VERSION = "[^"]*"', f'CORPUS_VERSION = "{FIXTURE_VERSION}"', version.read_text(encoding="utf-8")), encoding="utf-8")


def make_release_repo(root: Path) -> Path:
    """A repository like the real one: corpus, annotations, package code, changelog, datasheet, .gitignore."""
    write_corpus(root)
    copy_package(root)
    (root / ".gitignore").write_text("__pycache__/\ndist/\n", encoding="utf-8")
    (root / "CHANGELOG.md").write_text(FIXTURE_CHANGELOG, encoding="utf-8")
    (root / "DATASHEET.md").write_text(FIXTURE_DATASHEET, encoding="utf-8")
    git_init(root)
    commit_all(root, "fixture repository")
    return root


@pytest.fixture
def release_repo(tmp_path: Path) -> Path:
    return make_release_repo(tmp_path / "repo")


@pytest.fixture(scope="session")
def fx() -> SimpleNamespace:
    """The helper functions above, for test modules (importlib mode cannot import conftest)."""
    return SimpleNamespace(
        write_jsonl=write_jsonl, read_jsonl=read_jsonl, git=git, git_init=git_init, commit_all=commit_all,
        write_corpus=write_corpus, copy_package=copy_package, make_release_repo=make_release_repo, text_train=TEXT_TRAIN, text_test=TEXT_TEST,
    )
