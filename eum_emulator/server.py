"""The emulator's HTTP server and its in-process control API.

``POST /`` speaks the service's wire protocols: JSON 1.0 for
``pinpoint-sms-voice-v2`` (``X-Amz-Target: PinpointSMSVoiceV2.<Operation>``)
and the Query protocol for STS. A request signed for ``sns``, ``sqs`` or
``s3`` (any method and path) is checked at the same front door and answered
by moto (see :mod:`eum_emulator.gateway`). Paths under ``/_emulator/`` are
the test and demo controls; they are not part of AWS and need no signature,
except ``/_emulator/container-credentials/<role>``, which stands in for the
ECS container credentials endpoint and asks for its token as ECS does.
"""

import asyncio
from datetime import UTC, datetime
import hmac
from http import HTTPStatus
import json
import logging
import threading
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import parse_qs, quote
import uuid

from aiohttp import web

from . import sts
from .errors import AwsError, InboundError
from .faults import Fault, FaultQueue, apply_fault
from .gateway import MOTO_SERVICES, MotoGateway
from .media_bucket import MEDIA_BUCKET_NAME, MEDIA_PREFIX, provision_media_bucket
from .messaging import Messaging
from .network import NetworkSwitch, handle_network
from .operations import SIGNING_NAME
from .receiving import provision_receiving
from .service import SERVICE_NAME, SmsVoiceService
from .sessions import DEFAULT_DURATION_SECONDS, active_sessions, issue_session
from .sigv4 import Caller, authenticate, credential_service, signing_regions
from .state import AccessKey, AccountState, Role

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from .outbox import OutboxMessage

_LOGGER = logging.getLogger(__name__)

JSON_CONTENT_TYPE = "application/x-amz-json-1.0"
TARGET_PREFIX = "PinpointSMSVoiceV2."
CONTAINER_CREDENTIALS_PATH = "/_emulator/container-credentials"
STS_ACTIONS = ("GetCallerIdentity", "AssumeRole")

_SERVICE_KEY = web.AppKey("service", SmsVoiceService)
_FAULTS_KEY = web.AppKey("faults", FaultQueue)
_GATEWAY_KEY = web.AppKey("gateway", MotoGateway)
_MESSAGING_KEY = web.AppKey("messaging", Messaging)
_NETWORK_KEY = web.AppKey("network", NetworkSwitch)


def _json_response(status: int, body: dict[str, Any], request_id: str) -> web.Response:
    return web.Response(
        status=status,
        body=json.dumps(body).encode(),
        content_type=JSON_CONTENT_TYPE,
        headers={"x-amzn-RequestId": request_id},
    )


async def _authenticate(request: web.Request, body: bytes, service: str) -> Caller:
    # botocore's name of each service the JSON and Query paths serve.
    service_name = SERVICE_NAME if service == SIGNING_NAME else sts.SIGNING_NAME
    return authenticate(
        request.app[_SERVICE_KEY].state,
        method=request.method,
        url=str(request.url),
        headers=request.headers,
        body=body,
        service=service,
        valid_regions=signing_regions(service_name),
    )


async def _serve_json(
    request: web.Request, target: str, body: bytes, request_id: str
) -> web.Response:
    """Answer a JSON 1.0 call; raise AwsError for what fails before the call."""
    service = request.app[_SERVICE_KEY]
    if not target.startswith(TARGET_PREFIX):
        raise AwsError("UnknownOperationException", f"Unknown target {target}")
    operation = target.removeprefix(TARGET_PREFIX)
    caller = await _authenticate(request, body, SIGNING_NAME)
    try:
        params = json.loads(body or b"{}")
    except ValueError:
        raise AwsError(
            "SerializationException", "Could not parse the request body."
        ) from None

    async def process() -> web.Response:
        try:
            result = service.call(operation, params, caller)
        except AwsError as err:
            _LOGGER.debug("%s -> %s", operation, err)
            return _json_response(err.status, err.body(), request_id)
        return _json_response(HTTPStatus.OK, result, request_id)

    fault = request.app[_FAULTS_KEY].take(operation)
    return await apply_fault(fault, request, process)


async def _handle_json(request: web.Request, target: str, body: bytes) -> web.Response:
    request_id = str(uuid.uuid4())
    try:
        return await _serve_json(request, target, body, request_id)
    except AwsError as err:
        _LOGGER.debug("%s -> %s", target, err)
        return _json_response(err.status, err.body(), request_id)


async def _serve_query(
    request: web.Request, body: bytes, request_id: str
) -> web.Response:
    """Answer an STS Query call; raise AwsError when it fails."""
    form = {k: v[0] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
    action = form.get("Action", "")
    caller = await _authenticate(request, body, sts.SIGNING_NAME)
    if action not in STS_ACTIONS:
        raise AwsError(
            "InvalidAction",
            f"Could not find operation {action} for version {form.get('Version', '')}",
        )
    service = request.app[_SERVICE_KEY]

    async def process() -> web.Response:
        if action == "AssumeRole":
            with service.lock:
                document = sts.assume_role(service.state, caller, form, request_id)
        else:
            document = sts.get_caller_identity(caller, request_id)
        return web.Response(
            text=document,
            content_type="text/xml",
            headers={"x-amzn-RequestId": request_id},
        )

    fault = request.app[_FAULTS_KEY].take(action)
    return await apply_fault(fault, request, process)


async def _handle_query(request: web.Request, body: bytes) -> web.Response:
    request_id = str(uuid.uuid4())
    try:
        return await _serve_query(request, body, request_id)
    except AwsError as err:
        status, document = sts.error_document(err, request_id)
        return web.Response(
            status=status,
            text=document,
            content_type="text/xml",
            headers={"x-amzn-RequestId": request_id},
        )


async def handle_aws(request: web.Request) -> web.Response:
    """Route a signed AWS request to its service and protocol."""
    body = await request.read()
    service = credential_service(request.headers.get("Authorization"))
    if service in MOTO_SERVICES:
        return await request.app[_GATEWAY_KEY].handle(request, body, service)
    if request.path != "/":
        raise web.HTTPNotFound
    if request.method != "POST":
        raise web.HTTPMethodNotAllowed(request.method, ["POST"])
    target = request.headers.get("X-Amz-Target")
    if target is not None:
        return await _handle_json(request, target, body)
    return await _handle_query(request, body)


def outbox_document(outbox: list[OutboxMessage]) -> dict[str, Any]:
    """Return the outbox as ``GET /_emulator/outbox`` shows it.

    People read it in a browser after trying the integration, whose setup
    and option checks send DryRun messages first: the messages really sent
    come first (in the order they were accepted), then the dry runs, and
    each message starts with its ``dry_run`` flag.
    """
    ordered = [m for m in outbox if not m.dry_run] + [m for m in outbox if m.dry_run]
    return {
        "sent": len(outbox) - sum(m.dry_run for m in outbox),
        "dry_runs": sum(m.dry_run for m in outbox),
        "messages": [{"dry_run": m.dry_run} | m.as_dict() for m in ordered],
    }


async def handle_outbox(request: web.Request) -> web.Response:
    """GET: the accepted messages, indented; DELETE: forget them."""
    service = request.app[_SERVICE_KEY]
    with service.lock:
        if request.method == "DELETE":
            service.outbox.clear()
        document = outbox_document(service.outbox)
    return web.json_response(document, dumps=_indented)


def _indented(data: Any) -> str:
    return json.dumps(data, indent=2) + "\n"


async def handle_faults(request: web.Request) -> web.Response:
    """POST: queue faults (one object or a list); DELETE: clear; GET: list."""
    faults = request.app[_FAULTS_KEY]
    if request.method == "POST":
        try:
            raw = await request.json()
            for item in raw if isinstance(raw, list) else [raw]:
                faults.add(Fault.from_dict(item))
        except (ValueError, TypeError) as err:
            return web.json_response({"error": str(err)}, status=400)
    elif request.method == "DELETE":
        faults.clear()
    return web.json_response({"faults": [f.as_dict() for f in faults.pending()]})


async def handle_health(request: web.Request) -> web.Response:
    """Say the emulator is up, which account it serves, and what it did."""
    service = request.app[_SERVICE_KEY]
    messaging = request.app[_MESSAGING_KEY]
    with service.lock:
        return web.json_response(
            {
                "status": "ok",
                "account_id": service.state.account_id,
                "messages": len(service.outbox),
                "throttled": service.throttled,
                "temporary_keys": active_sessions(service.state),
                "moto_requests": request.app[_GATEWAY_KEY].requests,
                "events_published": messaging.events_published,
                "events_failed": messaging.events_failed,
                "inbound_messages": messaging.inbound_messages,
                "opted_out": len(service.state.opted_out)
                + sum(len(numbers) for numbers in service.state.opt_out_lists.values()),
            }
        )


async def handle_verification_codes(request: web.Request) -> web.Response:
    """GET: the verification codes sent to destination numbers, oldest first.

    No phone receives them, so a person or a test reads them here to call
    VerifyDestinationNumber with.
    """
    service = request.app[_SERVICE_KEY]
    with service.lock:
        codes = [sent.as_dict() for sent in service.verification.codes()]
    return web.json_response({"verification_codes": codes}, dumps=_indented)


async def _handle_network(request: web.Request) -> web.Response:
    return await handle_network(request, request.app[_NETWORK_KEY])


async def handle_inbound(request: web.Request) -> web.Response:
    """Deliver an SMS "sent" to a two-way number, as AWS publishes it.

    The body is JSON (whatever its Content-Type, so that a bare ``curl -d``
    works): ``from``, ``to``, ``body`` and optionally ``reply_to_message_id``.
    """
    try:
        raw = json.loads(await request.read())
    except ValueError:
        raw = None
    if not isinstance(raw, dict):
        return web.json_response(
            {"error": "expected a JSON object", "reason": "INVALID_PARAMETER"},
            status=HTTPStatus.BAD_REQUEST,
        )
    try:
        inbound_id = await request.app[_MESSAGING_KEY].receive(
            raw.get("from", ""),
            raw.get("to", ""),
            raw.get("body", ""),
            raw.get("reply_to_message_id"),
        )
    except InboundError as err:
        status = (
            HTTPStatus.NOT_FOUND
            if err.reason == "UNKNOWN_PHONE_NUMBER"
            else HTTPStatus.BAD_REQUEST
        )
        return web.json_response(
            {"error": str(err), "reason": err.reason}, status=status
        )
    return web.json_response({"inbound_message_id": inbound_id})


def _container_error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"code": code, "message": message}, status=status)


async def handle_container_credentials(request: web.Request) -> web.Response:
    """Hand out fresh credentials of a role, as ECS gives a task its role's.

    botocore's ContainerProvider reads this from
    ``AWS_CONTAINER_CREDENTIALS_FULL_URI`` and sends
    ``AWS_CONTAINER_AUTHORIZATION_TOKEN`` as the Authorization header.
    """
    service = request.app[_SERVICE_KEY]
    name = request.match_info["role"]
    with service.lock:
        state = service.state
        required = state.container_authorization_token
        given = request.headers.get("Authorization")
        if required is not None:
            if given is None:
                return _container_error(
                    HTTPStatus.UNAUTHORIZED,
                    "NoAuthorizationToken",
                    "The request has no Authorization header.",
                )
            if not hmac.compare_digest(given.encode(), required.encode()):
                return _container_error(
                    HTTPStatus.FORBIDDEN,
                    "InvalidAuthorizationToken",
                    "The Authorization header does not match the expected token.",
                )
        role = state.find_role_by_name(name)
        if role is None:
            return _container_error(
                HTTPStatus.BAD_REQUEST,
                "InvalidIdInRequest",
                f"CredentialsV2Request: Credentials for role {name} not found",
            )
        # ECS names the session after the task; any unique name will do.
        session = issue_session(
            state,
            role,
            session_name=uuid.uuid4().hex,
            duration_seconds=DEFAULT_DURATION_SECONDS,
        )
    return web.json_response(
        {
            "AccessKeyId": session.key.access_key_id,
            "SecretAccessKey": session.key.secret_access_key,
            "Token": session.token,
            "Expiration": session.expiration_text,
            "RoleArn": session.role_arn,
        }
    )


async def _start_publishing(app: web.Application) -> None:
    loop = asyncio.get_running_loop()
    app[_GATEWAY_KEY].start(loop)
    app[_MESSAGING_KEY].start(loop)


async def _stop_publishing(app: web.Application) -> None:
    # Before aiohttp waits for the requests in flight: end the long polls.
    app[_GATEWAY_KEY].begin_shutdown()
    await app[_MESSAGING_KEY].stop()


async def _close_gateway(app: web.Application) -> None:
    await app[_GATEWAY_KEY].close()


def create_app(
    service: SmsVoiceService,
    faults: FaultQueue,
    gateway: MotoGateway | None = None,
    messaging: Messaging | None = None,
    network: NetworkSwitch | None = None,
) -> web.Application:
    """Build the aiohttp application for one emulated account.

    ``network`` is the switch of the socket it will listen on
    (``POST /_emulator/network``); without one, that control refuses.
    """
    gateway = gateway or MotoGateway(service, faults)
    # UpdatePhoneNumber, UpdatePool and inbound SMS check two-way topics
    # in the moto this app serves.
    service.topic_exists = gateway.topic_exists
    app = web.Application(client_max_size=16 * 1024 * 1024)
    app[_SERVICE_KEY] = service
    app[_FAULTS_KEY] = faults
    app[_GATEWAY_KEY] = gateway
    app[_MESSAGING_KEY] = messaging or Messaging(service, gateway)
    app[_NETWORK_KEY] = network or NetworkSwitch()
    app.on_startup.append(_start_publishing)
    app.on_shutdown.append(_stop_publishing)
    app.on_cleanup.append(_close_gateway)
    app.router.add_route("*", "/_emulator/outbox", handle_outbox)
    app.router.add_route("*", "/_emulator/faults", handle_faults)
    app.router.add_get("/_emulator/health", handle_health)
    app.router.add_post("/_emulator/inbound", handle_inbound)
    app.router.add_get("/_emulator/verification-codes", handle_verification_codes)
    app.router.add_post("/_emulator/network", _handle_network)
    app.router.add_get(
        f"{CONTAINER_CREDENTIALS_PATH}/{{role}}", handle_container_credentials
    )
    # Last: every other path is AWS's (S3 objects, SQS queue URLs).
    app.router.add_route("*", "/{tail:.*}", handle_aws)
    return app


class Emulator:
    """An emulated account served over HTTP from a thread of its own.

    Running in its own thread and event loop, it answers like a remote
    service: a test that blocks or slows its own loop does not slow it.
    SNS, SQS and S3 are moto's, on the same URL; moto's state is cleared
    when an emulator starts and stops (see :mod:`eum_emulator.gateway`).
    """

    def __init__(self, state: AccountState | None = None) -> None:
        """Prepare an emulator for ``state`` (the demo account by default)."""
        self.service = SmsVoiceService(state or AccountState())
        # Load botocore's region lists now, not on the first request: in a
        # test or benchmark the emulator shares the process (and the GIL)
        # with the client it serves, and must not stall it.
        for service_name in (SERVICE_NAME, sts.SIGNING_NAME, *sorted(MOTO_SERVICES)):
            signing_regions(service_name)
        self.faults = FaultQueue()
        self.gateway = MotoGateway(self.service, self.faults)
        self.messaging = Messaging(self.service, self.gateway)
        self.network = NetworkSwitch()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._url: str | None = None
        # The loop serving requests: start()'s own, or serve()'s caller's.
        self._serving_loop: asyncio.AbstractEventLoop | None = None

    @property
    def state(self) -> AccountState:
        """Return the account the emulator serves (change it under ``lock``)."""
        return self.service.state

    @property
    def lock(self) -> threading.RLock:
        """Return the lock that guards the state and the outbox."""
        return self.service.lock

    @property
    def url(self) -> str:
        """Return the endpoint URL to give a client."""
        if self._url is None:
            raise RuntimeError("The emulator is not running")
        return self._url

    @property
    def outbox(self) -> list[OutboxMessage]:
        """Return a copy of the accepted messages."""
        with self.service.lock:
            return list(self.service.outbox)

    def clear_outbox(self) -> None:
        """Forget the accepted messages."""
        with self.service.lock:
            self.service.outbox.clear()

    def add_role(self, role: Role) -> str:
        """Give the account a role (see :class:`Role`); return its ARN."""
        with self.service.lock:
            self.service.state.roles.append(role)
            return self.service.state.role_arn(role)

    def container_credentials_url(self, role_name: str) -> str:
        """Return the URL for ``AWS_CONTAINER_CREDENTIALS_FULL_URI``.

        Each GET of it returns fresh temporary credentials of the role, in
        the JSON shape of the ECS container credentials endpoint.
        """
        return f"{self.url}{CONTAINER_CREDENTIALS_PATH}/{quote(role_name, safe='')}"

    def temporary_keys(self) -> int:
        """Return how many issued temporary keys have not expired yet."""
        with self.service.lock:
            return active_sessions(self.service.state, datetime.now(UTC))

    def add_fault(self, kind: str, **options: Any) -> Fault:
        """Queue a fault (see :class:`Fault` for its options)."""
        fault = Fault.from_dict({"kind": kind, **options})
        self.faults.add(fault)
        return fault

    def receive_sms(
        self,
        from_number: str,
        to_number: str,
        body: str,
        reply_to_message_id: str | None = None,
    ) -> str:
        """Deliver an SMS a customer sends to one of the account's numbers.

        It is published, in AWS's two-way payload, to the SNS topic that is
        the number's two-way channel. An opt-out keyword (STOP ...) opts the
        sender out and START or UNSTOP opts it back in, unless the number
        manages its opt-outs itself. It waits for the emulator's loop: call
        it from any thread but that one.

        Args:
            from_number: The customer's number (E.164).
            to_number: The account's two-way number (E.164, ID or ARN).
            body: The message text.
            reply_to_message_id: The ``previousPublishedMessageId``; by
                default the ID of the last message sent from ``to_number``
                to ``from_number``, if any.

        Returns:
            The inbound message ID.

        Raises:
            InboundError: The number is unknown, two-way is off, or it has
                no existing SNS topic as its channel.
            RuntimeError: The emulator is not running.
        """
        loop = self._serving_loop
        if loop is None:
            raise RuntimeError("The emulator is not running")
        return asyncio.run_coroutine_threadsafe(
            self.messaging.receive(from_number, to_number, body, reply_to_message_id),
            loop,
        ).result()

    # -- the network switch (see eum_emulator.network) ----------------------

    @property
    def reachable(self) -> bool:
        """Return whether the endpoint listens (False while set down)."""
        return self.network.reachable

    def set_reachable(self, reachable: bool, for_seconds: float | None = None) -> None:
        """Take the endpoint off the network, or put it back on the same port.

        Down, a connection to the port is refused and every open connection
        is closed: the SMS API, STS, SNS, SQS and S3 all go. It waits for
        the emulator's loop: call it from any thread but that one.

        Args:
            reachable: False: go down; True: listen again.
            for_seconds: Going down, come back by itself after this long.

        Raises:
            OSError: Coming back, something else took the port meanwhile.
            RuntimeError: The emulator is not running, or this is its loop.
        """
        loop = self._serving_loop
        if loop is None:
            raise RuntimeError("The emulator is not running")
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            raise RuntimeError("set_reachable would wait for its own loop")
        change = (
            self.network.come_up() if reachable else self.network.go_down(for_seconds)
        )
        asyncio.run_coroutine_threadsafe(change, loop).result()

    # -- what a test reads --------------------------------------------------

    def verification_codes(self) -> list[dict[str, Any]]:
        """Return the verification codes sent, oldest first (as the HTTP list)."""
        with self.service.lock:
            return [sent.as_dict() for sent in self.service.verification.codes()]

    def verification_code(self, destination: str) -> str | None:
        """Return the last code sent to a number (E.164) or verified number ID."""
        with self.service.lock:
            return self.service.verification.latest_code(destination)

    def reply_code(self, destination: str) -> str | None:
        """Return the code the last message sent to ``destination`` asks for.

        Dry runs and calls are left out; None when that message asks for no
        code (or nothing was sent there).
        """
        with self.service.lock:
            last = next(
                (
                    m
                    for m in reversed(self.service.outbox)
                    if m.destination == destination
                    and not m.dry_run
                    and m.kind != "voice"
                ),
                None,
            )
        return None if last is None else last.reply_code

    def _provisioning_key(self) -> AccessKey:
        """Return the account's first long-term key that may call everything."""
        with self.service.lock:
            key = next(
                (
                    k
                    for k in self.service.state.access_keys
                    if k.session_token is None and k.allowed_actions is None
                ),
                None,
            )
        if key is None:
            raise RuntimeError("The account has no key that may call everything")
        return key

    def provision_receiving(self, region: str = "us-east-1") -> dict[str, str]:
        """Create what docs/aws/receiving.yaml creates, in the emulator.

        See :func:`eum_emulator.receiving.provision_receiving`; it signs with
        the account's first long-term key that may call everything. Blocks:
        call it from a thread other than the emulator's.
        """
        key = self._provisioning_key()
        return provision_receiving(
            self.url,
            region=region,
            access_key_id=key.access_key_id,
            secret_access_key=key.secret_access_key,
        )

    def provision_media_bucket(
        self,
        bucket: str = MEDIA_BUCKET_NAME,
        prefix: str = MEDIA_PREFIX,
        region: str = "us-east-1",
    ) -> dict[str, str]:
        """Create what docs/aws/media.yaml creates, in the emulator.

        See :func:`eum_emulator.media_bucket.provision_media_bucket`; it
        signs as :meth:`provision_receiving` does, and blocks as it does.
        """
        key = self._provisioning_key()
        return provision_media_bucket(
            self.url,
            bucket=bucket,
            prefix=prefix,
            region=region,
            access_key_id=key.access_key_id,
            secret_access_key=key.secret_access_key,
        )

    async def _start(self, host: str, port: int) -> web.AppRunner:
        app = create_app(
            self.service, self.faults, self.gateway, self.messaging, self.network
        )
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        try:
            bound_port = await self.network.listen(runner, host, port)
        except OSError:
            await runner.cleanup()
            raise
        self._url = f"http://{host}:{bound_port}"
        self._serving_loop = asyncio.get_running_loop()
        return runner

    async def _cleanup(self, runner: web.AppRunner) -> None:
        self.network.close()
        await runner.cleanup()

    async def serve(
        self,
        host: str,
        port: int,
        ready: Callable[[str], Awaitable[None]] | None = None,
    ) -> None:
        """Serve in the running loop until cancelled (the command line's way)."""
        runner = await self._start(host, port)
        try:
            if ready is not None:
                await ready(self.url)
            await asyncio.Event().wait()
        finally:
            await self._cleanup(runner)
            self._serving_loop = None

    def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Start serving from a background thread; return the endpoint URL."""
        if self._loop is not None:
            raise RuntimeError("The emulator is already running")
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="eum-emulator")
        thread.start()
        self._loop, self._thread = loop, thread
        try:
            self._runner = asyncio.run_coroutine_threadsafe(
                self._start(host, port), loop
            ).result()
        except OSError:
            self._stop_loop()
            raise
        return self.url

    def _stop_loop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()
        self._loop = self._thread = None
        self._url = None
        self._serving_loop = None

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._loop is None:
            return
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(
                self._cleanup(self._runner), self._loop
            ).result()
            self._runner = None
        self._stop_loop()

    def __enter__(self) -> Self:
        """Start on a free loopback port."""
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop."""
        self.stop()
