"""Fixtures for the integration: config entries pointed at the emulator."""

import asyncio
from collections.abc import Callable
from typing import Any

from homeassistant.config_entries import ConfigSubentryData
from homeassistant.core import HomeAssistant
from homeassistant.util.dt import utcnow
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.aws_eum_x.config_flow import AwsSmsConfigFlow
from custom_components.aws_eum_x.const import (
    AUTH_ACCESS_KEY,
    CONF_ACCESS_KEY_ID,
    CONF_AUTH_METHOD,
    CONF_CONFIGURATION_SET,
    CONF_ENDPOINT_URL,
    CONF_KEY_ADDED_AT,
    CONF_PHONE_NUMBER,
    CONF_QUEUE_URL,
    CONF_REGION,
    CONF_SECRET_ACCESS_KEY,
    DOMAIN,
    SUBENTRY_RECIPIENT,
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
ALICE = "+15555550123"
TOLL_FREE = "+18885550100"  # the demo account's two-way number


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


def demo_entry(emulator: Emulator, **kwargs: Any) -> MockConfigEntry:
    """Return a config entry of the demo account, not yet added to hass.

    Args:
        emulator: The emulator whose endpoint the entry's data names.
        **kwargs: MockConfigEntry's arguments. ``data`` is
            ``entry_data(emulator)`` and ``minor_version`` the current one
            unless given; the title stays MockConfigEntry's "Mock Title".

    Returns:
        The entry.
    """
    kwargs.setdefault("data", entry_data(emulator))
    kwargs.setdefault("minor_version", AwsSmsConfigFlow.MINOR_VERSION)
    return MockConfigEntry(domain=DOMAIN, **kwargs)


def recipient(number: str, title: str, **data: Any) -> ConfigSubentryData:
    """Return a stored recipient, as the recipient flow saves one.

    Args:
        number: The recipient's phone number, also the subentry's unique ID.
        title: The recipient's name.
        **data: More of the recipient's settings, such as ``call_critical``.

    Returns:
        The subentry's data, for ``subentries_data``.
    """
    return ConfigSubentryData(
        data={CONF_PHONE_NUMBER: number, **data},
        subentry_type=SUBENTRY_RECIPIENT,
        title=title,
        unique_id=number,
    )


async def set_up(hass: HomeAssistant, entry: MockConfigEntry) -> MockConfigEntry:
    """Add an entry to hass and set it up; setup must succeed.

    Args:
        hass: Home Assistant.
        entry: An entry not yet added to hass.

    Returns:
        The entry, loaded, its platforms done.
    """
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def setup_with_options(
    hass: HomeAssistant, entry: MockConfigEntry, **options: Any
) -> None:
    """Replace the options of an added entry, then set it up.

    Args:
        hass: Home Assistant.
        entry: An entry already added to hass, not yet set up.
        **options: The entry's options; setup must succeed with them.
    """
    hass.config_entries.async_update_entry(entry, options=options)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


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


async def submit_user_flow(
    hass: HomeAssistant, user_input: dict[str, Any], method: str = "access_key"
) -> Any:
    """Start adding an entry with ``method`` and submit its form at once.

    Args:
        hass: Home Assistant.
        user_input: What the user types in the method's form.
        method: The authentication method picked in the menu.

    Returns:
        The flow's answer to the form.
    """
    result = await start_user_flow(hass, method)
    return await hass.config_entries.flow.async_configure(result["flow_id"], user_input)


async def submit_reconfigure_flow(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    user_input: dict[str, Any],
    method: str = "access_key",
) -> Any:
    """Start reconfiguring ``entry`` with ``method`` and submit its form at once.

    Args:
        hass: Home Assistant.
        entry: The entry to reconfigure.
        user_input: What the user types in the method's form.
        method: The authentication method picked in the menu.

    Returns:
        The flow's answer to the form.
    """
    result = await start_reconfigure_flow(hass, entry, method)
    return await hass.config_entries.flow.async_configure(result["flow_id"], user_input)


async def send(hass: HomeAssistant, **data: Any) -> Any:
    """Call ``send_message``; let the sensors catch up; return the response."""
    try:
        return await hass.services.async_call(
            DOMAIN, "send_message", data, blocking=True, return_response=True
        )
    finally:
        await hass.async_block_till_done()


async def until(condition: Callable[[], object]) -> None:
    """Wait (10 s at most) for what the emulator's threads make true."""
    async with asyncio.timeout(10):
        while not condition():  # noqa: ASYNC110 - the emulator is another thread
            await asyncio.sleep(0.05)


@pytest.fixture
async def queue_url(hass: HomeAssistant, emulator: Emulator) -> str:
    """Create the receiving chain (docs/aws/receiving.yaml) in the emulator."""
    made = await hass.async_add_executor_job(emulator.provision_receiving)
    return str(made["QueueUrl"])


@pytest.fixture
async def receiving_entry(
    hass: HomeAssistant, emulator: Emulator, queue_url: str
) -> MockConfigEntry:
    """The demo entry, reading the queue, with Alice as a recipient."""
    entry = demo_entry(
        emulator,
        title=TITLE,
        unique_id=UNIQUE_ID,
        options={CONF_QUEUE_URL: queue_url, CONF_CONFIGURATION_SET: "home-alerts"},
        subentries_data=[recipient(ALICE, "Alice")],
    )
    return await set_up(hass, entry)
