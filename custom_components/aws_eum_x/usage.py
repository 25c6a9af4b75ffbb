"""Today's usage of an entry: what was sent, and what carriers reported.

Segments sent, call minutes, messages failed, and messages carriers
delivered or failed.
The counts survive restarts (Home Assistant's Store) and start again at
local midnight. Segments are reserved before a send so that concurrent
sends cannot overshoot the daily cap, then confirmed or released. A message
that may have been sent (its answer was lost) counts as sent: AWS may have
billed it, and the cap protects money.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TypedDict

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
    delivered: int
    carrier_failed: int
    call_minutes: int


# What a daily cap counts: SMS segments (a picture message counts as one),
# or the minutes of calls.
type Meter = Literal["segments", "call_minutes"]


@dataclass(frozen=True)
class Reservation:
    """Units held for one send, on the day the send started."""

    day: date
    units: int
    meter: Meter = "segments"


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
        # Final delivery events of today: delivered, or failed at the carrier.
        self.delivered = 0
        self.carrier_failed = 0
        # Minutes of calls placed today (estimated upper bounds).
        self.call_minutes = 0
        self._reserved: dict[Meter, int] = {"segments": 0, "call_minutes": 0}
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
            self.delivered = stored.get("delivered", 0)
            self.carrier_failed = stored.get("carrier_failed", 0)
            self.call_minutes = stored.get("call_minutes", 0)
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
            self.delivered = 0
            self.carrier_failed = 0
            self.call_minutes = 0
            # Sends still in flight settle against the day they started on.
            self._reserved = {"segments": 0, "call_minutes": 0}
            self._changed()
            for listener in list(self._new_day_listeners):
                listener()

    def _used(self, meter: Meter) -> int:
        return self.segments if meter == "segments" else self.call_minutes

    def reserved(self, meter: Meter = "segments") -> int:
        """Return the units held by sends in progress."""
        return self._reserved[meter]

    def headroom(self, cap: int, meter: Meter = "segments") -> int | None:
        """Return how many more units fit under ``cap`` today (None: no cap)."""
        self._roll_over()
        if cap <= 0:
            return None
        return max(0, cap - self._used(meter) - self._reserved[meter])

    def reserve(self, units: int, meter: Meter = "segments") -> Reservation:
        """Hold units (segments, call minutes) for a send in progress."""
        self._roll_over()
        self._reserved[meter] += units
        return Reservation(self._day, units, meter)

    def settle(
        self, reservation: Reservation, *, sent: int, maybe_sent: int, failed: int
    ) -> None:
        """Release a reservation; count what was (or may have been) sent.

        ``sent`` and ``maybe_sent`` are units of the reservation's meter,
        ``failed`` messages; the units that may have been sent count as sent.
        """
        self._roll_over()
        meter = reservation.meter
        if reservation.day == self._day:
            self._reserved[meter] -= reservation.units
        if meter == "segments":
            self.segments += sent + maybe_sent
            self.maybe_sent += maybe_sent
        else:
            self.call_minutes += sent + maybe_sent
        self.failed += failed
        self._changed()

    def count_outcome(self, *, delivered: bool) -> None:
        """Count one final delivery event: delivered, or failed at the carrier."""
        self._roll_over()
        if delivered:
            self.delivered += 1
        else:
            self.carrier_failed += 1
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
            "delivered": self.delivered,
            "carrier_failed": self.carrier_failed,
            "call_minutes": self.call_minutes,
        }

    async def async_save(self) -> None:
        """Write now (on unload), not after the delay."""
        await self._store.async_save(self._data())
