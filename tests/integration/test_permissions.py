"""Required IAM actions: checked by the setup form, and fatal (not retried) at setup."""

from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.aws_eum_x.config_flow import FORM_PLACEHOLDERS
from custom_components.aws_eum_x.const import (
    CONF_ACCESS_KEY_ID,
    CONF_SECRET_ACCESS_KEY,
    DOMAIN,
    ISSUE_REQUIRED_PERMISSION,
    REQUIRED_ACTIONS,
)
from eum_emulator import AccessKey, AccountState, Emulator

from .conftest import entry_data, flow_input, send, submit_user_flow

SECRET = "limited-secret-EXAMPLEKEY"
# One key per required action, allowed every required action but that one.
KEYS = {
    action: f"TESTKEYWITHOUT{index}" for index, action in enumerate(REQUIRED_ACTIONS)
}


@pytest.fixture
def account_state() -> AccountState:
    """The demo account with a key lacking each required action in turn."""
    state = AccountState()
    state.access_keys += [
        AccessKey(
            key_id,
            SECRET,
            allowed_actions=[a for a in REQUIRED_ACTIONS if a != missing],
        )
        for missing, key_id in KEYS.items()
    ]
    return state


def _input_with_key(emulator: Emulator, key_id: str) -> dict[str, Any]:
    """Return the form's input with one of the limited keys (they share SECRET)."""
    return flow_input(
        emulator, **{CONF_ACCESS_KEY_ID: key_id, CONF_SECRET_ACCESS_KEY: SECRET}
    )


@pytest.mark.parametrize("missing", REQUIRED_ACTIONS)
async def test_the_form_names_every_missing_required_action(
    hass: HomeAssistant, emulator: Emulator, missing: str
) -> None:
    """Each required action is checked before the entry is saved."""
    result = await submit_user_flow(hass, _input_with_key(emulator, KEYS[missing]))
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "access_denied"}
    assert result["description_placeholders"]["action"] == missing
    # The send check is a DryRun: nothing reaches anyone, nothing is billed.
    assert all(m.dry_run for m in emulator.outbox)


async def test_a_key_with_exactly_the_minimal_policy_is_accepted(
    hass: HomeAssistant, emulator: Emulator
) -> None:
    """The minimal policy is enough for the form."""
    emulator.state.access_keys.append(
        AccessKey("TESTKEYMINIMAL", SECRET, allowed_actions=list(REQUIRED_ACTIONS))
    )
    result = await submit_user_flow(hass, _input_with_key(emulator, "TESTKEYMINIMAL"))
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_setup_without_a_required_read_fails_for_good(
    hass: HomeAssistant, emulator: Emulator, issue_registry: ir.IssueRegistry
) -> None:
    """No endless retries: a setup error and a repair issue naming the action."""
    missing = "sms-voice:DescribeSenderIds"
    entry = MockConfigEntry(
        domain=DOMAIN,
        data=entry_data(
            emulator,
            **{CONF_ACCESS_KEY_ID: KEYS[missing], CONF_SECRET_ACCESS_KEY: SECRET},
        ),
    )
    entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert entry.reason is not None
    assert missing in entry.reason
    issue = issue_registry.async_get_issue(
        DOMAIN, f"{ISSUE_REQUIRED_PERMISSION}_{entry.entry_id}"
    )
    assert issue is not None
    assert issue.translation_placeholders["action"] == missing

    # Once the policy allows it, a reload works and the issue goes.
    emulator.state.key(KEYS[missing]).allowed_actions = list(REQUIRED_ACTIONS)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert not issue_registry.async_get_issue(
        DOMAIN, f"{ISSUE_REQUIRED_PERMISSION}_{entry.entry_id}"
    )


async def test_a_sandbox_account_passes_the_send_check(
    hass: HomeAssistant, emulator: Emulator
) -> None:
    """In the sandbox AWS refuses the DryRun's destination: IAM allowed it."""
    emulator.state.tier = "SANDBOX"
    result = await submit_user_flow(hass, flow_input(emulator))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert emulator.outbox == []


async def test_a_region_restriction_is_named_with_the_region(
    hass: HomeAssistant, emulator: Emulator
) -> None:
    """An aws:RequestedRegion deny: the form says the policy restricts regions."""
    emulator.state.access_keys.append(
        AccessKey("TESTKEYEUONLY", SECRET, allowed_regions=["eu-west-1"])
    )
    result = await submit_user_flow(hass, _input_with_key(emulator, "TESTKEYEUONLY"))
    assert result["errors"] == {"base": "explicit_deny"}
    assert result["description_placeholders"] == {
        "action": "sms-voice:DescribePhoneNumbers",
        "region": "us-east-1",
        **FORM_PLACEHOLDERS,
    }


async def test_a_region_restriction_after_setup(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """Sending: the error names the region; a reload fails for good."""
    emulator.state.key("AKIAIOSFODNN7EXAMPLE").allowed_regions = ["eu-west-1"]
    with pytest.raises(HomeAssistantError) as caught:
        await send(hass, target="+15555550123", message="hi")
    assert caught.value.translation_key == "explicit_deny"
    assert caught.value.translation_placeholders["region"] == "us-east-1"
    assert "aws:RequestedRegion" in str(caught.value)
    await hass.config_entries.async_reload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert loaded_entry.state is ConfigEntryState.SETUP_ERROR
    assert "us-east-1" in (loaded_entry.reason or "")
