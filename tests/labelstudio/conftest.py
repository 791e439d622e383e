"""A real Label Studio server on 127.0.0.1 for the round-trip tests, one per test session.

The server is migrated once into a template data dir (``label-studio init``, ~30 s on a
cold machine, so it is done once per session), the template is copied and the copy is
served; the server runs in its own process group so that exactly it is stopped at the end.
"""

from __future__ import annotations

import json
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

USERNAME = "lead@example.org"
PASSWORD = "not-a-secret-test-password"


@dataclass(frozen=True)
class Server:
    url: str
    token: str
    username: str
    password: str
    log: Path
    template: Path
    """A migrated data folder (same user and token) that a test may copy to start a server of its own."""


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can tell whether the test failed (screenshots)."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="session")
def label_studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Started with the same functions as ``newscorpus ls serve`` (labelstudio/serve.py)."""
    from newscorpus.labelstudio import serve
    from newscorpus.labelstudio.client import LabelStudioError

    try:
        binary = serve.label_studio_binary()
    except LabelStudioError as exc:
        pytest.fail(f"{exc} (the test extra installs it)")
    token = secrets.token_hex(20)
    base = tmp_path_factory.mktemp("label-studio")
    template = base / "template"
    with (base / "init.log").open("wb") as log:
        subprocess.run(
            [str(binary), "init", "-q", "--username", USERNAME, "--password", PASSWORD,
             "--user-token", token, "--enable-legacy-api-token"],
            env=serve.server_env(template, USERNAME, PASSWORD, token), stdout=log, stderr=subprocess.STDOUT,
            check=True, cwd=base, timeout=600,
        )
    data_dir = base / "data"
    shutil.copytree(template, data_dir)
    url = f"http://127.0.0.1:{serve.free_port()}"
    log_path = base / "server.log"
    process = serve.start(binary, int(url.rsplit(":", 1)[1]), serve.server_env(data_dir, USERNAME, PASSWORD, token),
                          log_path, base)
    try:
        try:
            serve.wait_for_health(url, process, log_path)
        except LabelStudioError as exc:
            raise RuntimeError(f"{exc}\n{log_path.read_text()[-4000:]}") from None
        yield Server(url=url, token=token, username=USERNAME, password=PASSWORD, log=log_path, template=template)
    finally:
        serve.stop(process)


# --------------------------------------------------------------------------- helpers shared by the tests

FIXTURE_ROOT = Path(__file__).parent / "fixture_root"
REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A private copy of the small fixture corpus (two documents, one with an emoji and curly quotes)."""
    dest = tmp_path / "root"
    shutil.copytree(FIXTURE_ROOT, dest)
    return dest


@pytest.fixture
def ls_env(label_studio: Server, monkeypatch: pytest.MonkeyPatch) -> Server:
    """The connection env vars pointing at the test server."""
    monkeypatch.setenv("LABEL_STUDIO_URL", label_studio.url)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", label_studio.token)
    return label_studio


@pytest.fixture
def sdk(label_studio: Server):
    from label_studio_sdk import LabelStudio

    return LabelStudio(base_url=label_studio.url, api_key=label_studio.token)


@pytest.fixture
def title(request: pytest.FixtureRequest) -> str:
    """A project title of the test's own, so tests sharing one server never see each other's tasks."""
    return f"test {request.node.name[:30]} {secrets.token_hex(4)}"  # Label Studio allows 50 characters


def corpus_files(root: Path) -> dict[str, bytes]:
    """Every file of a corpus root, by relative path (the round trip's own .labelstudio/ folder aside)."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".labelstudio" not in p.relative_to(root).parts}


def pull_export_file(root: Path, tasks: list, *extra: str) -> int:
    """``newscorpus ls pull --export FILE`` on these tasks, saved next to the root."""
    path = root.parent / "export.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    return newscorpus(root, "ls", "pull", "--export", str(path), *extra)


@pytest.fixture
def snapshot():
    return corpus_files


@pytest.fixture
def pull_export():
    return pull_export_file


def _parser():
    import argparse

    from newscorpus.labelstudio import agreement, commands

    parser = argparse.ArgumentParser(prog="newscorpus")
    parser.add_argument("--root", type=Path)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, module in (("ls", commands), ("agreement", agreement)):
        command = sub.add_parser(name)
        module.add_arguments(command)
        command.set_defaults(_module=module)
    return parser


def newscorpus(root: Path, *argv: str) -> int:
    """Run a command of this slice the way ``newscorpus --root ROOT ...`` does, without importing the other commands."""
    args = _parser().parse_args(["--root", str(root), *argv])
    return int(args._module.run(args))


@pytest.fixture
def run():
    return newscorpus
