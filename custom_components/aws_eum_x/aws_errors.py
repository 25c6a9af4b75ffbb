"""The integration's exceptions for what AWS, or the way to it, refused.

botocore reports a problem as a ClientError with AWS's error code, or as one
of its own exceptions before AWS answered. :func:`translated` turns both into
the exceptions below, each naming its translated message, so the rest of the
integration never has to know how AWS reports a problem. Like api.py, it
imports nothing from Home Assistant.
"""

import contextlib
import re
from typing import TYPE_CHECKING, Final, cast

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    HTTPClientError,
    SSLError,
)

from .phone import mask_numbers_in

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

IAM_PREFIX: Final = "sms-voice"

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


class AwsEndpointTlsError(AwsConnectionError):
    """TLS with the endpoint failed: no request was made.

    The usual cause is an ``https://`` endpoint URL for a plain-HTTP server
    (the emulator); otherwise a certificate nobody trusts (a proxy that
    inspects TLS, a wrong clock).
    """

    translation_key = "endpoint_tls"


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
    if isinstance(err, SSLError):
        return AwsEndpointTlsError(f"{type(err).__name__}: {err}")
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
