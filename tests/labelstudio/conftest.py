"""A real Label Studio server on 127.0.0.1 for the round-trip tests, one per test session.

The server is migrated once into a template data dir (``label-studio init``, ~30 s on a
cold machine, so it is done once per session), the template is copied and the copy is
served; the server runs in its own process group so that exactly it is stopped at the end.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

USERNAME = "lead@example.org"
PASSWORD = "not-a-secret-test-password"
_HEALTH_TIMEOUT_S = 180


@dataclass(frozen=True)
class Server:
    url: str
    token: str
    username: str
    password: str


def _label_studio_bin() -> Path:
    explicit = os.environ.get("LABEL_STUDIO_BIN")
    if explicit:
        return Path(explicit)
    return Path(sys.executable).with_name("label-studio")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_env(data_dir: Path, token: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("HOST", "PORT") and not k.startswith("LABEL_STUDIO_")}
    env.update(
        LABEL_STUDIO_BASE_DATA_DIR=str(data_dir),
        LABEL_STUDIO_USERNAME=USERNAME,
        LABEL_STUDIO_PASSWORD=PASSWORD,
        LABEL_STUDIO_USER_TOKEN=token,
        LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN="true",
        LABEL_STUDIO_LATEST_VERSION_CHECK="false",
        LABEL_STUDIO_COLLECT_ANALYTICS="false",
        LABEL_STUDIO_SENTRY_DSN="",
        LABEL_STUDIO_FRONTEND_SENTRY_DSN="",
    )
    return env


def _wait_for_health(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + _HEALTH_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"label-studio exited with {process.returncode}; log:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"label-studio did not answer {url}/health; log:\n{log.read_text()[-4000:]}")


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can tell whether the test failed (screenshots)."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="session")
def label_studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    binary = _label_studio_bin()
    if not binary.exists():
        pytest.fail(f"label-studio server not found at {binary}: install the test extra or set LABEL_STUDIO_BIN")
    token = secrets.token_hex(20)
    base = tmp_path_factory.mktemp("label-studio")
    template = base / "template"
    init_log = base / "init.log"
    with init_log.open("wb") as log:
        subprocess.run(
            [str(binary), "init", "-q", "--username", USERNAME, "--password", PASSWORD,
             "--user-token", token, "--enable-legacy-api-token"],
            env=_server_env(template, token), stdout=log, stderr=subprocess.STDOUT, check=True,
            cwd=base, timeout=600,
        )
    data_dir = base / "data"
    shutil.copytree(template, data_dir)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = base / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(binary), "start", "--no-browser", "--internal-host", "127.0.0.1", "--port", str(port),
             "--log-level", "WARNING"],
            env=_server_env(data_dir, token), stdout=log, stderr=subprocess.STDOUT, cwd=base,
            start_new_session=True,
        )
    try:
        _wait_for_health(url, process, log_path)
        yield Server(url=url, token=token, username=USERNAME, password=PASSWORD)
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=20)


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
