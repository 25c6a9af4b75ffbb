"""Sensors of the account and of each origination identity."""

from unittest.mock import patch

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion


@pytest.mark.usefixtures("emulator", "entity_registry_enabled_by_default")
async def test_sensors(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Every sensor's registry entry and state, for the demo account."""
    with patch("custom_components.aws_eum_x.PLATFORMS", [Platform.SENSOR]):
        assert await hass.config_entries.async_setup(config_entry.entry_id)
        await hass.async_block_till_done()
    await snapshot_platform(hass, entity_registry, snapshot, config_entry.entry_id)


async def test_inventory_sensor_attributes(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """The counts list each number and sender ID."""
    state = hass.states.get("sensor.aws_sms_123456789012_us_east_1_phone_numbers")
    assert state is not None
    assert state.state == "2"
    numbers = {n["phone_number"]: n for n in state.attributes["phone_numbers"]}
    assert numbers["+18885550100"]["number_type"] == "TOLL_FREE"
    assert numbers["+447700900123"]["capabilities"] == ["SMS"]
    senders = hass.states.get("sensor.aws_sms_123456789012_us_east_1_sender_ids")
    assert senders is not None
    assert senders.attributes["sender_ids"][0]["sender_id"] == "HOMEALERT"
    tier = hass.states.get("sensor.aws_sms_123456789012_us_east_1_account_tier")
    assert tier is not None
    assert tier.state == "production"
