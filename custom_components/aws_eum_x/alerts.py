"""Acknowledgements and answers by reply: the Home Assistant side.

An entry with an event queue keeps an :class:`AlertTracker`. It persists the
open alerts and questions (Home Assistant's Store, saved before the action
returns, so a reply after a restart still counts), matches each received
message against them (acknowledgement.py), fires ``aws_eum_x_acknowledged``
and ``aws_eum_x_answered``, texts the replier a confirmation, ends the waits
of actions, and tells the "Unacknowledged alerts" sensor. Nothing it logs
carries a full number, a reply's text or a code.
"""

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Final
import uuid

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .acknowledgement import (
    DEFAULT_WORD,
    Answer,
    Kind,
    Match,
    PendingAlert,
    Reply,
    codes_in_use,
    confirmation_text,
    match_reply,
    new_code,
)
from .const import (
    CONF_ACK_CONFIRM,
    CONF_ACK_EXPIRY,
    CONF_ACK_WORD,
    DEFAULT_ACK_EXPIRY_MINUTES,
    DOMAIN,
    LOGGER,
)
from .helpers import recipient_names
from .outgoing import PartialSendError, normalise_targets
from .phone import mask
from .segments import count_segments

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry

    from .events import InboundMessage
    from .outgoing import SentMessage
    from .receiver import EventReceiver, Recipient

EVENT_ACKNOWLEDGED: Final = f"{DOMAIN}_acknowledged"
EVENT_ANSWERED: Final = f"{DOMAIN}_answered"
STORAGE_VERSION: Final = 1
# How often settled and expired alerts are dropped (the sensor follows).
PRUNE_INTERVAL: Final = timedelta(minutes=1)
BY_HOME_ASSISTANT: Final = "home_assistant"

# Sends a text to one number with the entry's defaults (the confirmation).
ConfirmSender = Callable[[str, str], Any]


def alerts_storage_key(entry_id: str) -> str:
    """Return where an entry's open alerts are stored (removed with it)."""
    return f"{DOMAIN}.{entry_id}.alerts"


@dataclass(frozen=True)
class AcknowledgementSettings:
    """How one alert asks for its acknowledgement."""

    word: str
    expires_after: timedelta
    confirm: bool

    @classmethod
    def from_options(
        cls, options: Mapping[str, Any], overrides: Mapping[str, Any] | None = None
    ) -> AcknowledgementSettings:
        """Return the entry's settings with the action's mapping on top."""
        overrides = overrides or {}
        minutes = overrides.get(
            "expire_after_minutes",
            options.get(CONF_ACK_EXPIRY, DEFAULT_ACK_EXPIRY_MINUTES),
        )
        return cls(
            word=str(
                overrides.get("word") or options.get(CONF_ACK_WORD) or DEFAULT_WORD
            ),
            expires_after=timedelta(minutes=int(minutes)),
            confirm=bool(overrides.get("confirm", options.get(CONF_ACK_CONFIRM, True))),
        )


class AlertTracker:
    """The open alerts and questions of one entry, and who settled them."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        receiver: EventReceiver,
        confirm: ConfirmSender,
    ) -> None:
        """Follow the replies ``receiver`` hands on; confirm through ``confirm``."""
        self._hass = hass
        self._entry = entry
        self._receiver = receiver
        self._confirm = confirm
        self._store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, alerts_storage_key(entry.entry_id)
        )
        self._alerts: dict[str, PendingAlert] = {}
        self._waiters: dict[str, list[asyncio.Future[PendingAlert]]] = {}
        self._listeners: list[CALLBACK_TYPE] = []

    async def async_load(self) -> CALLBACK_TYPE:
        """Read the open alerts back and follow replies; return the stop."""
        stored = await self._store.async_load() or {}
        now = dt_util.utcnow()
        for data in stored.get("alerts", ()):
            alert = PendingAlert.from_dict(data)
            if alert.expires > now:
                self._alerts[alert.alert_id] = alert
        unsubscribe = [
            self._receiver.async_add_inbound_listener(self._on_inbound),
            async_track_time_interval(
                self._hass, self._async_prune, PRUNE_INTERVAL, cancel_on_shutdown=True
            ),
        ]

        @callback
        def stop() -> None:
            for remove in unsubscribe:
                remove()
            # An action still waiting gets the alert as it is: unloading ends
            # the wait, it does not fail the automation.
            for alert_id, waiting in self._waiters.items():
                for future in waiting:
                    if not future.done() and alert_id in self._alerts:
                        future.set_result(self._alerts[alert_id])
                    elif not future.done():
                        future.cancel()
            self._waiters.clear()

        return stop

    @property
    def open_alerts(self) -> list[PendingAlert]:
        """Return the alerts still waiting for a reply, oldest first."""
        now = dt_util.utcnow()
        return sorted(
            (a for a in self._alerts.values() if a.is_open(now)),
            key=lambda a: a.created,
        )

    @callback
    def async_add_listener(self, listener: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call ``listener`` whenever the open alerts change."""
        self._listeners.append(listener)

        @callback
        def remove() -> None:
            self._listeners.remove(listener)

        return remove

    def new_code(self, targets: Iterable[str]) -> str:
        """Return a code no open alert of these people has."""
        return new_code(codes_in_use(self._alerts.values(), targets, dt_util.utcnow()))

    async def async_register(
        self,
        *,
        kind: Kind,
        code: str,
        targets: Iterable[str],
        tag: str | None,
        expires_after: timedelta,
        word: str = DEFAULT_WORD,
        answers: tuple[Answer, ...] = (),
        require_code: bool = True,
    ) -> PendingAlert:
        """Remember an alert before it is sent; saved before returning.

        Registered first, so that even the fastest reply finds it; the
        message IDs follow with :meth:`async_sent`.
        """
        now = dt_util.utcnow()
        alert = PendingAlert(
            alert_id=uuid.uuid4().hex,
            kind=kind,
            code=code,
            targets=dict.fromkeys(targets, ""),
            tag=tag,
            created=now,
            expires=now + expires_after,
            answers=answers,
            require_code=require_code,
            word=word,
        )
        self._alerts[alert.alert_id] = alert
        await self._async_save()
        self._notify()
        return alert

    async def async_sent(
        self, alert: PendingAlert, sent: Iterable[SentMessage]
    ) -> PendingAlert | None:
        """Keep the targets the alert reached, with their message IDs.

        None: it reached nobody, and is forgotten.
        """
        # A queued message has no ID yet; its target may reply all the same.
        reached = {m.target: m.message_id or "" for m in sent}
        current = self._alerts.get(alert.alert_id)
        if current is None:
            return None
        if not reached:
            del self._alerts[alert.alert_id]
            updated = None
        else:
            updated = replace(
                current,
                targets={t: reached[t] for t in current.targets if t in reached},
            )
            self._alerts[alert.alert_id] = updated
        await self._async_save()
        self._notify()
        return updated

    async def async_wait(self, alert: PendingAlert, seconds: float) -> PendingAlert:
        """Return the alert once settled, or as it is after ``seconds``."""
        current = self._alerts.get(alert.alert_id, alert)
        if current.reply is not None or seconds <= 0:
            return current
        future: asyncio.Future[PendingAlert] = (
            asyncio.get_running_loop().create_future()
        )
        waiting = self._waiters.setdefault(alert.alert_id, [])
        waiting.append(future)
        try:
            return await asyncio.wait_for(asyncio.shield(future), seconds)
        except TimeoutError:
            return self._alerts.get(alert.alert_id, current)
        finally:
            if future in waiting:
                waiting.remove(future)
            if not waiting:
                self._waiters.pop(alert.alert_id, None)

    async def async_settle_from_home_assistant(
        self, *, tag: str | None, message_id: str | None, cancel: bool
    ) -> list[PendingAlert]:
        """Acknowledge (or withdraw) the open alerts of ``tag`` or ``message_id``.

        Raises:
            ServiceValidationError: No open alert has that tag or message ID.
        """
        now = dt_util.utcnow()
        chosen = [
            alert
            for alert in self.open_alerts
            if (tag is not None and alert.tag == tag)
            or (message_id is not None and message_id in alert.targets.values())
        ]
        if not chosen:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="no_open_alert",
                translation_placeholders={"alert": tag or message_id or ""},
            )
        reply = Reply(by="cancelled" if cancel else "home_assistant", at=now)
        settled = [
            self._settle(alert, reply, answer=None, first=True) for alert in chosen
        ]
        await self._async_save()
        return settled

    @callback
    def _on_inbound(self, message: InboundMessage, recipient: Recipient | None) -> None:
        now = message.timestamp or dt_util.utcnow()
        found = match_reply(
            self._alerts.values(), message.from_number, message.body, now
        )
        if found is None:
            return
        self._hass.async_create_task(
            self._async_reply(found, message, now), eager_start=True
        )

    async def _async_reply(
        self, found: Match, message: InboundMessage, now: datetime
    ) -> None:
        reply = Reply(
            by="reply",
            at=now,
            target=message.from_number,
            body=message.body,
            answer=found.answer,
        )
        self._settle(found.alert, reply, answer=found.answer, first=found.first)
        if not found.first:
            return
        await self._async_save()
        if found.alert.kind == "acknowledge" and self._confirms():
            try:
                await self._confirm(
                    message.from_number,
                    confirmation_text(found.alert.word, found.alert.code),
                )
            except HomeAssistantError as err:
                # The alert is acknowledged all the same; only the courtesy
                # text failed (the daily cap, AWS refusing it).
                LOGGER.warning(
                    "The acknowledgement confirmation to %s was not sent: %s",
                    mask(message.from_number),
                    err,
                )

    def _confirms(self) -> bool:
        return bool(self._entry.options.get(CONF_ACK_CONFIRM, True))

    def _settle(
        self,
        alert: PendingAlert,
        reply: Reply,
        *,
        answer: Answer | None,
        first: bool,
    ) -> PendingAlert:
        """Record who settled ``alert``, tell its waiters, fire its event."""
        settled = alert.settled(reply) if first else alert
        if first:
            self._alerts[alert.alert_id] = settled
            for future in self._waiters.pop(alert.alert_id, []):
                if not future.done():
                    future.set_result(settled)
            self._notify()
        target = reply.target
        recipient = recipient_names(self._entry).get(target) if target else None
        data: dict[str, Any] = {
            "config_entry_id": self._entry.entry_id,
            "tag": alert.tag,
            "message_id": alert.message_id_for(target),
            "target": mask(target) if target else None,
            "recipient": recipient,
            "reply": reply.body,
            "by": BY_HOME_ASSISTANT if reply.by != "reply" else "reply",
        }
        if alert.kind == "question":
            self._hass.bus.async_fire(
                EVENT_ANSWERED,
                {
                    **data,
                    "answer": answer.as_dict(answer_sentence(answer, reply.body))
                    if answer
                    else None,
                    "answered_at": reply.at.isoformat(),
                    "first": first,
                },
            )
        elif first:
            self._hass.bus.async_fire(
                EVENT_ACKNOWLEDGED,
                {
                    **data,
                    "status": "cancelled"
                    if reply.by == "cancelled"
                    else "acknowledged",
                    "acknowledged_at": reply.at.isoformat(),
                },
            )
        who = recipient or (mask(target) if target else "Home Assistant")
        if not first:
            LOGGER.info("A reply from %s came after the alert was settled", who)
        elif reply.by == "cancelled":
            LOGGER.info("Alert %s cancelled", alert.tag or "without a tag")
        else:
            what = (
                "Question answered"
                if alert.kind == "question"
                else "Alert acknowledged"
            )
            LOGGER.info("%s by %s", what, who)
        return settled

    async def _async_prune(self, now: datetime | None = None) -> None:
        """Drop what expired; the sensor counts open alerts only."""
        now = dt_util.utcnow()
        expired = [a for a in self._alerts.values() if a.expires <= now]
        if not expired:
            self._notify()
            return
        for alert in expired:
            del self._alerts[alert.alert_id]
        await self._async_save()
        self._notify()

    async def _async_save(self) -> None:
        await self._store.async_save(
            {"alerts": [a.as_dict() for a in self._alerts.values()]}
        )

    @callback
    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()


def answer_sentence(answer: Answer, body: str | None) -> str:
    """Return the answer's sentence the reply used, else its first one."""
    text = (body or "").strip().casefold()
    return next(
        (s for s in answer.sentences if s.casefold() in text), answer.sentences[0]
    )


def acknowledged_by(alert: PendingAlert, entry: ConfigEntry) -> dict[str, Any] | None:
    """Return who acknowledged ``alert`` as an action's response says it."""
    reply = alert.reply
    if reply is None:
        return None
    if reply.by != "reply":
        return {"by": BY_HOME_ASSISTANT, "cancelled": reply.by == "cancelled"}
    return {
        "by": "reply",
        "target": reply.target,
        "recipient": recipient_names(entry).get(reply.target or ""),
        "at": reply.at.isoformat(),
    }


@dataclass(frozen=True)
class SentAlert:
    """What an alert asking for acknowledgement (or a question) sent."""

    sent: list[SentMessage]
    # None for a dry run: nothing was sent, so nothing can be acknowledged.
    alert: PendingAlert | None
    code: str
    # Segments the added line costs on top of the message alone.
    added_segments: int
    # The targets AWS refused, with its reason: the others may still reply.
    failed: list[tuple[str, str]] = field(default_factory=list)

    def response(self, entry: ConfigEntry, tag: str | None) -> dict[str, Any]:
        """Return the response's ``acknowledgement`` block."""
        alert = self.alert
        return {
            "code": self.code,
            "tag": tag,
            "added_segments": self.added_segments,
            "expires_at": alert.expires.isoformat() if alert else None,
            "acknowledged": bool(
                alert and alert.reply and alert.reply.by != "cancelled"
            ),
            "acknowledged_by": acknowledged_by(alert, entry) if alert else None,
            "failed": [{"target": t, "error": e} for t, e in self.failed],
        }


async def async_send_with_line(
    hass: HomeAssistant,
    tracker: AlertTracker,
    send: Callable[[list[str], str], Awaitable[list[SentMessage]]],
    *,
    targets: Iterable[str],
    body: str,
    line: Callable[[str], str],
    dry_run: bool,
    register: Callable[[str, list[str]], Awaitable[PendingAlert]],
) -> SentAlert:
    """Send ``body`` plus the line of a new code, and track the alert.

    ``line`` makes the line from the code; ``send`` texts the targets;
    ``register`` records the alert for the targets before anything is sent.
    A send that failed for some targets goes on for the others (they may
    reply; the refused ones are in ``failed``); one that reached nobody
    forgets the alert and raises.
    """
    numbers = normalise_targets(targets, hass.config.country)
    code = tracker.new_code(numbers)
    text = f"{body}\n{line(code)}"
    added = count_segments(text).segments - count_segments(body).segments
    if dry_run:
        return SentAlert(await send(numbers, text), None, code, added)
    alert = await register(code, numbers)
    try:
        sent = await send(numbers, text)
    except PartialSendError as err:
        # An alert is wanted handled, not all-or-nothing: whoever got it may
        # acknowledge it (or answer), so the action goes on and says who not.
        kept = await tracker.async_sent(alert, err.sent)
        return SentAlert(err.sent, kept, code, added, failed=err.failed)
    except BaseException:
        await tracker.async_sent(alert, [])
        raise
    return SentAlert(sent, await tracker.async_sent(alert, sent), code, added)
