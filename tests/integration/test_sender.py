"""Sending against a misbehaving AWS: refusals, faults, retries, the cap.

Every fault comes from the emulator over real HTTP; the outbox shows what
AWS "sent", so each test can say exactly how many SMS went out.
"""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest.mock import patch

from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.aws_eum_x import api, sender
from custom_components.aws_eum_x.const import (
    CONF_DAILY_SEGMENT_CAP,
    CONF_MPS,
    DOMAIN,
    ISSUE_DAILY_CAP,
)
from custom_components.aws_eum_x.sender import EVENT_MESSAGE_SENT
from eum_emulator import DEMO_SECRET_ACCESS_KEY, AccessKey, AccountState, Emulator

from .conftest import (
    demo_entry,
    entry_data,
    recipient,
    send,
    set_up,
    setup_with_options,
)

US_NUMBER = "+15555550123"
OPTED_OUT = "+15555550199"
GB_NUMBER = "+447700900456"
SEGMENTS_TODAY = "sensor.aws_sms_123456789012_us_east_1_segments_sent_today"
FAILED_TODAY = "sensor.aws_sms_123456789012_us_east_1_messages_failed_today"


@pytest.fixture(autouse=True)
def fast_timings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Shorten backoff and the send read timeout so fault tests are quick."""
    monkeypatch.setattr(sender, "BACKOFF_BASE", 0.01)
    monkeypatch.setitem(api.SEND_CONFIG, "read_timeout", 1)


@pytest.fixture
def account_state() -> AccountState:
    """Serve the demo account with an opted-out number and a read-only key."""
    state = AccountState(opted_out=[OPTED_OUT])
    state.access_keys.append(
        AccessKey(
            "TESTKEYREADONLY",
            "read-only-secret",
            allowed_actions=["sms-voice:Describe*"],
        )
    )
    return state


async def _error(hass: HomeAssistant, **data: Any) -> HomeAssistantError:
    with pytest.raises(HomeAssistantError) as caught:
        await send(hass, **data)
    return caught.value


# -- AWS refusals ---------------------------------------------------------------


async def test_opted_out_destination(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """An opted-out number: translated error naming the masked number."""
    err = await _error(hass, target=OPTED_OUT, message="hi")
    assert err.translation_key == "destination_opted_out"
    assert err.translation_placeholders["target"] == "***0199"
    assert "opted out" in str(err)
    assert hass.states.get(FAILED_TODAY).state == "1"


async def test_an_error_names_the_recipient(
    hass: HomeAssistant, emulator: Emulator
) -> None:
    """A recipient's number is named as the user knows it; others stay masked."""
    await set_up(
        hass,
        demo_entry(emulator, subentries_data=[recipient(OPTED_OUT, "Grandma")]),
    )
    err = await _error(hass, target=OPTED_OUT, message="hi")
    assert err.translation_placeholders["target"] == "Grandma (***0199)"
    assert "Grandma (***0199) has opted out" in str(err)
    err = await _error(hass, target=[US_NUMBER, OPTED_OUT], message="hi")
    assert err.translation_placeholders["sent"] == "***0123"
    assert err.translation_placeholders["failed"].startswith("Grandma (***0199): ")


async def test_wrong_country_identity(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """A US toll-free number cannot text the UK: AWS says why."""
    err = await _error(
        hass, target=GB_NUMBER, message="hi", origination_identity="+18885550100"
    )
    assert err.translation_key == "identity_wrong_country"


async def test_access_denied_names_the_action(
    hass: HomeAssistant, emulator: Emulator
) -> None:
    """A key without SendTextMessage: the error names sms-voice:SendTextMessage."""
    data = entry_data(
        emulator, access_key_id="TESTKEYREADONLY", secret_access_key="read-only-secret"
    )
    # Minor version 1 (MockConfigEntry's default): setup migrates it first.
    await set_up(hass, MockConfigEntry(domain=DOMAIN, data=data))
    err = await _error(hass, target=US_NUMBER, message="hi")
    assert err.translation_key == "access_denied"
    assert err.translation_placeholders["action"] == "sms-voice:SendTextMessage"


async def test_partial_failure_names_each_target(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """One refused target does not hide the two that were sent."""
    err = await _error(
        hass, target=[US_NUMBER, OPTED_OUT, "+15555550124"], message="hi"
    )
    assert err.translation_key == "partial_failure"
    placeholders = err.translation_placeholders
    assert placeholders["sent_count"] == "2"
    assert placeholders["total"] == "3"
    assert placeholders["sent"] == "***0123, ***0124"
    assert placeholders["failed"].startswith("***0199: ConflictException")
    assert len(emulator.outbox) == 2
    assert hass.states.get(SEGMENTS_TODAY).state == "2"
    assert hass.states.get(FAILED_TODAY).state == "1"


async def test_expired_keys_start_reauth(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """Keys AWS rejects at send time: translated error and a reauth flow."""
    with emulator.lock:
        emulator.state.access_keys[0].secret_access_key = "rotated"
    err = await _error(hass, target=US_NUMBER, message="hi")
    assert err.translation_key == "invalid_auth"
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


async def test_other_validation_errors_quote_aws(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """A validation reason without its own message shows AWS's reason and text."""
    emulator.add_fault(
        "error",
        operation="SendTextMessage",
        code="ValidationException",
        message="Keyword is reserved",
        fields={"Reason": "OTHER"},
    )
    err = await _error(hass, target=US_NUMBER, message="hi")
    assert err.translation_key == "invalid_parameters"
    assert err.translation_placeholders["reason"] == "OTHER"
    assert "Keyword is reserved" in str(err)


async def test_a_bug_is_not_hidden_and_frees_the_cap(
    hass: HomeAssistant, config_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """An exception that is not an AWS answer propagates; no reservation leaks.

    The request was under way when the bug struck, so the cap counts its
    segment as maybe sent. Mocked: the emulator can only produce AWS
    answers, not a programming error.
    """
    await setup_with_options(hass, config_entry, **{CONF_DAILY_SEGMENT_CAP: 5})
    runtime = config_entry.runtime_data
    with (
        patch.object(
            runtime.client, "send_text_message", side_effect=RuntimeError("bug")
        ),
        pytest.raises(RuntimeError, match="bug"),
    ):
        await send(hass, target=US_NUMBER, message="hi")
    assert runtime.usage.headroom(5) == 4
    assert runtime.usage.reserved() == 0
    assert runtime.usage.maybe_sent == 1


# -- the fault matrix -------------------------------------------------------------


async def test_throttling_is_retried(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """ThrottlingException means not processed: retried, sent once."""
    emulator.add_fault(
        "error", operation="SendTextMessage", code="ThrottlingException", count=2
    )
    await send(hass, target=US_NUMBER, message="hi")
    assert len(emulator.outbox) == 1


async def test_throttled_after_every_retry(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """Throttled on every attempt, the outbox off: a clear error, nothing sent."""
    emulator.add_fault(
        "error", operation="SendTextMessage", code="ThrottlingException", count=4
    )
    err = await _error(hass, target=US_NUMBER, message="hi", retry_for=0)
    assert err.translation_key == "throttled"
    assert emulator.outbox == []


@pytest.mark.parametrize("status", [500, 503])
async def test_server_error_is_not_resent(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emulator, status: int
) -> None:
    """A 5xx after sending may hide a sent SMS: one attempt, 'may have been sent'."""
    emulator.add_fault("error", operation="SendTextMessage", status=status, count=5)
    err = await _error(hass, target=US_NUMBER, message="hi")
    assert err.translation_key == "message_maybe_sent"
    assert "may or may not have been sent" in str(err)
    # Only the first of five queued faults was used: there was no retry.
    assert emulator.faults.pending()[0].count == 4


async def test_latency_within_the_timeout(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """A slow answer inside the read timeout is just slow."""
    emulator.add_fault("latency", operation="SendTextMessage", delay=0.3)
    await send(hass, target=US_NUMBER, message="hi")
    assert len(emulator.outbox) == 1


async def test_accepted_then_answer_too_late_sends_exactly_once(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """The duplicate-SMS trap: AWS sent it, the answer came after the timeout.

    botocore's defaults would send this five times; the integration sends it
    once and says it may or may not have been sent.
    """
    emulator.add_fault(
        "accept_then_delay", operation="SendTextMessage", delay=2, count=5
    )
    err = await _error(hass, target=US_NUMBER, message="Leak in the basement")
    assert err.translation_key == "message_maybe_sent"
    assert [m.body for m in emulator.outbox] == ["Leak in the basement"]


async def test_accepted_then_dropped_sends_exactly_once(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """Connection dropped after AWS processed the send: not resent."""
    emulator.add_fault("accept_then_drop", operation="SendTextMessage", count=5)
    err = await _error(hass, target=US_NUMBER, message="hi")
    assert err.translation_key == "message_maybe_sent"
    assert len(emulator.outbox) == 1


async def test_dropped_before_processing_is_not_resent(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """A dropped connection cannot tell 'before' from 'after': never resend."""
    emulator.add_fault("drop", operation="SendTextMessage", count=5)
    err = await _error(hass, target=US_NUMBER, message="hi")
    assert err.translation_key == "message_maybe_sent"
    assert emulator.outbox == []


async def test_refused_connection_is_retried_then_reported(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """Connection refused: the request never left, so retrying is safe."""
    emulator.stop()
    # Let the loop see the server close the kept-alive connection, as it
    # would long before the next alert; a send racing the close is reported
    # as "may have been sent" (test_dropped_before_processing_is_not_resent).
    await asyncio.sleep(0.2)
    # The outbox off (retry_for 0): otherwise it is queued (test_outbox_worker).
    err = await _error(hass, target=US_NUMBER, message="hi", retry_for=0)
    assert err.translation_key == "cannot_connect"


# -- rate limits ------------------------------------------------------------------


async def test_fan_out_respects_the_identity_rate(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """Twelve targets from a 3 MPS toll-free number: no throttling at all."""
    targets = [f"+1555555{index:04d}" for index in range(12)]
    await send(hass, target=targets, message="hi", origination_identity="+18885550100")
    assert len(emulator.outbox) == 12
    assert emulator.service.throttled == 0


async def test_a_rate_above_awss_is_throttled_and_recovered(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    emulator: Emulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Configured faster than AWS allows: throttles happen, retries deliver all."""
    # The real backoff: retries must outlast AWS's bucket refilling, which the
    # shortened test backoff does not guarantee on a loaded machine.
    monkeypatch.setattr(sender, "BACKOFF_BASE", 0.5)
    await setup_with_options(hass, config_entry, **{CONF_MPS: {"+447700900123": 40.0}})
    targets = [f"+4477009{index:05d}" for index in range(25)]
    await send(hass, target=targets, message="hi", origination_identity="+447700900123")
    assert len(emulator.outbox) == 25
    assert emulator.service.throttled > 0


# -- the daily cap, usage and events ---------------------------------------------


async def test_daily_cap_refuses_and_raises_a_repair_issue(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    emulator: Emulator,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Over the cap: refused before AWS, with a repair issue; dry runs still go."""
    await setup_with_options(hass, config_entry, **{CONF_DAILY_SEGMENT_CAP: 3})
    await send(hass, target=[US_NUMBER, "+15555550124"], message="hi")
    with pytest.raises(ServiceValidationError) as caught:
        await send(hass, target=[US_NUMBER, "+15555550124"], message="hi")
    assert caught.value.translation_key == "daily_cap_reached"
    assert caught.value.translation_placeholders == {
        "cap": "3",
        "needed": "2",
        "left": "1",
    }
    assert issue_registry.async_get_issue(
        DOMAIN, f"{ISSUE_DAILY_CAP}_{config_entry.entry_id}"
    )
    await send(hass, target=[US_NUMBER, "+15555550124"], message="hi", dry_run=True)
    await send(hass, target=US_NUMBER, message="hi")
    # A send that fits again clears the repair issue.
    assert not issue_registry.async_get_issue(
        DOMAIN, f"{ISSUE_DAILY_CAP}_{config_entry.entry_id}"
    )
    assert [m.dry_run for m in emulator.outbox] == [False, False, True, True, False]
    assert hass.states.get(SEGMENTS_TODAY).state == "3"


async def test_usage_survives_a_restart_and_resets_at_midnight(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """Today's counts are stored, restored on reload, and zeroed at midnight."""
    await send(hass, target=US_NUMBER, message="a" * 200)
    assert hass.states.get(SEGMENTS_TODAY).state == "2"
    assert await hass.config_entries.async_reload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(SEGMENTS_TODAY).state == "2"

    tomorrow = dt_util.start_of_local_day() + timedelta(days=1)
    async_fire_time_changed(hass, tomorrow)
    await hass.async_block_till_done()
    assert hass.states.get(SEGMENTS_TODAY).state == "0"


async def test_event_per_message_with_masked_target(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    emulator: Emulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """One event per message; numbers masked in events and logs; no secrets."""
    events = async_capture_events(hass, EVENT_MESSAGE_SENT)
    await send(
        hass,
        target=[US_NUMBER, "+15555550124"],
        message="hi",
        origination_identity="+18885550100",
    )
    await hass.async_block_till_done()
    assert sorted(e.data["target"] for e in events) == ["***0123", "***0124"]
    first = events[0].data
    assert first["config_entry_id"] == loaded_entry.entry_id
    assert first["origination_identity"] == "+18885550100"
    assert (first["segments"], first["encoding"], first["dry_run"]) == (
        1,
        "GSM-7",
        False,
    )
    assert {e.data["message_id"] for e in events} == {
        m.message_id for m in emulator.outbox
    }
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("custom_")]
    assert any("***0123" in line for line in ours)
    assert not any(US_NUMBER in line for line in ours)
    # botocore's own debug log shows request bodies, but never the secret.
    assert DEMO_SECRET_ACCESS_KEY not in caplog.text


async def test_clock_skew_is_not_a_reason_to_resend(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """A refusal AWS answers (here a signature error) is never retried."""
    with emulator.lock:
        emulator.state.max_clock_skew_seconds = -1
    err = await _error(hass, target=US_NUMBER, message="hi")
    assert err.translation_key == "invalid_auth"
    assert emulator.outbox == []
    assert datetime.now(UTC)  # the emulator's clock, not ours, was moved
