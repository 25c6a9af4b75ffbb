"""Today's usage of an entry: segments sent and messages failed, persisted.

The counts survive restarts (Home Assistant's Store) and start again at
local midnight. Segments are reserved before a send so that concurrent
sends cannot overshoot the daily cap, then confirmed or released. A message
that may have been sent (its answer was lost) counts as sent: AWS may have
billed it, and the cap protects money.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_track_time_change
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .const import DOMAIN

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import date, datetime

STORAGE_VERSION = 1
# Usage changes with every message; write at most every few seconds.
SAVE_DELAY = 5


class _StoredUsage(TypedDict, total=False):
    date: str
    segments: int
    failed: int
    maybe_sent: int


@dataclass(frozen=True)
class Reservation:
    """Segments held for one send, on the day the send started."""

    day: date
    segments: int


class DailyUsage:
    """Segments sent and messages failed today, for one config entry."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Prepare the store; call :meth:`async_load` before use."""
        self._hass = hass
        self._store: Store[_StoredUsage] = Store(
            hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}.usage"
        )
        self._day = dt_util.now().date()
        # Segments sent today, those that may have been sent among them, and
        # messages that failed.
        self.segments = 0
        self.maybe_sent = 0
        self.failed = 0
        self._reserved = 0
        self._listeners: list[Callable[[], None]] = []
        self._new_day_listeners: list[Callable[[], None]] = []
        self._notify_scheduled = False

    async def async_load(self) -> CALLBACK_TYPE:
        """Load today's counts; return the callback that stops the midnight reset."""
        stored = await self._store.async_load()
        if stored is not None and stored.get("date") == self._day.isoformat():
            self.segments = stored.get("segments", 0)
            self.failed = stored.get("failed", 0)
            self.maybe_sent = stored.get("maybe_sent", 0)
        return async_track_time_change(
            self._hass, self._async_midnight, hour=0, minute=0, second=0
        )

    @callback
    def _async_midnight(self, now: datetime) -> None:
        self._roll_over(now.date())

    def _roll_over(self, today: date | None = None) -> None:
        today = today or dt_util.now().date()
        if today != self._day:
            self._day = today
            self.segments = 0
            self.maybe_sent = 0
            self.failed = 0
            # Sends still in flight settle against the day they started on.
            self._reserved = 0
            self._changed()
            for listener in list(self._new_day_listeners):
                listener()

    def headroom(self, cap: int) -> int | None:
        """Return how many more segments fit under ``cap`` today (None: no cap)."""
        self._roll_over()
        if cap <= 0:
            return None
        return max(0, cap - self.segments - self._reserved)

    def reserve(self, segments: int) -> Reservation:
        """Hold segments for a send in progress."""
        self._roll_over()
        self._reserved += segments
        return Reservation(self._day, segments)

    def settle(
        self, reservation: Reservation, *, sent: int, maybe_sent: int, failed: int
    ) -> None:
        """Release a reservation; count what was (or may have been) sent.

        ``sent`` and ``maybe_sent`` are segments, ``failed`` messages; the
        segments that may have been sent count as sent.
        """
        self._roll_over()
        if reservation.day == self._day:
            self._reserved -= reservation.segments
        self.segments += sent + maybe_sent
        self.maybe_sent += maybe_sent
        self.failed += failed
        self._changed()

    @callback
    def async_add_listener(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Call ``listener`` whenever the counts change."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @callback
    def async_on_new_day(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Call ``listener`` when the counts start again at midnight."""
        self._new_day_listeners.append(listener)
        return lambda: self._new_day_listeners.remove(listener)

    def _changed(self) -> None:
        self._store.async_delay_save(self._data, SAVE_DELAY)
        # A fan-out settles once; a burst of single sends settles many times:
        # tell the sensors once per loop iteration, not once per message.
        if not self._notify_scheduled:
            self._notify_scheduled = True
            self._hass.loop.call_soon(self._notify)

    def _notify(self) -> None:
        self._notify_scheduled = False
        for listener in list(self._listeners):
            listener()

    def _data(self) -> _StoredUsage:
        return {
            "date": self._day.isoformat(),
            "segments": self.segments,
            "failed": self.failed,
            "maybe_sent": self.maybe_sent,
        }

    async def async_save(self) -> None:
        """Write now (on unload), not after the delay."""
        await self._store.async_save(self._data())
