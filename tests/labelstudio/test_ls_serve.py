"""``newscorpus ls serve``: a local server from environment credentials, stopped cleanly by a signal."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import psutil
import pytest

from newscorpus.labelstudio import serve

pytestmark = pytest.mark.labelstudio


def _cmdlines(pid: int | None = None) -> list[str]:
    """The command lines of every process, or of ``pid`` and its descendants (other test runs on the
    machine may pass the same fixture secrets on their own command lines)."""
    processes = psutil.process_iter() if pid is None else [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    out = []
    for process in processes:
        try:
            out.append(" ".join(process.cmdline()))
        except psutil.Error:
            pass
    return out


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_serve_runs_on_loopback_with_secrets_only_in_the_environment_and_stops_on_a_signal(label_studio, tmp_path, stop_signal):
    data = tmp_path / "data"
    shutil.copytree(label_studio.template, data)
    port = serve.free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LABEL_STUDIO_")}
    env.update(LABEL_STUDIO_USERNAME=label_studio.username, LABEL_STUDIO_PASSWORD=label_studio.password,
               LABEL_STUDIO_API_KEY=label_studio.token, PYTHONPATH=str(Path(serve.__file__).resolve().parents[2]))
    proc = subprocess.Popen([sys.executable, "-m", "newscorpus.cli", "ls", "serve", "--port", str(port), "--data-dir", str(data)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("ready:"):
                break
        assert lines and lines[-1].startswith("ready:"), "".join(lines) + proc.stderr.read()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=10) as response:
            assert response.status == 200
        commands = [c for c in _cmdlines() if str(port) in c]
        assert any("label-studio" in c and "--internal-host 127.0.0.1" in c for c in commands)
        assert not [c for c in _cmdlines(proc.pid) if label_studio.token in c or label_studio.password in c]
        proc.send_signal(stop_signal)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:  # the test failed: stop the server too (it runs in a session of its own)
            for child in psutil.Process(proc.pid).children(recursive=True):
                child.kill()
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert not [c for c in _cmdlines() if f"--port {port}" in c]  # the server went with it
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0  # nothing listens there any more
    assert (data / "server.log").is_file()


def test_serve_without_credentials_in_the_environment_is_one_error_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LABEL_STUDIO_")}
    env["PYTHONPATH"] = str(Path(serve.__file__).resolve().parents[2])
    proc = subprocess.run([sys.executable, "-m", "newscorpus.cli", "ls", "serve", "--data-dir", str(tmp_path / "d")],
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert proc.stderr.startswith("error: set LABEL_STUDIO_USERNAME, LABEL_STUDIO_PASSWORD, LABEL_STUDIO_API_KEY")
    assert "Traceback" not in proc.stderr and not (tmp_path / "d").exists()
