"""The SQS queue AWS's delivery events and replies arrive on.

An SNS topic receives End User Messaging's event records and two-way
replies; an SQS queue subscribed to it holds them until Home Assistant,
behind NAT with no open port, long-polls for them. This module is the
queue's typed client: it checks a queue URL, receives, and deletes.

Like api.py, it imports nothing from Home Assistant.
"""

import contextlib
from dataclasses import dataclass, replace
import re
from typing import TYPE_CHECKING, Final, Self

from yarl import URL

from .aws_errors import AwsRequestError, AwsSmsError, translated

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from aiobotocore.session import ClientCreatorContext
    from types_aiobotocore_sqs.client import SQSClient

    from .api import AwsConnection, _ClientSettings

# Long polling: ReceiveMessage waits up to 20 s for a message (SQS's most)
# and answers as soon as one arrives; the read timeout must be longer.
# https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-short-and-long-polling.html
WAIT_TIME_SECONDS: Final = 20
# SQS hands out at most 10 messages per ReceiveMessage.
MAX_MESSAGES: Final = 10
# Reading is safe to repeat (a message not deleted comes back), so botocore
# may retry; the read timeout leaves room above the 20 s wait.
QUEUE_CONFIG: Final[_ClientSettings] = {
    "retries": {"mode": "standard", "total_max_attempts": 3},
    "connect_timeout": 10,
    "read_timeout": WAIT_TIME_SECONDS + 10,
}
# sqs.<region>.amazonaws.com, or the legacy <region>.queue.amazonaws.com.
_AWS_QUEUE_HOST: Final = re.compile(
    r"(?:sqs\.(?P<a>[a-z0-9-]+)|(?P<b>[a-z0-9-]+)\.queue)\.amazonaws\.com(?:\.cn)?"
)
_QUEUE_PATH: Final = re.compile(r"/(?P<account>\d{12})/(?P<name>[\w-]{1,80})")


class AwsQueueNotFoundError(AwsSmsError):
    """The queue does not exist (or not in that region, or not for that key)."""

    translation_key = "queue_not_found"


class InvalidQueueUrlError(ValueError):
    """The text is not an SQS queue URL."""


@dataclass(frozen=True)
class QueueAddress:
    """Where a queue is: its URL, the region it is in, and the endpoint."""

    url: str
    region: str | None
    endpoint_url: str | None
    account_id: str
    name: str

    @property
    def arn(self) -> str:
        """Return the queue's ARN (for the IAM policy that grants reading it)."""
        return f"arn:aws:sqs:{self.region or '*'}:{self.account_id}:{self.name}"


def parse_queue_url(url: str) -> QueueAddress:
    """Return where the queue at ``url`` is.

    An AWS URL names its region in the host; SQS is then reached at its own
    regional endpoint. Any other host (the emulator, a proxy) is the
    endpoint, and the region is the entry's.
    """
    parsed = URL(url.strip())
    path = _QUEUE_PATH.fullmatch(parsed.path)
    if parsed.scheme not in ("http", "https") or not parsed.host or path is None:
        raise InvalidQueueUrlError(url)
    host = _AWS_QUEUE_HOST.fullmatch(parsed.host)
    if host is not None:
        region = host.group("a") or host.group("b")
        endpoint = None
    else:
        region = None
        endpoint = str(parsed.origin())
    return QueueAddress(
        url=str(parsed),
        region=region,
        endpoint_url=endpoint,
        account_id=path.group("account"),
        name=path.group("name"),
    )


@dataclass(frozen=True)
class QueueMessage:
    """One message received: its body, and what deletes it."""

    message_id: str
    body: str
    receipt_handle: str


class QueueClient:
    """Reads one queue with the entry's credentials."""

    def __init__(self, connection: AwsConnection, address: QueueAddress) -> None:
        """Read ``address`` with ``connection``'s credentials."""
        self.address = address
        self._connection = replace(
            connection,
            region=address.region or connection.region,
            endpoint_url=address.endpoint_url,
        )
        self._sqs: SQSClient | None = None

    def _client(self) -> ClientCreatorContext[SQSClient]:
        return self._connection.session.create_client(
            "sqs",
            **self._connection.client_kwargs(QUEUE_CONFIG, self.address.endpoint_url),
        )

    @contextlib.asynccontextmanager
    async def opened(self) -> AsyncIterator[Self]:
        """Keep one SQS client open for every call made inside.

        Creating a client costs milliseconds of the event loop's time: a
        listener polling for hours opens one, not one per poll and delete.
        """
        async with self._client() as sqs:
            self._sqs = sqs
            try:
                yield self
            finally:
                self._sqs = None

    @contextlib.asynccontextmanager
    async def _sqs_client(self) -> AsyncIterator[SQSClient]:
        """Return the open client, or one for this call alone."""
        if self._sqs is not None:
            yield self._sqs
            return
        async with self._client() as sqs:
            yield sqs

    async def check(self) -> None:
        """Prove the queue exists and the credentials may read it.

        GetQueueAttributes needs sqs:GetQueueAttributes, one of the three
        actions of docs/iam/receiving-policy.json.
        """
        async with self._sqs_client() as sqs:
            with _queue_errors("GetQueueAttributes"):
                await sqs.get_queue_attributes(
                    QueueUrl=self.address.url, AttributeNames=["QueueArn"]
                )

    async def receive(
        self, wait_seconds: int = WAIT_TIME_SECONDS
    ) -> list[QueueMessage]:
        """Long-poll for up to 10 messages; an empty list when none came."""
        async with self._sqs_client() as sqs:
            with _queue_errors("ReceiveMessage"):
                answer = await sqs.receive_message(
                    QueueUrl=self.address.url,
                    MaxNumberOfMessages=MAX_MESSAGES,
                    WaitTimeSeconds=wait_seconds,
                    MessageSystemAttributeNames=["SentTimestamp"],
                )
        return [
            QueueMessage(m["MessageId"], m["Body"], m["ReceiptHandle"])
            for m in answer.get("Messages", [])
        ]

    async def delete(self, message: QueueMessage) -> None:
        """Delete a processed message, so it is not received again."""
        async with self._sqs_client() as sqs:
            with _queue_errors("DeleteMessage"):
                await sqs.delete_message(
                    QueueUrl=self.address.url, ReceiptHandle=message.receipt_handle
                )


@contextlib.contextmanager
def _queue_errors(operation: str) -> Iterator[None]:
    """Translate errors, naming the queue action and a missing queue."""
    try:
        with translated(operation, f"sqs:{operation}"):
            yield
    except AwsRequestError as err:
        if err.code not in _NOT_FOUND_CODES:
            raise
        raise AwsQueueNotFoundError(str(err)) from err


# SQS's JSON protocol answers QueueDoesNotExist; the query protocol's code is
# AWS.SimpleQueueService.NonExistentQueue.
_NOT_FOUND_CODES: Final = frozenset(
    {"QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue"}
)
