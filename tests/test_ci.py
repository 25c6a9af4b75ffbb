"""CI runs both jobs: the project's test command and the newest Home Assistant's."""

import os
from pathlib import Path
import shutil
import stat
import subprocess

import pytest

ROOT = Path(__file__).resolve().parents[1]
CI_RUN = ROOT / ".ci" / "run"
NEWEST_HA = ROOT / "scripts" / "test-newest-ha"
JOBS = ("test", "test-newest-ha")


@pytest.mark.parametrize(
    ("test_exit", "newest_exit"),
    [(0, 0), (1, 0), (0, 1), (3, 4)],
    ids=["both-pass", "test-fails", "newest-fails", "both-fail"],
)
def test_ci_runs_both_jobs_and_fails_if_either_does(
    tmp_path: Path, test_exit: int, newest_exit: int
) -> None:
    """.ci/run calls scripts/test, then scripts/test-newest-ha, whatever the first did.

    Run on a copy whose two scripts are stubs that log their call and exit
    as told.
    """
    (tmp_path / ".ci").mkdir()
    shutil.copy2(CI_RUN, tmp_path / ".ci" / "run")
    (tmp_path / "scripts").mkdir()
    calls = tmp_path / "calls"
    for job, code in zip(JOBS, (test_exit, newest_exit), strict=True):
        stub = tmp_path / "scripts" / job
        stub.write_text(
            f'#!/bin/sh\necho "{job} $*" >> "{calls}"\nexit {code}\n', encoding="utf-8"
        )
        stub.chmod(0o755)
    bash = shutil.which("bash")
    assert bash is not None
    result = subprocess.run(
        [bash, str(tmp_path / ".ci" / "run")],
        cwd=tmp_path,
        env={**os.environ, "CI": "true"},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert calls.read_text(encoding="utf-8").splitlines() == [f"{job} " for job in JOBS]
    if test_exit == newest_exit == 0:
        assert result.returncode == 0, result.stderr
    else:
        assert result.returncode != 0


def test_newest_ha_script_is_strict_and_executable() -> None:
    """scripts/test-newest-ha can be run as it is and stops at the first error."""
    mode = NEWEST_HA.stat().st_mode
    assert mode & stat.S_IXUSR, "scripts/test-newest-ha is not executable"
    lines = NEWEST_HA.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "#!/usr/bin/env bash"
    assert "set -euo pipefail" in lines
    bash = shutil.which("bash")
    assert bash is not None
    syntax = subprocess.run(
        [bash, "-n", str(NEWEST_HA)], capture_output=True, text=True, check=False
    )
    assert syntax.returncode == 0, syntax.stderr


def test_newest_ha_venv_is_not_committed() -> None:
    """The job's venv is ignored by git, as .venv is."""
    ignored = ROOT.joinpath(".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".venv-newest-ha/" in ignored
