"""``python -m eum_emulator`` as a person runs it."""

from pathlib import Path
import signal
import subprocess
import sys
import urllib.request

from eum_emulator.__main__ import parse_args

from .conftest import PATIENCE

ROOT = Path(__file__).parents[2]


def test_command_line_serves_until_interrupted(socket_enabled, tmp_path) -> None:
    """It prints where it serves, answers, and exits cleanly on SIGINT."""
    process = subprocess.Popen(
        [sys.executable, "-m", "eum_emulator", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert "demo account" in line
        assert "AKIAIOSFODNN7EXAMPLE" in line
        url = line.split(" at ")[1].split(";")[0]
        # The demo role (for the role method and the default chain), then
        # which region holds which numbers and sender IDs: the command line
        # serves develop_state, with a second toll-free number whose
        # registration needs updates.
        assert process.stdout.readline().startswith(
            "eum_emulator: role arn:aws:iam::210987654321:role/aws-eum-x-demo;"
        )
        assert process.stdout.readline().strip() == (
            "eum_emulator: origination identities by region: us-east-1: "
            "+18885550100, +18885550101, +447700900123, HOMEALERT; "
            "eu-west-2: +447700900200; "
            "eu-west-1: +447700900300"
        )
        with urllib.request.urlopen(
            f"{url}/_emulator/health", timeout=PATIENCE
        ) as resp:
            assert b'"ok"' in resp.read()
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=PATIENCE) == 0


def test_command_line_rejects_a_bad_state_file(tmp_path) -> None:
    """A state file that does not load exits 2 with the reason."""
    bad = tmp_path / "state.yaml"
    bad.write_text("tier: GOLD\n")
    result = subprocess.run(
        [sys.executable, "-m", "eum_emulator", "--state", str(bad)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "tier must be PRODUCTION or SANDBOX" in result.stderr


def test_parse_args_defaults() -> None:
    """The defaults a README reader relies on."""
    args = parse_args([])
    assert (args.host, args.port, args.state) == ("127.0.0.1", 4566, None)


def test_command_line_stops_cleanly_on_sigterm(socket_enabled) -> None:
    """SIGTERM (what scripts/develop sends) stops it as cleanly as Ctrl-C."""
    process = subprocess.Popen(
        [sys.executable, "-m", "eum_emulator", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert "serving account" in process.stdout.readline()
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=PATIENCE) == 0
