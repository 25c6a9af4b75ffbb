"""Verify AWS Signature Version 4 the way AWS's front door does.

The signature is recomputed with botocore's own signer from the request as it
arrived and the secret of the key it names, so anything a real client signs
correctly passes and anything else fails with the error AWS returns.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
import hmac
import re
from typing import TYPE_CHECKING

from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
import botocore.session

from .errors import AwsError
from .state import action_allowed, role_id

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .state import AccessKey, AccountState

# The credential scope: key/date/region/service/aws4_request.
_CREDENTIAL = (
    r"Credential=(?P<key>[^/\s,]+)/(?P<date>\d{8})/(?P<region>[^/\s,]+)/"
    r"(?P<service>[^/\s,]+)/aws4_request"
)
_AUTH_RE = re.compile(
    r"AWS4-HMAC-SHA256\s+"
    rf"{_CREDENTIAL},\s*"
    r"SignedHeaders=(?P<signed>[a-z0-9;_.-]+),\s*"
    r"Signature=(?P<signature>[0-9a-f]{64})$"
)
_CREDENTIAL_RE = re.compile(rf"{_CREDENTIAL}(?=[\s,]|$)")
_AMZ_DATE = "%Y%m%dT%H%M%SZ"

INVALID_TOKEN = "The security token included in the request is invalid."  # noqa: S105
SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you "
    "provided. Check your AWS Secret Access Key and signing method. Consult "
    "the service documentation for details."
)


@cache
def signing_regions(service_name: str) -> frozenset[str]:
    """Return every region botocore lists for a service, GovCloud included.

    ``service_name`` is botocore's name of the service (as
    ``pinpoint-sms-voice-v2``, ``sts`` or ``sqs``).
    """
    session = botocore.session.get_session()
    regions = set(session.get_available_regions(service_name))
    regions.update(session.get_available_regions(service_name, "aws-us-gov"))
    return frozenset(regions)


def credential_service(authorization: str | None) -> str | None:
    """Return the service a SigV4 Authorization header is scoped to."""
    if authorization is None:
        return None
    match = _CREDENTIAL_RE.search(authorization)
    return None if match is None else match["service"]


@dataclass(frozen=True)
class Caller:
    """Who signed a request, once the signature checked out."""

    key: AccessKey
    region: str
    account_id: str

    @property
    def arn(self) -> str:
        """Return the caller's ARN: an IAM user's, or a role session's."""
        if self.key.role_arn is not None:
            role_name = self.key.role_arn.rsplit("/", 1)[-1]
            # An assumed-role ARN names the role without its path.
            return (
                f"arn:aws:sts::{self.account_id}:assumed-role/{role_name}/"
                f"{self.key.role_session_name}"
            )
        return f"arn:aws:iam::{self.account_id}:user/{self.key.user_name}"

    @property
    def user_id(self) -> str:
        """Return the caller's unique ID as GetCallerIdentity reports it."""
        if self.key.role_arn is not None:
            return f"{role_id(self.key.role_arn)}:{self.key.role_session_name}"
        return f"AIDA{self.key.access_key_id[4:]}"


def authorize(caller: Caller, action: str, resource: str, *, status: int = 400) -> None:
    """Raise AccessDeniedException, in IAM's words, unless the caller may act.

    A region outside the key's ``allowed_regions`` is an explicit Deny on
    aws:RequestedRegion, which wins over any Allow; then the key's
    ``allowed_actions`` must allow ``action`` (as ``sqs:SendMessage``).
    ``resource`` is the ARN the refusal names.
    """
    regions = caller.key.allowed_regions
    if regions is not None and caller.region not in regions:
        # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_deny-requested-region.html
        raise AwsError(
            "AccessDeniedException",
            f"User: {caller.arn} is not authorized to perform: {action} on "
            f"resource: {resource} with an explicit deny in an identity-based "
            "policy",
            status=status,
        )
    if action_allowed(caller.key.allowed_actions, action):
        return
    raise AwsError(
        "AccessDeniedException",
        f"User: {caller.arn} is not authorized to perform: {action} on "
        f"resource: {resource} because no identity-based policy allows the "
        f"{action} action",
        status=status,
    )


def _same_token(expected: str | None, given: str | None) -> bool:
    """Compare session tokens in constant time; None matches only None."""
    if expected is None or given is None:
        return expected is given
    return hmac.compare_digest(expected.encode(), given.encode())


def _signature_error(message: str) -> AwsError:
    return AwsError("InvalidSignatureException", message, status=403)


def authenticate(
    state: AccountState,
    *,
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    service: str,
    valid_regions: frozenset[str],
    now: datetime | None = None,
) -> Caller:
    """Return the caller of a signed request or raise the AWS auth error."""
    header = headers.get("Authorization")
    if header is None:
        raise AwsError(
            "MissingAuthenticationTokenException",
            "Missing Authentication Token",
            status=403,
        )
    match = _AUTH_RE.match(header.strip())
    if match is None:
        raise AwsError(
            "IncompleteSignatureException",
            f"Authorization header requires 'Credential', 'Signature' and "
            f"'SignedHeaders' parameters. Authorization={header.split(' ')[0]}",
            status=400,
        )

    key = state.key(match["key"])
    token = headers.get("X-Amz-Security-Token")
    if key is None or not _same_token(key.session_token, token):
        raise AwsError("UnrecognizedClientException", INVALID_TOKEN, status=400)

    if match["service"] != service:
        raise _signature_error(
            f"Credential should be scoped to correct service: '{service}'."
        )
    allowed_regions = (
        valid_regions if state.regions is None else frozenset(state.regions)
    )
    if match["region"] not in allowed_regions:
        raise _signature_error("Credential should be scoped to a valid region.")

    amz_date = headers.get("X-Amz-Date", "")
    try:
        signed_at = datetime.strptime(amz_date, _AMZ_DATE).replace(tzinfo=UTC)
    except ValueError:
        raise _signature_error(
            "Authorization header requires existence of either a "
            "'X-Amz-Date' or a 'Date' header."
        ) from None
    if amz_date[:8] != match["date"]:
        raise _signature_error(
            f"Date in Credential scope does not match YYYYMMDD from ISO-8601 "
            f"version of date from HTTP: '{match['date']}' != '{amz_date[:8]}', "
            f"from '{amz_date}'."
        )
    now = now or datetime.now(UTC)
    skew = timedelta(seconds=state.max_clock_skew_seconds)
    stamp = now.strftime(_AMZ_DATE)
    if signed_at < now - skew:
        raise _signature_error(
            f"Signature expired: {amz_date} is now earlier than "
            f"{(now - skew).strftime(_AMZ_DATE)} ({stamp} - 5 min.)"
        )
    if signed_at > now + skew:
        raise _signature_error(
            f"Signature not yet current: {amz_date} is still later than "
            f"{(now + skew).strftime(_AMZ_DATE)} ({stamp} + 5 min.)"
        )
    if key.expires is not None and key.expires <= now:
        raise AwsError(
            "ExpiredTokenException",
            "The security token included in the request is expired",
            status=400,
        )

    # Rebuild the request from exactly the headers the client said it signed.
    lower = {name.lower(): value for name, value in headers.items()}
    signed_names = match["signed"].split(";")
    if "host" not in signed_names or any(n not in lower for n in signed_names):
        raise _signature_error(SIGNATURE_MISMATCH)
    request = AWSRequest(
        method=method,
        url=url,
        headers={name: lower[name] for name in signed_names},
        data=body,
    )
    request.context["timestamp"] = amz_date
    # S3 signs the path as sent, without normalising or encoding it again.
    signer_class = S3SigV4Auth if service == "s3" else SigV4Auth
    signer = signer_class(
        Credentials(key.access_key_id, key.secret_access_key, token),
        service,
        match["region"],
    )
    expected = signer.signature(
        signer.string_to_sign(request, signer.canonical_request(request)), request
    )
    if not hmac.compare_digest(expected, match["signature"]):
        raise _signature_error(SIGNATURE_MISMATCH)
    return Caller(
        key=key,
        region=match["region"],
        account_id=key.account_id or state.account_id,
    )
