"""The /_emulator/ control endpoints used by scripts and end-to-end tests."""

import json

import aiohttp
from botocore.exceptions import ClientError
import pytest

from eum_emulator import Emulator


async def test_outbox_and_faults_over_http(aws_client, emulator: Emulator) -> None:
    """Faults queue over HTTP; the outbox is read and cleared over HTTP."""
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{emulator.url}/_emulator/health") as resp:
            assert await resp.json() == {
                "status": "ok",
                "account_id": "123456789012",
                "messages": 0,
                "throttled": 0,
                "temporary_keys": 0,
                "moto_requests": 0,
                "events_published": 0,
                "events_failed": 0,
                "inbound_messages": 0,
                "opted_out": 0,
            }
        fault = {"kind": "error", "status": 500, "operation": "DescribePools"}
        async with http.post(f"{emulator.url}/_emulator/faults", json=[fault]) as resp:
            pending = (await resp.json())["faults"]
        assert [(f["kind"], f["code"]) for f in pending] == [
            ("error", "InternalServerException")
        ]
        async with http.get(f"{emulator.url}/_emulator/faults") as resp:
            assert len((await resp.json())["faults"]) == 1
        async with http.delete(f"{emulator.url}/_emulator/faults") as resp:
            assert (await resp.json())["faults"] == []
        async with http.post(
            f"{emulator.url}/_emulator/faults", json={"kind": "nope"}
        ) as resp:
            assert resp.status == 400
            assert "kind must be one of" in (await resp.json())["error"]

        client = await aws_client()
        sent = await client.send_text_message(
            DestinationPhoneNumber="+15555550123", MessageBody="hello"
        )
        async with http.get(f"{emulator.url}/_emulator/outbox") as resp:
            [message] = (await resp.json())["messages"]
        assert message["message_id"] == sent["MessageId"]
        assert message["destination"] == "+15555550123"
        assert message["segments"] == 1
        async with http.delete(f"{emulator.url}/_emulator/outbox") as resp:
            assert (await resp.json())["messages"] == []
    assert emulator.outbox == []


async def test_the_outbox_reads_well_in_a_browser(aws_client, emulator) -> None:
    """Indented JSON: what was sent first, then the dry runs, each flagged first.

    Setting the integration up sends a DryRun before anything else; a person
    opening the outbox wants the messages sent.
    """
    client = await aws_client()
    await client.send_text_message(
        DestinationPhoneNumber="+15555550123", MessageBody="check", DryRun=True
    )
    for body in ("first", "second"):
        await client.send_text_message(
            DestinationPhoneNumber="+15555550123", MessageBody=body
        )
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{emulator.url}/_emulator/outbox") as resp,
    ):
        text = await resp.text()
    assert resp.content_type == "application/json"
    assert text.startswith(
        '{\n  "sent": 2,\n  "dry_runs": 1,\n  "messages": [\n    {\n'
        '      "dry_run": false,\n'
    )
    messages = json.loads(text)["messages"]
    assert [(m["body"], m["dry_run"]) for m in messages] == [
        ("first", False),
        ("second", False),
        ("check", True),
    ]
    assert {next(iter(m)) for m in messages} == {"dry_run"}
    # In Python the outbox stays in the order messages were accepted.
    assert [m.body for m in emulator.outbox] == ["check", "first", "second"]


async def test_body_changed_after_signing_is_refused(emulator, aws_client) -> None:
    """A body altered after signing fails the signature check."""
    client = await aws_client()

    # Sign a real request, then replace its body after signing.
    def corrupt(request, **_: object) -> None:
        request.body = b"{not json"

    client.meta.events.register_last("before-send.*", corrupt)
    with pytest.raises(ClientError) as caught:
        await client.describe_pools()
    # The body no longer matches its signature: the front door says so first.
    assert caught.value.response["Error"]["Code"] == "InvalidSignatureException"


def test_emulator_lifecycle(socket_enabled) -> None:
    """start/stop, the URL only while running, no double start, port clash."""
    emulator = Emulator()
    with pytest.raises(RuntimeError, match="not running"):
        _ = emulator.url
    emulator.stop()  # stopping a stopped emulator is harmless
    url = emulator.start()
    try:
        assert emulator.url == url
        with pytest.raises(RuntimeError, match="already running"):
            emulator.start()
        port = int(url.rsplit(":", 1)[1])
        with pytest.raises(OSError, match="address already in use"):
            Emulator().start(port=port)
    finally:
        emulator.stop()
    with pytest.raises(RuntimeError):
        _ = emulator.url
    emulator.clear_outbox()
    assert emulator.state.account_id == "123456789012"
    assert emulator.lock is emulator.service.lock
