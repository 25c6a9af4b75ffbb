"""Inbound SMS on a two-way number: the SNS payload, opt-outs and opt-ins."""

import asyncio
import json

import aiohttp
from botocore.exceptions import ClientError
import pytest

from custom_components.aws_eum_x.events import (
    InboundMessage,
    is_opt_in,
    is_opt_out,
    parse_message,
)
from eum_emulator import Emulator, InboundError

TOLL_FREE = "+18885550100"
GB_NUMBER = "+447700900123"
CUSTOMER = "+15555550123"
PAYLOAD_FIELDS = [
    "originationNumber",
    "destinationNumber",
    "messageKeyword",
    "messageBody",
    "inboundMessageId",
    "previousPublishedMessageId",
]


async def _receive(emulator: Emulator, *args: str | None) -> str:
    return await asyncio.to_thread(emulator.receive_sms, *args)


async def _post_inbound(emulator: Emulator, data: bytes) -> tuple[int, dict]:
    # As curl -d sends it: form-encoded Content-Type, JSON body.
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{emulator.url}/_emulator/inbound",
            data=data,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ) as resp,
    ):
        return resp.status, await resp.json()


async def test_reply_arrives_with_the_documented_fields(
    aws_client, emulator, receiving, drain
) -> None:
    """A reply to a sent message: AWS's two-way payload, raw on the queue."""
    sms = await aws_client()
    sent = await sms.send_text_message(
        DestinationPhoneNumber=CUSTOMER, OriginationIdentity=TOLL_FREE, MessageBody="?"
    )
    inbound_id = await _receive(emulator, CUSTOMER, TOLL_FREE, "Status?")
    [body] = await drain(receiving["QueueUrl"], 1)

    payload = json.loads(body)
    assert list(payload) == PAYLOAD_FIELDS
    assert payload == {
        "originationNumber": CUSTOMER,
        "destinationNumber": TOLL_FREE,
        # Not a registered keyword: the account's catch-all keyword.
        "messageKeyword": "KEYWORD_123456789012",
        "messageBody": "Status?",
        "inboundMessageId": inbound_id,
        "previousPublishedMessageId": sent["MessageId"],
    }
    message = parse_message(body)
    assert isinstance(message, InboundMessage)
    assert (message.from_number, message.to_number, message.body) == (
        CUSTOMER,
        TOLL_FREE,
        "Status?",
    )
    assert (message.inbound_message_id, message.wrapper) == (inbound_id, "raw")
    assert emulator.messaging.inbound_messages == 1


async def test_inbound_over_http(emulator, receiving, drain) -> None:
    """POST /_emulator/inbound, as the develop script's curl hint sends it."""
    status, answer = await _post_inbound(
        emulator,
        json.dumps(
            {
                "from": CUSTOMER,
                "to": TOLL_FREE,
                "body": "STATUS",
                "reply_to_message_id": "sent-1",
            }
        ).encode(),
    )
    assert status == 200
    [body] = await drain(receiving["QueueUrl"], 1)
    payload = json.loads(body)
    assert payload["inboundMessageId"] == answer["inbound_message_id"]
    assert payload["previousPublishedMessageId"] == "sent-1"
    assert payload["messageBody"] == "STATUS"

    # Nothing was sent to this customer: no previousPublishedMessageId.
    await _post_inbound(
        emulator, json.dumps({"from": "+15555550124", "to": TOLL_FREE}).encode()
    )
    [body] = await drain(receiving["QueueUrl"], 1)
    assert json.loads(body)["messageBody"] == ""
    assert "previousPublishedMessageId" not in json.loads(body)


async def test_stop_opts_out_and_start_opts_back_in(
    aws_client, emulator, receiving, drain
) -> None:
    """STOP adds the sender to the opt-outs, a send is refused, START undoes it."""
    sms = await aws_client()
    await _receive(emulator, CUSTOMER, TOLL_FREE, "stop.")
    [body] = await drain(receiving["QueueUrl"], 1)
    message = parse_message(body)
    assert isinstance(message, InboundMessage)
    assert json.loads(body)["messageKeyword"] == "STOP"
    assert is_opt_out(message)
    assert emulator.state.opted_out == [CUSTOMER]

    with pytest.raises(ClientError) as caught:
        await sms.send_text_message(DestinationPhoneNumber=CUSTOMER, MessageBody="x")
    assert caught.value.response["Reason"] == "DESTINATION_PHONE_NUMBER_OPTED_OUT"

    # Opting out twice keeps one entry; an opt-in of someone not opted out
    # changes nothing.
    await _receive(emulator, CUSTOMER, TOLL_FREE, "UNSUBSCRIBE")
    await _receive(emulator, "+15555550124", TOLL_FREE, "START")
    assert emulator.state.opted_out == [CUSTOMER]

    await _receive(emulator, CUSTOMER, TOLL_FREE, "Start")
    bodies = await drain(receiving["QueueUrl"], 3)
    last = parse_message(bodies[-1])
    assert isinstance(last, InboundMessage)
    assert is_opt_in(last)
    assert emulator.state.opted_out == []
    assert (
        await sms.send_text_message(DestinationPhoneNumber=CUSTOMER, MessageBody="x")
    )["MessageId"]


async def test_self_managed_opt_outs_are_left_alone(
    aws_client, emulator, receiving, drain
) -> None:
    """With self-managed opt-outs, STOP is passed on and nobody is opted out."""
    sms = await aws_client()
    pool_id = (await sms.describe_pools())["Pools"][0]["PoolId"]
    await sms.update_pool(PoolId=pool_id, SelfManagedOptOutsEnabled=True)
    await _receive(emulator, CUSTOMER, TOLL_FREE, "STOP")
    [body] = await drain(receiving["QueueUrl"], 1)
    assert json.loads(body)["messageKeyword"] == "STOP"
    assert emulator.state.opted_out == []


async def test_stop_to_a_missing_topic_changes_nothing(
    aws_client, emulator, receiving
) -> None:
    """An inbound STOP that cannot be published opts nobody out."""
    sns = await aws_client("sns")
    await sns.delete_topic(TopicArn=receiving["TopicArn"])
    with pytest.raises(InboundError) as caught:
        await _receive(emulator, CUSTOMER, TOLL_FREE, "STOP")
    assert caught.value.reason == "TWO_WAY_TOPIC_NOT_PRESENT"
    assert emulator.state.opted_out == []
    assert emulator.messaging.inbound_messages == 0


async def test_a_topic_deleted_after_the_check_is_still_refused(
    aws_client, emulator, receiving, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The topic goes between the service's check and the publish: refused.

    The check is made to pass, as if the topic were deleted just after it.
    """
    sns = await aws_client("sns")
    await sns.delete_topic(TopicArn=receiving["TopicArn"])
    monkeypatch.setattr(emulator.service, "topic_exists", lambda _arn: True)
    with pytest.raises(InboundError) as caught:
        await _receive(emulator, CUSTOMER, TOLL_FREE, "hi")
    assert caught.value.reason == "TWO_WAY_TOPIC_NOT_PRESENT"
    assert emulator.messaging.inbound_messages == 0


async def test_numbers_that_cannot_receive(aws_client, emulator, receiving) -> None:
    """Unknown numbers, two-way off, no topic: refused, in Python and HTTP."""
    with pytest.raises(InboundError) as caught:
        await _receive(emulator, CUSTOMER, "+15550000000", "hi")
    assert caught.value.reason == "UNKNOWN_PHONE_NUMBER"
    # The demo GB number has two-way on, without a channel.
    with pytest.raises(InboundError) as caught:
        await _receive(emulator, CUSTOMER, GB_NUMBER, "hi")
    assert caught.value.reason == "TWO_WAY_CHANNEL_NOT_PRESENT"
    with pytest.raises(InboundError, match=r"E\.164") as caught:
        await _receive(emulator, "12345", TOLL_FREE, "hi")

    sms = await aws_client()
    sns = await aws_client("sns")
    await sns.delete_topic(TopicArn=receiving["TopicArn"])
    with pytest.raises(InboundError) as caught:
        await _receive(emulator, CUSTOMER, TOLL_FREE, "hi")
    assert caught.value.reason == "TWO_WAY_TOPIC_NOT_PRESENT"

    pool_id = (await sms.describe_pools())["Pools"][0]["PoolId"]
    await sms.update_pool(PoolId=pool_id, TwoWayEnabled=False)
    status, answer = await _post_inbound(
        emulator, json.dumps({"from": CUSTOMER, "to": TOLL_FREE, "body": "x"}).encode()
    )
    assert (status, answer["reason"]) == (400, "TWO_WAY_NOT_ENABLED")
    status, answer = await _post_inbound(
        emulator, json.dumps({"from": CUSTOMER, "to": "+1", "body": "x"}).encode()
    )
    assert (status, answer["reason"]) == (404, "UNKNOWN_PHONE_NUMBER")
    for bad in (b"not json", b"[1]"):
        status, answer = await _post_inbound(emulator, bad)
        assert (status, answer["reason"]) == (400, "INVALID_PARAMETER")
    for fields in ({"body": 5}, {"reply_to_message_id": 5}):
        status, answer = await _post_inbound(
            emulator,
            json.dumps({"from": CUSTOMER, "to": TOLL_FREE, **fields}).encode(),
        )
        assert (status, answer["reason"]) == (400, "INVALID_PARAMETER")
    assert emulator.messaging.inbound_messages == 0


def test_receive_sms_needs_a_running_emulator() -> None:
    """The Python call says so when the emulator is not serving."""
    with pytest.raises(RuntimeError, match="not running"):
        Emulator().receive_sms(CUSTOMER, TOLL_FREE, "hi")
