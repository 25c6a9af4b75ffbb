"""The actions: aws_eum_x.send_message (texts, pictures) and aws_eum_x.call."""

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

from .const import (
    CONF_CONFIGURATION_SET,
    CONF_MAX_PRICE,
    CONF_MESSAGE_TYPE,
    CONF_ORIGINATION_IDENTITY,
    CONF_TIME_TO_LIVE,
    CONF_VOICE,
    DEFAULT_CALL_TIME_TO_LIVE,
    DOMAIN,
    MAX_TIME_TO_LIVE,
    MESSAGE_TYPES,
    MIN_TIME_TO_LIVE,
)
from .media import async_media_url
from .sender import call_options, media_options, send_options
from .voice import VOICE_IDS

if TYPE_CHECKING:
    from .coordinator import AwsSmsConfigEntry
    from .sender import SentMessage

SERVICE_SEND_MESSAGE: Final = "send_message"
SERVICE_CALL: Final = "call"
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
# The longest an action waits for delivery events, in seconds.
MAX_WAIT_FOR_DELIVERY: Final = 300

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


async def _response(
    entry: AwsSmsConfigEntry, key: str, sent: list[SentMessage], wait: int
) -> dict[str, Any]:
    """Return the response items; with ``wait``, each one's final status."""
    items = [m.as_dict() for m in sent]
    receiver = entry.runtime_data.receiver
    if wait and receiver is not None:
        statuses = await receiver.async_wait_for_final(
            [m.message_id for m in sent if not m.dry_run], wait
        )
        for item in items:
            item["status"] = statuses.get(item["message_id"])
    return {key: items}


async def _async_send_message(call: ServiceCall) -> ServiceResponse:
    entry = loaded_entry(call.hass, call.data.get(ATTR_CONFIG_ENTRY_ID))
    wait = call.data[ATTR_WAIT_FOR_DELIVERY]
    _check_can_wait(entry, wait)
    sender = entry.runtime_data.sender
    if media := call.data.get(ATTR_MEDIA):
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
        )
    else:
        sent = await sender.async_send(
            call.data[ATTR_TARGET],
            call.data[ATTR_MESSAGE],
            options=send_options(entry.options, call.data),
        )
    response = await _response(entry, "messages", sent, wait)
    return response if call.return_response else None


async def _async_call(call: ServiceCall) -> ServiceResponse:
    entry = loaded_entry(call.hass, call.data.get(ATTR_CONFIG_ENTRY_ID))
    wait = call.data[ATTR_WAIT_FOR_ANSWER]
    _check_can_wait(entry, wait)
    data = dict(call.data)
    if ATTR_MAX_PRICE_PER_MINUTE in data:
        data[CONF_MAX_PRICE] = data.pop(ATTR_MAX_PRICE_PER_MINUTE)
    sent = await entry.runtime_data.sender.async_call(
        call.data[ATTR_TARGET],
        call.data[ATTR_MESSAGE],
        ssml=call.data[ATTR_SSML],
        voice=call.data.get(CONF_VOICE),
        options=call_options(entry.options, data),
    )
    response = await _response(entry, "calls", sent, wait)
    return response if call.return_response else None


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
