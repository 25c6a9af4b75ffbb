"""The actions: send_message (texts, pictures), call, ask, acknowledge, cancel."""

from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta
import re
from typing import TYPE_CHECKING, Any, Final

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
import probatio

from .acknowledgement import MAX_ANSWERS, Answer, acknowledgement_line, question_line
from .alerts import (
    AcknowledgementSettings,
    SentAlert,
    acknowledged_by,
    answer_sentence,
    async_send_with_line,
)
from .const import (
    ACK_WORD_PATTERN,
    CONF_CONFIGURATION_SET,
    CONF_KEEP_UNSENT,
    CONF_MAX_PRICE,
    CONF_MESSAGE_TYPE,
    CONF_ORIGINATION_IDENTITY,
    CONF_TIME_TO_LIVE,
    CONF_VOICE,
    DEFAULT_CALL_TIME_TO_LIVE,
    DEFAULT_KEEP_UNSENT_MINUTES,
    DOMAIN,
    MAX_TIME_TO_LIVE,
    MAX_WAIT_FOR_ACKNOWLEDGEMENT,
    MESSAGE_TYPES,
    MIN_TIME_TO_LIVE,
)
from .media import async_media_url
from .outbox import MAX_RETRY_FOR
from .outgoing import call_options, media_options, message_body, send_options
from .voice import VOICE_IDS

if TYPE_CHECKING:
    from .acknowledgement import PendingAlert
    from .alerts import AlertTracker
    from .api import MessageOptions
    from .coordinator import AwsSmsConfigEntry
    from .outgoing import SentMessage

SERVICE_SEND_MESSAGE: Final = "send_message"
SERVICE_CALL: Final = "call"
SERVICE_ASK: Final = "ask"
SERVICE_ACKNOWLEDGE: Final = "acknowledge"
SERVICE_CANCEL: Final = "cancel"
SERVICE_CLEAR_OUTBOX: Final = "clear_outbox"
ATTR_CONFIG_ENTRY_ID: Final = "config_entry_id"
ATTR_TARGET: Final = "target"
ATTR_MESSAGE: Final = "message"
ATTR_CONTEXT: Final = "context"
ATTR_DRY_RUN: Final = "dry_run"
ATTR_WAIT_FOR_DELIVERY: Final = "wait_for_delivery"
ATTR_WAIT_FOR_ANSWER: Final = "wait_for_answer"
ATTR_MEDIA: Final = "media"
ATTR_SSML: Final = "ssml"
ATTR_MAX_PRICE_PER_MINUTE: Final = "max_price_per_minute"
ATTR_ACKNOWLEDGE: Final = "acknowledge"
ATTR_TAG: Final = "tag"
ATTR_WAIT_FOR_ACKNOWLEDGEMENT: Final = "wait_for_acknowledgement"
ATTR_MESSAGE_ID: Final = "message_id"
ATTR_ANSWERS: Final = "answers"
ATTR_TIMEOUT: Final = "timeout"
ATTR_REQUIRE_CODE: Final = "require_code"
ATTR_RETRY_FOR: Final = "retry_for"
# The longest an action waits for delivery events, in seconds.
MAX_WAIT_FOR_DELIVERY: Final = 300

# Asking for acknowledgement: true, or a mapping that changes the entry's
# settings for this alert. Shared by the actions and the notify service.
ACKNOWLEDGEMENT_SCHEMA: Final = {
    probatio.Optional(ATTR_ACKNOWLEDGE): probatio.Any(
        probatio.Schema(
            {
                probatio.Optional("word"): probatio.All(
                    cv.string, probatio.Match(f"^{ACK_WORD_PATTERN}$")
                ),
                probatio.Optional("expire_after_minutes"): probatio.All(
                    probatio.Coerce(int), probatio.Range(min=1, max=24 * 60)
                ),
                probatio.Optional("confirm"): cv.boolean,
            }
        ),
        cv.boolean,
    ),
    probatio.Optional(ATTR_TAG): probatio.All(cv.string, probatio.Length(max=64)),
}
_WAIT_FOR_ACKNOWLEDGEMENT: Final = {
    probatio.Optional(ATTR_WAIT_FOR_ACKNOWLEDGEMENT, default=0): probatio.All(
        probatio.Coerce(int),
        probatio.Range(min=0, max=MAX_WAIT_FOR_ACKNOWLEDGEMENT),
    ),
}

# Options a message may carry: shared by the action and the notify service's
# ``data``, validated before any AWS call.
SEND_OPTIONS_SCHEMA: Final = {
    probatio.Optional(CONF_ORIGINATION_IDENTITY): cv.string,
    # Lower-case keys; AWS's upper-case names, as 1.0 took them, still work.
    probatio.Optional(CONF_MESSAGE_TYPE): probatio.All(
        cv.string, probatio.Lower, probatio.In(list(MESSAGE_TYPES))
    ),
    probatio.Optional(CONF_CONFIGURATION_SET): cv.string,
    probatio.Optional(CONF_MAX_PRICE): probatio.All(cv.string, probatio.Length(max=8)),
    probatio.Optional(CONF_TIME_TO_LIVE): probatio.All(
        probatio.Coerce(int), probatio.Range(min=MIN_TIME_TO_LIVE, max=MAX_TIME_TO_LIVE)
    ),
    probatio.Optional(ATTR_CONTEXT): probatio.All(
        {cv.string: cv.string}, probatio.Length(max=5)
    ),
    probatio.Optional(ATTR_DRY_RUN, default=False): cv.boolean,
}
# Seconds the outbox keeps a message AWS could not be reached for (0: fail
# at once); the entry's option when not given. Not for questions: an answer
# is wanted now.
RETRY_FOR_SCHEMA: Final = {
    probatio.Optional(ATTR_RETRY_FOR): probatio.All(
        probatio.Coerce(int), probatio.Range(min=0, max=MAX_RETRY_FOR)
    ),
}
SEND_MESSAGE_SCHEMA: Final = probatio.Schema(
    {
        probatio.Optional(ATTR_CONFIG_ENTRY_ID): cv.string,
        probatio.Required(ATTR_TARGET): probatio.All(
            probatio.EnsureList(), [cv.string]
        ),
        probatio.Required(ATTR_MESSAGE): cv.string,
        probatio.Optional(ATTR_WAIT_FOR_DELIVERY, default=0): probatio.All(
            probatio.Coerce(int), probatio.Range(min=0, max=MAX_WAIT_FOR_DELIVERY)
        ),
        # A camera entity ID, an allowed file, or an s3:// URL: an MMS.
        probatio.Optional(ATTR_MEDIA): cv.string,
        **SEND_OPTIONS_SCHEMA,
        **RETRY_FOR_SCHEMA,
        **ACKNOWLEDGEMENT_SCHEMA,
        **_WAIT_FOR_ACKNOWLEDGEMENT,
    }
)

CALL_SCHEMA: Final = probatio.Schema(
    {
        probatio.Optional(ATTR_CONFIG_ENTRY_ID): cv.string,
        probatio.Required(ATTR_TARGET): probatio.All(
            probatio.EnsureList(), [cv.string]
        ),
        probatio.Required(ATTR_MESSAGE): cv.string,
        probatio.Optional(ATTR_SSML, default=False): cv.boolean,
        probatio.Optional(CONF_VOICE): probatio.All(
            cv.string, probatio.Lower, probatio.In(VOICE_IDS)
        ),
        probatio.Optional(CONF_ORIGINATION_IDENTITY): cv.string,
        probatio.Optional(CONF_CONFIGURATION_SET): cv.string,
        probatio.Optional(
            CONF_TIME_TO_LIVE, default=DEFAULT_CALL_TIME_TO_LIVE
        ): probatio.All(
            probatio.Coerce(int),
            probatio.Range(min=MIN_TIME_TO_LIVE, max=MAX_TIME_TO_LIVE),
        ),
        probatio.Optional(ATTR_MAX_PRICE_PER_MINUTE): probatio.All(
            cv.string, probatio.Length(max=8)
        ),
        probatio.Optional(ATTR_CONTEXT): probatio.All(
            {cv.string: cv.string}, probatio.Length(max=5)
        ),
        probatio.Optional(ATTR_DRY_RUN, default=False): cv.boolean,
        probatio.Optional(ATTR_WAIT_FOR_ANSWER, default=0): probatio.All(
            probatio.Coerce(int), probatio.Range(min=0, max=MAX_WAIT_FOR_DELIVERY)
        ),
        **RETRY_FOR_SCHEMA,
        **ACKNOWLEDGEMENT_SCHEMA,
        **_WAIT_FOR_ACKNOWLEDGEMENT,
    }
)

_ANSWER_SCHEMA: Final = probatio.Schema(
    {
        probatio.Required("id"): cv.string,
        probatio.Required("sentences"): probatio.All(
            probatio.EnsureList(), [cv.string], probatio.Length(min=1)
        ),
    }
)
ASK_SCHEMA: Final = probatio.Schema(
    {
        probatio.Optional(ATTR_CONFIG_ENTRY_ID): cv.string,
        probatio.Required(ATTR_TARGET): probatio.All(
            probatio.EnsureList(), [cv.string]
        ),
        probatio.Required(ATTR_MESSAGE): cv.string,
        probatio.Required(ATTR_ANSWERS): probatio.All(
            [_ANSWER_SCHEMA], probatio.Length(min=1, max=MAX_ANSWERS)
        ),
        probatio.Optional(ATTR_TIMEOUT, default=300): probatio.All(
            probatio.Coerce(int),
            probatio.Range(min=1, max=MAX_WAIT_FOR_ACKNOWLEDGEMENT),
        ),
        probatio.Optional(ATTR_REQUIRE_CODE, default=True): cv.boolean,
        probatio.Optional(ATTR_TAG): probatio.All(cv.string, probatio.Length(max=64)),
        **SEND_OPTIONS_SCHEMA,
    }
)
ACKNOWLEDGE_SCHEMA: Final = probatio.Schema(
    probatio.All(
        {
            probatio.Optional(ATTR_CONFIG_ENTRY_ID): cv.string,
            probatio.Optional(ATTR_TAG): cv.string,
            probatio.Optional(ATTR_MESSAGE_ID): cv.string,
        },
        probatio.AtLeastOne(ATTR_TAG, ATTR_MESSAGE_ID),
    )
)
CLEAR_OUTBOX_SCHEMA: Final = probatio.Schema(
    {probatio.Optional(ATTR_CONFIG_ENTRY_ID): cv.string}
)
CANCEL_SCHEMA: Final = probatio.Schema(
    {
        probatio.Optional(ATTR_CONFIG_ENTRY_ID): cv.string,
        probatio.Required(ATTR_TAG): cv.string,
    }
)


def loaded_entry(hass: HomeAssistant, entry_id: str | None) -> AwsSmsConfigEntry:
    """Return the loaded entry the call names, or the only loaded one."""
    if entry_id is not None:
        entry: AwsSmsConfigEntry | None = hass.config_entries.async_get_entry(entry_id)
        if entry is None or entry.domain != DOMAIN:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="entry_not_found",
                translation_placeholders={"entry_id": entry_id},
            )
        if entry.state is not ConfigEntryState.LOADED:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="entry_not_loaded",
                translation_placeholders={"title": entry.title},
            )
        return entry
    loaded = hass.config_entries.async_loaded_entries(DOMAIN)
    if len(loaded) != 1:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="entry_required",
            translation_placeholders={"count": str(len(loaded))},
        )
    return loaded[0]


def _check_can_wait(entry: AwsSmsConfigEntry, wait: int) -> None:
    """Refuse to wait for events without the queue they come through."""
    if wait and entry.runtime_data.receiver is None:
        # Checked before sending: the answer would never come.
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="wait_needs_queue",
            translation_placeholders={"title": entry.title},
        )


def keep_unsent(entry: AwsSmsConfigEntry, data: Mapping[str, Any]) -> timedelta | None:
    """Return how long the outbox keeps a message AWS could not be reached for.

    ``retry_for`` (seconds) of the call, else the entry's option; None: off.
    """
    if ATTR_RETRY_FOR in data:
        seconds = int(data[ATTR_RETRY_FOR])
    else:
        minutes = entry.options.get(CONF_KEEP_UNSENT, DEFAULT_KEEP_UNSENT_MINUTES)
        seconds = int(minutes) * 60
    return timedelta(seconds=seconds) if seconds > 0 else None


def alert_tracker(entry: AwsSmsConfigEntry) -> AlertTracker:
    """Return the entry's tracker of acknowledgements and answers.

    Raises:
        ServiceValidationError: The entry has no event queue, so no reply
            could ever come: refused before anything is sent.
    """
    tracker = entry.runtime_data.alerts
    if tracker is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="wait_needs_queue",
            translation_placeholders={"title": entry.title},
        )
    return tracker


def acknowledgement_settings(
    entry: AwsSmsConfigEntry, data: Mapping[str, Any]
) -> AcknowledgementSettings | None:
    """Return how the alert asks for acknowledgement, or None if it does not.

    Waiting for an acknowledgement asks for one.
    """
    requested = data.get(ATTR_ACKNOWLEDGE)
    if not requested and not data.get(ATTR_WAIT_FOR_ACKNOWLEDGEMENT):
        return None
    alert_tracker(entry)
    return AcknowledgementSettings.from_options(
        entry.options, requested if isinstance(requested, Mapping) else None
    )


async def async_text_with_acknowledgement(
    hass: HomeAssistant,
    entry: AwsSmsConfigEntry,
    targets: list[str],
    body: str,
    settings: AcknowledgementSettings,
    *,
    options: MessageOptions,
    tag: str | None,
    keep_for: timedelta | None = None,
) -> SentAlert:
    """Text ``body`` with the acknowledgement line, and track the alert.

    A text the outbox keeps (AWS out of reach) keeps its code: a reply after
    it is finally sent still acknowledges the alert.
    """
    tracker = alert_tracker(entry)
    sender = entry.runtime_data.sender

    async def register(code: str, targets: list[str]) -> PendingAlert:
        return await tracker.async_register(
            kind="acknowledge",
            code=code,
            targets=targets,
            tag=tag,
            expires_after=settings.expires_after,
            word=settings.word,
        )

    return await async_send_with_line(
        hass,
        tracker,
        lambda numbers, text: sender.async_send(
            numbers, text, options=options, keep_unsent=keep_for
        ),
        targets=targets,
        body=body,
        line=lambda code: acknowledgement_line(settings.word, code),
        dry_run=options.dry_run,
        register=register,
    )


async def _acknowledgement(
    entry: AwsSmsConfigEntry,
    response: dict[str, Any],
    key: str,
    alert: SentAlert,
    *,
    tag: str | None,
    wait: int,
) -> dict[str, Any]:
    """Add the acknowledgement to the response; first wait for it if asked."""
    if wait and alert.alert is not None:
        settled = await alert_tracker(entry).async_wait(alert.alert, wait)
        alert = replace(alert, alert=settled)
    block = alert.response(entry, tag)
    for item in response[key]:
        item["acknowledged"] = block["acknowledged"]
        item["acknowledged_by"] = block["acknowledged_by"]
    return {**response, "acknowledgement": block}


async def _response(
    entry: AwsSmsConfigEntry, key: str, sent: list[SentMessage], wait: int
) -> dict[str, Any]:
    """Return the response items; with ``wait``, each one's final status."""
    items = [m.as_dict() for m in sent]
    receiver = entry.runtime_data.receiver
    if wait and receiver is not None:
        statuses = await receiver.async_wait_for_final(
            [m.message_id for m in sent if m.message_id and not m.dry_run], wait
        )
        for item in items:
            # A queued message keeps its status: it has no message ID yet.
            if "message_id" in item:
                item["status"] = statuses.get(item["message_id"])
    return {key: items}


async def _async_send_message(call: ServiceCall) -> ServiceResponse:
    entry = loaded_entry(call.hass, call.data.get(ATTR_CONFIG_ENTRY_ID))
    wait = call.data[ATTR_WAIT_FOR_DELIVERY]
    _check_can_wait(entry, wait)
    settings = acknowledgement_settings(entry, call.data)
    sender = entry.runtime_data.sender
    tag = call.data.get(ATTR_TAG)
    alert: SentAlert | None = None
    if media := call.data.get(ATTR_MEDIA):
        if settings is not None:
            # AWS threads a reply to a text, and a picture's caption is
            # optional: acknowledgement is asked for by text only.
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="acknowledge_no_media"
            )
        # The sender checks targets, identity and cap before the snapshot is
        # taken or the file uploaded, and the media before AWS is asked.
        targets = call.data[ATTR_TARGET]
        message = call.data[ATTR_MESSAGE] or None
        store = entry.runtime_data.media
        sent = await sender.async_send_media(
            targets,
            lambda: async_media_url(call.hass, store, media),
            message=message,
            options=media_options(entry.options, call.data),
            keep_unsent=keep_unsent(entry, call.data),
        )
    elif settings is not None:
        alert = await async_text_with_acknowledgement(
            call.hass,
            entry,
            call.data[ATTR_TARGET],
            message_body(call.data[ATTR_MESSAGE], None),
            settings,
            options=send_options(entry.options, call.data),
            tag=tag,
            keep_for=keep_unsent(entry, call.data),
        )
        sent = alert.sent
    else:
        sent = await sender.async_send(
            call.data[ATTR_TARGET],
            call.data[ATTR_MESSAGE],
            options=send_options(entry.options, call.data),
            keep_unsent=keep_unsent(entry, call.data),
        )
    response = await _response(entry, "messages", sent, wait)
    if alert is not None:
        response = await _acknowledgement(
            entry,
            response,
            "messages",
            alert,
            tag=tag,
            wait=call.data[ATTR_WAIT_FOR_ACKNOWLEDGEMENT],
        )
    return response if call.return_response else None


async def _async_call(call: ServiceCall) -> ServiceResponse:
    entry = loaded_entry(call.hass, call.data.get(ATTR_CONFIG_ENTRY_ID))
    wait = call.data[ATTR_WAIT_FOR_ANSWER]
    _check_can_wait(entry, wait)
    settings = acknowledgement_settings(entry, call.data)
    data = dict(call.data)
    if ATTR_MAX_PRICE_PER_MINUTE in data:
        data[CONF_MAX_PRICE] = data.pop(ATTR_MAX_PRICE_PER_MINUTE)
    options = call_options(entry.options, data)
    sent = await entry.runtime_data.sender.async_call(
        call.data[ATTR_TARGET],
        call.data[ATTR_MESSAGE],
        ssml=call.data[ATTR_SSML],
        voice=call.data.get(CONF_VOICE),
        options=options,
        keep_unsent=keep_unsent(entry, call.data),
    )
    alert: SentAlert | None = None
    if settings is not None:
        # AWS cannot hear key presses on a call: a text asks for the code.
        alert = await async_text_with_acknowledgement(
            call.hass,
            entry,
            [m.target for m in sent],
            message_body(_spoken_text(call.data), None),
            settings,
            options=send_options(
                entry.options,
                {k: v for k, v in call.data.items() if k in _CALL_TEXT_OPTIONS},
            ),
            tag=call.data.get(ATTR_TAG),
        )
    response = await _response(entry, "calls", sent, wait)
    if alert is not None:
        response = await _acknowledgement(
            entry,
            response,
            "calls",
            alert,
            tag=call.data.get(ATTR_TAG),
            wait=call.data[ATTR_WAIT_FOR_ACKNOWLEDGEMENT],
        )
        response["acknowledgement"]["messages"] = [m.as_dict() for m in alert.sent]
    return response if call.return_response else None


# What a call's follow-up text takes from the call's options: the identity
# and price of a call are not a text's.
_CALL_TEXT_OPTIONS: Final = (CONF_CONFIGURATION_SET, ATTR_CONTEXT, ATTR_DRY_RUN)


def _spoken_text(data: Mapping[str, Any]) -> str:
    """Return a call's message as text: an SSML document without its tags."""
    message = str(data[ATTR_MESSAGE])
    if not data.get(ATTR_SSML):
        return message
    return " ".join(re.sub(r"<[^>]+>", " ", message).split())


async def _async_ask(call: ServiceCall) -> ServiceResponse:
    entry = loaded_entry(call.hass, call.data.get(ATTR_CONFIG_ENTRY_ID))
    tracker = alert_tracker(entry)
    sender = entry.runtime_data.sender
    answers = tuple(
        Answer(str(a["id"]), tuple(a["sentences"])) for a in call.data[ATTR_ANSWERS]
    )
    require_code = call.data[ATTR_REQUIRE_CODE]
    timeout = call.data[ATTR_TIMEOUT]
    tag = call.data.get(ATTR_TAG)
    options = send_options(entry.options, call.data)

    async def register(code: str, targets: list[str]) -> PendingAlert:
        return await tracker.async_register(
            kind="question",
            code=code,
            targets=targets,
            tag=tag,
            # Open while the action waits: a later answer changes nothing.
            expires_after=timedelta(seconds=timeout),
            answers=answers,
            require_code=require_code,
        )

    asked = await async_send_with_line(
        call.hass,
        tracker,
        lambda numbers, text: sender.async_send(numbers, text, options=options),
        targets=call.data[ATTR_TARGET],
        body=message_body(call.data[ATTR_MESSAGE], None),
        line=lambda code: question_line(
            [a.sentences[0] for a in answers], code, require_code=require_code
        ),
        dry_run=options.dry_run,
        register=register,
    )
    question = asked.alert
    if question is not None:
        question = await tracker.async_wait(question, timeout)
    reply = question.reply if question is not None else None
    response: dict[str, Any] = {
        "answer": None,
        "target": None,
        "recipient": None,
        "code": asked.code,
        "messages": [m.as_dict() for m in asked.sent],
        "failed": [{"target": t, "error": e} for t, e in asked.failed],
    }
    if reply is not None and reply.answer is not None:
        by = acknowledged_by(question, entry) if question else None
        response |= {
            "answer": reply.answer.as_dict(answer_sentence(reply.answer, reply.body)),
            "target": reply.target,
            "recipient": by.get("recipient") if by else None,
        }
    return response if call.return_response else None


async def _async_settle(call: ServiceCall, *, cancel: bool) -> None:
    entry = loaded_entry(call.hass, call.data.get(ATTR_CONFIG_ENTRY_ID))
    await alert_tracker(entry).async_settle_from_home_assistant(
        tag=call.data.get(ATTR_TAG),
        message_id=call.data.get(ATTR_MESSAGE_ID),
        cancel=cancel,
    )


async def _async_clear_outbox(call: ServiceCall) -> ServiceResponse:
    entry = loaded_entry(call.hass, call.data.get(ATTR_CONFIG_ENTRY_ID))
    cleared = await entry.runtime_data.outbox.async_clear()
    return {"cleared": cleared} if call.return_response else None


async def _async_acknowledge(call: ServiceCall) -> None:
    await _async_settle(call, cancel=False)


async def _async_cancel(call: ServiceCall) -> None:
    await _async_settle(call, cancel=True)


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the integration's actions."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_SEND_MESSAGE,
        _async_send_message,
        schema=SEND_MESSAGE_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_CALL,
        _async_call,
        schema=CALL_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_ASK,
        _async_ask,
        schema=ASK_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN, SERVICE_ACKNOWLEDGE, _async_acknowledge, schema=ACKNOWLEDGE_SCHEMA
    )
    hass.services.async_register(
        DOMAIN, SERVICE_CANCEL, _async_cancel, schema=CANCEL_SCHEMA
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_CLEAR_OUTBOX,
        _async_clear_outbox,
        schema=CLEAR_OUTBOX_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
