"""The daily cap when sends fail oddly: maybe-sent, cancelled, across midnight.

The cap protects money: whatever AWS may have billed counts, and no
reservation outlives its send or its day.
"""

import asyncio
from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.aws_eum_x import api
from custom_components.aws_eum_x.const import (
    CONF_DAILY_SEGMENT_CAP,
    CONF_MPS,
    DOMAIN,
    ISSUE_DAILY_CAP,
)
from eum_emulator import Emulator

from .conftest import send, setup_with_options

US_NUMBER = "+15555550123"
TOLL_FREE = "+18885550100"
SEGMENTS_TODAY = "sensor.aws_sms_123456789012_us_east_1_segments_sent_today"


@pytest.fixture(autouse=True)
def short_read_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """A lost answer is noticed after a second, not twenty."""
    monkeypatch.setitem(api.SEND_CONFIG, "read_timeout", 1)


async def _reach_a_cap_of_one(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Cap 1: one message goes, the next is refused."""
    await setup_with_options(hass, entry, **{CONF_DAILY_SEGMENT_CAP: 1})
    await send(hass, target=US_NUMBER, message="one")
    with pytest.raises(ServiceValidationError):
        await send(hass, target=US_NUMBER, message="two")


def _cap_issue(issue_registry: ir.IssueRegistry, entry: MockConfigEntry) -> Any:
    return issue_registry.async_get_issue(DOMAIN, f"{ISSUE_DAILY_CAP}_{entry.entry_id}")


async def test_maybe_sent_counts_toward_the_cap(
    hass: HomeAssistant, config_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """Cap 1: a message whose answer was lost uses the segment; AWS bills 1."""
    await setup_with_options(hass, config_entry, **{CONF_DAILY_SEGMENT_CAP: 1})
    emulator.add_fault("accept_then_delay", operation="SendTextMessage", delay=2)
    with pytest.raises(HomeAssistantError) as caught:
        await send(hass, target=US_NUMBER, message="first")
    assert caught.value.translation_key == "message_maybe_sent"
    with pytest.raises(ServiceValidationError) as caught:
        await send(hass, target=US_NUMBER, message="second")
    assert caught.value.translation_key == "daily_cap_reached"
    assert [m.body for m in emulator.outbox] == ["first"]
    state = hass.states.get(SEGMENTS_TODAY)
    assert state.state == "1"
    assert state.attributes["maybe_sent"] == 1


async def test_a_cancelled_send_frees_what_never_left(
    hass: HomeAssistant, config_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """Cancelled mid fan-out: the sent one counts, the queued ones are freed.

    At 1 message per second the second and third wait for their turn when the
    automation is stopped; they never reach AWS.
    """
    await setup_with_options(
        hass,
        config_entry,
        **{CONF_DAILY_SEGMENT_CAP: 10, CONF_MPS: {TOLL_FREE: 1.0}},
    )
    task = hass.async_create_task(
        send(
            hass,
            target=[US_NUMBER, "+15555550124", "+15555550125"],
            message="hi",
            origination_identity=TOLL_FREE,
        )
    )
    async with asyncio.timeout(5):
        while not emulator.outbox:  # noqa: ASYNC110 - the emulator is another thread
            await asyncio.sleep(0.02)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    usage = config_entry.runtime_data.usage
    assert usage.reserved() == 0
    assert usage.segments == 1
    assert usage.headroom(10) == 9
    assert len(emulator.outbox) == 1


async def test_a_send_cancelled_in_flight_counts_as_maybe_sent(
    hass: HomeAssistant, config_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """Cancelled while AWS had the request: it may have been sent, so it counts."""
    await setup_with_options(hass, config_entry, **{CONF_DAILY_SEGMENT_CAP: 5})
    emulator.add_fault("latency", operation="SendTextMessage", delay=0.5)
    task = hass.async_create_task(send(hass, target=US_NUMBER, message="hi"))
    await asyncio.sleep(0.2)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    usage = config_entry.runtime_data.usage
    assert usage.reserved() == 0
    assert usage.maybe_sent == 1
    assert usage.headroom(5) == 4


async def test_the_cap_and_its_issue_follow_the_day(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    emulator: Emulator,
    issue_registry: ir.IssueRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A dry run leaves the issue; midnight clears it and every reservation."""
    await _reach_a_cap_of_one(hass, config_entry)
    assert _cap_issue(issue_registry, config_entry)
    # A dry run bills nothing and fits even at zero headroom: it says nothing
    # about the cap, so the issue stays.
    await send(hass, target=US_NUMBER, message="check", dry_run=True)
    assert _cap_issue(issue_registry, config_entry)

    usage = config_entry.runtime_data.usage
    in_flight = usage.reserve(0)  # a dry run still under way at midnight
    held = usage.reserve(0)
    tomorrow = dt_util.start_of_local_day() + timedelta(days=1)
    freezer.move_to(tomorrow)
    async_fire_time_changed(hass, tomorrow)
    await hass.async_block_till_done()
    assert not _cap_issue(issue_registry, config_entry)
    assert usage.headroom(1) == 1
    usage.settle(in_flight, sent=0, maybe_sent=0, failed=0)
    usage.settle(held, sent=0, maybe_sent=0, failed=0)
    assert usage.reserved() == 0
    await hass.async_block_till_done()
    assert hass.states.get(SEGMENTS_TODAY).state == "0"


async def test_a_reservation_from_yesterday_does_not_eat_today(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A send that reserved before midnight settles without touching today's."""
    await setup_with_options(hass, config_entry, **{CONF_DAILY_SEGMENT_CAP: 5})
    usage = config_entry.runtime_data.usage
    yesterdays = usage.reserve(3)
    assert usage.headroom(5) == 2
    tomorrow = dt_util.start_of_local_day() + timedelta(days=1)
    freezer.move_to(tomorrow)
    async_fire_time_changed(hass, tomorrow)
    await hass.async_block_till_done()
    assert usage.headroom(5) == 5
    todays = usage.reserve(2)
    usage.settle(yesterdays, sent=3, maybe_sent=0, failed=0)
    # Sent after midnight: billed today. The old reservation is not released
    # from today's count, which never held it.
    assert usage.headroom(5) == 0
    usage.settle(todays, sent=0, maybe_sent=0, failed=0)
    assert usage.headroom(5) == 2


async def test_the_issue_is_cleared_at_setup_when_the_cap_allows_again(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    emulator: Emulator,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Raising the cap in the options (a reload) clears the issue at once."""
    await _reach_a_cap_of_one(hass, config_entry)
    assert _cap_issue(issue_registry, config_entry)
    hass.config_entries.async_update_entry(
        config_entry, options={CONF_DAILY_SEGMENT_CAP: 10}
    )
    await hass.async_block_till_done()
    assert not _cap_issue(issue_registry, config_entry)


async def test_a_reload_at_the_cap_keeps_the_issue(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    emulator: Emulator,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Restarting does not hide that today's cap was reached."""
    await _reach_a_cap_of_one(hass, config_entry)
    assert await hass.config_entries.async_reload(config_entry.entry_id)
    await hass.async_block_till_done()
    assert _cap_issue(issue_registry, config_entry)
