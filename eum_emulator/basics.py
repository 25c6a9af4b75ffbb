"""What every record of the emulated account shares.

Regions, E.164 numbers, stable IDs, the demo's fixed time, and building a
record from a state file's mapping. :mod:`eum_emulator.state` and
:mod:`eum_emulator.records` both build on these, so they live apart from
either.
"""

from dataclasses import fields
from datetime import UTC, datetime
import hashlib
import re
from typing import Any

# Where an inventory item (number, sender ID, pool, configuration set) is when
# it names no region: the demo's US numbers are there, and the tests sign for it.
DEFAULT_REGION = "us-east-1"

# Fixed creation time so that responses are reproducible between runs.
DEMO_CREATED = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)

# An AWS region's name (us-east-1, us-gov-west-1 ...); which regions exist is
# the endpoint's question (sigv4.signing_regions), not the state file's.
REGION_RE = re.compile(r"[a-z]{2}(?:-[a-z]+)+-\d+")
E164_RE = re.compile(r"\+[1-9]\d{1,18}")


class StateError(ValueError):
    """The state file does not describe a valid account."""


def stable_id(prefix: str, seed: str) -> str:
    """Return an AWS-style resource ID that is the same for the same seed."""
    return f"{prefix}-{hashlib.sha256(seed.encode()).hexdigest()[:32]}"


def check_region(region: Any) -> None:
    """Reject what cannot be an inventory item's region."""
    if not isinstance(region, str) or not REGION_RE.fullmatch(region):
        raise StateError(f"region {region!r} is not an AWS region name")


def parse_time(value: Any) -> Any:
    """Return ISO 8601 text as an aware datetime (naive is UTC); else ``value``."""
    if not isinstance(value, str):
        return value
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def build[T](cls: type[T], raw: Any, where: str) -> T:
    """Build a dataclass from a mapping, rejecting unknown keys.

    Times are written in a state file as ISO 8601 text; naive ones are UTC.
    """
    if not isinstance(raw, dict):
        raise StateError(f"{where}: expected a mapping, got {type(raw).__name__}")
    known = {f.name: str(f.type) for f in fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise StateError(f"{where}: unknown keys {', '.join(unknown)}")
    values = dict(raw)
    for name, value in raw.items():
        if "datetime" in known[name] and isinstance(value, str):
            values[name] = parse_time(value)
    try:
        return cls(**values)
    except (TypeError, StateError) as err:
        raise StateError(f"{where}: {err}") from err
