"""Diagnostics: useful, and without secrets."""

import json

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion

from eum_emulator import DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY


async def test_diagnostics_are_redacted(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    loaded_entry: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    """Keys and phone numbers are redacted; the rest is there to debug with."""
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, loaded_entry
    )
    text = json.dumps(diagnostics)
    assert DEMO_SECRET_ACCESS_KEY not in text
    assert DEMO_ACCESS_KEY_ID not in text
    assert "+18885550100" not in text
    assert diagnostics["entry"]["data"]["region"] == "us-east-1"
    assert diagnostics["inventory"]["account_tier"] == "PRODUCTION"
    # The emulator's port changes from run to run.
    diagnostics["entry"]["data"]["endpoint_url"] = "<emulator>"
    diagnostics["entry"]["data"]["key_added_at"] = "<when the test ran>"
    assert diagnostics == snapshot
