"""The "Received message" event entity of each number that receives replies."""

from unittest.mock import patch

from homeassistant.const import STATE_UNKNOWN, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from eum_emulator import Emulator

from .conftest import ALICE, TOLL_FREE, setup_with_options, until

RECEIVED = "event.toll_free_number_18885550100_received_message"
STRANGER = "+15555550999"


async def test_the_event_entity_of_the_two_way_number(
    hass: HomeAssistant,
    queue_url: str,
    config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """One per number two-way is on for: its own setting, or its pool's."""
    with patch("custom_components.aws_eum_x.PLATFORMS", [Platform.EVENT]):
        await setup_with_options(hass, config_entry, queue_url=queue_url)
    await snapshot_platform(hass, entity_registry, snapshot, config_entry.entry_id)


async def test_a_reply_fires_the_event(
    hass: HomeAssistant, receiving_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """The sender, body, keyword and recipient, as attributes of the event."""
    assert hass.states.get(RECEIVED).state == STATE_UNKNOWN
    inbound_id = await hass.async_add_executor_job(
        emulator.receive_sms, ALICE, TOLL_FREE, "Status?"
    )
    await until(lambda: hass.states.get(RECEIVED).state != STATE_UNKNOWN)
    state = hass.states.get(RECEIVED)
    assert state.attributes["event_type"] == "received"
    assert state.attributes["from"] == ALICE
    assert state.attributes["body"] == "Status?"
    assert state.attributes["keyword"] == "STATUS"
    assert state.attributes["recipient"] == "Alice"
    assert state.attributes["inbound_message_id"] == inbound_id


@pytest.mark.parametrize(
    ("body", "event_type"), [("STOP", "opted_out"), ("start", "opted_in")]
)
async def test_opting_out_and_in_are_event_types(
    hass: HomeAssistant,
    receiving_entry: MockConfigEntry,
    emulator: Emulator,
    body: str,
    event_type: str,
) -> None:
    """An automation can react to STOP without comparing keywords itself."""
    await hass.async_add_executor_job(emulator.receive_sms, STRANGER, TOLL_FREE, body)
    await until(lambda: hass.states.get(RECEIVED).state != STATE_UNKNOWN)
    state = hass.states.get(RECEIVED)
    assert state.attributes["event_type"] == event_type
    assert state.attributes["recipient"] is None


async def test_no_event_entity_without_a_queue(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Nothing can be received without the event queue: no entity."""
    assert hass.states.async_entity_ids(Platform.EVENT) == []
