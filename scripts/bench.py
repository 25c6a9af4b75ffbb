"""Benchmark: the integration against bare aiobotocore, on one machine, one run.

Run with ``scripts/bench`` (not part of the tests). Every figure is measured
in the same run, side by side, against the local emulator:

* per-message latency of the ``aws_eum_x.send_message`` action (Home
  Assistant core running in this process), of a reused aiobotocore client,
  and of a new client per message (how Home Assistant core's ``aws`` notify
  platform sends);
* the worst event-loop stall seen by a 1 ms ticker during setup, the first
  refresh, a reload and a 100-target send;
* a 100-target fan-out at a configured messages-per-second: elapsed versus
  theoretical;
* resident memory added per loaded config entry;
* what comes back through the event queue: the latency from the emulator
  publishing a reply (or a delivery event) to the Home Assistant event, and
  the queue listener's idle cost in requests and CPU seconds per hour;
* calls and picture messages: the ``aws_eum_x.call`` action and an MMS of an
  object already in S3, each against a reused client making the same
  requests, and a 1 MB camera snapshot from the action to the accepted MMS
  (snapshot, upload, send) against the bare upload and send.

Prints a table and writes JSON (``--json``, default bench-results.json).
"""

import argparse
import asyncio
import contextlib
import gc
import importlib
import json
import logging
import os
from pathlib import Path
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from typing import TYPE_CHECKING, Any, Self
import urllib.request

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# These imports need the repository on sys.path (above).
from aiobotocore.config import AioConfig  # noqa: E402
from aiobotocore.session import AioSession  # noqa: E402
from homeassistant import loader  # noqa: E402

# Without libturbojpeg (a system library) the camera integration logs a
# traceback when imported; it only scales snapshots, which no MMS asks for.
logging.getLogger("homeassistant.components.camera.img_util").setLevel(logging.CRITICAL)
from homeassistant.components.camera import Camera  # noqa: E402
from homeassistant.core import Event, callback  # noqa: E402
from homeassistant.exceptions import HomeAssistantError  # noqa: E402
from homeassistant.setup import async_setup_component  # noqa: E402
from pytest_homeassistant_custom_component.common import (  # noqa: E402
    MockConfigEntry,
    async_test_home_assistant,
    get_test_instance_port,
    setup_test_component_platform,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable

    from homeassistant.core import HomeAssistant, ServiceCall
    from types_aiobotocore_pinpoint_sms_voice_v2.type_defs import (
        SendMediaMessageRequestTypeDef,
        SendTextMessageRequestTypeDef,
        SendVoiceMessageRequestTypeDef,
    )

# The emulator's demo keys: AWS's documented example pair. Not imported from
# eum_emulator, which loads moto: Home Assistant never has those modules in
# memory, and a heap that large would make the garbage collector's pauses,
# measured below, longer than a real instance's.
DEMO_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
DEMO_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"  # noqa: S105
DOMAIN = "aws_eum_x"
REGIONS = ("us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-west-2")
FAN_OUT_ORIGIN = "+447700900123"
GB_DESTINATION = "+447700900456"


class EmulatorProcess:
    """The emulator in a process of its own, as AWS is.

    In this process it would share the interpreter lock, and its work would
    show as event-loop stalls of the integration.
    """

    def __init__(self, state: dict[str, Any]) -> None:
        """Serve ``state`` (a state file's content) once entered."""
        self._state = state
        self._process: subprocess.Popen[str] | None = None
        self._dir = tempfile.TemporaryDirectory()
        self.url = ""

    def __enter__(self) -> Self:
        """Start it on a free port; wait until it says where."""
        state_file = Path(self._dir.name) / "state.json"
        state_file.write_text(json.dumps(self._state), encoding="utf-8")
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "eum_emulator",
                "--port",
                "0",
                "--state",
                str(state_file),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None  # noqa: S101 - PIPE above
        line = self._process.stdout.readline()
        self.url = line.split(" at ")[1].split(";")[0]
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop the process."""
        if self._process is not None:
            self._process.send_signal(signal.SIGINT)
            self._process.wait(timeout=10)
        self._dir.cleanup()

    def outbox(self) -> list[dict[str, Any]]:
        """Return the messages it accepted."""
        outbox = f"{self.url}/_emulator/outbox"  # loopback http only
        with urllib.request.urlopen(outbox) as resp:  # noqa: S310
            return list(json.loads(resp.read())["messages"])

    def stats(self) -> dict[str, Any]:
        """Return how many messages it accepted and throttled."""
        health = f"{self.url}/_emulator/health"  # loopback http only
        with urllib.request.urlopen(health) as resp:  # noqa: S310
            return dict(json.loads(resp.read()))


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0  # pragma: no cover - not Linux


class StallMeter:
    """A task that ticks every millisecond and records the longest gap.

    It also records the longest garbage-collector pause in the same span:
    Python's collector stops the loop too, whoever allocated the garbage.
    """

    def __init__(self) -> None:
        """Measure nothing until :meth:`measure`."""
        self.worst = 0.0
        self.worst_gc = 0.0
        self._task: asyncio.Task[None] | None = None
        self._gc_started = 0.0
        gc.callbacks.append(self._on_gc)

    def _on_gc(self, phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            self.worst_gc = max(self.worst_gc, time.perf_counter() - self._gc_started)

    async def _tick(self) -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            self.worst = max(self.worst, now - last - 0.001)
            last = now

    @contextlib.asynccontextmanager
    async def measure(self) -> AsyncIterator[StallMeter]:
        """Tick while the body runs."""
        self.worst = 0.0
        self.worst_gc = 0.0
        self._task = asyncio.create_task(self._tick())
        await asyncio.sleep(0.01)
        try:
            yield self
        finally:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


ROLE_LIFETIME = 1.0
ROLE_SENDS = 10
TWO_WAY_NUMBER = "+18885550100"  # the demo toll-free number, made two-way
REPLY_FROM = "+15555550123"
EVENT_SAMPLES = 50


def _provision_receiving(emulator: EmulatorProcess) -> str:
    """Create the topic, queue and two-way number; return the queue URL.

    In a process of its own, like the emulator: this one never loads moto.
    """
    made = subprocess.run(
        [
            sys.executable,
            "-m",
            "eum_emulator.provision",
            "--endpoint-url",
            emulator.url,
            "--json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return str(json.loads(made.stdout)["QueueUrl"])


def _post_inbound(emulator: EmulatorProcess, body: str) -> None:
    payload = {"from": REPLY_FROM, "to": TWO_WAY_NUMBER, "body": body}
    request = urllib.request.Request(  # noqa: S310 - loopback http only
        f"{emulator.url}/_emulator/inbound",
        data=json.dumps(payload).encode(),
        method="POST",
    )
    with urllib.request.urlopen(request) as resp:  # noqa: S310
        resp.read()


async def _receiving(
    hass: HomeAssistant, emulator: EmulatorProcess, idle_seconds: float
) -> dict[str, Any]:
    """Time events through the queue; measure the listener's idle cost.

    Latency: from just before the emulator is asked to publish (a reply, or
    a send whose delivery event it publishes at once) to the Home Assistant
    event. Idle cost: the same entry, idle for the same time, with and
    without its queue; requests as the emulator counted them.
    """
    queue_url = await hass.async_add_executor_job(_provision_receiving, emulator)
    entry = _entry(
        emulator,
        REGIONS[0],
        {
            "queue_url": queue_url,
            "configuration_set": "home-alerts",
            "messages_per_second": {TWO_WAY_NUMBER: 100_000.0},
        },
        300,
    )
    entry.add_to_hass(hass)
    await _setup(hass, entry)
    arrived: dict[str, float] = {}

    @callback
    def on_event(event: Event) -> None:
        key = event.data.get("body") or event.data.get("message_id")
        if event.data.get("final", True):
            arrived[str(key)] = time.perf_counter()

    @callback
    def on_acknowledged(event: Event) -> None:
        arrived[f"ack:{event.data['tag']}"] = time.perf_counter()

    unsubscribe = [
        hass.bus.async_listen(f"{DOMAIN}_message_received", on_event),
        hass.bus.async_listen(f"{DOMAIN}_delivery_status", on_event),
        hass.bus.async_listen(f"{DOMAIN}_acknowledged", on_acknowledged),
    ]

    async def arrival(key: str) -> float:
        async with asyncio.timeout(30):
            while key not in arrived:  # noqa: ASYNC110 - set by the bus listener
                await asyncio.sleep(0.001)
        return arrived[key]

    reply_times: list[float] = []
    for index in range(EVENT_SAMPLES):
        body = f"Bench reply {index}"
        started = time.perf_counter()
        await hass.async_add_executor_job(_post_inbound, emulator, body)
        reply_times.append(await arrival(body) - started)
    acknowledgement_times: list[float] = []
    for index in range(EVENT_SAMPLES):
        # An alert asking for acknowledgement, then its reply with the code:
        # timed from the reply's publication to aws_eum_x_acknowledged.
        alert: Any = await hass.services.async_call(
            DOMAIN,
            "send_message",
            {
                "config_entry_id": entry.entry_id,
                "target": [REPLY_FROM],
                "message": "Bench alert",
                "origination_identity": TWO_WAY_NUMBER,
                "acknowledge": {"confirm": False},
                "tag": f"bench-{index}",
            },
            blocking=True,
            return_response=True,
        )
        code = alert["acknowledgement"]["code"]
        started = time.perf_counter()
        await hass.async_add_executor_job(_post_inbound, emulator, f"OK {code}")
        acknowledgement_times.append(await arrival(f"ack:bench-{index}") - started)
    delivery_times: list[float] = []
    for _ in range(EVENT_SAMPLES):
        # The emulator publishes while it answers the send (no delivery
        # delay): this includes the send itself, about a millisecond.
        started = time.perf_counter()
        response = await hass.services.async_call(
            DOMAIN,
            "send_message",
            {
                "config_entry_id": entry.entry_id,
                "target": [REPLY_FROM],
                "message": "Bench delivery",
                "origination_identity": TWO_WAY_NUMBER,
            },
            blocking=True,
            return_response=True,
        )
        messages: Any = (response or {})["messages"]
        message_id = str(messages[0]["message_id"])
        delivery_times.append(await arrival(message_id) - started)
    for stop in unsubscribe:
        stop()

    async def idle() -> tuple[float, int]:
        """Return CPU seconds and SQS requests (receives, deletes) in the window.

        Requests are the listener's own counts: the emulator's counter also
        sees SNS deliveries and the queue's internals.
        """
        await hass.async_block_till_done()
        receiver = entry.runtime_data.receiver
        counts = receiver.listener.counts if receiver is not None else None

        def requests() -> int:
            return counts.polls + counts.received if counts is not None else 0

        cpu, before = time.process_time(), requests()
        await asyncio.sleep(idle_seconds)
        return time.process_time() - cpu, requests() - before

    # Let the last events' deletes finish: the window measures an idle queue.
    await asyncio.sleep(2)
    cpu_listening, requests_listening = await idle()
    hass.config_entries.async_update_entry(
        entry, options={k: v for k, v in entry.options.items() if k != "queue_url"}
    )
    await hass.async_block_till_done()
    cpu_without, requests_without = await idle()
    await hass.config_entries.async_unload(entry.entry_id)
    per_hour = 3600 / idle_seconds
    return {
        "reply_to_event": _summary(reply_times),
        "reply_to_acknowledged": _summary(acknowledgement_times),
        "send_to_delivery_event": _summary(delivery_times),
        "samples": EVENT_SAMPLES,
        "idle_seconds": idle_seconds,
        "idle_requests_per_hour": (requests_listening - requests_without) * per_hour,
        "idle_cpu_s_per_hour": max(0.0, cpu_listening - cpu_without) * per_hour,
        "idle_cpu_s_per_hour_with_queue": cpu_listening * per_hour,
        "idle_cpu_s_per_hour_without_queue": cpu_without * per_hour,
    }


OUTBOX_RUNS = 3
OUTAGE_SECONDS = 5.0


def _take_down(emulator: EmulatorProcess, seconds: float) -> None:
    """Close the emulator's socket for ``seconds`` (it comes back by itself)."""
    request = urllib.request.Request(  # noqa: S310 - loopback http only
        f"{emulator.url}/_emulator/network",
        data=json.dumps({"reachable": False, "for_seconds": seconds}).encode(),
        method="POST",
    )
    with urllib.request.urlopen(request) as resp:  # noqa: S310
        resp.read()


def _wait_until_back(emulator: EmulatorProcess) -> float:
    """Return the moment the emulator's port accepts connections again."""
    host, port = emulator.url.removeprefix("http://").split(":")
    while True:
        try:
            with socket.create_connection((host, int(port)), timeout=1):
                return time.perf_counter()
        except OSError:
            time.sleep(0.005)


async def _outbox(hass: HomeAssistant, emulator: EmulatorProcess) -> dict[str, Any]:
    """Time an outage: the outbox's write, and network back → first message sent.

    Each run: the emulator goes down for OUTAGE_SECONDS, an alert is sent
    (its attempts fail, it is queued and saved), and the emulator comes back
    by itself. With the default probe schedule (15 s, then doubling), the
    first probe after the outage finds AWS back.
    """
    entry = _entry(emulator, REGIONS[0], {}, 300)
    entry.add_to_hass(hass)
    await _setup(hass, entry)
    outbox = entry.runtime_data.outbox
    writes: list[float] = []
    original = outbox.async_queue

    async def timed_queue(messages: list[Any]) -> None:
        started = time.perf_counter()
        await original(messages)
        writes.append((time.perf_counter() - started) / len(messages))

    outbox.async_queue = timed_queue
    sent_at: dict[str, float] = {}

    @callback
    def on_sent(event: Event) -> None:
        if event.data.get("queued_id"):
            sent_at[event.data["queued_id"]] = time.perf_counter()

    unsubscribe = hass.bus.async_listen(f"{DOMAIN}_message_sent", on_sent)
    back_to_sent: list[float] = []
    for _ in range(OUTBOX_RUNS):
        await hass.async_add_executor_job(_take_down, emulator, OUTAGE_SECONDS)
        await asyncio.sleep(0.2)  # the loop sees kept-alive connections close
        response: Any = await hass.services.async_call(
            DOMAIN,
            "send_message",
            {
                "config_entry_id": entry.entry_id,
                "target": [REPLY_FROM],
                "message": "Bench alert during an outage",
            },
            blocking=True,
            return_response=True,
        )
        queued_id = response["messages"][0]["queued_id"]
        back = await hass.async_add_executor_job(_wait_until_back, emulator)
        async with asyncio.timeout(120):
            while queued_id not in sent_at:  # noqa: ASYNC110 - set by the listener
                await asyncio.sleep(0.01)
        back_to_sent.append(sent_at[queued_id] - back)
    unsubscribe()
    await hass.config_entries.async_unload(entry.entry_id)
    return {
        "runs": OUTBOX_RUNS,
        "outage_s": OUTAGE_SECONDS,
        "back_to_first_sent_s": _summary(back_to_sent)["median_ms"] / 1000,
        "back_to_first_sent_all_s": back_to_sent,
        "write_ms_per_message": _summary(writes)["median_ms"],
    }


async def _role_sends(hass: HomeAssistant, emulator: EmulatorProcess) -> dict[str, Any]:
    """Time sends of a role entry with valid and with expired credentials.

    Each send of the expiring role finds its credentials expired: botocore
    must call AssumeRole first. The outbox names the temporary key each
    message was signed with: one new key per send is one AssumeRole each.
    """
    measured: dict[str, Any] = {}
    for index, name in enumerate(("bench-hour", "bench-expiring")):
        # Unlimited pace: the identity's rate must not time the sends.
        entry = _entry(
            emulator,
            REGIONS[0],
            {"messages_per_second": {FAN_OUT_ORIGIN: 100_000.0}},
            200 + index,
        )
        entry.add_to_hass(hass)
        hass.config_entries.async_update_entry(
            entry,
            data={
                **entry.data,
                "auth_method": "assume_role",
                "role_arn": f"arn:aws:iam::123456789012:role/{name}",
            },
        )
        await _setup(hass, entry)
        body = f"Bench {name}"
        times: list[float] = []
        failed = 0
        for _ in range(ROLE_SENDS):
            if name == "bench-expiring":
                await asyncio.sleep(ROLE_LIFETIME + 0.1)
            started = time.perf_counter()
            try:
                await hass.services.async_call(
                    DOMAIN,
                    "send_message",
                    {
                        "config_entry_id": entry.entry_id,
                        "target": [GB_DESTINATION],
                        "message": body,
                        "origination_identity": FAN_OUT_ORIGIN,
                    },
                    blocking=True,
                )
            except HomeAssistantError:
                failed += 1
            times.append(time.perf_counter() - started)
        keys = {m["access_key_id"] for m in emulator.outbox() if m["body"] == body}
        measured[name] = {
            **_summary(times),
            "sends": ROLE_SENDS,
            "failed": failed,
            "temporary_keys": len(keys),
        }
        await hass.config_entries.async_unload(entry.entry_id)
    return measured


CALL_ORIGIN = TWO_WAY_NUMBER  # the demo's toll-free number: SMS, VOICE, MMS
CALL_TARGET = REPLY_FROM  # a US number: any number not set otherwise answers
MEDIA_BUCKET = "bench-media"
MEDIA_KEY = "shared/doorbell.jpg"
CALL_TIME_TO_LIVE = 300  # the action's default for a call
# A 1 MB snapshot (AWS's image limit is 2 MB): random bytes after a JPEG
# header, so nothing on the way can compress it.
SNAPSHOT = b"\xff\xd8\xff\xe0" + os.urandom(1_000_000 - 4)
SNAPSHOT_SAMPLES = 20
# Calls are paced (the integration places one a second from an identity):
# fewer samples, each after the pace allows the next call.
CALL_SAMPLES = 30
CAMERA = "camera.bench_doorbell"


class BenchCamera(Camera):
    """A camera whose snapshot is the 1 MB image above."""

    _attr_name = "Bench doorbell"
    content_type = "image/jpeg"

    async def async_camera_image(
        self,
        width: int | None = None,  # noqa: ARG002 - Camera's signature
        height: int | None = None,  # noqa: ARG002
    ) -> bytes | None:
        """Return the snapshot."""
        return SNAPSHOT


def _client_kwargs(emulator: EmulatorProcess) -> dict[str, Any]:
    """Return what a bare client needs: region, endpoint, keys, one attempt."""
    return {
        "region_name": "us-east-1",
        "endpoint_url": emulator.url,
        "aws_access_key_id": DEMO_ACCESS_KEY_ID,
        "aws_secret_access_key": DEMO_SECRET_ACCESS_KEY,
        "config": AioConfig(retries={"total_max_attempts": 1}),
    }


async def _bare_calls_and_pictures(
    emulator: EmulatorProcess, count: int, call_pause: float
) -> dict[str, list[float]]:
    """Time reused clients making the requests the actions make.

    A call is one SendVoiceMessage, as far apart as the action's calls. An
    MMS of an S3 object is a HeadObject (the integration checks the object
    exists and may be sent) and a SendMediaMessage. A snapshot's MMS is a
    PutObject and a SendMediaMessage.
    """
    session = AioSession()
    kwargs = _client_kwargs(emulator)
    voice: SendVoiceMessageRequestTypeDef = {
        "DestinationPhoneNumber": CALL_TARGET,
        "OriginationIdentity": CALL_ORIGIN,
        "MessageBody": "Bench",
        "MessageBodyTextType": "TEXT",
        "VoiceId": "JOANNA",
        "TimeToLive": CALL_TIME_TO_LIVE,
    }
    media: SendMediaMessageRequestTypeDef = {
        "DestinationPhoneNumber": CALL_TARGET,
        "OriginationIdentity": CALL_ORIGIN,
        "MediaUrls": [f"s3://{MEDIA_BUCKET}/{MEDIA_KEY}"],
        "MessageBody": "Bench",
    }
    async with (
        session.create_client("pinpoint-sms-voice-v2", **kwargs) as sms,
        session.create_client("s3", **kwargs) as s3,
    ):

        async def call() -> None:
            await sms.send_voice_message(**voice)

        async def picture() -> None:
            await s3.head_object(Bucket=MEDIA_BUCKET, Key=MEDIA_KEY)
            await sms.send_media_message(**media)

        async def snapshot() -> None:
            key = f"bench/{time.monotonic_ns()}.jpg"
            await s3.put_object(
                Bucket=MEDIA_BUCKET, Key=key, Body=SNAPSHOT, ContentType="image/jpeg"
            )
            uploaded: SendMediaMessageRequestTypeDef = {
                **media,
                "MediaUrls": [f"s3://{MEDIA_BUCKET}/{key}"],
            }
            await sms.send_media_message(**uploaded)

        await call()  # warm-up, each
        await picture()
        await snapshot()
        return {
            "call": await _timed(call, CALL_SAMPLES, call_pause),
            "picture": await _timed(picture, count),
            "snapshot": await _timed(snapshot, SNAPSHOT_SAMPLES),
        }


async def _calls_and_pictures(
    hass: HomeAssistant, emulator: EmulatorProcess, count: int, meter: StallMeter
) -> dict[str, Any]:
    """Time the call action, an S3 object's MMS and a snapshot's MMS.

    Each beside a reused client making the same requests (above). Calls are
    timed one pace apart: back to back, the integration's pacing (one call a
    second from an identity) would be measured, not its overhead. The 1 MB
    snapshot's sends run under the stall meter: taking, checking and
    uploading it must not stop the event loop.
    """
    # The integration is loaded by now: its constants cost no import. (By
    # name: mypy checks the integration as a package of its own.)
    const = importlib.import_module(f"custom_components.{DOMAIN}.const")
    call_pause = 1 / float(const.VOICE_CALLS_PER_SECOND) + 0.01
    async with AioSession().create_client("s3", **_client_kwargs(emulator)) as s3:
        await s3.create_bucket(Bucket=MEDIA_BUCKET)
        await s3.put_object(
            Bucket=MEDIA_BUCKET, Key=MEDIA_KEY, Body=SNAPSHOT, ContentType="image/jpeg"
        )
    setup_test_component_platform(hass, "camera", [BenchCamera()])
    # The camera integration needs http: on a free loopback port.
    http = {"server_host": ["127.0.0.1"], "server_port": get_test_instance_port()}
    await async_setup_component(hass, "http", {"http": http})
    await async_setup_component(hass, "camera", {"camera": {"platform": "test"}})
    entry = _entry(
        emulator,
        REGIONS[0],
        {
            "messages_per_second": {CALL_ORIGIN: 100_000.0},
            "media_bucket": MEDIA_BUCKET,
        },
        400,
    )
    entry.add_to_hass(hass)
    await _setup(hass, entry)
    common = {"config_entry_id": entry.entry_id, "target": [CALL_TARGET]}

    async def call() -> None:
        await hass.services.async_call(
            DOMAIN,
            "call",
            {**common, "message": "Bench", "origination_identity": CALL_ORIGIN},
            blocking=True,
        )

    async def send_media(media: str) -> None:
        await hass.services.async_call(
            DOMAIN,
            "send_message",
            {
                **common,
                "message": "Bench",
                "media": media,
                "origination_identity": CALL_ORIGIN,
            },
            blocking=True,
        )

    async def picture() -> None:
        await send_media(f"s3://{MEDIA_BUCKET}/{MEDIA_KEY}")

    async def snapshot() -> None:
        await send_media(CAMERA)

    await call()  # warm-up, each
    await picture()
    await snapshot()
    calls = await _timed(call, CALL_SAMPLES, call_pause)
    pictures = await _timed(picture, count)
    async with meter.measure():
        snapshots = await _timed(snapshot, SNAPSHOT_SAMPLES)
    stall, gc_pause = meter.worst, meter.worst_gc
    await hass.config_entries.async_unload(entry.entry_id)
    kinds = [message["kind"] for message in emulator.outbox()]
    bare = await _bare_calls_and_pictures(emulator, count, call_pause)
    return {
        "call": _summary(calls),
        "bare_call": _summary(bare["call"]),
        "ratio_call": statistics.median(calls) / statistics.median(bare["call"]),
        "picture": _summary(pictures),
        "bare_picture": _summary(bare["picture"]),
        "ratio_picture": statistics.median(pictures)
        / statistics.median(bare["picture"]),
        "snapshot": _summary(snapshots),
        "bare_snapshot": _summary(bare["snapshot"]),
        "ratio_snapshot": statistics.median(snapshots)
        / statistics.median(bare["snapshot"]),
        "snapshot_bytes": len(SNAPSHOT),
        "snapshot_samples": SNAPSHOT_SAMPLES,
        "snapshot_stall_ms": stall * 1000,
        "snapshot_gc_pause_ms": gc_pause * 1000,
        "calls": CALL_SAMPLES,
        "pictures": count,
        "outbox": {kind: kinds.count(kind) for kind in sorted(set(kinds))},
    }


def _entry(
    emulator: EmulatorProcess, region: str, options: dict[str, Any], index: int = 0
) -> MockConfigEntry:
    return MockConfigEntry(
        domain=DOMAIN,
        title=f"Bench {index} {region}",
        unique_id=f"{index}_{region}",
        data={
            "access_key_id": DEMO_ACCESS_KEY_ID,
            "secret_access_key": DEMO_SECRET_ACCESS_KEY,
            "region": region,
            "endpoint_url": emulator.url,
        },
        options=options,
    )


async def _setup(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    if not await hass.config_entries.async_setup(entry.entry_id):
        raise RuntimeError(f"{entry.title} did not set up: {entry.reason}")
    await hass.async_block_till_done()


async def _timed(
    call: Callable[[], Awaitable[Any]], count: int, pause: float = 0.0
) -> list[float]:
    """Time ``count`` awaits of ``call``, ``pause`` seconds apart (not timed)."""
    times = []
    for _ in range(count):
        await asyncio.sleep(pause)
        started = time.perf_counter()
        await call()
        times.append(time.perf_counter() - started)
    return times


def _summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {
        "median_ms": statistics.median(ordered) * 1000,
        "p95_ms": ordered[int(len(ordered) * 0.95) - 1] * 1000,
        "mean_ms": statistics.fmean(ordered) * 1000,
    }


async def _bare_clients(
    emulator: EmulatorProcess, count: int
) -> tuple[list[float], list[float]]:
    session = AioSession()
    kwargs = _client_kwargs(emulator)
    params: SendTextMessageRequestTypeDef = {
        "DestinationPhoneNumber": GB_DESTINATION,
        "MessageBody": "Bench",
        "OriginationIdentity": FAN_OUT_ORIGIN,
    }
    async with session.create_client("pinpoint-sms-voice-v2", **kwargs) as client:
        await client.send_text_message(**params)  # warm-up
        reused = await _timed(lambda: client.send_text_message(**params), count)

    async def new_client() -> None:
        async with session.create_client("pinpoint-sms-voice-v2", **kwargs) as c:
            await c.send_text_message(**params)

    fresh = await _timed(new_client, max(count // 4, 10))
    return reused, fresh


async def run(
    count: int, entries: int, fan_out_mps: float, idle_seconds: float
) -> dict[str, Any]:
    """Measure everything; return the results."""
    # Latency: no metering. Fan-out: AWS meters the configured rate.
    unmetered = EmulatorProcess(
        {
            "rate_limits": False,
            # Calls and MMS beyond the new account's 1 USD a month.
            "spend_limits": {
                name: {"enforced_limit": 10_000, "max_limit": 10_000}
                for name in (
                    "VOICE_MESSAGE_MONTHLY_SPEND_LIMIT",
                    "MEDIA_MESSAGE_MONTHLY_SPEND_LIMIT",
                )
            },
            # Delivery events at once: the latency measured is the pipeline's.
            "delivery_delay_seconds": 0,
            "roles": [
                # Sessions of an hour, as AWS's default: no refresh.
                {"name": "bench-hour", "trusted": [DEMO_ACCESS_KEY_ID]},
                # Sessions that expire before each send: one refresh each.
                {
                    "name": "bench-expiring",
                    "trusted": [DEMO_ACCESS_KEY_ID],
                    "credential_lifetime_seconds": ROLE_LIFETIME,
                },
            ],
        }
    )
    metered = EmulatorProcess(
        {
            "phone_numbers": [
                {
                    "phone_number": FAN_OUT_ORIGIN,
                    "iso_country_code": "GB",
                    "mps": fan_out_mps,
                }
            ]
        }
    )
    results: dict[str, Any] = {}
    with unmetered as emulator, metered, tempfile.TemporaryDirectory() as config_dir:
        (Path(config_dir) / "custom_components").mkdir()
        (Path(config_dir) / "custom_components" / DOMAIN).symlink_to(
            ROOT / "custom_components" / DOMAIN
        )
        async with async_test_home_assistant(config_dir=config_dir) as hass:
            hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)
            # HA's shared HTTP session resolves names through zeroconf,
            # which needs the network integration, as in a real instance.
            await async_setup_component(hass, "network", {})
            meter = StallMeter()
            stalls: dict[str, float] = {}
            # Latency is measured from a number whose pace is not the limit.
            entry = _entry(
                emulator,
                REGIONS[0],
                {"messages_per_second": {FAN_OUT_ORIGIN: 100_000.0}},
            )
            entry.add_to_hass(hass)
            async with meter.measure():
                await _setup(hass, entry)
            stalls["setup_and_first_refresh"] = meter.worst
            gc_pauses: dict[str, float] = {"setup_and_first_refresh": meter.worst_gc}
            async with meter.measure():
                await entry.runtime_data.coordinator.async_refresh()
            stalls["refresh"] = meter.worst
            gc_pauses["refresh"] = meter.worst_gc
            async with meter.measure():
                await hass.config_entries.async_reload(entry.entry_id)
                await hass.async_block_till_done()
            stalls["reload"] = meter.worst
            gc_pauses["reload"] = meter.worst_gc

            async def action() -> None:
                await hass.services.async_call(
                    DOMAIN,
                    "send_message",
                    {
                        "config_entry_id": entry.entry_id,
                        "target": [GB_DESTINATION],
                        "message": "Bench",
                        "origination_identity": FAN_OUT_ORIGIN,
                    },
                    blocking=True,
                )

            await action()  # warm-up
            action_times = await _timed(action, count)

            # Home Assistant's own cost of a blocking action call: the same
            # call to an action that does nothing.
            async def noop_handler(_call: ServiceCall) -> None:
                return None

            hass.services.async_register("bench", "noop", noop_handler)

            async def noop() -> None:
                await hass.services.async_call(
                    "bench",
                    "noop",
                    {"target": [GB_DESTINATION], "message": "Bench"},
                    blocking=True,
                )

            noop_times = await _timed(noop, count)
            role = await _role_sends(hass, emulator)
            results["receiving"] = await _receiving(hass, emulator, idle_seconds)
            results["outbox"] = await _outbox(hass, emulator)
            results["calls_and_pictures"] = await _calls_and_pictures(
                hass, emulator, count, meter
            )
            reused, fresh = await _bare_clients(emulator, count)

            # The fan-out: an entry on the metered emulator, its configured
            # MPS equal to AWS's.
            fan_entry = _entry(
                metered,
                # The demo state keeps FAN_OUT_ORIGIN in us-east-1 (each region
                # has an inventory of its own).
                REGIONS[0],
                {"messages_per_second": {FAN_OUT_ORIGIN: fan_out_mps}},
                index=99,
            )
            fan_entry.add_to_hass(hass)
            await _setup(hass, fan_entry)
            targets = [f"+4477009{index:05d}" for index in range(100)]
            async with meter.measure():
                started = time.perf_counter()
                await hass.services.async_call(
                    DOMAIN,
                    "send_message",
                    {
                        "config_entry_id": fan_entry.entry_id,
                        "target": targets,
                        "message": "Bench",
                        "origination_identity": FAN_OUT_ORIGIN,
                    },
                    blocking=True,
                )
                fan_out = time.perf_counter() - started
            stalls["send_100_targets"] = meter.worst
            gc_pauses["send_100_targets"] = meter.worst_gc
            stats = metered.stats()
            delivered, throttled = stats["messages"], stats["throttled"]
            await hass.config_entries.async_unload(fan_entry.entry_id)

            # Memory: more entries, each a region of its own. RSS alone hides
            # growth in memory freed earlier; tracemalloc counts the Python
            # objects the entries keep alive.
            gc.collect()
            tracemalloc.start()
            before = _rss_kib()
            traced_before = tracemalloc.get_traced_memory()[0]
            extra = []
            for index in range(entries):
                region = REGIONS[1 + index % (len(REGIONS) - 1)]
                extra_entry = _entry(emulator, region, {}, index + 1)
                extra_entry.add_to_hass(hass)
                await _setup(hass, extra_entry)
                extra.append(extra_entry)
            await hass.async_block_till_done()
            gc.collect()
            after = _rss_kib()
            traced = tracemalloc.get_traced_memory()[0] - traced_before
            tracemalloc.stop()
            for extra_entry in [entry, *extra]:
                await hass.config_entries.async_unload(extra_entry.entry_id)
            await hass.async_stop(force=True)

    theoretical = (len(targets) - 1) / fan_out_mps
    results["latency"] = {
        "action": _summary(action_times),
        "bare_reused_client": _summary(reused),
        "new_client_per_message": _summary(fresh),
        "ha_action_call_floor": _summary(noop_times),
        "ratio_action_vs_reused": statistics.median(action_times)
        / statistics.median(reused),
        "ratio_new_client_vs_reused": statistics.median(fresh)
        / statistics.median(reused),
        "messages": count,
    }
    results["role"] = role
    results["stall_ms"] = {k: v * 1000 for k, v in stalls.items()}
    results["gc_pause_ms"] = {k: v * 1000 for k, v in gc_pauses.items()}
    results["fan_out"] = {
        "targets": len(targets),
        "mps": fan_out_mps,
        "elapsed_s": fan_out,
        "theoretical_s": theoretical,
        "ratio": fan_out / theoretical,
        "delivered": delivered,
        "throttled_by_aws": throttled,
    }
    results["memory"] = {
        "entries": entries,
        "rss_added_kib": after - before,
        "traced_added_kib": traced / 1024,
        "per_entry_mib": max(after - before, traced / 1024) / entries / 1024,
    }
    return results


def machine() -> dict[str, Any]:
    """Describe where the figures come from."""
    import aiobotocore  # noqa: PLC0415
    import botocore  # noqa: PLC0415
    from homeassistant.const import __version__ as ha_version  # noqa: PLC0415

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "homeassistant": ha_version,
        "aiobotocore": aiobotocore.__version__,
        "botocore": botocore.__version__,
    }


def table(results: dict[str, Any]) -> str:
    """Return the results as a Markdown table."""
    lat = results["latency"]
    fan = results["fan_out"]
    mem = results["memory"]
    stall = results["stall_ms"]
    role = results["role"]
    refresh_cost = role["bench-expiring"]["median_ms"] - role["bench-hour"]["median_ms"]
    rows = [
        (
            "Action → emulator, median (p95)",
            f"{lat['action']['median_ms']:.2f} ms ({lat['action']['p95_ms']:.2f} ms)",
            "",
        ),
        (
            "Bare reused aiobotocore client, median (p95)",
            (
                f"{lat['bare_reused_client']['median_ms']:.2f} ms "
                f"({lat['bare_reused_client']['p95_ms']:.2f} ms)"
            ),
            "",
        ),
        (
            "New client per message (core `aws` notify), median",
            f"{lat['new_client_per_message']['median_ms']:.2f} ms",
            "",
        ),
        (
            "Home Assistant's cost of any blocking action call, median",
            f"{lat['ha_action_call_floor']['median_ms']:.3f} ms",
            "",
        ),
        ("Action / reused client", f"{lat['ratio_action_vs_reused']:.2f}x", "≤ 1.15x"),
        (
            "Role, credentials valid: send median",
            (
                f"{role['bench-hour']['median_ms']:.2f} ms, "
                f"{role['bench-hour']['temporary_keys']} AssumeRole for "
                f"{role['bench-hour']['sends']} sends, "
                f"{role['bench-hour']['failed']} failed"
            ),
            "",
        ),
        (
            "Role, credentials expired before each send: send median",
            (
                f"{role['bench-expiring']['median_ms']:.2f} ms "
                f"(+{refresh_cost:.2f} ms), "
                f"{role['bench-expiring']['temporary_keys']} AssumeRole for "
                f"{role['bench-expiring']['sends']} sends, "
                f"{role['bench-expiring']['failed']} failed"
            ),
            "1 AssumeRole a send, 0 failed",
        ),
        ("New client / reused client", f"{lat['ratio_new_client_vs_reused']:.2f}x", ""),
        *(
            (
                f"Worst loop stall: {name.replace('_', ' ')}",
                (
                    f"{value:.2f} ms (longest GC pause in it: "
                    f"{results['gc_pause_ms'][name]:.2f} ms)"
                ),
                "< 5 ms",
            )
            for name, value in stall.items()
        ),
        (
            f"{fan['targets']}-target fan-out at {fan['mps']:g} MPS",
            (
                f"{fan['elapsed_s']:.2f} s vs {fan['theoretical_s']:.2f} s theoretical "
                f"({fan['ratio']:.3f}x), {fan['delivered']} delivered, "
                f"{fan['throttled_by_aws']} throttled"
            ),
            "within 5 %",
        ),
        (
            "Memory per loaded entry (larger of RSS and traced)",
            (
                f"{mem['per_entry_mib']:.2f} MiB ({mem['entries']} entries; RSS "
                f"+{mem['rss_added_kib']} KiB, "
                f"traced +{mem['traced_added_kib']:.0f} KiB)"
            ),
            "< 5 MiB",
        ),
    ]
    rec = results["receiving"]
    box = results["outbox"]
    rows += [
        (
            "Outbox: network back → first queued message accepted, median",
            (
                f"{box['back_to_first_sent_s']:.1f} s ({box['runs']} outages of "
                f"{box['outage_s']:.0f} s; the first probe comes 15 s after queueing)"
            ),
            "< 5 min (probe cap)",
        ),
        (
            "Outbox: store write per queued message, median",
            f"{box['write_ms_per_message']:.2f} ms",
            "",
        ),
        (
            "Reply with the code published → `aws_eum_x_acknowledged`, median (p95)",
            (
                f"{rec['reply_to_acknowledged']['median_ms']:.1f} ms "
                f"({rec['reply_to_acknowledged']['p95_ms']:.1f} ms), "
                f"{rec['samples']} alerts"
            ),
            "",
        ),
        (
            "Reply published → `aws_eum_x_message_received`, median (p95)",
            (
                f"{rec['reply_to_event']['median_ms']:.1f} ms "
                f"({rec['reply_to_event']['p95_ms']:.1f} ms), "
                f"{rec['samples']} replies"
            ),
            "",
        ),
        (
            "Send → final `aws_eum_x_delivery_status`, median (p95)",
            (
                f"{rec['send_to_delivery_event']['median_ms']:.1f} ms "
                f"({rec['send_to_delivery_event']['p95_ms']:.1f} ms), "
                f"{rec['samples']} sends"
            ),
            "",
        ),
        (
            "Queue listener idle: requests per hour",
            f"{rec['idle_requests_per_hour']:.0f} ({rec['idle_seconds']:g} s measured)",
            "180 (20 s long polls)",
        ),
        (
            "Queue listener idle: CPU seconds per hour",
            (
                f"{rec['idle_cpu_s_per_hour']:.2f} s (with queue "
                f"{rec['idle_cpu_s_per_hour_with_queue']:.2f} s, without "
                f"{rec['idle_cpu_s_per_hour_without_queue']:.2f} s)"
            ),
            "",
        ),
    ]
    media = results["calls_and_pictures"]

    def beside(name: str) -> str:
        return (
            f"{media[name]['median_ms']:.2f} ms ({media[name]['p95_ms']:.2f} ms) vs "
            f"{media['bare_' + name]['median_ms']:.2f} ms "
            f"({media['bare_' + name]['p95_ms']:.2f} ms): "
            f"{media['ratio_' + name]:.2f}x"
        )

    rows += [
        (
            "`aws_eum_x.call` vs reused client (SendVoiceMessage), median (p95)",
            f"{beside('call')}, {media['calls']} calls",
            "",
        ),
        (
            (
                "MMS of an S3 object vs reused clients (HeadObject + "
                "SendMediaMessage), median (p95)"
            ),
            f"{beside('picture')}, {media['pictures']} messages",
            "",
        ),
        (
            (
                f"MMS of a {media['snapshot_bytes'] / 1_000_000:g} MB camera "
                "snapshot (snapshot → upload → send) vs reused clients "
                "(PutObject + SendMediaMessage), median (p95)"
            ),
            f"{beside('snapshot')}, {media['snapshot_samples']} messages",
            "",
        ),
        (
            "Worst loop stall: 1 MB snapshot MMS",
            (
                f"{media['snapshot_stall_ms']:.2f} ms (longest GC pause in it: "
                f"{media['snapshot_gc_pause_ms']:.2f} ms)"
            ),
            "< 5 ms",
        ),
    ]
    lines = ["| measure | result | target |", "| --- | --- | --- |"]
    lines += [f"| {name} | {value} | {target} |" for name, value, target in rows]
    return "\n".join(lines)


def main() -> None:
    """Run and report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--entries", type=int, default=10)
    parser.add_argument("--mps", type=float, default=50.0)
    parser.add_argument(
        "--idle-seconds",
        type=float,
        default=60.0,
        help="how long the queue listener's idle cost is measured, twice",
    )
    parser.add_argument("--json", type=Path, default=ROOT / "bench-results.json")
    args = parser.parse_args()
    results = asyncio.run(run(args.messages, args.entries, args.mps, args.idle_seconds))
    results["machine"] = machine()
    print("Machine:", ", ".join(f"{k} {v}" for k, v in results["machine"].items()))
    print(table(results))
    args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"JSON: {args.json}")


if __name__ == "__main__":
    main()
