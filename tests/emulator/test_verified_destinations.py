"""Verified destination numbers, and the sandbox that needs them (issue 19)."""

from datetime import UTC, datetime, timedelta

import aiohttp
from botocore.exceptions import ClientError
import pytest

from eum_emulator import AccountState, Emulator, StateError
from eum_emulator.verification import (
    CODE_DIGITS,
    CODE_LIFETIME,
    MAX_CODES_PER_DAY,
    MAX_VERIFIED_DESTINATIONS,
    MAX_WRONG_CODES,
)

ALICE = "+15555550123"
BOB = "+15555550124"
TOLL_FREE = "+18885550100"


@pytest.fixture
def account_state() -> AccountState:
    """A sandbox account; messages to ALICE are verified beforehand."""
    return AccountState(
        tier="SANDBOX", verified_destinations=[ALICE], rate_limits=False
    )


async def _error(call) -> dict:
    with pytest.raises(ClientError) as caught:
        await call
    return caught.value.response


async def test_verifying_a_number_lets_the_sandbox_text_it(
    aws_client, emulator: Emulator
) -> None:
    """Create (PENDING), send a code, verify (VERIFIED), text; delete: refused."""
    sms = await aws_client()
    refused = await _error(
        sms.send_text_message(DestinationPhoneNumber=BOB, MessageBody="hi")
    )
    assert refused["Reason"] == "DESTINATION_PHONE_NUMBER_NOT_VERIFIED"

    created = await sms.create_verified_destination_number(
        DestinationPhoneNumber=BOB, Tags=[{"Key": "who", "Value": "bob"}]
    )
    number_id = created["VerifiedDestinationNumberId"]
    assert created["Status"] == "PENDING"
    assert created["DestinationPhoneNumber"] == BOB
    assert created["Tags"] == [{"Key": "who", "Value": "bob"}]
    assert created["VerifiedDestinationNumberArn"] == (
        f"arn:aws:sms-voice:us-east-1:123456789012:verified-destination-number/"
        f"{number_id}"
    )
    # PENDING is not verified yet.
    refused = await _error(
        sms.send_text_message(DestinationPhoneNumber=BOB, MessageBody="hi")
    )
    assert refused["Reason"] == "DESTINATION_PHONE_NUMBER_NOT_VERIFIED"

    sent = await sms.send_destination_number_verification_code(
        VerifiedDestinationNumberId=number_id, VerificationChannel="TEXT"
    )
    code = emulator.verification_code(BOB)
    assert code is not None
    assert len(code) == CODE_DIGITS
    assert code.isdigit()
    assert emulator.verification_code(number_id) == code
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{emulator.url}/_emulator/verification-codes") as resp,
    ):
        [listed] = (await resp.json())["verification_codes"]
    assert listed["code"] == code
    assert listed["message_id"] == sent["MessageId"]
    assert listed["destination_phone_number"] == BOB
    assert (listed["channel"], listed["origin"]) == ("TEXT", TOLL_FREE)
    assert listed == emulator.verification_codes()[0]
    # A code is not a message of the account: the outbox has none.
    assert emulator.outbox == []

    wrong = "0" * CODE_DIGITS if code != "0" * CODE_DIGITS else "1" * CODE_DIGITS
    error = await _error(
        sms.verify_destination_number(
            VerifiedDestinationNumberId=number_id, VerificationCode=wrong
        )
    )
    assert (error["Error"]["Code"], error["Reason"]) == (
        "ValidationException",
        "VERIFICATION_CODE_MISMATCH",
    )
    verified = await sms.verify_destination_number(
        VerifiedDestinationNumberId=number_id, VerificationCode=code
    )
    assert verified["Status"] == "VERIFIED"
    await sms.send_text_message(DestinationPhoneNumber=BOB, MessageBody="hi")
    assert [m.destination for m in emulator.outbox] == [BOB]

    deleted = await sms.delete_verified_destination_number(
        VerifiedDestinationNumberId=verified["VerifiedDestinationNumberArn"]
    )
    assert deleted["DestinationPhoneNumber"] == BOB
    assert "Status" not in deleted
    refused = await _error(
        sms.send_text_message(DestinationPhoneNumber=BOB, MessageBody="hi")
    )
    assert refused["Reason"] == "DESTINATION_PHONE_NUMBER_NOT_VERIFIED"


async def test_at_most_ten_a_region(aws_client) -> None:
    """The 11th is refused with the model's quota reason; another region has its own."""
    sms = await aws_client()
    # ALICE is one of the ten already.
    for index in range(MAX_VERIFIED_DESTINATIONS - 1):
        await sms.create_verified_destination_number(
            DestinationPhoneNumber=f"+1202555{index:04d}"
        )
    error = await _error(
        sms.create_verified_destination_number(DestinationPhoneNumber="+12025559999")
    )
    assert (error["Error"]["Code"], error["Reason"]) == (
        "ServiceQuotaExceededException",
        "VERIFIED_DESTINATION_NUMBERS_PER_ACCOUNT",
    )
    london = await aws_client(region="eu-west-2")
    await london.create_verified_destination_number(
        DestinationPhoneNumber="+12025559999"
    )
    listed = await sms.describe_verified_destination_numbers()
    assert len(listed["VerifiedDestinationNumbers"]) == MAX_VERIFIED_DESTINATIONS


async def test_codes_wear_out(aws_client, emulator: Emulator, wall_clock) -> None:
    """Wrong codes and time make a code EXPIRED; a newer code replaces it."""
    sms = await aws_client()
    number_id = (
        await sms.create_verified_destination_number(DestinationPhoneNumber=BOB)
    )["VerifiedDestinationNumberId"]

    async def verify(code: str) -> dict:
        return await _error(
            sms.verify_destination_number(
                VerifiedDestinationNumberId=number_id, VerificationCode=code
            )
        )

    async def send_code() -> str:
        await sms.send_destination_number_verification_code(
            VerifiedDestinationNumberId=number_id, VerificationChannel="TEXT"
        )
        code = emulator.verification_code(BOB)
        assert code is not None
        return code

    # No code sent yet.
    assert (await verify("123456"))["Reason"] == "VERIFICATION_CODE_EXPIRED"
    code = await send_code()
    wrong = "x" + code[1:]
    for _ in range(MAX_WRONG_CODES):
        assert (await verify(wrong))["Reason"] == "VERIFICATION_CODE_MISMATCH"
    error = await verify(code)
    assert (error["Error"]["Code"], error["Reason"]) == (
        "ConflictException",
        "VERIFICATION_CODE_EXPIRED",
    )
    assert error["ResourceId"] == number_id

    code = await send_code()
    wall_clock.now += CODE_LIFETIME
    assert (await verify(code))["Reason"] == "VERIFICATION_CODE_EXPIRED"

    old = await send_code()
    new = await send_code()
    if old != new:
        # The newer code replaced it: the old one is a wrong code now.
        assert (await verify(old))["Reason"] == "VERIFICATION_CODE_MISMATCH"
    answer = await sms.verify_destination_number(
        VerifiedDestinationNumberId=number_id, VerificationCode=new
    )
    assert answer["Status"] == "VERIFIED"
    # Verified: neither a code nor a verification is wanted any more.
    error = await _error(
        sms.send_destination_number_verification_code(
            VerifiedDestinationNumberId=number_id, VerificationChannel="TEXT"
        )
    )
    assert (error["Error"]["Code"], error["Reason"]) == (
        "ConflictException",
        "VERIFICATION_ALREADY_COMPLETE",
    )
    assert (await verify(new))["Reason"] == "VERIFICATION_ALREADY_COMPLETE"


async def test_codes_a_day(aws_client, emulator: Emulator, wall_clock) -> None:
    """A number is sent so many codes a day; the next day, more."""
    sms = await aws_client()
    number_id = (
        await sms.create_verified_destination_number(DestinationPhoneNumber=BOB)
    )["VerifiedDestinationNumberId"]
    for _ in range(MAX_CODES_PER_DAY):
        await sms.send_destination_number_verification_code(
            VerifiedDestinationNumberId=number_id, VerificationChannel="VOICE"
        )
    error = await _error(
        sms.send_destination_number_verification_code(
            VerifiedDestinationNumberId=number_id, VerificationChannel="VOICE"
        )
    )
    assert (error["Error"]["Code"], error["Reason"]) == (
        "ServiceQuotaExceededException",
        "VERIFICATION_ATTEMPTS_PER_DAY",
    )
    wall_clock.now += timedelta(days=1)
    await sms.send_destination_number_verification_code(
        VerifiedDestinationNumberId=number_id, VerificationChannel="VOICE"
    )
    codes = emulator.verification_codes()
    assert len(codes) == MAX_CODES_PER_DAY + 1
    assert {(c["channel"], c["origin"]) for c in codes} == {("VOICE", TOLL_FREE)}


async def test_where_a_code_comes_from(aws_client) -> None:
    """An identity of the region that reaches the country by that channel."""
    sms = await aws_client()
    british = (
        await sms.create_verified_destination_number(
            DestinationPhoneNumber="447700900999"
        )
    )["VerifiedDestinationNumberId"]
    french = (
        await sms.create_verified_destination_number(
            DestinationPhoneNumber="+33612345678"
        )
    )["VerifiedDestinationNumberId"]
    await sms.send_destination_number_verification_code(
        VerifiedDestinationNumberId=british,
        VerificationChannel="TEXT",
        OriginationIdentity="+447700900123",
        LanguageCode="EN_GB",
        ConfigurationSetName="home-alerts",
    )
    error = await _error(
        sms.send_destination_number_verification_code(
            VerifiedDestinationNumberId=french, VerificationChannel="TEXT"
        )
    )
    assert error["Reason"] == "NO_ORIGINATION_IDENTITIES_FOUND"
    error = await _error(
        sms.send_destination_number_verification_code(
            VerifiedDestinationNumberId=british,
            VerificationChannel="TEXT",
            OriginationIdentity="+12025550000",
        )
    )
    assert error["Error"]["Code"] == "ResourceNotFoundException"
    error = await _error(
        sms.send_destination_number_verification_code(
            VerifiedDestinationNumberId=british,
            VerificationChannel="TEXT",
            ConfigurationSetName="nope",
        )
    )
    assert error["ResourceType"] == "configuration-set"
    error = await _error(
        sms.send_destination_number_verification_code(
            VerifiedDestinationNumberId=british, VerificationChannel="FAX"
        )
    )
    assert error["Reason"] == "FIELD_VALIDATION_FAILED"


async def test_describing_and_creating(aws_client) -> None:
    """Selection by ID, ARN, number and status; pages; duplicates; tokens."""
    sms = await aws_client()
    bob = await sms.create_verified_destination_number(
        DestinationPhoneNumber=BOB, ClientToken="once"
    )
    again = await sms.create_verified_destination_number(
        DestinationPhoneNumber=BOB, ClientToken="once"
    )
    assert again["VerifiedDestinationNumberId"] == bob["VerifiedDestinationNumberId"]
    error = await _error(
        sms.create_verified_destination_number(DestinationPhoneNumber=BOB)
    )
    assert (error["Error"]["Code"], error["Reason"]) == (
        "ConflictException",
        "RESOURCE_ALREADY_EXISTS",
    )
    error = await _error(
        sms.create_verified_destination_number(
            DestinationPhoneNumber="+15555550125", RcsAgentId="agent-1"
        )
    )
    assert error["ResourceType"] == "rcs-agent"

    everyone = (await sms.describe_verified_destination_numbers())[
        "VerifiedDestinationNumbers"
    ]
    assert [(n["DestinationPhoneNumber"], n["Status"]) for n in everyone] == [
        (ALICE, "VERIFIED"),
        (BOB, "PENDING"),
    ]
    by_id = await sms.describe_verified_destination_numbers(
        VerifiedDestinationNumberIds=[bob["VerifiedDestinationNumberArn"]]
    )
    assert [
        n["DestinationPhoneNumber"] for n in by_id["VerifiedDestinationNumbers"]
    ] == [BOB]
    by_number = await sms.describe_verified_destination_numbers(
        DestinationPhoneNumbers=["15555550123"]
    )
    assert [
        n["DestinationPhoneNumber"] for n in by_number["VerifiedDestinationNumbers"]
    ] == [ALICE]
    pending = await sms.describe_verified_destination_numbers(
        Filters=[{"Name": "status", "Values": ["PENDING"]}]
    )
    assert [
        n["DestinationPhoneNumber"] for n in pending["VerifiedDestinationNumbers"]
    ] == [BOB]
    agents = await sms.describe_verified_destination_numbers(
        Filters=[{"Name": "rcs-agent-id", "Values": ["agent-1"]}]
    )
    assert agents["VerifiedDestinationNumbers"] == []
    paginator = sms.get_paginator("describe_verified_destination_numbers")
    pages = [
        page async for page in paginator.paginate(PaginationConfig={"PageSize": 1})
    ]
    assert len(pages) == 2
    for call in (
        sms.describe_verified_destination_numbers(
            VerifiedDestinationNumberIds=["nope"]
        ),
        sms.send_destination_number_verification_code(
            VerifiedDestinationNumberId="nope", VerificationChannel="TEXT"
        ),
        sms.verify_destination_number(
            VerifiedDestinationNumberId="nope", VerificationCode="123456"
        ),
        sms.delete_verified_destination_number(VerifiedDestinationNumberId="nope"),
    ):
        error = await _error(call)
        assert error["ResourceType"] == "verified-destination-number"
    # They are regional: London sees none of them.
    london = await aws_client(region="eu-west-2")
    assert (await london.describe_verified_destination_numbers())[
        "VerifiedDestinationNumbers"
    ] == []


async def test_a_number_verified_in_another_region_is_not_verified_here(
    aws_client, emulator: Emulator
) -> None:
    """The sandbox looks at the verified numbers of the request's region."""
    london = await aws_client(region="eu-west-2")
    error = await _error(
        london.send_text_message(DestinationPhoneNumber=ALICE, MessageBody="hi")
    )
    assert error["Reason"] == "DESTINATION_PHONE_NUMBER_NOT_VERIFIED"


def test_a_state_file_lists_verified_numbers() -> None:
    """Plain numbers are verified; mappings say more; bad ones are refused."""
    state = AccountState.from_dict(
        {
            "verified_destinations": [
                ALICE,
                {"destination_phone_number": BOB, "status": "PENDING"},
                {
                    "destination_phone_number": "+447700900999",
                    "region": "eu-west-2",
                    "created": "2026-02-02T00:00:00",
                },
            ]
        }
    )
    alice, bob, british = state.verified_destinations
    # A record given as one is kept as it is.
    assert AccountState(verified_destinations=[bob]).verified_destinations == [bob]
    assert (alice.status, bob.status) == ("VERIFIED", "PENDING")
    assert british.region == "eu-west-2"
    assert british.created == datetime(2026, 2, 2, tzinfo=UTC)
    assert alice.verified_destination_number_id.startswith("verifieddestinationnumber-")
    with pytest.raises(StateError, match=r"verified_destinations\[0\]"):
        AccountState.from_dict({"verified_destinations": ["5555"]})
    with pytest.raises(StateError, match="verification status"):
        AccountState.from_dict(
            {
                "verified_destinations": [
                    {"destination_phone_number": BOB, "status": "X"}
                ]
            }
        )
