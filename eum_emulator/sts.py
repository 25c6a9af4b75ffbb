"""STS over the Query protocol (form in, XML out).

``GetCallerIdentity`` answers who signed; ``AssumeRole`` checks the role's
trust, external ID and session duration the way STS does and issues
temporary credentials that act as the role, in the role's account.
"""

from functools import cache
import hmac
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

import botocore.session

from .errors import AwsError
from .sessions import DEFAULT_DURATION_SECONDS, issue_session
from .sigv4 import Caller, authorize
from .validation import constraint_problems, is_decimal

if TYPE_CHECKING:
    from datetime import datetime

    from botocore.model import ServiceModel, StructureShape

    from .state import AccountState, Role

SIGNING_NAME = "sts"
_NS = "https://sts.amazonaws.com/doc/2011-06-15/"

# The JSON services' auth errors and their names in the Query protocol.
_QUERY_CODES = {
    "UnrecognizedClientException": ("InvalidClientTokenId", 403),
    "InvalidSignatureException": ("SignatureDoesNotMatch", 403),
    "ExpiredTokenException": ("ExpiredToken", 400),
    "MissingAuthenticationTokenException": ("MissingAuthenticationToken", 403),
}


# A session assumed with another session's credentials lasts at most 1 hour.
ROLE_CHAINING_MAX_SECONDS = 3600


@cache
def sts_model() -> ServiceModel:
    """Load botocore's model of STS once per process."""
    return botocore.session.get_session().get_service_model("sts")


@cache
def _assume_role_input() -> StructureShape:
    shape = sts_model().operation_model("AssumeRole").input_shape
    assert shape is not None  # noqa: S101 - the model gives AssumeRole an input
    return shape


def get_caller_identity(caller: Caller, request_id: str) -> str:
    """Return the GetCallerIdentity response document."""
    return (
        f'<GetCallerIdentityResponse xmlns="{_NS}">'
        "<GetCallerIdentityResult>"
        f"<Arn>{escape(caller.arn)}</Arn>"
        f"<UserId>{escape(caller.user_id)}</UserId>"
        f"<Account>{escape(caller.account_id)}</Account>"
        "</GetCallerIdentityResult>"
        f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>"
        "</GetCallerIdentityResponse>"
    )


def _validation_error(message: str) -> AwsError:
    return AwsError("ValidationError", message)


def _modelled_params(form: dict[str, str]) -> dict[str, Any]:
    """Return the form's top-level members, integers as integers.

    The Query protocol sends every value as text; the model's checks need
    the types the client meant.
    """
    params: dict[str, Any] = {}
    # In the model's order, so that problems are reported in a stable order.
    for name, member in _assume_role_input().members.items():
        value = form.get(name)
        if value is None:
            continue
        is_integer = member.type_name == "integer"
        params[name] = int(value) if is_integer and is_decimal(value) else value
    return params


def _check_model(params: dict[str, Any]) -> None:
    """Raise ValidationError, in STS's words, for what breaks the model."""
    problems = constraint_problems(_assume_role_input(), params)
    if not problems:
        return
    by_path = {name[:1].lower() + name[1:]: value for name, value in params.items()}
    details = "; ".join(
        f"Value {_quoted(by_path.get(path))} at '{path}' failed to satisfy "
        f"constraint: {message}"
        for path, message in problems
    )
    count = len(problems)
    raise _validation_error(
        f"{count} validation error{'s' if count > 1 else ''} detected: {details}"
    )


def _quoted(value: Any) -> str:
    return "null" if value is None else f"'{value}'"


def _arn_is_well_formed(arn: str) -> bool:
    """Check the ARN's syntax only: arn:partition:service:region:account:resource."""
    parts = arn.split(":", 5)
    return (
        len(parts) == 6  # noqa: PLR2004
        and parts[0] == "arn"
        and all(parts[i] for i in (1, 2, 5))
    )


def _trusts(role: Role, caller: Caller) -> bool:
    """Return whether the role's trust list names the caller."""
    if "*" in role.trusted:
        return True
    principals = {
        caller.key.access_key_id,
        caller.arn,
        caller.account_id,
        f"arn:aws:iam::{caller.account_id}:root",
    }
    # A session is trusted by its role's ARN (role chaining); a long-term
    # key by its user's name.
    principals.add(caller.key.role_arn or caller.key.user_name)
    return not principals.isdisjoint(role.trusted)


def _external_id_matches(role: Role, given: str | None) -> bool:
    if role.external_id is None:
        return True
    return given is not None and hmac.compare_digest(
        role.external_id.encode(), given.encode()
    )


def assume_role(
    state: AccountState,
    caller: Caller,
    form: dict[str, str],
    request_id: str,
    now: datetime | None = None,
) -> str:
    """Run AssumeRole and return its response document, or raise AwsError.

    Call with the state's lock held: a granted session is added to it.
    """
    params = _modelled_params(form)
    _check_model(params)
    role_arn: str = params["RoleArn"]
    if not _arn_is_well_formed(role_arn):
        raise _validation_error(f"{role_arn} is invalid")

    # STS gives one answer for every refusal, so that a caller cannot tell
    # a missing role from a role that does not trust it.
    denied = AwsError(
        "AccessDenied",
        f"User: {caller.arn} is not authorized to perform: sts:AssumeRole on "
        f"resource: {role_arn}",
        status=HTTPStatus.FORBIDDEN,
    )
    try:
        # The key's own policy: its region deny, then its allowed actions.
        authorize(caller, "sts:AssumeRole", role_arn)
    except AwsError:
        raise denied from None
    role = state.find_role(role_arn)
    if (
        role is None
        or not _trusts(role, caller)
        or not _external_id_matches(role, params.get("ExternalId"))
    ):
        raise denied

    duration: int = params.get("DurationSeconds", DEFAULT_DURATION_SECONDS)
    if caller.key.role_arn is not None and duration > ROLE_CHAINING_MAX_SECONDS:
        raise _validation_error(
            "The requested DurationSeconds exceeds the 1 hour session limit for "
            "roles assumed by role chaining."
        )
    if duration > role.max_session_duration:
        raise _validation_error(
            "The requested DurationSeconds exceeds the MaxSessionDuration set for "
            "this role."
        )
    session = issue_session(
        state,
        role,
        session_name=params["RoleSessionName"],
        duration_seconds=duration,
        now=now,
    )
    # The new credentials' own identity, as they will sign later calls.
    assumed = Caller(
        key=session.key, region=caller.region, account_id=session.account_id
    )
    source_identity = params.get("SourceIdentity")
    source = (
        ""
        if source_identity is None
        else f"<SourceIdentity>{escape(source_identity)}</SourceIdentity>"
    )
    return (
        f'<AssumeRoleResponse xmlns="{_NS}">'
        f"<AssumeRoleResult>{source}"
        "<AssumedRoleUser>"
        f"<Arn>{escape(assumed.arn)}</Arn>"
        f"<AssumedRoleId>{escape(assumed.user_id)}</AssumedRoleId>"
        "</AssumedRoleUser>"
        "<Credentials>"
        f"<AccessKeyId>{session.key.access_key_id}</AccessKeyId>"
        f"<SecretAccessKey>{escape(session.key.secret_access_key)}</SecretAccessKey>"
        f"<SessionToken>{escape(session.token)}</SessionToken>"
        f"<Expiration>{session.expiration_text}</Expiration>"
        "</Credentials>"
        "</AssumeRoleResult>"
        f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>"
        "</AssumeRoleResponse>"
    )


def error_document(error: AwsError, request_id: str) -> tuple[int, str]:
    """Return the HTTP status and Query-protocol error document for an error."""
    code, status = _QUERY_CODES.get(error.code, (error.code, error.status))
    kind = "Receiver" if status >= HTTPStatus.INTERNAL_SERVER_ERROR else "Sender"
    return status, (
        f'<ErrorResponse xmlns="{_NS}">'
        f"<Error><Type>{kind}</Type><Code>{escape(code)}</Code>"
        f"<Message>{escape(error.message)}</Message></Error>"
        f"<RequestId>{request_id}</RequestId>"
        "</ErrorResponse>"
    )
