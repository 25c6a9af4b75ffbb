"""The emulator's network switch: take the endpoint off the network and back.

Going down closes the listening socket, so that a connection to the port is
refused at once (the client sees "connection refused", as when AWS cannot be
reached, not a hang), and closes every open connection, so that a client's
kept-alive connection cannot reach it either. Everything on the port goes
down together: the SMS API, STS, and moto's SNS, SQS and S3. Coming back
listens on the same port again.

From Python, ``Emulator.set_reachable(False)`` and ``set_reachable(True)``;
over HTTP only the way down (once down, nothing answers), with an optional
``for_seconds`` after which it comes back by itself:
``POST /_emulator/network`` with ``{"reachable": false, "for_seconds": 5}``.
"""

import asyncio
from http import HTTPStatus
import json
import logging
import math
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from aiohttp.web_protocol import RequestHandler

_LOGGER = logging.getLogger(__name__)


class NetworkSwitch:
    """The listening socket of one emulator, which can be closed and reopened.

    Use it from the loop that serves the emulator.
    """

    def __init__(self) -> None:
        """Start unbound: :meth:`listen` binds it."""
        self._runner: web.BaseRunner | None = None
        self._site: web.TCPSite | None = None
        self._host = ""
        self._port = 0
        self._timer: asyncio.TimerHandle | None = None
        # How many times it went down, for tests that cannot watch it happen.
        self.outages = 0

    @property
    def reachable(self) -> bool:
        """Return whether the endpoint is listening."""
        return self._site is not None

    async def listen(self, runner: web.BaseRunner, host: str, port: int) -> int:
        """Serve ``runner`` on ``host``:``port`` (0: any free port); return the port.

        Raises:
            OSError: The port is taken.
        """
        self._runner, self._host = runner, host
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._site = site
        self._port = site.port
        return self._port

    async def go_down(
        self,
        for_seconds: float | None = None,
        *,
        keep: RequestHandler | None = None,
    ) -> None:
        """Stop listening and close the open connections.

        Args:
            for_seconds: Come back by itself after this long; None: stay down
                until :meth:`come_up`.
            keep: A connection to leave open, to answer the request that
                asked for this (it closes once answered).
        """
        self._cancel_timer()
        site, self._site = self._site, None
        if site is not None:
            self.outages += 1
            # Closes the listening socket: a connection attempt is refused.
            await site.stop()
        server = self._runner.server if self._runner is not None else None
        for handler in server.connections if server is not None else []:
            transport = handler.transport
            if handler is not keep and transport is not None:
                transport.close()
        if for_seconds is not None:
            loop = asyncio.get_running_loop()
            self._timer = loop.call_later(for_seconds, self._come_back)

    async def come_up(self) -> None:
        """Listen again on the same port (nothing happens if it is up).

        Raises:
            OSError: Something else took the port meanwhile.
        """
        self._cancel_timer()
        if self._site is None and self._runner is not None:
            await self.listen(self._runner, self._host, self._port)

    def close(self) -> None:
        """Forget a pending return: the emulator is stopping."""
        self._cancel_timer()
        self._site = None

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _come_back(self) -> None:
        self._timer = None
        task = asyncio.get_running_loop().create_task(self.come_up())
        task.add_done_callback(_log_failure)


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and (err := task.exception()) is not None:
        _LOGGER.error("the emulator could not listen again: %s", err)


def _seconds(value: Any) -> float | None:
    """Return ``for_seconds`` if it is a positive finite number, else raise."""
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value <= 0
    ):
        raise ValueError("for_seconds must be a number of seconds > 0")
    return float(value)


def _down_request(body: bytes) -> float | None:
    """Return the ``for_seconds`` of a request to go down; ValueError if bad."""
    raw = json.loads(body)
    if not isinstance(raw, dict) or set(raw) - {"reachable", "for_seconds"}:
        raise ValueError('expected {"reachable": false, "for_seconds": N}')
    if raw.get("reachable") is not False:
        raise ValueError(
            'only {"reachable": false} can be asked over HTTP: once down, '
            "nothing answers (come back with for_seconds, or from Python "
            "with Emulator.set_reachable(True))"
        )
    return _seconds(raw.get("for_seconds"))


async def handle_network(request: web.Request, switch: NetworkSwitch) -> web.Response:
    """POST ``{"reachable": false[, "for_seconds": N]}``: go down (and come back).

    The answer is sent on this request's connection, which then closes;
    every other connection closes at once, and the port refuses new ones.
    """
    try:
        for_seconds = _down_request(await request.read())
    except ValueError as err:
        return web.json_response({"error": str(err)}, status=HTTPStatus.BAD_REQUEST)
    if not switch.reachable:
        return web.json_response(
            {"error": "this server's socket is not the emulator's to close"},
            status=HTTPStatus.CONFLICT,
        )
    await switch.go_down(for_seconds, keep=request.protocol)
    response = web.json_response({"reachable": False, "for_seconds": for_seconds})
    response.force_close()
    return response
