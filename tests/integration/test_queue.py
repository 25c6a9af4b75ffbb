"""The SQS queue client, against the emulator's queue (moto behind SigV4).

A message published by a real send (a delivery event) is received with a
long poll and deleted; errors name the queue action or the missing queue.
"""

import asyncio

from botocore.exceptions import ClientError
from homeassistant.core import HomeAssistant
import pytest

from custom_components.aws_eum_x.aws_errors import AwsAccessDeniedError, AwsRequestError
from custom_components.aws_eum_x.events import DeliveryEvent, parse_message
from custom_components.aws_eum_x.helpers import async_connection
from custom_components.aws_eum_x.queue import (
    AwsQueueNotFoundError,
    InvalidQueueUrlError,
    QueueClient,
    _queue_errors,
    parse_queue_url,
)
from eum_emulator import AccessKey, AccountState, Emulator

from .conftest import entry_data
from .test_listener import _send

SMS_ONLY_KEY = "TESTKEYSMSONLY"
SMS_ONLY_SECRET = "sms-only-secret-EXAMPLEKEY"


@pytest.fixture
def account_state() -> AccountState:
    """The demo account and a key that may not read queues."""
    state = AccountState()
    state.access_keys.append(
        AccessKey(SMS_ONLY_KEY, SMS_ONLY_SECRET, allowed_actions=["sms-voice:*"])
    )
    return state


@pytest.fixture
async def queue_url(hass: HomeAssistant, emulator: Emulator) -> str:
    """Create the receiving chain of docs/aws/receiving.yaml in the emulator."""
    made = await hass.async_add_executor_job(emulator.provision_receiving)
    return made["QueueUrl"]


@pytest.mark.parametrize(
    ("url", "region", "endpoint"),
    [
        (
            "https://sqs.eu-west-1.amazonaws.com/123456789012/events",
            "eu-west-1",
            None,
        ),
        (
            "https://us-east-2.queue.amazonaws.com/123456789012/events",
            "us-east-2",
            None,
        ),
        ("http://127.0.0.1:4566/123456789012/events", None, "http://127.0.0.1:4566"),
    ],
)
def test_a_queue_url_says_where_the_queue_is(
    url: str, region: str | None, endpoint: str | None
) -> None:
    """AWS's hosts name the region; any other host is the endpoint."""
    address = parse_queue_url(f" {url} ")
    assert (address.region, address.endpoint_url) == (region, endpoint)
    assert (address.account_id, address.name) == ("123456789012", "events")
    assert address.arn.endswith(":123456789012:events")


@pytest.mark.parametrize(
    "url",
    [
        "not a url",
        "ftp://sqs.us-east-1.amazonaws.com/123456789012/events",
        "https://sqs.us-east-1.amazonaws.com/events",
        "https://sqs.us-east-1.amazonaws.com/12345/events",
    ],
)
def test_what_is_not_a_queue_url(url: str) -> None:
    """Refused before any AWS call."""
    with pytest.raises(InvalidQueueUrlError):
        parse_queue_url(url)


async def test_receive_a_delivery_event_and_delete_it(
    hass: HomeAssistant, emulator: Emulator, queue_url: str
) -> None:
    """A send through the configuration set: its events wait on the queue."""
    connection = await async_connection(hass, entry_data(emulator))
    queue = QueueClient(connection, parse_queue_url(queue_url))
    await queue.check()
    message_id = await _send(hass, emulator, "+14254147755")
    statuses: list[str] = []
    async with asyncio.timeout(10):
        while "delivered" not in statuses:
            for message in await queue.receive(wait_seconds=2):
                event = parse_message(message.body)
                assert isinstance(event, DeliveryEvent)
                assert event.message_id == message_id
                statuses.append(event.status)
                await queue.delete(message)
    assert statuses == ["pending", "delivered"]
    assert await queue.receive(wait_seconds=0) == []


async def test_a_missing_queue_and_a_key_without_sqs_are_named(
    hass: HomeAssistant, emulator: Emulator, queue_url: str
) -> None:
    """Not found is its own error; access denied names the sqs: action."""
    connection = await async_connection(hass, entry_data(emulator))
    gone = QueueClient(connection, parse_queue_url(queue_url + "-gone"))
    with pytest.raises(AwsQueueNotFoundError):
        await gone.check()
    limited = await async_connection(
        hass,
        entry_data(
            emulator, access_key_id=SMS_ONLY_KEY, secret_access_key=SMS_ONLY_SECRET
        ),
    )
    with pytest.raises(AwsAccessDeniedError) as caught:
        await QueueClient(limited, parse_queue_url(queue_url)).receive(0)
    assert caught.value.action == "sqs:ReceiveMessage"
    assert caught.value.placeholders["action"] == "sqs:ReceiveMessage"


async def test_other_refusals_pass_through(
    hass: HomeAssistant, emulator: Emulator, queue_url: str
) -> None:
    """A wait longer than SQS allows is SQS's own validation error."""
    connection = await async_connection(hass, entry_data(emulator))
    queue = QueueClient(connection, parse_queue_url(queue_url))
    with pytest.raises(AwsRequestError) as caught:
        await queue.receive(wait_seconds=21)
    assert not isinstance(caught.value, AwsQueueNotFoundError)


def test_a_denial_without_an_action_names_the_queue_action() -> None:
    """Some AccessDenied messages name no action: the called one is named."""
    denied = ClientError(
        {
            "Error": {
                "Code": "AccessDenied",
                "Message": "Access to the resource is denied.",
            }
        },
        "DeleteMessage",
    )
    with pytest.raises(AwsAccessDeniedError) as caught, _queue_errors("DeleteMessage"):
        raise denied
    assert caught.value.action == "sqs:DeleteMessage"
