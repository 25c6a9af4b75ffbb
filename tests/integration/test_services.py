"""The aws_eum_x.send_message action: requests, responses, bad input."""

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import probatio
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.aws_eum_x.const import (
    CONF_CONFIGURATION_SET,
    CONF_MAX_PRICE,
    CONF_MESSAGE_TYPE,
    CONF_ORIGINATION_IDENTITY,
    CONF_TIME_TO_LIVE,
    DOMAIN,
)
from eum_emulator import Emulator

from .conftest import entry_data, send, set_up, setup_with_options

TOLL_FREE = "+18885550100"
US_NUMBER = "+15555550123"


async def test_send_with_every_option(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """Every field reaches AWS as its parameter; the response lists the message."""
    response = await send(
        hass,
        target=["+1 (555) 555-0123"],
        message="Alarm: front door opened",
        origination_identity=TOLL_FREE,
        message_type="TRANSACTIONAL",
        configuration_set="home-alerts",
        max_price="0.05",
        time_to_live=300,
        context={"automation": "alarm"},
    )
    [message] = emulator.outbox
    assert message.parameters == {
        "DestinationPhoneNumber": US_NUMBER,
        "MessageBody": "Alarm: front door opened",
        "OriginationIdentity": TOLL_FREE,
        "MessageType": "TRANSACTIONAL",
        "ConfigurationSetName": "home-alerts",
        "MaxPrice": "0.05",
        "TimeToLive": 300,
        "Context": {"automation": "alarm"},
    }
    assert response == {
        "messages": [
            {
                "target": US_NUMBER,
                "message_id": message.message_id,
                "segments": 1,
                "encoding": "GSM-7",
                "dry_run": False,
            }
        ]
    }


async def test_options_are_the_defaults(
    hass: HomeAssistant, config_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """The entry's options fill what the call leaves out."""
    await setup_with_options(
        hass,
        config_entry,
        **{
            CONF_ORIGINATION_IDENTITY: TOLL_FREE,
            CONF_MESSAGE_TYPE: "PROMOTIONAL",
            CONF_CONFIGURATION_SET: "home-alerts",
            CONF_MAX_PRICE: "0.5",
            CONF_TIME_TO_LIVE: 600,
        },
    )
    await send(hass, target=US_NUMBER, message="hi", message_type="TRANSACTIONAL")
    assert emulator.outbox[0].parameters == {
        "DestinationPhoneNumber": US_NUMBER,
        "MessageBody": "hi",
        "OriginationIdentity": TOLL_FREE,
        "MessageType": "TRANSACTIONAL",
        "ConfigurationSetName": "home-alerts",
        "MaxPrice": "0.5",
        "TimeToLive": 600,
    }


async def test_duplicate_targets_are_sent_once(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """The same number written two ways is one message."""
    response = await send(
        hass, target=[US_NUMBER, "+1 555-555-0123", "+15555550124"], message="hi"
    )
    assert [m["target"] for m in response["messages"]] == [US_NUMBER, "+15555550124"]
    assert sorted(m.destination for m in emulator.outbox) == [
        US_NUMBER,
        "+15555550124",
    ]


async def test_dry_run_goes_to_aws_as_dry_run(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """DryRun reaches AWS; the response says it was a dry run."""
    response = await send(hass, target=US_NUMBER, message="test", dry_run=True)
    assert emulator.outbox[0].dry_run is True
    assert emulator.outbox[0].parameters["DryRun"] is True
    assert response["messages"][0]["dry_run"] is True


async def test_long_unicode_message_reports_segments(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """The response's segment count is the one AWS bills."""
    response = await send(hass, target=US_NUMBER, message="❄️ Freezer warm " * 9)
    assert response["messages"][0]["encoding"] == "UCS-2"
    assert response["messages"][0]["segments"] == emulator.outbox[0].segments == 3


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"target": ["not a number"], "message": "hi"}, "invalid_phone_number"),
        ({"target": [], "message": "hi"}, "no_targets"),
        ({"target": [US_NUMBER], "message": "   "}, "message_empty"),
        ({"target": [US_NUMBER], "message": "x" * 1601}, "message_too_long"),
        (
            {"target": [US_NUMBER], "message": "hi", "origination_identity": "NOPE"},
            "unknown_origination_identity",
        ),
        (
            {"target": [US_NUMBER], "message": "hi", "max_price": "1"},
            "invalid_max_price",
        ),
    ],
)
async def test_bad_input_is_refused_before_aws(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    emulator: Emulator,
    data: dict[str, Any],
    key: str,
) -> None:
    """Each mistake has its own translated error; nothing reaches AWS."""
    with pytest.raises(ServiceValidationError) as caught:
        await send(hass, **data)
    assert caught.value.translation_key == key
    assert emulator.outbox == []


@pytest.mark.parametrize(
    "data",
    [
        {"target": [US_NUMBER], "message": "hi", "message_type": "URGENT"},
        {"target": [US_NUMBER], "message": "hi", "time_to_live": 1},
        {
            "target": [US_NUMBER],
            "message": "hi",
            "context": {str(i): "v" for i in range(6)},
        },
    ],
)
async def test_schema_refuses_out_of_range_options(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emulator, data
) -> None:
    """Enums and ranges the API enforces are checked by the action's schema."""
    with pytest.raises(probatio.Invalid):
        await send(hass, **data)
    assert emulator.outbox == []


async def test_an_identity_arn_is_passed_through(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """An ARN (a shared identity) is not in the inventory; AWS judges it."""
    arn = "arn:aws:sms-voice:us-east-1:210987654321:phone-number/phone-shared"
    with pytest.raises(HomeAssistantError) as caught:
        await send(hass, target=US_NUMBER, message="hi", origination_identity=arn)
    assert caught.value.translation_key == "resource_not_found"
    assert "phone-number" in str(caught.value)


async def test_entry_selection(
    hass: HomeAssistant, config_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """No entry loaded, an unknown ID, or two entries without an ID: clear errors."""
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    assert await hass.config_entries.async_unload(config_entry.entry_id)
    with pytest.raises(ServiceValidationError) as caught:
        await send(hass, target=US_NUMBER, message="hi")
    assert caught.value.translation_key == "entry_required"
    # Named as the UI shows the field (and as YAML spells it).
    assert "the Account field (config_entry_id in YAML)" in str(caught.value)
    with pytest.raises(ServiceValidationError) as caught:
        await send(hass, target=US_NUMBER, message="hi", config_entry_id="nope")
    assert caught.value.translation_key == "entry_not_found"
    with pytest.raises(ServiceValidationError) as caught:
        await send(
            hass,
            target=US_NUMBER,
            message="hi",
            config_entry_id=config_entry.entry_id,
        )
    assert caught.value.translation_key == "entry_not_loaded"

    assert await hass.config_entries.async_reload(config_entry.entry_id)
    other = MockConfigEntry(
        domain=DOMAIN,
        unique_id="123456789012_eu-west-2",
        title="Second",
        data=entry_data(emulator, region="eu-west-2"),
    )
    await set_up(hass, other)
    with pytest.raises(ServiceValidationError) as caught:
        await send(hass, target=US_NUMBER, message="hi")
    assert caught.value.translation_placeholders == {"count": "2"}
    await send(hass, target=US_NUMBER, message="hi", config_entry_id=other.entry_id)
    assert emulator.outbox[0].region == "eu-west-2"


async def test_without_response(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """The action also works as a plain call, without asking for a response."""
    await hass.services.async_call(
        DOMAIN, "send_message", {"target": US_NUMBER, "message": "hi"}, blocking=True
    )
    assert len(emulator.outbox) == 1
