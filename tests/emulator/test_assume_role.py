"""STS AssumeRole: roles, trust, external IDs and temporary credentials."""

import asyncio
from collections import Counter
from contextlib import closing
from datetime import UTC, datetime, timedelta, tzinfo
import json
import re
from typing import Any
import urllib.request

from aiobotocore.config import AioConfig
from aiobotocore.credentials import AioRefreshableCredentials
from aiobotocore.session import AioSession
import aiohttp
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
import botocore.session
import pytest

from eum_emulator import (
    DEMO_ACCESS_KEY_ID,
    DEMO_SECRET_ACCESS_KEY,
    AccessKey,
    AccountState,
    Emulator,
    Role,
    StateError,
    sessions,
    sigv4,
)
from eum_emulator.state import DEMO_ROLE_ARN

from .conftest import PATIENCE

OTHER_ACCOUNT = "210987654321"
SENDER_ARN = f"arn:aws:iam::{OTHER_ACCOUNT}:role/sender"
READER_ARN = "arn:aws:iam::123456789012:role/ha/reader"
HOP_ARN = "arn:aws:iam::123456789012:role/hop"
TARGET_ARN = "arn:aws:iam::123456789012:role/target"
EXTERNAL_ID = "ha-ext-1234"
OUTSIDER = ("TESTKEYOUTSIDER", "outsidersecretEXAMPLEKEYoutsidersecret00")
DESCRIBER = ("TESTKEYDESCRIBER", "describersecretEXAMPLEKEYdescribersecret")


@pytest.fixture
def account_state() -> AccountState:
    """The demo account, two more users and four roles, one in another account."""
    state = AccountState()
    state.access_keys += [
        AccessKey(*OUTSIDER, user_name="outsider"),
        AccessKey(*DESCRIBER, user_name="describer", allowed_actions=["sms-voice:*"]),
    ]
    state.roles = [
        Role.from_arn(
            SENDER_ARN,
            trusted=[DEMO_ACCESS_KEY_ID, "describer"],
            external_id=EXTERNAL_ID,
            allowed_actions=["sms-voice:SendTextMessage", "sms-voice:Describe*"],
            max_session_duration=7200,
        ),
        Role(
            "reader",
            path="/ha/",
            trusted=["home-assistant"],
            allowed_actions=["sms-voice:DescribeAccountAttributes"],
            credential_lifetime_seconds=1,
        ),
        Role("hop", trusted=["arn:aws:iam::123456789012:user/home-assistant"]),
        Role("target", trusted=[HOP_ARN], max_session_duration=43200),
    ]
    return state


async def _error(call: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as caught:
        await call
    return caught.value.response


async def _session_client(aws_client, credentials: dict[str, Any], service: str):
    return await aws_client(
        service,
        access_key_id=credentials["AccessKeyId"],
        secret_access_key=credentials["SecretAccessKey"],
        session_token=credentials["SessionToken"],
    )


async def test_assumed_role_acts_as_the_role_in_its_account(
    aws_client, emulator: Emulator
) -> None:
    """Credentials of a role in another account: its ARN, its account, its data."""
    sts = await aws_client("sts")
    before = datetime.now(UTC)
    result = await sts.assume_role(
        RoleArn=SENDER_ARN,
        RoleSessionName="ha-session",
        ExternalId=EXTERNAL_ID,
        SourceIdentity="alice",
    )
    after = datetime.now(UTC)
    credentials = result["Credentials"]
    assert re.fullmatch(r"ASIA[A-Z0-9]{16}", credentials["AccessKeyId"])
    assert len(credentials["SecretAccessKey"]) == 40
    assert len(credentials["SessionToken"]) > 300
    # DurationSeconds defaults to one hour (from the call, up to a second).
    issued_at = credentials["Expiration"] - timedelta(hours=1)
    assert before - timedelta(seconds=1) <= issued_at <= after + timedelta(seconds=1)
    assumed_arn = f"arn:aws:sts::{OTHER_ACCOUNT}:assumed-role/sender/ha-session"
    assert result["AssumedRoleUser"]["Arn"] == assumed_arn
    role_id, session = result["AssumedRoleUser"]["AssumedRoleId"].split(":")
    assert re.fullmatch(r"AROA[A-Z0-9]{17}", role_id)
    assert session == "ha-session"
    assert result["SourceIdentity"] == "alice"

    identity = await (
        await _session_client(aws_client, credentials, "sts")
    ).get_caller_identity()
    assert identity["Account"] == OTHER_ACCOUNT
    assert identity["Arn"] == assumed_arn
    assert identity["UserId"] == result["AssumedRoleUser"]["AssumedRoleId"]

    sms = await _session_client(aws_client, credentials, "pinpoint-sms-voice-v2")
    numbers = (await sms.describe_phone_numbers())["PhoneNumbers"]
    assert all(
        f":{OTHER_ACCOUNT}:phone-number/" in n["PhoneNumberArn"] for n in numbers
    )
    sent = await sms.send_text_message(
        DestinationPhoneNumber="+15555550123", MessageBody="from a role"
    )
    assert emulator.outbox[0].message_id == sent["MessageId"]
    assert emulator.outbox[0].access_key_id == credentials["AccessKeyId"]
    assert emulator.temporary_keys() == 1


async def test_duration_and_role_path(aws_client) -> None:
    """DurationSeconds up to the role's maximum; the session ARN drops the path."""
    sts = await aws_client("sts")
    before = datetime.now(UTC)
    result = await sts.assume_role(
        RoleArn=SENDER_ARN,
        RoleSessionName="long",
        ExternalId=EXTERNAL_ID,
        DurationSeconds=7200,
    )
    after = datetime.now(UTC)
    issued_at = result["Credentials"]["Expiration"] - timedelta(hours=2)
    assert before - timedelta(seconds=1) <= issued_at <= after + timedelta(seconds=1)

    reader = await sts.assume_role(RoleArn=READER_ARN, RoleSessionName="s1")
    assert reader["AssumedRoleUser"]["Arn"] == (
        "arn:aws:sts::123456789012:assumed-role/reader/s1"
    )


def _denied(caller_arn: str, role_arn: str) -> str:
    return (
        f"User: {caller_arn} is not authorized to perform: sts:AssumeRole on "
        f"resource: {role_arn}"
    )


@pytest.mark.parametrize(
    ("key", "user", "role_arn", "external_id"),
    [
        pytest.param(OUTSIDER, "outsider", SENDER_ARN, EXTERNAL_ID, id="not-trusted"),
        pytest.param(None, "home-assistant", SENDER_ARN, None, id="no-external-id"),
        pytest.param(
            None, "home-assistant", SENDER_ARN, "ha-ext-9999", id="wrong-external-id"
        ),
        pytest.param(
            None,
            "home-assistant",
            f"arn:aws:iam::{OTHER_ACCOUNT}:role/missing",
            None,
            id="no-such-role",
        ),
        pytest.param(
            DESCRIBER, "describer", SENDER_ARN, EXTERNAL_ID, id="no-sts-permission"
        ),
        pytest.param(
            None, "home-assistant", "arn:aws:s3:::bucket/key-01", None, id="not-a-role"
        ),
    ],
)
async def test_refusals_are_one_access_denied(
    aws_client, emulator: Emulator, *, key, user, role_arn, external_id
) -> None:
    """Every refusal reads the same, as STS keeps a role's existence secret."""
    access_key_id, secret = key or (DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY)
    sts = await aws_client("sts", access_key_id=access_key_id, secret_access_key=secret)
    extra = {} if external_id is None else {"ExternalId": external_id}
    error = await _error(
        sts.assume_role(RoleArn=role_arn, RoleSessionName="refused", **extra)
    )
    assert error["Error"] == {
        "Type": "Sender",
        "Code": "AccessDenied",
        "Message": _denied(f"arn:aws:iam::123456789012:user/{user}", role_arn),
    }
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert emulator.temporary_keys() == 0


@pytest.mark.parametrize(
    ("params", "message"),
    [
        pytest.param(
            {"RoleArn": SENDER_ARN, "DurationSeconds": 7201},
            "The requested DurationSeconds exceeds the MaxSessionDuration set for "
            "this role.",
            id="over-role-maximum",
        ),
        pytest.param(
            {"RoleArn": SENDER_ARN, "DurationSeconds": 50000},
            "1 validation error detected: Value '50000' at 'durationSeconds' failed "
            "to satisfy constraint: Member must have value less than or equal to "
            "43200",
            id="over-model-maximum",
        ),
        pytest.param(
            {"RoleArn": SENDER_ARN, "DurationSeconds": 100},
            "1 validation error detected: Value '100' at 'durationSeconds' failed to "
            "satisfy constraint: Member must have value greater than or equal to 900",
            id="under-model-minimum",
        ),
        pytest.param(
            {"RoleArn": "nothing-valid-in-here"},
            "nothing-valid-in-here is invalid",
            id="malformed-arn",
        ),
        pytest.param(
            {"RoleArn": "arn:a:a::aaaaaaaaaa:"},
            "arn:a:a::aaaaaaaaaa: is invalid",
            id="arn-without-resource",
        ),
        pytest.param(
            {"RoleArn": "arn:a:::something/test-role"},
            "arn:a:::something/test-role is invalid",
            id="arn-with-too-few-parts",
        ),
        pytest.param(
            {"RoleArn": SENDER_ARN, "RoleSessionName": "Session1:2"},
            "1 validation error detected: Value 'Session1:2' at 'roleSessionName' "
            r"failed to satisfy constraint: Member must satisfy regular expression "
            r"pattern: [\w+=,.@-]*",
            id="session-name-pattern",
        ),
        pytest.param(
            {"RoleArn": SENDER_ARN, "RoleSessionName": "s" * 65, "ExternalId": "x"},
            f"2 validation errors detected: Value '{'s' * 65}' at 'roleSessionName' "
            "failed to satisfy constraint: Member must have length less than or "
            "equal to 64; Value 'x' at 'externalId' failed to satisfy constraint: "
            "Member must have length greater than or equal to 2",
            id="two-errors",
        ),
    ],
)
async def test_invalid_requests_are_validation_errors(
    aws_client, params, message
) -> None:
    """Model constraints, ARN syntax and the role's maximum, in STS's words."""
    # botocore would refuse the minimums itself; AWS must refuse them too.
    sts = await aws_client("sts", config=AioConfig(parameter_validation=False))
    request = {"RoleSessionName": "valid", "ExternalId": EXTERNAL_ID, **params}
    error = await _error(sts.assume_role(**request))
    assert error["Error"] == {
        "Type": "Sender",
        "Code": "ValidationError",
        "Message": message,
    }
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400


async def _signed_form(emulator: Emulator, body: bytes) -> tuple[int, str]:
    """POST a form signed by the demo key, as a hand-made client would."""
    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    request = AWSRequest(
        method="POST", url=f"{emulator.url}/", data=body, headers=headers
    )
    SigV4Auth(
        Credentials(DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY), "sts", "us-east-1"
    ).add_auth(request)
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{emulator.url}/", data=body, headers=dict(request.headers.items())
        ) as resp,
    ):
        return resp.status, await resp.text()


async def test_missing_and_mistyped_parameters(emulator: Emulator) -> None:
    """What only a hand-made request can send: no members, a non-number."""
    status, text = await _signed_form(emulator, b"Action=AssumeRole&Version=2011-06-15")
    assert status == 400
    assert (
        "2 validation errors detected: Value null at 'roleArn' failed to satisfy "
        "constraint: Member must not be null; Value null at 'roleSessionName' "
        "failed to satisfy constraint: Member must not be null"
    ) in text
    status, text = await _signed_form(
        emulator,
        b"Action=AssumeRole&Version=2011-06-15&RoleSessionName=s1"
        b"&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fhop"
        b"&DurationSeconds=%C2%B2",
    )
    assert status == 400
    assert "Value '\u00b2' at 'durationSeconds'" in text
    assert "Member must be of type integer" in text


class _EmulatorTime(datetime):
    """What the emulator takes for now: an instant the test sets."""

    instant = datetime.now(UTC)

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
        """Return the instant, whatever the real time."""
        return cls.instant if tz is None else cls.instant.astimezone(tz)


@pytest.fixture
def emulator_time(monkeypatch: pytest.MonkeyPatch) -> type[_EmulatorTime]:
    """Stop the clock by which the emulator issues and expires credentials.

    A loaded machine may take seconds between two calls: a credential's
    1 s then passes by chance, not when the test says.
    """
    monkeypatch.setattr(_EmulatorTime, "instant", datetime.now(UTC))
    monkeypatch.setattr(sessions, "datetime", _EmulatorTime)
    monkeypatch.setattr(sigv4, "datetime", _EmulatorTime)
    return _EmulatorTime


async def test_expired_credentials(aws_client, emulator_time) -> None:
    """Past the expiry: ExpiredTokenException, and ExpiredToken from STS."""
    sts = await aws_client("sts")
    result = await sts.assume_role(RoleArn=READER_ARN, RoleSessionName="short")
    credentials = result["Credentials"]
    lifetime = credentials["Expiration"] - emulator_time.instant
    # credential_lifetime_seconds=1, rounded up to the whole second written.
    assert timedelta(seconds=1) <= lifetime < timedelta(seconds=2)
    sms = await _session_client(aws_client, credentials, "pinpoint-sms-voice-v2")
    role_sts = await _session_client(aws_client, credentials, "sts")
    # Valid up to the last moment...
    emulator_time.instant = credentials["Expiration"] - timedelta(microseconds=1)
    assert (await sms.describe_account_attributes())["AccountAttributes"]

    # ...and not from its expiry on.
    emulator_time.instant = credentials["Expiration"]
    error = await _error(sms.describe_account_attributes())
    assert error["Error"]["Code"] == "ExpiredTokenException"
    assert error["Error"]["Message"] == (
        "The security token included in the request is expired"
    )
    error = await _error(role_sts.get_caller_identity())
    assert error["Error"]["Code"] == "ExpiredToken"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    error = await _error(
        role_sts.assume_role(RoleArn=HOP_ARN, RoleSessionName="too-late")
    )
    assert error["Error"]["Code"] == "ExpiredToken"


async def test_wrong_or_missing_session_token(aws_client) -> None:
    """A temporary key needs its own token, for every service."""
    sts = await aws_client("sts")
    credentials = (await sts.assume_role(RoleArn=HOP_ARN, RoleSessionName="s9"))[
        "Credentials"
    ]
    for token in ("not-the-token", None):
        sms = await aws_client(
            access_key_id=credentials["AccessKeyId"],
            secret_access_key=credentials["SecretAccessKey"],
            session_token=token,
        )
        error = await _error(sms.describe_pools())
        assert error["Error"]["Code"] == "UnrecognizedClientException"
        assert error["Error"]["Message"] == (
            "The security token included in the request is invalid."
        )
        role_sts = await aws_client(
            "sts",
            access_key_id=credentials["AccessKeyId"],
            secret_access_key=credentials["SecretAccessKey"],
            session_token=token,
        )
        error = await _error(role_sts.get_caller_identity())
        assert error["Error"]["Code"] == "InvalidClientTokenId"
        assert error["ResponseMetadata"]["HTTPStatusCode"] == 403


async def test_the_roles_allowed_actions_apply(aws_client, emulator) -> None:
    """A session may do what its role allows, in IAM's words otherwise."""
    sts = await aws_client("sts")
    credentials = (await sts.assume_role(RoleArn=READER_ARN, RoleSessionName="r1"))[
        "Credentials"
    ]
    sms = await _session_client(aws_client, credentials, "pinpoint-sms-voice-v2")
    assert (await sms.describe_account_attributes())["AccountAttributes"]
    error = await _error(
        sms.send_text_message(DestinationPhoneNumber="+15555550123", MessageBody="x")
    )
    assumed = "arn:aws:sts::123456789012:assumed-role/reader/r1"
    assert error["Error"]["Code"] == "AccessDeniedException"
    assert error["Error"]["Message"] == (
        f"User: {assumed} is not authorized to perform: sms-voice:SendTextMessage "
        "on resource: arn:aws:sms-voice:us-east-1:123456789012:* because no "
        "identity-based policy allows the sms-voice:SendTextMessage action"
    )
    assert emulator.outbox == []
    # Nor may it assume another role: its policy does not allow sts:AssumeRole.
    role_sts = await _session_client(aws_client, credentials, "sts")
    error = await _error(role_sts.assume_role(RoleArn=HOP_ARN, RoleSessionName="x1"))
    assert error["Error"]["Message"] == _denied(assumed, HOP_ARN)


async def test_a_region_restriction_denies_assume_role(aws_client, emulator) -> None:
    """A key limited to eu-west-1 may assume a role there, not elsewhere."""
    secret = "euonlysecretEXAMPLEKEYeuonlysecretEXAMPLE"
    with emulator.lock:
        emulator.state.access_keys.append(
            AccessKey("TESTKEYEUONLY", secret, allowed_regions=["eu-west-1"])
        )
    key = {"access_key_id": "TESTKEYEUONLY", "secret_access_key": secret}
    europe = await aws_client("sts", region="eu-west-1", **key)
    assert (await europe.assume_role(RoleArn=HOP_ARN, RoleSessionName="eu"))[
        "Credentials"
    ]
    america = await aws_client("sts", region="us-east-1", **key)
    error = await _error(america.assume_role(RoleArn=HOP_ARN, RoleSessionName="us"))
    assert error["Error"]["Code"] == "AccessDenied"
    assert error["Error"]["Message"] == _denied(
        "arn:aws:iam::123456789012:user/home-assistant", HOP_ARN
    )
    assert emulator.temporary_keys() == 1


async def test_role_chaining(aws_client) -> None:
    """A session may assume a role that trusts its role, for an hour at most."""
    sts = await aws_client("sts")
    hop = (await sts.assume_role(RoleArn=HOP_ARN, RoleSessionName="hop1"))[
        "Credentials"
    ]
    hop_sts = await _session_client(aws_client, hop, "sts")
    target = await hop_sts.assume_role(RoleArn=TARGET_ARN, RoleSessionName="t1")
    identity = await (
        await _session_client(aws_client, target["Credentials"], "sts")
    ).get_caller_identity()
    assert identity["Arn"] == "arn:aws:sts::123456789012:assumed-role/target/t1"

    error = await _error(
        hop_sts.assume_role(
            RoleArn=TARGET_ARN, RoleSessionName="t2", DurationSeconds=7200
        )
    )
    assert error["Error"]["Message"] == (
        "The requested DurationSeconds exceeds the 1 hour session limit for roles "
        "assumed by role chaining."
    )
    # The demo user itself may ask for longer: the role allows 12 hours.
    error = await _error(
        sts.assume_role(RoleArn=TARGET_ARN, RoleSessionName="t3", DurationSeconds=7200)
    )
    assert error["Error"]["Code"] == "AccessDenied"


@pytest.mark.parametrize(
    ("principal", "outsider_trusted"),
    [
        (DEMO_ACCESS_KEY_ID, False),
        ("home-assistant", False),
        ("arn:aws:iam::123456789012:user/home-assistant", False),
        ("123456789012", True),
        ("arn:aws:iam::123456789012:root", True),
        ("*", True),
    ],
)
async def test_trust_list_principals(
    aws_client, emulator: Emulator, principal, outsider_trusted
) -> None:
    """Key IDs, user names, user ARNs, accounts and everyone."""
    role_arn = emulator.add_role(Role("trusting", trusted=[principal]))
    assert role_arn == "arn:aws:iam::123456789012:role/trusting"
    sts = await aws_client("sts")
    assert await sts.assume_role(RoleArn=role_arn, RoleSessionName="ok")
    outsider = await aws_client(
        "sts", access_key_id=OUTSIDER[0], secret_access_key=OUTSIDER[1]
    )
    call = outsider.assume_role(RoleArn=role_arn, RoleSessionName="maybe")
    if outsider_trusted:
        assert (await call)["AssumedRoleUser"]["Arn"].endswith("/trusting/maybe")
    else:
        assert (await _error(call))["Error"]["Code"] == "AccessDenied"


async def test_health_counts_live_temporary_keys(aws_client, emulator) -> None:
    """/_emulator/health reports the temporary keys that have not expired."""
    sts = await aws_client("sts")
    for name in ("a1", "a2"):
        await sts.assume_role(RoleArn=HOP_ARN, RoleSessionName=name)
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{emulator.url}/_emulator/health") as resp,
    ):
        assert (await resp.json())["temporary_keys"] == 2


def test_issued_keys_stay_bounded(monkeypatch) -> None:
    """Long-expired keys are dropped, and beyond the cap the oldest go first."""
    state = AccountState(roles=[Role("r")])
    role = state.roles[0]
    now = datetime(2026, 3, 1, tzinfo=UTC)
    first = sessions.issue_session(
        state, role, session_name="s0", duration_seconds=900, now=now
    )
    assert first.expiration == now + timedelta(seconds=900)
    assert first.key in state.access_keys
    # Still known (and so reported as expired) a while after its expiry ...
    later = now + timedelta(seconds=900) + sessions.EXPIRED_KEY_RETENTION
    assert sessions.prune_sessions(state, later) == 0
    assert sessions.active_sessions(state, later) == 0
    # ... then forgotten; the demo key never is.
    assert sessions.prune_sessions(state, later + timedelta(seconds=1)) == 1
    assert [k.access_key_id for k in state.access_keys] == [DEMO_ACCESS_KEY_ID]

    monkeypatch.setattr(sessions, "MAX_ISSUED_KEYS", 3)
    issued = [
        sessions.issue_session(
            state,
            role,
            session_name=f"s{i}",
            duration_seconds=900 + i,
            now=now,
        )
        for i in range(5)
    ]
    kept = {k.access_key_id for k in state.access_keys}
    assert kept == {DEMO_ACCESS_KEY_ID} | {s.key.access_key_id for s in issued[2:]}
    assert sessions.active_sessions(state, now) == 3


def test_credential_lifetime_rounds_up_to_a_whole_second() -> None:
    """The expiry enforced is the one written: whole seconds, never sooner."""
    state = AccountState(roles=[Role("quick", credential_lifetime_seconds=1.5)])
    now = datetime(2026, 3, 1, 12, 0, 0, 250_000, tzinfo=UTC)
    session = sessions.issue_session(
        state, state.roles[0], session_name="q", duration_seconds=3600, now=now
    )
    assert session.expiration == datetime(2026, 3, 1, 12, 0, 2, tzinfo=UTC)
    assert session.expiration_text == "2026-03-01T12:00:02Z"
    assert session.key.expires == session.expiration
    assert session.account_id == "123456789012"


async def test_credentials_refresh_transparently(aws_client, emulator) -> None:
    """Credentials of 4 s are refreshed by botocore before expiry; no call fails.

    It calls until three sets of credentials were fetched, however long that
    takes here.
    """
    emulator.add_role(
        Role(
            "refreshing",
            trusted=[DEMO_ACCESS_KEY_ID],
            credential_lifetime_seconds=4,
        )
    )
    sts = await aws_client("sts")
    issued: list[str] = []

    async def fetch() -> dict[str, str]:
        response = await sts.assume_role(
            RoleArn="arn:aws:iam::123456789012:role/refreshing",
            RoleSessionName="refresh",
        )
        credentials = response["Credentials"]
        issued.append(credentials["AccessKeyId"])
        return {
            "access_key": credentials["AccessKeyId"],
            "secret_key": credentials["SecretAccessKey"],
            "token": credentials["SessionToken"],
            "expiry_time": credentials["Expiration"].isoformat(),
        }

    # botocore's defaults refresh 10-15 minutes ahead; scaled to seconds here
    # so each set of credentials is used for a while before it is replaced,
    # and a call signed just before a refresh still has 2 s to arrive.
    credentials = AioRefreshableCredentials.create_from_metadata(
        await fetch(),
        refresh_using=fetch,
        method="assume-role",
        advisory_timeout=2.5,
        mandatory_timeout=2.0,
    )
    session = AioSession()
    session._credentials = credentials
    calls: Counter[str] = Counter()
    async with (
        session.create_client(
            "pinpoint-sms-voice-v2", region_name="us-east-1", endpoint_url=emulator.url
        ) as sms,
        asyncio.timeout(PATIENCE),
    ):
        while len(issued) < 3:
            result = await sms.describe_account_attributes()
            assert result["AccountAttributes"]
            # Signed with the newest: a refresh happens before the signing.
            calls[issued[-1]] += 1
            await asyncio.sleep(0.02)
    # Refreshed, yet reused: not fetched anew for every call.
    assert len(set(issued)) == len(issued)
    assert sum(calls.values()) > len(issued)
    assert max(calls.values()) > 1


async def test_botocore_assume_role_profile(emulator, tmp_path, monkeypatch) -> None:
    """A role_arn profile: botocore's own AssumeRoleProvider against the emulator."""
    emulator.add_role(
        Role.from_arn(
            "arn:aws:iam::123456789012:role/profiled",
            trusted=[DEMO_ACCESS_KEY_ID],
            external_id=EXTERNAL_ID,
            credential_lifetime_seconds=1,
        )
    )
    config = tmp_path / "config"
    config.write_text(
        "[profile ha]\n"
        "role_arn = arn:aws:iam::123456789012:role/profiled\n"
        "source_profile = source\n"
        f"external_id = {EXTERNAL_ID}\n"
        "role_session_name = profiled-session\n"
        "region = us-east-1\n"
        "[profile source]\n"
        f"aws_access_key_id = {DEMO_ACCESS_KEY_ID}\n"
        f"aws_secret_access_key = {DEMO_SECRET_ACCESS_KEY}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    # Every client botocore makes, the STS one inside the provider included.
    monkeypatch.setenv("AWS_ENDPOINT_URL", emulator.url)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)

    def issued() -> list[AccessKey]:
        with emulator.lock:
            return [k for k in emulator.state.access_keys if k.role_arn is not None]

    # Credentials of 1-2 s: calls until one went through after the first
    # expired, with new ones fetched by then (however long that takes here).
    session = AioSession(profile="ha")
    arns = set()
    async with session.create_client("sts") as sts, asyncio.timeout(PATIENCE):
        while True:
            asked_at = datetime.now(UTC)
            arns.add((await sts.get_caller_identity())["Arn"])
            keys = issued()
            first_expired = keys[0].expires is not None and keys[0].expires < asked_at
            if first_expired and len({k.access_key_id for k in keys}) >= 2:
                break
            await asyncio.sleep(0.05)
    assert arns == {"arn:aws:sts::123456789012:assumed-role/profiled/profiled-session"}


def test_roles_from_a_state_file(tmp_path) -> None:
    """Roles by ARN or by name, in this account or another; the container token."""
    path = tmp_path / "state.yaml"
    path.write_text(
        f"""
container_authorization_token: local-token
roles:
  - arn: {SENDER_ARN}
    trusted: [{DEMO_ACCESS_KEY_ID}]
    external_id: {EXTERNAL_ID}
    allowed_actions: ["sms-voice:SendTextMessage"]
    max_session_duration: 43200
  - name: reader
    path: /ha/
    trusted: [home-assistant]
    credential_lifetime_seconds: 2.5
  - name: elsewhere
    account_id: "{OTHER_ACCOUNT}"
""",
        encoding="utf-8",
    )
    state = AccountState.from_file(path)
    assert state.container_authorization_token == "local-token"
    assert [state.role_arn(r) for r in state.roles] == [
        SENDER_ARN,
        READER_ARN,
        f"arn:aws:iam::{OTHER_ACCOUNT}:role/elsewhere",
    ]
    sender, reader, elsewhere = state.roles
    assert (sender.name, sender.account_id, sender.path) == (
        "sender",
        OTHER_ACCOUNT,
        "/",
    )
    assert sender.max_session_duration == 43200
    assert sender.allowed_actions == ["sms-voice:SendTextMessage"]
    assert reader.credential_lifetime_seconds == 2.5
    assert reader.max_session_duration == 3600
    assert reader.allowed_actions is None
    assert elsewhere.trusted == []
    assert state.find_role(READER_ARN) is reader
    assert state.find_role("arn:aws:iam::123456789012:role/reader") is None
    assert state.find_role_by_name("elsewhere") is elsewhere
    assert state.find_role_by_name("nobody") is None
    # Neither the external ID nor anything else secret shows in a repr.
    assert EXTERNAL_ID not in repr(sender)
    # A state file's roles replace the demo's.
    assert [r.name for r in AccountState().roles] == ["aws-eum-x-demo"]


@pytest.mark.parametrize(
    ("role", "message"),
    [
        ({"name": "r", "colour": "blue"}, r"roles\[0\]: unknown keys colour"),
        ({"arn": SENDER_ARN, "colour": "blue"}, r"roles\[0\]: unknown keys colour"),
        ({"arn": SENDER_ARN, "name": "x"}, "give arn or name, not both"),
        (
            {"arn": "arn:aws:iam::123:role/short-account"},
            r"roles\[0\]: role arn .* is not an IAM role ARN",
        ),
        ({"arn": "arn:aws:iam::123456789012:user/bob"}, "not an IAM role ARN"),
        ({"name": "has space"}, "not a valid IAM role name"),
        ({"name": "r", "path": "no-slashes"}, "must be / or /a/b/"),
        ({"name": "r", "account_id": "12"}, "is not 12 digits"),
        ({"name": "r", "max_session_duration": 900}, "3600 to 43200 seconds"),
        ({"name": "r", "max_session_duration": 43201}, "3600 to 43200 seconds"),
        ({"name": "r", "credential_lifetime_seconds": 0}, "must be positive"),
        ({"trusted": ["x"]}, r"roles\[0\]: .*name"),
        ("just-a-name", "expected a mapping"),
    ],
)
def test_invalid_roles_are_explained(role, message) -> None:
    """Mistakes in a role name the role and what is wrong."""
    with pytest.raises(StateError, match=message):
        AccountState.from_dict({"roles": [role]})


def test_empty_roles_and_python_construction() -> None:
    """``roles:`` left empty is no roles; from_arn refuses what is no role ARN."""
    assert AccountState.from_dict({"roles": None}).roles == []
    with pytest.raises(StateError, match="not an IAM role ARN"):
        Role.from_arn("arn:aws:iam::123456789012:group/admins")
    role = Role.from_arn("arn:aws:iam::123456789012:role/a/b/deep")
    assert (role.name, role.path) == ("deep", "/a/b/")
    assert role.arn_in("999999999999") == "arn:aws:iam::123456789012:role/a/b/deep"


def test_the_demo_user_may_assume_the_demo_role(socket_enabled) -> None:
    """What README.md and scripts/develop say to enter for the role method.

    The demo key, the role ARN and no external ID: temporary credentials in
    the role's account that may send; the container endpoint hands out the
    same role's, for the default chain.
    """
    with Emulator() as emulator:
        assert emulator.state.find_role(DEMO_ROLE_ARN) is not None
        sts = botocore.session.get_session().create_client(
            "sts",
            region_name="us-east-1",
            endpoint_url=emulator.url,
            aws_access_key_id=DEMO_ACCESS_KEY_ID,
            aws_secret_access_key=DEMO_SECRET_ACCESS_KEY,
        )
        with closing(sts):
            answer = sts.assume_role(RoleArn=DEMO_ROLE_ARN, RoleSessionName="readme")
        credentials = answer["Credentials"]
        sms = botocore.session.get_session().create_client(
            "pinpoint-sms-voice-v2",
            region_name="us-east-1",
            endpoint_url=emulator.url,
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
        )
        with closing(sms):
            sms.send_text_message(
                DestinationPhoneNumber="+15555550123", MessageBody="as the role"
            )
        [sent] = emulator.outbox
        assert sent.access_key_id == credentials["AccessKeyId"]
        assert answer["AssumedRoleUser"]["Arn"] == (
            "arn:aws:sts::210987654321:assumed-role/aws-eum-x-demo/readme"
        )
        url = emulator.container_credentials_url("aws-eum-x-demo")
        with urllib.request.urlopen(url, timeout=5) as container:
            assert json.loads(container.read())["RoleArn"] == DEMO_ROLE_ARN
