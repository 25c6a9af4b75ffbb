"""The config flow: user step, errors, reauth, reconfigure and options."""

import socket
from unittest.mock import patch

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.aws_eum_x.const import (
    CONF_ACCESS_KEY_ID,
    CONF_AUTH_METHOD,
    CONF_CONFIGURATION_SET,
    CONF_DAILY_SEGMENT_CAP,
    CONF_ENDPOINT_URL,
    CONF_KEY_ADDED_AT,
    CONF_KEY_ROTATION_DAYS,
    CONF_MAX_PRICE,
    CONF_MESSAGE_TYPE,
    CONF_MPS,
    CONF_ORIGINATION_IDENTITY,
    CONF_REGION,
    CONF_SECRET_ACCESS_KEY,
    CONF_TIME_TO_LIVE,
    DOMAIN,
)
from eum_emulator import (
    DEMO_ACCESS_KEY_ID,
    DEMO_SECRET_ACCESS_KEY,
    AccessKey,
    AccountState,
    Emulator,
)

from .conftest import (
    REGION,
    TITLE,
    UNIQUE_ID,
    entry_data,
    flow_input,
    start_reconfigure_flow,
    start_user_flow,
    submit_reconfigure_flow,
    submit_user_flow,
)

SECOND_KEY = "TESTKEYSECOND"
SECOND_SECRET = "second-secret-EXAMPLEKEY"
NO_DESCRIBE_KEY = "TESTKEYNODESCRIBE"


@pytest.fixture
def account_state() -> AccountState:
    """Serve the demo account with a second key and a send-only key."""
    state = AccountState()
    state.access_keys += [
        AccessKey(SECOND_KEY, SECOND_SECRET),
        AccessKey(
            NO_DESCRIBE_KEY,
            SECOND_SECRET,
            allowed_actions=["sms-voice:SendTextMessage"],
        ),
    ]
    return state


def _free_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


async def test_user_flow_creates_the_entry(
    hass: HomeAssistant, emulator: Emulator
) -> None:
    """Valid keys create an entry named after the account and region."""
    result = await start_user_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "access_key"
    schema = result["data_schema"].schema
    assert schema["advanced"].options == {"collapsed": True}
    region_selector = next(v for k, v in schema.items() if k == CONF_REGION)
    regions = region_selector.config["options"]
    assert "us-east-1" in regions
    assert "us-gov-west-1" in regions

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {**flow_input(emulator), CONF_ACCESS_KEY_ID: f" {DEMO_ACCESS_KEY_ID} "},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == TITLE
    data = dict(result["data"])
    assert dt_util.parse_datetime(data.pop(CONF_KEY_ADDED_AT)) is not None
    assert data == entry_data(emulator) | {CONF_AUTH_METHOD: "access_key"}
    assert result["result"].unique_id == UNIQUE_ID


async def test_empty_endpoint_means_aws(hass: HomeAssistant, emulator) -> None:
    """An empty endpoint is not stored: the entry talks to AWS itself.

    Mocked: with no endpoint the check would go to real AWS, which tests must
    never reach; the mock records what the flow would have called.
    """
    with patch(
        "custom_components.aws_eum_x.config_flow.validate_credentials",
        return_value="123456789012",
    ) as validate:
        result = await submit_user_flow(hass, {**flow_input(emulator), "advanced": {}})
    assert validate.call_args.args[0].endpoint_url is None
    assert CONF_ENDPOINT_URL not in result["data"]


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({CONF_SECRET_ACCESS_KEY: "wrong"}, "invalid_auth"),
        ({CONF_ACCESS_KEY_ID: "TESTKEYUNKNOWN"}, "invalid_auth"),
        (
            {
                CONF_ACCESS_KEY_ID: NO_DESCRIBE_KEY,
                CONF_SECRET_ACCESS_KEY: SECOND_SECRET,
            },
            "access_denied",
        ),
    ],
)
async def test_user_flow_errors_then_recovers(
    hass: HomeAssistant, emulator: Emulator, overrides, error
) -> None:
    """Each failure maps to its form error; fixing the input creates the entry."""
    result = await submit_user_flow(hass, flow_input(emulator, **overrides))
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": error}
    if error == "access_denied":
        assert result["description_placeholders"]["action"] == (
            "sms-voice:DescribePhoneNumbers"
        )
        assert result["description_placeholders"]["policy_url"].endswith(
            "minimal-policy.json"
        )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], flow_input(emulator)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.parametrize(
    "url",
    ["127.0.0.1:4566", "not a url", "ftp://127.0.0.1:4566", "http://", "http://h/?q=1"],
)
async def test_an_endpoint_url_botocore_cannot_use_is_named(
    hass: HomeAssistant, emulator: Emulator, url: str
) -> None:
    """No scheme, another scheme, no host: named at the field, before AWS."""
    result = await submit_user_flow(hass, flow_input(emulator, endpoint_url=url))
    assert result["errors"] == {"advanced": "invalid_endpoint_url"}
    assert result["description_placeholders"]["example_url"].startswith("http://")
    # The section holding the URL stays open to show the mistake.
    assert result["data_schema"].schema["advanced"].options["collapsed"] is False
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], flow_input(emulator)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_https_for_a_plain_http_server_is_named(
    hass: HomeAssistant, emulator: Emulator
) -> None:
    """https:// against the emulator: TLS fails, and the form says why."""
    https = emulator.url.replace("http://", "https://")
    result = await submit_user_flow(hass, flow_input(emulator, endpoint_url=https))
    assert result["errors"] == {"base": "endpoint_tls"}
    assert "SSL" in result["description_placeholders"]["error"]


async def test_unreachable_endpoint(hass: HomeAssistant, socket_enabled) -> None:
    """A refused connection is cannot_connect."""
    result = await submit_user_flow(
        hass,
        {
            CONF_ACCESS_KEY_ID: DEMO_ACCESS_KEY_ID,
            CONF_SECRET_ACCESS_KEY: DEMO_SECRET_ACCESS_KEY,
            CONF_REGION: REGION,
            "advanced": {CONF_ENDPOINT_URL: _free_port_url()},
        },
    )
    assert result["errors"] == {"base": "cannot_connect"}


async def test_unexpected_aws_error_is_unknown(
    hass: HomeAssistant, emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    """An AWS error the flow does not expect is 'unknown', logged without secrets."""
    emulator.add_fault(
        "error",
        operation="DescribePhoneNumbers",
        code="ValidationException",
        message="Something new",
    )
    result = await submit_user_flow(hass, flow_input(emulator))
    assert result["errors"] == {"base": "unknown"}
    assert "Something new" in caplog.text
    assert DEMO_SECRET_ACCESS_KEY not in caplog.text


async def test_unexpected_exception_is_unknown(hass: HomeAssistant, emulator) -> None:
    """A bug (not an AWS answer) is 'unknown' too.

    Mocked: the emulator can only produce AWS answers, not a programming error.
    """
    with patch(
        "custom_components.aws_eum_x.config_flow.validate_credentials",
        side_effect=RuntimeError("boom"),
    ):
        result = await submit_user_flow(hass, flow_input(emulator))
    assert result["errors"] == {"base": "unknown"}


async def test_same_account_and_region_is_already_configured(
    hass: HomeAssistant, config_entry: MockConfigEntry, emulator
) -> None:
    """A second entry for the same account and region aborts."""
    result = await submit_user_flow(hass, flow_input(emulator))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_reauth_with_new_keys(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator
) -> None:
    """New keys of the same account replace the old ones."""
    result = await loaded_entry.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_confirm"
    assert result["description_placeholders"]["title"] == TITLE
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_ACCESS_KEY_ID: SECOND_KEY, CONF_SECRET_ACCESS_KEY: "wrong"},
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_ACCESS_KEY_ID: SECOND_KEY, CONF_SECRET_ACCESS_KEY: SECOND_SECRET},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert loaded_entry.data[CONF_ACCESS_KEY_ID] == SECOND_KEY
    assert loaded_entry.data[CONF_ENDPOINT_URL] == emulator.url


async def test_reauth_with_keys_of_another_account(
    hass: HomeAssistant, config_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """Keys of another account abort instead of silently switching accounts."""
    result = await config_entry.start_reauth_flow(hass)
    with emulator.lock:
        emulator.state.account_id = "210987654321"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_ACCESS_KEY_ID: SECOND_KEY, CONF_SECRET_ACCESS_KEY: SECOND_SECRET},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"
    assert config_entry.data[CONF_ACCESS_KEY_ID] == DEMO_ACCESS_KEY_ID


async def test_reconfigure_region_and_keys(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator
) -> None:
    """Moving to another region changes the unique ID and title."""
    result = await start_reconfigure_flow(hass, loaded_entry)
    assert result["step_id"] == "reconfigure_access_key"
    # A stored endpoint opens the advanced section.
    assert result["data_schema"].schema["advanced"].options == {"collapsed": False}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], flow_input(emulator, **{CONF_SECRET_ACCESS_KEY: "bad"})
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        flow_input(
            emulator,
            **{
                CONF_REGION: "eu-west-2",
                CONF_ACCESS_KEY_ID: SECOND_KEY,
                CONF_SECRET_ACCESS_KEY: SECOND_SECRET,
            },
        ),
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert loaded_entry.unique_id == "123456789012_eu-west-2"
    assert loaded_entry.title == "AWS SMS 123456789012 (eu-west-2)"
    assert loaded_entry.data[CONF_REGION] == "eu-west-2"


async def test_reconfigure_keeps_region_when_unchanged(
    hass: HomeAssistant, config_entry: MockConfigEntry, emulator
) -> None:
    """Reconfiguring the keys alone keeps the unique ID."""
    result = await submit_reconfigure_flow(
        hass,
        config_entry,
        flow_input(
            emulator,
            **{CONF_ACCESS_KEY_ID: SECOND_KEY, CONF_SECRET_ACCESS_KEY: SECOND_SECRET},
        ),
    )
    assert result["reason"] == "reconfigure_successful"
    assert config_entry.unique_id == UNIQUE_ID


async def test_reconfigure_to_another_account_or_taken_region(
    hass: HomeAssistant, config_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """Another account aborts; a region another entry has aborts too."""
    MockConfigEntry(
        domain=DOMAIN,
        unique_id="123456789012_eu-west-2",
        data=entry_data(emulator, **{CONF_REGION: "eu-west-2"}),
    ).add_to_hass(hass)
    result = await submit_reconfigure_flow(
        hass, config_entry, flow_input(emulator, **{CONF_REGION: "eu-west-2"})
    )
    assert result["reason"] == "already_configured"

    result = await start_reconfigure_flow(hass, config_entry)
    with emulator.lock:
        emulator.state.account_id = "210987654321"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], flow_input(emulator)
    )
    assert result["reason"] == "wrong_account"


async def test_options_flow(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    """Defaults from the inventory, then a rate for each identity; reloads."""
    result = await hass.config_entries.options.async_init(loaded_entry.entry_id)
    assert result["step_id"] == "init"
    schema = result["data_schema"].schema
    identity_selector = next(
        v for k, v in schema.items() if k == CONF_ORIGINATION_IDENTITY
    )
    labels = {o["value"] for o in identity_selector.config["options"]}
    assert {"+18885550100", "+447700900123", "HOMEALERT"} <= labels
    config_set_selector = next(
        v for k, v in schema.items() if k == CONF_CONFIGURATION_SET
    )
    assert config_set_selector.config["options"] == ["home-alerts"]

    user_input = {
        CONF_ORIGINATION_IDENTITY: "+18885550100",
        CONF_MESSAGE_TYPE: "transactional",
        CONF_CONFIGURATION_SET: "home-alerts",
        CONF_MAX_PRICE: "1.5",
        CONF_TIME_TO_LIVE: 600,
        CONF_DAILY_SEGMENT_CAP: 100,
    }
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**user_input, CONF_MAX_PRICE: "cheap"}
    )
    assert result["errors"] == {CONF_MAX_PRICE: "invalid_max_price"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], user_input
    )
    assert result["step_id"] == "rate_limits"
    rate_schema = result["data_schema"].schema
    defaults = {str(k): k.default() for k in rate_schema}
    # Each field is labelled as the identity's device: words, not raw IDs.
    toll_free = "Toll-free number +18885550100"
    assert defaults[toll_free] == 3.0
    assert defaults["Long code +447700900123"] == 10.0
    assert defaults["Sender ID HOMEALERT (GB)"] == 10.0
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**defaults, toll_free: 2}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert loaded_entry.options[CONF_MPS]["+18885550100"] == 2.0
    assert loaded_entry.options[CONF_MPS]["HOMEALERT"] == 10.0
    assert loaded_entry.options[CONF_MAX_PRICE] == "1.5"
    # The entry reloaded with the new options and is running again.
    assert loaded_entry.runtime_data.coordinator.last_update_success


async def test_options_flow_without_inventory(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """An entry that is not loaded still takes options, typed by hand."""
    result = await hass.config_entries.options.async_init(config_entry.entry_id)
    schema = result["data_schema"].schema
    identity_selector = next(
        v for k, v in schema.items() if k == CONF_ORIGINATION_IDENTITY
    )
    assert identity_selector.config["options"] == []
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_ORIGINATION_IDENTITY: "+18885550100",
            CONF_MESSAGE_TYPE: "promotional",
            CONF_CONFIGURATION_SET: "typed-by-hand",
            CONF_DAILY_SEGMENT_CAP: 0,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert config_entry.options == {
        CONF_ORIGINATION_IDENTITY: "+18885550100",
        CONF_MESSAGE_TYPE: "promotional",
        CONF_CONFIGURATION_SET: "typed-by-hand",
        CONF_DAILY_SEGMENT_CAP: 0,
        CONF_KEY_ROTATION_DAYS: 90,
        CONF_MPS: {},
        # The defaults of calls and picture messages.
        "voice": "joanna",
        "daily_call_minutes_cap": 0,
        "media_prefix": "aws-eum-x/",
        # The defaults of the outbox and of acknowledgements.
        "keep_unsent_minutes": 60,
        "acknowledgement_word": "OK",
        "acknowledgement_expiry_minutes": 60,
        "acknowledgement_confirmation": True,
    }


async def test_an_acknowledgement_word_is_letters_only(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """A word with a digit or a space could never be typed back unambiguously."""
    result = await hass.config_entries.options.async_init(config_entry.entry_id)
    for word in ("OK1", "O K", "TOOLONGWORDX"):
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], {CONF_DAILY_SEGMENT_CAP: 0, "acknowledgement_word": word}
        )
        assert result["errors"] == {
            "acknowledgement_word": "invalid_acknowledgement_word"
        }


async def test_advanced_stays_open_when_it_holds_the_endpoint(
    hass: HomeAssistant, socket_enabled
) -> None:
    """After "Could not reach AWS", the section with the endpoint URL stays open."""
    result = await start_user_flow(hass)
    advanced = result["data_schema"].schema["advanced"]
    assert advanced.options["collapsed"] is True
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_ACCESS_KEY_ID: DEMO_ACCESS_KEY_ID,
            CONF_SECRET_ACCESS_KEY: DEMO_SECRET_ACCESS_KEY,
            CONF_REGION: REGION,
            "advanced": {CONF_ENDPOINT_URL: _free_port_url()},
        },
    )
    assert result["errors"] == {"base": "cannot_connect"}
    advanced = result["data_schema"].schema["advanced"]
    assert advanced.options["collapsed"] is False


async def test_reconfigure_keeps_the_secret_of_the_same_key(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """AWS shows a secret once: the same key ID may leave it empty."""
    data = flow_input(emulator, region="us-east-2")
    del data[CONF_SECRET_ACCESS_KEY]
    result = await submit_reconfigure_flow(hass, loaded_entry, data)
    assert result["reason"] == "reconfigure_successful"
    assert loaded_entry.data[CONF_SECRET_ACCESS_KEY] == DEMO_SECRET_ACCESS_KEY
    assert loaded_entry.data[CONF_REGION] == "us-east-2"


async def test_reconfigure_needs_the_secret_of_a_new_key(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """A new key ID without its secret is refused before AWS is asked."""
    data = flow_input(emulator, access_key_id=SECOND_KEY)
    del data[CONF_SECRET_ACCESS_KEY]
    result = await submit_reconfigure_flow(hass, loaded_entry, data)
    assert result["errors"] == {CONF_SECRET_ACCESS_KEY: "secret_required"}


async def test_switching_method_keeps_what_the_methods_share(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """Key → role: region, endpoint and key ID are suggested, not blanked."""
    result = await start_reconfigure_flow(hass, loaded_entry, "assume_role")
    schema = result["data_schema"].schema

    def suggested(schema: dict) -> dict:
        return {
            str(key): key.description["suggested_value"]
            for key in schema
            if key.description and "suggested_value" in key.description
        }

    assert suggested(schema)[CONF_ACCESS_KEY_ID] == DEMO_ACCESS_KEY_ID
    assert suggested(schema)[CONF_REGION] == REGION
    advanced = schema["advanced"].schema.schema
    assert suggested(advanced) == {CONF_ENDPOINT_URL: emulator.url}
