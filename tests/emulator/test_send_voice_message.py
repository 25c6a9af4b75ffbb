"""SendVoiceMessage: what AWS accepts, records, refuses, and the call's events."""

import json
from typing import TYPE_CHECKING, Any

from aiobotocore.config import AioConfig
import aiohttp
from botocore.exceptions import ClientError, ConnectionClosedError
import pytest

from custom_components.aws_eum_x.events import DeliveryEvent, parse_message
from eum_emulator import AccessKey, AccountState, PhoneNumber, Pool, StateError
from eum_emulator.delivery import CALL_DURATION_FIELD

if TYPE_CHECKING:
    from pathlib import Path

    from eum_emulator import Emulator

TOLL_FREE = "+18885550100"
GB_LONG_CODE = "+447700900123"
ANSWERS = "+15555550100"
NO_ANSWER = "+15555550101"
BUSY = "+15555550102"
FAILS = "+15555550103"
EXPIRES = "+15555550104"
TEXT_ONLY_KEY = "TESTKEYTEXTONLY"  # the emulator's own; not an AWS key
TEXT_ONLY_SECRET = "text-only-secret"
# One attempt, with botocore's own read timeout: a loaded machine may be slow
# to answer, and no test here waits for a timeout.
NO_RETRIES = AioConfig(retries={"total_max_attempts": 1})
CALL = {
    "DestinationPhoneNumber": ANSWERS,
    "OriginationIdentity": TOLL_FREE,
    "MessageBody": "Water leak in the basement",
}
# The fields of a call's in-progress and final records, in order.
PROGRESS_FIELDS = [
    "eventType",
    "eventVersion",
    "eventTimestamp",
    "isFinal",
    "originationPhoneNumber",
    "destinationPhoneNumber",
    "isoCountryCode",
    "isInternationalSend",
    "messageId",
    "messageRequestTimestamp",
    "messageStatus",
    "messageStatusDescription",
    "context",
]
FINAL_FIELDS = [*PROGRESS_FIELDS, CALL_DURATION_FIELD, "totalMessagePrice"]


@pytest.fixture
def account_state() -> AccountState:
    """The demo account, quick to call, with one number per call outcome."""
    state = AccountState(
        delivery_delay_seconds=0.02,
        call_outcomes={
            NO_ANSWER: "no_answer",
            BUSY: "busy",
            FAILS: "failed",
            EXPIRES: "ttl_expired",
        },
        call_duration_seconds=75,
    )
    state.pools.append(Pool(pool_id="pool-sms-only", members=[GB_LONG_CODE]))
    state.access_keys.append(
        AccessKey(
            TEXT_ONLY_KEY,
            TEXT_ONLY_SECRET,
            allowed_actions=["sms-voice:SendTextMessage"],
        )
    )
    return state


async def _error(call) -> dict[str, Any]:
    with pytest.raises(ClientError) as caught:
        await call
    return caught.value.response


async def _listen_for(aws_client, receiving, types: list[str]) -> None:
    """Point the provisioned event destination at ``types``."""
    sms = await aws_client()
    await sms.update_event_destination(
        ConfigurationSetName=receiving["ConfigurationSetName"],
        EventDestinationName=receiving["EventDestinationName"],
        MatchingEventTypes=types,
    )


async def test_call_is_recorded_with_its_voice_fields(
    aws_client, emulator: Emulator
) -> None:
    """An accepted call is in the outbox as a voice entry, over HTTP too."""
    sms = await aws_client()
    answer = await sms.send_voice_message(
        **CALL,
        VoiceId="JOANNA",
        MessageBodyTextType="SSML",
        TimeToLive=600,
        MaxPricePerMinute="0.05",
        Context={"automation": "leak"},
        ConfigurationSetName="home-alerts",
    )
    [message] = emulator.outbox
    assert message.message_id == answer["MessageId"]
    assert (message.kind, message.operation) == ("voice", "SendVoiceMessage")
    assert (message.voice_id, message.body_text_type, message.time_to_live) == (
        "JOANNA",
        "SSML",
        600,
    )
    assert (message.call_outcome, message.call_duration_seconds) == ("answered", 75)
    assert (message.origin, message.destination) == (TOLL_FREE, ANSWERS)
    assert message.body == "Water leak in the basement"
    # 75 s are two started minutes at the US's $0.013.
    assert message.price_usd == pytest.approx(0.026)
    assert message.parameters["Context"] == {"automation": "leak"}

    await sms.send_text_message(DestinationPhoneNumber=ANSWERS, MessageBody="hi")
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{emulator.url}/_emulator/outbox") as resp,
    ):
        voice, text = (await resp.json())["messages"]
    assert voice["kind"] == "voice"
    assert voice["voice_id"] == "JOANNA"
    assert voice["time_to_live"] == 600
    assert "media_urls" not in voice
    # A text entry keeps the keys it always had, and says it is a text.
    assert text["kind"] == "text"
    assert "voice_id" not in text
    assert "media_urls" not in text
    assert text["segments"] == 1


async def test_defaults_of_a_call(aws_client, emulator) -> None:
    """MATTHEW reads TEXT, with a time to live of 72 hours."""
    sms = await aws_client()
    await sms.send_voice_message(**CALL)
    [message] = emulator.outbox
    assert (message.voice_id, message.body_text_type) == ("MATTHEW", "TEXT")
    assert message.time_to_live == 72 * 3600
    assert emulator.state.spend_limits[
        "VOICE_MESSAGE_MONTHLY_SPEND_LIMIT"
    ].spent == pytest.approx(0.026)


@pytest.mark.parametrize(
    ("params", "field_name"),
    [
        ({"MessageBody": "x" * 3001}, "messageBody"),
        ({"MessageBody": "x" * 6001, "MessageBodyTextType": "SSML"}, "messageBody"),
        ({"MessageBody": " \n "}, "messageBody"),
        ({"MessageBodyTextType": "HTML"}, "messageBodyTextType"),
        ({"VoiceId": "ROBOT"}, "voiceId"),
        ({"TimeToLive": 300000}, "timeToLive"),
        ({"MaxPricePerMinute": "10"}, "maxPricePerMinute"),
        ({"Context": {str(i): "v" for i in range(6)}}, "context"),
        ({"DestinationPhoneNumber": "+0123"}, "destinationPhoneNumber"),
        ({"OriginationIdentity": "bad identity"}, "originationIdentity"),
    ],
)
async def test_model_constraints_are_enforced(
    aws_client, emulator, params, field_name
) -> None:
    """The model's lengths, patterns and enums, and TEXT's 3000 characters."""
    sms = await aws_client()
    error = await _error(sms.send_voice_message(**(CALL | params)))
    assert error["Error"]["Code"] == "ValidationException"
    assert error["Reason"] == "FIELD_VALIDATION_FAILED"
    assert [f["Name"] for f in error["Fields"]] == [field_name]
    assert emulator.outbox == []


async def test_ssml_may_be_longer_than_text(aws_client, emulator) -> None:
    """SSML is held to 6000 characters, tags included; TEXT to 3000."""
    sms = await aws_client()
    ssml = "<speak>" + "a" * 5985 + "</speak>"
    await sms.send_voice_message(
        **CALL | {"MessageBody": ssml}, MessageBodyTextType="SSML"
    )
    error = await _error(sms.send_voice_message(**CALL | {"MessageBody": ssml}))
    assert error["Fields"] == [
        {
            "Name": "messageBody",
            "Message": "Member must have length less than or equal to 3000",
        }
    ]
    assert [m.body_text_type for m in emulator.outbox] == ["SSML"]


async def test_a_body_is_required(aws_client) -> None:
    """The model lets MessageBody out; a call without one is refused."""
    sms = await aws_client()
    error = await _error(
        sms.send_voice_message(
            DestinationPhoneNumber=ANSWERS, OriginationIdentity=TOLL_FREE
        )
    )
    assert error["Error"]["Code"] == "ValidationException"
    assert error["Reason"] == "MISSING_PARAMETER"


@pytest.mark.parametrize(
    ("changes", "code", "reason"),
    [
        (
            {
                "OriginationIdentity": GB_LONG_CODE,
                "DestinationPhoneNumber": "+447700900456",
            },
            "ConflictException",
            "NUMBER_CAPABILITIES_MISMATCH",
        ),
        (
            {
                "OriginationIdentity": "HOMEALERT",
                "DestinationPhoneNumber": "+447700900456",
            },
            "ValidationException",
            "SENDER_ID_NOT_SUPPORTED",
        ),
        (
            {
                "OriginationIdentity": "pool-sms-only",
                "DestinationPhoneNumber": "+447700900456",
            },
            "ConflictException",
            "NO_ORIGINATION_IDENTITIES_FOUND",
        ),
        (
            {"DestinationPhoneNumber": "+447700900456"},
            "ValidationException",
            "INVALID_IDENTITY_FOR_DESTINATION_COUNTRY",
        ),
        ({"MaxPricePerMinute": "0.001"}, "ValidationException", "PRICE_OVER_THRESHOLD"),
    ],
)
async def test_identities_that_cannot_call(
    aws_client, emulator, changes, code, reason
) -> None:
    """SMS-only numbers and pools, sender IDs, other countries, a low price cap."""
    sms = await aws_client()
    error = await _error(sms.send_voice_message(**(CALL | changes)))
    assert (error["Error"]["Code"], error["Reason"]) == (code, reason)
    assert emulator.outbox == []


async def test_unknown_resources(aws_client, emulator) -> None:
    """An unknown number, configuration set or protect configuration."""
    sms = await aws_client()
    cases = [
        ({"OriginationIdentity": "+12025550199"}, "phone-number"),
        ({"ConfigurationSetName": "nope"}, "configuration-set"),
        ({"ProtectConfigurationId": "protect-123"}, "protect-configuration"),
    ]
    for changes, resource_type in cases:
        error = await _error(sms.send_voice_message(**(CALL | changes)))
        assert error["Error"]["Code"] == "ResourceNotFoundException"
        assert error["ResourceType"] == resource_type
    assert emulator.outbox == []


async def test_a_pool_calls_from_its_voice_number(aws_client, emulator) -> None:
    """The demo pool holds the toll-free number, which places the call."""
    sms = await aws_client()
    pool_id = (await sms.describe_pools())["Pools"][0]["PoolId"]
    await sms.send_voice_message(**(CALL | {"OriginationIdentity": pool_id}))
    [message] = emulator.outbox
    assert (message.origin, message.origination_identity) == (TOLL_FREE, pool_id)


@pytest.mark.parametrize(
    "case",
    [
        (
            ANSWERS,
            [
                "VOICE_INITIATED",
                "VOICE_RINGING",
                "VOICE_ANSWERED",
                "VOICE_COMPLETED",
            ],
            75,
            0.026,
        ),
        (NO_ANSWER, ["VOICE_INITIATED", "VOICE_RINGING", "VOICE_NO_ANSWER"], 0, 0.0),
        (BUSY, ["VOICE_INITIATED", "VOICE_BUSY"], 0, 0.0),
        (FAILS, ["VOICE_INITIATED", "VOICE_FAILED"], 0, 0.0),
        (EXPIRES, ["VOICE_TTL_EXPIRED"], 0, 0.0),
    ],
)
async def test_each_outcome_publishes_its_events(
    aws_client, emulator, receiving, drain, case
) -> None:
    """A call's events reach the queue in order; the last is final and priced."""
    destination, events, duration, price = case
    await _listen_for(aws_client, receiving, ["VOICE_ALL"])
    sms = await aws_client()
    message_id = (
        await sms.send_voice_message(
            **(CALL | {"DestinationPhoneNumber": destination}),
            ConfigurationSetName="home-alerts",
            Context={"automation": "leak"},
        )
    )["MessageId"]
    bodies = await drain(receiving["QueueUrl"], len(events))
    records = [json.loads(body) for body in bodies]
    assert [r["eventType"] for r in records] == events
    assert [r["isFinal"] for r in records] == [False] * (len(events) - 1) + [True]
    assert {r["messageId"] for r in records} == {message_id}
    *progress, final = records
    assert all(list(r) == PROGRESS_FIELDS for r in progress)
    assert list(final) == FINAL_FIELDS
    assert final[CALL_DURATION_FIELD] == duration
    assert final["totalMessagePrice"] == pytest.approx(price)
    assert final["messageStatus"] == events[-1].removeprefix("VOICE_")
    assert (final["originationPhoneNumber"], final["destinationPhoneNumber"]) == (
        TOLL_FREE,
        destination,
    )
    assert (final["isoCountryCode"], final["isInternationalSend"]) == ("US", False)
    timestamps = [r["eventTimestamp"] for r in records]
    assert timestamps == sorted(timestamps)

    # The integration's parser reads them as voice events of the message.
    parsed = [parse_message(body) for body in bodies]
    assert all(isinstance(e, DeliveryEvent) and e.channel == "voice" for e in parsed)
    last = parsed[-1]
    assert isinstance(last, DeliveryEvent)
    assert (last.message_id, last.final, last.context) == (
        message_id,
        True,
        {"automation": "leak"},
    )
    assert last.status == events[-1].removeprefix("VOICE_").lower()
    assert emulator.messaging.events_published == len(events)


async def test_destinations_get_only_the_types_they_match(
    aws_client, emulator, receiving, drain
) -> None:
    """A text-only destination gets no call events; a specific type only it."""
    sms = await aws_client()
    await _listen_for(aws_client, receiving, ["TEXT_ALL"])
    await sms.send_voice_message(**CALL, ConfigurationSetName="home-alerts")
    await _listen_for(aws_client, receiving, ["VOICE_COMPLETED", "VOICE_BUSY"])
    await sms.send_voice_message(**CALL, ConfigurationSetName="home-alerts")
    await sms.send_voice_message(
        **(CALL | {"DestinationPhoneNumber": NO_ANSWER}),
        ConfigurationSetName="home-alerts",
    )
    await sms.send_voice_message(
        **(CALL | {"DestinationPhoneNumber": BUSY}), ConfigurationSetName="home-alerts"
    )
    bodies = await drain(receiving["QueueUrl"], 2)
    assert sorted(json.loads(b)["eventType"] for b in bodies) == [
        "VOICE_BUSY",
        "VOICE_COMPLETED",
    ]
    # Nothing else follows: the first call and the unanswered one matched
    # nothing (each event is 0.02 s after the one before).
    sqs = await aws_client("sqs")
    answer = await sqs.receive_message(
        QueueUrl=receiving["QueueUrl"], WaitTimeSeconds=1
    )
    assert "Messages" not in answer
    assert emulator.messaging.events_published == 2


async def test_dry_run_checks_but_neither_records_nor_publishes(
    aws_client, emulator, receiving
) -> None:
    """A dry run answers with a message ID, and is still validated."""
    await _listen_for(aws_client, receiving, ["ALL"])
    sms = await aws_client()
    answer = await sms.send_voice_message(
        **CALL, DryRun=True, ConfigurationSetName="home-alerts"
    )
    assert answer["MessageId"]
    error = await _error(
        sms.send_voice_message(
            **(CALL | {"OriginationIdentity": GB_LONG_CODE}), DryRun=True
        )
    )
    assert error["Reason"] == "NUMBER_CAPABILITIES_MISMATCH"
    sqs = await aws_client("sqs")
    received = await sqs.receive_message(
        QueueUrl=receiving["QueueUrl"], WaitTimeSeconds=1
    )
    assert "Messages" not in received
    assert emulator.outbox == []
    assert emulator.messaging.events_published == 0
    assert emulator.state.spend_limits["VOICE_MESSAGE_MONTHLY_SPEND_LIMIT"].spent == 0


async def test_spend_limit_for_voice(aws_client, emulator) -> None:
    """An answered call past the $1 limit is refused; an unanswered one is free."""
    emulator.state.spend_limits["VOICE_MESSAGE_MONTHLY_SPEND_LIMIT"].spent = 0.98
    sms = await aws_client()
    error = await _error(sms.send_voice_message(**CALL))
    assert error["Error"]["Code"] == "ServiceQuotaExceededException"
    assert error["Reason"] == "MONTHLY_SPEND_LIMIT_REACHED_FOR_VOICE"
    await sms.send_voice_message(**(CALL | {"DestinationPhoneNumber": NO_ANSWER}))
    assert [m.destination for m in emulator.outbox] == [NO_ANSWER]


async def test_describe_phone_numbers_by_capability(aws_client) -> None:
    """The toll-free number places calls and sends MMS; the GB number does neither."""
    sms = await aws_client()
    for capability in ("VOICE", "MMS"):
        numbers = (
            await sms.describe_phone_numbers(
                Filters=[{"Name": "number-capability", "Values": [capability]}]
            )
        )["PhoneNumbers"]
        assert [n["PhoneNumber"] for n in numbers] == [TOLL_FREE]


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        ({"code": "ThrottlingException"}, "ThrottlingException"),
        ({"status": 500}, "InternalServerException"),
    ],
)
async def test_error_faults_refuse_the_call(aws_client, emulator, fault, code) -> None:
    """A fault naming SendVoiceMessage fails the next call without placing it."""
    emulator.add_fault("error", operation="SendVoiceMessage", **fault)
    sms = await aws_client(config=NO_RETRIES)
    error = await _error(sms.send_voice_message(**CALL))
    assert error["Error"]["Code"] == code
    assert emulator.outbox == []
    # The fault is used up: the next call goes through.
    await sms.send_voice_message(**CALL)
    assert len(emulator.outbox) == 1


async def test_dropped_answer_means_maybe_called(aws_client, emulator) -> None:
    """accept_then_drop: the call is placed, the caller hears nothing back."""
    emulator.add_fault("accept_then_drop", operation="SendVoiceMessage")
    sms = await aws_client(config=NO_RETRIES)
    with pytest.raises(ConnectionClosedError):
        await sms.send_voice_message(**CALL)
    assert [m.kind for m in emulator.outbox] == ["voice"]


@pytest.mark.usefixtures("rate_clock")
async def test_calls_per_second_when_the_state_sets_one(aws_client, emulator) -> None:
    """No documented default; a state's rate applies per identity, dry runs 5/s."""
    sms = await aws_client(config=NO_RETRIES)
    for _ in range(3):
        await sms.send_voice_message(**CALL)
    emulator.state.voice_calls_per_second = 1.0
    await sms.send_voice_message(**CALL)
    error = await _error(sms.send_voice_message(**CALL))
    assert error["Error"]["Code"] == "ThrottlingException"
    outcomes = []
    for _ in range(6):
        try:
            await sms.send_voice_message(**CALL, DryRun=True)
            outcomes.append("checked")
        except ClientError as err:
            outcomes.append(err.response["Error"]["Code"])
    assert outcomes == ["checked"] * 5 + ["ThrottlingException"]
    assert len(emulator.outbox) == 4


class TestSandbox:
    """The voice sandbox: verified numbers in 11 countries, 5 calls a minute."""

    VERIFIED = tuple(f"+1555555020{i}" for i in range(7))

    @pytest.fixture
    def account_state(self) -> AccountState:
        """A sandbox account with seven verified US numbers and a FR caller."""
        state = AccountState(
            tier="SANDBOX",
            verified_destinations=[*self.VERIFIED, "+33612345678"],
        )
        state.phone_numbers.append(
            PhoneNumber(
                phone_number="+12025550150",
                iso_country_code="US",
                international_sending_enabled=True,
            )
        )
        return state

    async def test_unverified_destination_is_refused(
        self, aws_client, emulator
    ) -> None:
        """Only verified numbers may be called, simulator numbers included."""
        sms = await aws_client()
        await sms.send_voice_message(
            **(CALL | {"DestinationPhoneNumber": self.VERIFIED[0]})
        )
        for destination in ("+15555550300", "+14254147755"):
            error = await _error(
                sms.send_voice_message(
                    **(CALL | {"DestinationPhoneNumber": destination})
                )
            )
            assert error["Error"]["Code"] == "ConflictException"
            assert error["Reason"] == "DESTINATION_PHONE_NUMBER_NOT_VERIFIED"
            assert error["ResourceId"] == destination
        assert len(emulator.outbox) == 1

    async def test_countries_outside_the_sandbox_list(
        self, aws_client, emulator
    ) -> None:
        """France is not one of the voice sandbox's countries, even verified."""
        sms = await aws_client()
        error = await _error(
            sms.send_voice_message(
                DestinationPhoneNumber="+33612345678",
                OriginationIdentity="+12025550150",
                MessageBody="hi",
            )
        )
        assert error["Error"]["Code"] == "ValidationException"
        assert error["Reason"] == "DESTINATION_COUNTRY_BLOCKED"
        assert emulator.outbox == []

    @pytest.mark.usefixtures("rate_clock")
    async def test_five_calls_a_minute(self, aws_client, emulator) -> None:
        """The sixth call within a minute is throttled."""
        sms = await aws_client(config=NO_RETRIES)
        for destination in self.VERIFIED[:5]:
            await sms.send_voice_message(
                **(CALL | {"DestinationPhoneNumber": destination})
            )
        error = await _error(
            sms.send_voice_message(
                **(CALL | {"DestinationPhoneNumber": self.VERIFIED[5]})
            )
        )
        assert error["Error"]["Code"] == "ThrottlingException"
        # A dry run is no call.
        await sms.send_voice_message(
            **(CALL | {"DestinationPhoneNumber": self.VERIFIED[5]}), DryRun=True
        )
        assert len(emulator.outbox) == 5

    async def test_five_calls_a_day_to_one_recipient(
        self, aws_client, emulator
    ) -> None:
        """The sixth call to one number in 24 hours exceeds the daily quota."""
        emulator.state.rate_limits = False
        sms = await aws_client()
        call = CALL | {"DestinationPhoneNumber": self.VERIFIED[0]}
        for _ in range(5):
            await sms.send_voice_message(**call)
        error = await _error(sms.send_voice_message(**call))
        assert error["Error"]["Code"] == "ServiceQuotaExceededException"
        assert error["Reason"] == "DAILY_DESTINATION_CALL_LIMIT"
        await sms.send_voice_message(
            **(CALL | {"DestinationPhoneNumber": self.VERIFIED[1]})
        )
        assert len(emulator.outbox) == 6


def test_call_outcomes_from_yaml_and_json(tmp_path: Path) -> None:
    """call_outcomes and call_duration_seconds load from a state file."""
    yaml_path = tmp_path / "state.yaml"
    yaml_path.write_text(
        """
call_outcomes:
  "+15555550101": no_answer
  "+15555550102": busy
call_duration_seconds: 42
voice_calls_per_second: 2
""",
        encoding="utf-8",
    )
    state = AccountState.from_file(yaml_path)
    assert state.call_outcomes == {"+15555550101": "no_answer", "+15555550102": "busy"}
    assert (state.call_duration_seconds, state.voice_calls_per_second) == (42, 2)

    json_path = tmp_path / "state.json"
    json_path.write_text(
        json.dumps({"call_outcomes": {"+15555550103": "failed"}}), encoding="utf-8"
    )
    state = AccountState.from_file(json_path)
    assert state.call_outcomes == {"+15555550103": "failed"}
    assert state.call_duration_seconds == 20
    assert AccountState().call_outcomes == {}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"call_outcomes": {"+15555550101": "hung_up"}}, "not one of"),
        ({"call_outcomes": {"15555550101": "busy"}}, "not an E.164"),
        ({"call_outcomes": ["+15555550101"]}, "must map numbers"),
        ({"call_duration_seconds": 0}, "call_duration_seconds"),
        ({"call_duration_seconds": 2.5}, "call_duration_seconds"),
        ({"voice_calls_per_second": 0}, "voice_calls_per_second"),
    ],
)
def test_bad_call_settings_are_refused(raw, message) -> None:
    """Outcomes, durations and rates the emulator cannot produce."""
    with pytest.raises(StateError, match=message):
        AccountState.from_dict(raw)


async def test_a_key_without_voice_permission(aws_client, emulator) -> None:
    """IAM refuses sms-voice:SendVoiceMessage to a key that may only text."""
    sms = await aws_client(
        access_key_id=TEXT_ONLY_KEY, secret_access_key=TEXT_ONLY_SECRET
    )
    error = await _error(sms.send_voice_message(**CALL))
    assert error["Error"]["Code"] == "AccessDeniedException"
    assert "sms-voice:SendVoiceMessage" in error["Error"]["Message"]
    await sms.send_text_message(DestinationPhoneNumber=ANSWERS, MessageBody="hi")
    assert [m.kind for m in emulator.outbox] == ["text"]
