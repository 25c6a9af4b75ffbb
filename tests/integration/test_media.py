"""The media of picture messages: read from a camera or a file, put in S3.

Real aiobotocore over HTTP to the emulator, whose S3 is moto's. Each refusal
is checked to happen before anything reaches S3: the emulator counts the
requests moto answered.
"""

from collections.abc import AsyncIterator, Generator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
import re
import struct
from unittest.mock import patch
import zlib

import aiohttp
from homeassistant import block_async_io
from homeassistant.components.camera import Camera
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.translation import async_get_translations
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    setup_test_component_platform,
)

from custom_components.aws_eum_x.api import AwsConnection
from custom_components.aws_eum_x.aws_errors import (
    AwsAccessDeniedError,
    AwsConnectionError,
    AwsExplicitDenyError,
    AwsRequestError,
)
from custom_components.aws_eum_x.const import DOMAIN
from custom_components.aws_eum_x.helpers import async_connection
from custom_components.aws_eum_x.media import (
    IMAGE_LIMIT_BYTES,
    MEDIA_EXTENSIONS,
    MEDIA_TYPE_LIMITS,
    OTHER_LIMIT_BYTES,
    AwsMediaAccessDeniedError,
    AwsMediaBucketNotFoundError,
    MediaFile,
    MediaRejectedError,
    MediaStore,
    async_media_url,
    async_read_media,
    check_media,
    media_key,
    parse_s3_url,
)
from eum_emulator import AccessKey, AccountState, Emulator

from .conftest import demo_entry, entry_data, send, set_up

BUCKET = "aws-eum-x-media-123456789012"
PREFIX = "aws-eum-x/"
CAMERA = "camera.front_door"
NO_PUT_KEY = "TESTKEYNOPUT"
NO_GET_KEY = "TESTKEYNOGET"
SECRET = "media-secret-EXAMPLEKEY"
# An uploaded object's key: prefix, UTC date, 32 hex digits, extension.
KEY_LAYOUT = re.compile(rf"{PREFIX}\d{{4}}-\d{{2}}-\d{{2}}/[0-9a-f]{{32}}\.\w+")


def _png() -> bytes:
    """Return a valid 1x1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00\xff")
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )


PNG = _png()


class SnapshotCamera(Camera):
    """A camera whose snapshot is fixed bytes (None: it gives none)."""

    _attr_name = "Front door"

    def __init__(
        self, image: bytes | None, content_type: str = "image/png", *, on: bool = True
    ) -> None:
        """Give ``image`` as ``content_type``; ``on`` False: the camera is off."""
        super().__init__()
        self._image = image
        self.content_type = content_type
        self._attr_is_on = on

    async def async_camera_image(
        self,
        width: int | None = None,  # noqa: ARG002 - Camera's signature
        height: int | None = None,  # noqa: ARG002
    ) -> bytes | None:
        """Return the fixed snapshot."""
        return self._image


async def add_camera(hass: HomeAssistant, camera: SnapshotCamera) -> None:
    """Set the camera integration up with one test camera."""
    setup_test_component_platform(hass, "camera", [camera])
    assert await async_setup_component(hass, "camera", {"camera": {"platform": "test"}})
    await hass.async_block_till_done()
    assert hass.states.get(CAMERA) is not None


@pytest.fixture
def account_state() -> AccountState:
    """The demo account, and two keys each missing one S3 permission."""
    state = AccountState()
    state.access_keys += [
        AccessKey(NO_PUT_KEY, SECRET, allowed_actions=["sms-voice:*", "s3:GetObject"]),
        AccessKey(NO_GET_KEY, SECRET, allowed_actions=["sms-voice:*", "s3:PutObject"]),
    ]
    return state


@pytest.fixture
async def s3(aws_client):
    """Return an S3 client of the demo key (allowed everything)."""
    return await aws_client("s3")


@pytest.fixture
async def bucket(s3) -> str:
    """Create the media bucket in moto."""
    await s3.create_bucket(Bucket=BUCKET)
    return BUCKET


@pytest.fixture
async def connection(hass: HomeAssistant, emulator: Emulator) -> AwsConnection:
    """Return the demo entry's connection, built as the integration builds it."""
    return await async_connection(hass, entry_data(emulator))


@pytest.fixture
async def store(connection: AwsConnection, bucket: str) -> AsyncIterator[MediaStore]:
    """Return the media store of the demo entry, on the media bucket."""
    store = MediaStore(connection, bucket, PREFIX)
    yield store
    await store.close()


@pytest.fixture
def media_dir(hass: HomeAssistant, tmp_path):
    """Return a directory Home Assistant allows files to be read from."""
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    hass.config.allowlist_external_dirs = {str(allowed)}
    return allowed


async def stored_objects(s3) -> dict[str, dict]:
    """Return every object in the bucket: key -> HeadObject's answer and body."""
    listing = await s3.list_objects_v2(Bucket=BUCKET)
    objects = {}
    for item in listing.get("Contents", []):
        answer = await s3.get_object(Bucket=BUCKET, Key=item["Key"])
        async with answer["Body"] as body:
            answer["Data"] = await body.read()
        objects[item["Key"]] = answer
    return objects


# -- the pure checks -------------------------------------------------------------


def test_limits_are_aws_table() -> None:
    """Images up to 2 MB; the 16 other types up to 600 KB; each has a suffix."""
    images = {"image/gif", "image/jpeg", "image/png"}
    assert {t for t, n in MEDIA_TYPE_LIMITS.items() if n == IMAGE_LIMIT_BYTES} == (
        images
    )
    assert len(MEDIA_TYPE_LIMITS) == 19
    assert all(
        limit == OTHER_LIMIT_BYTES
        for kind, limit in MEDIA_TYPE_LIMITS.items()
        if kind not in images
    )
    assert set(MEDIA_EXTENSIONS) == set(MEDIA_TYPE_LIMITS)


@pytest.mark.parametrize(
    ("content_type", "size"),
    [
        ("image/png", IMAGE_LIMIT_BYTES),
        ("IMAGE/JPEG; charset=binary", 1),
        ("application/pdf", OTHER_LIMIT_BYTES),
        ("text/x-vcard", 200),
    ],
)
def test_check_media_accepts(content_type: str, size: int) -> None:
    """Up to the limit, whatever the case and parameters of the type."""
    check_media(content_type, size)


@pytest.mark.parametrize(
    ("content_type", "size", "key", "placeholders"),
    [
        (
            "image/png",
            IMAGE_LIMIT_BYTES + 1,
            "media_too_large",
            {"size_kb": "2001", "limit_kb": "2000", "content_type": "image/png"},
        ),
        (
            "application/pdf",
            OTHER_LIMIT_BYTES + 1,
            "media_too_large",
            {"size_kb": "601", "limit_kb": "600", "content_type": "application/pdf"},
        ),
        ("image/heic", 10, "media_type_unsupported", {"content_type": "image/heic"}),
        ("", 10, "media_type_unsupported", {"content_type": "unknown"}),
        ("image/gif", 0, "media_empty", {"content_type": "image/gif"}),
    ],
)
def test_check_media_refuses(
    content_type: str, size: int, key: str, placeholders: dict[str, str]
) -> None:
    """Over the limit, an unsupported or unknown type, an empty file."""
    with pytest.raises(MediaRejectedError) as caught:
        check_media(content_type, size)
    assert caught.value.translation_key == key
    assert caught.value.placeholders == placeholders


@pytest.mark.parametrize(
    ("url", "bucket", "key"),
    [
        (f"s3://{BUCKET}/a.png", BUCKET, "a.png"),
        ("s3://my.bucket-1/dir/sub dir/ü.jpg", "my.bucket-1", "dir/sub dir/ü.jpg"),
    ],
)
def test_parse_s3_url(url: str, bucket: str, key: str) -> None:
    """Bucket and key, as SendMediaMessage's pattern splits them."""
    assert parse_s3_url(url) == (bucket, key)


@pytest.mark.parametrize(
    "url",
    [
        f"https://{BUCKET}.s3.amazonaws.com/a.png",
        f"s3://{BUCKET}/",
        f"s3://{BUCKET}",
        "s3://ab/a.png",  # a bucket name is 3 characters or more
        "s3://My-Bucket/a.png",  # and in lower case
        f"S3://{BUCKET}/a.png",
        f"s3://{BUCKET}/" + "k" * 2048,  # 2048 characters at most in all
        f"s3://{BUCKET}/a\nb.png",
    ],
)
def test_parse_s3_url_refuses(url: str) -> None:
    """Anything SendMediaMessage would refuse."""
    with pytest.raises(MediaRejectedError) as caught:
        parse_s3_url(url)
    assert caught.value.translation_key == "invalid_media_url"
    assert caught.value.placeholders == {"url": url}


def test_media_key_layout() -> None:
    """Prefix, the UTC date (not the local one), a random name, the extension."""
    late_evening = datetime(2026, 3, 31, 22, 30, tzinfo=timezone(timedelta(hours=-5)))
    first = media_key(PREFIX, "image/jpeg", late_evening)
    second = media_key(PREFIX, "image/jpeg", late_evening)
    assert re.fullmatch(rf"{PREFIX}2026-04-01/[0-9a-f]{{32}}\.jpg", first)
    assert first != second
    assert media_key("", "application/pdf; x=y", late_evening).endswith(".pdf")


def test_media_file_repr_hides_the_bytes() -> None:
    """Logs and tracebacks show the size, never a snapshot's bytes."""
    media = MediaFile(b"\x89PNG secret pixels", "image/png", CAMERA)
    assert "secret" not in repr(media)
    assert "size=18" in repr(media)


# -- uploads -------------------------------------------------------------------


async def test_camera_snapshot_is_uploaded(
    hass: HomeAssistant, store: MediaStore, s3
) -> None:
    """The snapshot lands under the prefix, typed as the camera says."""
    await add_camera(hass, SnapshotCamera(PNG))
    url = await async_media_url(hass, store, CAMERA)

    objects = await stored_objects(s3)
    assert list(objects) == [url.removeprefix(f"s3://{BUCKET}/")]
    key, stored = next(iter(objects.items()))
    assert KEY_LAYOUT.fullmatch(key)
    assert key.endswith(".png")
    assert key.startswith(f"{PREFIX}{datetime.now(UTC):%Y-%m-%d}/")
    assert stored["ContentType"] == "image/png"
    assert stored["Data"] == PNG


async def test_file_from_an_allowed_directory_is_uploaded(
    hass: HomeAssistant, store: MediaStore, s3, media_dir
) -> None:
    """A JPEG file: its bytes, typed from its name."""
    photo = media_dir / "porch.JPEG"
    photo.write_bytes(b"\xff\xd8\xff\xe0 a jpeg" + bytes(range(256)))
    url = await async_media_url(hass, store, f"  {photo}  ")

    assert url.startswith(f"s3://{BUCKET}/{PREFIX}")
    assert url.endswith(".jpg")
    objects = await stored_objects(s3)
    stored = objects[url.removeprefix(f"s3://{BUCKET}/")]
    assert stored["ContentType"] == "image/jpeg"
    assert stored["Data"] == photo.read_bytes()


async def test_a_file_at_the_limit_is_uploaded(
    hass: HomeAssistant, store: MediaStore, s3, media_dir
) -> None:
    """Exactly 600 KB of PDF is accepted (the limit is inclusive)."""
    document = media_dir / "invoice.pdf"
    document.write_bytes(b"%PDF" + b"0" * (OTHER_LIMIT_BYTES - 4))
    url = await async_media_url(hass, store, str(document))
    stored = (await stored_objects(s3))[url.removeprefix(f"s3://{BUCKET}/")]
    assert stored["ContentLength"] == OTHER_LIMIT_BYTES
    assert stored["ContentType"] == "application/pdf"


async def test_read_media_returns_the_snapshot(hass: HomeAssistant) -> None:
    """async_read_media alone: no S3, no bucket needed."""
    await add_camera(hass, SnapshotCamera(PNG, "image/png; charset=binary"))
    media = await async_read_media(hass, CAMERA)
    assert media == MediaFile(PNG, "image/png", CAMERA)


async def test_the_s3_client_uses_the_shared_session(
    hass: HomeAssistant, connection: AwsConnection, s3, bucket: str, media_dir
) -> None:
    """Path-style addressing does not cost the shared HTTP session.

    aiobotocore's AioConfig.merge drops http_session_cls; media.py puts it
    back. Without it the S3 client would open an aiohttp session of its own
    and no request would go through Home Assistant's.
    """
    shared = async_get_clientsession(hass)
    methods: list[str] = []

    class RecordingSession:
        """Home Assistant's session, noting each request made on it."""

        async def request(self, method: str, **kwargs) -> aiohttp.ClientResponse:
            methods.append(method)
            return await shared.request(method, **kwargs)

    recorded = replace(connection, http_session=RecordingSession())
    (media_dir / "a.gif").write_bytes(b"GIF89a")
    url = await async_media_url(
        hass, MediaStore(recorded, BUCKET, PREFIX), str(media_dir / "a.gif")
    )
    await async_media_url(hass, MediaStore(recorded, None), url)
    assert methods == ["PUT", "HEAD"]


async def test_one_s3_client_serves_the_store_until_closed(
    hass: HomeAssistant, connection: AwsConnection, s3, bucket: str, media_dir
) -> None:
    """Uploads and checks share one client; close() ends it, the next use opens one.

    The session is wrapped only to count the clients made: every request
    still goes to the emulator.
    """
    session = connection.session
    made: list[str] = []

    def create_client(service: str, **kwargs):
        made.append(service)
        return type(session).create_client(session, service, **kwargs)

    (media_dir / "a.gif").write_bytes(b"GIF89a")
    with patch.object(session, "create_client", create_client):
        store = MediaStore(connection, BUCKET, PREFIX)
        url = await async_media_url(hass, store, str(media_dir / "a.gif"))
        await async_media_url(hass, store, url)
        await async_media_url(hass, store, str(media_dir / "a.gif"))
        assert made == ["s3"]
        await store.close()
        await store.close()  # closing twice is harmless
        await async_media_url(hass, store, url)
        assert made == ["s3", "s3"]
        await store.close()
    assert len(await stored_objects(s3)) == 2


async def test_unloading_the_entry_closes_its_s3_client(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, bucket: str, media_dir
) -> None:
    """The store's client goes with the entry, as the SMS clients do."""
    (media_dir / "a.gif").write_bytes(b"GIF89a")
    store = loaded_entry.runtime_data.media
    store.bucket = bucket
    await async_media_url(hass, store, str(media_dir / "a.gif"))
    with patch.object(store, "close", wraps=store.close) as close:
        assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    close.assert_awaited_once()


# -- objects given by URL --------------------------------------------------------


async def test_an_existing_object_is_checked_and_sent_as_is(
    hass: HomeAssistant, store: MediaStore, s3, emulator: Emulator
) -> None:
    """A URL of an object AWS can send: returned unchanged, nothing uploaded."""
    await s3.put_object(
        Bucket=BUCKET, Key="shared/logo.png", Body=PNG, ContentType="image/png"
    )
    assert await async_media_url(hass, store, f"s3://{BUCKET}/shared/logo.png") == (
        f"s3://{BUCKET}/shared/logo.png"
    )
    assert list(await stored_objects(s3)) == ["shared/logo.png"]


async def test_an_object_url_needs_no_bucket_set(
    hass: HomeAssistant, connection: AwsConnection, s3, bucket: str
) -> None:
    """Without a bucket in the options, a URL still works: it is only checked."""
    await s3.put_object(Bucket=BUCKET, Key="card.vcf", Body=b"BEGIN:VCARD")
    store = MediaStore(connection, None)
    # Uploaded without a Content-Type (S3 says binary/octet-stream): the
    # type is read from the name, as the emulator does.
    url = f"s3://{BUCKET}/card.vcf"
    assert await async_media_url(hass, store, url) == url


@pytest.mark.parametrize(
    ("key", "body", "content_type", "translation_key"),
    [
        ("big.png", b"0" * (IMAGE_LIMIT_BYTES + 1), "image/png", "media_too_large"),
        ("notes.txt", b"hello", "text/plain", "media_type_unsupported"),
        ("blob", b"hello", None, "media_type_unsupported"),
    ],
)
async def test_an_object_aws_would_not_send_is_refused(  # noqa: PLR0917 - fixtures
    hass: HomeAssistant,
    store: MediaStore,
    s3,
    key: str,
    body: bytes,
    content_type: str | None,
    translation_key: str,
) -> None:
    """Size and type come from HeadObject; an untyped, unnamed object is refused."""
    extra = {"ContentType": content_type} if content_type else {}
    await s3.put_object(Bucket=BUCKET, Key=key, Body=body, **extra)
    with pytest.raises(ServiceValidationError) as caught:
        await async_media_url(hass, store, f"s3://{BUCKET}/{key}")
    assert caught.value.translation_key == translation_key
    assert caught.value.translation_placeholders["source"] == f"s3://{BUCKET}/{key}"


async def test_a_missing_object_is_refused(
    hass: HomeAssistant, store: MediaStore, s3, emulator: Emulator
) -> None:
    """404: media_not_found; only the HeadObject reached S3."""
    requests = emulator.gateway.requests
    url = f"s3://{BUCKET}/{PREFIX}gone.png"
    with pytest.raises(ServiceValidationError) as caught:
        await async_media_url(hass, store, url)
    assert caught.value.translation_key == "media_not_found"
    assert caught.value.translation_placeholders == {"source": url}
    assert emulator.gateway.requests == requests + 1
    assert await stored_objects(s3) == {}


async def test_an_object_the_key_may_not_read_is_refused(
    hass: HomeAssistant, emulator: Emulator, s3, bucket: str
) -> None:
    """403 on HeadObject: s3:GetObject denied (or, on AWS, no such object)."""
    await s3.put_object(Bucket=BUCKET, Key="a.png", Body=PNG, ContentType="image/png")
    connection = await async_connection(
        hass,
        entry_data(emulator, access_key_id=NO_GET_KEY, secret_access_key=SECRET),
    )
    url = f"s3://{BUCKET}/a.png"
    with pytest.raises(AwsMediaAccessDeniedError) as caught:
        await async_media_url(hass, MediaStore(connection, BUCKET, PREFIX), url)
    assert isinstance(caught.value, AwsAccessDeniedError)
    assert caught.value.action == "s3:GetObject"
    assert caught.value.translation_key == "media_access_denied"
    assert caught.value.placeholders["url"] == url
    assert caught.value.placeholders["action"] == "s3:GetObject"


# -- refusals before any AWS call -------------------------------------------------


async def _refused(
    hass: HomeAssistant, store: MediaStore, source: str, emulator: Emulator, s3
) -> ServiceValidationError:
    """Return the refusal of ``source``, checking nothing reached S3."""
    requests = emulator.gateway.requests
    with pytest.raises(ServiceValidationError) as caught:
        await async_media_url(hass, store, source)
    assert emulator.gateway.requests == requests
    assert await stored_objects(s3) == {}
    return caught.value


@pytest.mark.parametrize(
    ("name", "size", "translation_key", "placeholders"),
    [
        (
            "huge.png",
            IMAGE_LIMIT_BYTES + 1,
            "media_too_large",
            {"size_kb": "2001", "limit_kb": "2000", "content_type": "image/png"},
        ),
        (
            "manual.pdf",
            OTHER_LIMIT_BYTES + 1,
            "media_too_large",
            {"size_kb": "601", "limit_kb": "600", "content_type": "application/pdf"},
        ),
        ("notes.txt", 10, "media_type_unsupported", {"content_type": "text/plain"}),
        ("no_suffix", 10, "media_type_unsupported", {"content_type": "unknown"}),
        ("photo.heic", 10, "media_type_unsupported", {"content_type": "image/heic"}),
        ("empty.jpg", 0, "media_empty", {"content_type": "image/jpeg"}),
    ],
)
async def test_files_aws_would_not_send_are_refused(  # noqa: PLR0917 - fixtures
    hass: HomeAssistant,
    store: MediaStore,
    emulator: Emulator,
    s3,
    media_dir,
    name: str,
    size: int,
    translation_key: str,
    placeholders: dict[str, str],
) -> None:
    """Too large, an unsupported or unknown type, empty: refused, not uploaded."""
    path = media_dir / name
    path.write_bytes(b"x" * size)
    error = await _refused(hass, store, str(path), emulator, s3)
    assert error.translation_key == translation_key
    assert error.translation_placeholders == {"source": str(path), **placeholders}


async def test_a_huge_file_is_refused_unread(  # noqa: PLR0917 - fixtures
    hass: HomeAssistant,
    store: MediaStore,
    emulator: Emulator,
    s3,
    media_dir,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A 3 GB video is refused from its size: not one byte of it is read."""
    video = media_dir / "recording.mp4"
    with video.open("wb") as file:
        file.truncate(3 * 1024**3)  # sparse: takes no room on disk
    reads: list[int] = []
    opened = Path.open

    class CountingReads:
        """The opened file, counting what is read of it."""

        def __init__(self, file) -> None:
            self._file = file

        def __enter__(self):
            return self

        def __exit__(self, *exc) -> None:
            self._file.close()

        def fileno(self) -> int:
            return self._file.fileno()

        def read(self, size: int = -1) -> bytes:
            data = self._file.read(size)
            reads.append(len(data))
            return data

    monkeypatch.setattr(
        Path, "open", lambda path, *a, **kw: CountingReads(opened(path, *a, **kw))
    )
    error = await _refused(hass, store, str(video), emulator, s3)
    assert error.translation_key == "media_too_large"
    assert error.translation_placeholders["size_kb"] == "3221226"
    assert reads == []


@pytest.mark.parametrize(
    ("source", "translation_key"),
    [
        ("outside/photo.png", "media_path_not_allowed"),
        ("relative/photo.png", "media_path_not_allowed"),
        ("allowed/../outside/photo.png", "media_path_not_allowed"),
        ("allowed/missing.png", "media_not_found"),
        ("allowed/folder.png", "media_not_found"),
        ("outside/missing.png", "media_path_not_allowed"),
        ("allowed/nul\x00.png", "media_not_found"),
        ("allowed/\ud800.png", "media_not_found"),
        ("/nowhere\x00/photo.png", "media_path_not_allowed"),
        ("s3://Bad_Bucket/a.png", "invalid_media_url"),
        (f"s3://{BUCKET}/", "invalid_media_url"),
        ("camera.front_door", "camera_not_found"),
    ],
)
async def test_sources_that_name_no_file_are_refused(  # noqa: PLR0917 - fixtures
    hass: HomeAssistant,
    store: MediaStore,
    emulator: Emulator,
    s3,
    media_dir,
    tmp_path,
    source: str,
    translation_key: str,
) -> None:
    """Outside the allowlist, relative, missing, a bad URL, no such camera."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "photo.png").write_bytes(PNG)
    (media_dir / "folder.png").mkdir()
    if source.startswith(("outside/", "allowed/")):
        source = str(tmp_path / source)
    error = await _refused(hass, store, source, emulator, s3)
    assert error.translation_key == translation_key
    assert error.translation_placeholders["source"] == source
    if translation_key == "camera_not_found":
        translations = await async_get_translations(hass, "en", "exceptions", {DOMAIN})
        message = translations[
            f"component.{DOMAIN}.exceptions.{translation_key}.message"
        ]
        assert message.format(source=source) == (
            "There is no camera entity camera.front_door."
        )


async def test_no_bucket_set_refuses_before_the_snapshot(
    hass: HomeAssistant, connection: AwsConnection, emulator: Emulator, s3, bucket
) -> None:
    """Nowhere to upload: refused before the camera is even asked."""
    camera = SnapshotCamera(PNG)
    await add_camera(hass, camera)
    asked = []
    camera.async_camera_image = lambda **_: asked.append(1)
    error = await _refused(hass, MediaStore(connection, None), CAMERA, emulator, s3)
    assert error.translation_key == "media_bucket_not_set"
    assert error.translation_placeholders == {"source": CAMERA}
    assert asked == []
    # upload() itself refuses too.
    with pytest.raises(ServiceValidationError) as caught:
        await MediaStore(connection, "").upload(MediaFile(PNG, "image/png", CAMERA))
    assert caught.value.translation_key == "media_bucket_not_set"


@pytest.mark.parametrize(
    ("image", "on", "error"), [(None, True, "Unable"), (PNG, False, "off")]
)
async def test_a_camera_without_a_snapshot(  # noqa: PLR0917 - fixtures
    hass: HomeAssistant,
    store: MediaStore,
    emulator: Emulator,
    s3,
    image: bytes | None,
    on: bool,
    error: str,
) -> None:
    """No image, or the camera is off: camera_unavailable, nothing uploaded."""
    await add_camera(hass, SnapshotCamera(image, on=on))
    requests = emulator.gateway.requests
    with pytest.raises(HomeAssistantError) as caught:
        await async_media_url(hass, store, CAMERA)
    assert not isinstance(caught.value, ServiceValidationError)
    assert caught.value.translation_key == "camera_unavailable"
    assert caught.value.translation_placeholders["source"] == CAMERA
    assert error in caught.value.translation_placeholders["error"]
    assert emulator.gateway.requests == requests


async def test_a_camera_snapshot_too_large(
    hass: HomeAssistant, store: MediaStore, emulator: Emulator, s3
) -> None:
    """A camera's snapshot is held to the same limits as a file."""
    await add_camera(hass, SnapshotCamera(b"0" * (IMAGE_LIMIT_BYTES + 1), "image/jpeg"))
    error = await _refused(hass, store, CAMERA, emulator, s3)
    assert error.translation_key == "media_too_large"


# -- S3 refusing the upload ------------------------------------------------------


async def test_a_bucket_that_does_not_exist(
    hass: HomeAssistant, connection: AwsConnection, media_dir
) -> None:
    """NoSuchBucket: its own error, naming the bucket."""
    (media_dir / "a.png").write_bytes(PNG)
    store = MediaStore(connection, "no-such-bucket-here", PREFIX)
    with pytest.raises(AwsMediaBucketNotFoundError) as caught:
        await async_media_url(hass, store, str(media_dir / "a.png"))
    assert caught.value.bucket == "no-such-bucket-here"
    assert caught.value.translation_key == "media_bucket_not_found"
    assert caught.value.placeholders["bucket"] == "no-such-bucket-here"


async def test_a_key_that_may_not_put_objects(
    hass: HomeAssistant, emulator: Emulator, s3, bucket: str, media_dir
) -> None:
    """IAM denies s3:PutObject: AwsAccessDeniedError names it; nothing stored."""
    (media_dir / "a.png").write_bytes(PNG)
    connection = await async_connection(
        hass,
        entry_data(emulator, access_key_id=NO_PUT_KEY, secret_access_key=SECRET),
    )
    store = MediaStore(connection, BUCKET, PREFIX)
    with pytest.raises(AwsAccessDeniedError) as caught:
        await async_media_url(hass, store, str(media_dir / "a.png"))
    assert caught.value.action == "s3:PutObject"
    assert caught.value.translation_key == "access_denied"
    assert await stored_objects(s3) == {}


async def test_s3_out_of_reach(
    hass: HomeAssistant, connection: AwsConnection, media_dir, unused_tcp_port: int
) -> None:
    """Nothing listening at the endpoint: AwsConnectionError."""
    (media_dir / "a.png").write_bytes(PNG)
    unreachable = replace(
        connection, endpoint_url=f"http://127.0.0.1:{unused_tcp_port}"
    )
    with pytest.raises(AwsConnectionError):
        await MediaStore(unreachable, BUCKET).upload(
            await async_read_media(hass, str(media_dir / "a.png"))
        )


# -- the event loop ------------------------------------------------------------


@pytest.fixture
def detect_blocking_calls(monkeypatch: pytest.MonkeyPatch) -> Generator[None]:
    """Enable every check of Home Assistant's blocking-call detector."""
    monkeypatch.setattr(block_async_io, "_IN_TESTS", False)
    block_async_io.enable()
    yield
    calls = block_async_io._BLOCKED_CALLS.calls
    for call in calls:
        setattr(call.object, call.function, call.original_func)
    calls.clear()


async def test_reading_and_uploading_do_not_block(  # noqa: PLR0917 - fixtures
    hass: HomeAssistant,
    store: MediaStore,
    s3,
    media_dir,
    detect_blocking_calls: None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The file is read, its path resolved and S3's model loaded off the loop."""
    await add_camera(hass, SnapshotCamera(PNG))
    await hass.async_add_executor_job((media_dir / "a.png").write_bytes, PNG)
    await async_media_url(hass, store, str(media_dir / "a.png"))
    await async_media_url(hass, store, CAMERA)
    await s3.put_object(Bucket=BUCKET, Key="untyped.png", Body=PNG)
    await async_media_url(hass, store, f"s3://{BUCKET}/untyped.png")
    assert len(await stored_objects(s3)) == 3
    assert "Detected blocking call" not in caplog.text


@pytest.mark.parametrize(
    "message",
    [
        "Access Denied",
        (
            "User: arn:aws:iam::123456789012:user/ha is not allowed with an "
            "explicit deny in an identity-based policy"
        ),
    ],
)
async def test_s3_plain_access_denied_names_the_action(
    hass: HomeAssistant,
    store: MediaStore,
    emulator: Emulator,
    media_dir,
    message: str,
) -> None:
    """S3's own wording names no action: s3:PutObject is named; a Deny stays one."""
    (media_dir / "a.png").write_bytes(PNG)
    emulator.add_fault(
        "error", operation="PutObject", code="AccessDenied", status=403, message=message
    )
    with pytest.raises(AwsAccessDeniedError) as caught:
        await async_media_url(hass, store, str(media_dir / "a.png"))
    assert caught.value.action == "s3:PutObject"
    explicit = "explicit deny" in message
    assert isinstance(caught.value, AwsExplicitDenyError) is explicit


async def test_other_head_object_errors_are_s3s(
    hass: HomeAssistant, store: MediaStore, emulator: Emulator
) -> None:
    """A HeadObject refusal that is neither 403 nor 404: AWS's, untouched.

    Not a 400: botocore answers a HEAD's 400 by looking for the bucket's
    region and asking again.
    """
    emulator.add_fault(
        "error", operation="GetObject", code="PreconditionFailed", status=412
    )
    with pytest.raises(AwsRequestError) as caught:
        await async_media_url(hass, store, f"s3://{BUCKET}/a.png")
    assert caught.value.code == "412"


async def test_a_file_that_cannot_be_read(  # noqa: PLR0917 - fixtures
    hass: HomeAssistant,
    store: MediaStore,
    emulator: Emulator,
    s3,
    media_dir,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Permission denied (or any I/O error): media_not_readable, with the reason."""
    (media_dir / "a.png").write_bytes(PNG)

    def refuse(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refuse)
    requests = emulator.gateway.requests
    with pytest.raises(HomeAssistantError) as caught:
        await async_media_url(hass, store, str(media_dir / "a.png"))
    assert caught.value.translation_key == "media_not_readable"
    assert caught.value.translation_placeholders == {
        "source": str(media_dir / "a.png"),
        "error": "Permission denied",
    }
    assert emulator.gateway.requests == requests


@pytest.mark.parametrize(
    ("endpoint_url", "s3_endpoint", "addressing"),
    [
        (None, "https://s3.amazonaws.com", None),
        (
            "https://vpce-0a1b2c3d-4e5f6a7b.sms-voice.us-east-1.vpce.amazonaws.com",
            "https://s3.amazonaws.com",
            None,
        ),
        ("http://sms-proxy.lan:4566", "http://sms-proxy.lan:4566", "path"),
    ],
)
async def test_where_s3_is_called(
    connection: AwsConnection,
    endpoint_url: str | None,
    s3_endpoint: str,
    addressing: str | None,
) -> None:
    """AWS's own S3 endpoint next to an AWS-hosted SMS endpoint; else the same URL.

    Any other host is reached path-style: it cannot resolve bucket host names.
    """
    store = MediaStore(replace(connection, endpoint_url=endpoint_url), BUCKET)
    async with store._s3_client() as client:
        assert client.meta.endpoint_url == s3_endpoint
        assert client.meta.region_name == "us-east-1"
        assert (client.meta.config.s3 or {}).get("addressing_style") == addressing
        assert client.meta.config.retries["total_max_attempts"] == 3
        assert client.meta.config.read_timeout == 60


# -- the action: aws_eum_x.send_message with media -----------------------------


async def test_a_camera_picture_message_end_to_end(
    hass: HomeAssistant, emulator: Emulator, bucket: str, s3
) -> None:
    """Snapshot → S3 upload → SendMediaMessage from the MMS number → delivered."""
    await add_camera(hass, SnapshotCamera(PNG))
    queue_url = (await hass.async_add_executor_job(emulator.provision_receiving))[
        "QueueUrl"
    ]
    options = {
        "media_bucket": bucket,
        "queue_url": queue_url,
        "configuration_set": "home-alerts",
    }
    await set_up(hass, demo_entry(emulator, options=options))
    response = await send(
        hass,
        target="+15555550123",
        message="Someone at the door",
        media=CAMERA,
        wait_for_delivery=10,
    )
    [item] = response["messages"]
    assert item["status"] == "delivered"
    assert item["segments"] == 1
    [sent] = [m for m in emulator.outbox if m.kind == "media"]
    assert sent.destination == "+15555550123"
    assert sent.parameters["OriginationIdentity"] == "+18885550100"
    assert sent.parameters["MessageBody"] == "Someone at the door"
    [url] = sent.parameters["MediaUrls"]
    objects = await stored_objects(s3)
    assert list(objects) == [url.removeprefix(f"s3://{bucket}/")]
    assert [m for m in emulator.outbox if m.kind == "text"] == []


async def test_a_picture_from_an_sms_only_number_is_refused(
    hass: HomeAssistant, emulator: Emulator, bucket: str, s3
) -> None:
    """The UK long code has no MMS: refused before uploading or sending."""
    await add_camera(hass, SnapshotCamera(PNG))
    await set_up(hass, demo_entry(emulator, options={"media_bucket": bucket}))
    with pytest.raises(ServiceValidationError) as caught:
        await send(
            hass,
            target="+447700900456",
            message="Door",
            media=CAMERA,
            origination_identity="+447700900123",
        )
    assert caught.value.translation_key == "identity_not_capable"
    assert emulator.outbox == []
    # Refused before the snapshot was uploaded.
    assert await stored_objects(s3) == {}


async def test_a_picture_over_the_daily_cap_is_not_uploaded(
    hass: HomeAssistant, emulator: Emulator, bucket: str, s3
) -> None:
    """The cap refuses the send before the snapshot is taken and uploaded."""
    await add_camera(hass, SnapshotCamera(PNG))
    options = {"media_bucket": bucket, "daily_segment_cap": 1}
    await set_up(hass, demo_entry(emulator, options=options))
    with pytest.raises(ServiceValidationError) as caught:
        await send(
            hass, target=["+15555550123", "+15555550124"], message="", media=CAMERA
        )
    assert caught.value.translation_key == "daily_cap_reached"
    assert await stored_objects(s3) == {}
    assert emulator.outbox == []


async def test_a_failed_upload_releases_the_cap(
    hass: HomeAssistant, emulator: Emulator, s3
) -> None:
    """No such bucket: a translated error, nothing sent, nothing counted."""
    await add_camera(hass, SnapshotCamera(PNG))
    options = {"media_bucket": "no-such-bucket-here", "daily_segment_cap": 5}
    entry = await set_up(hass, demo_entry(emulator, options=options))
    with pytest.raises(HomeAssistantError) as caught:
        await send(hass, target="+15555550123", message="Door", media=CAMERA)
    assert caught.value.translation_key == "media_bucket_not_found"
    assert emulator.outbox == []
    usage = entry.runtime_data.usage
    assert (usage.segments, usage.reserved()) == (0, 0)
