"""Home Assistant on AWS: credentials from botocore's default chain.

The emulator serves a container-credentials endpoint as ECS does; botocore
finds it through AWS_CONTAINER_CREDENTIALS_FULL_URI, on a worker thread.
"""

import asyncio
from pathlib import Path
import threading
from unittest.mock import patch

from aiobotocore.session import AioSession
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.aws_eum_x.aws_errors import AwsAuthError
from custom_components.aws_eum_x.const import (
    CONF_ACCESS_KEY_ID,
    CONF_AUTH_METHOD,
    CONF_ENDPOINT_URL,
    CONF_KEY_ADDED_AT,
    CONF_REGION,
)
from custom_components.aws_eum_x.credentials import DefaultChain
from custom_components.aws_eum_x.diagnostics import async_get_config_entry_diagnostics
from eum_emulator import (
    DEMO_ACCESS_KEY_ID,
    DEMO_SECRET_ACCESS_KEY,
    AccountState,
    Emulator,
    Role,
)

from .conftest import (
    demo_entry,
    send,
    set_up,
    start_user_flow,
    submit_reconfigure_flow,
    submit_user_flow,
)

ROLE = "ha-task"
TOKEN = "container-token-4711"


@pytest.fixture
def account_state() -> AccountState:
    """A task role whose sessions last two seconds, behind a token."""
    return AccountState(
        roles=[Role(ROLE, credential_lifetime_seconds=2)],
        container_authorization_token=TOKEN,
    )


@pytest.fixture
def on_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, emulator: Emulator) -> None:
    """What an ECS task sees: the endpoint and its token, and no files."""
    _no_keys_or_files(monkeypatch, tmp_path)
    monkeypatch.setenv(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI", emulator.container_credentials_url(ROLE)
    )
    monkeypatch.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", TOKEN)


def _no_keys_or_files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No key in the environment and no ~/.aws files, as on a fresh host."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))


def _chain_data(emulator: Emulator) -> dict[str, str]:
    """Return the data of an entry that uses the default chain."""
    return {
        CONF_AUTH_METHOD: "default_chain",
        CONF_REGION: "us-east-1",
        CONF_ENDPOINT_URL: emulator.url,
    }


async def _loaded_chain_entry(
    hass: HomeAssistant, emulator: Emulator
) -> MockConfigEntry:
    """Set up an entry that uses the default chain."""
    return await set_up(hass, demo_entry(emulator, data=_chain_data(emulator)))


def _chain_input(emulator: Emulator) -> dict:
    return {CONF_REGION: "us-east-1", "advanced": {CONF_ENDPOINT_URL: emulator.url}}


def _worker_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "aws_eum_x credentials"]


@pytest.mark.usefixtures("on_aws")
async def test_the_flow_shows_the_source_and_account(
    hass: HomeAssistant, emulator: Emulator
) -> None:
    """No key stored; the form says where the credentials came from."""
    result = await start_user_flow(hass, "default_chain")
    assert result["step_id"] == "default_chain"
    assert CONF_ACCESS_KEY_ID not in result["data_schema"].schema
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _chain_input(emulator)
    )
    assert result["step_id"] == "default_chain_confirm"
    assert result["description_placeholders"] == {
        "source": "The container's task role (ECS, EKS Pod Identity)",
        "account_id": "123456789012",
        "region": "us-east-1",
    }
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == _chain_data(emulator)
    await hass.async_block_till_done()
    entry = result["result"]
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.client.credentials_source == "container-role"
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert diagnostics["credentials_source"] == "container-role"
    assert CONF_KEY_ADDED_AT not in entry.data


@pytest.mark.usefixtures("on_aws")
async def test_sends_renew_the_task_roles_credentials(
    hass: HomeAssistant, emulator: Emulator
) -> None:
    """Two-second sessions: a send after expiry renews them first, and works."""
    entry = await _loaded_chain_entry(hass, emulator)
    for body in ("first", "second"):
        await send(hass, target="+15555550123", message=body)
        if body == "first":
            await asyncio.sleep(2.2)
    keys = {m.access_key_id for m in emulator.outbox}
    assert len(keys) == 2
    assert all(key.startswith("ASIA") for key in keys)
    assert len(_worker_threads()) == 1
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert _worker_threads() == []


async def test_environment_variables_are_named_as_such(
    hass: HomeAssistant,
    emulator: Emulator,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """Botocore's "env" provider is shown in words the user recognises."""
    _no_keys_or_files(monkeypatch, tmp_path)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", DEMO_ACCESS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", DEMO_SECRET_ACCESS_KEY)
    result = await submit_user_flow(hass, _chain_input(emulator), "default_chain")
    assert result["step_id"] == "default_chain_confirm"
    assert result["description_placeholders"]["source"] == (
        "Environment variables (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"
    )
    await hass.config_entries.flow.async_configure(result["flow_id"], {})
    await hass.async_block_till_done()


def test_every_botocore_provider_has_a_readable_name() -> None:
    """Each credential provider of the installed botocore has a label."""
    import json  # noqa: PLC0415

    from botocore import credentials  # noqa: PLC0415

    strings = json.loads(
        (
            Path(__file__).parents[2]
            / "custom_components"
            / "aws_eum_x"
            / "strings.json"
        ).read_text(encoding="utf-8")
    )
    labels = strings["selector"]["credentials_source"]["options"]
    methods = {
        provider.METHOD
        for provider in vars(credentials).values()
        if isinstance(provider, type)
        and issubclass(provider, credentials.CredentialProvider)
        and provider.METHOD
    }
    assert methods
    assert methods <= set(labels)


async def test_nothing_found_is_named(
    hass: HomeAssistant,
    emulator: Emulator,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """A home server has no task role: the form says so, and leaks no thread."""
    _no_keys_or_files(monkeypatch, tmp_path)
    for name in (
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    ):
        monkeypatch.delenv(name, raising=False)
    result = await submit_user_flow(hass, _chain_input(emulator), "default_chain")
    assert result["errors"] == {"base": "no_credentials"}
    assert _worker_threads() == []


@pytest.mark.usefixtures("on_aws")
async def test_reconfigure_a_key_entry_to_the_chain(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """Moving Home Assistant onto AWS: drop the stored key for the task role."""
    result = await submit_reconfigure_flow(
        hass, loaded_entry, _chain_input(emulator), "default_chain"
    )
    assert result["step_id"] == "default_chain_confirm"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert CONF_ACCESS_KEY_ID not in loaded_entry.data
    assert loaded_entry.data[CONF_AUTH_METHOD] == "default_chain"
    assert loaded_entry.state is ConfigEntryState.LOADED


@pytest.mark.usefixtures("on_aws")
async def test_a_rejected_chain_reauths_without_a_key_field(
    hass: HomeAssistant, emulator: Emulator
) -> None:
    """Reauth for the chain checks it again; there is no key to type."""
    entry = demo_entry(
        emulator, unique_id="123456789012_us-east-1", data=_chain_data(emulator)
    )
    entry.add_to_hass(hass)
    result = await entry.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_confirm"
    assert list(result["data_schema"].schema) == []
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["reason"] == "reauth_successful"


async def test_a_source_that_fails_is_named(
    hass: HomeAssistant,
    emulator: Emulator,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """A task role endpoint that refuses: the form says the credentials failed."""
    _no_keys_or_files(monkeypatch, tmp_path)
    monkeypatch.setenv(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI", emulator.container_credentials_url(ROLE)
    )
    monkeypatch.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "wrong-token")
    result = await submit_user_flow(hass, _chain_input(emulator), "default_chain")
    assert result["errors"] == {"base": "invalid_auth"}
    assert _worker_threads() == []


@pytest.mark.usefixtures("on_aws")
async def test_a_renewal_that_fails_sends_nothing(
    hass: HomeAssistant, emulator: Emulator
) -> None:
    """The task role's endpoint stops answering: the send fails, unsent."""
    await _loaded_chain_entry(hass, emulator)
    emulator.state.container_authorization_token = "rotated-by-someone-else"
    await asyncio.sleep(2.2)
    # botocore itself retries the endpoint (about 3 s); one attempt of ours
    # is enough to show the outcome.
    with (
        patch("custom_components.aws_eum_x.sender.MAX_ATTEMPTS", 1),
        pytest.raises(HomeAssistantError) as caught,
    ):
        # retry_for 0: fail rather than wait in the outbox (tested there).
        await send(hass, target="+15555550123", message="hi", retry_for=0)
    assert caught.value.translation_key == "cannot_connect"
    assert emulator.outbox == []


async def test_credentials_before_the_chain_was_asked(hass: HomeAssistant) -> None:
    """A programming guard: nothing resolved, nothing to sign with."""
    session = await hass.async_add_executor_job(AioSession)
    chain = DefaultChain(session)
    try:
        with pytest.raises(AwsAuthError):
            await chain.async_frozen()
    finally:
        await hass.async_add_executor_job(chain.close)
        await hass.async_add_executor_job(chain.close)  # again: a no-op
