"""What a send is made of, before and after the sending pipeline.

The options a message goes with (the entry's defaults, the call's on top),
its targets in E.164 and its body, checked before any AWS call; and what a
send returns: a sent (or queued) message per target, or an error that says
which targets were sent. sender.py is the pipeline itself.
"""

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Final

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .api import MessageOptions
from .const import (
    CONF_CONFIGURATION_SET,
    CONF_MAX_PRICE,
    CONF_MESSAGE_TYPE,
    CONF_ORIGINATION_IDENTITY,
    CONF_TIME_TO_LIVE,
    DEFAULT_CALL_TIME_TO_LIVE,
    DOMAIN,
    MESSAGE_TYPES,
)
from .phone import InvalidPhoneNumberError, to_e164

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

MAX_BODY_LENGTH: Final = 1600  # the API's limit for a text message body


def send_options(
    defaults: Mapping[str, Any], overrides: Mapping[str, Any]
) -> MessageOptions:
    """Return the entry's default options with the call's on top."""

    def pick(key: str) -> Any:  # noqa: ANN401 - option values vary in type
        value = overrides.get(key)
        return value if value not in (None, "") else defaults.get(key) or None

    ttl = pick(CONF_TIME_TO_LIVE)
    message_type = pick(CONF_MESSAGE_TYPE)
    context = {str(k): str(v) for k, v in (overrides.get("context") or {}).items()}
    return MessageOptions(
        origination_identity=pick(CONF_ORIGINATION_IDENTITY),
        message_type=MESSAGE_TYPES.get(str(message_type).lower())
        if message_type
        else None,
        configuration_set=pick(CONF_CONFIGURATION_SET),
        max_price=pick(CONF_MAX_PRICE),
        time_to_live=int(ttl) if ttl is not None else None,
        context=context or None,
        dry_run=bool(overrides.get("dry_run", False)),
    )


# Entry options that are about texts: its default identity may be a sender
# ID or an SMS-only number (a call or MMS prefers it only when it can), its
# price limit is per SMS part, and calls and MMS have no message type.
_TEXT_ONLY_DEFAULTS: Final = {
    CONF_ORIGINATION_IDENTITY: None,
    CONF_MAX_PRICE: None,
    CONF_MESSAGE_TYPE: None,
}


def call_options(
    defaults: Mapping[str, Any], overrides: Mapping[str, Any]
) -> MessageOptions:
    """Return a call's options: the entry's that apply to calls, the call's on top.

    A call lives 300 s unless the call says otherwise (the entry's time to
    live is for texts): a stale alarm must not ring an hour later.
    """
    return send_options(
        {
            **defaults,
            **_TEXT_ONLY_DEFAULTS,
            CONF_TIME_TO_LIVE: DEFAULT_CALL_TIME_TO_LIVE,
        },
        overrides,
    )


def media_options(
    defaults: Mapping[str, Any], overrides: Mapping[str, Any]
) -> MessageOptions:
    """Return a picture message's options: the entry's that apply, the send's on top."""
    return send_options({**defaults, **_TEXT_ONLY_DEFAULTS}, overrides)


@dataclass(frozen=True)
class SentMessage:
    """A message or call AWS accepted (or validated), or one queued to send.

    A queued message (AWS could not be reached) has no message ID yet: its
    ``status`` is "queued", with its outbox ID and until when it is kept.
    """

    target: str
    message_id: str | None
    dry_run: bool
    # Texts: segments and encoding; picture messages count one segment.
    segments: int | None = None
    encoding: str | None = None
    # Calls: the minutes counted under the daily cap (an upper bound).
    minutes: int | None = None
    status: str | None = None
    queued_id: str | None = None
    queued_until: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return the action's response item (what applies to its kind)."""
        return {k: v for k, v in asdict(self).items() if v is not None}


class PartialSendError(HomeAssistantError):
    """Some targets were sent to and some failed; ``sent`` says which.

    ``failed``: each failed target with AWS's reason, for a response.
    """

    def __init__(
        self,
        sent: list[SentMessage],
        failed: list[tuple[str, str]],
        **kwargs: Any,  # noqa: ANN401
    ) -> None:
        """Keep what was sent: an alert to them still counts their replies."""
        super().__init__(**kwargs)
        self.sent = sent
        self.failed = failed


def validation_error(key: str, **placeholders: str) -> ServiceValidationError:
    """Return the translated error of input refused before AWS is asked."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders,
    )


def normalise_targets(targets: Iterable[str], default_region: str | None) -> list[str]:
    """Return the targets in E.164, each once, in the order given."""
    numbers: list[str] = []
    for target in targets:
        try:
            number = to_e164(str(target), default_region)
        except InvalidPhoneNumberError:
            raise validation_error("invalid_phone_number", target=str(target)) from None
        if number not in numbers:
            numbers.append(number)
    if not numbers:
        raise validation_error("no_targets")
    return numbers


def stored_options(options: MessageOptions) -> dict[str, Any]:
    """Return message options as the outbox stores them (JSON)."""
    stored = asdict(options)
    if stored["context"] is not None:
        stored["context"] = dict(stored["context"])
    return stored


def restored_options(stored: Mapping[str, Any]) -> MessageOptions:
    """Return the message options the outbox stored."""
    return MessageOptions(**stored)


def message_body(message: str, title: str | None) -> str:
    """Return the SMS body: the title on its own line, then the message."""
    body = f"{title}\n{message}" if title else message
    if not body.strip():
        raise validation_error("message_empty")
    if len(body) > MAX_BODY_LENGTH:
        raise validation_error(
            "message_too_long", length=str(len(body)), limit=str(MAX_BODY_LENGTH)
        )
    return body
