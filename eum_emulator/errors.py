"""AWS errors, in the JSON 1.0 shape botocore parses."""

from typing import Any


class AwsError(Exception):
    """An error the emulated service answers with instead of a result.

    ``fields`` are the error shape's modelled members (``Reason``,
    ``ResourceType``, ``Fields`` ...); botocore merges them into
    ``ClientError.response``.
    """

    def __init__(
        self, code: str, message: str, *, status: int = 400, **fields: Any
    ) -> None:
        """Keep the code, message, HTTP status and modelled fields."""
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.fields = fields

    def body(self) -> dict[str, Any]:
        """Return the JSON 1.0 error document."""
        return {"__type": self.code, "message": self.message, **self.fields}


def validation_error(
    message: str, reason: str = "FIELD_VALIDATION_FAILED", **fields: Any
) -> AwsError:
    """Return a ValidationException with its reason."""
    return AwsError("ValidationException", message, Reason=reason, **fields)


class InboundError(ValueError):
    """An inbound SMS the emulator cannot deliver to a two-way channel.

    ``reason`` names why, in the words of the API's ValidationException
    reasons where one fits (``TWO_WAY_NOT_ENABLED``,
    ``TWO_WAY_CHANNEL_NOT_PRESENT``, ``TWO_WAY_TOPIC_NOT_PRESENT``), else
    ``UNKNOWN_PHONE_NUMBER`` or ``INVALID_PARAMETER``.
    """

    def __init__(self, reason: str, message: str) -> None:
        """Keep the reason and the message."""
        super().__init__(message)
        self.reason = reason
