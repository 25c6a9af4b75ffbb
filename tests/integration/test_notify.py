"""The legacy notify service and the recipient notify entities."""

from homeassistant.components.notify import DOMAIN as NOTIFY_DOMAIN
from homeassistant.const import ATTR_ENTITY_ID, CONF_NAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import ServiceValidationError
import probatio
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.aws_eum_x import notify as notify_module
from custom_components.aws_eum_x.const import (
    CONF_PHONE_NUMBER,
    DOMAIN,
    SUBENTRY_RECIPIENT,
)
from custom_components.aws_eum_x.notify import (
    DATA_SCHEMA,
    AwsSmsNotificationService,
    async_get_service,
)
from eum_emulator import Emulator

from .conftest import entry_data, recipient, set_up

LEGACY_SERVICE = "aws_sms_123456789012_us_east_1"
US_NUMBER = "+15555550123"


async def test_legacy_service_with_targets_title_and_data(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """notify.<entry>: title on its own line, every target, data as options."""
    assert hass.services.has_service(NOTIFY_DOMAIN, LEGACY_SERVICE)
    await hass.services.async_call(
        NOTIFY_DOMAIN,
        LEGACY_SERVICE,
        {
            "message": "Water detected",
            "title": "Basement",
            "target": [US_NUMBER, "+15555550124"],
            "data": {"origination_identity": "+18885550100", "dry_run": True},
        },
        blocking=True,
    )
    assert sorted(m.destination for m in emulator.outbox) == [US_NUMBER, "+15555550124"]
    message = emulator.outbox[0]
    assert message.body == "Basement\nWater detected"
    assert message.parameters["OriginationIdentity"] == "+18885550100"
    assert message.dry_run is True


async def test_legacy_service_refuses_bad_data(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """Unknown or invalid data options are refused before AWS."""
    with pytest.raises(ServiceValidationError) as caught:
        await hass.services.async_call(
            NOTIFY_DOMAIN,
            LEGACY_SERVICE,
            {"message": "hi", "target": US_NUMBER, "data": {"message_type": "LOUD"}},
            blocking=True,
        )
    assert caught.value.translation_key == "invalid_data"
    with pytest.raises(ServiceValidationError) as caught:
        await hass.services.async_call(
            NOTIFY_DOMAIN, LEGACY_SERVICE, {"message": "hi"}, blocking=True
        )
    assert caught.value.translation_key == "no_targets"
    assert emulator.outbox == []


async def test_legacy_service_follows_the_entry(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Unloading removes the service; reloading brings it back."""
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    assert not hass.services.has_service(NOTIFY_DOMAIN, LEGACY_SERVICE)
    assert await hass.config_entries.async_setup(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.services.has_service(NOTIFY_DOMAIN, LEGACY_SERVICE)


async def test_notify_internals_the_unload_workaround_relies_on(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Fail loudly when Home Assistant changes where it lists legacy services.

    Unloading removes the entry's service object from notify's private list
    (HA has no public way to drop one service); the key and shape it uses
    must still be the installed notify's.
    """
    from homeassistant.components.notify import legacy  # noqa: PLC0415

    assert str(legacy.NOTIFY_SERVICES) == notify_module._NOTIFY_SERVICES_KEY
    listed = hass.data[legacy.NOTIFY_SERVICES][DOMAIN]
    ours = [s for s in listed if isinstance(s, AwsSmsNotificationService)]
    assert [s.entry_id for s in ours] == [loaded_entry.entry_id]
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    assert not any(
        isinstance(s, AwsSmsNotificationService)
        for s in hass.data[legacy.NOTIFY_SERVICES][DOMAIN]
    )
    # Reloading twice leaves exactly one service object, not one per load.
    for _ in range(2):
        assert await hass.config_entries.async_setup(loaded_entry.entry_id)
        await hass.async_block_till_done()
        assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    assert await hass.config_entries.async_setup(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert len(hass.data[legacy.NOTIFY_SERVICES][DOMAIN]) == 1


async def test_unloading_warns_once_when_notify_moved_its_list(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """When HA renames notify's list, unloading still works and says why once.

    The key the workaround reads is changed to stand in for a Home Assistant
    release that renamed it (the installed one has it: see the test above).
    """
    monkeypatch.setattr(notify_module, "_NOTIFY_SERVICES_KEY", "renamed_by_ha")
    for _ in range(2):
        assert await hass.config_entries.async_unload(loaded_entry.entry_id)
        assert not hass.services.has_service(NOTIFY_DOMAIN, LEGACY_SERVICE)
        assert await hass.config_entries.async_setup(loaded_entry.entry_id)
        await hass.async_block_till_done()
        assert hass.services.has_service(NOTIFY_DOMAIN, LEGACY_SERVICE)
    warnings = [
        record
        for record in caplog.records
        if record.levelname == "WARNING"
        and "no longer lists its services" in record.message
    ]
    assert len(warnings) == 1
    assert "renamed_by_ha" in warnings[0].message


async def test_legacy_service_of_an_unloaded_entry(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """A service whose entry is unloaded or gone says so instead of failing oddly."""
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    service = AwsSmsNotificationService(loaded_entry.entry_id)
    service.hass = hass
    with pytest.raises(ServiceValidationError) as caught:
        await service.async_send_message("hi", target=[US_NUMBER])
    assert caught.value.translation_key == "entry_not_loaded"
    service = AwsSmsNotificationService("gone")
    service.hass = hass
    with pytest.raises(ServiceValidationError) as caught:
        await service.async_send_message("hi", target=[US_NUMBER])
    assert caught.value.translation_key == "entry_not_found"


async def _add_recipient(
    hass: HomeAssistant, entry: MockConfigEntry, name: str, number: str
) -> dict:
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_RECIPIENT), context={"source": "user"}
    )
    assert result["type"] is FlowResultType.FORM
    return await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_NAME: name, CONF_PHONE_NUMBER: number}
    )


async def test_recipient_entity(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """Adding a recipient makes a notify entity that texts them."""
    result = await _add_recipient(hass, loaded_entry, "Alice", "+1 555 555 0123")
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    state = hass.states.get("notify.alice")
    assert state is not None
    assert state.attributes["phone_number"] == "***0123"

    await hass.services.async_call(
        NOTIFY_DOMAIN,
        "send_message",
        {ATTR_ENTITY_ID: "notify.alice", "message": "Alarm", "title": "Home"},
        blocking=True,
    )
    [message] = emulator.outbox
    assert (message.destination, message.body) == (US_NUMBER, "Home\nAlarm")
    assert hass.states.get("notify.alice").state not in ("unknown", None)


async def test_recipient_flow_errors(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """A bad number is refused; the same number twice aborts."""
    result = await _add_recipient(hass, loaded_entry, "Bob", "call me")
    assert result["errors"] == {CONF_PHONE_NUMBER: "invalid_phone_number"}
    await _add_recipient(hass, loaded_entry, "Dave", "+15555550188")
    await hass.async_block_till_done()
    await _add_recipient(hass, loaded_entry, "Bob", US_NUMBER)
    await hass.async_block_till_done()
    result = await _add_recipient(hass, loaded_entry, "Robert", "+1 (555) 555-0123")
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_recipients_from_storage_and_removal(
    hass: HomeAssistant, emulator: Emulator
) -> None:
    """Stored recipients load with the entry; removing one removes its device."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Home",
        data=entry_data(emulator),
        subentries_data=[recipient("+15555550177", "Carol")],
    )
    await set_up(hass, entry)
    assert hass.states.get("notify.carol") is not None
    subentry_id = next(iter(entry.subentries))
    assert hass.config_entries.async_remove_subentry(entry, subentry_id)
    await hass.async_block_till_done()
    assert hass.states.get("notify.carol") is None


async def test_legacy_platform_without_discovery(hass: HomeAssistant) -> None:
    """Set up from YAML (not supported), the platform makes no service."""
    assert await async_get_service(hass, {}, None) is None


def test_data_schema_is_the_action_schema() -> None:
    """The notify service's data takes the action's send options, and call."""
    assert DATA_SCHEMA({"dry_run": "yes"}) == {"dry_run": True, "call": False}
    assert DATA_SCHEMA({"call": "on"})["call"] is True
    with pytest.raises(probatio.Invalid):
        DATA_SCHEMA({"colour": "red"})


async def test_unloading_one_entry_leaves_the_others_service(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """Two accounts, two notify services: unloading one keeps the other."""
    other = MockConfigEntry(
        domain=DOMAIN,
        title="AWS SMS 123456789012 (eu-west-1)",
        unique_id="123456789012_eu-west-1",
        data=entry_data(emulator, region="eu-west-1"),
    )
    await set_up(hass, other)
    other_service = "aws_sms_123456789012_eu_west_1"
    assert hass.services.has_service(NOTIFY_DOMAIN, other_service)
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    assert not hass.services.has_service(NOTIFY_DOMAIN, LEGACY_SERVICE)
    await hass.services.async_call(
        NOTIFY_DOMAIN,
        other_service,
        {"message": "still here", "target": US_NUMBER},
        blocking=True,
    )
    assert [m.body for m in emulator.outbox] == ["still here"]
    assert emulator.outbox[0].region == "eu-west-1"


async def test_unloading_an_entry_without_a_legacy_service(hass: HomeAssistant) -> None:
    """Nothing registered (setup failed before it): nothing to remove."""
    from custom_components.aws_eum_x.notify import async_unload_legacy_service  # noqa: PLC0415

    await async_unload_legacy_service(hass, "never-set-up")
    assert not hass.services.has_service(NOTIFY_DOMAIN, LEGACY_SERVICE)
