"""STS GetCallerIdentity over the Query protocol (form in, XML out)."""

from functools import cache
from http import HTTPStatus
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

import botocore.session

if TYPE_CHECKING:
    from .errors import AwsError
    from .sigv4 import Caller

SIGNING_NAME = "sts"
_NS = "https://sts.amazonaws.com/doc/2011-06-15/"

# The JSON services' auth errors and their names in the Query protocol.
_QUERY_CODES = {
    "UnrecognizedClientException": ("InvalidClientTokenId", 403),
    "InvalidSignatureException": ("SignatureDoesNotMatch", 403),
    "ExpiredTokenException": ("ExpiredToken", 400),
    "MissingAuthenticationTokenException": ("MissingAuthenticationToken", 403),
}


@cache
def sts_regions() -> frozenset[str]:
    """Return the regions botocore lists for STS, GovCloud included."""
    session = botocore.session.get_session()
    regions = set(session.get_available_regions("sts"))
    regions.update(session.get_available_regions("sts", "aws-us-gov"))
    return frozenset(regions)


def get_caller_identity(caller: Caller, request_id: str) -> str:
    """Return the GetCallerIdentity response document."""
    return (
        f'<GetCallerIdentityResponse xmlns="{_NS}">'
        "<GetCallerIdentityResult>"
        f"<Arn>{escape(caller.arn)}</Arn>"
        f"<UserId>AIDA{escape(caller.key.access_key_id[4:])}</UserId>"
        f"<Account>{escape(caller.account_id)}</Account>"
        "</GetCallerIdentityResult>"
        f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>"
        "</GetCallerIdentityResponse>"
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
