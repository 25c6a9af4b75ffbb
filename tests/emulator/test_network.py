"""The network switch: the endpoint refuses connections while down (issue 20).

A client sees what it sees when AWS cannot be reached: its connection is
refused at once (EndpointConnectionError), never left hanging, for the SMS
API and for everything else on the port (STS, SQS). Back up, the same URL
serves again, and the same clients carry on.
"""

import asyncio
import contextlib
import logging
import socket
from unittest.mock import AsyncMock, patch

from aiobotocore.config import AioConfig
import aiohttp
from aiohttp.test_utils import make_mocked_request
from botocore.exceptions import EndpointConnectionError
import pytest

from eum_emulator import Emulator
from eum_emulator.network import NetworkSwitch, handle_network

# One attempt: the test sees the refusal itself, not botocore's retries.
NO_RETRIES = AioConfig(retries={"total_max_attempts": 1})


async def _refused(port: int) -> bool:
    """Return whether a TCP connection to the port is refused."""
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
    except ConnectionRefusedError:
        return True
    writer.close()
    await writer.wait_closed()
    return False


def _port(emulator: Emulator) -> int:
    return int(emulator.url.rsplit(":", 1)[1])


async def _assert_unreachable(call) -> None:
    with pytest.raises(EndpointConnectionError) as caught:
        await call
    # Refused by the host, as a down endpoint is: not a timeout.
    assert isinstance(caught.value.kwargs["error"].os_error, ConnectionRefusedError)


async def test_down_refuses_every_service_and_up_serves_on_the_same_port(
    aws_client, emulator: Emulator
) -> None:
    """Kept-alive clients of the SMS API, STS and SQS are refused, then served."""
    sms = await aws_client(config=NO_RETRIES)
    sts = await aws_client("sts", config=NO_RETRIES)
    sqs = await aws_client("sqs", config=NO_RETRIES)
    # Each client now holds a kept-alive connection to the endpoint.
    await sms.describe_pools()
    await sts.get_caller_identity()
    await sqs.list_queues()
    url, port = emulator.url, _port(emulator)

    await asyncio.to_thread(emulator.set_reachable, reachable=False)
    assert not emulator.reachable
    assert await _refused(port)
    await _assert_unreachable(sms.describe_pools())
    await _assert_unreachable(
        sms.send_text_message(
            DestinationPhoneNumber="+15555550123", MessageBody="not sent"
        )
    )
    await _assert_unreachable(sts.get_caller_identity())
    await _assert_unreachable(sqs.list_queues())
    assert emulator.outbox == []

    await asyncio.to_thread(emulator.set_reachable, reachable=True)
    assert emulator.reachable
    assert emulator.url == url
    assert not await _refused(port)
    assert (await sms.describe_pools())["Pools"]
    assert (await sts.get_caller_identity())["Account"] == "123456789012"
    await sqs.list_queues()
    await sms.send_text_message(
        DestinationPhoneNumber="+15555550123", MessageBody="sent"
    )
    assert [m.body for m in emulator.outbox] == ["sent"]
    assert emulator.network.outages == 1


async def test_going_down_or_up_twice_changes_nothing(emulator: Emulator) -> None:
    """A second 'down' is not a second outage; 'up' while up is harmless."""
    await asyncio.to_thread(emulator.set_reachable, reachable=True)
    await asyncio.to_thread(emulator.set_reachable, reachable=False)
    await asyncio.to_thread(emulator.set_reachable, reachable=False)
    assert emulator.network.outages == 1
    assert await _refused(_port(emulator))
    await asyncio.to_thread(emulator.set_reachable, reachable=True)
    assert not await _refused(_port(emulator))


async def test_http_down_for_seconds_comes_back_by_itself(
    aws_client, emulator: Emulator, until
) -> None:
    """POST /_emulator/network with for_seconds: down now, back on its own."""
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{emulator.url}/_emulator/network",
            json={"reachable": False, "for_seconds": 0.5},
        ) as resp,
    ):
        assert resp.status == 200
        assert await resp.json() == {"reachable": False, "for_seconds": 0.5}
    # Down before it answered: the outage happened, whatever its length.
    assert emulator.network.outages == 1
    await until(lambda: emulator.reachable)
    sms = await aws_client()
    assert (await sms.describe_pools())["Pools"]


async def test_http_down_stays_down_until_python_brings_it_up(
    aws_client, emulator: Emulator
) -> None:
    """Without for_seconds it stays down: only Emulator.set_reachable(True) ends it."""
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{emulator.url}/_emulator/network", json={"reachable": False}
        ) as resp,
    ):
        assert await resp.json() == {"reachable": False, "for_seconds": None}
    assert await _refused(_port(emulator))
    sms = await aws_client(config=NO_RETRIES)
    await _assert_unreachable(sms.describe_pools())
    await asyncio.to_thread(emulator.set_reachable, reachable=True)
    assert (await sms.describe_pools())["Pools"]


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b'{"reachable": true}', 'only {"reachable": false}'),
        (b"{}", 'only {"reachable": false}'),
        (b'{"reachable": false, "for_seconds": 0}', "for_seconds must be"),
        (b'{"reachable": false, "for_seconds": -1}', "for_seconds must be"),
        (b'{"reachable": false, "for_seconds": true}', "for_seconds must be"),
        (b'{"reachable": false, "for_seconds": "5"}', "for_seconds must be"),
        (b'{"reachable": false, "for_seconds": 1e999}', "for_seconds must be"),
        (b'{"reachable": false, "seconds": 5}', "expected {"),
        (b"[false]", "expected {"),
        (b"down", "Expecting value"),
    ],
)
async def test_http_requests_that_cannot_be_followed(
    emulator: Emulator, body: bytes, error: str
) -> None:
    """Anything but a way down (for a positive time) is a 400, and stays up."""
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{emulator.url}/_emulator/network", data=body) as resp,
    ):
        assert resp.status == 400
        assert error in (await resp.json())["error"]
    assert emulator.reachable
    assert emulator.network.outages == 0


async def test_an_app_served_elsewhere_cannot_be_taken_down() -> None:
    """create_app without the emulator's switch: the control says it cannot."""
    request = make_mocked_request("POST", "/_emulator/network")
    with patch.object(
        type(request), "read", AsyncMock(return_value=b'{"reachable": false}')
    ):
        response = await handle_network(request, NetworkSwitch())
    assert response.status == 409


async def test_a_port_taken_while_down(
    emulator: Emulator, until, caplog: pytest.LogCaptureFixture
) -> None:
    """Coming back fails while another socket holds the port; then it succeeds."""
    port = _port(emulator)
    await asyncio.to_thread(emulator.set_reachable, reachable=False)
    blocker = socket.socket()
    with contextlib.closing(blocker):
        blocker.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        blocker.bind(("127.0.0.1", port))
        blocker.listen()
        with pytest.raises(OSError, match="address already in use"):
            await asyncio.to_thread(emulator.set_reachable, reachable=True)
        # Its own return fails the same way, and says so.
        with caplog.at_level(logging.ERROR, logger="eum_emulator.network"):
            await asyncio.to_thread(
                emulator.set_reachable, reachable=False, for_seconds=0.01
            )
            await until(
                lambda: any(
                    "could not listen again" in r.message for r in caplog.records
                )
            )
        assert not emulator.reachable
    await asyncio.to_thread(emulator.set_reachable, reachable=True)
    assert emulator.reachable
    assert not await _refused(port)


async def test_set_reachable_needs_a_running_emulator_and_another_loop(
    socket_enabled,
) -> None:
    """Not running: RuntimeError; from the emulator's own loop: RuntimeError."""
    emulator = Emulator()
    with pytest.raises(RuntimeError, match="not running"):
        emulator.set_reachable(False)
    with emulator:
        loop = emulator._serving_loop
        assert loop is not None

        async def from_its_own_loop() -> None:
            emulator.set_reachable(False)

        future = asyncio.run_coroutine_threadsafe(from_its_own_loop(), loop)
        with pytest.raises(RuntimeError, match="its own loop"):
            await asyncio.wrap_future(future)
        assert emulator.reachable


def test_stopping_while_down_or_about_to_come_back(socket_enabled) -> None:
    """stop() forgets a pending return and releases the port."""
    emulator = Emulator()
    emulator.start()
    emulator.set_reachable(False, for_seconds=3600)
    emulator.stop()
    assert not emulator.reachable
    # The stopped emulator starts again, listening anew.
    emulator.start()
    try:
        assert emulator.reachable
    finally:
        emulator.stop()
