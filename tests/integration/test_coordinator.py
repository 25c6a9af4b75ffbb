"""Refreshing the inventory: failures, recovery, permissions and devices."""

import socket

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.aws_eum_x import async_remove_config_entry_device
from custom_components.aws_eum_x.const import (
    CONF_ENDPOINT_URL,
    DOMAIN,
    ISSUE_MISSING_PERMISSIONS,
)
from eum_emulator import AccessKey, AccountState, Emulator, PhoneNumber, Role

from .conftest import entry_data

PHONE_NUMBERS = "sensor.aws_sms_123456789012_us_east_1_phone_numbers"
TIER = "sensor.aws_sms_123456789012_us_east_1_account_tier"
LIMITED_KEY = "TESTKEYLIMITED"
LIMITED_SECRET = "limited-secret-EXAMPLEKEY"
# A role whose trust policy names nobody: every AssumeRole is refused.
UNTRUSTING_ROLE = "arn:aws:iam::123456789012:role/trusts-nobody"


async def _refresh(hass: HomeAssistant) -> None:
    """Let the update interval pass, so the coordinator refreshes."""
    await hass.config_entries.async_entries(DOMAIN)[
        0
    ].runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()


async def test_outage_makes_entities_unavailable_then_recovers(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    emulator: Emulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A failed refresh marks entities unavailable and logs once; recovery logs once."""
    # Standard retries make 3 attempts per call: fail them all, twice over.
    emulator.add_fault("error", operation="DescribePhoneNumbers", status=500, count=6)
    await _refresh(hass)
    assert hass.states.get(PHONE_NUMBERS).state == STATE_UNAVAILABLE
    await _refresh(hass)
    assert caplog.text.count("Error fetching aws_eum_x inventory data") == 1
    await _refresh(hass)
    assert hass.states.get(PHONE_NUMBERS).state == "2"
    assert caplog.text.count("Fetching aws_eum_x inventory data recovered") == 1


async def test_revoked_keys_start_reauth(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """Keys AWS no longer knows start a reauthentication flow."""
    with emulator.lock:
        emulator.state.access_keys.clear()
    await _refresh(hass)
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    assert hass.states.get(PHONE_NUMBERS).state == STATE_UNAVAILABLE


async def test_setup_with_revoked_keys(
    hass: HomeAssistant, config_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """Keys rejected at setup: setup error and a reauth flow."""
    with emulator.lock:
        emulator.state.access_keys.clear()
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.SETUP_ERROR
    assert any(
        flow["context"]["source"] == SOURCE_REAUTH
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    )


async def test_setup_when_aws_is_unreachable(
    hass: HomeAssistant, config_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """A server error at setup retries later (not ready), with the reason."""
    emulator.add_fault("error", operation="DescribePhoneNumbers", status=503, count=3)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.SETUP_RETRY
    assert "ServiceUnavailableException" in (config_entry.reason or "")


async def test_setup_with_a_malformed_endpoint(
    hass: HomeAssistant, emulator: Emulator
) -> None:
    """An endpoint URL botocore cannot use fails setup for good."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data=entry_data(emulator, endpoint_url="not a url"),
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert "endpoint URL cannot be used" in (entry.reason or "")
    assert entry.error_reason_translation_key == "invalid_endpoint"


def _role_entry(emulator: Emulator, **overrides: str) -> MockConfigEntry:
    """Return an entry that assumes UNTRUSTING_ROLE with the demo key."""
    data = entry_data(
        emulator,
        auth_method="assume_role",
        role_arn=UNTRUSTING_ROLE,
        **overrides,
    )
    return MockConfigEntry(domain=DOMAIN, data=data, minor_version=3)


async def test_setup_with_a_role_that_no_longer_trusts_the_key(
    hass: HomeAssistant, emulator: Emulator
) -> None:
    """Opening the clients assumes the role: its refusal is named, not retried.

    It is not taken for a bad endpoint URL, and starts no re-authentication
    (the key is valid; the role's trust policy changed).
    """
    entry = _role_entry(emulator)
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert entry.error_reason_translation_key == "assume_role_denied"
    assert UNTRUSTING_ROLE in (entry.reason or "")
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)


async def test_setup_when_sts_is_out_of_reach_is_retried(
    hass: HomeAssistant, emulator: Emulator
) -> None:
    """No AssumeRole answer at setup (STS down, no network yet): try again later."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    entry = _role_entry(emulator, endpoint_url=f"http://127.0.0.1:{closed_port}")
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert entry.error_reason_translation_key == "cannot_connect"


@pytest.fixture
def account_state() -> AccountState:
    """Serve the demo account with a key limited to the minimal policy."""
    state = AccountState()
    state.access_keys.append(
        AccessKey(
            LIMITED_KEY,
            LIMITED_SECRET,
            allowed_actions=[
                "sms-voice:SendTextMessage",
                "sms-voice:DescribePhoneNumbers",
                "sms-voice:DescribeSenderIds",
            ],
        )
    )
    state.roles.append(Role("trusts-nobody", trusted=[]))
    return state


async def test_minimal_policy_raises_a_repair_issue(
    hass: HomeAssistant, emulator: Emulator, issue_registry: ir.IssueRegistry
) -> None:
    """Denied optional reads are skipped and listed in a repair issue.

    Once the policy allows them, their sensors appear and the issue goes.
    """
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Limited",
        data={
            "access_key_id": LIMITED_KEY,
            "secret_access_key": LIMITED_SECRET,
            "region": "us-east-1",
            CONF_ENDPOINT_URL: emulator.url,
        },
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    issue = issue_registry.async_get_issue(
        DOMAIN, f"{ISSUE_MISSING_PERMISSIONS}_{entry.entry_id}"
    )
    assert issue is not None
    assert issue.translation_placeholders["actions"] == (
        "sms-voice:DescribePools, sms-voice:DescribeAccountAttributes, "
        "sms-voice:DescribeSpendLimits, sms-voice:DescribeConfigurationSets, "
        # The demo toll-free number has a registration (no recipient: no
        # opt-out list is read).
        "sms-voice:DescribeRegistrations"
    )
    assert hass.states.get("sensor.limited_phone_numbers").state == "2"
    assert hass.states.get("sensor.limited_account_tier") is None

    with emulator.lock:
        emulator.state.key(LIMITED_KEY).allowed_actions = None
    await _refresh(hass)
    assert hass.states.get("sensor.limited_account_tier").state == "production"
    assert (
        issue_registry.async_get_issue(
            DOMAIN, f"{ISSUE_MISSING_PERMISSIONS}_{entry.entry_id}"
        )
        is None
    )


async def test_numbers_appear_and_disappear_with_their_devices(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    emulator: Emulator,
    device_registry: dr.DeviceRegistry,
) -> None:
    """A number leased in AWS gets a device; a released one loses it."""
    new = PhoneNumber(
        phone_number="+12025550142", iso_country_code="US", number_type="TEN_DLC"
    )
    with emulator.lock:
        emulator.state.phone_numbers.append(new)
    await _refresh(hass)
    identifier = (DOMAIN, f"{loaded_entry.entry_id}_{new.phone_number_id}")
    device = device_registry.async_get_device_by_identifier(
        identifier, loaded_entry.entry_id
    )
    assert device is not None
    assert device.model == "US 10DLC number"
    service = device_registry.async_get_device_by_identifier(
        (DOMAIN, loaded_entry.entry_id), loaded_entry.entry_id
    )
    assert device.via_device_id == service.id
    assert (
        hass.states.get("sensor.us_10dlc_number_12025550142_status").state == "active"
    )
    assert hass.states.get(PHONE_NUMBERS).state == "3"

    with emulator.lock:
        emulator.state.phone_numbers.remove(new)
    await _refresh(hass)
    assert (
        device_registry.async_get_device_by_identifier(
            identifier, loaded_entry.entry_id
        )
        is None
    )
    assert hass.states.get("sensor.us_10dlc_number_12025550142_status") is None


async def test_only_stale_devices_can_be_removed(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """The user may delete a device AWS no longer lists, not a current one."""
    service = device_registry.async_get_device_by_identifier(
        (DOMAIN, loaded_entry.entry_id), loaded_entry.entry_id
    )
    assert not await async_remove_config_entry_device(hass, loaded_entry, service)
    stale = device_registry.async_get_or_create(
        config_entry_id=loaded_entry.entry_id,
        identifiers={(DOMAIN, f"{loaded_entry.entry_id}_phone-gone")},
    )
    assert await async_remove_config_entry_device(hass, loaded_entry, stale)
