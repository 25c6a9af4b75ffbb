"""The messages the emulated service accepted, as tests and people read them.

A text (or MMS) whose last line asks for a reply code, as the integration's
acknowledgement and question lines do ("Reply OK 4821 to acknowledge.",
"Reply 1 4821 for Disarm, 2 4821 for Call police."), carries that code as
``reply_code``, so that nobody has to parse the body to answer it.
"""

from dataclasses import asdict, dataclass, field
import re
from typing import Any, Final

# The last line of a text that asks for an acknowledgement: "Reply <word>
# <code> to acknowledge." (the word is the entry's, OK by default).
_ACKNOWLEDGE_LINE: Final = re.compile(r"Reply \S+ (\d{4}) to acknowledge\.?")
# A question's choices with the code each must carry: "Reply 1 <code> for
# <answer>, 2 <code> for <answer>." (a question that needs no code shows none).
_QUESTION_LINE: Final = re.compile(r"Reply 1 (\d{4}) for .+")
_VOICE_ONLY_FIELDS: Final = (
    "voice_id",
    "body_text_type",
    "time_to_live",
    "call_outcome",
    "call_duration_seconds",
)


def reply_code(body: str) -> str | None:
    """Return the 4-digit code a text's last line asks the reply to carry.

    None when the last line asks for no code.
    """
    lines = body.rstrip().splitlines()
    last = lines[-1].strip() if lines else ""
    match = _ACKNOWLEDGE_LINE.fullmatch(last) or _QUESTION_LINE.fullmatch(last)
    return match[1] if match else None


@dataclass
class OutboxMessage:
    """A message the emulated service accepted.

    ``kind`` says which: ``text`` (SendTextMessage), ``media``
    (SendMediaMessage) or ``voice`` (SendVoiceMessage). A voice entry also
    has ``voice_id``, ``body_text_type``, ``time_to_live``, ``call_outcome``
    and ``call_duration_seconds``; a media entry ``media_urls``. Voice and
    media entries have no encoding or message type ("") and their segments
    are 0 (a call) or 1 (an MMS is never split). Text and media entries
    have a ``reply_code`` (see :func:`reply_code`).
    """

    message_id: str
    operation: str
    time: str
    origination_identity: str | None
    origin: str
    destination: str
    body: str
    message_type: str
    encoding: str
    segments: int
    price_usd: float
    dry_run: bool
    access_key_id: str
    region: str
    parameters: dict[str, Any] = field(default_factory=dict)
    kind: str = "text"
    voice_id: str | None = None
    body_text_type: str | None = None
    time_to_live: int | None = None
    call_outcome: str | None = None
    call_duration_seconds: int | None = None
    media_urls: list[str] = field(default_factory=list)

    @property
    def reply_code(self) -> str | None:
        """Return the code the text's last line asks for (None for a call)."""
        return None if self.kind == "voice" else reply_code(self.body)

    def as_dict(self) -> dict[str, Any]:
        """Return the record as JSON-ready data, with its kind's own fields only.

        A text's or an MMS's ``reply_code`` follows its ``body``.
        """
        data: dict[str, Any] = {}
        for key, value in asdict(self).items():
            data[key] = value
            if key == "body" and self.kind != "voice":
                data["reply_code"] = self.reply_code
        if self.kind != "voice":
            for key in _VOICE_ONLY_FIELDS:
                del data[key]
        if self.kind != "media":
            del data["media_urls"]
        return data
