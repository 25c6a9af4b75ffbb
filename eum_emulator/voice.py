"""What AWS documents of voice messages, for SendVoiceMessage.

A voice message is a call that reads the message body with Amazon Polly.
Its limits are the API model's (botocore's ``pinpoint-sms-voice-v2``) and
the AWS End User Messaging guide's voice pages, quoted where used.
"""

from typing import Final

# "Voice message length: ... For a plain text message body, the maximum
# length is 3,000 characters. For a message body that uses Speech Synthesis
# Markup Language (SSML), the maximum length is 6,000 characters, which
# includes the SSML tags." The same page gives the default calls per second
# as "[needs SME confirmation]": AWS documents no production call rate.
VOICE_LIMITS_URL: Final = (
    "https://docs.aws.amazon.com/end-user-messaging/latest/userguide/"
    "nx-voice-scale-limits.html"
)
# Voice sandbox restrictions: "You have a daily limit of 20 voice messages",
# "a maximum of five voice messages to a single recipient during a 24-hour
# period", "a maximum of five calls per minute", "The maximum voice message
# length is 30 seconds", and "You can send voice messages only to verified
# destination phone numbers."
VOICE_SANDBOX_URL: Final = (
    "https://docs.aws.amazon.com/end-user-messaging/latest/userguide/"
    "nx-voice-scale-sandbox.html"
)
# "While your account is in the voice sandbox, you can send voice messages
# only to recipients in Australia, Canada, Germany, Hong Kong, Israel, Japan,
# Mexico, Singapore, Sweden, the United States, and the United Kingdom.
# After your account leaves the sandbox, you can send voice messages to
# recipients in any country."
VOICE_COUNTRIES_URL: Final = (
    "https://docs.aws.amazon.com/end-user-messaging/latest/userguide/"
    "nx-voice-scale-country-support.html"
)

# The model's MessageBodyTextType: "TEXT: This is the default value. When
# used the maximum character limit is 3000. SSML: When used the maximum
# character limit is 6000 including SSML tagging." (VOICE_LIMITS_URL agrees.)
BODY_LIMITS: Final = {"TEXT": 3000, "SSML": 6000}
DEFAULT_BODY_TEXT_TYPE: Final = "TEXT"
# The model's VoiceId: 'By default this is set to "MATTHEW".'
DEFAULT_VOICE_ID: Final = "MATTHEW"
# The model's TimeToLive: "By default this is 72 hours."
DEFAULT_TIME_TO_LIVE_SECONDS: Final = 72 * 3600

SANDBOX_COUNTRIES: Final = frozenset(
    {"AU", "CA", "DE", "HK", "IL", "JP", "MX", "SG", "SE", "US", "GB"}
)
SANDBOX_CALLS_PER_MINUTE: Final = 5
SANDBOX_CALL_RATE_WINDOW_SECONDS: Final = 60
SANDBOX_CALLS_PER_RECIPIENT: Final = 5
SANDBOX_RECIPIENT_WINDOW_SECONDS: Final = 24 * 3600

# Price of one minute of a call, in USD, by destination country: the
# emulator's own figures (like segment prices), not AWS's price list. A call
# is billed by the started minute; only an answered call is billed.
DEFAULT_VOICE_MINUTE_PRICES: Final = {
    "US": 0.013,
    "CA": 0.013,
    "GB": 0.03,
    "default": 0.1,
}
# How long an answered call lasts when the state does not say.
DEFAULT_CALL_DURATION_SECONDS: Final = 20


def billed_minutes(duration_seconds: int) -> int:
    """Return the minutes a call of ``duration_seconds`` is billed for."""
    return -(-duration_seconds // 60)
