"""Calls: the aws_eum_x.call action, its checks, statuses and minute cap."""

import json

import botocore.session
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.aws_eum_x.aws_session import SERVICE_NAME
from custom_components.aws_eum_x.const import (
    CONF_CALL_CRITICAL,
    CONF_CONFIGURATION_SET,
    CONF_DAILY_CALL_MINUTES_CAP,
    CONF_MAX_PRICE,
    CONF_ORIGINATION_IDENTITY,
    CONF_QUEUE_URL,
    CONF_TIME_TO_LIVE,
    DOMAIN,
)
from custom_components.aws_eum_x.receiver import EVENT_CALL_STATUS
from custom_components.aws_eum_x.voice import (
    MAX_TEXT_LENGTH,
    VOICE_IDS,
    estimate_call_minutes,
    spoken_seconds,
)
from eum_emulator import AccountState, Emulator

from .conftest import (
    ALICE,
    TITLE,
    TOLL_FREE,
    UNIQUE_ID,
    demo_entry,
    recipient,
    set_up,
    setup_with_options,
    until,
)

UK_LONG_CODE = "+447700900123"  # the demo's SMS-only number
NO_ANSWER = "+15555550301"
BUSY = "+15555550302"
FAILED = "+15555550303"
LEAK = "Water leak in the basement."


@pytest.fixture
def account_state() -> AccountState:
    """Outcomes per number; events come quickly."""
    state = AccountState(
        call_outcomes={NO_ANSWER: "no_answer", BUSY: "busy", FAILED: "failed"}
    )
    state.delivery_delay_seconds = 0.1
    return state


async def call(hass: HomeAssistant, **data: object) -> dict:
    """Call the action; return its response."""
    response = await hass.services.async_call(
        DOMAIN, "call", data, blocking=True, return_response=True
    )
    assert isinstance(response, dict)
    return response


def calls(emulator: Emulator) -> list:
    """Return the calls the emulator placed."""
    return [m for m in emulator.outbox if m.kind == "voice" and not m.dry_run]


def test_the_voices_are_the_models() -> None:
    """The selector offers exactly the VoiceId values of the installed model."""
    model = botocore.session.get_session().get_service_model(SERVICE_NAME)
    enum = model.shape_for("VoiceId").enum
    assert list(VOICE_IDS) == [v.lower() for v in enum]


@pytest.mark.parametrize(
    ("message", "ssml", "seconds"),
    [
        ("a" * 600, False, 60.0),
        ('<speak>Hi<break time="5s"/>there</speak>', True, 5.8),
        ('<speak>A<break time="500ms"/><break/>B &amp; C</speak>', True, 2.7),
        ('<speak><break time="60s"/></speak>', True, 10.0),
    ],
)
def test_spoken_seconds_bound_the_call(
    message: str, ssml: bool, seconds: float
) -> None:
    """Text at 10 characters a second, SSML breaks added (capped as Polly does)."""
    assert spoken_seconds(message, ssml=ssml) == pytest.approx(seconds)


def test_minutes_are_whole_and_include_the_ringing() -> None:
    """A short call counts one minute; 600 characters and ringing count two."""
    assert estimate_call_minutes("Leak", ssml=False) == 1
    assert estimate_call_minutes("a" * 600, ssml=False) == 2


async def test_a_call_is_placed_and_answered(
    hass: HomeAssistant, receiving_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """From the voice-capable number, with the default voice and a short TTL."""
    events = async_capture_events(hass, EVENT_CALL_STATUS)
    response = await call(hass, target=ALICE, message=LEAK, wait_for_answer=10)
    [item] = response["calls"]
    assert item["status"] in {"answered", "completed"}
    assert item["minutes"] == 1
    [placed] = calls(emulator)
    assert placed.destination == ALICE
    assert placed.parameters["OriginationIdentity"] == TOLL_FREE
    assert placed.parameters["VoiceId"] == "JOANNA"
    assert placed.parameters["TimeToLive"] == 300
    assert placed.parameters["MessageBodyTextType"] == "TEXT"
    assert placed.message_id == item["message_id"]
    assert {e.data["status"] for e in events} >= {"initiated", "ringing"}
    assert events[-1].data["final"] is True
    assert events[-1].data["target"] == "***0123"
    state = hass.states.get("sensor.aws_sms_123456789012_us_east_1_call_minutes_today")
    assert state.state == "1"


@pytest.mark.parametrize(
    ("target", "status"),
    [(NO_ANSWER, "no_answer"), (BUSY, "busy"), (FAILED, "failed")],
)
async def test_wait_for_answer_returns_each_outcome(
    hass: HomeAssistant, receiving_entry: MockConfigEntry, target: str, status: str
) -> None:
    """An escalation learns the call was not answered."""
    response = await call(hass, target=target, message=LEAK, wait_for_answer=10)
    assert response["calls"][0]["status"] == status


async def test_ssml_and_a_voice(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """SSML is marked as such; the voice is AWS's upper-case VoiceId."""
    await call(
        hass,
        target=ALICE,
        message="<speak>Leak! <break time='1s'/> Basement.</speak>",
        ssml=True,
        voice="Brian",
    )
    [placed] = calls(emulator)
    assert placed.parameters["MessageBodyTextType"] == "SSML"
    assert placed.parameters["VoiceId"] == "BRIAN"


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"message": "x" * (MAX_TEXT_LENGTH + 1)}, "voice_message_too_long"),
        ({"message": "<p>hi</p>", "ssml": True}, "ssml_needs_speak"),
        ({"message": "  "}, "message_empty"),
        (
            {"message": LEAK, "origination_identity": UK_LONG_CODE},
            "identity_not_capable",
        ),
        (
            {"message": LEAK, "origination_identity": "HOMEALERT"},
            "identity_not_capable",
        ),
        ({"message": LEAK, "target": "not a number"}, "invalid_phone_number"),
        ({"message": LEAK, "max_price_per_minute": "1,5"}, "invalid_max_price"),
        ({"message": LEAK, "wait_for_answer": 30}, "wait_needs_queue"),
    ],
)
async def test_refusals_before_any_call(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    emulator: Emulator,
    data: dict,
    key: str,
) -> None:
    """Every problem of the input is named; AWS is never asked.

    A fault armed for SendVoiceMessage is the tripwire: any request would
    have used it up.
    """
    tripwire = emulator.add_fault("drop", operation="SendVoiceMessage", count=1)
    with pytest.raises(ServiceValidationError) as caught:
        await call(hass, **{"target": ALICE, **data})
    assert caught.value.translation_key == key
    assert emulator.faults.pending() == [tripwire]
    assert calls(emulator) == []


async def test_an_unknown_voice_is_refused(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """The schema knows AWS's voices."""
    with pytest.raises(Exception, match="voice"):
        await call(hass, target=ALICE, message=LEAK, voice="HAL")


async def test_the_daily_minute_cap_refuses_calls_that_may_not_fit(
    hass: HomeAssistant, config_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """Cap 2: a two-minute call fits, the next one does not."""
    await setup_with_options(hass, config_entry, **{CONF_DAILY_CALL_MINUTES_CAP: 2})
    long_message = "a" * 600  # two minutes with the ringing
    await call(hass, target=ALICE, message=long_message)
    with pytest.raises(ServiceValidationError) as caught:
        await call(hass, target=ALICE, message=LEAK)
    assert caught.value.translation_key == "daily_call_cap_reached"
    assert len(calls(emulator)) == 1


async def test_the_entrys_text_defaults_do_not_apply_to_calls(
    hass: HomeAssistant, config_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """An SMS-only default identity, a price per SMS part, a text's lifetime.

    None of them stops or shapes a call: it leaves from a number that can
    call, with no price limit per minute, and lives 300 s.
    """
    await setup_with_options(
        hass,
        config_entry,
        **{
            CONF_ORIGINATION_IDENTITY: UK_LONG_CODE,
            CONF_MAX_PRICE: "0.00001",
            CONF_TIME_TO_LIVE: 3600,
        },
    )
    await call(hass, target=ALICE, message=LEAK)
    [placed] = calls(emulator)
    assert placed.origination_identity == TOLL_FREE
    assert "MaxPricePerMinute" not in placed.parameters
    assert placed.parameters["TimeToLive"] == 300


async def test_a_critical_alert_keeps_the_texts_options_to_the_text(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """``data`` of a critical alert: its context goes with the call too."""
    await hass.services.async_call(
        "notify",
        "aws_sms_123456789012_us_east_1",
        {
            "message": LEAK,
            "target": [ALICE],
            "data": {
                "call": True,
                "max_price": "0.50",
                "time_to_live": 3600,
                "context": {"alarm": "leak"},
            },
        },
        blocking=True,
    )
    [text] = [m for m in emulator.outbox if m.kind == "text"]
    assert text.parameters["MaxPrice"] == "0.50"
    assert text.parameters["TimeToLive"] == 3600
    [placed] = calls(emulator)
    assert "MaxPricePerMinute" not in placed.parameters
    assert placed.parameters["TimeToLive"] == 300
    assert placed.parameters["Context"] == {"alarm": "leak"}


async def test_a_lost_answer_is_never_called_again(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    emulator: Emulator,
) -> None:
    """AWS placed the call but the answer was lost: one call, counted."""
    emulator.add_fault("accept_then_drop", operation="SendVoiceMessage")
    with pytest.raises(HomeAssistantError) as caught:
        await call(hass, target=ALICE, message=LEAK)
    assert caught.value.translation_key == "message_maybe_sent"
    assert len(calls(emulator)) == 1
    usage = loaded_entry.runtime_data.usage
    assert usage.call_minutes == 1


async def test_a_throttled_call_is_retried(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """AWS did not place a throttled call: trying again cannot duplicate it."""
    emulator.add_fault(
        "error", operation="SendVoiceMessage", code="ThrottlingException", count=1
    )
    await call(hass, target=ALICE, message=LEAK)
    assert len(calls(emulator)) == 1


async def test_a_sandbox_destination_must_be_verified(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """AWS's refusal becomes the translated, actionable error."""
    emulator.state.tier = "SANDBOX"
    with pytest.raises(HomeAssistantError) as caught:
        await call(hass, target=ALICE, message=LEAK)
    assert caught.value.translation_key == "destination_not_verified"
    assert calls(emulator) == []


async def test_a_critical_notification_calls_who_wants_calls(
    hass: HomeAssistant, emulator: Emulator
) -> None:
    """data: call: true texts every target and calls those who want calls."""
    bob = "+15555550124"
    entry = demo_entry(
        emulator,
        title=TITLE,
        unique_id=UNIQUE_ID,
        subentries_data=[
            recipient(ALICE, "Alice", **{CONF_CALL_CRITICAL: True}),
            recipient(bob, "Bob", **{CONF_CALL_CRITICAL: False}),
        ],
    )
    await set_up(hass, entry)
    await hass.services.async_call(
        "notify",
        "aws_sms_123456789012_us_east_1",
        {
            "message": LEAK,
            "title": "Alarm",
            "target": [ALICE, bob],
            "data": {"call": True},
        },
        blocking=True,
    )
    texts = sorted(m.destination for m in emulator.outbox if m.kind == "text")
    assert texts == [ALICE, bob]
    [placed] = calls(emulator)
    assert placed.destination == ALICE
    assert placed.body == f"Alarm. {LEAK}"


async def test_call_status_events_carry_the_call(
    hass: HomeAssistant, emulator: Emulator, queue_url: str
) -> None:
    """Events of calls are aws_eum_x_call_status, never delivery status."""
    options = {CONF_QUEUE_URL: queue_url, CONF_CONFIGURATION_SET: "home-alerts"}
    await set_up(hass, demo_entry(emulator, options=options))
    events = async_capture_events(hass, EVENT_CALL_STATUS)
    response = await call(hass, target=NO_ANSWER, message=LEAK, context={"a": "b"})
    await until(lambda: any(e.data["final"] for e in events))
    final = next(e.data for e in events if e.data["final"])
    assert final["message_id"] == response["calls"][0]["message_id"]
    assert final["status"] == "no_answer"
    assert final["context"] == {"a": "b"}
    assert json.dumps(final)  # plain data, as automations get it


async def test_a_critical_alert_calls_even_when_its_text_failed(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """The text is refused; the call still goes out, then the error is raised."""
    emulator.add_fault(
        "error",
        operation="SendTextMessage",
        code="ValidationException",
        message="Refused",
        fields={"Reason": "OTHER"},
    )
    with pytest.raises(HomeAssistantError):
        await hass.services.async_call(
            "notify",
            "aws_sms_123456789012_us_east_1",
            {"message": LEAK, "target": [ALICE], "data": {"call": True}},
            blocking=True,
        )
    [placed] = calls(emulator)
    assert placed.destination == ALICE
    assert [m for m in emulator.outbox if m.kind == "text"] == []


async def test_a_critical_alert_without_anyone_to_call_only_texts(
    hass: HomeAssistant, emulator: Emulator
) -> None:
    """A recipient who does not want calls is texted, not called."""
    entry = demo_entry(
        emulator,
        title=TITLE,
        unique_id=UNIQUE_ID,
        subentries_data=[recipient(ALICE, "Alice", **{CONF_CALL_CRITICAL: False})],
    )
    await set_up(hass, entry)
    await hass.services.async_call(
        "notify",
        "aws_sms_123456789012_us_east_1",
        {"message": LEAK, "target": [ALICE], "data": {"call": True}},
        blocking=True,
    )
    assert [m.destination for m in emulator.outbox if m.kind == "text"] == [ALICE]
    assert calls(emulator) == []
