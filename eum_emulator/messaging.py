"""Publishing what AWS would publish: delivery events and inbound SMS.

An accepted SendTextMessage whose configuration set has an enabled SNS event
destination publishes TEXT_PENDING at once, then the message's final event
``delivery_delay_seconds`` later, to each destination whose
MatchingEventTypes select them. A SendMediaMessage does the same with
MEDIA_PENDING and a MEDIA_ final event, which is a MEDIA_FILE_ one when its
file is not one AWS can send (media.media_problem). A SendVoiceMessage
publishes its call's events (simulator.CALL_EVENTS), each
``delivery_delay_seconds`` after the one before. It all happens in the
emulator's event loop after the answer is sent, as AWS reports events after
it accepted a message. An SMS "sent" to a two-way number is published to the
number's topic.
"""

import asyncio
from datetime import UTC, datetime
import logging
from typing import TYPE_CHECKING

from .delivery import PlannedDelivery, event_record, wants
from .errors import AwsError, InboundError
from .gateway import PublishError
from .media import media_problem

if TYPE_CHECKING:
    from .gateway import MotoGateway
    from .service import SmsVoiceService

_LOGGER = logging.getLogger(__name__)


class Messaging:
    """Delivery events and inbound SMS of one emulator, published through moto."""

    def __init__(self, service: SmsVoiceService, gateway: MotoGateway) -> None:
        """Publish for ``service`` through ``gateway``."""
        self._service = service
        self._gateway = gateway
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        # Counts for /_emulator/health.
        self.events_published = 0
        self.events_failed = 0
        self.inbound_messages = 0

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Publish from ``loop`` from now on."""
        self._loop = loop
        self._service.delivery_listener = self.schedule

    async def stop(self) -> None:
        """Drop the events not published yet: the emulator is stopping."""
        self._service.delivery_listener = None
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._loop = None

    def schedule(self, plan: PlannedDelivery) -> None:
        """Publish a message's events soon (safe to call from any thread)."""
        loop = self._loop
        if loop is not None:
            loop.call_soon_threadsafe(self._start_task, plan)

    def _start_task(self, plan: PlannedDelivery) -> None:
        task = asyncio.get_running_loop().create_task(self._deliver(plan))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, plan: PlannedDelivery) -> None:
        events = plan.events
        if plan.media is not None:
            media = plan.media
            try:
                stored = await self._gateway.stored_object(
                    media.bucket, media.key, media.region
                )
            except AwsError:
                # The emulator is stopping: nothing more is published.
                return
            problem = media_problem(media, stored)
            if problem is not None:
                events = (*events[:-1], problem)
        first = True
        for event_type in events:
            if not first:
                await asyncio.sleep(plan.delay_seconds)
            first = False
            record = event_record(plan.message, event_type, datetime.now(UTC))
            for topic_arn, matching in plan.topics:
                if wants(matching, event_type):
                    await self._publish_event(topic_arn, record)

    async def _publish_event(self, topic_arn: str, record: str) -> None:
        try:
            await self._gateway.publish(topic_arn, record)
        except PublishError as err:
            # AWS drops events it cannot publish; the emulator says so.
            self.events_failed += 1
            _LOGGER.warning("delivery event not published: %s", err)
        else:
            self.events_published += 1

    async def receive(
        self,
        from_number: str,
        to_number: str,
        body: str,
        reply_to_message_id: str | None = None,
    ) -> str:
        """Publish an SMS a customer sent to one of the account's numbers.

        Returns:
            The inbound message ID (the payload's ``inboundMessageId``).

        Raises:
            InboundError: The number cannot receive it (see
                SmsVoiceService.receive_inbound), or its two-way topic does
                not exist (reason TWO_WAY_TOPIC_NOT_PRESENT).
        """
        inbound = self._service.receive_inbound(
            from_number, to_number, body, reply_to_message_id
        )
        try:
            await self._gateway.publish(inbound.topic_arn, inbound.payload)
        except PublishError as err:
            raise InboundError("TWO_WAY_TOPIC_NOT_PRESENT", str(err)) from err
        self.inbound_messages += 1
        return inbound.inbound_message_id
