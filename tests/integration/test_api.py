"""The typed API layer: error translation, pagination, credentials."""

import asyncio
from collections.abc import AsyncGenerator

from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    EndpointConnectionError,
    ParamValidationError,
)
from homeassistant.core import HomeAssistant
import pytest

from custom_components.aws_eum_x.api import (
    AwsAccessDeniedError,
    AwsAuthError,
    AwsConnectionError,
    AwsCredentials,
    AwsRequestError,
    AwsSmsError,
    AwsThrottledError,
    SmsClient,
    TextMessage,
    load_ca_bundles,
    prepare_session,
    shared_http_session_class,
    sts_endpoint_url,
    translate_botocore_error,
    translate_client_error,
)
from custom_components.aws_eum_x.helpers import async_connection
from eum_emulator import AccountState, Emulator, PhoneNumber

from .conftest import entry_data


def _client_error(code: str, message: str = "m", **extra: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}, **extra}, "Op")


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("UnrecognizedClientException", AwsAuthError),
        ("InvalidSignatureException", AwsAuthError),
        ("InvalidClientTokenId", AwsAuthError),
        ("ExpiredTokenException", AwsAuthError),
        ("ThrottlingException", AwsThrottledError),
        ("ConflictException", AwsRequestError),
    ],
)
def test_client_errors_are_translated(code: str, expected: type) -> None:
    """Each AWS error code becomes the integration's exception for it."""
    assert type(translate_client_error(_client_error(code), "Op")) is expected


def test_access_denied_names_the_action() -> None:
    """The missing action comes from IAM's message, else from the operation."""
    err = translate_client_error(
        _client_error(
            "AccessDeniedException",
            "User: arn:aws:iam::1:user/x is not authorized to perform: "
            "sms-voice:DescribePools on resource: *",
        ),
        "DescribePools",
    )
    assert isinstance(err, AwsAccessDeniedError)
    assert err.action == "sms-voice:DescribePools"
    assert err.placeholders["action"] == "sms-voice:DescribePools"
    bare = translate_client_error(
        _client_error("AccessDenied", "Access Denied"), "SendTextMessage"
    )
    assert isinstance(bare, AwsAccessDeniedError)
    assert bare.action == "sms-voice:SendTextMessage"


def test_request_error_keeps_code_and_reason() -> None:
    """Modelled reasons survive translation."""
    err = translate_client_error(
        _client_error(
            "ConflictException",
            "opted out",
            Reason="DESTINATION_PHONE_NUMBER_OPTED_OUT",
        ),
        "SendTextMessage",
    )
    assert isinstance(err, AwsRequestError)
    assert (err.code, err.reason) == (
        "ConflictException",
        "DESTINATION_PHONE_NUMBER_OPTED_OUT",
    )
    assert str(err) == "ConflictException: opted out"


def test_botocore_errors_are_translated() -> None:
    """Network failures are connection errors; anything else is generic."""
    assert isinstance(
        translate_botocore_error(EndpointConnectionError(endpoint_url="x")),
        AwsConnectionError,
    )
    assert isinstance(
        translate_botocore_error(ConnectionClosedError(endpoint_url="x")),
        AwsConnectionError,
    )
    assert isinstance(translate_botocore_error(ValueError("bad")), AwsConnectionError)
    generic = translate_botocore_error(ParamValidationError(report="nope"))
    assert type(generic) is AwsSmsError
    assert generic.translation_key == "unknown_error"


def test_credentials_repr_hides_the_secret() -> None:
    """A logged or printed credentials object shows only the key ID."""
    creds = AwsCredentials("AKIAIOSFODNN7EXAMPLE", "top-secret")
    assert "top-secret" not in repr(creds)
    assert "top-secret" not in str(creds)


@pytest.mark.parametrize(
    ("endpoint", "expected"),
    [
        (None, None),
        ("http://127.0.0.1:4566", "http://127.0.0.1:4566"),
        ("https://sms-voice-fips.us-east-1.amazonaws.com", None),
        (
            "https://vpce-1.sms-voice.us-east-1.vpce.amazonaws.com",
            None,
        ),
    ],
)
def test_sts_endpoint(endpoint: str | None, expected: str | None) -> None:
    """AWS-hosted endpoints serve one service; STS keeps its own."""
    assert sts_endpoint_url(endpoint) == expected


@pytest.fixture
def account_state() -> AccountState:
    """Serve an account with 230 numbers: three pages of 100."""
    state = AccountState()
    state.phone_numbers = [
        PhoneNumber(
            phone_number=f"+1202555{index:04d}",
            iso_country_code="US",
            number_type="TEN_DLC",
        )
        for index in range(230)
    ]
    return state


@pytest.fixture
async def sms_client(
    hass: HomeAssistant, emulator: Emulator
) -> AsyncGenerator[SmsClient]:
    """Return an SmsClient for the emulator, closed after the test."""
    client = await SmsClient.create(await async_connection(hass, entry_data(emulator)))
    yield client
    await client.close()


async def test_every_page_is_read(sms_client: SmsClient) -> None:
    """Describe* calls follow NextToken to the end."""
    numbers = await sms_client.describe_phone_numbers()
    assert len(numbers) == 230
    assert len({n.phone_number for n in numbers}) == 230


async def test_send_refused_by_botocore_itself(
    sms_client: SmsClient, emulator: Emulator
) -> None:
    """What botocore rejects before sending is an error of its own kind."""
    with pytest.raises(AwsSmsError, match="ParamValidationError"):
        await sms_client.send_text_message(TextMessage("", "hi"))
    assert emulator.outbox == []


# -- the shared HTTP session hook ------------------------------------------------


def test_aiobotocore_still_has_what_the_session_hook_relies_on() -> None:
    """Fail loudly when aiobotocore changes the private parts the hook uses.

    The hook overrides AIOHTTPSession._get_session and reads _sessions,
    _timeout, _verify and _max_pool_connections (see api.py).
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
