"""Typed access to AWS End User Messaging SMS over aiobotocore.

This is the only module that imports botocore or aiobotocore. It turns the
service's JSON into frozen dataclasses, walks every page of Describe* calls,
and turns botocore's exceptions into this integration's own, so the rest of
the integration never has to know how AWS reports a problem.

It imports nothing from Home Assistant: the HTTP session to use is passed in.
"""

import contextlib
from dataclasses import dataclass, field
from http import HTTPStatus
import logging
import re
from typing import TYPE_CHECKING, Any, Final, Self, cast

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
from yarl import URL

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Iterator, Mapping

    import aiohttp
import botocore.session

_LOGGER = logging.getLogger(__name__)

SERVICE_NAME: Final = "pinpoint-sms-voice-v2"
IAM_PREFIX: Final = "sms-voice"

# Describe* calls are read-only and safe to repeat: keep botocore's standard
# retry mode (3 attempts, backoff, retries throttling and 5xx).
DESCRIBE_CONFIG: Final = {
    "retries": {"mode": "standard", "total_max_attempts": 3},
    "connect_timeout": 10,
    "read_timeout": 30,
}
# Sends are NOT idempotent: botocore must never repeat one by itself. The
# sending pipeline retries only what AWS guarantees it did not process.
SEND_CONFIG: Final = {
    "retries": {"total_max_attempts": 1},
    "connect_timeout": 10,
    "read_timeout": 20,
}

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


class AwsConnectionError(AwsSmsError):
    """AWS could not be reached (DNS, refused, timeout, bad endpoint URL)."""

    translation_key = "cannot_connect"


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


def translate_client_error(err: ClientError, operation: str) -> AwsSmsError:
    """Return the integration's exception for a botocore ClientError."""
    error = err.response.get("Error", {})
    code = str(error.get("Code", "Unknown"))
    message = str(error.get("Message", "")) or code
    if code in AUTH_ERROR_CODES:
        return AwsAuthError(f"{code}: {message}")
    if code in ACCESS_DENIED_CODES:
        match = _DENIED_ACTION_RE.search(message)
        action = match.group(1) if match else f"{IAM_PREFIX}:{operation}"
        return AwsAccessDeniedError(f"{code}: {message}", action=action)
    if code == "ThrottlingException":
        return AwsThrottledError(f"{code}: {message}")
    reason = err.response.get("Reason")
    resource = " ".join(
        str(err.response[key])
        for key in ("ResourceType", "ResourceId")
        if err.response.get(key)
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
        return AwsConnectionError(f"Invalid endpoint: {err}")
    return AwsSmsError(f"{type(err).__name__}: {err}")


@contextlib.contextmanager
def _translated(operation: str) -> Iterator[None]:
    """Raise the integration's exceptions instead of botocore's."""
    try:
        yield
    except ClientError as err:
        raise translate_client_error(err, operation) from err
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

    aiobotocore sets its timeouts and ``auto_decompress=False`` on the session
    it creates; a shared session has its own, so they go on each request.
    """

    def __init__(
        self, session: aiohttp.ClientSession, timeout: aiohttp.ClientTimeout
    ) -> None:
        self._session = session
        self._timeout = timeout

    def request(self, method: str, **kwargs: Any) -> Any:
        return self._session.request(
            method, timeout=self._timeout, auto_decompress=False, **kwargs
        )


def shared_http_session_class(
    session: aiohttp.ClientSession,
) -> type[AIOHTTPSession]:
    """Return an aiobotocore HTTP session class that uses ``session``.

    aiobotocore normally opens an aiohttp session (and builds an SSL context
    from disk, in the event loop) per client. This class hands it the given
    session instead and never closes it: closing a client leaves the shared
    session to its owner.
    """

    class SharedAIOHTTPSession(AIOHTTPSession):  # type: ignore[misc]
        async def _get_session(self, proxy_url: str | None) -> Any:
            # aiobotocore sets _sessions to None when the client is closed.
            if self._sessions is None:
                raise RuntimeError("The AWS client is closed")
            return _SharedSessionRequests(session, self._timeout)

    return SharedAIOHTTPSession


def prepare_session() -> AioSession:
    """Create an aiobotocore session with everything it reads from disk loaded.

    Blocking: run it in an executor. botocore reads its JSON models, endpoint
    data and ~/.aws/config lazily; loading them here keeps the event loop free
    when clients are created later.
    """
    session = AioSession()
    # Environment and config-file settings (a user's ~/.aws/config).
    session.get_scoped_config()
    session.warm_up_loader_caches(SERVICE_NAME)
    session.warm_up_loader_caches("sts")
    return session


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
    def from_api(cls, item: Mapping[str, Any]) -> Self:
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
    def from_api(cls, item: Mapping[str, Any]) -> Self:
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
    def from_api(cls, item: Mapping[str, Any]) -> Self:
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


@dataclass(frozen=True)
class TextMessage:
    """One SendTextMessage request, in the service's terms."""

    destination: str
    body: str
    options: MessageOptions = MessageOptions()

    def params(self) -> dict[str, Any]:
        """Return the request parameters, leaving out what is unset."""
        options = self.options
        params: dict[str, Any] = {
            "DestinationPhoneNumber": self.destination,
            "MessageBody": self.body,
        }
        optional = {
            "OriginationIdentity": options.origination_identity,
            "MessageType": options.message_type,
            "ConfigurationSetName": options.configuration_set,
            "MaxPrice": options.max_price,
            "TimeToLive": options.time_to_live,
            "Context": dict(options.context) if options.context else None,
        }
        params |= {key: value for key, value in optional.items() if value is not None}
        if options.dry_run:
            params["DryRun"] = True
        return params


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
        describe_client: Any,
        send_client: Any,
        close: Callable[[], Any],
    ) -> None:
        """Use already-open aiobotocore clients."""
        self._describe = describe_client
        self._send = send_client
        self._close = close

    @classmethod
    async def create(
        cls,
        session: AioSession,
        http_session: aiohttp.ClientSession,
        credentials: AwsCredentials,
        region: str,
        endpoint_url: str | None = None,
    ) -> Self:
        """Open the clients; raise AwsConnectionError for a bad endpoint URL."""
        stack = contextlib.AsyncExitStack()
        clients = []
        try:
            with _translated("CreateClient"):
                for config in (DESCRIBE_CONFIG, SEND_CONFIG):
                    context = _create_client(
                        session,
                        service=SERVICE_NAME,
                        http_session=http_session,
                        credentials=credentials,
                        region=region,
                        endpoint_url=endpoint_url,
                        config=config,
                    )
                    clients.append(await stack.enter_async_context(context))
        except BaseException:
            await stack.aclose()
            raise
        describe, send = clients
        return cls(describe, send, stack.aclose)

    async def close(self) -> None:
        """Close both clients (the shared HTTP session stays open)."""
        await self._close()

    async def _pages(
        self, method: str, operation: str, **params: Any
    ) -> AsyncIterator[dict[str, Any]]:
        paginator = self._describe.get_paginator(method)
        with _translated(operation):
            async for page in paginator.paginate(**params):
                yield cast("dict[str, Any]", page)

    async def describe_phone_numbers(self) -> list[PhoneNumberInfo]:
        """Return every phone number of the account, all pages."""
        return [
            PhoneNumberInfo.from_api(item)
            async for page in self._pages(
                "describe_phone_numbers", "DescribePhoneNumbers"
            )
            for item in page.get("PhoneNumbers", [])
        ]

    async def describe_sender_ids(self) -> list[SenderIdInfo]:
        """Return every sender ID of the account, all pages."""
        return [
            SenderIdInfo.from_api(item)
            async for page in self._pages("describe_sender_ids", "DescribeSenderIds")
            for item in page.get("SenderIds", [])
        ]

    async def describe_pools(self) -> list[PoolInfo]:
        """Return every pool of the account, all pages."""
        return [
            PoolInfo.from_api(item)
            async for page in self._pages("describe_pools", "DescribePools")
            for item in page.get("Pools", [])
        ]

    async def describe_configuration_sets(self) -> list[str]:
        """Return the names of the account's configuration sets, all pages."""
        return [
            item["ConfigurationSetName"]
            async for page in self._pages(
                "describe_configuration_sets", "DescribeConfigurationSets"
            )
            for item in page.get("ConfigurationSets", [])
        ]

    async def account_tier(self) -> str | None:
        """Return ACCOUNT_TIER in upper case (SANDBOX or PRODUCTION)."""
        async for page in self._pages(
            "describe_account_attributes", "DescribeAccountAttributes"
        ):
            for item in page.get("AccountAttributes", []):
                if str(item.get("Name", "")).upper() == "ACCOUNT_TIER":
                    return str(item["Value"]).upper()
        return None

    async def text_spend_limit(self) -> SpendLimit | None:
        """Return the monthly spend limit for text messages."""
        async for page in self._pages("describe_spend_limits", "DescribeSpendLimits"):
            for item in page.get("SpendLimits", []):
                if item.get("Name") == "TEXT_MESSAGE_MONTHLY_SPEND_LIMIT":
                    return SpendLimit(
                        enforced_limit=int(item["EnforcedLimit"]),
                        max_limit=int(item["MaxLimit"]),
                        overridden=bool(item.get("Overridden", False)),
                    )
        return None

    async def send_text_message(self, message: TextMessage) -> str:
        """Send one SMS, exactly one attempt; return its MessageId.

        Raises AwsNotSentError when the request never left, AwsMaybeSentError
        when AWS may have sent it, and the other AwsSmsError subclasses when
        AWS refused it.
        """
        try:
            result = await self._send.send_text_message(**message.params())
        except ClientError as err:
            status = err.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
            if status >= HTTPStatus.INTERNAL_SERVER_ERROR:
                code = err.response.get("Error", {}).get("Code", "")
                raise AwsMaybeSentError(f"{code} (HTTP {status})") from err
            raise translate_client_error(err, "SendTextMessage") from err
        except (EndpointConnectionError, ConnectTimeoutError) as err:
            raise AwsNotSentError(f"{type(err).__name__}: {err}") from err
        except (HTTPClientError, ReadTimeoutError) as err:
            # Read timeouts, dropped connections and other transport errors
            # after the request was written: it may have been processed.
            raise AwsMaybeSentError(f"{type(err).__name__}: {err}") from err
        except (BotoCoreError, ValueError) as err:
            raise translate_botocore_error(err) from err
        return str(result["MessageId"])

    async def check_access(self) -> None:
        """Make the cheapest call that proves the keys may read the account."""
        with _translated("DescribePhoneNumbers"):
            await self._describe.describe_phone_numbers(MaxResults=1)


def _create_client(
    session: AioSession,
    *,
    service: str,
    http_session: aiohttp.ClientSession,
    credentials: AwsCredentials,
    region: str,
    endpoint_url: str | None,
    config: Mapping[str, Any],
) -> Any:
    """Return the client context of one service, on the shared HTTP session."""
    return session.create_client(
        service,
        region_name=region,
        endpoint_url=endpoint_url or None,
        aws_access_key_id=credentials.access_key_id,
        aws_secret_access_key=credentials.secret_access_key,
        config=AioConfig(
            http_session_cls=shared_http_session_class(http_session),
            **config,
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


async def get_account_id(
    session: AioSession,
    http_session: aiohttp.ClientSession,
    credentials: AwsCredentials,
    region: str,
    endpoint_url: str | None = None,
) -> str:
    """Return the account the keys belong to (STS GetCallerIdentity).

    GetCallerIdentity needs no IAM permission, so a failure here is about the
    keys or the network, never the policy.
    """
    with _translated("GetCallerIdentity"):
        async with _create_client(
            session,
            service="sts",
            http_session=http_session,
            credentials=credentials,
            region=region,
            endpoint_url=sts_endpoint_url(endpoint_url),
            config=DESCRIBE_CONFIG,
        ) as sts:
            identity = await sts.get_caller_identity()
    return str(identity["Account"])


async def validate_credentials(
    session: AioSession,
    http_session: aiohttp.ClientSession,
    credentials: AwsCredentials,
    region: str,
    endpoint_url: str | None = None,
) -> str:
    """Prove the keys work for SMS in this region; return the account ID.

    As the IAM guide's credential test: learn the account with STS, then call
    DescribePhoneNumbers with MaxResults=1 (needs sms-voice:DescribePhoneNumbers).
    """
    account_id = await get_account_id(
        session, http_session, credentials, region, endpoint_url
    )
    client = await SmsClient.create(
        session, http_session, credentials, region, endpoint_url
    )
    try:
        await client.check_access()
    finally:
        await client.close()
    return account_id
