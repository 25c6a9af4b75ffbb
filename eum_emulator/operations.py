"""What the emulated operations share: pages, filters, ARNs and common errors.

:mod:`eum_emulator.service` and the modules of further operations
(:mod:`eum_emulator.registrations`, :mod:`eum_emulator.verification`,
:mod:`eum_emulator.opt_outs`) answer in the same shapes with these.
"""

import base64
import binascii
from collections.abc import Callable
import json
from typing import TYPE_CHECKING, Any

from .errors import AwsError, validation_error
from .state import CALLING_CODES, CANADIAN_AREA_CODES

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime

    from .sigv4 import Caller

SIGNING_NAME = "sms-voice"
DEFAULT_PAGE_SIZE = 100

type Params = dict[str, Any]
type Result = dict[str, Any]
# An operation's handler: the request's parameters and the caller -> the output.
type Handler = Callable[[Params, Caller], Result]


def _encode_token(operation: str, offset: int) -> str:
    raw = json.dumps({"op": operation, "offset": offset}).encode()
    return base64.urlsafe_b64encode(raw).decode()


def _decode_token(operation: str, token: str) -> int:
    invalid = validation_error(
        "The NextToken provided is not valid.", reason="INVALID_NEXT_TOKEN"
    )
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
        valid = data["op"] == operation and isinstance(data["offset"], int)
    except ValueError, KeyError, TypeError, binascii.Error:
        raise invalid from None
    if not valid or data["offset"] < 0:
        raise invalid
    return int(data["offset"])


def paginate(operation: str, key: str, items: list[Result], params: Params) -> Result:
    """Return one page of ``items`` and the token for the next one."""
    start = (
        _decode_token(operation, params["NextToken"]) if "NextToken" in params else 0
    )
    size = params.get("MaxResults", DEFAULT_PAGE_SIZE)
    result: Result = {key: items[start : start + size]}
    if start + size < len(items):
        result["NextToken"] = _encode_token(operation, start + size)
    return result


def apply_filters(
    items: Iterable[Any],
    filters: list[Params],
    getters: dict[str, Callable[[Any], Iterable[str]]],
) -> list[Any]:
    """Keep the items that match every filter (any of its values)."""
    return [
        item
        for item in items
        if all(set(getters[flt["Name"]](item)) & set(flt["Values"]) for flt in filters)
    ]


def flag(value: bool) -> list[str]:
    """Return a boolean as a filter sees it."""
    return ["true" if value else "false"]


def present(value: str | None) -> list[str]:
    """Return an optional value as a filter sees it."""
    return [] if value is None else [value]


def timestamp(value: datetime) -> float:
    """Return a time as the JSON protocol sends it: epoch seconds."""
    return value.timestamp()


def arn(caller: Caller, resource: str) -> str:
    """Return the ARN of a resource of the caller's account and region."""
    return f"arn:aws:{SIGNING_NAME}:{caller.region}:{caller.account_id}:{resource}"


def not_found(resource_type: str, ref: str) -> AwsError:
    """Return the ResourceNotFoundException for a resource of the model's type."""
    return AwsError(
        "ResourceNotFoundException",
        f"Resource {ref} of type {resource_type} was not found.",
        ResourceType=resource_type,
        ResourceId=ref,
    )


def e164(number: str) -> str:
    """Return a number with its leading +, which the model lets callers omit."""
    return number if number.startswith("+") else f"+{number}"


def destination_country(number: str) -> str | None:
    """Return the ISO country of an E.164 number, where the emulator knows it."""
    digits = number.removeprefix("+")
    if digits.startswith("1") and digits[1:4] in CANADIAN_AREA_CODES:
        return "CA"
    best: tuple[int, str] | None = None
    for country, code in CALLING_CODES.items():
        # The first country of a shared code wins (US before CA).
        if digits.startswith(code) and (best is None or len(code) > best[0]):
            best = (len(code), country)
    return best[1] if best else None
