"""No blocking I/O in the event loop, and nothing left open.

Home Assistant's blocking-call detector skips file and SSL checks under
pytest; this test turns the full detector on, as a real `hass` run has it.
"""

import asyncio
from collections.abc import Generator
import gc

import aiohttp
from homeassistant import block_async_io
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.aws_eum_x.aws_errors import AwsConnectionError
from custom_components.aws_eum_x.const import UPDATE_INTERVAL
from eum_emulator import Role

from .conftest import demo_entry, entry_data, send, set_up
from .test_default_chain import _no_keys_or_files


@pytest.fixture
def detect_blocking_calls(monkeypatch: pytest.MonkeyPatch) -> Generator[None]:
    """Enable every check of Home Assistant's blocking-call detector."""
    monkeypatch.setattr(block_async_io, "_IN_TESTS", False)
    block_async_io.enable()
    yield
    calls = block_async_io._BLOCKED_CALLS.calls
    for call in calls:
        setattr(call.object, call.function, call.original_func)
    calls.clear()


async def test_setup_refresh_reload_unload_do_not_block(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    detect_blocking_calls: None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Setup, a scheduled refresh, a reload and unload: no blocking call."""
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.LOADED

    async_fire_time_changed(hass, dt_util.utcnow() + UPDATE_INTERVAL)
    await hass.async_block_till_done()
    assert await hass.config_entries.async_reload(config_entry.entry_id)
    await hass.async_block_till_done()
    assert await hass.config_entries.async_unload(config_entry.entry_id)
    await hass.async_block_till_done()

    assert "Detected blocking call" not in caplog.text
    assert "Unclosed" not in caplog.text


async def test_unload_closes_clients_but_not_the_shared_session(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """The aiobotocore clients close; Home Assistant's HTTP session stays open."""
    shared = async_get_clientsession(hass)
    runtime = loaded_entry.runtime_data
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    assert not shared.closed
    # A closed client refuses to send instead of borrowing the shared session.
    with pytest.raises(AwsConnectionError, match="The AWS client is closed"):
        await runtime.client.describe_pools()
    gc.collect()
    # aiobotocore opened no aiohttp session of its own.
    own = [
        obj
        for obj in gc.get_objects()
        if isinstance(obj, aiohttp.ClientSession) and obj is not shared
    ]
    assert all(session.closed for session in own)


@pytest.mark.parametrize("method", ["assume_role", "default_chain"])
async def test_renewing_credentials_does_not_block(  # noqa: PLR0917 - fixtures
    hass: HomeAssistant,
    emulator,
    detect_blocking_calls: None,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path,
    method: str,
) -> None:
    """A role's AssumeRole, the chain's files and container fetch: off the loop.

    Sessions last a second, so each send renews the credentials first.
    """
    emulator.add_role(
        Role("quick", trusted=["AKIAIOSFODNN7EXAMPLE"], credential_lifetime_seconds=1)
    )
    data = entry_data(emulator)
    if method == "assume_role":
        data |= {
            "auth_method": "assume_role",
            "role_arn": "arn:aws:iam::123456789012:role/quick",
        }
    else:
        data = {k: v for k, v in data.items() if "access_key" not in k}
        data["auth_method"] = "default_chain"
        _no_keys_or_files(monkeypatch, tmp_path)
        monkeypatch.setenv(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            emulator.container_credentials_url("quick"),
        )
    entry = await set_up(hass, demo_entry(emulator, data=data))
    for _ in range(2):
        await asyncio.sleep(1.1)
        await send(hass, target="+15555550123", message="hi")
    assert len({m.access_key_id for m in emulator.outbox}) == 2
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert "Detected blocking call" not in caplog.text


async def test_reading_the_event_queue_does_not_block(
    hass: HomeAssistant,
    emulator,
    detect_blocking_calls: None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Setup with a queue, a delivery event received, unload: no blocking call."""
    made = await hass.async_add_executor_job(emulator.provision_receiving)
    options = {"queue_url": made["QueueUrl"], "configuration_set": "home-alerts"}
    entry = await set_up(hass, demo_entry(emulator, options=options))
    response = await send(
        hass, target="+14254147755", message="hi", wait_for_delivery=10
    )
    assert response["messages"][0]["status"] == "delivered"
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert "Detected blocking call" not in caplog.text
