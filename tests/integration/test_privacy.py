"""What a user may paste into a public bug report: debug logs, errors, diagnostics.

"Enable debug logging" on the integration's page raises exactly the loggers
Home Assistant's logger integration computes for the domain; a log taken
that way must say what happened without a full number, a body or a secret.
"""

import json
import logging
import re

from homeassistant.components.logger.helpers import get_integration_loggers
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.aws_eum_x.const import (
    CONF_MPS,
    CONF_ORIGINATION_IDENTITY,
    DOMAIN,
)
from eum_emulator import DEMO_SECRET_ACCESS_KEY, AccountState, Emulator

from .conftest import send, setup_with_options

US_NUMBER = "+15555550123"
OPTED_OUT = "+15555550199"
TOLL_FREE = "+18885550100"
BODY = "The back door opened at 03:12"


@pytest.fixture
def account_state() -> AccountState:
    """The demo account, with a recipient who replied STOP."""
    return AccountState(opted_out=[OPTED_OUT])


async def test_debug_log_is_safe_to_share(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    emulator: Emulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Debug logging as the UI enables it: masked, useful, nothing secret."""
    loggers = await get_integration_loggers(hass, DOMAIN)
    # botocore's and aiobotocore's debug lines carry full request bodies.
    assert not {"botocore", "aiobotocore"} & loggers
    # Home Assistant's root level is WARNING unless started with --verbose.
    caplog.set_level(logging.WARNING)
    for name in loggers:
        caplog.set_level(logging.DEBUG, logger=name)
    await send(
        hass, target=US_NUMBER, message=BODY, **{CONF_ORIGINATION_IDENTITY: TOLL_FREE}
    )
    with pytest.raises(HomeAssistantError):
        await send(hass, target=OPTED_OUT, message=BODY)
    text = caplog.text
    for secret in (US_NUMBER, OPTED_OUT, TOLL_FREE, BODY, DEMO_SECRET_ACCESS_KEY):
        assert secret not in text
    sent = next(
        r.getMessage() for r in caplog.records if r.getMessage().startswith("Sent SMS")
    )
    # What was sent (masked), from where, its segments, AWS's request ID, time.
    message_id = emulator.outbox[0].message_id
    assert re.fullmatch(
        rf"Sent SMS {message_id} to \*\*\*0123 from \*\*\*0100: 1 GSM-7 segment\(s\),"
        r" request [0-9a-f-]{36}, \d+ ms",
        sent,
    )
    assert "***0199" in text


async def test_aws_error_placeholders_mask_numbers(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """AWS names the opted-out number as the resource: the error masks it."""
    with pytest.raises(HomeAssistantError) as caught:
        await send(hass, target=OPTED_OUT, message="hi")
    placeholders = caught.value.translation_placeholders
    assert placeholders["resource"] == "opted-out-number ***0199"
    assert OPTED_OUT not in json.dumps(placeholders)
    assert OPTED_OUT not in str(caught.value)


async def test_diagnostics_mask_numbers_in_the_options(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    config_entry: MockConfigEntry,
) -> None:
    """The default identity and the per-identity rates name numbers: masked."""
    await setup_with_options(
        hass,
        config_entry,
        **{
            CONF_ORIGINATION_IDENTITY: TOLL_FREE,
            CONF_MPS: {TOLL_FREE: 2.0, "HOMEALERT": 5.0},
        },
    )
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, config_entry
    )
    assert TOLL_FREE not in json.dumps(diagnostics)
    options = diagnostics["entry"]["options"]
    assert options[CONF_ORIGINATION_IDENTITY] == "***0100"
    assert options[CONF_MPS] == {"***0100": 2.0, "HOMEALERT": 5.0}
