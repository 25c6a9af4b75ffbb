"""SNS, SQS and S3 from moto, behind the emulator's own front door.

A signed request whose credential scope names ``sns``, ``sqs`` or ``s3`` is
checked here exactly as the emulator checks its own services (the key, its
session token and expiry, the signature, the region, and the key's allowed
actions, as ``sqs:ReceiveMessage``, ``sns:Publish``, ``s3:GetObject`` ...),
then handed to moto's WSGI application in a worker thread. Errors from the
front door are written in the service's own protocol (SQS JSON, the Query
protocol's XML for SNS, S3's XML), so botocore reads them as AWS's.

One worker thread runs every moto call, so moto's in-memory backends are
never used by two threads at once. SQS long polling does not hold it: a
ReceiveMessage with a wait is asked of moto without one, again whenever a
message may have arrived (after any other moto call or publish) and at
least once a second (for messages that become visible by themselves), until
a message is there or the wait is over.

moto keeps its state in process-wide backends, reset when an emulator
starts and stops. Two emulators running in one process share that state
(and the second one's start clears the first one's queues). Every request is
served in the emulator's account (``state.account_id``), whichever account
the caller's credentials act in.
"""

import asyncio
from concurrent.futures import ThreadPoolExecutor
import contextlib
from dataclasses import dataclass, field, replace
import hashlib
import io
import json
import logging
import sys
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import parse_qsl, unquote, unquote_to_bytes, urlencode
import uuid
from xml.sax.saxutils import escape

from aiohttp import web
from moto.core.base_backend import BackendDict
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    create_backend_app,
)
from moto.s3.models import FakeKey, s3_backends
from moto.sns.models import sns_backends
from moto.sqs.models import sqs_backends
from moto.utilities.utils import get_partition
from multidict import CIMultiDict

from .errors import AwsError
from .faults import apply_fault
from .media import StoredObject
from .sigv4 import authenticate, authorize, signing_regions
from .validation import is_decimal

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from multidict import CIMultiDictProxy

    from .faults import FaultQueue
    from .service import SmsVoiceService
    from .sigv4 import Caller

_LOGGER = logging.getLogger(__name__)

MOTO_SERVICES: Final = frozenset({"sns", "sqs", "s3"})
# The longest ReceiveMessage wait SQS allows ("The maximum long polling wait
# time is 20 seconds"):
# https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/best-practices-setting-up-long-polling.html
MAX_WAIT_SECONDS: Final = 20
# How often a waiting ReceiveMessage looks again when nothing was sent:
# messages also become visible when their delay or visibility timeout ends.
RECHECK_SECONDS: Final = 1.0

# The query-protocol namespaces of error documents.
_XML_NAMESPACES: Final = {
    "sns": "http://sns.amazonaws.com/doc/2010-03-31/",
    "sqs": "http://queue.amazonaws.com/doc/2012-11-05/",
}
# The front door's errors (named as the JSON services name them) and their
# codes and statuses in the Query protocol and in S3.
_PROTOCOL_CODES: Final = {
    "UnrecognizedClientException": ("InvalidClientTokenId", "InvalidAccessKeyId", 403),
    "InvalidSignatureException": (
        "SignatureDoesNotMatch",
        "SignatureDoesNotMatch",
        403,
    ),
    "ExpiredTokenException": ("ExpiredToken", "ExpiredToken", 400),
    "MissingAuthenticationTokenException": (
        "MissingAuthenticationToken",
        "AccessDenied",
        403,
    ),
    "IncompleteSignatureException": (
        "IncompleteSignature",
        "AuthorizationHeaderMalformed",
        400,
    ),
    "AccessDeniedException": ("AccessDenied", "AccessDenied", 403),
}
# S3 words some of them its own way.
_S3_MESSAGES: Final = {
    "InvalidAccessKeyId": (
        "The AWS Access Key Id you provided does not exist in our records."
    ),
    "ExpiredToken": "The provided token has expired.",
}
# IAM has no actions for the batch calls: they need the single call's.
_IAM_ACTIONS: Final = {
    "SendMessageBatch": "SendMessage",
    "DeleteMessageBatch": "DeleteMessage",
    "ChangeMessageVisibilityBatch": "ChangeMessageVisibility",
    "PublishBatch": "Publish",
}
# S3 actions per (method, sub-resource) of a bucket or an object; without a
# sub-resource, per method.
_S3_BUCKET_ACTIONS: Final = {
    ("GET", ""): "ListBucket",
    ("HEAD", ""): "ListBucket",
    ("PUT", ""): "CreateBucket",
    ("DELETE", ""): "DeleteBucket",
    ("POST", "delete"): "DeleteObject",
    ("GET", "location"): "GetBucketLocation",
    ("GET", "policy"): "GetBucketPolicy",
    ("PUT", "policy"): "PutBucketPolicy",
    ("DELETE", "policy"): "DeleteBucketPolicy",
    ("GET", "versioning"): "GetBucketVersioning",
    ("PUT", "versioning"): "PutBucketVersioning",
    ("GET", "versions"): "ListBucketVersions",
    ("GET", "uploads"): "ListBucketMultipartUploads",
    ("GET", "tagging"): "GetBucketTagging",
    ("PUT", "tagging"): "PutBucketTagging",
    ("DELETE", "tagging"): "PutBucketTagging",
    ("GET", "notification"): "GetBucketNotification",
    ("PUT", "notification"): "PutBucketNotification",
    ("GET", "acl"): "GetBucketAcl",
    ("PUT", "acl"): "PutBucketAcl",
    ("GET", "lifecycle"): "GetLifecycleConfiguration",
    ("PUT", "lifecycle"): "PutLifecycleConfiguration",
    ("GET", "encryption"): "GetEncryptionConfiguration",
    ("PUT", "encryption"): "PutEncryptionConfiguration",
}
_S3_OBJECT_ACTIONS: Final = {
    ("GET", ""): "GetObject",
    ("HEAD", ""): "GetObject",
    ("PUT", ""): "PutObject",
    ("POST", ""): "PutObject",
    ("DELETE", ""): "DeleteObject",
    ("POST", "uploads"): "PutObject",
    ("PUT", "uploadId"): "PutObject",
    ("POST", "uploadId"): "PutObject",
    ("GET", "uploadId"): "ListMultipartUploadParts",
    ("DELETE", "uploadId"): "AbortMultipartUpload",
    ("GET", "tagging"): "GetObjectTagging",
    ("PUT", "tagging"): "PutObjectTagging",
    ("DELETE", "tagging"): "DeleteObjectTagging",
    ("GET", "acl"): "GetObjectAcl",
    ("PUT", "acl"): "PutObjectAcl",
}
_S3_SUBRESOURCES: Final = frozenset(
    sub for _, sub in (*_S3_BUCKET_ACTIONS, *_S3_OBJECT_ACTIONS) if sub
)
# Hop-by-hop and length headers aiohttp writes itself.
_DROPPED_HEADERS: Final = frozenset(
    {"content-length", "transfer-encoding", "connection", "date", "server"}
)
# x-amz-content-sha256 values that are not a hash of the body.
_UNHASHED_PAYLOADS: Final = ("UNSIGNED-PAYLOAD", "STREAMING-")

# moto's WSGI application, which picks the service from the credential scope
# like the emulator does. It holds no state of its own: moto's backends do.
_APP = DomainDispatcherApplication(create_backend_app)


class PublishError(Exception):
    """A message could not be published to an SNS topic."""


def _has_messages(response: web.Response, protocol: str) -> bool:
    """Return whether moto's ReceiveMessage answer holds a message."""
    body = response.body
    assert isinstance(body, bytes)  # noqa: S101 - _run always answers with bytes
    if protocol == "json":
        return bool(json.loads(body or b"{}").get("Messages"))
    return b"<Message>" in body


@dataclass
class _Call:
    """One request to a moto service, as it arrived and as moto receives it."""

    service: str
    method: str
    raw_path: str
    query: str
    host: str
    headers: CIMultiDictProxy[str]
    body: bytes
    protocol: str  # json, query or rest-xml
    action: str
    params: dict[str, Any] = field(default_factory=dict)
    # The credential scope's region, once the signature checked out.
    region: str = "us-east-1"

    @classmethod
    def from_request(cls, request: web.Request, body: bytes, service: str) -> _Call:
        raw_path, _, query = request.raw_path.partition("?")
        headers = request.headers
        target = headers.get("X-Amz-Target")
        params: dict[str, Any] = {}
        if service == "s3":
            protocol = "rest-xml"
            action = _s3_action(request.method, raw_path, query)
        elif target is not None:
            protocol = "json"
            action = target.rsplit(".", 1)[-1]
            with contextlib.suppress(ValueError):
                loaded = json.loads(body or b"{}")
                params = loaded if isinstance(loaded, dict) else {}
        else:
            protocol = "query"
            params = dict(parse_qsl(query, keep_blank_values=True))
            if headers.get("Content-Type", "").startswith(
                "application/x-www-form-urlencoded"
            ):
                params |= dict(
                    parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
                )
            action = str(params.get("Action", ""))
        return cls(
            service=service,
            method=request.method,
            raw_path=raw_path,
            query=query,
            host=request.host,
            headers=headers,
            body=body,
            protocol=protocol,
            action=action,
            params=params,
        )

    @property
    def url(self) -> str:
        """Return the URL as the client signed it (path and query as sent)."""
        query = f"?{self.query}" if self.query else ""
        return f"http://{self.host}{self.raw_path}{query}"

    def environ(self, account_id: str) -> dict[str, Any]:
        """Return the WSGI environment moto's application reads."""
        host, _, port = self.host.partition(":")
        environ: dict[str, Any] = {
            "REQUEST_METHOD": self.method,
            "SCRIPT_NAME": "",
            # PEP 3333: the decoded path, as bytes read as latin-1.
            "PATH_INFO": unquote_to_bytes(self.raw_path).decode("latin-1"),
            "QUERY_STRING": self.query,
            # moto reads S3 keys from the path as it arrived.
            "RAW_URI": self.raw_path + (f"?{self.query}" if self.query else ""),
            "SERVER_NAME": host,
            "SERVER_PORT": port or "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "CONTENT_LENGTH": str(len(self.body)),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(self.body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for name, value in self.headers.items():
            key = name.upper().replace("-", "_")
            if key == "CONTENT_TYPE":
                environ[key] = value
            # The body is whole (aiohttp undid any chunking), and the moto
            # account is the emulator's, never the caller's choice.
            elif key not in (
                "CONTENT_LENGTH",
                "TRANSFER_ENCODING",
                "X_MOTO_ACCOUNT_ID",
            ):
                wsgi_key = f"HTTP_{key}"
                previous = environ.get(wsgi_key)
                environ[wsgi_key] = value if previous is None else f"{previous},{value}"
        # One moto account: the emulator's (moto reads this header first).
        environ["HTTP_X_MOTO_ACCOUNT_ID"] = account_id
        # The Host header is how moto writes queue URLs: the emulator's.
        environ["HTTP_HOST"] = self.host
        return environ

    def without_wait(self) -> _Call:
        """Return the same ReceiveMessage with WaitTimeSeconds 0."""
        if self.protocol == "json":
            params = {**self.params, "WaitTimeSeconds": 0}
            body = json.dumps(params).encode()
        else:
            pairs = [
                (k, v)
                for k, v in parse_qsl(self.body.decode(), keep_blank_values=True)
                if k != "WaitTimeSeconds"
            ]
            params = {**self.params, "WaitTimeSeconds": "0"}
            body = urlencode([*pairs, ("WaitTimeSeconds", "0")]).encode()
        return replace(self, body=body, params=params)

    def resource(self, caller: Caller) -> str:
        """Return the ARN an IAM refusal names."""
        region, account = caller.region, caller.account_id
        if self.service == "s3":
            return f"arn:aws:s3:::{unquote(self.raw_path.lstrip('/')) or '*'}"
        if self.service == "sqs":
            queue = self.params.get("QueueUrl") or self.params.get("QueueName")
            name = str(queue).rsplit("/", 1)[-1] if queue else "*"
            return f"arn:aws:sqs:{region}:{account}:{name}"
        topic = self.params.get("TopicArn") or self.params.get("TargetArn")
        return str(topic) if topic else f"arn:aws:sns:{region}:{account}:*"

    def error(self, err: AwsError, request_id: str) -> web.Response:
        """Write an error in the service's protocol."""
        query_code, s3_code, status = _PROTOCOL_CODES.get(
            err.code, (err.code, err.code, err.status)
        )
        if self.service == "sns" and query_code == "AccessDenied":
            # SNS names an IAM refusal AuthorizationError.
            query_code = "AuthorizationError"
        headers = {"x-amzn-RequestId": request_id}
        kind = "Receiver" if status >= 500 else "Sender"  # noqa: PLR2004 - 5xx
        if self.protocol == "json":
            # SQS's JSON protocol is query-compatible: botocore reads the
            # Query protocol's code from this header.
            headers["x-amzn-query-error"] = f"{query_code};{kind}"
            return web.Response(
                status=status,
                body=json.dumps({"__type": err.code, "message": err.message}).encode(),
                content_type="application/x-amz-json-1.0",
                headers=headers,
            )
        if self.protocol == "rest-xml":
            message = _S3_MESSAGES.get(s3_code, err.message)
            document = (
                '<?xml version="1.0" encoding="UTF-8"?>'
                f"<Error><Code>{escape(s3_code)}</Code>"
                f"<Message>{escape(message)}</Message>"
                f"<RequestId>{request_id}</RequestId></Error>"
            )
            return web.Response(
                status=status,
                # A HEAD answer has no body; the status says it all.
                text="" if self.method == "HEAD" else document,
                content_type="application/xml",
                headers=headers,
            )
        document = (
            f'<ErrorResponse xmlns="{_XML_NAMESPACES[self.service]}">'
            f"<Error><Type>{kind}</Type><Code>{escape(query_code)}</Code>"
            f"<Message>{escape(err.message)}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>"
        )
        return web.Response(
            status=status, text=document, content_type="text/xml", headers=headers
        )


def _s3_action(method: str, raw_path: str, query: str) -> str:
    """Return the IAM action (without ``s3:``) of an S3 request."""
    bucket, _, key = raw_path.lstrip("/").partition("/")
    if not bucket:
        return "ListAllMyBuckets"
    names = [name for name, _ in parse_qsl(query, keep_blank_values=True)]
    sub = next((n for n in names if n in _S3_SUBRESOURCES), "")
    table = _S3_OBJECT_ACTIONS if key else _S3_BUCKET_ACTIONS
    return table.get((method, sub)) or table.get((method, ""), "ListBucket")


def _check_payload_hash(call: _Call) -> None:
    """Refuse a body that is not the one whose hash the client signed."""
    claimed = call.headers.get("X-Amz-Content-SHA256")
    if claimed is None or claimed.startswith(_UNHASHED_PAYLOADS):
        return
    if hashlib.sha256(call.body).hexdigest() != claimed:
        if call.service == "s3":
            raise AwsError(
                "XAmzContentSHA256Mismatch",
                "The provided 'x-amz-content-sha256' header does not match what "
                "was computed.",
            )
        raise AwsError(
            "InvalidSignatureException",
            "The request signature we calculated does not match the signature you "
            "provided.",
            status=403,
        )


class MotoGateway:
    """The front door to moto's SNS, SQS and S3 for one emulator."""

    def __init__(self, service: SmsVoiceService, faults: FaultQueue) -> None:
        """Serve the account of ``service``, with the emulator's fault queue."""
        self._service = service
        self._faults = faults
        self._executor: ThreadPoolExecutor | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._arrival = asyncio.Event()
        self._closing = False
        # Requests moto answered, for /_emulator/health: one per request
        # forwarded, however many times a long poll asked moto.
        self.requests = 0

    @property
    def account_id(self) -> str:
        """Return the one moto account the emulator's requests act in."""
        return self._service.state.account_id

    # -- life cycle ------------------------------------------------------------

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Start serving from ``loop``, with moto's state cleared."""
        BackendDict.reset()
        self._loop = loop
        self._closing = False
        self._arrival = asyncio.Event()
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="eum-moto")
        # Build moto's per-service applications now, in the worker, rather
        # than on the first request (a test shares the GIL with it).
        for name in sorted(MOTO_SERVICES):
            self._executor.submit(_APP.get_application, {"HTTP_HOST": name})

    def begin_shutdown(self) -> None:
        """End the long polls now: the emulator is stopping."""
        self._closing = True
        self._notify()

    async def close(self) -> None:
        """Wait for the worker to finish, without blocking the loop.

        Then clear moto's state.
        """
        executor, self._executor = self._executor, None
        if executor is not None:
            # One worker runs the calls in turn: once this no-op has run, so
            # has every call before it, and the shutdown only joins an idle
            # thread. (The loop's default executor would leave a thread of
            # its own behind when the loop closes.)
            await asyncio.get_running_loop().run_in_executor(executor, _idle)
            executor.shutdown(wait=True)
        self._loop = None
        BackendDict.reset()

    # -- requests --------------------------------------------------------------

    async def handle(
        self, request: web.Request, body: bytes, service: str
    ) -> web.Response:
        """Check a request at the front door, then let moto answer it."""
        request_id = str(uuid.uuid4())
        call = _Call.from_request(request, body, service)
        try:
            caller = authenticate(
                self._service.state,
                method=call.method,
                url=call.url,
                headers=call.headers,
                body=body,
                service=service,
                valid_regions=signing_regions(service),
            )
            call.region = caller.region
            _check_payload_hash(call)
            self._authorize(call, caller)
            # Only faults that name the operation: a catch-all fault is for
            # the SMS calls, not for a queue listener polling alongside them.
            fault = self._faults.take(call.action, wildcard=False)

            async def process() -> web.Response:
                return await self._forward(call)

            return await apply_fault(fault, request, process)
        except AwsError as err:
            _LOGGER.debug("%s %s -> %s", service, call.action, err)
            return call.error(err, request_id)

    def _authorize(self, call: _Call, caller: Caller) -> None:
        name = _IAM_ACTIONS.get(call.action, call.action)
        authorize(caller, f"{call.service}:{name}", call.resource(caller), status=403)

    async def _forward(self, call: _Call) -> web.Response:
        if call.service == "sqs" and call.action == "ReceiveMessage":
            response = await self._receive(call)
        else:
            response = await self._run(call)
            # Anything but a receive may have put a message on a queue.
            self._notify()
        self.requests += 1
        return response

    async def _receive(self, call: _Call) -> web.Response:
        """Answer ReceiveMessage, waiting as long polling does."""
        wait = await self._wait_seconds(call)
        if wait is None:
            # Not a wait SQS accepts: moto says so, without waiting.
            return await self._run(call)
        immediate = call.without_wait()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while True:
            # Taken before asking, so that a message sent meanwhile wakes us.
            arrival = self._arrival
            response = await self._run(immediate)
            remaining = deadline - loop.time()
            if (
                self._closing
                or remaining <= 0
                or response.status != 200  # noqa: PLR2004 - HTTP OK
                or _has_messages(response, call.protocol)
            ):
                return response
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(arrival.wait(), min(remaining, RECHECK_SECONDS))

    async def _wait_seconds(self, call: _Call) -> int | None:
        """Return how long a ReceiveMessage may wait; None if SQS refuses it."""
        value = call.params.get("WaitTimeSeconds")
        if value is None:
            # The queue's own wait: moto's backends are the worker's to read.
            return await self._in_worker(
                _queue_wait,
                self.account_id,
                call.region,
                str(call.params.get("QueueUrl", "")),
            )
        if isinstance(value, str) and is_decimal(value):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            return None
        return value if 0 <= value <= MAX_WAIT_SECONDS else None

    async def _run(self, call: _Call) -> web.Response:
        """Let moto answer in the worker thread."""
        environ = call.environ(self.account_id)
        try:
            status, headers, body = await self._in_worker(_call_moto, environ)
        except Exception as err:
            _LOGGER.exception("moto failed on %s %s", call.service, call.action)
            raise AwsError(
                "InternalFailure",
                f"The emulated service failed: {type(err).__name__}",
                status=500,
            ) from err
        kept = CIMultiDict(
            (name, value)
            for name, value in headers
            if name.lower() not in _DROPPED_HEADERS
        )
        if call.method == "HEAD":
            # A HEAD answer's length is the object's, not the empty body's.
            length = next(
                (v for n, v in headers if n.lower() == "content-length"), None
            )
            if length is not None:
                kept["Content-Length"] = length
        return web.Response(status=status, body=body, headers=kept)

    def _in_worker[T](self, function: Callable[..., T], *args: Any) -> Awaitable[T]:
        if self._executor is None or self._loop is None:
            raise AwsError(
                "ServiceUnavailableException", "The emulator is stopping.", status=503
            )
        return self._loop.run_in_executor(self._executor, function, *args)

    def _notify(self) -> None:
        """Wake every waiting ReceiveMessage (call in the emulator's loop)."""
        self._arrival.set()
        self._arrival = asyncio.Event()

    # -- the emulator's own publishing -----------------------------------------

    def topic_exists(self, topic_arn: str) -> bool:
        """Return whether moto has this SNS topic (in the ARN's region).

        Safe to call from any thread: it only reads, with ``get``, so it
        never creates a moto backend (indexing a BackendDict would, and
        that is the worker's to do).
        """
        try:
            account, region = _topic_location(topic_arn)
        except ValueError:
            return False
        regions = sns_backends.get(account)
        backend = None if regions is None else regions.get(region)
        return backend is not None and topic_arn in backend.topics

    async def stored_object(
        self, bucket: str, key: str, region: str
    ) -> StoredObject | None:
        """Return what moto's S3 holds at ``bucket``/``key``, in the account.

        Only the emulator's account's buckets count: AWS reads MMS media from
        the sender's account (media.MMS_MEDIA_URL). ``region`` picks the
        partition; None when there is no such bucket or object.
        """
        return await self._in_worker(
            _stored_object, self.account_id, get_partition(region), bucket, key
        )

    async def publish(self, topic_arn: str, message: str) -> str:
        """Publish ``message`` to an SNS topic as AWS's services do.

        Subscribed queues get it as SNS delivers it: raw, or in SNS's JSON
        envelope, as each subscription says.

        Raises:
            PublishError: The topic does not exist.
        """
        try:
            message_id = await self._in_worker(_publish, topic_arn, message)
        finally:
            self._notify()
        return message_id


def _idle() -> None:
    """Do nothing, in the worker: see MotoGateway.close."""


def _call_moto(environ: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
    """Run moto's WSGI application on one request (in the worker thread)."""
    answer: dict[str, Any] = {}

    def start_response(
        status: str, headers: list[tuple[str, str]], _exc_info: Any = None
    ) -> Callable[[bytes], object]:
        answer["status"] = int(status.split(" ", 1)[0])
        answer["headers"] = headers
        return lambda _data: None

    chunks = _APP(environ, start_response)
    try:
        body = b"".join(chunks)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    return answer["status"], answer["headers"], body


def _topic_location(topic_arn: str) -> tuple[str, str]:
    """Return an SNS topic ARN's account and region; ValueError if not an ARN."""
    _, _, _, region, account, _ = topic_arn.split(":", 5)
    return account, region


def _queue_wait(account_id: str, region: str, queue_url: str) -> int:
    """Return a queue's ReceiveMessageWaitTimeSeconds, 0 if there is no queue.

    In the worker thread: looking the backend up may create it.
    """
    name = queue_url.rsplit("/", 1)[-1]
    queue = sqs_backends[account_id][region].queues.get(name)
    return int(getattr(queue, "receive_message_wait_time_seconds", 0))


def _publish(topic_arn: str, message: str) -> str:
    """Publish to a topic in moto's backend (in the worker thread)."""
    try:
        account, region = _topic_location(topic_arn)
        backend = sns_backends[account][region]
        if topic_arn not in backend.topics:
            raise PublishError(f"SNS topic {topic_arn} does not exist")
        return str(backend.publish(message, arn=topic_arn))
    except (ValueError, KeyError) as err:
        raise PublishError(f"{topic_arn} is not an SNS topic ARN") from err


def _stored_object(
    account_id: str, partition: str, bucket_name: str, key_name: str
) -> StoredObject | None:
    """Look an object up in moto's S3 backend (in the worker thread)."""
    bucket = s3_backends[account_id][partition].buckets.get(bucket_name)
    if bucket is None or key_name not in bucket.keys:
        return None
    key = bucket.keys[key_name]
    if not isinstance(key, FakeKey):
        # A delete marker of a versioned bucket: the object is gone.
        return None
    return StoredObject(
        size=int(key.size),
        content_type=str(key.metadata.get("content-type") or ""),
        bucket_region=str(bucket.region_name),
    )
