"""Acknowledgement and questions by reply, end to end through the emulator.

Alerts are texted through real aiobotocore to the emulator; replies come
back as AWS's two-way payload through the emulator's SNS topic and SQS
queue, which the entry's listener reads, as in production.
"""

import asyncio
from dataclasses import replace
import logging
import re
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.aws_eum_x.alerts import EVENT_ACKNOWLEDGED, EVENT_ANSWERED
from custom_components.aws_eum_x.const import DOMAIN
from custom_components.aws_eum_x.receiver import EVENT_MESSAGE_RECEIVED
from eum_emulator import AccountState, Emulator

from .conftest import ALICE, TOLL_FREE, demo_entry, send, set_up, until

BOB = "+15555550124"
STRANGER = "+15555550999"
OPTED_OUT = "+15555550199"
UNACKNOWLEDGED = "sensor.aws_sms_123456789012_us_east_1_unacknowledged_alerts"
CODE = re.compile(r"\b(\d{4})\b")
QUESTION = [
    {"id": "disarm", "sentences": ["Disarm", "Turn it off"]},
    {"id": "police", "sentences": ["Call police"]},
]


@pytest.fixture
def account_state() -> AccountState:
    """The demo account; one number on its opt-out list (texts are refused)."""
    return AccountState(opted_out=[OPTED_OUT])


def _texts_to(emulator: Emulator, number: str) -> list[str]:
    return [
        m.body
        for m in emulator.outbox
        if m.destination == number and m.kind == "text" and not m.dry_run
    ]


def _code(body: str) -> str | None:
    """The code the alert's last line asks for (a question may have none)."""
    return next(iter(CODE.findall(body.splitlines()[-1])), None)


async def _reply(
    hass: HomeAssistant, emulator: Emulator, sender: str, body: str
) -> None:
    await hass.async_add_executor_job(emulator.receive_sms, sender, TOLL_FREE, body)


async def _confirmed(hass: HomeAssistant, emulator: Emulator, *, texts: int) -> None:
    """Wait for the confirmation texts to be sent and counted."""
    await until(lambda: len(_texts_to(emulator, ALICE)) == texts)
    await hass.async_block_till_done()


async def _started(
    hass: HomeAssistant, emulator: Emulator, service: str, **data: Any
) -> tuple[asyncio.Task[Any], str | None]:
    """Start an action that waits; return it and the code it texted.

    Returns once every target's message ID is known (AWS answered them
    all), as it is long before a person could reply.
    """
    task = hass.async_create_task(
        hass.services.async_call(
            DOMAIN, service, data, blocking=True, return_response=True
        )
    )
    entry = hass.config_entries.async_entries(DOMAIN)[0]

    def sent() -> bool:
        alerts = entry.runtime_data.alerts._alerts.values()
        return task.done() or any(all(a.targets.values()) for a in alerts)

    await until(sent)
    if task.done():
        task.result()
    return task, _code(emulator.outbox[-1].body)


@pytest.mark.parametrize("reply", ["OK {code}", "ok{code}", "{code}", " Ok, {code}. "])
async def test_acknowledged_by_a_reply_with_the_code(
    hass: HomeAssistant,
    receiving_entry: MockConfigEntry,
    emulator: Emulator,
    reply: str,
) -> None:
    """The action returns as soon as Alice replies; she gets a confirmation."""
    events = async_capture_events(hass, EVENT_ACKNOWLEDGED)
    task, code = await _started(
        hass,
        emulator,
        "send_message",
        target=[ALICE, BOB],
        message="Water leak in the basement!",
        tag="leak",
        wait_for_acknowledgement=60,
    )
    alert_text = _texts_to(emulator, ALICE)[-1]
    assert alert_text == (
        f"Water leak in the basement!\nReply OK {code} to acknowledge."
    )
    await _reply(hass, emulator, ALICE, reply.format(code=code))
    response = await task
    items = {item["target"]: item for item in response["messages"]}
    assert items[ALICE]["acknowledged"] is True
    assert items[BOB]["acknowledged"] is True
    by = items[ALICE]["acknowledged_by"]
    assert (by["by"], by["target"], by["recipient"]) == ("reply", ALICE, "Alice")
    assert response["acknowledgement"]["tag"] == "leak"
    assert response["acknowledgement"]["code"] == code
    await until(lambda: len(events) == 1)
    data = events[0].data
    assert data["config_entry_id"] == receiving_entry.entry_id
    assert data["tag"] == "leak"
    assert data["message_id"] == items[ALICE]["message_id"]
    assert data["target"] == "***0123"
    assert data["recipient"] == "Alice"
    assert data["reply"] == reply.format(code=code)
    assert data["by"] == "reply"
    assert dt_util.parse_datetime(data["acknowledged_at"]) is not None
    await until(lambda: len(_texts_to(emulator, ALICE)) == 2)
    assert f"OK {code} received" in _texts_to(emulator, ALICE)[-1]
    await hass.async_block_till_done()


async def test_wrong_code_stranger_and_expired_acknowledge_nothing(
    hass: HomeAssistant, receiving_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """Each still fires message_received; none acknowledges."""
    acknowledged = async_capture_events(hass, EVENT_ACKNOWLEDGED)
    received = async_capture_events(hass, EVENT_MESSAGE_RECEIVED)
    response = await send(
        hass, target=ALICE, message="Freezer warm", acknowledge=True, tag="freezer"
    )
    code = response["acknowledgement"]["code"]
    wrong = f"{(int(code) + 1) % 10000:04d}"
    await _reply(hass, emulator, ALICE, f"OK {wrong}")
    await _reply(hass, emulator, STRANGER, f"OK {code}")
    await until(lambda: len(received) == 2)
    tracker = receiving_entry.runtime_data.alerts
    (alert,) = tracker.open_alerts
    # Expired: the alert's hour is over (moved back rather than waited for).
    tracker._alerts[alert.alert_id] = replace(alert, expires=dt_util.utcnow())
    await _reply(hass, emulator, ALICE, f"OK {code}")
    await until(lambda: len(received) == 3)
    await hass.async_block_till_done()
    assert acknowledged == []
    assert len(_texts_to(emulator, ALICE)) == 1  # no confirmation either


async def test_acknowledge_and_cancel_from_home_assistant(
    hass: HomeAssistant, receiving_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """Both end the wait; both are in the event, by Home Assistant."""
    events = async_capture_events(hass, EVENT_ACKNOWLEDGED)
    task, _ = await _started(
        hass,
        emulator,
        "send_message",
        target=ALICE,
        message="Alarm",
        tag="alarm",
        wait_for_acknowledgement=60,
    )
    await hass.services.async_call(
        DOMAIN, "acknowledge", {"tag": "alarm"}, blocking=True
    )
    response = await task
    assert response["messages"][0]["acknowledged"] is True
    assert response["messages"][0]["acknowledged_by"]["by"] == "home_assistant"
    assert events[-1].data["by"] == "home_assistant"
    assert events[-1].data["status"] == "acknowledged"

    task, code = await _started(
        hass,
        emulator,
        "send_message",
        target=ALICE,
        message="Smoke",
        tag="smoke",
        wait_for_acknowledgement=60,
    )
    await hass.services.async_call(DOMAIN, "cancel", {"tag": "smoke"}, blocking=True)
    response = await task
    assert response["messages"][0]["acknowledged"] is False
    assert response["acknowledgement"]["acknowledged_by"]["cancelled"] is True
    assert events[-1].data["status"] == "cancelled"
    # A withdrawn alert takes no reply; nothing open is left to cancel.
    await _reply(hass, emulator, ALICE, f"OK {code}")
    await hass.async_block_till_done()
    assert len(events) == 2
    with pytest.raises(ServiceValidationError) as caught:
        await hass.services.async_call(
            DOMAIN, "cancel", {"tag": "smoke"}, blocking=True
        )
    assert caught.value.translation_key == "no_open_alert"


async def test_an_alert_sent_before_a_restart_is_acknowledged_after_it(
    hass: HomeAssistant, receiving_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """Open alerts are stored before the action returns."""
    events = async_capture_events(hass, EVENT_ACKNOWLEDGED)
    response = await send(
        hass, target=ALICE, message="Leak", acknowledge=True, tag="leak"
    )
    code = response["acknowledgement"]["code"]
    assert hass.states.get(UNACKNOWLEDGED).state == "1"
    assert hass.states.get(UNACKNOWLEDGED).attributes["tags"] == ["leak"]
    assert await hass.config_entries.async_reload(receiving_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(UNACKNOWLEDGED).state == "1"
    await _reply(hass, emulator, ALICE, code)
    await until(lambda: len(events) == 1)
    assert events[0].data["message_id"] == response["messages"][0]["message_id"]
    await until(lambda: hass.states.get(UNACKNOWLEDGED).state == "0")
    await _confirmed(hass, emulator, texts=2)


async def test_two_open_alerts_to_one_person_each_by_its_code(
    hass: HomeAssistant, receiving_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """An older alert's code acknowledges the older alert only."""
    events = async_capture_events(hass, EVENT_ACKNOWLEDGED)
    first = await send(hass, target=ALICE, message="A", acknowledge=True, tag="a")
    second = await send(hass, target=ALICE, message="B", acknowledge=True, tag="b")
    codes = [r["acknowledgement"]["code"] for r in (first, second)]
    assert codes[0] != codes[1]
    await _reply(hass, emulator, ALICE, f"ok {codes[0]}")
    await until(lambda: len(events) == 1)
    assert events[0].data["tag"] == "a"
    # Twice the same code: one acknowledgement.
    await _reply(hass, emulator, ALICE, f"ok {codes[1]}")
    await _reply(hass, emulator, ALICE, f"ok {codes[1]}")
    await until(lambda: len(events) == 2)
    await _confirmed(hass, emulator, texts=4)
    assert [e.data["tag"] for e in events] == ["a", "b"]


async def test_without_a_queue_nothing_is_sent(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """No replies can come: refused before AWS, like wait_for_delivery."""
    for data in (
        {"acknowledge": True},
        {"wait_for_acknowledgement": 30},
    ):
        with pytest.raises(ServiceValidationError) as caught:
            await send(hass, target=ALICE, message="hi", **data)
        assert caught.value.translation_key == "wait_needs_queue"
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(
            DOMAIN,
            "ask",
            {"target": ALICE, "message": "?", "answers": QUESTION},
            blocking=True,
            return_response=True,
        )
    assert emulator.outbox == []


async def test_the_added_line_is_counted_and_said(
    hass: HomeAssistant, receiving_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """A 150-character alert becomes two segments: the response says so."""
    response = await send(
        hass, target=ALICE, message="x" * 150, acknowledge={"word": "ACK"}
    )
    item = response["messages"][0]
    assert item["segments"] == 2
    assert response["acknowledgement"]["added_segments"] == 1
    assert _texts_to(emulator, ALICE)[-1].endswith(" to acknowledge.")
    assert "Reply ACK " in _texts_to(emulator, ALICE)[-1]
    segments = "sensor.aws_sms_123456789012_us_east_1_segments_sent_today"
    assert hass.states.get(segments).state == "2"


async def test_a_dry_run_asks_nothing_of_anyone(
    hass: HomeAssistant, receiving_entry: MockConfigEntry
) -> None:
    """Validated only: no alert is left open."""
    response = await send(
        hass, target=ALICE, message="test", acknowledge=True, dry_run=True
    )
    assert response["acknowledgement"]["expires_at"] is None
    assert receiving_entry.runtime_data.alerts.open_alerts == []


async def test_a_call_is_followed_by_a_text_asking_for_the_code(
    hass: HomeAssistant, receiving_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """A call cannot hear key presses: its text carries the code."""
    events = async_capture_events(hass, EVENT_ACKNOWLEDGED)
    response = await hass.services.async_call(
        DOMAIN,
        "call",
        {
            "target": ALICE,
            "message": "<speak>Leak <break time='1s'/> in the basement</speak>",
            "ssml": True,
            "acknowledge": True,
            "tag": "leak",
        },
        blocking=True,
        return_response=True,
    )
    kinds = [m.kind for m in emulator.outbox if m.destination == ALICE]
    assert kinds == ["voice", "text"]
    text = _texts_to(emulator, ALICE)[-1]
    assert text.startswith("Leak in the basement\nReply OK ")
    code = response["acknowledgement"]["code"]
    assert response["acknowledgement"]["messages"][0]["target"] == ALICE
    await _reply(hass, emulator, ALICE, f"OK {code}")
    await until(lambda: len(events) == 1)
    await _confirmed(hass, emulator, texts=2)


async def test_the_notify_service_asks_for_acknowledgement(
    hass: HomeAssistant, receiving_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """data: acknowledge and tag, as on the actions."""
    await hass.services.async_call(
        "notify",
        "aws_sms_123456789012_us_east_1",
        {
            "title": "Alarm",
            "message": "triggered",
            "target": [ALICE],
            "data": {"acknowledge": True, "tag": "alarm"},
        },
        blocking=True,
    )
    text = _texts_to(emulator, ALICE)[-1]
    assert text.startswith("Alarm\ntriggered\nReply OK ")
    (alert,) = receiving_entry.runtime_data.alerts.open_alerts
    assert alert.tag == "alarm"


async def _ask(hass: HomeAssistant, emulator: Emulator, **data: Any):
    return await _started(
        hass,
        emulator,
        "ask",
        target=[ALICE, BOB],
        message="Alarm triggered.",
        answers=QUESTION,
        tag="alarm",
        **data,
    )


@pytest.mark.parametrize(
    ("reply", "answer", "sentence"),
    [
        ("1 {code}", "disarm", "Disarm"),
        ("turn it off {code}", "disarm", "Turn it off"),
        ("{code} 2", "police", "Call police"),
    ],
)
async def test_a_question_answered(  # noqa: PLR0917 - fixtures and parameters
    hass: HomeAssistant,
    receiving_entry: MockConfigEntry,
    emulator: Emulator,
    reply: str,
    answer: str,
    sentence: str,
) -> None:
    """By number or sentence, with the code: the first answer is returned."""
    events = async_capture_events(hass, EVENT_ANSWERED)
    task, code = await _ask(hass, emulator, timeout=60)
    assert _texts_to(emulator, ALICE)[-1] == (
        f"Alarm triggered.\nReply 1 {code} for Disarm, 2 {code} for Call police."
    )
    # Without the code, and from a stranger: no answer.
    await _reply(hass, emulator, ALICE, "1")
    await _reply(hass, emulator, STRANGER, reply.format(code=code))
    await _reply(hass, emulator, BOB, reply.format(code=code))
    response = await task
    assert response["answer"] == {"id": answer, "sentence": sentence}
    assert response["target"] == BOB
    assert response["recipient"] is None
    await until(lambda: len(events) == 1)
    assert events[0].data["answer"] == {"id": answer, "sentence": sentence}
    assert events[0].data["tag"] == "alarm"
    assert events[0].data["first"] is True
    # A second answer is reported, and changes nothing.
    await _reply(hass, emulator, ALICE, f"2 {code}")
    await until(lambda: len(events) == 2)
    assert events[1].data["first"] is False
    assert events[1].data["recipient"] == "Alice"


async def test_a_question_without_the_code_and_its_timeout(
    hass: HomeAssistant, receiving_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """require_code false takes a bare answer; no answer in time is null."""
    task, _ = await _ask(hass, emulator, timeout=60, require_code=False)
    assert _texts_to(emulator, ALICE)[-1].endswith(
        "Reply 1 for Disarm, 2 for Call police."
    )
    await _reply(hass, emulator, ALICE, "call police")
    response = await task
    assert response["answer"] == {"id": "police", "sentence": "Call police"}
    assert response["recipient"] == "Alice"

    response = await hass.services.async_call(
        DOMAIN,
        "ask",
        {"target": ALICE, "message": "Still there?", "answers": QUESTION, "timeout": 1},
        blocking=True,
        return_response=True,
    )
    assert response["answer"] is None


async def test_nothing_secret_is_logged(
    hass: HomeAssistant,
    receiving_entry: MockConfigEntry,
    emulator: Emulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """No full number, no reply's text, no code in the log."""
    caplog.set_level(logging.DEBUG, logger="custom_components.aws_eum_x")
    events = async_capture_events(hass, EVENT_ACKNOWLEDGED)
    response = await send(
        hass, target=ALICE, message="Leak", acknowledge=True, tag="leak"
    )
    code = response["acknowledgement"]["code"]
    await _reply(hass, emulator, ALICE, f"Got it OK {code}"[7:])
    await until(lambda: len(events) == 1)
    await _confirmed(hass, emulator, texts=2)
    ours = "\n".join(
        r.getMessage()
        for r in caplog.records
        if r.name.startswith("custom_components.aws_eum_x")
    )
    assert "Alert acknowledged by Alice" in ours
    assert ALICE not in ours
    assert ALICE.removeprefix("+") not in ours
    assert code not in ours
    assert "Leak" not in ours


async def test_one_refused_target_does_not_end_the_question(
    hass: HomeAssistant, receiving_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """Whoever got the question may answer; the response says who did not."""
    task, code = await _started(
        hass,
        emulator,
        "ask",
        target=[ALICE, OPTED_OUT],
        message="Alarm",
        answers=QUESTION,
        timeout=60,
    )
    await _reply(hass, emulator, ALICE, f"1 {code}")
    response = await task
    assert response["answer"]["id"] == "disarm"
    (failed,) = response["failed"]
    assert failed["target"] == OPTED_OUT
    assert "ConflictException" in failed["error"]


async def test_unloading_ends_a_wait_without_failing_it(
    hass: HomeAssistant, receiving_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """An automation waiting for an acknowledgement gets the alert as it is."""
    task, _ = await _started(
        hass,
        emulator,
        "send_message",
        target=ALICE,
        message="Leak",
        wait_for_acknowledgement=600,
    )
    assert await hass.config_entries.async_unload(receiving_entry.entry_id)
    response = await task
    assert response["messages"][0]["acknowledged"] is False


async def test_expired_alerts_leave_the_sensor(
    hass: HomeAssistant, receiving_entry: MockConfigEntry
) -> None:
    """The minute's pruning drops an alert whose hour is over."""
    await send(hass, target=ALICE, message="Leak", acknowledge=True, tag="leak")
    tracker = receiving_entry.runtime_data.alerts
    await tracker._async_prune()
    assert hass.states.get(UNACKNOWLEDGED).state == "1"
    (alert,) = tracker.open_alerts
    tracker._alerts[alert.alert_id] = replace(alert, expires=dt_util.utcnow())
    await tracker._async_prune()
    await hass.async_block_till_done()
    assert tracker._alerts == {}
    assert hass.states.get(UNACKNOWLEDGED).state == "0"
    # An alert forgotten meanwhile is not brought back by its send's answer.
    assert await tracker.async_sent(alert, []) is None


async def test_a_refused_confirmation_still_acknowledges(
    hass: HomeAssistant,
    emulator: Emulator,
    queue_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The daily cap refuses the courtesy text; the alert is acknowledged."""
    entry = demo_entry(
        emulator,
        options={
            "queue_url": queue_url,
            "configuration_set": "home-alerts",
            "daily_segment_cap": 1,
        },
    )
    await set_up(hass, entry)
    events = async_capture_events(hass, EVENT_ACKNOWLEDGED)
    response = await send(hass, target=ALICE, message="Leak", acknowledge=True)
    await _reply(hass, emulator, ALICE, response["acknowledgement"]["code"])
    await until(lambda: len(events) == 1)
    await until(lambda: "confirmation" in caplog.text)
    await hass.async_block_till_done()
    assert "was not sent" in caplog.text
    assert len(_texts_to(emulator, ALICE)) == 1
