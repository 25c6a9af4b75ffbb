"""Authenticating with an access key that assumes a role (STS AssumeRole).

The emulator's STS issues temporary credentials the way AWS does; the
integration's clients use aiobotocore's refreshable credentials, so a role
whose sessions expire every two seconds still sends every message.
"""

import json
import logging
from typing import Any

from homeassistant.components.logger.helpers import get_integration_loggers
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.aws_eum_x.const import (
    CONF_ACCESS_KEY_ID,
    CONF_AUTH_METHOD,
    CONF_EXTERNAL_ID,
    CONF_MPS,
    CONF_ROLE_ARN,
    CONF_SECRET_ACCESS_KEY,
    DOMAIN,
)
from custom_components.aws_eum_x.credentials import (
    AwsInvalidRoleError,
    RoleSettings,
    assume_role_fetcher,
)
from custom_components.aws_eum_x.helpers import async_connection
from eum_emulator import AccessKey, AccountState, Emulator, Role

from .conftest import (
    demo_entry,
    entry_data,
    flow_input,
    send,
    set_up,
    setup_with_options,
    start_reconfigure_flow,
    start_user_flow,
    submit_reconfigure_flow,
    submit_user_flow,
)

ROLE_ACCOUNT = "210987654321"
ROLE_ARN = f"arn:aws:iam::{ROLE_ACCOUNT}:role/home-assistant-sms"
SHORT_ROLE_ARN = "arn:aws:iam::123456789012:role/short-lived"
EXTERNAL_ID = "a-long-shared-secret-4711"
# An IAM user allowed nothing but to assume the role.
ASSUMER_KEY = "TESTKEYASSUMEONLY"
ASSUMER_SECRET = "assume-only-secret-EXAMPLEKEY"
TOLL_FREE = "+18885550100"


@pytest.fixture
def account_state() -> AccountState:
    """The demo account, a user that may only assume roles, and two roles."""
    state = AccountState()
    state.access_keys.append(
        AccessKey(ASSUMER_KEY, ASSUMER_SECRET, allowed_actions=["sts:AssumeRole"])
    )
    state.roles += [
        Role(
            "home-assistant-sms",
            account_id=ROLE_ACCOUNT,
            trusted=[ASSUMER_KEY],
            external_id=EXTERNAL_ID,
            allowed_actions=["sms-voice:*"],
        ),
        # Sessions that expire every two seconds: each send refreshes.
        Role(
            "short-lived",
            trusted=[ASSUMER_KEY],
            allowed_actions=["sms-voice:*"],
            credential_lifetime_seconds=2,
        ),
    ]
    return state


def _role_input(emulator: Emulator, **overrides: Any) -> dict[str, Any]:
    return flow_input(
        emulator,
        **{
            CONF_ACCESS_KEY_ID: ASSUMER_KEY,
            CONF_SECRET_ACCESS_KEY: ASSUMER_SECRET,
            CONF_ROLE_ARN: ROLE_ARN,
            CONF_EXTERNAL_ID: EXTERNAL_ID,
            **overrides,
        },
    )


def _role_entry(
    emulator: Emulator, unique_id: str = f"{ROLE_ACCOUNT}_us-east-1", **overrides: Any
) -> MockConfigEntry:
    data = entry_data(
        emulator,
        **{
            CONF_ACCESS_KEY_ID: ASSUMER_KEY,
            CONF_SECRET_ACCESS_KEY: ASSUMER_SECRET,
            CONF_AUTH_METHOD: "assume_role",
            CONF_ROLE_ARN: ROLE_ARN,
            CONF_EXTERNAL_ID: EXTERNAL_ID,
            **overrides,
        },
    )
    return demo_entry(
        emulator,
        title=f"AWS SMS {ROLE_ACCOUNT} (us-east-1)",
        unique_id=unique_id,
        data=data,
    )


async def test_the_flow_adds_an_entry_for_the_roles_account(
    hass: HomeAssistant, emulator: Emulator
) -> None:
    """The role may live in another account: the entry is that account's."""
    result = await start_user_flow(hass, "assume_role")
    assert result["step_id"] == "assume_role"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _role_input(emulator)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == f"{ROLE_ACCOUNT}_us-east-1"
    assert result["title"] == f"AWS SMS {ROLE_ACCOUNT} (us-east-1)"
    assert result["data"][CONF_AUTH_METHOD] == "assume_role"
    assert result["data"][CONF_ROLE_ARN] == ROLE_ARN
    await hass.async_block_till_done()
    assert result["result"].state is ConfigEntryState.LOADED


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({CONF_EXTERNAL_ID: "wrong"}, "assume_role_denied"),
        ({CONF_EXTERNAL_ID: ""}, "assume_role_denied"),
        (
            {CONF_ROLE_ARN: f"arn:aws:iam::{ROLE_ACCOUNT}:role/does-not-exist"},
            "assume_role_denied",
        ),
        (
            {
                CONF_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
                CONF_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            },
            "assume_role_denied",
        ),
        ({CONF_SECRET_ACCESS_KEY: "wrong"}, "invalid_auth"),
    ],
)
async def test_every_assume_role_refusal_is_named(
    hass: HomeAssistant,
    emulator: Emulator,
    overrides: dict,
    error: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Untrusted user, wrong or missing external ID, no such role, bad key.

    A settings problem, said in the form: no warning or traceback in the log.
    """
    result = await submit_user_flow(
        hass, _role_input(emulator, **overrides), "assume_role"
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": error}
    placeholders = result["description_placeholders"]
    if error == "assume_role_denied":
        assert placeholders["role_arn"] == overrides.get(CONF_ROLE_ARN, ROLE_ARN)
        assert placeholders["external_id"] == (
            "set" if overrides.get(CONF_EXTERNAL_ID, EXTERNAL_ID) else "not set"
        )
        assert placeholders["action"] == "sts:AssumeRole"
    assert "Traceback" not in caplog.text
    assert not [
        r
        for r in caplog.records
        if r.levelno >= logging.WARNING
        and r.name.startswith(("aiobotocore", "botocore", "custom_components"))
    ]


async def test_credentials_refresh_across_expiry_during_a_fan_out(
    hass: HomeAssistant, emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    """Sessions last 2 s, the fan-out 4 s: every message goes, none fails."""
    # Debug logging as the integration's page enables it.
    caplog.set_level(logging.WARNING)
    for name in await get_integration_loggers(hass, DOMAIN):
        caplog.set_level(logging.DEBUG, logger=name)
    entry = _role_entry(
        emulator, "123456789012_us-east-1", **{CONF_ROLE_ARN: SHORT_ROLE_ARN}
    )
    entry.add_to_hass(hass)
    await setup_with_options(hass, entry, **{CONF_MPS: {TOLL_FREE: 1.0}})
    targets = [f"+1555555012{i}" for i in range(5)]
    response = await send(
        hass, target=targets, message="hi", origination_identity=TOLL_FREE
    )
    assert len(response["messages"]) == 5
    assert sorted(m.destination for m in emulator.outbox) == targets
    # One role session per expiry crossed, each signed with the assumer's key.
    issued = [k for k in emulator.state.access_keys if k.role_arn == SHORT_ROLE_ARN]
    assert len(issued) >= 2
    assert {m.access_key_id for m in emulator.outbox} <= {
        k.access_key_id for k in issued
    }
    for key in issued:
        assert key.secret_access_key not in caplog.text
        assert key.session_token not in caplog.text
    assert ASSUMER_SECRET not in caplog.text


async def test_a_role_revoked_after_setup_is_named_when_sending(
    hass: HomeAssistant, emulator: Emulator
) -> None:
    """The trust policy changed: the send fails naming sts:AssumeRole."""
    entry = _role_entry(
        emulator, "123456789012_us-east-1", **{CONF_ROLE_ARN: SHORT_ROLE_ARN}
    )
    await set_up(hass, entry)
    emulator.state.find_role(SHORT_ROLE_ARN).trusted = []
    # Let the two-second session run out, so the next call must refresh.
    emulator.state.access_keys[:] = [
        k for k in emulator.state.access_keys if k.role_arn != SHORT_ROLE_ARN
    ]
    with pytest.raises(Exception) as caught:  # noqa: PT011 - checked below
        await send(hass, target="+15555550123", message="hi")
    assert getattr(caught.value, "translation_key", None) in {
        "assume_role_denied",
        "access_denied",
    }
    assert emulator.outbox == []


async def test_reconfigure_from_a_key_to_a_role_of_the_same_account(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """Reconfigure switches methods; the role must be in the same account."""
    result = await start_reconfigure_flow(hass, loaded_entry, "assume_role")
    assert result["step_id"] == "reconfigure_assume_role"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _role_input(emulator)
    )
    assert result["reason"] == "wrong_account"
    result = await submit_reconfigure_flow(
        hass,
        loaded_entry,
        _role_input(emulator, **{CONF_ROLE_ARN: SHORT_ROLE_ARN, CONF_EXTERNAL_ID: ""}),
        "assume_role",
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert loaded_entry.data[CONF_AUTH_METHOD] == "assume_role"
    assert CONF_EXTERNAL_ID not in loaded_entry.data
    assert loaded_entry.state is ConfigEntryState.LOADED


async def test_diagnostics_show_the_role_but_no_secret(
    hass: HomeAssistant, emulator: Emulator, hass_client: ClientSessionGenerator
) -> None:
    """Role ARN and method are shown; key, secret and external ID are not."""
    entry = await set_up(hass, _role_entry(emulator))
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    data = diagnostics["entry"]["data"]
    assert data[CONF_ROLE_ARN] == ROLE_ARN
    assert data[CONF_AUTH_METHOD] == "assume_role"
    text = json.dumps(diagnostics)
    for secret in (ASSUMER_KEY, ASSUMER_SECRET, EXTERNAL_ID):
        assert secret not in text


@pytest.mark.parametrize(
    "role_arn",
    ["not-an-arn", "arn:aws:iam::123:role/x", "arn:aws:s3:::bucket/role/x"],
)
async def test_a_malformed_role_arn_is_refused_before_aws(
    hass: HomeAssistant, emulator: Emulator, role_arn: str
) -> None:
    """The form says what a role ARN looks like; AWS is not asked."""
    result = await submit_user_flow(
        hass, _role_input(emulator, **{CONF_ROLE_ARN: role_arn}), "assume_role"
    )
    assert result["errors"] == {CONF_ROLE_ARN: "invalid_role_arn"}
    assert emulator.temporary_keys() == 0


@pytest.mark.parametrize(
    "session_name",
    [
        "x",  # too short: botocore refuses it before sending
        "has spaces!",  # of a valid length: STS answers ValidationError
    ],
)
async def test_a_request_sts_cannot_take_is_invalid_role(
    hass: HomeAssistant, emulator: Emulator, session_name: str
) -> None:
    """What botocore or STS refuse in the request itself names the role."""
    connection = await async_connection(
        hass,
        entry_data(
            emulator,
            **{CONF_ACCESS_KEY_ID: ASSUMER_KEY, CONF_SECRET_ACCESS_KEY: ASSUMER_SECRET},
        ),
    )
    fetch = assume_role_fetcher(
        connection, RoleSettings(SHORT_ROLE_ARN, session_name=session_name)
    )
    with pytest.raises(AwsInvalidRoleError):
        await fetch()


async def test_sts_out_of_reach_means_not_sent(hass: HomeAssistant, emulator) -> None:
    """Renewing needs STS; when it cannot be reached, nothing was sent."""
    import socket  # noqa: PLC0415

    from custom_components.aws_eum_x.aws_errors import AwsNotSentError  # noqa: PLC0415

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    connection = await async_connection(
        hass,
        entry_data(
            emulator,
            **{
                CONF_ACCESS_KEY_ID: ASSUMER_KEY,
                CONF_SECRET_ACCESS_KEY: ASSUMER_SECRET,
                "endpoint_url": f"http://127.0.0.1:{port}",
            },
        ),
    )
    with pytest.raises(AwsNotSentError):
        await assume_role_fetcher(connection, RoleSettings(SHORT_ROLE_ARN))()
