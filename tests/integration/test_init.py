"""Setting up, refreshing and unloading a config entry."""

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.aws_eum_x.const import CONF_MESSAGE_TYPE, DOMAIN

from .conftest import demo_entry, entry_data, send, set_up


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


async def test_options_of_version_1_1_are_migrated(
    hass: HomeAssistant, emulator
) -> None:
    """1.1 stored AWS's upper-case message types; 1.2 stores selector keys."""
    entry = demo_entry(
        emulator,
        options={CONF_MESSAGE_TYPE: "PROMOTIONAL", "daily_segment_cap": 5},
        version=1,
        minor_version=1,
    )
    await set_up(hass, entry)
    assert entry.minor_version == 3
    assert entry.data["auth_method"] == "access_key"
    assert entry.options == {CONF_MESSAGE_TYPE: "promotional", "daily_segment_cap": 5}
    await send(hass, target="+15555550123", message="hi")
    assert emulator.outbox[0].parameters["MessageType"] == "PROMOTIONAL"


async def test_an_entry_from_a_newer_version_is_not_loaded(
    hass: HomeAssistant, emulator
) -> None:
    """A downgrade cannot read what a newer version wrote: migration fails."""
    entry = MockConfigEntry(domain=DOMAIN, data=entry_data(emulator), version=2)
    entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.MIGRATION_ERROR


async def test_a_current_entry_is_left_as_it_is(hass: HomeAssistant, emulator) -> None:
    """Migrating an entry already at 1.2 changes nothing."""
    from custom_components.aws_eum_x import async_migrate_entry  # noqa: PLC0415

    entry = demo_entry(
        emulator, options={CONF_MESSAGE_TYPE: "transactional"}, minor_version=2
    )
    entry.add_to_hass(hass)
    assert await async_migrate_entry(hass, entry)
    assert entry.options == {CONF_MESSAGE_TYPE: "transactional"}
