"""SendTextMessage in a sandbox account, and identities that cannot send."""

from botocore.exceptions import ClientError
import pytest

from eum_emulator import AccountState, PhoneNumber, SenderId

US_DESTINATION = "+15555550123"


async def _error(call) -> dict:
    with pytest.raises(ClientError) as caught:
        await call
    return caught.value.response


@pytest.fixture
def account_state() -> AccountState:
    """Serve a sandbox account with a verified and an opted-out destination."""
    state = AccountState(
        tier="SANDBOX",
        verified_destinations=[US_DESTINATION, "+15555550999"],
        opted_out=["+15555550999"],
        # The spend test sends 10-segment messages back to back.
        rate_limits=False,
    )
    state.sender_ids.append(
        SenderId(sender_id="HOMEDE", iso_country_code="DE", registration_required=True)
    )
    state.phone_numbers += [
        PhoneNumber(
            phone_number="+12025550100", iso_country_code="US", status="PENDING"
        ),
        PhoneNumber(
            phone_number="+12025550101", iso_country_code="US", capabilities=["VOICE"]
        ),
    ]
    return state


async def test_sandbox_refuses_unverified_destinations(aws_client, emulator) -> None:
    """A sandbox account texts only verified numbers."""
    client = await aws_client()
    await client.send_text_message(
        DestinationPhoneNumber=US_DESTINATION, MessageBody="ok"
    )
    error = await _error(
        client.send_text_message(
            DestinationPhoneNumber="+15555550124", MessageBody="no"
        )
    )
    assert error["Error"]["Code"] == "ConflictException"
    assert error["Reason"] == "DESTINATION_PHONE_NUMBER_NOT_VERIFIED"
    assert len(emulator.outbox) == 1


async def test_opted_out_destination(aws_client) -> None:
    """A destination that replied STOP is refused."""
    client = await aws_client()
    error = await _error(
        client.send_text_message(
            DestinationPhoneNumber="+15555550999", MessageBody="hi"
        )
    )
    assert error["Reason"] == "DESTINATION_PHONE_NUMBER_OPTED_OUT"


async def test_sandbox_spend_limit_is_one_dollar(aws_client, emulator) -> None:
    """The sandbox's $1 limit stops sending; a dry run is not billed."""
    client = await aws_client()
    limits = (await client.describe_spend_limits())["SpendLimits"]
    assert limits[0]["EnforcedLimit"] == 1
    # 10 segments of $0.00883: 11 such messages fit under $1, the 12th not.
    body = "a" * 1530
    for _ in range(11):
        await client.send_text_message(
            DestinationPhoneNumber=US_DESTINATION, MessageBody=body
        )
    await client.send_text_message(
        DestinationPhoneNumber=US_DESTINATION, MessageBody=body, DryRun=True
    )
    error = await _error(
        client.send_text_message(
            DestinationPhoneNumber=US_DESTINATION, MessageBody=body
        )
    )
    assert error["Error"]["Code"] == "ServiceQuotaExceededException"
    assert error["Reason"] == "MONTHLY_SPEND_LIMIT_REACHED_FOR_TEXT"
    assert [m.dry_run for m in emulator.outbox].count(True) == 1


async def test_unusable_identities(aws_client) -> None:
    """Pending numbers, voice-only numbers and unregistered sender IDs cannot send."""
    client = await aws_client()
    cases = [
        ("+12025550100", "RESOURCE_NOT_ACTIVE"),
        ("+12025550101", "NUMBER_CAPABILITIES_MISMATCH"),
    ]
    for identity, reason in cases:
        error = await _error(
            client.send_text_message(
                DestinationPhoneNumber=US_DESTINATION,
                OriginationIdentity=identity,
                MessageBody="hi",
            )
        )
        assert error["Reason"] == reason
    error = await _error(
        client.send_text_message(
            DestinationPhoneNumber="+4915112345678",
            OriginationIdentity="HOMEDE",
            MessageBody="hi",
        )
    )
    assert error["Reason"] == "SENDER_ID_NOT_REGISTERED"
