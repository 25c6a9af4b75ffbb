"""The media of a picture message (MMS): read, checked, and put in S3.

SendMediaMessage takes one ``s3://bucket/key`` URL per message; AWS reads the
object after it accepted the message, so a file it cannot send is no error of
the call but a MEDIA_FILE_ delivery event, minutes later. Everything AWS
documents about the file is therefore checked here, before any AWS call: the
type, the size, and where the file comes from (a camera's snapshot, a file in
a directory Home Assistant allows, or an object already in S3).

The functions at the top (limits, URLs, keys) are pure. The S3 client is
built here rather than in api.py because it needs one botocore option of its
own (path-style addressing); its errors still go through aws_errors.translated.
"""

import asyncio
import contextlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
import logging
import mimetypes
import os
from pathlib import Path
import re
from typing import TYPE_CHECKING, Final
import uuid

from homeassistant.core import HomeAssistant, split_entity_id, valid_entity_id
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .api import AwsConnection, sts_endpoint_url
from .aws_errors import AwsAccessDeniedError, AwsRequestError, AwsSmsError, translated
from .aws_session import warm_up_models
from .const import DEFAULT_MEDIA_PREFIX, DOMAIN

if TYPE_CHECKING:
    from collections.abc import Iterator

    from aiobotocore.session import ClientCreatorContext
    from types_aiobotocore_s3.client import S3Client

    from .api import _ClientSettings

_LOGGER = logging.getLogger(__name__)

# "MMS file types, size and character limits": the MIME types AWS sends and
# the largest file of each; one file per message.
# https://docs.aws.amazon.com/sms-voice/latest/userguide/mms-limitations-character.html
# The page writes "2 MB" and "600 KB" without saying whether in powers of
# 1000 or 1024: the smaller reading is taken (as the emulator does), so that
# a file accepted here is one AWS accepts either way.
IMAGE_LIMIT_BYTES: Final = 2_000_000
OTHER_LIMIT_BYTES: Final = 600_000
MEDIA_TYPE_LIMITS: Final[dict[str, int]] = {
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
    # "Only MP3 files are supported for audio/mpeg".
    "audio/mpeg": OTHER_LIMIT_BYTES,
    "audio/ogg": OTHER_LIMIT_BYTES,
    "video/quicktime": OTHER_LIMIT_BYTES,
    "video/webm": OTHER_LIMIT_BYTES,
    "text/calendar": OTHER_LIMIT_BYTES,
    "text/vcard": OTHER_LIMIT_BYTES,
    "text/x-vcard": OTHER_LIMIT_BYTES,
    "application/pdf": OTHER_LIMIT_BYTES,
}
# The extension an uploaded object's key ends with: what a phone, a browser
# or the S3 console shows the file as.
MEDIA_EXTENSIONS: Final[dict[str, str]] = {
    "image/gif": ".gif",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/tiff": ".tif",
    "audio/3gpp": ".3gp",
    "video/3gpp": ".3gp",
    "audio/3gpp2": ".3g2",
    "video/3gpp2": ".3g2",
    "audio/amr": ".amr",
    "audio/mp4": ".m4a",
    "video/mp4": ".mp4",
    "audio/mpeg": ".mp3",
    "audio/ogg": ".ogg",
    "video/quicktime": ".mov",
    "video/webm": ".webm",
    "text/calendar": ".ics",
    "text/vcard": ".vcf",
    "text/x-vcard": ".vcf",
    "application/pdf": ".pdf",
}
# SendMediaMessage's MediaUrls item (botocore's pinpoint-sms-voice-v2 model):
# pattern s3://([a-z0-9\.-]{3,63})/(.+), 1 to 2048 characters.
_S3_URL: Final = re.compile(r"s3://(?P<bucket>[a-z0-9.-]{3,63})/(?P<key>.+)")
MAX_MEDIA_URL_LENGTH: Final = 2048
# What S3 answers for an object uploaded without a Content-Type; the type is
# then read from the key's name, as the emulator (and a browser) does.
_UNTYPED: Final = frozenset({"", "binary/octet-stream", "application/octet-stream"})
# The camera integration's domain; its module is imported only once it is
# loaded (see _async_camera_snapshot).
_CAMERA_DOMAIN: Final = "camera"
# S3 calls are safe to repeat (PutObject of one key writes the same object
# again; HeadObject reads): botocore's standard retries may repeat them.
MEDIA_CONFIG: Final[_ClientSettings] = {
    "retries": {"mode": "standard", "total_max_attempts": 3},
    "connect_timeout": 10,
    # Generous: S3 answers a PutObject only once all of a 2 MB body arrived,
    # which a slow uplink takes a while to send.
    "read_timeout": 60,
}
# HeadObject answers without a body, so botocore names its errors by status.
_NOT_FOUND_CODES: Final = frozenset({"404", "NoSuchKey", "NotFound"})
_FORBIDDEN_CODES: Final = frozenset({"403", "Forbidden"})


# -- errors --------------------------------------------------------------------


class MediaRejectedError(ValueError):
    """A media file AWS would not send, or a source that names none.

    ``translation_key`` names the integration's translated message;
    ``placeholders`` fill it in.
    """

    def __init__(self, translation_key: str, **placeholders: str) -> None:
        """Keep the translation key and its placeholders."""
        super().__init__(translation_key, placeholders)
        self.translation_key = translation_key
        self.placeholders = placeholders


class AwsMediaBucketNotFoundError(AwsSmsError):
    """The media bucket does not exist (or S3 does not know it by that name)."""

    translation_key = "media_bucket_not_found"

    def __init__(self, message: str, bucket: str) -> None:
        """Name the bucket."""
        super().__init__(message, bucket=bucket)
        self.bucket = bucket


class AwsMediaAccessDeniedError(AwsAccessDeniedError):
    """S3 refused to show an object: no s3:GetObject, or no such object.

    S3 answers 403, not 404, for a missing key when the caller may not
    s3:ListBucket the bucket, and the policy of docs/iam/media-policy.json
    does not grant it: the two cannot be told apart.
    https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html
    """

    translation_key = "media_access_denied"

    def __init__(self, message: str, url: str) -> None:
        """Name the object's URL; the action is always s3:GetObject."""
        super().__init__(message, "s3:GetObject")
        self.placeholders["url"] = url
        self.url = url


# -- pure checks ---------------------------------------------------------------


def media_type(content_type: str) -> str:
    """Return a Content-Type's MIME type: lower case, without parameters."""
    return content_type.split(";", 1)[0].strip().lower()


def check_media(content_type: str, size: int) -> None:
    """Refuse a file that AWS does not send as an MMS.

    Args:
        content_type: The file's Content-Type (parameters are ignored).
        size: The file's size in bytes.

    Raises:
        MediaRejectedError: ``media_type_unsupported`` ({content_type}),
            ``media_empty`` ({content_type}) or ``media_too_large``
            ({size_kb}, {limit_kb}, {content_type}); kB are 1000 bytes.
    """
    kind = media_type(content_type)
    limit = MEDIA_TYPE_LIMITS.get(kind)
    if limit is None:
        raise MediaRejectedError(
            "media_type_unsupported", content_type=kind or "unknown"
        )
    if size <= 0:
        raise MediaRejectedError("media_empty", content_type=kind)
    if size > limit:
        raise MediaRejectedError(
            "media_too_large",
            # Rounded up: a file 1 byte over the limit never reads as equal.
            size_kb=str(-(-size // 1000)),
            limit_kb=str(limit // 1000),
            content_type=kind,
        )


def parse_s3_url(url: str) -> tuple[str, str]:
    """Return the bucket and key of an ``s3://bucket/key`` URL.

    Raises:
        MediaRejectedError: ``invalid_media_url`` ({url}): not a URL that
            SendMediaMessage accepts.
    """
    match = _S3_URL.fullmatch(url)
    if match is None or len(url) > MAX_MEDIA_URL_LENGTH:
        raise MediaRejectedError("invalid_media_url", url=url)
    return match.group("bucket"), match.group("key")


def media_key(prefix: str, content_type: str, now: datetime) -> str:
    """Return a new object key: ``{prefix}{UTC date}/{random hex}{extension}``.

    The date groups a day's uploads for whoever browses the bucket; the
    random part makes the key unguessable and never reused. ``now`` must be
    timezone-aware.
    """
    day = now.astimezone(UTC).strftime("%Y-%m-%d")
    extension = MEDIA_EXTENSIONS.get(media_type(content_type), "")
    return f"{prefix}{day}/{uuid.uuid4().hex}{extension}"


def guess_media_type(name: str) -> str:
    """Return the MIME type a file name suggests, or "" when none.

    Blocking on the first call (mimetypes reads the system's type files):
    run it in an executor.
    """
    guessed, _ = mimetypes.guess_type(name, strict=False)
    return (guessed or "").lower()


# -- reading a source ----------------------------------------------------------


@dataclass(frozen=True)
class MediaFile:
    """A media file read into memory, checked against AWS's limits."""

    data: bytes = field(repr=False)
    content_type: str
    # The camera entity ID or file path it was read from, for messages.
    source: str

    def __repr__(self) -> str:
        """Show the size, never the bytes."""
        return (
            f"MediaFile(source={self.source!r}, content_type={self.content_type!r}, "
            f"size={len(self.data)})"
        )


def _validation_error(
    key: str, source: str, **placeholders: str
) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={"source": source, **placeholders},
    )


def _rejected(err: MediaRejectedError, source: str) -> ServiceValidationError:
    return _validation_error(err.translation_key, source, **err.placeholders)


def is_camera(source: str) -> bool:
    """Return whether ``source`` is a camera's entity ID."""
    return valid_entity_id(source) and split_entity_id(source)[0] == _CAMERA_DOMAIN


async def async_read_media(hass: HomeAssistant, source: str) -> MediaFile:
    """Return the file a camera entity ID or an absolute file path names.

    A camera gives a snapshot; a file must be in a directory of
    ``allowlist_external_dirs``. Either is checked against AWS's limits.

    Raises:
        ServiceValidationError: The source names no file AWS would send:
            ``camera_not_found``, ``media_path_not_allowed``,
            ``media_not_found``, ``media_type_unsupported``, ``media_empty``,
            ``media_too_large`` (each with {source}).
        HomeAssistantError: ``camera_unavailable`` ({source}, {error}): the
            camera gave no snapshot, or ``media_not_readable`` ({source},
            {error}): the file could not be read.
    """
    if is_camera(source):
        return await _async_camera_snapshot(hass, source)
    try:
        return await hass.async_add_executor_job(_read_file, hass, source)
    except MediaRejectedError as err:
        raise _rejected(err, source) from err
    except OSError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="media_not_readable",
            translation_placeholders={
                "source": source,
                "error": err.strerror or type(err).__name__,
            },
        ) from err


async def _async_camera_snapshot(hass: HomeAssistant, entity_id: str) -> MediaFile:
    """Return a camera's snapshot, checked against AWS's limits."""
    if (
        _CAMERA_DOMAIN not in hass.config.components
        or hass.states.get(entity_id) is None
    ):
        raise _validation_error("camera_not_found", entity_id)
    # Imported here: the camera module is large and loaded only by
    # installations with cameras; once its integration is loaded (checked
    # above) the import is a lookup in sys.modules, not a read from disk.
    from homeassistant.components.camera import async_get_image  # noqa: PLC0415

    try:
        image = await async_get_image(hass, entity_id)
    except HomeAssistantError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="camera_unavailable",
            translation_placeholders={"source": entity_id, "error": str(err)},
        ) from err
    try:
        check_media(image.content_type, len(image.content))
    except MediaRejectedError as err:
        raise _rejected(err, entity_id) from err
    return MediaFile(image.content, media_type(image.content_type), entity_id)


def _is_allowed(hass: HomeAssistant, path: str) -> bool:
    """Return whether Home Assistant may read ``path`` for a message (blocking).

    Relative paths depend on the process's working directory: refused, as is
    anything outside allowlist_external_dirs. Checked before the file is
    looked at, so that the answer says nothing of files elsewhere.
    """
    try:
        return Path(path).is_absolute() and hass.config.is_allowed_path(path)
    except ValueError:
        # A NUL in the path: the OS refuses the name, no file has it.
        return False


def _read_file(hass: HomeAssistant, path: str) -> MediaFile:
    """Read a file Home Assistant allows, at most its type's limit (blocking).

    Raises:
        MediaRejectedError: Not allowed, missing, or not a file AWS sends.
        OSError: The file exists but could not be read.
    """
    if not _is_allowed(hass, path):
        raise MediaRejectedError("media_path_not_allowed")
    content_type = guess_media_type(path)
    limit = MEDIA_TYPE_LIMITS.get(content_type)
    if limit is None:
        raise MediaRejectedError(
            "media_type_unsupported", content_type=content_type or "unknown"
        )
    try:
        file = Path(path).open("rb")  # noqa: SIM115 - closed just below
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as err:
        raise MediaRejectedError("media_not_found") from err
    except ValueError as err:
        # A name no file can have: a NUL, or text the file system cannot
        # encode (UnicodeEncodeError is a ValueError).
        raise MediaRejectedError("media_not_found") from err
    with file:
        # The size before reading: a 3 GB video is refused unread.
        check_media(content_type, os.fstat(file.fileno()).st_size)
        # At most one byte over the limit, in case the file grew since.
        data = file.read(limit + 1)
    check_media(content_type, len(data))
    return MediaFile(data, content_type, path)


# -- S3 ------------------------------------------------------------------------


class MediaStore:
    """The entry's media bucket: uploads files, checks objects given by URL.

    ``bucket`` None: no bucket is set in the options. Objects given by URL
    can still be checked; nothing can be uploaded.
    """

    def __init__(
        self,
        connection: AwsConnection,
        bucket: str | None,
        prefix: str = DEFAULT_MEDIA_PREFIX,
    ) -> None:
        """Upload to ``bucket`` under ``prefix`` with ``connection``'s credentials.

        S3 is called in the connection's region: AWS reads MMS media only
        from a bucket in the region (and account) of the sending number.
        """
        self._connection = connection
        self.bucket = bucket or None
        self.prefix = prefix
        self._client: S3Client | None = None
        self._exit_stack: contextlib.AsyncExitStack | None = None
        self._opening = asyncio.Lock()

    def _s3_client(self) -> ClientCreatorContext[S3Client]:
        """Return the context of a new S3 client for this store."""
        connection = self._connection
        # Same rule as STS: an AWS-hosted SMS endpoint (VPC interface, FIPS)
        # serves that service only; any other host (the emulator, a proxy)
        # serves S3 too.
        endpoint = sts_endpoint_url(connection.endpoint_url)
        kwargs = connection.client_kwargs(
            MEDIA_CONFIG,
            endpoint,
            # Virtual-hosted addressing puts the bucket in the host name,
            # which only AWS's DNS resolves.
            s3={"addressing_style": "path"} if endpoint is not None else None,
        )
        return connection.session.create_client("s3", **kwargs)

    async def _s3(self) -> S3Client:
        """Return the store's S3 client, made at the first picture message.

        Kept until :meth:`close`, as the SMS clients are: making a client
        for each message cost more than the request itself (scripts/bench).
        """
        async with self._opening:
            if self._client is None:
                # S3's model is read from disk at the first picture message,
                # not at start-up: most homes never send one.
                await asyncio.to_thread(warm_up_models, self._connection.session, "s3")
                exit_stack = contextlib.AsyncExitStack()
                self._client = await exit_stack.enter_async_context(self._s3_client())
                self._exit_stack = exit_stack
            return self._client

    async def close(self) -> None:
        """Close the S3 client, if one was made; the next use makes another."""
        async with self._opening:
            exit_stack, self._exit_stack, self._client = self._exit_stack, None, None
            if exit_stack is not None:
                await exit_stack.aclose()

    async def upload(self, media: MediaFile, now: datetime | None = None) -> str:
        """Put ``media`` in the bucket under a new key; return its ``s3://`` URL.

        Raises:
            ServiceValidationError: ``media_bucket_not_set`` ({source}).
            AwsMediaBucketNotFoundError: The bucket does not exist.
            AwsAccessDeniedError: IAM denies s3:PutObject (action named).
            AwsSmsError: Any other failure, translated as aws_errors.translated does.
        """
        if self.bucket is None:
            raise _validation_error("media_bucket_not_set", media.source)
        key = media_key(self.prefix, media.content_type, now or datetime.now(UTC))
        s3 = await self._s3()
        with _s3_errors("PutObject", "s3:PutObject", self.bucket):
            await s3.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=media.data,
                ContentType=media.content_type,
            )
        url = f"s3://{self.bucket}/{key}"
        _LOGGER.debug(
            "Uploaded %s (%s, %d bytes) to %s",
            media.source,
            media.content_type,
            len(media.data),
            url,
        )
        return url

    async def check(self, url: str) -> None:
        """Prove the object at ``url`` exists and is a file AWS sends.

        HeadObject needs s3:GetObject, the permission AWS needs the sending
        identity to have on the media anyway.

        Raises:
            ServiceValidationError: ``invalid_media_url``, ``media_not_found``,
                ``media_type_unsupported``, ``media_empty``, ``media_too_large``
                (each with {source}, the URL).
            AwsMediaAccessDeniedError: S3 answered 403 (s3:GetObject).
            AwsSmsError: Any other failure, translated as aws_errors.translated does.
        """
        try:
            bucket, key = parse_s3_url(url)
        except MediaRejectedError as err:
            raise _rejected(err, url) from err
        try:
            s3 = await self._s3()
            with _s3_errors("HeadObject", "s3:GetObject", bucket):
                head = await s3.head_object(Bucket=bucket, Key=key)
        except AwsRequestError as err:
            if err.code in _NOT_FOUND_CODES:
                raise _validation_error("media_not_found", url) from err
            if err.code in _FORBIDDEN_CODES:
                raise AwsMediaAccessDeniedError(str(err), url) from err
            raise
        content_type = media_type(head.get("ContentType", ""))
        if content_type in _UNTYPED:
            content_type = await asyncio.to_thread(guess_media_type, key)
        try:
            check_media(content_type, head.get("ContentLength", 0))
        except MediaRejectedError as err:
            raise _rejected(err, url) from err


@contextlib.contextmanager
def _s3_errors(operation: str, action: str, bucket: str) -> Iterator[None]:
    """Translate errors, naming the IAM action and a missing bucket."""
    try:
        # S3's "Access Denied" names no action: name the one IAM checks.
        with translated(operation, action):
            yield
    except AwsRequestError as err:
        if err.code != "NoSuchBucket":
            raise
        raise AwsMediaBucketNotFoundError(str(err), bucket) from err


async def async_media_url(hass: HomeAssistant, store: MediaStore, source: str) -> str:
    """Return the ``s3://`` URL to send for ``source``, uploading if needed.

    ``source`` is an ``s3://`` URL (checked, sent as it is), a camera entity
    ID (snapshot uploaded) or an absolute path in an allowed directory (file
    uploaded). Every problem with the input is raised before any AWS call.

    Raises:
        ServiceValidationError: See async_read_media, MediaStore.check and
            ``media_bucket_not_set``.
        HomeAssistantError: The camera or the file could not be read.
        AwsSmsError: S3 refused the check or the upload.
    """
    source = source.strip()
    # Any case: "S3://..." is a mistyped URL (refused as one), not a path.
    if source.lower().startswith("s3://"):
        await store.check(source)
        return source
    if store.bucket is None:
        # Before the snapshot or the read: there is nowhere to put it.
        raise _validation_error("media_bucket_not_set", source)
    return await store.upload(await async_read_media(hass, source))
