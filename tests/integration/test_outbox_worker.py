"""The outbox end to end: AWS unreachable, then back, through real aiobotocore.

The emulator closes its listening socket to stand for the internet being
down (connections are refused, so AWS certainly received nothing), and
opens it again on the same port.
"""

import asyncio
from collections.abc import Generator
from datetime import timedelta
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.aws_eum_x import outbox, outbox_worker, sender
from custom_components.aws_eum_x.const import DOMAIN
from custom_components.aws_eum_x.outbox_worker import (
    EVENT_MESSAGE_EXPIRED,
    EVENT_MESSAGE_QUEUED,
)
from custom_components.aws_eum_x.sender import EVENT_MESSAGE_SENT
from eum_emulator import Emulator

from .conftest import demo_entry, entry_data, send, set_up, setup_with_options, until

US_NUMBER = "+15555550123"
OTHER_NUMBER = "+15555550124"
QUEUED = "sensor.aws_sms_123456789012_us_east_1_queued_messages"
SEGMENTS_TODAY = "sensor.aws_sms_123456789012_us_east_1_segments_sent_today"
FAILED_TODAY = "sensor.aws_sms_123456789012_us_east_1_messages_failed_today"


@pytest.fixture(autouse=True)
def fast_timings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retry and probe in fractions of a second instead of 0.5 s and 15 s."""
    monkeypatch.setattr(sender, "BACKOFF_BASE", 0.01)
    monkeypatch.setattr(outbox, "PROBE_FIRST_DELAY", 0.05)
    monkeypatch.setattr(outbox, "PROBE_MAX_DELAY", 0.2)


@pytest.fixture
def network(emulator: Emulator) -> Generator[Emulator]:
    """The emulator, reachable again after the test whatever happened."""
    yield emulator
    emulator.set_reachable(True)


async def _down(network: Emulator) -> None:
    """Close the emulator; let the loop see its kept-alive connections close.

    As it would long before the next alert: a send racing the close is
    reported as "may have been sent" and never queued (test_sender's
    test_dropped_before_processing_is_not_resent, and the README's known
    limitation).
    """
    network.set_reachable(False)
    await asyncio.sleep(0.2)


def _sent(emulator: Emulator) -> list[str]:
    return [m.body for m in emulator.outbox if not m.dry_run]


async def test_alerts_during_an_outage_go_once_in_order_when_it_ends(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, network: Emulator
) -> None:
    """Three alerts queued; back: exactly three sent, in order, once each."""
    queued_events = async_capture_events(hass, EVENT_MESSAGE_QUEUED)
    sent_events = async_capture_events(hass, EVENT_MESSAGE_SENT)
    await _down(network)
    responses = [
        await send(hass, target=US_NUMBER, message=f"Alert {n}") for n in range(3)
    ]
    items = [r["messages"][0] for r in responses]
    assert [i["status"] for i in items] == ["queued"] * 3
    assert all(i["queued_id"] and i["queued_until"] for i in items)
    assert "message_id" not in items[0]
    assert [e.data["queued_id"] for e in queued_events] == [
        i["queued_id"] for i in items
    ]
    assert queued_events[0].data["target"] == "***0123"
    assert hass.states.get(QUEUED).state == "3"
    # Not sent, not failed, not billed while queued.
    assert hass.states.get(FAILED_TODAY).state == "0"
    assert hass.states.get(SEGMENTS_TODAY).state == "0"
    assert _sent(network) == []

    network.set_reachable(True)
    await until(lambda: len(sent_events) == 3)
    await until(lambda: hass.states.get(QUEUED).state == "0")
    assert _sent(network) == ["Alert 0", "Alert 1", "Alert 2"]
    assert [e.data["queued_id"] for e in sent_events] == [i["queued_id"] for i in items]
    assert all(e.data["message_id"] and e.data["queued_for"] >= 0 for e in sent_events)
    assert hass.states.get(SEGMENTS_TODAY).state == "3"


async def test_a_fan_out_queues_only_what_was_not_sent(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    network: Emulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The target AWS answered is sent; the one it could not be asked is queued.

    The outage starts once the first target's message was answered (the
    moment the router drops), before the second one's first attempt.
    """
    original = sender.SmsSender._attempts
    first_answered = asyncio.Event()

    async def one_then_the_outage(self, number, *args, **kwargs):
        if number == OTHER_NUMBER:
            await first_answered.wait()
            await _down(network)
            return await original(self, number, *args, **kwargs)
        try:
            return await original(self, number, *args, **kwargs)
        finally:
            first_answered.set()

    monkeypatch.setattr(sender.SmsSender, "_attempts", one_then_the_outage)
    response = await send(hass, target=[US_NUMBER, OTHER_NUMBER], message="Leak")
    items = {i["target"]: i for i in response["messages"]}
    assert items[US_NUMBER]["message_id"]
    assert items[OTHER_NUMBER]["status"] == "queued"


async def test_throttled_after_every_retry_is_queued_then_sent(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """AWS refused for its rate, every time: it processed nothing, so it waits."""
    emulator.add_fault(
        "error", operation="SendTextMessage", code="ThrottlingException", count=4
    )
    sent_events = async_capture_events(hass, EVENT_MESSAGE_SENT)
    response = await send(hass, target=US_NUMBER, message="Throttled")
    assert response["messages"][0]["status"] == "queued"
    await until(lambda: len(sent_events) == 1)
    assert _sent(emulator) == ["Throttled"]


async def test_restart_with_a_full_outbox_sends_it(
    hass: HomeAssistant, emulator: Emulator, network: Emulator
) -> None:
    """Saved before the action returned; sent after the next start."""
    entry = await set_up(hass, demo_entry(emulator))
    sent_events = async_capture_events(hass, EVENT_MESSAGE_SENT)
    await _down(network)
    await send(hass, target=US_NUMBER, message="Before the restart")
    assert await hass.config_entries.async_unload(entry.entry_id)
    network.set_reachable(True)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await until(lambda: len(sent_events) == 1)
    assert _sent(network) == ["Before the restart"]


async def test_what_may_have_been_sent_is_never_queued(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """A lost answer stays an error: sending again could deliver it twice."""
    emulator.add_fault("accept_then_drop", operation="SendTextMessage")
    with pytest.raises(HomeAssistantError) as caught:
        await send(hass, target=US_NUMBER, message="Maybe")
    assert caught.value.translation_key == "message_maybe_sent"
    assert loaded_entry.runtime_data.outbox.messages == []


async def test_the_cap_is_checked_again_and_old_messages_expire(
    hass: HomeAssistant, emulator: Emulator, network: Emulator
) -> None:
    """Never sent over the cap; past its time, dropped with an event."""
    entry = demo_entry(emulator)
    entry.add_to_hass(hass)
    await setup_with_options(hass, entry, daily_segment_cap=1)
    dropped = async_capture_events(hass, EVENT_MESSAGE_EXPIRED)
    await _down(network)
    await send(hass, target=US_NUMBER, message="First")
    await send(hass, target=US_NUMBER, message="Second")
    await send(hass, target=US_NUMBER, message="Late", retry_for=1)
    worker = entry.runtime_data.outbox
    late = next(m for m in worker.messages if m.body == "Late")
    # Its second is over (moved back rather than waited for).
    worker._messages = [
        m
        if m is not late
        else outbox.QueuedMessage.from_dict(
            {**late.as_dict(), "expires": dt_util.utcnow().isoformat()}
        )
        for m in worker._messages
    ]
    network.set_reachable(True)
    await until(lambda: len(dropped) == 2)
    assert _sent(network) == ["First"]
    assert sorted(e.data["reason"] for e in dropped) == ["daily_cap", "expired"]
    assert worker.messages == []


async def test_a_call_is_not_placed_after_its_time_to_live(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, network: Emulator
) -> None:
    """A stale alarm must not ring: the call's own time to live ends it."""
    dropped = async_capture_events(hass, EVENT_MESSAGE_EXPIRED)
    await _down(network)
    response = await hass.services.async_call(
        DOMAIN,
        "call",
        {"target": US_NUMBER, "message": "Leak", "time_to_live": 5},
        blocking=True,
        return_response=True,
    )
    assert response["calls"][0]["status"] == "queued"
    (queued,) = loaded_entry.runtime_data.outbox.messages
    assert queued.call_deadline is not None
    loaded_entry.runtime_data.outbox._messages = [
        outbox.QueuedMessage.from_dict(
            {**queued.as_dict(), "call_deadline": dt_util.utcnow().isoformat()}
        )
    ]
    network.set_reachable(True)
    await until(lambda: len(dropped) == 1)
    assert dropped[0].data["reason"] == "call_expired"
    assert [m.kind for m in network.outbox if not m.dry_run] == []


async def test_zero_keeps_nothing_and_clear_outbox_empties_it(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, network: Emulator
) -> None:
    """retry_for 0 fails at once; clear_outbox drops what waits."""
    await _down(network)
    with pytest.raises(HomeAssistantError) as caught:
        await send(hass, target=US_NUMBER, message="Now or never", retry_for=0)
    assert caught.value.translation_key == "cannot_connect"
    await send(hass, target=US_NUMBER, message="Later")
    response: Any = await hass.services.async_call(
        DOMAIN, "clear_outbox", {}, blocking=True, return_response=True
    )
    assert response == {"cleared": 1}
    assert hass.states.get(QUEUED).state == "0"
    network.set_reachable(True)
    await send(hass, target=US_NUMBER, message="After")
    await hass.async_block_till_done()
    assert _sent(network) == ["After"]


async def test_two_entries_keep_their_own_outbox(
    hass: HomeAssistant, emulator: Emulator, network: Emulator
) -> None:
    """Unloading one entry leaves the other's outbox and task alone."""
    first = await set_up(hass, demo_entry(emulator))
    second = await set_up(
        hass, demo_entry(emulator, data=entry_data(emulator, region="eu-west-2"))
    )
    await _down(network)
    await send(hass, config_entry_id=first.entry_id, target=US_NUMBER, message="1")
    assert first.runtime_data.outbox.messages
    assert second.runtime_data.outbox.messages == []
    assert await hass.config_entries.async_unload(first.entry_id)
    assert second.runtime_data.outbox._task is None


def test_not_sent_reads_the_cause() -> None:
    """The sender raises Home Assistant's error from the AWS error."""
    from custom_components.aws_eum_x.aws_errors import (  # noqa: PLC0415
        AwsMaybeSentError,
        AwsNotSentError,
    )

    err = HomeAssistantError("x")
    err.__cause__ = AwsNotSentError("refused")
    assert outbox_worker.not_sent(err)
    err.__cause__ = AwsMaybeSentError("lost")
    assert not outbox_worker.not_sent(err)


async def test_what_the_worker_does_with_each_answer(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """A refusal is an answer (AWS is there); refused or maybe-sent: dropped.

    The send and probe are stand-ins: each stands for an answer the sender
    gives (tested end to end above), here to see the worker's choice.
    """
    from homeassistant.exceptions import ServiceValidationError  # noqa: PLC0415

    from custom_components.aws_eum_x.aws_errors import (  # noqa: PLC0415
        AwsAccessDeniedError,
        AwsMaybeSentError,
    )

    worker = loaded_entry.runtime_data.outbox
    dropped = async_capture_events(hass, EVENT_MESSAGE_EXPIRED)

    async def denied() -> None:
        raise AwsAccessDeniedError("denied", "sms-voice:DescribePhoneNumbers")

    worker._probe = denied
    assert await worker._async_reachable()

    def queued() -> outbox.QueuedMessage:
        return worker.new_message(
            kind="text",
            target=US_NUMBER,
            body="x",
            options={},
            keep_for=timedelta(hours=1),
        )

    async def refused(message: outbox.QueuedMessage) -> None:
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="x")

    async def lost(message: outbox.QueuedMessage) -> None:
        err = HomeAssistantError("lost")
        err.__cause__ = AwsMaybeSentError("lost")
        raise err

    for send_with, reason in ((refused, "refused"), (lost, "maybe_sent")):
        worker._send = send_with
        assert await worker._async_send_one(queued()) == "dropped"
        assert dropped[-1].data["reason"] == reason
    assert worker.dropped == 2
