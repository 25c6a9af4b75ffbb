"""Validate a request against botocore's service model, as AWS does.

botocore checks only required members, types and minimums before sending;
the service itself rejects maximum lengths, patterns and enum values. This
module walks the operation's input shape and reports every violation in the
wording and structure AWS uses (``ValidationException`` with
``Reason: FIELD_VALIDATION_FAILED`` and a ``Fields`` list).
"""

from functools import cache
import re
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape

from .errors import AwsError, validation_error


@cache
def _pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def is_decimal(value: str) -> bool:
    """Return whether text is a plain decimal integer (as forms send numbers).

    str.isdigit alone accepts digits int() refuses, such as superscripts.
    """
    return value.isascii() and value.isdigit()


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def _limits(meta: dict[str, Any], size: int, what: str) -> list[str]:
    """Return the min/max constraint messages ``size`` breaks."""
    broken = []
    if "min" in meta and size < meta["min"]:
        broken.append(f"Member must have {what} greater than or equal to {meta['min']}")
    if "max" in meta and size > meta["max"]:
        broken.append(f"Member must have {what} less than or equal to {meta['max']}")
    return broken


def _type_ok(kind: str, value: Any) -> bool:
    if kind in ("integer", "long"):
        return isinstance(value, int) and not isinstance(value, bool)
    expected = _PYTHON_TYPES.get(kind)
    return expected is None or isinstance(value, expected)


_PYTHON_TYPES: dict[str, type | tuple[type, ...]] = {
    "string": str,
    "boolean": bool,
    "list": list,
    "map": dict,
    "structure": dict,
    "timestamp": (int, float, str),
    "float": (int, float),
    "double": (int, float),
}


def _check(
    shape: Shape, value: Any, path: str, problems: list[tuple[str, str]]
) -> None:
    """Append (path, message) for every constraint the value breaks."""
    meta = shape.metadata
    kind = shape.type_name
    if not _type_ok(kind, value):
        problems.append((path, f"Member must be of type {kind}"))
        return
    broken: list[str] = []
    if kind == "string":
        if (enum := meta.get("enum")) and value not in enum:
            broken.append(f"Member must satisfy enum value set: [{', '.join(enum)}]")
        broken += _limits(meta, len(value), "length")
        if "pattern" in meta and not _pattern(meta["pattern"]).fullmatch(value):
            broken.append(
                f"Member must satisfy regular expression pattern: {meta['pattern']}"
            )
    elif kind in ("integer", "long"):
        broken += _limits(meta, value, "value")
    elif kind in ("list", "map"):
        broken += _limits(meta, len(value), "length")
    problems.extend((path, message) for message in broken)

    if isinstance(shape, ListShape):
        for index, item in enumerate(value):
            _check(shape.member, item, f"{path}.{index + 1}.member", problems)
    elif isinstance(shape, MapShape):
        for map_key, item in value.items():
            _check(shape.key, map_key, f"{path}.key", problems)
            _check(shape.value, item, f"{path}.{map_key}", problems)
    elif isinstance(shape, StructureShape):
        _check_structure(shape, value, f"{path}.", problems)


def _check_structure(
    shape: StructureShape,
    value: dict[str, Any],
    prefix: str,
    problems: list[tuple[str, str]],
) -> None:
    problems.extend(
        (f"{prefix}{_camel(name)}", "Member must not be null")
        for name in shape.required_members
        if value.get(name) is None
    )
    for name, item in value.items():
        member = shape.members.get(name)
        if member is not None and item is not None:
            _check(member, item, f"{prefix}{_camel(name)}", problems)


def constraint_problems(
    shape: StructureShape, params: dict[str, Any]
) -> list[tuple[str, str]]:
    """Return (member path, broken constraint) for every problem in ``params``.

    Top-level members are reported as 'fieldName', nested ones as 'a.b'.
    """
    problems: list[tuple[str, str]] = []
    _check_structure(shape, params, "", problems)
    return problems


def validate_input(shape: StructureShape, params: Any) -> None:
    """Raise ValidationException when the request breaks the model."""
    if not isinstance(params, dict):
        raise AwsError(
            "SerializationException",
            "Start of structure or map found where not expected.",
        )
    problems = constraint_problems(shape, params)
    if not problems:
        return
    details = "; ".join(
        f"Value at '{path}' failed to satisfy constraint: {message}"
        for path, message in problems
    )
    count = len(problems)
    raise validation_error(
        f"{count} validation error{'s' if count > 1 else ''} detected: {details}",
        Fields=[{"Name": path, "Message": message} for path, message in problems],
    )
