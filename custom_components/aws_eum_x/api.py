"""Typed access to AWS End User Messaging SMS over aiobotocore.

With credentials.py (where credentials come from), aws_errors.py (what AWS
refused) and aws_session.py (the session and HTTP session), the only modules
that import botocore or aiobotocore. It turns the service's JSON into frozen
dataclasses and walks every page of Describe* calls.

It imports nothing from Home Assistant: the HTTP session to use is passed in.
"""

import asyncio
import contextlib
from dataclasses import dataclass, field, replace
from http import HTTPStatus
import logging
from typing import (
    TYPE_CHECKING,
    Any,
    Final,
    Literal,
    NotRequired,
    Self,
    TypedDict,
    cast,
)

from aiobotocore.config import AioConfig
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    HTTPClientError,
    ReadTimeoutError,
)
from yarl import URL

from .aws_errors import (
    AwsMaybeSentError,
    AwsNotSentError,
    AwsRequestError,
    translate_botocore_error,
    translate_client_error,
    translated,
)
from .aws_models import (
    DeniedReason,
    PhoneNumberInfo,
    PoolInfo,
    RegistrationInfo,
    SenderIdInfo,
    SpendLimit,
)
from .aws_session import SERVICE_NAME, shared_http_session_class

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Coroutine, Mapping
    import ssl

    from aiobotocore.session import AioSession, ClientCreatorContext
    import aiohttp
    from types_aiobotocore_pinpoint_sms_voice_v2.client import PinpointSMSVoiceV2Client
    from types_aiobotocore_pinpoint_sms_voice_v2.literals import VoiceIdType
    from types_aiobotocore_pinpoint_sms_voice_v2.type_defs import (
        ResponseMetadataTypeDef,
        SendMediaMessageRequestTypeDef,
        SendTextMessageRequestTypeDef,
        SendVoiceMessageRequestTypeDef,
    )
    from types_aiobotocore_sts.client import STSClient

_LOGGER = logging.getLogger(__name__)

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


# -- credentials ---------------------------------------------------------------


@dataclass(frozen=True)
class AwsCredentials:
    """An access key pair. Its repr never shows the secret."""

    access_key_id: str
    secret_access_key: str = field(repr=False)

    def __repr__(self) -> str:
        """Show the key ID only."""
        return f"AwsCredentials(access_key_id={self.access_key_id!r})"


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

    async def describe_registrations(
        self, registration_ids: list[str]
    ) -> dict[str, RegistrationInfo]:
        """Return the registrations of ``registration_ids``, with denied reasons.

        For one that needs updates or whose latest version was denied, the
        reasons come from that version (DescribeRegistrationVersions).
        """
        if not registration_ids:
            return {}
        paginator = self._describe.get_paginator("describe_registrations")
        found: dict[str, RegistrationInfo] = {}
        pages = (
            page
            # The request takes at most 5 IDs (the API model).
            for start in range(0, len(registration_ids), 5)
            async for page in paginator.paginate(
                RegistrationIds=registration_ids[start : start + 5]
            )
        )
        with translated("DescribeRegistrations"):
            async for page in pages:
                for item in page.get("Registrations", []):
                    found[item["RegistrationId"]] = RegistrationInfo(
                        registration_id=item["RegistrationId"],
                        arn=item["RegistrationArn"],
                        registration_type=item["RegistrationType"],
                        status=item["RegistrationStatus"].lower(),
                        latest_denied_version=item.get("LatestDeniedVersionNumber"),
                    )
        for key, registration in list(found.items()):
            version = registration.latest_denied_version
            if version is None or registration.status == "complete":
                continue
            with translated("DescribeRegistrationVersions"):
                answer = await self._describe.describe_registration_versions(
                    RegistrationId=key, VersionNumbers=[version]
                )
            reasons = tuple(
                DeniedReason(
                    reason=r.get("Reason", ""),
                    short_description=r.get("ShortDescription", ""),
                    long_description=r.get("LongDescription", ""),
                    documentation_link=r.get("DocumentationLink"),
                )
                for v in answer.get("RegistrationVersions", [])
                for r in v.get("DeniedReasons", [])
            )
            found[key] = replace(registration, denied_reasons=reasons)
        return found

    async def describe_opted_out_numbers(
        self, opt_out_list: str, numbers: list[str]
    ) -> set[str]:
        """Return which of ``numbers`` are on ``opt_out_list``.

        One request a number: AWS answers ResourceNotFoundException for a
        number the list does not hold (and for a list that does not exist),
        which would hide the others of a batch.
        """
        opted_out: set[str] = set()
        for number in numbers:
            try:
                with translated("DescribeOptedOutNumbers"):
                    answer = await self._describe.describe_opted_out_numbers(
                        OptOutListName=opt_out_list, OptedOutNumbers=[number]
                    )
            except AwsRequestError as err:
                if err.code == "ResourceNotFoundException":
                    continue
                raise
            opted_out |= {
                item["OptedOutNumber"] for item in answer.get("OptedOutNumbers", [])
            }
        return opted_out

    async def delete_opted_out_number(self, opt_out_list: str, number: str) -> None:
        """Take ``number`` off ``opt_out_list`` (AWS allows it once in 30 days)."""
        with translated("DeleteOptedOutNumber"):
            await self._describe.delete_opted_out_number(
                OptOutListName=opt_out_list, OptedOutNumber=number
            )

    async def verified_destinations(self) -> dict[str, tuple[str, str]]:
        """Return each verified destination: number → (ID, status), all pages.

        In the SMS sandbox AWS texts only these numbers (and its simulators).
        """
        paginator = self._describe.get_paginator(
            "describe_verified_destination_numbers"
        )
        with translated("DescribeVerifiedDestinationNumbers"):
            return {
                item["DestinationPhoneNumber"]: (
                    item["VerifiedDestinationNumberId"],
                    item["Status"],
                )
                async for page in paginator.paginate()
                for item in page.get("VerifiedDestinationNumbers", [])
            }

    async def create_verified_destination(self, number: str) -> str:
        """Add ``number`` to the sandbox's destinations; return its ID."""
        with translated("CreateVerifiedDestinationNumber"):
            answer = await self._describe.create_verified_destination_number(
                DestinationPhoneNumber=number
            )
        return answer["VerifiedDestinationNumberId"]

    async def send_verification_code(self, destination_id: str, channel: str) -> None:
        """Have AWS send the destination its code, by TEXT or VOICE."""
        with translated("SendDestinationNumberVerificationCode"):
            # Not retried by botocore: a retry could text a second code.
            await self._send.send_destination_number_verification_code(
                VerifiedDestinationNumberId=destination_id,
                VerificationChannel=cast("Any", channel),
            )

    async def verify_destination(self, destination_id: str, code: str) -> str:
        """Give AWS the code the recipient received; return the new status."""
        with translated("VerifyDestinationNumber"):
            answer = await self._describe.verify_destination_number(
                VerifiedDestinationNumberId=destination_id, VerificationCode=code
            )
        return answer["Status"]

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

    async def probe(self) -> None:
        """Ask AWS the cheapest question: one phone number, one attempt.

        The outbox's test of whether AWS can be reached again: any answer,
        even a refusal, means it can. Sent on the client that never retries,
        so one probe is one request.
        """
        with translated("DescribePhoneNumbers"):
            await self._send.describe_phone_numbers(MaxResults=1)

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
