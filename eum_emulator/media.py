"""MMS media: where an MMS may go, and which files AWS sends.

SendMediaMessage takes ``s3://bucket/key`` URLs. AWS reads the file after it
accepted the message, so a file it cannot send is no error of the call: the
message ends with one of the documented MEDIA_FILE_ event types
(MEDIA_FILE_INACCESSIBLE, MEDIA_FILE_TYPE_UNSUPPORTED,
MEDIA_FILE_SIZE_EXCEEDED; see simulator.EVENT_TYPES_URL). The emulator looks
the object up in moto's S3, in the emulator's account.
"""

from dataclasses import dataclass
import mimetypes
from typing import Final

# "MMS file types, size and character limits": the MIME types AWS sends and
# the largest file of each, and "Unlike SMS, MMS message are not broken into
# multiple parts when they are sent".
MMS_LIMITS_URL: Final = (
    "https://docs.aws.amazon.com/sms-voice/latest/userguide/"
    "mms-limitations-character.html"
)
# "Supported countries and regions for MMS messaging": which number types may
# send an MMS to each country.
MMS_COUNTRIES_URL: Final = (
    "https://docs.aws.amazon.com/sms-voice/latest/userguide/"
    "phone-numbers-mms-by-country.html"
)
# "The Amazon S3 bucket must be in the same AWS account and AWS Region as your
# MMS-capable origination identity, and the identity that calls
# send-media-message must have read access to the bucket."
MMS_MEDIA_URL: Final = (
    "https://docs.aws.amazon.com/end-user-messaging/latest/userguide/"
    "nx-mms-gsu-media.html"
)

# MMS_LIMITS_URL writes "2 MB" and "600 KB" without saying whether in powers
# of 1000 or 1024; the emulator takes the smaller reading, so that a file it
# accepts is one AWS accepts either way.
IMAGE_LIMIT_BYTES: Final = 2_000_000
OTHER_LIMIT_BYTES: Final = 600_000
# MMS_LIMITS_URL's table: MIME type -> largest file.
MMS_MEDIA_TYPES: Final[dict[str, int]] = {
    "image/gif": IMAGE_LIMIT_BYTES,
    "image/jpeg": IMAGE_LIMIT_BYTES,
    "image/png": IMAGE_LIMIT_BYTES,
    "image/tiff": OTHER_LIMIT_BYTES,
    "audio/3gpp": OTHER_LIMIT_BYTES,
    "video/3gpp": OTHER_LIMIT_BYTES,
    "audio/3gpp2": OTHER_LIMIT_BYTES,
    "video/3gpp2": OTHER_LIMIT_BYTES,
    "audio/amr": OTHER_LIMIT_BYTES,
    "audio/mp4": OTHER_LIMIT_BYTES,
    "video/mp4": OTHER_LIMIT_BYTES,
    "audio/mpeg": OTHER_LIMIT_BYTES,
    "audio/ogg": OTHER_LIMIT_BYTES,
    "video/quicktime": OTHER_LIMIT_BYTES,
    "video/webm": OTHER_LIMIT_BYTES,
    "text/calendar": OTHER_LIMIT_BYTES,
    "text/vcard": OTHER_LIMIT_BYTES,
    "text/x-vcard": OTHER_LIMIT_BYTES,
    "application/pdf": OTHER_LIMIT_BYTES,
}
# What S3 stores when an upload names no Content-Type: the file's type is
# then read from its name, as a browser would.
_UNTYPED: Final = frozenset({"", "binary/octet-stream", "application/octet-stream"})

# MMS_COUNTRIES_URL: country -> the number types that may send it an MMS
# (short codes, long codes, toll-free numbers; sender IDs never).
MMS_NUMBER_TYPES: Final[dict[str, frozenset[str]]] = {
    "CA": frozenset({"SHORT_CODE", "LONG_CODE"}),
    "US": frozenset({"SHORT_CODE", "LONG_CODE", "TOLL_FREE"}),
}
# A US 10DLC number and a simulator number are long codes to that table.
_LONG_CODE_TYPES: Final = frozenset({"LONG_CODE", "TEN_DLC", "SIMULATOR"})


def mms_allowed(country: str | None, number_type: str) -> bool:
    """Return whether a number of ``number_type`` may send an MMS to ``country``."""
    kind = "LONG_CODE" if number_type in _LONG_CODE_TYPES else number_type
    return kind in MMS_NUMBER_TYPES.get(country or "", frozenset())


@dataclass(frozen=True)
class MediaFile:
    """A media file an accepted MMS names, and whether its sender may read it."""

    url: str
    bucket: str
    key: str
    # The sender's region: the bucket must be in it (MMS_MEDIA_URL).
    region: str
    # Whether the caller's policy allows s3:GetObject (MMS_MEDIA_URL).
    readable: bool

    @classmethod
    def from_url(cls, url: str, *, region: str, readable: bool) -> MediaFile:
        """Split ``s3://bucket/key`` (the model's pattern guarantees the form)."""
        bucket, _, key = url.removeprefix("s3://").partition("/")
        return cls(url=url, bucket=bucket, key=key, region=region, readable=readable)


@dataclass(frozen=True)
class StoredObject:
    """What S3 holds under a media file's URL."""

    size: int
    content_type: str
    bucket_region: str


def media_type(content_type: str, key: str) -> str:
    """Return a file's MIME type: its Content-Type, else one read from its name."""
    declared = content_type.split(";", 1)[0].strip().lower()
    if declared not in _UNTYPED:
        return declared
    guessed, _ = mimetypes.guess_type(key, strict=False)
    return (guessed or "").lower()


def media_problem(media: MediaFile, stored: StoredObject | None) -> str | None:
    """Return the MEDIA_FILE_ event type a file ends its message with, or None.

    Args:
        media: The file the message names.
        stored: What S3 holds under its URL; None when there is no object.

    Returns:
        MEDIA_FILE_INACCESSIBLE (no object, a bucket in another region, or no
        read access), MEDIA_FILE_TYPE_UNSUPPORTED, MEDIA_FILE_SIZE_EXCEEDED,
        or None for a file AWS sends.
    """
    if stored is None or not media.readable or stored.bucket_region != media.region:
        return "MEDIA_FILE_INACCESSIBLE"
    limit = MMS_MEDIA_TYPES.get(media_type(stored.content_type, media.key))
    if limit is None:
        return "MEDIA_FILE_TYPE_UNSUPPORTED"
    if stored.size > limit:
        return "MEDIA_FILE_SIZE_EXCEEDED"
    return None


# Price of one MMS, in USD, by destination country: the emulator's own
# figures, not AWS's price list. An MMS is one message, whatever its size.
DEFAULT_MEDIA_MESSAGE_PRICES: Final = {"US": 0.02, "CA": 0.02, "default": 0.02}
