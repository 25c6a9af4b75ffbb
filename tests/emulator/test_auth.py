"""Signature Version 4 checks, IAM permissions and STS GetCallerIdentity."""

from datetime import UTC, datetime, timedelta
from unittest.mock import patch

import aiohttp
from botocore.exceptions import ClientError
import pytest

from eum_emulator import DEMO_ACCESS_KEY_ID, AccessKey, AccountState, Emulator
from eum_emulator.service import SERVICE_NAME
from eum_emulator.sigv4 import authenticate, signing_regions

TEMP_KEY = "TESTTEMPKEY"
TEMP_SECRET = "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"
TEMP_TOKEN = "FwoGZXIvYXdzEXAMPLETOKEN"


@pytest.fixture
def account_state() -> AccountState:
    """Serve the demo account plus a read-only key and temporary credentials."""
    state = AccountState()
    state.access_keys += [
        AccessKey(
            "TESTKEYREADONLY",
            "readonlysecretEXAMPLEKEYreadonlysecret00",
            user_name="reader",
            allowed_actions=["sms-voice:Describe*"],
        ),
        AccessKey(
            TEMP_KEY,
            TEMP_SECRET,
            session_token=TEMP_TOKEN,
            expires=datetime.now(UTC) + timedelta(hours=1),
        ),
        AccessKey(
            "TESTTEMPEXPIRED",
            TEMP_SECRET,
            session_token=TEMP_TOKEN,
            expires=datetime.now(UTC) - timedelta(minutes=1),
        ),
    ]
    return state


async def _error(call) -> dict:
    with pytest.raises(ClientError) as caught:
        await call
    return caught.value.response


async def test_unknown_access_key_is_unrecognized(aws_client) -> None:
    """A key the account does not have: UnrecognizedClientException."""
    client = await aws_client(access_key_id="TESTKEYUNKNOWN")
    error = await _error(client.describe_phone_numbers())
    assert error["Error"]["Code"] == "UnrecognizedClientException"
    assert error["Error"]["Message"] == (
        "The security token included in the request is invalid."
    )
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400


async def test_wrong_secret_is_an_invalid_signature(aws_client) -> None:
    """A known key signed with the wrong secret: InvalidSignatureException, 403."""
    client = await aws_client(secret_access_key="not-the-secret")
    error = await _error(client.describe_phone_numbers())
    assert error["Error"]["Code"] == "InvalidSignatureException"
    assert "does not match the signature you provided" in error["Error"]["Message"]
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 403


async def test_region_outside_the_service_is_rejected(aws_client) -> None:
    """The credential scope must name a region the service runs in."""
    client = await aws_client(region="xx-nowhere-1")
    error = await _error(client.describe_phone_numbers())
    assert error["Error"]["Code"] == "InvalidSignatureException"
    assert error["Error"]["Message"] == "Credential should be scoped to a valid region."


async def test_every_region_botocore_lists_is_accepted(aws_client) -> None:
    """GovCloud included: the emulator serves any region of the service."""
    assert {"us-east-1", "eu-west-2", "us-gov-west-1"} <= signing_regions(SERVICE_NAME)
    client = await aws_client(region="us-gov-west-1")
    result = await client.describe_account_attributes()
    assert result["AccountAttributes"][0]["Value"] == "PRODUCTION"


async def test_clock_skew_over_five_minutes_is_rejected(aws_client) -> None:
    """A request signed 10 minutes ago has an expired signature."""
    client = await aws_client()
    late = datetime.now(UTC) - timedelta(minutes=10)
    with patch(
        "botocore.auth.get_current_datetime", return_value=late.replace(tzinfo=None)
    ):
        error = await _error(client.describe_phone_numbers())
    assert error["Error"]["Code"] == "InvalidSignatureException"
    assert error["Error"]["Message"].startswith("Signature expired:")

    early = datetime.now(UTC) + timedelta(minutes=10)
    with patch(
        "botocore.auth.get_current_datetime", return_value=early.replace(tzinfo=None)
    ):
        error = await _error(client.describe_phone_numbers())
    assert error["Error"]["Message"].startswith("Signature not yet current:")


async def test_temporary_credentials_need_their_session_token(aws_client) -> None:
    """Temporary keys work with the token, fail without it, and expire."""
    good = await aws_client(
        access_key_id=TEMP_KEY, secret_access_key=TEMP_SECRET, session_token=TEMP_TOKEN
    )
    assert (await good.describe_pools())["Pools"]
    no_token = await aws_client(access_key_id=TEMP_KEY, secret_access_key=TEMP_SECRET)
    error = await _error(no_token.describe_pools())
    assert error["Error"]["Code"] == "UnrecognizedClientException"
    expired = await aws_client(
        access_key_id="TESTTEMPEXPIRED",
        secret_access_key=TEMP_SECRET,
        session_token=TEMP_TOKEN,
    )
    error = await _error(expired.describe_pools())
    assert error["Error"]["Code"] == "ExpiredTokenException"


async def test_denied_action_names_the_iam_action(aws_client, emulator) -> None:
    """A key whose policy lacks the action is denied in IAM's words."""
    client = await aws_client(
        access_key_id="TESTKEYREADONLY",
        secret_access_key="readonlysecretEXAMPLEKEYreadonlysecret00",
    )
    assert (await client.describe_spend_limits())["SpendLimits"]
    error = await _error(
        client.send_text_message(
            DestinationPhoneNumber="+15555550123", MessageBody="hi"
        )
    )
    assert error["Error"]["Code"] == "AccessDeniedException"
    assert error["Error"]["Message"] == (
        "User: arn:aws:iam::123456789012:user/reader is not authorized to perform: "
        "sms-voice:SendTextMessage on resource: arn:aws:sms-voice:us-east-1:"
        "123456789012:* because no identity-based policy allows the "
        "sms-voice:SendTextMessage action"
    )
    assert emulator.outbox == []


async def test_get_caller_identity(aws_client) -> None:
    """STS answers on the same endpoint with the key's account and user."""
    sts = await aws_client("sts")
    identity = await sts.get_caller_identity()
    assert identity["Account"] == "123456789012"
    assert identity["Arn"] == "arn:aws:iam::123456789012:user/home-assistant"
    assert identity["UserId"].startswith("AIDA")


@pytest.mark.parametrize(
    ("secret", "code"),
    [("wrong", "SignatureDoesNotMatch"), (None, "InvalidClientTokenId")],
)
async def test_get_caller_identity_errors(aws_client, secret, code) -> None:
    """STS reports auth failures in its own (Query protocol) words."""
    if secret is None:
        sts = await aws_client("sts", access_key_id="TESTKEYUNKNOWN")
    else:
        sts = await aws_client("sts", secret_access_key=secret)
    error = await _error(sts.get_caller_identity())
    assert error["Error"]["Code"] == code
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 403


async def test_get_caller_identity_with_an_expired_token(aws_client) -> None:
    """STS calls an expired session token ExpiredToken."""
    sts = await aws_client(
        "sts",
        access_key_id="TESTTEMPEXPIRED",
        secret_access_key=TEMP_SECRET,
        session_token=TEMP_TOKEN,
    )
    error = await _error(sts.get_caller_identity())
    assert error["Error"]["Code"] == "ExpiredToken"


async def test_unsigned_and_malformed_requests(emulator: Emulator) -> None:
    """No Authorization header, a malformed one, or an unknown STS action."""
    async with aiohttp.ClientSession() as http:
        headers = {
            "X-Amz-Target": "PinpointSMSVoiceV2.DescribePools",
            "Content-Type": "application/x-amz-json-1.0",
        }
        async with http.post(emulator.url, data=b"{}", headers=headers) as resp:
            assert resp.status == 403
            body = await resp.json(content_type=None)
            assert body["__type"] == "MissingAuthenticationTokenException"
            assert resp.headers["x-amzn-RequestId"]
        bad = {**headers, "Authorization": "AWS4-HMAC-SHA256 garbage"}
        async with http.post(emulator.url, data=b"{}", headers=bad) as resp:
            assert (await resp.json(content_type=None))["__type"] == (
                "IncompleteSignatureException"
            )
        wrong_target = {**headers, "X-Amz-Target": "Other.DescribePools"}
        async with http.post(emulator.url, data=b"{}", headers=wrong_target) as resp:
            assert (await resp.json(content_type=None))["__type"] == (
                "UnknownOperationException"
            )
        async with http.post(
            emulator.url,
            data=b"Action=GetCallerIdentity&Version=2011-06-15",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ) as resp:
            assert resp.status == 403
            assert "<Code>MissingAuthenticationToken</Code>" in await resp.text()


def _authenticate(state: AccountState, headers: dict[str, str]) -> object:
    """Check a hand-made request the way the server checks every request."""
    return authenticate(
        state,
        method="POST",
        url="http://127.0.0.1/",
        headers=headers,
        body=b"{}",
        service="sms-voice",
        valid_regions=frozenset({"us-east-1"}),
    )


def _signed_headers(**overrides: str) -> dict[str, str]:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    headers = {
        "Authorization": (
            f"AWS4-HMAC-SHA256 Credential={DEMO_ACCESS_KEY_ID}/{stamp[:8]}/"
            "us-east-1/sms-voice/aws4_request, SignedHeaders=host;x-amz-date, "
            f"Signature={'0' * 64}"
        ),
        "X-Amz-Date": stamp,
        "Host": "127.0.0.1",
    }
    headers.update(overrides)
    return headers


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"X-Amz-Date": "yesterday"}, "requires existence of either a 'X-Amz-Date'"),
        ({"X-Amz-Date": "20200101T000000Z"}, "Date in Credential scope does not match"),
        ({"Host": ""}, "does not match the signature"),
    ],
)
def test_signature_header_problems(overrides, message) -> None:
    """Date and signed-header problems are InvalidSignatureException."""
    headers = _signed_headers(**overrides)
    if overrides.get("Host") == "":
        del headers["Host"]
    with pytest.raises(Exception, match=message) as caught:
        _authenticate(AccountState(), headers)
    assert caught.value.code == "InvalidSignatureException"


def test_credential_scoped_to_another_service() -> None:
    """A signature for another service is refused by name."""
    headers = _signed_headers()
    headers["Authorization"] = headers["Authorization"].replace("sms-voice", "sns")
    with pytest.raises(Exception, match="correct service: 'sms-voice'"):
        _authenticate(AccountState(), headers)


def test_state_can_restrict_regions() -> None:
    """A state that lists regions accepts only those."""
    state = AccountState(regions=["eu-west-2"])
    with pytest.raises(Exception, match="valid region"):
        _authenticate(state, _signed_headers())


async def test_a_region_restriction_is_an_explicit_deny(aws_client, emulator) -> None:
    """A key limited to one region is denied elsewhere, as IAM words it."""
    emulator.state.access_keys.append(
        AccessKey("TESTKEYEUONLY", "eu-only-secret", allowed_regions=["eu-west-1"])
    )
    europe = await aws_client(
        access_key_id="TESTKEYEUONLY",
        secret_access_key="eu-only-secret",
        region="eu-west-1",
    )
    await europe.describe_phone_numbers()
    america = await aws_client(
        access_key_id="TESTKEYEUONLY",
        secret_access_key="eu-only-secret",
        region="us-east-1",
    )
    with pytest.raises(ClientError) as caught:
        await america.describe_phone_numbers()
    error = caught.value.response["Error"]
    assert error["Code"] == "AccessDeniedException"
    assert error["Message"].endswith(
        "sms-voice:DescribePhoneNumbers on resource: "
        "arn:aws:sms-voice:us-east-1:123456789012:* with an explicit deny in an "
        "identity-based policy"
    )
