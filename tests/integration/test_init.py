"""Setting up, refreshing and unloading a config entry."""

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry


async def test_setup_and_unload(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """The entry loads against the emulator and unloads cleanly."""
    assert loaded_entry.state is ConfigEntryState.LOADED
    states = hass.states.async_all()
    assert {s.entity_id for s in states} >= {
        "sensor.aws_sms_123456789012_us_east_1_phone_numbers"
    }
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    assert loaded_entry.state is ConfigEntryState.NOT_LOADED
