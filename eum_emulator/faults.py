"""Faults the emulator injects into the next calls of an operation."""

import asyncio
from dataclasses import asdict, dataclass, field
import threading
from typing import TYPE_CHECKING, Any, Literal, get_args

from aiohttp import web

from .errors import AwsError

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

# error:             answer with an AWS error (``code``/``status``/``fields``),
#                    without processing the request.
# latency:           wait ``delay`` seconds, then process and answer normally.
# drop:              close the connection without processing or answering.
# accept_then_drop:  process (a message is recorded), then close the
#                    connection without answering.
# accept_then_delay: process (a message is recorded), then answer only after
#                    ``delay`` seconds, longer than the client's read timeout.
FaultKind = Literal["error", "latency", "drop", "accept_then_drop", "accept_then_delay"]
FAULT_KINDS: tuple[str, ...] = get_args(FaultKind)

_DEFAULT_CODES = {500: "InternalServerException", 503: "ServiceUnavailableException"}


@dataclass
class Fault:
    """One fault, applied to the next ``count`` calls of ``operation``."""

    kind: FaultKind
    operation: str = "*"
    count: int = 1
    code: str | None = None
    message: str = "Injected by the emulator."
    status: int = 400
    fields: dict[str, Any] = field(default_factory=dict)
    delay: float = 0.0

    def __post_init__(self) -> None:
        """Check the fault and fill in the error code for bare HTTP statuses."""
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"kind must be one of {', '.join(FAULT_KINDS)}")
        if self.count < 1:
            raise ValueError("count must be at least 1")
        if self.kind == "error" and self.code is None:
            self.code = _DEFAULT_CODES.get(self.status)
            if self.code is None:
                raise ValueError("an error fault needs a code")

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Fault:
        """Build a fault from the JSON of ``POST /_emulator/faults``."""
        try:
            return cls(**raw)
        except TypeError as err:
            raise ValueError(str(err)) from err

    def as_dict(self) -> dict[str, Any]:
        """Return the fault as JSON-ready data."""
        return asdict(self)


class FaultQueue:
    """Pending faults, consumed in the order they were added."""

    def __init__(self) -> None:
        """Start with no faults."""
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> None:
        """Queue a fault."""
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        """Forget every pending fault."""
        with self._lock:
            self._faults.clear()

    def pending(self) -> list[Fault]:
        """Return the faults not yet used up."""
        with self._lock:
            return list(self._faults)

    def take(self, operation: str, *, wildcard: bool = True) -> Fault | None:
        """Return the first fault for ``operation`` and use up one of its calls.

        With ``wildcard`` false, a fault for every operation (``*``) does not
        apply: only one that names ``operation``.
        """
        names = ("*", operation) if wildcard else (operation,)
        with self._lock:
            for fault in self._faults:
                if fault.operation in names:
                    fault.count -= 1
                    if fault.count == 0:
                        self._faults.remove(fault)
                    return fault
        return None


def drop_connection(request: web.Request) -> web.Response:
    """Close the client's connection without an answer."""
    transport = request.transport
    if transport is not None:
        transport.abort()
    # aiohttp cannot write to an aborted transport; what we return is unseen.
    return web.Response(status=599)


async def apply_fault(
    fault: Fault | None,
    request: web.Request,
    process: Callable[[], Awaitable[web.Response]],
) -> web.Response:
    """Run ``process`` as the fault says; without a fault, just run it.

    Raises:
        AwsError: The fault is an error: the request is not processed.
    """
    if fault is None:
        return await process()
    if fault.kind == "error":
        code = fault.code or "InternalServerException"
        raise AwsError(code, fault.message, status=fault.status, **fault.fields)
    if fault.kind == "drop":
        return drop_connection(request)
    if fault.kind == "latency":
        await asyncio.sleep(fault.delay)
        return await process()
    response = await process()
    if fault.kind == "accept_then_drop":
        return drop_connection(request)
    # accept_then_delay: the work is done; the answer comes too late.
    await asyncio.sleep(fault.delay)
    return response
