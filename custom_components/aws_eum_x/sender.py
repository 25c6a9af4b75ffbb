"""The one sending pipeline behind the notify service, entities and action.

Every send goes: validate everything (no AWS call on bad input) → reserve
segments under the daily cap → for each target, concurrently: wait for the
origination identity's rate → one attempt at SendTextMessage, retried only
when AWS guarantees it did not process it (throttled, or never reached) →
events, usage counters, and one error that names every failed target.
"""

import asyncio
import contextlib
from dataclasses import dataclass, field, replace
import random
import re
import time
from typing import TYPE_CHECKING, Any, Final

from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util

from .api import MediaMessage, MessageOptions, TextMessage, VoiceMessage
from .aws_errors import (
    AwsAuthError,
    AwsMaybeSentError,
    AwsNotSentError,
    AwsRequestError,
    AwsSmsError,
    AwsThrottledError,
)
from .const import (
    CAPABILITY_LABELS,
    CAPABILITY_MMS,
    CAPABILITY_VOICE,
    CONF_DAILY_CALL_MINUTES_CAP,
    CONF_DAILY_SEGMENT_CAP,
    CONF_MPS,
    CONF_ORIGINATION_IDENTITY,
    CONF_REGION,
    CONF_VOICE,
    DEFAULT_VOICE,
    DOMAIN,
    ISSUE_DAILY_CALL_CAP,
    ISSUE_DAILY_CAP,
    LOGGER,
    MAX_PRICE_PATTERN,
    VOICE_CALLS_PER_SECOND,
)
from .helpers import async_update_entry_issue, target_label
from .outgoing import (
    PartialSendError,
    SentMessage,
    message_body,
    normalise_targets,
    restored_options,
    stored_options,
    validation_error,
)
from .phone import SIMULATOR_NUMBERS, mask, mask_identity
from .ratelimit import RateLimiter
from .segments import count_segments
from .voice import VoiceMessageError, check_voice_message, estimate_call_minutes

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
    from datetime import timedelta

    from homeassistant.config_entries import ConfigEntry
    from homeassistant.core import HomeAssistant

    from .api import SendResult, SmsClient
    from .inventory import Inventory, OriginIdentity
    from .outbox import QueuedMessage
    from .outbox_worker import Outbox
    from .usage import DailyUsage, Meter, Reservation

EVENT_MESSAGE_SENT: Final = f"{DOMAIN}_message_sent"
EVENT_CALL_PLACED: Final = f"{DOMAIN}_call_placed"
# A picture message counts as one segment under the daily cap.
MMS_SEGMENTS: Final = 1
# Attempts for a message AWS did not process (throttled, never reached).
MAX_ATTEMPTS: Final = 4
BACKOFF_BASE: Final = 0.5  # seconds; doubled each retry, with jitter
# AWS limits DryRun requests to 5 MPS, or the identity's rate when lower.
DRY_RUN_MPS: Final = 5.0
# Without an identity AWS picks one; be as cautious as the slowest number.
FALLBACK_MPS: Final = 1.0

# AWS refusal reasons with a message of their own.
_REASON_KEYS: Final = {
    "DESTINATION_PHONE_NUMBER_NOT_VERIFIED": "destination_not_verified",
    "DESTINATION_PHONE_NUMBER_OPTED_OUT": "destination_opted_out",
    "MONTHLY_SPEND_LIMIT_REACHED_FOR_TEXT": "spend_limit_reached",
    "INVALID_IDENTITY_FOR_DESTINATION_COUNTRY": "identity_wrong_country",
    "COUNTRY_CODE_MISMATCH": "identity_wrong_country",
    "SENDER_ID_NOT_REGISTERED": "sender_id_not_registered",
    "PRICE_OVER_THRESHOLD": "price_over_max",
    "MONTHLY_SPEND_LIMIT_REACHED_FOR_VOICE": "voice_spend_limit_reached",
    "MONTHLY_SPEND_LIMIT_REACHED_FOR_MEDIA": "media_spend_limit_reached",
    "VOICE_CAPABILITY_NOT_AVAILABLE": "voice_not_available",
    "DAILY_DESTINATION_CALL_LIMIT": "daily_destination_call_limit",
    "MEDIA_TYPE_NOT_SUPPORTED": "aws_media_type_unsupported",
    "MAXIMUM_SIZE_EXCEEDED": "aws_media_too_large",
}


@dataclass(frozen=True, kw_only=True)
class _Job:
    """One message to each target: how to send it, and what it costs."""

    kind: str  # "SMS", "call", "MMS": for logs
    send: Callable[[str], Awaitable[SendResult]]
    # Units each message counts under the daily cap of ``meter``.
    units: int
    meter: Meter
    cap_option: str
    cap_issue: str
    # Rate-limit tokens a message takes (an SMS segment is a message part).
    tokens: int
    item: Callable[[str, str], SentMessage]
    # A debug line's details, beyond IDs, number and timing.
    details: str = ""
    # What the outbox keeps of a message to send later (kind, body, ...).
    queued: Callable[[], dict[str, Any]] | None = None


def _translated_error(err: AwsSmsError, target: str, region: str) -> HomeAssistantError:
    """Return the translated, actionable error for one failed target.

    ``target``: how the user knows the target (see helpers.target_label).
    """
    key = err.translation_key
    if isinstance(err, AwsRequestError):
        if err.reason in _REASON_KEYS:
            key = _REASON_KEYS[err.reason]
        elif err.code == "ResourceNotFoundException":
            key = "resource_not_found"
        elif err.code == "ValidationException":
            key = "invalid_parameters"
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={
            **err.placeholders,
            "target": target,
            "region": region,
        },
    )


@contextlib.contextmanager
def _translated_errors(target: str = "", region: str = "") -> Iterator[None]:
    """Turn an AWS error of a preparing step (an upload) into a translated one."""
    try:
        yield
    except AwsSmsError as err:
        raise _translated_error(err, target, region) from err


@dataclass
class _FanOut:
    """How far each message of one send got: what the cap must count.

    A message whose request was on its way when the send was cancelled may
    have reached AWS: it counts like one whose answer was lost.
    """

    in_flight: set[str] = field(default_factory=set)
    outcomes: dict[str, SentMessage | AwsSmsError] = field(default_factory=dict)
    # Not sent, certainly, and kept in the outbox: neither sent nor failed.
    queued: set[str] = field(default_factory=set)

    def maybe_sent(self) -> int:
        """Return how many messages may have been sent."""
        lost = sum(isinstance(o, AwsMaybeSentError) for o in self.outcomes.values())
        return lost + len(self.in_flight)

    def sent(self) -> int:
        """Return how many messages AWS accepted."""
        return sum(isinstance(o, SentMessage) for o in self.outcomes.values())

    def failed(self) -> int:
        """Return how many messages failed (refused, or their answer lost)."""
        return sum(
            isinstance(o, AwsSmsError) and n not in self.queued
            for n, o in self.outcomes.items()
        )

    async def track(self, number: str, send: Awaitable[SentMessage]) -> SentMessage:
        """Await one message's send and record how it ended."""
        try:
            sent = await send
        except AwsSmsError as err:
            self.outcomes[number] = err
            raise
        self.outcomes[number] = sent
        return sent


class SmsSender:
    """Sends SMS for one config entry."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        *,
        client: SmsClient,
        usage: DailyUsage,
        inventory: Callable[[], Inventory],
        limiter: RateLimiter | None = None,
    ) -> None:
        """Send through ``client`` from ``inventory``'s identities into ``usage``."""
        self._hass = hass
        self._entry = entry
        self._client = client
        self._usage = usage
        self._get_inventory = inventory
        self._limiter = limiter or RateLimiter()
        # Where messages AWS could not receive wait (outbox_worker.py).
        self.outbox: Outbox | None = None

    @property
    def _inventory(self) -> Inventory:
        return self._get_inventory()

    def _resolve_identity(self, options: MessageOptions) -> OriginIdentity | None:
        """Return the inventory's identity for the send; refuse unknown ones.

        None when AWS picks the identity, or for an ARN (a shared identity
        the inventory does not list), which AWS judges.
        """
        value = options.origination_identity
        if value is None:
            return None
        identity = self._inventory.find_identity(value)
        if identity is None and not value.startswith("arn:"):
            raise validation_error("unknown_origination_identity", identity=value)
        return identity

    def _rate(
        self,
        options: MessageOptions,
        identity: OriginIdentity | None,
        *,
        calls: bool = False,
    ) -> tuple[str, float]:
        """Return the rate-limit key and messages (or calls) per second of a send."""
        configured: Mapping[str, float] = self._entry.options.get(CONF_MPS, {})
        if identity is not None:
            key = identity.key
            rate = configured.get(identity.origination_identity, identity.default_mps)
        elif options.origination_identity is not None:  # an ARN
            key = options.origination_identity
            rate = configured.get(key, FALLBACK_MPS)
        else:
            key = "auto"
            rate = min(
                (i.default_mps for i in self._inventory.identities.values()),
                default=FALLBACK_MPS,
            )
        if calls:
            # Calls have a rate of their own, apart from the identity's texts.
            key, rate = f"{key}#voice", VOICE_CALLS_PER_SECOND
        if options.dry_run:
            return f"{key}#dry-run", min(rate, DRY_RUN_MPS)
        return key, rate

    def _reserve(self, job: _Job, messages: int, *, dry_run: bool) -> Reservation:
        """Hold the units of a send under its daily cap, or refuse it."""
        total = 0 if dry_run else job.units * messages
        cap = int(self._entry.options.get(job.cap_option, 0))
        headroom = self._usage.headroom(cap, job.meter)
        if headroom is not None and total > headroom:
            async_update_entry_issue(
                self._hass, self._entry, job.cap_issue, {"cap": str(cap)}
            )
            raise validation_error(
                job.cap_issue,
                cap=str(cap),
                needed=str(total),
                left=str(headroom),
            )
        if total:
            # A real send fits again (a higher cap): the issue is out of date.
            # A dry run bills nothing and proves nothing about the cap.
            async_update_entry_issue(self._hass, self._entry, job.cap_issue, None)
        return self._usage.reserve(total, job.meter)

    def _check_sandbox(self, numbers: list[str]) -> None:
        """In the SMS sandbox, refuse a number AWS would refuse: unverified.

        Only when the verified numbers are known; AWS's simulator numbers
        need no verification.
        """
        verified = self._inventory.verified_destinations
        if verified is None:
            return
        for number in numbers:
            if number not in verified and number not in SIMULATOR_NUMBERS:
                raise validation_error(
                    "sandbox_destination_not_verified",
                    target=target_label(self._entry, number),
                )

    async def async_send(
        self,
        targets: Iterable[str],
        message: str,
        *,
        title: str | None = None,
        options: MessageOptions,
        keep_unsent: timedelta | None = None,
        queued: QueuedMessage | None = None,
    ) -> list[SentMessage]:
        """Send ``message`` to every target; raise if any of them failed.

        ``keep_unsent``: how long the outbox keeps a message AWS could not be
        reached for (None: it fails). ``queued``: the outbox message sent.
        """
        numbers = normalise_targets(targets, self._hass.config.country)
        self._check_sandbox(numbers)
        body = message_body(message, title)
        identity = self._resolve_identity(options)
        self._check_max_price(options)
        count = count_segments(body)

        def send(number: str) -> Awaitable[SendResult]:
            return self._client.send_text_message(TextMessage(number, body, options))

        job = _Job(
            kind="SMS",
            send=send,
            units=count.segments,
            meter="segments",
            cap_option=CONF_DAILY_SEGMENT_CAP,
            cap_issue=ISSUE_DAILY_CAP,
            tokens=count.segments,
            item=lambda number, message_id: SentMessage(
                target=number,
                message_id=message_id,
                dry_run=options.dry_run,
                segments=count.segments,
                encoding=count.encoding,
            ),
            details=f"{count.segments} {count.encoding} segment(s)",
            queued=lambda: {"kind": "text", "body": body},
        )
        return await self._deliver(
            numbers,
            job,
            options,
            self._rate(options, identity),
            keep_unsent=keep_unsent,
            queued=queued,
        )

    async def async_call(
        self,
        targets: Iterable[str],
        message: str,
        *,
        ssml: bool = False,
        voice: str | None = None,
        options: MessageOptions,
        keep_unsent: timedelta | None = None,
        queued: QueuedMessage | None = None,
    ) -> list[SentMessage]:
        """Call every target and read ``message``; raise if any call failed.

        ``options`` come from :func:`call_options`; ``voice`` None is the
        entry's voice.
        """
        numbers = normalise_targets(targets, self._hass.config.country)
        self._check_sandbox(numbers)
        try:
            body = check_voice_message(message, ssml=ssml)
        except VoiceMessageError as err:
            raise validation_error(err.key, **err.placeholders) from None
        options, identity = self._capable_options(options, CAPABILITY_VOICE)
        minutes = estimate_call_minutes(body, ssml=ssml)
        voice = (voice or self._entry.options.get(CONF_VOICE, DEFAULT_VOICE)).upper()

        def send(number: str) -> Awaitable[SendResult]:
            return self._client.send_voice_message(
                VoiceMessage(number, body, ssml=ssml, voice=voice, options=options)
            )

        job = _Job(
            kind="call",
            send=send,
            units=minutes,
            meter="call_minutes",
            cap_option=CONF_DAILY_CALL_MINUTES_CAP,
            cap_issue=ISSUE_DAILY_CALL_CAP,
            tokens=1,
            item=lambda number, message_id: SentMessage(
                target=number,
                message_id=message_id,
                dry_run=options.dry_run,
                minutes=minutes,
            ),
            details=f"up to {minutes} min",
            queued=lambda: {"kind": "call", "body": body, "ssml": ssml, "voice": voice},
        )
        return await self._deliver(
            numbers,
            job,
            options,
            self._rate(options, identity, calls=True),
            keep_unsent=keep_unsent,
            queued=queued,
        )

    async def async_send_media(
        self,
        targets: Iterable[str],
        media: Callable[[], Awaitable[str]],
        *,
        message: str | None = None,
        options: MessageOptions,
        keep_unsent: timedelta | None = None,
        queued: QueuedMessage | None = None,
    ) -> list[SentMessage]:
        """Send a picture message to every target.

        ``media`` returns the s3:// URL (checking, or uploading, the file):
        it runs once every other check passed and the cap holds the send, so
        nothing is uploaded for a send that would be refused. ``options``
        come from :func:`media_options`.
        """
        numbers = normalise_targets(targets, self._hass.config.country)
        self._check_sandbox(numbers)
        body = message_body(message, None) if message else None
        options, identity = self._capable_options(options, CAPABILITY_MMS)
        media_url = ""

        async def prepare() -> None:
            nonlocal media_url
            with _translated_errors(region=str(self._entry.data[CONF_REGION])):
                media_url = await media()

        def send(number: str) -> Awaitable[SendResult]:
            return self._client.send_media_message(
                MediaMessage(number, media_url, body, options)
            )

        job = _Job(
            kind="MMS",
            send=send,
            units=MMS_SEGMENTS,
            meter="segments",
            cap_option=CONF_DAILY_SEGMENT_CAP,
            cap_issue=ISSUE_DAILY_CAP,
            tokens=1,
            item=lambda number, message_id: SentMessage(
                target=number,
                message_id=message_id,
                dry_run=options.dry_run,
                segments=MMS_SEGMENTS,
            ),
            queued=lambda: {"kind": "media", "body": body, "media_url": media_url},
        )
        return await self._deliver(
            numbers,
            job,
            options,
            self._rate(options, identity),
            prepare=prepare,
            keep_unsent=keep_unsent,
            queued=queued,
        )

    async def async_send_queued(self, message: QueuedMessage) -> list[SentMessage]:
        """Send one message of the outbox, through the same pipeline.

        The caps, identity checks and rate limits apply again; it is not
        queued again (the outbox keeps it while AWS cannot be reached).
        """
        options = restored_options(message.options)
        if message.kind == "call":
            return await self.async_call(
                [message.target],
                message.body or "",
                ssml=message.ssml,
                voice=message.voice,
                options=options,
                queued=message,
            )
        if message.kind == "media":
            url = message.media_url or ""

            async def uploaded() -> str:
                return url

            return await self.async_send_media(
                [message.target],
                uploaded,
                message=message.body,
                options=options,
                queued=message,
            )
        return await self.async_send(
            [message.target], message.body or "", options=options, queued=message
        )

    def _capable_options(
        self, options: MessageOptions, capability: str
    ) -> tuple[MessageOptions, OriginIdentity | None]:
        """Return a call's or MMS's options and identity (None for an ARN).

        The identity is refused unless it has ``capability``; the message
        type is dropped (not a parameter of calls and picture messages).
        """
        self._check_max_price(options)
        identity = self._capable_identity(options, capability)
        return replace(
            options,
            origination_identity=(
                identity.origination_identity
                if identity is not None
                else options.origination_identity
            ),
            message_type=None,
        ), identity

    def _check_max_price(self, options: MessageOptions) -> None:
        if options.max_price is not None and not re.fullmatch(
            MAX_PRICE_PATTERN, options.max_price
        ):
            raise validation_error("invalid_max_price", max_price=options.max_price)

    def _capable_identity(
        self, options: MessageOptions, capability: str
    ) -> OriginIdentity | None:
        """Return the identity to call or send MMS from; refuse incapable ones.

        AWS requires one for calls and picture messages. Without one given,
        the entry's default is used when it can, else the first capable
        phone number or pool of the inventory. None: an ARN, which AWS judges.
        """
        label = CAPABILITY_LABELS[capability]
        if options.origination_identity is not None:
            identity = self._resolve_identity(options)
            if identity is not None and capability not in identity.capabilities:
                raise validation_error(
                    "identity_not_capable",
                    identity=identity.name,
                    capability=label,
                )
            return identity
        default = self._entry.options.get(CONF_ORIGINATION_IDENTITY)
        capable = [
            i
            for i in self._inventory.identities.values()
            if capability in i.capabilities
        ]
        if not capable:
            raise validation_error("no_capable_identity", capability=label)
        return next(
            (i for i in capable if i.origination_identity == default), capable[0]
        )

    async def _deliver(
        self,
        numbers: list[str],
        job: _Job,
        options: MessageOptions,
        rate: tuple[str, float],
        *,
        prepare: Callable[[], Awaitable[None]] | None = None,
        keep_unsent: timedelta | None = None,
        queued: QueuedMessage | None = None,
    ) -> list[SentMessage]:
        """Send ``job`` to each number under the cap and the identity's rate.

        ``prepare`` (an upload) runs once the cap holds the send; if it
        fails, nothing is sent and the reservation is released. With
        ``keep_unsent``, what AWS certainly did not receive is queued in the
        outbox instead of failing. ``queued``: the outbox message this sends.
        """
        reservation = self._reserve(job, len(numbers), dry_run=options.dry_run)
        billed = 0 if options.dry_run else job.units
        fan_out = _FanOut()
        try:
            if prepare is not None:
                await prepare()
            outcomes = await asyncio.gather(
                *(
                    fan_out.track(
                        number,
                        self._attempts(number, job, options, rate, fan_out),
                    )
                    for number in numbers
                ),
                return_exceptions=True,
            )
            if keep_unsent and not options.dry_run and self.outbox is not None:
                fan_out.queued = {
                    number
                    for number, outcome in zip(numbers, outcomes, strict=True)
                    if isinstance(outcome, (AwsNotSentError, AwsThrottledError))
                }
        finally:
            # Also when the send is cancelled (an automation stopped, Home
            # Assistant stopping) or a bug raised: the reservation never leaks.
            self._usage.settle(
                reservation,
                sent=billed * fan_out.sent(),
                maybe_sent=billed * fan_out.maybe_sent(),
                failed=fan_out.failed(),
            )
        sent: list[SentMessage] = []
        failed: list[tuple[str, AwsSmsError]] = []
        for number, outcome in zip(numbers, outcomes, strict=True):
            if isinstance(outcome, SentMessage):
                sent.append(outcome)
            elif number in fan_out.queued:
                continue
            elif isinstance(outcome, AwsSmsError):
                failed.append((number, outcome))
            else:  # a bug, not an AWS answer: never hide it
                raise outcome
        for item in sent:
            self._report_sent(item, job, options, queued)
        if sent and self.outbox is not None:
            # AWS answered: whatever waits in the outbox may go now.
            self.outbox.wake()
        if fan_out.queued:
            assert keep_unsent is not None  # noqa: S101 - queued only with it
            sent += await self._queue(
                [n for n in numbers if n in fan_out.queued], job, options, keep_unsent
            )
        if failed:
            self._raise_failures(job, sent, failed)
        return sent

    async def _queue(
        self,
        numbers: list[str],
        job: _Job,
        options: MessageOptions,
        keep_for: timedelta,
    ) -> list[SentMessage]:
        """Keep what AWS did not receive in the outbox; return the items."""
        assert self.outbox is not None  # noqa: S101 - checked by the caller
        assert job.queued is not None  # noqa: S101 - every kind says what to keep
        payload = job.queued()
        messages = [
            self.outbox.new_message(
                target=number,
                options=stored_options(options),
                keep_for=keep_for,
                time_to_live=options.time_to_live,
                **payload,
            )
            for number in numbers
        ]
        await self.outbox.async_queue(messages)
        return [
            SentMessage(
                target=m.target,
                message_id=None,
                dry_run=False,
                status="queued",
                queued_id=m.queued_id,
                queued_until=m.expires.isoformat(),
            )
            for m in messages
        ]

    async def _attempts(
        self,
        number: str,
        job: _Job,
        options: MessageOptions,
        rate: tuple[str, float],
        fan_out: _FanOut,
    ) -> SentMessage:
        rate_key, per_second = rate
        for attempt in range(1, MAX_ATTEMPTS + 1):
            await self._limiter.acquire(rate_key, per_second, job.tokens)
            # Until AWS answers, the message may be on its way: a send
            # cancelled now counts it as maybe sent.
            fan_out.in_flight.add(number)
            started = time.monotonic()
            try:
                result = await job.send(number)
            except AwsSmsError as err:
                fan_out.in_flight.discard(number)
                # Only what AWS did not process is sent again: it cannot
                # duplicate. A refusal or a lost answer is final.
                retry = isinstance(err, (AwsThrottledError, AwsNotSentError))
                if not retry or attempt == MAX_ATTEMPTS:
                    raise
                if isinstance(err, AwsThrottledError):
                    self._limiter.slow_down(rate_key)
                delay = BACKOFF_BASE * 2 ** (attempt - 1) * (1 + random.random() / 4)  # noqa: S311
                LOGGER.debug(
                    "Retrying %s to %s in %.2f s (%s)",
                    job.kind,
                    mask(number),
                    delay,
                    err,
                )
                await asyncio.sleep(delay)
                continue
            fan_out.in_flight.discard(number)
            LOGGER.debug(
                "%s %s %s to %s from %s: %s, request %s, %.0f ms",
                "Validated (dry run)" if options.dry_run else "Sent",
                job.kind,
                result.message_id,
                mask(number),
                mask_identity(options.origination_identity),
                job.details or "1 message",
                result.request_id,
                (time.monotonic() - started) * 1000,
            )
            return job.item(number, result.message_id)
        raise AssertionError("unreachable")  # pragma: no cover

    def _report_sent(
        self,
        item: SentMessage,
        job: _Job,
        options: MessageOptions,
        queued: QueuedMessage | None,
    ) -> None:
        from_outbox = (
            {
                "queued_id": queued.queued_id,
                "queued_for": round(queued.queued_for(dt_util.utcnow()), 1),
            }
            if queued is not None
            else {}
        )
        if job.kind == "call":
            self._hass.bus.async_fire(
                EVENT_CALL_PLACED,
                {
                    "config_entry_id": self._entry.entry_id,
                    "message_id": item.message_id,
                    "target": mask(item.target),
                    "origination_identity": options.origination_identity,
                    "minutes": item.minutes,
                    "dry_run": item.dry_run,
                    **from_outbox,
                },
            )
            return
        self._hass.bus.async_fire(
            EVENT_MESSAGE_SENT,
            {
                "config_entry_id": self._entry.entry_id,
                "message_id": item.message_id,
                "target": mask(item.target),
                "origination_identity": options.origination_identity,
                "segments": item.segments,
                "encoding": item.encoding,
                "dry_run": item.dry_run,
                **from_outbox,
            },
        )

    def _raise_failures(
        self, job: _Job, sent: list[SentMessage], failed: list[tuple[str, AwsSmsError]]
    ) -> None:
        for number, err in failed:
            LOGGER.warning("%s to %s failed: %s", job.kind, mask(number), err)
        if any(isinstance(err, AwsAuthError) for _, err in failed):
            self._entry.async_start_reauth(self._hass)
        if len(failed) == 1 and not sent:
            number, err = failed[0]
            region = str(self._entry.data[CONF_REGION])
            raise _translated_error(
                err, target_label(self._entry, number), region
            ) from err
        raise PartialSendError(
            sent,
            [(number, str(err)) for number, err in failed],
            translation_domain=DOMAIN,
            translation_key="partial_failure",
            translation_placeholders={
                "sent": ", ".join(target_label(self._entry, m.target) for m in sent)
                or "-",
                "failed": "; ".join(
                    f"{target_label(self._entry, number)}: {err}"
                    for number, err in failed
                ),
                "sent_count": str(len(sent)),
                "total": str(len(sent) + len(failed)),
            },
        ) from failed[0][1]
