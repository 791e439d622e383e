"""``newscorpus ls serve``: a local Label Studio server on 127.0.0.1, started the same way the tests start theirs.

Contract:
- binds 127.0.0.1 only, on ``--port`` (refused when the port is taken, instead of
  Label Studio's silent move to the next port);
- keeps everything (sqlite database, uploaded files, the server's ``.env``) in its own
  data folder, ``--data-dir``;
- no outbound calls: analytics, the version check and error reporting (Sentry) are off;
- the first user's email and password and the API token come from the environment
  (``LABEL_STUDIO_USERNAME``, ``LABEL_STUDIO_PASSWORD``, ``LABEL_STUDIO_API_KEY``), never from
  the command line, where ``ps`` would show them;
- the server's output goes to a log file, not to the user's terminal;
- Ctrl-C or SIGTERM stops exactly the server's process group and waits for it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Mapping

from .client import KEY_ENV, URL_ENV, LabelStudioError

USERNAME_ENV = "LABEL_STUDIO_USERNAME"
PASSWORD_ENV = "LABEL_STUDIO_PASSWORD"
BIN_ENV = "LABEL_STUDIO_BIN"
HOST = "127.0.0.1"
HEALTH_TIMEOUT_S = 300.0
"""How long a start may take: the first start migrates a new database."""
STOP_TIMEOUT_S = 30.0


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "newscorpus" / "label-studio"


def label_studio_binary() -> Path:
    """``$LABEL_STUDIO_BIN``, else ``label-studio`` next to this Python, else on PATH."""
    explicit = os.environ.get(BIN_ENV)
    if explicit:
        return Path(explicit)
    beside = Path(sys.executable).with_name("label-studio")
    if beside.exists():
        return beside
    found = shutil.which("label-studio")
    if found is None:
        raise LabelStudioError(f"the label-studio server is not installed: pip install 'label-studio>=1.23,<1.24' or set {BIN_ENV}")
    return Path(found)


def server_env(data_dir: Path, username: str, password: str, token: str,
               base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The server's environment: its data folder, its first user, and every outbound call off."""
    env = {k: v for k, v in (os.environ if base is None else base).items()
           if k not in ("HOST", "PORT") and not k.startswith("LABEL_STUDIO_")}
    env.update(
        LABEL_STUDIO_BASE_DATA_DIR=str(data_dir),
        LABEL_STUDIO_USERNAME=username,
        LABEL_STUDIO_PASSWORD=password,
        LABEL_STUDIO_USER_TOKEN=token,
        LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN="true",
        LABEL_STUDIO_LATEST_VERSION_CHECK="false",
        LABEL_STUDIO_COLLECT_ANALYTICS="false",
        LABEL_STUDIO_SENTRY_DSN="",
        LABEL_STUDIO_FRONTEND_SENTRY_DSN="",
        SENTRY_DSN="",
    )
    return env


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def start(binary: Path, port: int, env: Mapping[str, str], log_path: Path, cwd: Path) -> subprocess.Popen:
    """The server process, in a process group of its own, its output appended to ``log_path``."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        return subprocess.Popen(
            [str(binary), "start", "--no-browser", "--internal-host", HOST, "--port", str(port), "--log-level", "WARNING"],
            env=dict(env), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=cwd,
            start_new_session=True,
        )


def wait_for_health(url: str, process: subprocess.Popen, log_path: Path, timeout_s: float = HEALTH_TIMEOUT_S) -> None:
    """Return once ``/health`` answers; raise (with the log's tail) if the server exits or never answers."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise LabelStudioError(f"label-studio exited with code {process.returncode}; see {log_path}")
        with contextlib.suppress(OSError):  # not up yet (URLError, refused, timed out)
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        time.sleep(0.3)
    raise LabelStudioError(f"label-studio did not answer {url}/health within {timeout_s:.0f} s; see {log_path}")


def stop(process: subprocess.Popen, timeout_s: float = STOP_TIMEOUT_S) -> None:
    """SIGTERM to the server's process group, then SIGKILL if it has not ended within the timeout."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=timeout_s)
            return


def _credentials() -> tuple[str, str, str]:
    values = {name: os.environ.get(name, "").strip() for name in (USERNAME_ENV, PASSWORD_ENV, KEY_ENV)}
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise LabelStudioError(
            f"set {', '.join(missing)} in the environment (the first user's email and password, and the API token "
            "the newscorpus commands use); they are never taken from the command line"
        )
    if len(values[KEY_ENV]) < 6:
        raise LabelStudioError(f"{KEY_ENV} is too short for Label Studio (use at least 6 characters, e.g. `openssl rand -hex 20`)")
    return values[USERNAME_ENV], values[PASSWORD_ENV], values[KEY_ENV]


def serve(data_dir: Path, port: int, log_path: Path) -> int:
    """Start the server, say where it is, and run until Ctrl-C or SIGTERM; then stop it and return 0."""
    username, password, token = _credentials()
    binary = label_studio_binary()
    if not port_is_free(port):
        raise LabelStudioError(f"port {port} on {HOST} is in use (another server?); choose another with --port")
    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    url = f"http://{HOST}:{port}"
    first = not any(data_dir.glob("*.sqlite3"))
    previous = {sig: signal.signal(sig, signal.default_int_handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    process = None
    try:
        process = start(binary, port, server_env(data_dir, username, password, token), log_path, data_dir)
        print(f"starting Label Studio at {url} (data: {data_dir}; log: {log_path})"
              + ("; the first start sets up the database and takes a minute" if first else ""), flush=True)
        wait_for_health(url, process, log_path)
        print(f"ready: open {url} and log in as {username}; for the newscorpus commands: export {URL_ENV}={url}\n"
              "press Ctrl-C to stop", flush=True)
        code = process.wait()
        print(f"error: label-studio exited with code {code}; see {log_path}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # Ctrl-C, or SIGTERM (raised the same way)
        print("stopping Label Studio ...", flush=True)
        return 0
    finally:
        for sig in previous:
            signal.signal(sig, signal.SIG_IGN)  # a second Ctrl-C must not interrupt the stop
        if process is not None:
            stop(process)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
