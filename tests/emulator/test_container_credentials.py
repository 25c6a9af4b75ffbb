"""The container credentials endpoint, as botocore's ContainerProvider reads it."""

import asyncio
from datetime import UTC, datetime
from pathlib import Path
import re
import signal
import subprocess
import sys

from aiobotocore.session import AioSession
from aiobotocore.utils import AioContainerMetadataFetcher
import aiohttp
from botocore.exceptions import CredentialRetrievalError
from botocore.utils import ContainerMetadataFetcher
import pytest

from eum_emulator import AccessKey, AccountState, Emulator, Role

from .conftest import PATIENCE

ROOT = Path(__file__).parents[2]
OTHER_ACCOUNT = "210987654321"
TASK_ARN = f"arn:aws:iam::{OTHER_ACCOUNT}:role/task"
TOKEN = "emulated-container-token"


@pytest.fixture
def account_state() -> AccountState:
    """The demo account with a task role in another account and a short one."""
    state = AccountState()
    state.roles = [
        Role.from_arn(
            TASK_ARN,
            allowed_actions=["sms-voice:Describe*", "sts:GetCallerIdentity"],
        ),
        Role("short-lived", credential_lifetime_seconds=1),
        Role("ha+role@home"),
    ]
    return state


@pytest.fixture
def container_env(monkeypatch, tmp_path) -> pytest.MonkeyPatch:
    """Leave botocore no credentials but the container's, and no waits."""
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_ROLE_ARN",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-creds"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    # botocore retries a failed fetch 3 times a second apart; not in tests.
    monkeypatch.setattr(AioContainerMetadataFetcher, "SLEEP_TIME", 0)
    return monkeypatch


async def test_botocore_reads_the_endpoint(emulator: Emulator, container_env) -> None:
    """A client with no keys gets the role's credentials from the endpoint."""
    url = emulator.container_credentials_url("task")
    # botocore only fetches plain HTTP from loopback (or ECS's own hosts).
    ContainerMetadataFetcher()._validate_allowed_url(url)
    container_env.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url)
    session = AioSession()
    async with (
        session.create_client(
            "sts", region_name="us-east-1", endpoint_url=emulator.url
        ) as sts,
        session.create_client(
            "pinpoint-sms-voice-v2", region_name="eu-west-2", endpoint_url=emulator.url
        ) as sms,
    ):
        identity = await sts.get_caller_identity()
        numbers = (await sms.describe_phone_numbers())["PhoneNumbers"]
        error = None
        try:
            await sms.send_text_message(
                DestinationPhoneNumber="+15555550123", MessageBody="x"
            )
        except sms.exceptions.AccessDeniedException as err:
            error = err.response["Error"]
    assert (await session.get_credentials()).method == "container-role"
    assert identity["Account"] == OTHER_ACCOUNT
    assert re.fullmatch(
        rf"arn:aws:sts::{OTHER_ACCOUNT}:assumed-role/task/[0-9a-f]{{32}}",
        identity["Arn"],
    )
    assert numbers
    assert all(f":{OTHER_ACCOUNT}:" in n["PhoneNumberArn"] for n in numbers)
    # The task role's policy, not the demo user's, decides.
    assert error is not None
    assert "sms-voice:SendTextMessage" in error["Message"]
    assert emulator.outbox == []


@pytest.mark.parametrize("from_file", [False, True])
async def test_authorization_token(
    emulator: Emulator, container_env, tmp_path, from_file
) -> None:
    """With a token required, botocore's token (variable or file) is accepted."""
    with emulator.lock:
        emulator.state.container_authorization_token = TOKEN
    container_env.setenv(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI", emulator.container_credentials_url("task")
    )
    if from_file:
        token_file = tmp_path / "token"
        token_file.write_text(TOKEN, encoding="utf-8")
        container_env.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", str(token_file))
    else:
        container_env.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", TOKEN)
    async with AioSession().create_client(
        "sts", region_name="us-east-1", endpoint_url=emulator.url
    ) as sts:
        assert (await sts.get_caller_identity())["Account"] == OTHER_ACCOUNT


@pytest.mark.parametrize(
    ("token", "status"), [(None, 401), ("not-the-token", 403)], ids=["none", "wrong"]
)
async def test_missing_or_wrong_token_is_refused(
    emulator: Emulator, container_env, token, status
) -> None:
    """Botocore gives up with the endpoint's status; no credentials are issued."""
    with emulator.lock:
        emulator.state.container_authorization_token = TOKEN
    container_env.setenv(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI", emulator.container_credentials_url("task")
    )
    if token is not None:
        container_env.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", token)
    with pytest.raises(
        CredentialRetrievalError, match=f"Received non 200 response {status}"
    ):
        async with AioSession().create_client(
            "sts", region_name="us-east-1", endpoint_url=emulator.url
        ):
            pass
    assert emulator.temporary_keys() == 0


async def test_endpoint_over_http(emulator: Emulator) -> None:
    """ECS's JSON, fresh credentials on every GET, and its refusals."""
    async with aiohttp.ClientSession() as http:
        bodies = []
        for _ in range(2):
            async with http.get(emulator.container_credentials_url("task")) as resp:
                assert resp.status == 200
                bodies.append(await resp.json())
        assert set(bodies[0]) == {
            "AccessKeyId",
            "SecretAccessKey",
            "Token",
            "Expiration",
            "RoleArn",
        }
        assert bodies[0]["RoleArn"] == TASK_ARN
        assert re.fullmatch(r"ASIA[A-Z0-9]{16}", bodies[0]["AccessKeyId"])
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", bodies[0]["Expiration"])
        assert bodies[0]["AccessKeyId"] != bodies[1]["AccessKeyId"]
        assert emulator.temporary_keys() == 2

        # Role names may hold characters a URL path must escape.
        url = emulator.container_credentials_url("ha+role@home")
        assert "ha%2Brole%40home" in url
        async with http.get(url) as resp:
            assert (await resp.json())["RoleArn"] == (
                "arn:aws:iam::123456789012:role/ha+role@home"
            )

        async with http.get(emulator.container_credentials_url("nobody")) as resp:
            assert resp.status == 400
            assert (await resp.json())["code"] == "InvalidIdInRequest"

        with emulator.lock:
            emulator.state.container_authorization_token = TOKEN
        url = emulator.container_credentials_url("task")
        async with http.get(url) as resp:
            assert resp.status == 401
        async with http.get(url, headers={"Authorization": "nope"}) as resp:
            assert resp.status == 403
            assert (await resp.json())["code"] == "InvalidAuthorizationToken"
        async with http.get(url, headers={"Authorization": TOKEN}) as resp:
            assert resp.status == 200


async def test_botocore_refreshes_container_credentials(
    emulator: Emulator, container_env
) -> None:
    """Credentials living 1-2 s are refetched by botocore; no call fails.

    It calls until one call has gone through after the first credentials
    expired, with others fetched by then: however long that takes here.
    """
    container_env.setenv(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        emulator.container_credentials_url("short-lived"),
    )

    def issued() -> list[AccessKey]:
        with emulator.lock:
            return [k for k in emulator.state.access_keys if k.role_arn is not None]

    async with (
        AioSession().create_client(
            "pinpoint-sms-voice-v2", region_name="us-east-1", endpoint_url=emulator.url
        ) as sms,
        asyncio.timeout(PATIENCE),
    ):
        while True:
            asked_at = datetime.now(UTC)
            # Every call succeeds, before and after the first key expired.
            assert (await sms.describe_account_attributes())["AccountAttributes"]
            keys = issued()
            first_expired = keys[0].expires is not None and keys[0].expires < asked_at
            if first_expired and len({k.access_key_id for k in keys}) >= 2:
                break
            await asyncio.sleep(0.05)
    assert all(k.role_arn == "arn:aws:iam::123456789012:role/short-lived" for k in keys)


def test_command_line_lists_container_urls(socket_enabled, tmp_path) -> None:
    """With roles in the state, the command line prints where to fetch them."""
    state = tmp_path / "state.yaml"
    state.write_text(f"roles:\n  - arn: {TASK_ARN}\n", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "eum_emulator", "--port", "0", "--state", str(state)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        url = first.split(" at ")[1].split(";")[0]
        second = process.stdout.readline()
        assert second.strip() == (
            f"eum_emulator: role {TASK_ARN}; container credentials at "
            f"{url}/_emulator/container-credentials/task"
        )
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=PATIENCE) == 0
