"""Error translation: AWS's refusals and botocore's failures, as the integration's."""

from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    EndpointConnectionError,
    ParamValidationError,
)
import pytest

from custom_components.aws_eum_x.aws_errors import (
    AwsAccessDeniedError,
    AwsAuthError,
    AwsConnectionError,
    AwsRequestError,
    AwsSmsError,
    AwsThrottledError,
    translate_botocore_error,
    translate_client_error,
)


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
