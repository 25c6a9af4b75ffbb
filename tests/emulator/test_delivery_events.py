"""Delivery events: SendTextMessage -> configuration set -> SNS -> SQS."""

import asyncio
import json
import time

from aiobotocore.session import AioSession
import pytest

from custom_components.aws_eum_x.events import DeliveryEvent, parse_message
from eum_emulator import (
    DEMO_ACCESS_KEY_ID,
    DEMO_SECRET_ACCESS_KEY,
    AccountState,
    Emulator,
)
from eum_emulator.simulator import DESTINATION_SIMULATOR_NUMBERS

US_SUCCESS, US_FAILURE = DESTINATION_SIMULATOR_NUMBERS["US"]
TOLL_FREE = "+18885550100"
BLOCKED_BY_STATE = "+15555550199"
# The field names of AWS's SMS event example, in its order, with
# isoCountryCode, which the example leaves out and the field list has.
RECORD_FIELDS = [
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
    "messageEncoding",
    "messageType",
    "messageStatus",
    "messageStatusDescription",
    "context",
    "totalMessageParts",
    "totalMessagePrice",
    "totalCarrierFee",
]


@pytest.fixture
def account_state() -> AccountState:
    """The demo account, quick to deliver, with one number set to expire."""
    return AccountState(
        delivery_delay_seconds=0.05,
        delivery_outcomes={BLOCKED_BY_STATE: "TEXT_TTL_EXPIRED"},
    )


async def _send(aws_client, destination: str, **options) -> str:
    sms = await aws_client()
    answer = await sms.send_text_message(
        DestinationPhoneNumber=destination,
        OriginationIdentity=TOLL_FREE,
        MessageBody="Water leak in the basement",
        ConfigurationSetName="home-alerts",
        **options,
    )
    return answer["MessageId"]


@pytest.mark.parametrize(
    "case",
    [
        (US_SUCCESS, "TEXT_DELIVERED", "Message has been accepted by phone"),
        (US_FAILURE, "TEXT_BLOCKED", "Phone has blocked SMS"),
        (
            BLOCKED_BY_STATE,
            "TEXT_TTL_EXPIRED",
            "Message was not delivered within its time to live",
        ),
    ],
)
async def test_pending_then_final_event(
    aws_client, emulator, receiving, drain, case
) -> None:
    """TEXT_PENDING, then the number's final event, in AWS's record shape."""
    destination, final_type, description = case
    message_id = await _send(aws_client, destination, Context={"automation": "leak"})
    bodies = await drain(receiving["QueueUrl"], 2)

    records = [json.loads(body) for body in bodies]
    assert [r["eventType"] for r in records] == ["TEXT_PENDING", final_type]
    pending, final = records
    assert list(final) == RECORD_FIELDS
    assert final["messageId"] == pending["messageId"] == message_id
    assert (pending["isFinal"], final["isFinal"]) == (False, True)
    assert final["messageStatus"] == final_type.removeprefix("TEXT_")
    assert final["messageStatusDescription"] == description
    assert final["originationPhoneNumber"] == TOLL_FREE
    assert final["destinationPhoneNumber"] == destination
    assert (final["isoCountryCode"], final["isInternationalSend"]) == ("US", False)
    assert (final["messageEncoding"], final["messageType"]) == ("GSM", "TRANSACTIONAL")
    assert final["totalMessageParts"] == 1
    assert final["totalMessagePrice"] == pytest.approx(0.00883)
    assert final["eventVersion"] == "1.0"
    assert final["eventTimestamp"] >= pending["eventTimestamp"]
    assert pending["eventTimestamp"] >= pending["messageRequestTimestamp"]
    assert abs(final["eventTimestamp"] / 1000 - time.time()) < 60

    # The integration's parser reads exactly this, from the raw queue body.
    parsed = [parse_message(body) for body in bodies]
    assert all(isinstance(event, DeliveryEvent) for event in parsed)
    event = parsed[1]
    assert isinstance(event, DeliveryEvent)
    assert (event.message_id, event.event_type, event.final) == (
        message_id,
        final_type,
        True,
    )
    assert (event.wrapper, event.context) == ("raw", {"automation": "leak"})
    assert event.status == final_type.removeprefix("TEXT_").lower()
    assert event.destination == destination
    assert emulator.messaging.events_published == 2


async def test_unicode_message_and_no_context(aws_client, receiving, drain) -> None:
    """UCS-2 is written UNICODE; a message without context has none."""
    sms = await aws_client()
    await sms.send_text_message(
        DestinationPhoneNumber=US_SUCCESS,
        MessageBody="❄" * 100,
        ConfigurationSetName="home-alerts",
    )
    records = [json.loads(body) for body in await drain(receiving["QueueUrl"], 2)]
    assert records[1]["messageEncoding"] == "UNICODE"
    assert records[1]["totalMessageParts"] == 2
    assert "context" not in records[1]


async def test_matching_event_types_filter(
    aws_client, emulator, receiving, drain
) -> None:
    """A destination gets only the event types it asked for."""
    sms = await aws_client()
    await sms.update_event_destination(
        ConfigurationSetName="home-alerts",
        EventDestinationName=receiving["EventDestinationName"],
        MatchingEventTypes=["TEXT_DELIVERED", "TEXT_BLOCKED"],
    )
    await _send(aws_client, US_SUCCESS)
    await _send(aws_client, US_FAILURE)
    bodies = await drain(receiving["QueueUrl"], 2)
    assert sorted(json.loads(b)["eventType"] for b in bodies) == [
        "TEXT_BLOCKED",
        "TEXT_DELIVERED",
    ]

    await sms.update_event_destination(
        ConfigurationSetName="home-alerts",
        EventDestinationName=receiving["EventDestinationName"],
        MatchingEventTypes=["TEXT_ALL"],
    )
    await _send(aws_client, US_SUCCESS)
    bodies = await drain(receiving["QueueUrl"], 2)
    assert [json.loads(b)["eventType"] for b in bodies] == [
        "TEXT_PENDING",
        "TEXT_DELIVERED",
    ]
    assert emulator.messaging.events_published == 4


async def test_dry_run_and_disabled_destination_publish_nothing(
    aws_client, emulator, receiving
) -> None:
    """A dry run is not sent; a disabled destination gets no events."""
    sqs = await aws_client("sqs")
    await _send(aws_client, US_SUCCESS, DryRun=True)
    sms = await aws_client()
    await sms.update_event_destination(
        ConfigurationSetName="home-alerts",
        EventDestinationName=receiving["EventDestinationName"],
        Enabled=False,
    )
    await _send(aws_client, US_SUCCESS)
    await sms.send_text_message(DestinationPhoneNumber=US_SUCCESS, MessageBody="hi")
    answer = await sqs.receive_message(
        QueueUrl=receiving["QueueUrl"], WaitTimeSeconds=1
    )
    assert "Messages" not in answer
    assert len(emulator.outbox) == 3
    assert emulator.messaging.events_published == 0


async def test_sns_envelope_without_raw_delivery(aws_client, emulator, drain) -> None:
    """A queue subscribed without raw delivery gets SNS's JSON envelope."""
    sns = await aws_client("sns")
    sqs = await aws_client("sqs")
    sms = await aws_client()
    topic_arn = (await sns.create_topic(Name="events"))["TopicArn"]
    queue_url = (await sqs.create_queue(QueueName="events"))["QueueUrl"]
    queue_arn = (
        await sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])
    )["Attributes"]["QueueArn"]
    await sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
    await sms.create_configuration_set(ConfigurationSetName="enveloped")
    await sms.create_event_destination(
        ConfigurationSetName="enveloped",
        EventDestinationName="sns",
        MatchingEventTypes=["ALL"],
        SnsDestination={"TopicArn": topic_arn},
    )
    message_id = (
        await sms.send_text_message(
            DestinationPhoneNumber=US_SUCCESS,
            MessageBody="hi",
            ConfigurationSetName="enveloped",
        )
    )["MessageId"]
    bodies = await drain(queue_url, 2)
    envelope = json.loads(bodies[1])
    assert (envelope["Type"], envelope["TopicArn"]) == ("Notification", topic_arn)
    event = parse_message(bodies[1])
    assert isinstance(event, DeliveryEvent)
    assert (event.wrapper, event.message_id) == ("sns", message_id)
    assert event.envelope_id == envelope["MessageId"]


async def test_events_to_a_missing_topic_are_counted(
    aws_client, emulator, until
) -> None:
    """An event destination whose topic is gone: the events are dropped."""
    sms = await aws_client()
    await sms.create_event_destination(
        ConfigurationSetName="home-alerts",
        EventDestinationName="gone",
        MatchingEventTypes=["ALL"],
        SnsDestination={"TopicArn": "arn:aws:sns:us-east-1:123456789012:gone"},
    )
    await sms.send_text_message(
        DestinationPhoneNumber=US_SUCCESS,
        MessageBody="hi",
        ConfigurationSetName="home-alerts",
    )
    await until(lambda: emulator.messaging.events_failed == 2)
    assert emulator.messaging.events_published == 0


async def test_answer_comes_before_the_events(socket_enabled, until) -> None:
    """The send is answered at once; stopping drops events not yet published."""
    delay = 30  # until the final event
    emulator = Emulator(AccountState(delivery_delay_seconds=delay))
    emulator.start()
    try:
        outputs = await asyncio.to_thread(emulator.provision_receiving)
        async with AioSession().create_client(
            "pinpoint-sms-voice-v2",
            region_name="us-east-1",
            endpoint_url=emulator.url,
            aws_access_key_id=DEMO_ACCESS_KEY_ID,
            aws_secret_access_key=DEMO_SECRET_ACCESS_KEY,
        ) as sms:
            await sms.send_text_message(
                DestinationPhoneNumber=US_SUCCESS,
                MessageBody="hi",
                ConfigurationSetName="home-alerts",
            )
            # Answered before the final event, not after it.
            assert emulator.messaging.events_published <= 1
        await until(lambda: emulator.messaging.events_published == 1)
        assert outputs["QueueUrl"].startswith(emulator.url)
    finally:
        started = time.monotonic()
        emulator.stop()
    # The final event was 30 s away; stopping did not wait for it (nor
    # publish it).
    assert time.monotonic() - started < delay / 2
    assert emulator.messaging.events_published == 1


async def test_sandbox_may_text_simulator_numbers(aws_client, emulator) -> None:
    """In the sandbox, simulator numbers need no verification."""
    emulator.state.tier = "SANDBOX"
    sms = await aws_client()
    assert (
        await sms.send_text_message(DestinationPhoneNumber=US_FAILURE, MessageBody="x")
    )["MessageId"]
