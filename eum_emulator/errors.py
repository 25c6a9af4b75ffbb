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
