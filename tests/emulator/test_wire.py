"""Requests no botocore client would send, signed by hand.

botocore checks types and minimums before sending, so these cases can only
reach the emulator from a raw signed request: they prove the service-side
checks exist for the clients that do not validate.
"""

import asyncio
import json
from typing import Any

import aiohttp
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
import pytest

from eum_emulator import DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY, Emulator
from eum_emulator.service import SmsVoiceService


async def _signed_post(
    url: str, body: bytes, headers: dict[str, str], service: str
) -> tuple[int, str]:
    request = AWSRequest(method="POST", url=f"{url}/", data=body, headers=headers)
    SigV4Auth(
        Credentials(DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY), service, "us-east-1"
    ).add_auth(request)
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{url}/", data=body, headers=dict(request.headers.items())) as resp,
    ):
        return resp.status, await resp.text()


async def _call(emulator: Emulator, operation: str, params: Any) -> dict[str, Any]:
    status, text = await _signed_post(
        emulator.url,
        json.dumps(params).encode() if not isinstance(params, bytes) else params,
        {
            "X-Amz-Target": f"PinpointSMSVoiceV2.{operation}",
            "Content-Type": "application/x-amz-json-1.0",
        },
        "sms-voice",
    )
    return {"status": status, **json.loads(text)}


async def test_body_that_is_not_json(emulator) -> None:
    """A signed body that does not parse is a SerializationException."""
    error = await _call(emulator, "DescribePools", b"{nope")
    assert (error["status"], error["__type"]) == (400, "SerializationException")
    error = await _call(emulator, "DescribePools", [1, 2])
    assert error["__type"] == "SerializationException"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"MaxResults": "10"}, "Member must be of type integer"),
        ({"MaxResults": True}, "Member must be of type integer"),
        ({"MaxResults": 0}, "greater than or equal to 1"),
        ({"PoolIds": "pool-1"}, "Member must be of type list"),
        ({"Filters": [{"Name": "status"}]}, "Member must not be null"),
        ({"Filters": [{"Name": "colour", "Values": ["x"]}]}, "enum value set"),
    ],
)
async def test_type_and_constraint_errors(emulator, params, message) -> None:
    """The service checks types and constraints botocore would have caught."""
    error = await _call(emulator, "DescribePools", params)
    assert error["__type"] == "ValidationException"
    assert message in error["message"]


async def test_map_keys_and_values_are_checked(emulator) -> None:
    """Context keys and values are validated like any other string."""
    error = await _call(
        emulator,
        "SendTextMessage",
        {
            "DestinationPhoneNumber": "+15555550123",
            "MessageBody": "hi",
            "Context": {"k": 5},
        },
    )
    assert error["Fields"] == [
        {"Name": "context.k", "Message": "Member must be of type string"}
    ]


async def test_operation_not_in_the_model(emulator) -> None:
    """An operation the model does not have is UnknownOperationException."""
    error = await _call(emulator, "LaunchRockets", {})
    assert error["__type"] == "UnknownOperationException"


async def test_unknown_sts_action(emulator) -> None:
    """STS refuses actions the emulator does not serve, in XML."""
    status, text = await _signed_post(
        emulator.url,
        b"Action=GetSessionToken&Version=2011-06-15",
        {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        "sts",
    )
    assert status == 400
    assert "<Code>InvalidAction</Code>" in text


async def test_destination_without_plus_and_unknown_country(emulator) -> None:
    """AWS accepts E.164 without '+'; an unknown country needs an identity for it."""
    client_params = {
        "DestinationPhoneNumber": "15555550123",
        "MessageBody": "hi",
    }
    result = await _call(emulator, "SendTextMessage", client_params)
    assert result["status"] == 200
    assert emulator.outbox[0].destination == "+15555550123"
    error = await _call(
        emulator,
        "SendTextMessage",
        {"DestinationPhoneNumber": "+999123456", "MessageBody": "hi"},
    )
    assert error["Reason"] == "NO_ORIGINATION_IDENTITIES_FOUND"


async def test_max_price_under_the_segment_price(emulator) -> None:
    """A MaxPrice below the destination's price is PRICE_OVER_THRESHOLD."""
    error = await _call(
        emulator,
        "SendTextMessage",
        {
            "DestinationPhoneNumber": "+15555550123",
            "MessageBody": "hi",
            "MaxPrice": "0.001",
        },
    )
    assert error["Reason"] == "PRICE_OVER_THRESHOLD"


def test_unknown_operation_model() -> None:
    """Asking for the model of an unknown operation is an AWS error."""
    service = SmsVoiceService(Emulator().state)
    with pytest.raises(Exception, match="Unknown operation"):
        service.operation_model("Nope")


async def test_serve_in_a_running_loop(socket_enabled) -> None:
    """``serve`` runs in the caller's loop until cancelled, then frees the port."""
    emulator = Emulator()
    ready = asyncio.Event()

    async def on_ready(url: str) -> None:
        assert url.startswith("http://127.0.0.1:")
        ready.set()

    task = asyncio.create_task(emulator.serve("127.0.0.1", 0, on_ready))
    await ready.wait()
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{emulator.url}/_emulator/health") as resp,
    ):
        assert resp.status == 200
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
