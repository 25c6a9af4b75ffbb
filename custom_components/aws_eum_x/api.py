"""Typed access to AWS End User Messaging SMS over aiobotocore.

With credentials.py (where credentials come from), the only module that
imports botocore or aiobotocore. It turns the service's JSON into frozen
dataclasses, walks every page of Describe* calls, and turns botocore's
exceptions into this integration's own, so the rest of the integration
never has to know how AWS reports a problem.

It imports nothing from Home Assistant: the HTTP session to use is passed in.
"""

import asyncio
import contextlib
from dataclasses import dataclass, field
from http import HTTPStatus
import logging
import re
import ssl
from typing import (
    TYPE_CHECKING,
    Any,
    Final,
    Literal,
    NotRequired,
    Protocol,
    Self,
    TypedDict,
    cast,
)

from aiobotocore.config import AioConfig
from aiobotocore.httpsession import AIOHTTPSession
from aiobotocore.session import AioSession
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    HTTPClientError,
    ReadTimeoutError,
)
import botocore.session
from yarl import URL

from .phone import mask_numbers_in

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Coroutine, Iterator, Mapping

    from aiobotocore.session import ClientCreatorContext
    import aiohttp
    from types_aiobotocore_pinpoint_sms_voice_v2.client import PinpointSMSVoiceV2Client
    from types_aiobotocore_pinpoint_sms_voice_v2.literals import VoiceIdType
    from types_aiobotocore_pinpoint_sms_voice_v2.type_defs import (
        PhoneNumberInformationTypeDef,
        PoolInformationTypeDef,
        ResponseMetadataTypeDef,
        SenderIdInformationTypeDef,
        SendMediaMessageRequestTypeDef,
        SendTextMessageRequestTypeDef,
        SendVoiceMessageRequestTypeDef,
    )
    from types_aiobotocore_sts.client import STSClient

_LOGGER = logging.getLogger(__name__)

SERVICE_NAME: Final = "pinpoint-sms-voice-v2"
IAM_PREFIX: Final = "sms-voice"
# The credentials source of an entry with an access key (diagnostics).
ACCESS_KEY_SOURCE: Final = "access key"


class _ClientSettings(TypedDict):
    retries: dict[str, Any]
    connect_timeout: int
    read_timeout: int


# Describe* calls are read-only and safe to repeat: keep botocore's standard
# retry mode (3 attempts, backoff, retries throttling and 5xx).
DESCRIBE_CONFIG: Final[_ClientSettings] = {
    "retries": {"mode": "standard", "total_max_attempts": 3},
    "connect_timeout": 10,
    "read_timeout": 30,
}
# Sends are NOT idempotent: botocore must never repeat one by itself. The
# sending pipeline retries only what AWS guarantees it did not process.
SEND_CONFIG: Final[_ClientSettings] = {
    "retries": {"total_max_attempts": 1},
    "connect_timeout": 10,
    "read_timeout": 20,
}
# The permission check of SendTextMessage: a DryRun, which AWS validates but
# neither sends nor bills. Any answer but AccessDenied proves the permission;
# the number is in the 555-01xx range reserved for fiction.
PERMISSION_CHECK_DESTINATION: Final = "+12065550100"

AUTH_ERROR_CODES: Final = frozenset(
    {
        "UnrecognizedClientException",
        "InvalidSignatureException",
        "InvalidClientTokenId",
        "SignatureDoesNotMatch",
        "ExpiredTokenException",
        "ExpiredToken",
        "IncompleteSignature",
        "IncompleteSignatureException",
        "MissingAuthenticationToken",
        "MissingAuthenticationTokenException",
        "InvalidAccessKeyId",
        "AuthFailure",
    }
)
ACCESS_DENIED_CODES: Final = frozenset(
    {"AccessDeniedException", "AccessDenied", "UnauthorizedOperation"}
)
_DENIED_ACTION_RE: Final = re.compile(r"not authorized to perform:? ([\w-]+:\w+)")


# -- errors --------------------------------------------------------------------


class AwsSmsError(Exception):
    """Something AWS, or the way to it, did not allow.

    ``translation_key`` names the integration's translated message for it;
    ``placeholders`` fill that message in. ``str()`` never holds a secret.
    """

    translation_key: str = "unknown_error"

    def __init__(self, message: str, **placeholders: str) -> None:
        """Keep a log-safe message and the translation placeholders."""
        super().__init__(message)
        self.placeholders = {"error": message, **placeholders}


class AwsAuthError(AwsSmsError):
    """The keys are unknown, wrong or expired."""

    translation_key = "invalid_auth"


class AwsAccessDeniedError(AwsSmsError):
    """IAM denies an action the integration needs."""

    translation_key = "access_denied"

    def __init__(self, message: str, action: str) -> None:
        """Name the missing ``sms-voice:...`` action."""
        super().__init__(message, action=action)
        self.action = action


class AwsExplicitDenyError(AwsAccessDeniedError):
    """An explicit Deny blocks the action, whatever the policy allows.

    IAM says so in its message. The usual cause for this integration is a
    region restriction (a Deny on aws:RequestedRegion, as IAM's example
    policy does it); a service control policy or a permissions boundary
    denies the same way.
    """

    translation_key = "explicit_deny"


class AwsConnectionError(AwsSmsError):
    """AWS could not be reached (DNS, refused, timeout, bad endpoint URL)."""

    translation_key = "cannot_connect"


class AwsInvalidEndpointError(AwsConnectionError):
    """botocore cannot use the endpoint URL: no request was made."""


class AwsThrottledError(AwsSmsError):
    """AWS refused the request for its rate; it did not process it."""

    translation_key = "throttled"


class AwsRequestError(AwsSmsError):
    """AWS refused the request for a reason of its own."""

    translation_key = "request_failed"

    def __init__(
        self,
        message: str,
        code: str,
        reason: str | None = None,
        resource: str | None = None,
    ) -> None:
        """Keep AWS's error code, modelled reason and the resource it names."""
        super().__init__(
            message, code=code, reason=reason or "", resource=resource or ""
        )
        self.code = code
        self.reason = reason
        self.resource = resource


class AwsNotSentError(AwsConnectionError):
    """The request never reached AWS (refused, DNS, connect timeout): safe to retry."""


class AwsMaybeSentError(AwsSmsError):
    """The request may have reached AWS and the answer was lost.

    A read timeout, a dropped connection or a 5xx answer after sending: AWS
    may have sent the SMS. Sending again could deliver it twice.
    """

    translation_key = "message_maybe_sent"


def translate_client_error(
    err: ClientError, operation: str, action: str | None = None
) -> AwsSmsError:
    """Return the integration's exception for a botocore ClientError.

    ``action``: the IAM action to name when AWS's message names none
    (default ``sms-voice:<operation>``).
    """
    error = err.response.get("Error", {})
    code = str(error.get("Code", "Unknown"))
    # AWS's messages and resource IDs may quote a full phone number; they end
    # up in logs and in errors a user shares, so numbers are masked here.
    message = mask_numbers_in(str(error.get("Message", "")) or code)
    if code in AUTH_ERROR_CODES:
        return AwsAuthError(f"{code}: {message}")
    if code in ACCESS_DENIED_CODES:
        match = _DENIED_ACTION_RE.search(message)
        if match:
            action = match.group(1)
        elif action is None:
            action = f"{IAM_PREFIX}:{operation}"
        denied = (
            AwsExplicitDenyError
            if "explicit deny" in message.lower()
            else AwsAccessDeniedError
        )
        return denied(f"{code}: {message}", action=action)
    if code == "ThrottlingException":
        return AwsThrottledError(f"{code}: {message}")
    # Modelled errors carry Reason, ResourceType and ResourceId next to Error;
    # botocore's stubs do not declare them, so read the response as a mapping.
    fields: Mapping[str, object] = cast("Mapping[str, object]", err.response)
    reason = fields.get("Reason")
    resource = mask_numbers_in(
        " ".join(
            str(fields[key])
            for key in ("ResourceType", "ResourceId")
            if fields.get(key)
        )
    )
    return AwsRequestError(
        f"{code}: {message}",
        code=code,
        reason=str(reason) if reason else None,
        resource=resource or None,
    )


def translate_botocore_error(err: BotoCoreError | ValueError) -> AwsSmsError:
    """Return the integration's exception for a failure before AWS answered."""
    if isinstance(err, (HTTPClientError, EndpointConnectionError, ConnectTimeoutError)):
        return AwsConnectionError(f"{type(err).__name__}: {err}")
    if isinstance(err, ValueError):
        # botocore raises ValueError for an endpoint URL it cannot use.
        return AwsInvalidEndpointError(f"Invalid endpoint: {err}")
    return AwsSmsError(f"{type(err).__name__}: {err}")


@contextlib.contextmanager
def translated(operation: str, action: str | None = None) -> Iterator[None]:
    """Raise the integration's exceptions instead of botocore's.

    ``action``: the IAM action a refusal names when AWS's message names none
    (another service's call: ``sqs:ReceiveMessage``, ``s3:GetObject``).
    """
    try:
        yield
    except ClientError as err:
        raise translate_client_error(err, operation, action) from err
    except (BotoCoreError, ValueError) as err:
        raise translate_botocore_error(err) from err


# -- credentials and the HTTP session ------------------------------------------


@dataclass(frozen=True)
class AwsCredentials:
    """An access key pair. Its repr never shows the secret."""

    access_key_id: str
    secret_access_key: str = field(repr=False)

    def __repr__(self) -> str:
        """Show the key ID only."""
        return f"AwsCredentials(access_key_id={self.access_key_id!r})"


class _SharedSessionRequests:
    """What aiobotocore asks of an aiohttp session, served by a shared one.

    aiobotocore sets its timeouts, TLS settings, pool size and
    ``auto_decompress=False`` on the session it creates; a shared session has
    its own, so they go on each request instead.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        timeout: aiohttp.ClientTimeout,
        ssl_setting: ssl.SSLContext | bool,
        pool_size: int,
    ) -> None:
        self._session = session
        self._timeout = timeout
        self._ssl = ssl_setting
        # The pool size aiobotocore gives its own connector: at most this
        # many requests of one client in flight at once.
        self._slots = asyncio.Semaphore(pool_size)

    async def request(
        self,
        method: str,
        **kwargs: Any,
    ) -> aiohttp.ClientResponse:
        async with self._slots:
            return await self._session.request(
                method,
                timeout=self._timeout,
                auto_decompress=False,
                ssl=self._ssl,
                **kwargs,
            )


class _AioHttpSessionInternals(Protocol):
    """The attributes of aiobotocore's AIOHTTPSession the hook relies on.

    They are private to aiobotocore 3.7.0 (its type stubs do not declare
    them); tests/integration/test_api.py checks the installed aiobotocore
    still sets each of them, and still sends through ``_get_session``.
    """

    _sessions: dict[str | None, aiohttp.ClientSession] | None
    _timeout: aiohttp.ClientTimeout
    _verify: bool | str
    _max_pool_connections: int


def shared_http_session_class(
    session: aiohttp.ClientSession,
    ssl_contexts: Mapping[str, ssl.SSLContext] | None = None,
) -> type[AIOHTTPSession]:
    """Return an aiobotocore HTTP session class that uses ``session``.

    aiobotocore normally opens an aiohttp session (and builds an SSL context
    from disk, in the event loop) per client. This class hands it the given
    session instead and never closes it: closing a client leaves the shared
    session to its owner. ``ssl_contexts`` holds the SSL context of each CA
    bundle botocore may be configured with (built off the event loop).
    """
    contexts = dict(ssl_contexts or {})

    class SharedAIOHTTPSession(AIOHTTPSession):
        # Made at the first request and kept: aiobotocore asks for the
        # session on every request, and the pool's slots must be shared.
        _requests: _SharedSessionRequests | None = None

        async def _get_session(self, proxy_url: str | None) -> _SharedSessionRequests:
            internals = cast("_AioHttpSessionInternals", self)
            # aiobotocore sets _sessions to None when the client is closed.
            if internals._sessions is None:  # noqa: SLF001
                raise RuntimeError("The AWS client is closed")
            if self._requests is None:
                self._requests = self._shared_requests(internals)
            return self._requests

        @staticmethod
        def _shared_requests(
            internals: _AioHttpSessionInternals,
        ) -> _SharedSessionRequests:
            verify = internals._verify  # noqa: SLF001
            ssl_setting: ssl.SSLContext | bool
            if verify is False:
                ssl_setting = False
            elif isinstance(verify, str):
                if verify not in contexts:
                    raise AwsConnectionError(
                        f"The CA bundle {verify} was not loaded at start-up"
                    )
                ssl_setting = contexts[verify]
            else:
                # Home Assistant's session trusts what Home Assistant trusts.
                ssl_setting = True
            return _SharedSessionRequests(
                session,
                internals._timeout,  # noqa: SLF001
                ssl_setting,
                internals._max_pool_connections,  # noqa: SLF001
            )

    return SharedAIOHTTPSession


class _LoaderWarmUp(Protocol):
    """AioSession's cache warm-up, which its type stubs do not declare yet."""

    def warm_up_loader_caches(self, service_name: str | None = None) -> None: ...


def prepare_session() -> AioSession:
    """Create an aiobotocore session with everything it reads from disk loaded.

    Blocking: run it in an executor. botocore reads its JSON models, endpoint
    data and ~/.aws/config lazily; loading them here keeps the event loop free
    when clients are created later.
    """
    session = AioSession()
    # Environment and config-file settings (a user's ~/.aws/config).
    session.get_scoped_config()
    # The clients every entry may open: SMS, STS (roles), SQS (events). S3's
    # model is large and only picture messages need it: see MediaStore.
    for service in (SERVICE_NAME, "sts", "sqs"):
        warm_up_models(session, service)
    return session


def warm_up_models(session: AioSession, service: str) -> None:
    """Load what a client of ``service`` reads from disk. Blocking."""
    cast("_LoaderWarmUp", session).warm_up_loader_caches(service)


def load_ca_bundles(session: AioSession) -> dict[str, ssl.SSLContext]:
    """Return the SSL context of the CA bundle botocore is configured with.

    Blocking (reads the bundle): run it in an executor. A bundle set with
    AWS_CA_BUNDLE or ``ca_bundle`` in ~/.aws/config is what aiobotocore
    would trust; requests on Home Assistant's session use it too.
    """
    bundle = session.get_config_variable("ca_bundle")
    if not bundle:
        return {}
    return {str(bundle): ssl.create_default_context(cafile=str(bundle))}


def available_regions() -> list[str]:
    """Return every region botocore lists for the service, GovCloud last.

    Blocking (reads botocore's endpoint data): run it in an executor.
    """
    session = botocore.session.get_session()
    regions: list[str] = list(session.get_available_regions(SERVICE_NAME))
    regions += session.get_available_regions(SERVICE_NAME, "aws-us-gov")
    return regions


# -- inventory -----------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PhoneNumberInfo:
    """An origination phone number."""

    phone_number_id: str
    arn: str
    phone_number: str
    status: str
    iso_country_code: str
    number_type: str
    message_type: str
    capabilities: tuple[str, ...]
    monthly_leasing_price: str
    two_way_enabled: bool
    pool_id: str | None

    @classmethod
    def from_api(cls, item: PhoneNumberInformationTypeDef) -> Self:
        """Build from a PhoneNumberInformation item."""
        return cls(
            phone_number_id=item.get("PhoneNumberId") or item["PhoneNumberArn"],
            arn=item["PhoneNumberArn"],
            phone_number=item["PhoneNumber"],
            status=item["Status"],
            iso_country_code=item["IsoCountryCode"],
            number_type=item["NumberType"],
            message_type=item["MessageType"],
            capabilities=tuple(item.get("NumberCapabilities", ())),
            monthly_leasing_price=item.get("MonthlyLeasingPrice", "0"),
            two_way_enabled=bool(item.get("TwoWayEnabled", False)),
            pool_id=item.get("PoolId"),
        )


@dataclass(frozen=True, kw_only=True)
class SenderIdInfo:
    """An alphanumeric sender ID, registered per country."""

    sender_id: str
    arn: str
    iso_country_code: str
    message_types: tuple[str, ...]
    monthly_leasing_price: str
    registered: bool

    @property
    def key(self) -> str:
        """Return an ID unique in the account: a sender ID is per country."""
        return f"{self.sender_id}/{self.iso_country_code}"

    @classmethod
    def from_api(cls, item: SenderIdInformationTypeDef) -> Self:
        """Build from a SenderIdInformation item."""
        return cls(
            sender_id=item["SenderId"],
            arn=item["SenderIdArn"],
            iso_country_code=item["IsoCountryCode"],
            message_types=tuple(item.get("MessageTypes", ())),
            monthly_leasing_price=item.get("MonthlyLeasingPrice", "0"),
            registered=bool(item.get("Registered", False)),
        )


@dataclass(frozen=True, kw_only=True)
class PoolInfo:
    """A pool of origination identities."""

    pool_id: str
    arn: str
    status: str
    message_type: str
    two_way_enabled: bool
    shared_routes_enabled: bool

    @classmethod
    def from_api(cls, item: PoolInformationTypeDef) -> Self:
        """Build from a PoolInformation item."""
        return cls(
            pool_id=item["PoolId"],
            arn=item["PoolArn"],
            status=item["Status"],
            message_type=item["MessageType"],
            two_way_enabled=bool(item.get("TwoWayEnabled", False)),
            shared_routes_enabled=bool(item.get("SharedRoutesEnabled", False)),
        )


@dataclass(frozen=True, kw_only=True)
class MessageOptions:
    """What a message is sent with, beyond its destination and body."""

    origination_identity: str | None = None
    message_type: str | None = None
    configuration_set: str | None = None
    max_price: str | None = None
    time_to_live: int | None = None
    context: Mapping[str, str] | None = None
    dry_run: bool = False


def _with_shared_params[
    P: (
        SendTextMessageRequestTypeDef,
        SendVoiceMessageRequestTypeDef,
        SendMediaMessageRequestTypeDef,
    )
](params: P, options: MessageOptions) -> P:
    """Add the parameters every send operation takes alike; return ``params``."""
    if options.configuration_set is not None:
        params["ConfigurationSetName"] = options.configuration_set
    if options.time_to_live is not None:
        params["TimeToLive"] = options.time_to_live
    if options.context:
        params["Context"] = dict(options.context)
    if options.dry_run:
        params["DryRun"] = True
    return params


@dataclass(frozen=True)
class TextMessage:
    """One SendTextMessage request, in the service's terms."""

    destination: str
    body: str
    options: MessageOptions = MessageOptions()

    def params(self) -> SendTextMessageRequestTypeDef:
        """Return the request parameters, leaving out what is unset."""
        options = self.options
        params: SendTextMessageRequestTypeDef = {
            "DestinationPhoneNumber": self.destination,
            "MessageBody": self.body,
        }
        if options.origination_identity is not None:
            params["OriginationIdentity"] = options.origination_identity
        if options.message_type is not None:
            params["MessageType"] = cast(
                "Literal['PROMOTIONAL', 'TRANSACTIONAL']", options.message_type
            )
        if options.max_price is not None:
            params["MaxPrice"] = options.max_price
        return _with_shared_params(params, options)


@dataclass(frozen=True)
class VoiceMessage:
    """One SendVoiceMessage request: a text-to-speech call."""

    destination: str
    body: str
    ssml: bool = False
    voice: str | None = None
    options: MessageOptions = MessageOptions()

    def params(self) -> SendVoiceMessageRequestTypeDef:
        """Return the request parameters, leaving out what is unset.

        The identity is required for a call; the message type is not a
        voice parameter, and ``max_price`` is a price per minute.
        """
        options = self.options
        params: SendVoiceMessageRequestTypeDef = {
            "DestinationPhoneNumber": self.destination,
            "OriginationIdentity": options.origination_identity or "",
            "MessageBody": self.body,
            "MessageBodyTextType": "SSML" if self.ssml else "TEXT",
        }
        if self.voice is not None:
            params["VoiceId"] = cast("VoiceIdType", self.voice)
        if options.max_price is not None:
            params["MaxPricePerMinute"] = options.max_price
        return _with_shared_params(params, options)


@dataclass(frozen=True)
class MediaMessage:
    """One SendMediaMessage request: a picture message (MMS)."""

    destination: str
    media_url: str
    body: str | None = None
    options: MessageOptions = MessageOptions()

    def params(self) -> SendMediaMessageRequestTypeDef:
        """Return the request parameters, leaving out what is unset."""
        options = self.options
        params: SendMediaMessageRequestTypeDef = {
            "DestinationPhoneNumber": self.destination,
            "OriginationIdentity": options.origination_identity or "",
            "MediaUrls": [self.media_url],
        }
        if self.body:
            params["MessageBody"] = self.body
        if options.max_price is not None:
            params["MaxPrice"] = options.max_price
        return _with_shared_params(params, options)


@dataclass(frozen=True)
class SendResult:
    """What AWS answered to one accepted send."""

    message_id: str
    # AWS's request ID: what AWS support asks for; safe to log.
    request_id: str


@dataclass(frozen=True)
class SpendLimit:
    """A monthly spend limit, in whole US dollars."""

    enforced_limit: int
    max_limit: int
    overridden: bool


# -- the client ----------------------------------------------------------------


class SmsClient:
    """One AWS account and region, with a client per retry policy.

    Create with :meth:`create`; close with :meth:`close`.
    """

    def __init__(
        self,
        describe_client: PinpointSMSVoiceV2Client,
        send_client: PinpointSMSVoiceV2Client,
        close: Callable[[], Awaitable[None]],
        credentials_source: str = ACCESS_KEY_SOURCE,
    ) -> None:
        """Use already-open aiobotocore clients."""
        self._describe = describe_client
        self._send = send_client
        self._close = close
        self.credentials_source = credentials_source

    @classmethod
    async def create(cls, connection: AwsConnection) -> Self:
        """Open the clients; raise AwsInvalidEndpointError for a bad endpoint URL.

        Opening a client resolves its credentials: a role's first AssumeRole
        (or the default chain's look-up) happens here and raises its error.
        """
        stack = contextlib.AsyncExitStack()
        if connection.close_credentials is not None:
            # Closed last: the clients are closed before what feeds them.
            stack.push_async_callback(asyncio.to_thread, connection.close_credentials)
        try:
            with translated("CreateClient"):
                describe = await stack.enter_async_context(
                    _sms_client(connection, DESCRIBE_CONFIG)
                )
                send = await stack.enter_async_context(
                    _sms_client(connection, SEND_CONFIG)
                )
        except BaseException:
            await stack.aclose()
            raise
        return cls(describe, send, stack.aclose, connection.credentials_source)

    async def close(self) -> None:
        """Close both clients (the shared HTTP session stays open)."""
        await self._close()

    async def describe_phone_numbers(self) -> list[PhoneNumberInfo]:
        """Return every phone number of the account, all pages."""
        paginator = self._describe.get_paginator("describe_phone_numbers")
        with translated("DescribePhoneNumbers"):
            return [
                PhoneNumberInfo.from_api(item)
                async for page in paginator.paginate()
                for item in page.get("PhoneNumbers", [])
            ]

    async def describe_sender_ids(self) -> list[SenderIdInfo]:
        """Return every sender ID of the account, all pages."""
        paginator = self._describe.get_paginator("describe_sender_ids")
        with translated("DescribeSenderIds"):
            return [
                SenderIdInfo.from_api(item)
                async for page in paginator.paginate()
                for item in page.get("SenderIds", [])
            ]

    async def describe_pools(self) -> list[PoolInfo]:
        """Return every pool of the account, all pages."""
        paginator = self._describe.get_paginator("describe_pools")
        with translated("DescribePools"):
            return [
                PoolInfo.from_api(item)
                async for page in paginator.paginate()
                for item in page.get("Pools", [])
            ]

    async def describe_configuration_sets(self) -> list[str]:
        """Return the names of the account's configuration sets, all pages."""
        paginator = self._describe.get_paginator("describe_configuration_sets")
        with translated("DescribeConfigurationSets"):
            return [
                item["ConfigurationSetName"]
                async for page in paginator.paginate()
                for item in page.get("ConfigurationSets", [])
            ]

    async def account_tier(self) -> str | None:
        """Return ACCOUNT_TIER in upper case (SANDBOX or PRODUCTION)."""
        paginator = self._describe.get_paginator("describe_account_attributes")
        with translated("DescribeAccountAttributes"):
            async for page in paginator.paginate():
                for item in page.get("AccountAttributes", []):
                    if item["Name"].upper() == "ACCOUNT_TIER":
                        return item["Value"].upper()
        return None

    async def text_spend_limit(self) -> SpendLimit | None:
        """Return the monthly spend limit for text messages."""
        paginator = self._describe.get_paginator("describe_spend_limits")
        with translated("DescribeSpendLimits"):
            async for page in paginator.paginate():
                for item in page.get("SpendLimits", []):
                    if item["Name"] == "TEXT_MESSAGE_MONTHLY_SPEND_LIMIT":
                        return SpendLimit(
                            enforced_limit=item["EnforcedLimit"],
                            max_limit=item["MaxLimit"],
                            overridden=item["Overridden"],
                        )
        return None

    async def send_text_message(self, message: TextMessage) -> SendResult:
        """Send one SMS, exactly one attempt; return its IDs.

        Raises AwsNotSentError when the request never left, AwsMaybeSentError
        when AWS may have sent it, and the other AwsSmsError subclasses when
        AWS refused it.
        """
        return await _send_once(
            "SendTextMessage", self._send.send_text_message(**message.params())
        )

    async def send_voice_message(self, message: VoiceMessage) -> SendResult:
        """Place one call, exactly one attempt; errors as for a text."""
        return await _send_once(
            "SendVoiceMessage", self._send.send_voice_message(**message.params())
        )

    async def send_media_message(self, message: MediaMessage) -> SendResult:
        """Send one picture message, exactly one attempt; errors as for a text."""
        return await _send_once(
            "SendMediaMessage", self._send.send_media_message(**message.params())
        )

    async def check_access(self) -> None:
        """Prove the keys may call every action setup and sending need.

        The cheapest call of each required action: one item of each Describe*
        the setup reads, and a DryRun send (validated, never sent or billed).
        Raises AwsAccessDeniedError naming the first action IAM denies.
        """
        with translated("DescribePhoneNumbers"):
            await self._describe.describe_phone_numbers(MaxResults=1)
        with translated("DescribeSenderIds"):
            await self._describe.describe_sender_ids(MaxResults=1)
        try:
            with translated("SendTextMessage"):
                await self._describe.send_text_message(
                    DestinationPhoneNumber=PERMISSION_CHECK_DESTINATION,
                    MessageBody="Permission check",
                    DryRun=True,
                )
        except AwsRequestError:
            # AWS judged the DryRun itself (no identity for that country, a
            # sandbox destination...): IAM allowed the action.
            pass


class _SendAnswer(TypedDict):
    MessageId: str
    ResponseMetadata: ResponseMetadataTypeDef


async def _send_once(
    operation: str, request: Coroutine[Any, Any, _SendAnswer]
) -> SendResult:
    """Await one send request; sort its failure by whether AWS may have sent it."""
    try:
        result = await request
    except ClientError as err:
        status = err.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        if status >= HTTPStatus.INTERNAL_SERVER_ERROR:
            code = err.response.get("Error", {}).get("Code", "")
            raise AwsMaybeSentError(f"{code} (HTTP {status})") from err
        raise translate_client_error(err, operation) from err
    except (EndpointConnectionError, ConnectTimeoutError) as err:
        raise AwsNotSentError(f"{type(err).__name__}: {err}") from err
    except (HTTPClientError, ReadTimeoutError) as err:
        # Read timeouts, dropped connections and other transport errors
        # after the request was written: it may have been processed.
        raise AwsMaybeSentError(f"{type(err).__name__}: {err}") from err
    except (BotoCoreError, ValueError) as err:
        raise translate_botocore_error(err) from err
    return SendResult(
        message_id=result["MessageId"],
        request_id=result["ResponseMetadata"]["RequestId"],
    )


@dataclass(frozen=True)
class AwsConnection:
    """Where and how to reach AWS: session, HTTP session, keys, region, URL.

    ``ssl_contexts`` holds the SSL context of a configured CA bundle, loaded
    off the event loop (see :func:`load_ca_bundles`).
    """

    session: AioSession
    http_session: aiohttp.ClientSession
    # An access key; None: the session's own credentials (an assumed role,
    # or the default chain when Home Assistant runs on AWS).
    credentials: AwsCredentials | None
    region: str
    endpoint_url: str | None = None
    ssl_contexts: Mapping[str, ssl.SSLContext] = field(default_factory=dict)
    # Where the credentials come from, for diagnostics and the setup form:
    # "access key", "assume-role", or the default chain's source
    # ("env", "container-role", "iam-role", ...).
    credentials_source: str = ACCESS_KEY_SOURCE
    # Stops what keeps the credentials fresh (blocking), when the clients
    # are closed.
    close_credentials: Callable[[], None] | None = None

    def client_kwargs(
        self,
        settings: _ClientSettings,
        endpoint_url: str | None,
        *,
        s3: Mapping[str, str] | None = None,
    ) -> _ClientKwargs:
        """Return what ``create_client`` takes, on the shared HTTP session.

        ``s3``: botocore's S3 options (addressing style), for S3 clients.
        """
        kwargs: _ClientKwargs = {
            "region_name": self.region,
            "endpoint_url": endpoint_url,
            "config": AioConfig(
                http_session_cls=shared_http_session_class(
                    self.http_session, self.ssl_contexts
                ),
                retries=settings["retries"],
                connect_timeout=settings["connect_timeout"],
                read_timeout=settings["read_timeout"],
                s3=dict(s3) if s3 is not None else None,
            ),
        }
        if self.credentials is not None:
            kwargs["aws_access_key_id"] = self.credentials.access_key_id
            kwargs["aws_secret_access_key"] = self.credentials.secret_access_key
        return kwargs


class _ClientKwargs(TypedDict):
    region_name: str
    endpoint_url: str | None
    aws_access_key_id: NotRequired[str]
    aws_secret_access_key: NotRequired[str]
    config: AioConfig


def _sms_client(
    connection: AwsConnection, settings: _ClientSettings
) -> ClientCreatorContext[PinpointSMSVoiceV2Client]:
    """Return the context of an SMS client on the shared HTTP session."""
    return connection.session.create_client(
        SERVICE_NAME,
        **connection.client_kwargs(settings, connection.endpoint_url or None),
    )


def sts_client(connection: AwsConnection) -> ClientCreatorContext[STSClient]:
    """Return the context of an STS client for the same keys and region."""
    return connection.session.create_client(
        "sts",
        **connection.client_kwargs(
            DESCRIBE_CONFIG, sts_endpoint_url(connection.endpoint_url)
        ),
    )


def sts_endpoint_url(endpoint_url: str | None) -> str | None:
    """Return where to call STS, given the SMS endpoint URL the user set.

    An AWS-hosted endpoint (a VPC interface or FIPS endpoint, under
    amazonaws.com) serves one service only, so STS keeps its own regional
    endpoint. Any other host (the emulator, a proxy) serves both.
    """
    if not endpoint_url:
        return None
    host = URL(endpoint_url).host or ""
    if host == "amazonaws.com" or host.endswith(".amazonaws.com"):
        return None
    return endpoint_url


async def get_account_id(connection: AwsConnection) -> str:
    """Return the account the keys belong to (STS GetCallerIdentity).

    GetCallerIdentity needs no IAM permission, so a failure here is about the
    keys or the network, never the policy.
    """
    with translated("GetCallerIdentity"):
        async with sts_client(connection) as sts:
            identity = await sts.get_caller_identity()
    return identity["Account"]


async def validate_credentials(connection: AwsConnection) -> str:
    """Prove the keys work for SMS in this region; return the account ID.

    As the IAM guide's credential test: learn the account with STS, then make
    the cheapest call of every required action (see SmsClient.check_access).
    """
    account_id = await get_account_id(connection)
    client = await SmsClient.create(connection)
    try:
        await client.check_access()
    finally:
        await client.close()
    return account_id
