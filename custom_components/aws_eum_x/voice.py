"""Voice calls: voices, message limits and the minutes a call may bill. Pure.

A call reads the message aloud (text-to-speech) when the phone answers. AWS
bills whole minutes per call, so the daily cap on call minutes reserves an
upper bound of each call's length before the call is placed: the cap cannot
be overshot by a call that lasts longer than expected.
"""

import html
import math
import re
from typing import Final

# Limits of SendVoiceMessage's MessageBody: "TEXT: up to 3,000 characters;
# SSML: up to 6,000 characters" (the API reference's MessageBody):
# https://docs.aws.amazon.com/pinpoint/latest/apireference_smsvoicev2/API_SendVoiceMessage.html
MAX_TEXT_LENGTH: Final = 3000
MAX_SSML_LENGTH: Final = 6000

# The VoiceId enum of pinpoint-sms-voice-v2 (botocore's service model), as
# lower-case selector keys; tests/integration/test_voice.py compares them
# with the installed model. Amazon Polly's voices (its voice list says which
# language each speaks).
VOICE_IDS: Final = (
    "amy",
    "astrid",
    "bianca",
    "brian",
    "camila",
    "carla",
    "carmen",
    "celine",
    "chantal",
    "conchita",
    "cristiano",
    "dora",
    "emma",
    "enrique",
    "ewa",
    "filiz",
    "geraint",
    "giorgio",
    "gwyneth",
    "hans",
    "ines",
    "ivy",
    "jacek",
    "jan",
    "joanna",
    "joey",
    "justin",
    "karl",
    "kendra",
    "kimberly",
    "lea",
    "liv",
    "lotte",
    "lucia",
    "lupe",
    "mads",
    "maja",
    "marlene",
    "mathieu",
    "matthew",
    "maxim",
    "mia",
    "miguel",
    "mizuki",
    "naja",
    "nicole",
    "penelope",
    "raveena",
    "ricardo",
    "ruben",
    "russell",
    "salli",
    "seoyeon",
    "takumi",
    "tatyana",
    "vicki",
    "vitoria",
    "zeina",
    "zhiyu",
)

# Speech is read slower than any Polly voice speaks (about 15 characters a
# second at the default rate), so the estimate is an upper bound.
CHARACTERS_PER_SECOND: Final = 10.0
# Ringing and a voicemail greeting before the message, and its end.
CALL_OVERHEAD_SECONDS: Final = 30.0
# SSML's <break>: at most 10 seconds each (Polly's SSML reference); a break
# without a time, by strength, at most the "x-strong" pause of about 1.5 s.
MAX_BREAK_SECONDS: Final = 10.0
UNTIMED_BREAK_SECONDS: Final = 1.5

_TAG: Final = re.compile(r"<[^>]*>")
_BREAK: Final = re.compile(r"<break\b[^>]*>", re.IGNORECASE)
_BREAK_TIME: Final = re.compile(
    r"""time\s*=\s*["']?\s*([\d.]+)\s*(ms|s)\b""", re.IGNORECASE
)


class VoiceMessageError(ValueError):
    """A call's message is empty or too long; the text is the reason's key."""

    def __init__(self, key: str, **placeholders: str) -> None:
        """Carry the translation key and its placeholders."""
        super().__init__(key)
        self.key = key
        self.placeholders = placeholders


def check_voice_message(message: str, *, ssml: bool) -> str:
    """Return the message to read aloud; refuse an empty or too long one."""
    if not message.strip():
        raise VoiceMessageError("message_empty")
    limit = MAX_SSML_LENGTH if ssml else MAX_TEXT_LENGTH
    if len(message) > limit:
        raise VoiceMessageError(
            "voice_message_too_long", length=str(len(message)), limit=str(limit)
        )
    if ssml and not message.lstrip().startswith("<speak"):
        # AWS wants the whole document in <speak>; say so before calling.
        raise VoiceMessageError("ssml_needs_speak")
    return message


def spoken_seconds(message: str, *, ssml: bool) -> float:
    """Return an upper bound of how long reading ``message`` takes."""
    pauses = 0.0
    text = message
    if ssml:
        for tag in _BREAK.findall(message):
            if match := _BREAK_TIME.search(tag):
                value = float(match.group(1))
                if match.group(2).lower() == "ms":
                    value /= 1000
                pauses += min(value, MAX_BREAK_SECONDS)
            else:
                pauses += UNTIMED_BREAK_SECONDS
        text = html.unescape(_TAG.sub(" ", message))
    characters = len(" ".join(text.split()))
    return characters / CHARACTERS_PER_SECOND + pauses


def estimate_call_minutes(message: str, *, ssml: bool) -> int:
    """Return the whole minutes a call reading ``message`` may bill, at most."""
    seconds = spoken_seconds(message, ssml=ssml) + CALL_OVERHEAD_SECONDS
    return max(1, math.ceil(seconds / 60))
