"""Fixtures for the integration: config entries pointed at the emulator."""

from typing import Any

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.aws_eum_x.const import (
    CONF_ACCESS_KEY_ID,
    CONF_ENDPOINT_URL,
    CONF_REGION,
    CONF_SECRET_ACCESS_KEY,
    DOMAIN,
)
from eum_emulator import (
    DEMO_ACCESS_KEY_ID,
    DEMO_ACCOUNT_ID,
    DEMO_SECRET_ACCESS_KEY,
    Emulator,
)

REGION = "us-east-1"
UNIQUE_ID = f"{DEMO_ACCOUNT_ID}_{REGION}"
TITLE = f"AWS SMS {DEMO_ACCOUNT_ID} ({REGION})"


def entry_data(emulator: Emulator, **overrides: Any) -> dict[str, Any]:
    """Return config entry data for the emulator's demo account."""
    return {
        CONF_ACCESS_KEY_ID: DEMO_ACCESS_KEY_ID,
        CONF_SECRET_ACCESS_KEY: DEMO_SECRET_ACCESS_KEY,
        CONF_REGION: REGION,
        CONF_ENDPOINT_URL: emulator.url,
        **overrides,
    }


def flow_input(emulator: Emulator, **overrides: Any) -> dict[str, Any]:
    """Return what a user types in the form: the endpoint sits in a section."""
    data = entry_data(emulator, **overrides)
    endpoint = data.pop(CONF_ENDPOINT_URL)
    return {**data, "advanced": {CONF_ENDPOINT_URL: endpoint}}


@pytest.fixture
def config_entry(hass: HomeAssistant, emulator: Emulator) -> MockConfigEntry:
    """Return a config entry for the demo account, added to hass."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=TITLE,
        unique_id=UNIQUE_ID,
        data=entry_data(emulator),
        # Fixed so that snapshots do not change from run to run.
        entry_id="01KAWSSMSENTRY0000000000000",
    )
    entry.add_to_hass(hass)
    return entry


@pytest.fixture
async def loaded_entry(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> MockConfigEntry:
    """Set the config entry up against the emulator."""
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    return config_entry
