"""scripts/develop: what a new user needs to try everything, and how it stops.

Home Assistant is replaced by a stand-in that records how it was started
(its arguments and environment) and waits; the emulator and the
provisioning are the real ones, so the banner's instructions are tried
against what the script started. Home Assistant itself then loads the
configuration folder the script prepared, in the test's own instance.

Bash defers a trap while a foreground child runs, so an earlier version
ignored signals sent to its PID and left ports 8123 and 4566 taken.
"""

from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
import json
import os
from pathlib import Path
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from typing import Any
import urllib.request

import botocore.session
from homeassistant import config as conf_util
from homeassistant.components.camera import async_get_image
from homeassistant.core import HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import yaml

from custom_components.aws_eum_x.media import check_media
from eum_emulator import DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY

ROOT = Path(__file__).parents[1]
BASH = shutil.which("bash") or "/bin/bash"
BLUEPRINT = ROOT / "blueprints" / "automation" / "aws_eum_x" / "critical_alert.yaml"
DEMO_ROLE_ARN = "arn:aws:iam::210987654321:role/aws-eum-x-demo"
# Written at once (renamed into place), so that a reader never sees half.
STAND_IN = """
import json, os, sys, time
record = {"pid": os.getpid(), "argv": sys.argv[1:], "env": dict(os.environ)}
path = os.environ["HASS_RECORD"]
with open(path + ".tmp", "w") as file:
    json.dump(record, file)
os.replace(path + ".tmp", path)
time.sleep(600)
"""
# Variables of botocore's default chain a developer's shell may have: left
# out, so that what the script passes on is the test's only.
CHAIN_VARIABLES = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "HA_PORT",
    "HA_CONFIG_DIR",
)


FREE_PORT = """
import socket
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
"""


def _free_port() -> int:
    """Return a free loopback port (asked of a child: sockets are off here)."""
    answer = subprocess.run(
        [sys.executable, "-c", FREE_PORT], capture_output=True, text=True, check=True
    )
    return int(answer.stdout)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@dataclass
class Develop:
    """A running scripts/develop, and what its stand-in Home Assistant saw."""

    process: subprocess.Popen[bytes]
    emulator_url: str
    config_dir: Path
    banner: str
    hass: dict[str, Any]

    def line(self, starting: str) -> str:
        """Return the banner's line that starts with ``starting``, stripped."""
        return next(
            line.strip()
            for line in self.banner.splitlines()
            if line.strip().startswith(starting)
        )


def _start(
    tmp_path: Path, *args: str, cwd: Path = ROOT, **env: str
) -> tuple[subprocess.Popen[bytes], Path, Path]:
    """Start scripts/develop with the stand-in; return it and its two records."""
    stand_in = tmp_path / "hass.py"
    stand_in.write_text(STAND_IN, encoding="utf-8")
    record = tmp_path / "hass.json"
    output = tmp_path / "develop.out"
    base = {k: v for k, v in os.environ.items() if k not in CHAIN_VARIABLES}
    with output.open("wb") as stdout:
        process = subprocess.Popen(
            [BASH, str(ROOT / "scripts" / "develop"), *args],
            cwd=cwd,
            env={
                **base,
                "HASS_COMMAND": f"{sys.executable} {stand_in}",
                "HASS_RECORD": str(record),
                **env,
            },
            stdout=stdout,
            stderr=subprocess.STDOUT,
        )
    return process, record, output


def _wait_for_hass(process: subprocess.Popen[bytes], record: Path) -> dict[str, Any]:
    """Wait until the script started (the stand-in of) Home Assistant."""
    deadline = time.monotonic() + 90
    while not record.exists():
        assert process.poll() is None, "scripts/develop ended early"
        assert time.monotonic() < deadline, "Home Assistant never started"
        time.sleep(0.1)
    return dict(json.loads(record.read_text(encoding="utf-8")))


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def develop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Develop]:
    """scripts/develop on free ports, in a configuration folder of its own.

    The folder has .storage/http from an earlier start on port 8123, with a
    change to port 9000 made in the UI and not yet confirmed; the shell
    exports the container-credentials URL for the default chain.
    """
    tmp_path = tmp_path_factory.mktemp("develop")
    config_dir = tmp_path / "ha-config"
    (config_dir / ".storage").mkdir(parents=True)
    stored = {"server_port": 8123, "ssl_profile": "modern"}
    (config_dir / ".storage" / "http").write_text(
        json.dumps(
            {
                "version": 2,
                "minor_version": 2,
                "key": "http",
                "data": {
                    "stable": stored,
                    "pending": {**stored, "server_port": 9000},
                    "yaml_migration_done": True,
                },
            }
        ),
        encoding="utf-8",
    )
    emulator_port, ha_port = _free_port(), _free_port()
    emulator_url = f"http://127.0.0.1:{emulator_port}"
    process, record, output = _start(
        tmp_path,
        EMULATOR_PORT=str(emulator_port),
        HA_PORT=str(ha_port),
        HA_CONFIG_DIR=str(config_dir),
        AWS_CONTAINER_CREDENTIALS_FULL_URI=(
            f"{emulator_url}/_emulator/container-credentials/aws-eum-x-demo"
        ),
    )
    try:
        hass = _wait_for_hass(process, record)
        yield Develop(
            process,
            emulator_url,
            config_dir,
            output.read_text(encoding="utf-8"),
            hass,
        )
    finally:
        _stop(process)


def _client(develop: Develop, service: str, **credentials: str) -> Any:
    return botocore.session.get_session().create_client(
        service,
        region_name="us-east-1",
        endpoint_url=develop.emulator_url,
        aws_access_key_id=credentials.get("key", DEMO_ACCESS_KEY_ID),
        aws_secret_access_key=credentials.get("secret", DEMO_SECRET_ACCESS_KEY),
        aws_session_token=credentials.get("token"),
    )


# -- the escalation blueprint (issue 17, item 1) --------------------------------


async def test_an_automation_made_from_the_blueprint_loads(
    hass: HomeAssistant, develop: Develop
) -> None:
    """The configuration loads automations.yaml; the blueprint is in place.

    An automation made from the blueprint in the UI is saved to
    automations.yaml; at the next start Home Assistant must find both.
    """
    config_dir = develop.config_dir
    linked = config_dir / "blueprints" / "automation" / "aws_eum_x"
    # Linked, not copied: the repository's file is the only one.
    assert (linked / "critical_alert.yaml").is_symlink()
    assert (linked / "critical_alert.yaml").resolve() == BLUEPRINT
    assert (config_dir / "automations.yaml").read_text(encoding="utf-8") == "[]\n"
    assert (config_dir / "scripts.yaml").read_text(encoding="utf-8") == ""
    assert (config_dir / "scenes.yaml").read_text(encoding="utf-8") == ""
    # A folder without configuration.yaml gets the repository's.
    assert (config_dir / "configuration.yaml").read_bytes() == (
        ROOT / "config" / "configuration.yaml"
    ).read_bytes()

    saved = [
        {
            "id": "1700000000000",
            "alias": "Basement leak",
            "use_blueprint": {
                "path": "aws_eum_x/critical_alert.yaml",
                "input": {
                    "alert_trigger": [{"trigger": "event", "event_type": "leak"}],
                    "contacts": ["+15555550123"],
                    "message": "Water leak in the basement!",
                },
            },
        }
    ]
    automations = config_dir / "automations.yaml"
    automations.write_text(yaml.safe_dump(saved), encoding="utf-8")
    try:
        hass.config.config_dir = str(config_dir)
        config = await conf_util.async_hass_config_yaml(hass)
        assert await async_setup_component(
            hass, "automation", {"automation": config["automation"]}
        )
        await hass.async_block_till_done()
    finally:
        automations.write_text("[]\n", encoding="utf-8")
    # An unknown blueprint or a bad input leaves no automation entity.
    assert hass.states.get("automation.basement_leak").state == "on"


# -- the role method and the default chain (item 2) ------------------------------


def test_the_banner_says_how_to_try_the_role_and_the_default_chain(
    develop: Develop, socket_enabled, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    """What it says to enter works against the emulator it started.

    The demo key assumes the demo role (no external ID); the exported
    container-credentials URL reaches Home Assistant's environment, and
    botocore's default chain finds the role's credentials there.
    """
    assert develop.line("Role ARN") == f"Role ARN           {DEMO_ROLE_ARN}"
    assert develop.line("External ID") == "External ID        (leave empty)"
    container_url = (
        f"{develop.emulator_url}/_emulator/container-credentials/aws-eum-x-demo"
    )
    assert develop.line("AWS_CONTAINER_CREDENTIALS_FULL_URI=") == (
        f"AWS_CONTAINER_CREDENTIALS_FULL_URI={container_url} scripts/develop"
    )
    assert develop.line("Home Assistant's default chain") == (
        "Home Assistant's default chain will find: AWS_CONTAINER_CREDENTIALS_FULL_URI"
    )
    assert develop.hass["env"]["AWS_CONTAINER_CREDENTIALS_FULL_URI"] == container_url

    with closing(_client(develop, "sts")) as sts:
        assumed = sts.assume_role(RoleArn=DEMO_ROLE_ARN, RoleSessionName="banner")
    credentials = assumed["Credentials"]
    with closing(
        _client(
            develop,
            "sts",
            key=credentials["AccessKeyId"],
            secret=credentials["SecretAccessKey"],
            token=credentials["SessionToken"],
        )
    ) as sts:
        assert sts.get_caller_identity()["Account"] == "210987654321"

    for name in CHAIN_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", container_url)
    session = botocore.session.get_session()
    chain = session.get_credentials()
    assert chain.method == "container-role"
    with closing(
        session.create_client(
            "sts", region_name="us-east-1", endpoint_url=develop.emulator_url
        )
    ) as sts:
        identity = sts.get_caller_identity()
    assert identity["Arn"].startswith(
        "arn:aws:sts::210987654321:assumed-role/aws-eum-x-demo/"
    )


def test_a_state_file_replaces_the_demo_account(socket_enabled, tmp_path) -> None:
    """``--state FILE`` (relative to where it was run) goes to the emulator.

    Its keys are not the demo's, so the receiving resources cannot be
    created: the script says so and starts Home Assistant all the same, on
    port 8123 when HA_PORT is not set.
    """
    (tmp_path / "state.yaml").write_text(
        "account_id: '111122223333'\n"
        "access_keys:\n"
        "  - access_key_id: TESTKEYSTATEFILE\n"
        "    secret_access_key: state-file-secret\n",
        encoding="utf-8",
    )
    emulator_port = _free_port()
    process, record, output = _start(
        tmp_path,
        "--state",
        "state.yaml",
        cwd=tmp_path,
        EMULATOR_PORT=str(emulator_port),
        HA_CONFIG_DIR="ha-config",
    )
    try:
        hass = _wait_for_hass(process, record)
        with urllib.request.urlopen(
            f"http://127.0.0.1:{emulator_port}/_emulator/health", timeout=5
        ) as answer:
            assert json.loads(answer.read())["account_id"] == "111122223333"
    finally:
        _stop(process)
    banner = output.read_text(encoding="utf-8")
    assert f"Account: {tmp_path / 'state.yaml'}; use its keys and roles" in banner
    assert "AKIAIOSFODNN7EXAMPLE" not in banner.split("Home Assistant:", 1)[1]
    assert "The receiving resources and the media bucket were not created" in banner
    assert "Event queue URL    (not created)" in banner
    assert "Home Assistant: http://127.0.0.1:8123 " in banner
    assert hass["argv"] == ["--config", str(tmp_path / "ha-config")]
    assert hass["env"]["SETUP_PORT"] == "8123"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--state"], "Usage: scripts/develop [--state FILE]"),
        (["--state", "/nonexistent/state.yaml"], "no state file"),
        (["--colour"], "unknown argument --colour"),
    ],
)
def test_bad_arguments_stop_it_before_anything_starts(
    args: list[str], message: str, tmp_path: Path
) -> None:
    """Exit 2 with the reason, before the emulator or Home Assistant start.

    Were they started after all, it would be on a free port with the
    stand-in, never a real Home Assistant on 8123.
    """
    process, record, output = _start(
        tmp_path,
        *args,
        EMULATOR_PORT=str(_free_port()),
        HA_CONFIG_DIR=str(tmp_path / "ha-config"),
    )
    try:
        assert process.wait(timeout=30) == 2
    finally:
        _stop(process)
    assert message in output.read_text(encoding="utf-8")
    assert not record.exists()
    assert not (tmp_path / "ha-config").exists()


# -- picture messages (item 3) ---------------------------------------------------


def test_a_media_bucket_and_a_sample_picture(develop: Develop, socket_enabled) -> None:
    """The options' bucket exists in the emulator's S3; the picture is a PNG."""
    assert develop.line("Media bucket") == "Media bucket       aws-eum-x-media"
    assert develop.line("Media prefix") == "Media prefix       aws-eum-x/"
    sample = develop.config_dir / "www" / "aws-eum-x-sample.png"
    assert develop.line("media:") == f"media: {sample}"
    with closing(_client(develop, "s3")) as s3:
        s3.head_bucket(Bucket="aws-eum-x-media")
        [rule] = s3.get_bucket_lifecycle_configuration(Bucket="aws-eum-x-media")[
            "Rules"
        ]
    assert rule["Filter"] == {"Prefix": "aws-eum-x/"}
    # A copy of the committed picture, small, and one AWS sends.
    committed = ROOT / "config" / "www" / "aws-eum-x-sample.png"
    assert not sample.is_symlink()
    assert sample.read_bytes() == committed.read_bytes()
    assert sample.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert sample.stat().st_size < 10_000
    check_media("image/png", sample.stat().st_size)


async def test_home_assistant_may_read_the_sample_picture(
    hass: HomeAssistant, develop: Develop
) -> None:
    """Its folder is allowed by default; a Local file camera shows it.

    Both are what the README offers as the picture of a message: the file's
    path, or the entity of a camera made from it in the UI.
    """
    sample = develop.config_dir / "www" / "aws-eum-x-sample.png"
    hass.config.config_dir = str(develop.config_dir)
    await async_process_ha_core_config(hass, {})
    assert await hass.async_add_executor_job(hass.config.is_allowed_path, str(sample))

    entry = MockConfigEntry(
        domain="local_file",
        title="Front door",
        options={"name": "Front door", "file_path": str(sample)},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    image = await async_get_image(hass, "camera.front_door")
    assert image.content_type == "image/png"
    assert image.content == await hass.async_add_executor_job(sample.read_bytes)


# -- receiving and ports (item 9) ------------------------------------------------


def test_ports_and_receiving(develop: Develop, socket_enabled) -> None:
    """HA_PORT wins over the stored port; the banner's reply reaches the queue."""
    port = develop.hass["env"]["SETUP_PORT"]
    assert develop.line("Home Assistant:") == (
        f"Home Assistant: http://127.0.0.1:{port} (create a user on first start)"
    )
    assert develop.hass["argv"] == ["--config", str(develop.config_dir)]
    stored = json.loads(
        (develop.config_dir / ".storage" / "http").read_text(encoding="utf-8")
    )
    assert stored["data"]["stable"]["server_port"] == int(port)
    assert stored["data"]["pending"]["server_port"] == int(port)

    assert develop.line("Configuration set") == "Configuration set  home-alerts"
    queue_url = f"{develop.emulator_url}/123456789012/aws-eum-x-events"
    assert develop.line("Event queue URL") == f"Event queue URL    {queue_url}"
    curl = develop.line("curl -X POST")
    match = re.fullmatch(r"curl -X POST (\S+) -d '(.+)'", curl)
    assert match is not None
    request = urllib.request.Request(match[1], data=match[2].encode(), method="POST")
    with urllib.request.urlopen(request, timeout=5) as answer:
        assert "inbound_message_id" in json.loads(answer.read())
    with closing(_client(develop, "sqs")) as sqs:
        [message] = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=5)[
            "Messages"
        ]
    reply = json.loads(message["Body"])
    assert (reply["originationNumber"], reply["messageBody"]) == (
        "+15555550123",
        "STATUS",
    )


# -- stopping --------------------------------------------------------------------


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_to_the_script_stops_both(
    socket_enabled, tmp_path: Path, stop: signal.Signals
) -> None:
    """Sent from another process, as a terminal or a supervisor would."""
    port = _free_port()
    process, record, _ = _start(
        tmp_path,
        EMULATOR_PORT=str(port),
        HA_PORT=str(_free_port()),
        HA_CONFIG_DIR=str(tmp_path / "ha-config"),
    )
    try:
        hass_pid = int(_wait_for_hass(process, record)["pid"])
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/_emulator/health", timeout=5
        ) as answer:
            assert answer.status == 200
        process.send_signal(stop)
        assert process.wait(timeout=20) in {130, 143}
    finally:
        if process.poll() is None:
            process.kill()
    assert not _alive(hass_pid)
    with (
        pytest.raises(ConnectionRefusedError),
        socket.create_connection(("127.0.0.1", port), 1),
    ):
        pass
