"""Fixtures for the integration: config entries pointed at the emulator."""

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.util.dt import utcnow
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.aws_eum_x.config_flow import AwsSmsConfigFlow
from custom_components.aws_eum_x.const import (
    AUTH_ACCESS_KEY,
    CONF_ACCESS_KEY_ID,
    CONF_AUTH_METHOD,
    CONF_ENDPOINT_URL,
    CONF_KEY_ADDED_AT,
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
        data=entry_data(emulator)
        | {CONF_AUTH_METHOD: AUTH_ACCESS_KEY, CONF_KEY_ADDED_AT: utcnow().isoformat()},
        # The current version: migrations are tested on their own.
        minor_version=AwsSmsConfigFlow.MINOR_VERSION,
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


async def start_user_flow(hass: HomeAssistant, method: str = "access_key") -> Any:
    """Start adding an entry and pick the authentication method in the menu."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": "user"}
    )
    assert result["type"] == "menu"
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": method}
    )


async def start_reconfigure_flow(
    hass: HomeAssistant, entry: MockConfigEntry, method: str = "access_key"
) -> Any:
    """Start reconfiguring ``entry`` and pick the authentication method."""
    result = await entry.start_reconfigure_flow(hass)
    assert result["type"] == "menu"
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": f"reconfigure_{method}"}
    )
