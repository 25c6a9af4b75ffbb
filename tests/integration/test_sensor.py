"""Sensors of the account and of each origination identity."""

import json
import time
from unittest.mock import patch

from homeassistant.const import STATE_UNKNOWN, Platform
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    mock_restore_cache,
    mock_restore_cache_with_extra_data,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.aws_eum_x.const import CONF_CONFIGURATION_SET, CONF_QUEUE_URL
from eum_emulator import Emulator
from tests.conftest import ClientFactory

from .conftest import (
    ALICE,
    TITLE,
    TOLL_FREE,
    UNIQUE_ID,
    demo_entry,
    recipient,
    send,
    set_up,
    until,
)


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
    assert numbers["+18885550100"]["number_type"] == "Toll-free number"
    assert numbers["+18885550100"]["status"] == "active"
    assert numbers["+447700900123"]["capabilities"] == ["SMS"]
    senders = hass.states.get("sensor.aws_sms_123456789012_us_east_1_sender_ids")
    assert senders is not None
    assert senders.attributes["sender_ids"][0]["sender_id"] == "HOMEALERT"
    tier = hass.states.get("sensor.aws_sms_123456789012_us_east_1_account_tier")
    assert tier is not None
    assert tier.state == "production"


LAST_STATUS = "sensor.alice_last_delivery_status"
DELIVERED_TODAY = "sensor.aws_sms_123456789012_us_east_1_delivered_today"
CARRIER_FAILED_TODAY = (
    "sensor.aws_sms_123456789012_us_east_1_failed_at_the_carrier_today"
)
SUCCESS_SIMULATOR = "+14254147755"  # AWS's US destination simulator numbers
FAILURE_SIMULATOR = "+14254147167"


def _event_record(message_id: str, event_type: str, *, sent_ms: int, at_ms: int) -> str:
    """An SMS event record as AWS documents it (events.EVENT_FORMAT_URL)."""
    return json.dumps(
        {
            "eventType": event_type,
            "eventVersion": "1.0",
            "eventTimestamp": at_ms,
            "isFinal": event_type != "TEXT_PENDING",
            "originationPhoneNumber": TOLL_FREE,
            "destinationPhoneNumber": ALICE,
            "isoCountryCode": "US",
            "messageId": message_id,
            "messageRequestTimestamp": sent_ms,
            "messageStatus": event_type.removeprefix("TEXT_"),
            "messageStatusDescription": "Described",
            "totalMessageParts": 1,
            "totalMessagePrice": 0.00581,
        }
    )


async def test_last_delivery_status_of_a_recipient(
    hass: HomeAssistant, receiving_entry: MockConfigEntry
) -> None:
    """Alice's sensor follows the message to her to delivered, and keeps it."""
    assert hass.states.get(LAST_STATUS).state == STATE_UNKNOWN
    response = await send(hass, target=ALICE, message="Leak", wait_for_delivery=10)
    message_id = response["messages"][0]["message_id"]
    state = hass.states.get(LAST_STATUS)
    assert state.state == "delivered"
    assert state.attributes["message_id"] == message_id
    assert state.attributes["final"] is True
    assert state.attributes["description"]
    assert hass.states.get(DELIVERED_TODAY).state == "1"

    assert await hass.config_entries.async_reload(receiving_entry.entry_id)
    await hass.async_block_till_done()
    state = hass.states.get(LAST_STATUS)
    assert state.state == "delivered"
    assert state.attributes["message_id"] == message_id


_RESTORED_ATTRIBUTES = {
    "message_id": "before-restart",
    "time": "2026-12-01T10:00:05+00:00",
    "sent": "2026-12-01T10:00:00+00:00",
    "final": True,
}


@pytest.mark.parametrize(
    "saved_with_native_value",
    [True, False],
    ids=["restore_sensor", "saved_by_an_earlier_version"],
)
async def test_last_delivery_status_is_restored_after_a_restart(
    hass: HomeAssistant,
    emulator: Emulator,
    queue_url: str,
    saved_with_native_value: bool,
) -> None:
    """A RestoreSensor: its native value, or an earlier version's state."""
    state = State(LAST_STATUS, "blocked", _RESTORED_ATTRIBUTES)
    if saved_with_native_value:
        mock_restore_cache_with_extra_data(
            hass,
            [(state, {"native_value": "blocked", "native_unit_of_measurement": None})],
        )
    else:
        mock_restore_cache(hass, [state])
    entry = demo_entry(
        emulator,
        title=TITLE,
        unique_id=UNIQUE_ID,
        options={CONF_QUEUE_URL: queue_url, CONF_CONFIGURATION_SET: "home-alerts"},
        subentries_data=[recipient(ALICE, "Alice")],
    )
    await set_up(hass, entry)
    restored = hass.states.get(LAST_STATUS)
    assert restored.state == "blocked"
    assert restored.attributes["message_id"] == "before-restart"


async def test_a_late_event_of_an_older_message_does_not_hide_the_newer(
    hass: HomeAssistant,
    receiving_entry: MockConfigEntry,
    aws_client: ClientFactory,
    queue_url: str,
) -> None:
    """The sensor shows the last message sent, whatever order events come in."""
    sqs = await aws_client("sqs")
    now_ms = int(time.time() * 1000)
    # The newer message is pending; the older one's final event comes later.
    await sqs.send_message(
        QueueUrl=queue_url,
        MessageBody=_event_record(
            "newer", "TEXT_PENDING", sent_ms=now_ms, at_ms=now_ms + 10
        ),
    )
    await until(lambda: hass.states.get(LAST_STATUS).state == "pending")
    await sqs.send_message(
        QueueUrl=queue_url,
        MessageBody=_event_record(
            "older",
            "TEXT_CARRIER_UNREACHABLE",
            sent_ms=now_ms - 5000,
            at_ms=now_ms + 20,
        ),
    )
    await until(lambda: hass.states.get(CARRIER_FAILED_TODAY).state == "1")
    state = hass.states.get(LAST_STATUS)
    assert state.state == "pending"
    assert state.attributes["message_id"] == "newer"


async def test_todays_carrier_outcomes(
    hass: HomeAssistant, receiving_entry: MockConfigEntry
) -> None:
    """One delivered and one blocked by the carrier: one of each, today."""
    await send(hass, target=SUCCESS_SIMULATOR, message="a", wait_for_delivery=10)
    await send(hass, target=FAILURE_SIMULATOR, message="b", wait_for_delivery=10)
    await hass.async_block_till_done()
    assert hass.states.get(DELIVERED_TODAY).state == "1"
    assert hass.states.get(CARRIER_FAILED_TODAY).state == "1"
    # Alice's sensor shows only messages to her.
    assert hass.states.get(LAST_STATUS).state == STATE_UNKNOWN


async def test_no_delivery_sensors_without_a_queue(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Without the event queue nothing reports deliveries: no such sensors."""
    assert hass.states.get(DELIVERED_TODAY) is None
    assert hass.states.get(CARRIER_FAILED_TODAY) is None
