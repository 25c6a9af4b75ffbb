"""Device and entity naming: readable models, IDs that start with a word."""

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from eum_emulator import AccountState, PhoneNumber, Pool


@pytest.fixture
def account_state() -> AccountState:
    """An account with one identity of every kind the service has."""
    state = AccountState()
    state.phone_numbers += [
        PhoneNumber("+12025550142", "US", number_type="TEN_DLC"),
        PhoneNumber("+12025550143", "US", number_type="TEN_DLC"),
        PhoneNumber("+1555123", "US", number_type="SHORT_CODE"),
    ]
    state.pools.append(
        Pool(
            "pool-0123456789abcdef0123456789c0ffee",
            members=["+12025550142", "+12025550143"],
        )
    )
    return state


async def test_entity_ids_start_with_a_word(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """No entity ID of the integration starts with a digit."""
    entries = er.async_entries_for_config_entry(entity_registry, loaded_entry.entry_id)
    assert len(entries) > 10
    for entry in entries:
        object_id = entry.entity_id.split(".", 1)[1]
        assert not object_id[0].isdigit(), entry.entity_id


async def test_devices_have_readable_names_and_models(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Models say what an identity is; a pool by the end of its ID (stable)."""
    devices = dr.async_entries_for_config_entry(device_registry, loaded_entry.entry_id)
    names = {d.name: d.model for d in devices}
    assert names["Toll-free number +18885550100"] == "Toll-free number"
    assert names["Long code +447700900123"] == "Long code"
    assert names["US 10DLC number +12025550142"] == "US 10DLC number"
    assert names["Short code +1555123"] == "Short code"
    assert names["Sender ID HOMEALERT (GB)"] == "Sender ID"
    assert names["Pool c0ffee"] == "Pool"
    assert sum(name.startswith("Pool ") for name in names) == 2


async def test_pool_entity_ids_do_not_change_with_its_members(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    account_state: AccountState,
) -> None:
    """A number joining the pool renames nothing: no count in the entity ID."""
    before = {
        entry.entity_id
        for entry in er.async_entries_for_config_entry(
            entity_registry, loaded_entry.entry_id
        )
    }
    assert "binary_sensor.pool_c0ffee_two_way_messaging" in before
    account_state.pools[-1].members.append("+1555123")
    assert await hass.config_entries.async_reload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    after = {
        entry.entity_id
        for entry in er.async_entries_for_config_entry(
            entity_registry, loaded_entry.entry_id
        )
    }
    assert after == before
