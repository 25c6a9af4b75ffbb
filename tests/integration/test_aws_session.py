"""The aiobotocore session and the shared HTTP session hook."""

import asyncio
from collections.abc import Generator
import logging

from aiobotocore.httpsession import AIOHTTPSession
from homeassistant.core import HomeAssistant
import pytest

from custom_components.aws_eum_x import aws_session
from custom_components.aws_eum_x.api import SmsClient, TextMessage
from custom_components.aws_eum_x.aws_errors import AwsConnectionError
from custom_components.aws_eum_x.aws_session import (
    load_ca_bundles,
    prepare_session,
    session_hook_supported,
    shared_http_session_class,
)
from custom_components.aws_eum_x.helpers import async_connection
from eum_emulator import Emulator

from .conftest import entry_data

US_NUMBER = "+12065550123"


@pytest.fixture
def hook_check_again() -> Generator[None]:
    """Forget the cached hook check, before and after the test."""
    session_hook_supported.cache_clear()
    yield
    session_hook_supported.cache_clear()


def test_aiobotocore_still_has_what_the_session_hook_relies_on() -> None:
    """Fail loudly when aiobotocore changes the private parts the hook uses.

    The hook overrides AIOHTTPSession._get_session and reads _sessions,
    _timeout, _verify and _max_pool_connections (see aws_session.py). When
    they are gone, clients fall back to aiobotocore's own session (tested
    below), but CI must hear of it first.
    """
    import inspect  # noqa: PLC0415

    from aiobotocore.httpsession import AIOHTTPSession  # noqa: PLC0415
    import aiohttp  # noqa: PLC0415

    session = AIOHTTPSession(verify="/ca.pem", timeout=(3, 7), max_pool_connections=4)
    assert session._sessions is None
    assert session._timeout == aiohttp.ClientTimeout(sock_connect=3, sock_read=7)
    assert session._verify == "/ca.pem"
    assert session._max_pool_connections == 4
    assert list(inspect.signature(AIOHTTPSession._get_session).parameters) == [
        "self",
        "proxy_url",
    ]
    assert inspect.iscoroutinefunction(AIOHTTPSession._get_session)
    assert "await self._get_session(proxy_url)" in inspect.getsource(
        AIOHTTPSession.send
    )


class _RecordingSession:
    """Stands in for Home Assistant's aiohttp session to see each request.

    A stand-in because what is checked is what the hook hands aiohttp (TLS
    setting, timeout, concurrency), which no answer of the emulator shows.
    """

    def __init__(self) -> None:
        self.calls: list[dict] = []
        self.in_flight = 0
        self.most_in_flight = 0

    async def request(self, method: str, **kwargs) -> str:
        self.calls.append({"method": method, **kwargs})
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        await asyncio.sleep(0.01)
        self.in_flight -= 1
        return "response"


@pytest.mark.parametrize(
    ("verify", "expected"),
    [(True, True), (False, False), ("/etc/bundle.pem", "context")],
)
async def test_the_hook_keeps_tls_settings(verify, expected) -> None:
    """verify=False and a CA bundle reach each request as aiobotocore sets them."""
    import ssl  # noqa: PLC0415

    recording = _RecordingSession()
    context = ssl.create_default_context()
    cls = shared_http_session_class(recording, {"/etc/bundle.pem": context})
    async with cls(verify=verify, timeout=(1, 2)) as http:
        requests = await http._get_session(None)
        assert await requests.request("POST", url="http://x") == "response"
    call = recording.calls[0]
    assert call["ssl"] is (context if expected == "context" else expected)
    assert call["auto_decompress"] is False
    assert call["timeout"].sock_read == 2


async def test_the_hook_refuses_an_unknown_bundle_and_a_closed_client() -> None:
    """A bundle not loaded at start-up is not read in the event loop."""
    cls = shared_http_session_class(_RecordingSession(), {})
    async with cls(verify="/elsewhere.pem") as http:
        with pytest.raises(AwsConnectionError, match="not loaded"):
            await http._get_session(None)
    with pytest.raises(RuntimeError, match="closed"):
        await http._get_session(None)


async def test_the_hook_keeps_the_pool_size() -> None:
    """No more requests in flight per client than aiobotocore's pool holds."""
    recording = _RecordingSession()
    cls = shared_http_session_class(recording)
    async with cls(max_pool_connections=3) as http:

        async def send() -> None:
            # As aiobotocore's send does: ask for the session each request.
            requests = await http._get_session(None)
            await requests.request("GET", url="u")

        await asyncio.gather(*(send() for _ in range(10)))
    assert len(recording.calls) == 10
    assert recording.most_in_flight == 3


def test_a_configured_ca_bundle_is_loaded_off_the_loop(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """AWS_CA_BUNDLE: its SSL context is built once, in an executor's thread."""
    import certifi  # noqa: PLC0415

    monkeypatch.setenv("AWS_CA_BUNDLE", certifi.where())
    contexts = load_ca_bundles(prepare_session())
    assert list(contexts) == [certifi.where()]
    monkeypatch.delenv("AWS_CA_BUNDLE")
    assert load_ca_bundles(prepare_session()) == {}


@pytest.mark.usefixtures("hook_check_again")
def test_the_installed_aiobotocore_gets_the_hook(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """With aiobotocore as tested, clients use Home Assistant's session."""
    assert session_hook_supported()
    assert shared_http_session_class(_RecordingSession()) is not AIOHTTPSession
    assert "aiobotocore's own HTTP session" not in caplog.text


@pytest.mark.usefixtures("hook_check_again")
async def test_a_changed_aiobotocore_falls_back_and_keeps_sending(
    hass: HomeAssistant,
    emulator: Emulator,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A release without the private attributes: one warning, then send anyway.

    A renamed attribute stands in for a newer aiobotocore (the installed one
    has them all: see the first test of this file).
    """
    monkeypatch.setattr(
        aws_session, "HOOK_ATTRIBUTES", (*aws_session.HOOK_ATTRIBUTES, "_renamed")
    )
    caplog.set_level(logging.WARNING, logger=aws_session.__name__)
    connection = await async_connection(hass, entry_data(emulator))
    for _ in range(2):
        client = await SmsClient.create(connection)
        try:
            result = await client.send_text_message(TextMessage(US_NUMBER, "hi"))
        finally:
            await client.close()
        assert result.message_id
    assert [m.destination for m in emulator.outbox] == [US_NUMBER] * 2
    warnings = [r for r in caplog.records if "own HTTP session" in r.message]
    assert len(warnings) == 1
    assert "_renamed" in warnings[0].message
    assert shared_http_session_class(_RecordingSession()) is AIOHTTPSession
