"""The queue listener against the emulator: events once, in order, resilient."""

import asyncio
import json
import logging
from typing import Any

from homeassistant.core import HomeAssistant
import pytest

from custom_components.aws_eum_x import listener as listener_module
from custom_components.aws_eum_x.api import MessageOptions, SmsClient, TextMessage
from custom_components.aws_eum_x.aws_errors import AwsAccessDeniedError
from custom_components.aws_eum_x.events import DeliveryEvent, ParsedEvent
from custom_components.aws_eum_x.helpers import async_connection
from custom_components.aws_eum_x.listener import QueueListener
from custom_components.aws_eum_x.queue import QueueClient, parse_queue_url
from eum_emulator import AccessKey, AccountState, Emulator, Role

from .conftest import entry_data

DELIVERED = "+14254147755"  # AWS's US success simulator number
NO_SQS_KEY = "TESTKEYNOSQS"
NO_SQS_SECRET = "no-sqs-secret-EXAMPLEKEY"


@pytest.fixture
def account_state() -> AccountState:
    """The demo account and a key that may not read queues."""
    state = AccountState()
    state.access_keys.append(
        AccessKey(NO_SQS_KEY, NO_SQS_SECRET, allowed_actions=["sms-voice:*"])
    )
    return state


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Back off for milliseconds, not seconds."""
    monkeypatch.setattr(listener_module, "BACKOFF_FIRST", 0.01)


@pytest.fixture
async def receiving(hass: HomeAssistant, emulator: Emulator) -> dict[str, str]:
    """The topic, queue and configuration set of docs/aws/receiving.yaml."""
    return await hass.async_add_executor_job(emulator.provision_receiving)


class Recorder:
    """What the listener handed on."""

    def __init__(self) -> None:
        """Nothing yet."""
        self.events: list[ParsedEvent] = []
        self.connected: list[bool] = []
        self.fatal: list[Exception] = []
        self.changed = asyncio.Event()

    def event(self, event: ParsedEvent) -> None:
        """Record an event."""
        self.events.append(event)
        self.changed.set()

    def status(self, connected: bool) -> None:
        """Record a change of connection."""
        self.connected.append(connected)
        self.changed.set()

    def fatal_error(self, err: Exception) -> None:
        """Record why the listener stopped."""
        self.fatal.append(err)
        self.changed.set()

    async def until(self, condition: Any) -> None:
        """Wait (10 s at most) until ``condition()`` holds."""
        async with asyncio.timeout(10):
            while not condition():
                self.changed.clear()
                await self.changed.wait()


async def _listener(
    hass: HomeAssistant, emulator: Emulator, queue_url: str, **keys: str
) -> tuple[QueueListener, Recorder]:
    connection = await async_connection(hass, entry_data(emulator, **keys))
    recorder = Recorder()
    listener = QueueListener(
        hass,
        "entry",
        QueueClient(connection, parse_queue_url(queue_url)),
        on_event=recorder.event,
        on_connected=recorder.status,
        on_fatal=recorder.fatal_error,
    )
    await listener.async_load()
    return listener, recorder


async def _send(hass: HomeAssistant, emulator: Emulator, destination: str) -> str:
    client = await SmsClient.create(await async_connection(hass, entry_data(emulator)))
    try:
        sent = await client.send_text_message(
            TextMessage(
                destination, "hi", MessageOptions(configuration_set="home-alerts")
            )
        )
    finally:
        await client.close()
    return sent.message_id


async def test_delivery_events_arrive_once_in_order(
    hass: HomeAssistant, emulator: Emulator, receiving: dict[str, str]
) -> None:
    """Pending, then delivered; deleted from the queue after handling."""
    listener, recorder = await _listener(hass, emulator, receiving["QueueUrl"])
    task = hass.async_create_background_task(listener.run(), "listener")
    message_id = await _send(hass, emulator, DELIVERED)
    await recorder.until(lambda: len(recorder.events) == 2)
    task.cancel()
    assert [e.status for e in recorder.events if isinstance(e, DeliveryEvent)] == [
        "pending",
        "delivered",
    ]
    assert {e.message_id for e in recorder.events} == {message_id}
    assert recorder.connected == [True]
    assert await listener._queue.receive(wait_seconds=0) == []


async def test_a_duplicate_is_handed_on_once_even_after_a_restart(
    hass: HomeAssistant, aws_client, emulator: Emulator, receiving: dict[str, str]
) -> None:
    """SQS delivers at least once: the same event twice is one event."""
    record = {
        "eventType": "TEXT_DELIVERED",
        "eventVersion": "1.0",
        "eventTimestamp": 1_763_000_000_000,
        "isFinal": True,
        "messageId": "duplicate-1",
        "destinationPhoneNumber": "+15555550123",
    }
    sns = await aws_client("sns")
    await sns.publish(TopicArn=receiving["TopicArn"], Message=json.dumps(record))
    listener, recorder = await _listener(hass, emulator, receiving["QueueUrl"])
    task = hass.async_create_background_task(listener.run(), "listener")
    await recorder.until(lambda: len(recorder.events) == 1)
    task.cancel()
    await listener.async_save()

    await sns.publish(TopicArn=receiving["TopicArn"], Message=json.dumps(record))
    restarted, again = await _listener(hass, emulator, receiving["QueueUrl"])
    task = hass.async_create_background_task(restarted.run(), "listener")
    await again.until(lambda: again.connected == [True])
    await asyncio.sleep(0.3)
    task.cancel()
    assert again.events == []
    assert await restarted._queue.receive(wait_seconds=0) == []


async def test_bad_input_is_logged_without_its_body_and_deleted(
    hass: HomeAssistant,
    aws_client,
    emulator: Emulator,
    receiving: dict[str, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Not an AWS event: one warning with the reason only; the next one works."""
    sqs = await aws_client("sqs")
    await sqs.send_message(
        QueueUrl=receiving["QueueUrl"], MessageBody="call +15555550123 now"
    )
    listener, recorder = await _listener(hass, emulator, receiving["QueueUrl"])
    caplog.set_level(logging.WARNING)
    task = hass.async_create_background_task(listener.run(), "listener")
    await _send(hass, emulator, DELIVERED)
    await recorder.until(lambda: len(recorder.events) == 2)
    task.cancel()
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("custom_")]
    warnings = [m for m in ours if "not an AWS event" in m]
    assert len(warnings) == 1
    assert not [m for m in ours if "+15555550123" in m]
    assert "call" not in warnings[0]


async def test_server_errors_back_off_and_recover(
    hass: HomeAssistant, emulator: Emulator, receiving: dict[str, str]
) -> None:
    """5xx past botocore's retries: disconnected, then connected again."""
    emulator.add_fault(
        "error",
        operation="ReceiveMessage",
        code="InternalError",
        status=500,
        count=3,
    )
    listener, recorder = await _listener(hass, emulator, receiving["QueueUrl"])
    task = hass.async_create_background_task(listener.run(), "listener")
    await recorder.until(lambda: recorder.connected == [False])
    # A long poll that succeeds answers when a message comes (or after 20 s).
    await _send(hass, emulator, DELIVERED)
    await recorder.until(lambda: recorder.connected[-1:] == [True])
    task.cancel()
    assert recorder.connected == [False, True]


async def test_a_key_that_may_not_read_the_queue_stops_it(
    hass: HomeAssistant, emulator: Emulator, receiving: dict[str, str]
) -> None:
    """Access denied cannot be retried away: the listener stops and says why."""
    listener, recorder = await _listener(
        hass,
        emulator,
        receiving["QueueUrl"],
        access_key_id=NO_SQS_KEY,
        secret_access_key=NO_SQS_SECRET,
    )
    await asyncio.wait_for(listener.run(), 10)
    assert isinstance(recorder.fatal[0], AwsAccessDeniedError)
    assert recorder.fatal[0].action == "sqs:ReceiveMessage"
    assert recorder.connected == [False]


async def test_a_role_refused_when_the_listener_opens_is_fatal(
    hass: HomeAssistant, emulator: Emulator, receiving: dict[str, str]
) -> None:
    """The role's first AssumeRole happens as the client opens: it is reported."""
    listener, recorder = await _listener(
        hass,
        emulator,
        receiving["QueueUrl"],
        auth_method="assume_role",
        role_arn="arn:aws:iam::123456789012:role/does-not-exist",
    )
    await asyncio.wait_for(listener.run(), 10)
    assert isinstance(recorder.fatal[0], AwsAccessDeniedError)
    assert recorder.fatal[0].action == "sts:AssumeRole"
    assert recorder.connected == [False]


async def test_opening_retries_what_retrying_can_fix(
    hass: HomeAssistant, emulator: Emulator, receiving: dict[str, str]
) -> None:
    """STS out of reach while opening: backed off, then polling works."""
    emulator.add_role(Role("reader", trusted=["AKIAIOSFODNN7EXAMPLE"]))
    emulator.add_fault("drop", operation="AssumeRole", count=3)
    listener, recorder = await _listener(
        hass,
        emulator,
        receiving["QueueUrl"],
        auth_method="assume_role",
        role_arn="arn:aws:iam::123456789012:role/reader",
    )
    task = hass.async_create_background_task(listener.run(), "listener")
    await recorder.until(lambda: recorder.connected == [False])
    await _send(hass, emulator, DELIVERED)
    await recorder.until(lambda: recorder.connected[-1:] == [True])
    task.cancel()
    assert recorder.fatal == []
