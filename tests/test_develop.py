"""scripts/develop stops Home Assistant and the emulator on SIGINT or SIGTERM.

Bash defers a trap while a foreground child runs, so an earlier version
ignored signals sent to its PID and left ports 8123 and 4566 taken. Home
Assistant is replaced by a stand-in that records its PID and waits.
"""

import os
from pathlib import Path
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

ROOT = Path(__file__).parents[1]
BASH = shutil.which("bash") or "/bin/bash"
STAND_IN = """
import os, sys, time
open(os.environ["HASS_PID_FILE"], "w").write(str(os.getpid()))
time.sleep(600)
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_to_the_script_stops_both(
    socket_enabled, tmp_path: Path, stop: signal.Signals
) -> None:
    """Sent from another process, as a terminal or a supervisor would."""
    port = _free_port()
    pid_file = tmp_path / "hass.pid"
    stand_in = tmp_path / "hass.py"
    stand_in.write_text(STAND_IN)
    script = subprocess.Popen(
        [BASH, str(ROOT / "scripts" / "develop")],
        cwd=ROOT,
        env={
            **os.environ,
            "EMULATOR_PORT": str(port),
            "HASS_COMMAND": f"{sys.executable} {stand_in}",
            "HASS_PID_FILE": str(pid_file),
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not pid_file.exists() or not pid_file.read_text():
            assert script.poll() is None, "scripts/develop ended early"
            assert time.monotonic() < deadline, "Home Assistant never started"
            time.sleep(0.1)
        hass_pid = int(pid_file.read_text())
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/_emulator/health", timeout=5
        ) as answer:
            assert answer.status == 200
        script.send_signal(stop)
        assert script.wait(timeout=20) in {130, 143}
    finally:
        if script.poll() is None:
            script.kill()
    assert not _alive(hass_pid)
    with (
        pytest.raises(ConnectionRefusedError),
        socket.create_connection(("127.0.0.1", port), 1),
    ):
        pass
