"""SNS, SQS and S3 from moto, behind the emulator's front door on its URL."""

import asyncio
from datetime import UTC, datetime
import json
import threading
import time
from typing import Any
from urllib.parse import urlencode

from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession
import aiohttp
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from moto.sns.models import sns_backends
import pytest

from eum_emulator import (
    DEMO_ACCESS_KEY_ID,
    DEMO_SECRET_ACCESS_KEY,
    AccessKey,
    AccountState,
    Emulator,
)
from eum_emulator.gateway import _s3_action
from eum_emulator.sigv4 import credential_service

from .conftest import PATIENCE

NO_RETRIES = AioConfig(retries={"total_max_attempts": 1})
# SQS's longest long poll. An answer that comes before it ran out was not
# made to wait for it: how much sooner is this machine's business.
MAX_WAIT = 20
READER_KEY = "TESTKEYQUEUEREADER"
READER_SECRET = "queuereaderEXAMPLEKEYqueuereaderEXAMPLE0"


@pytest.fixture
def account_state() -> AccountState:
    """The demo account plus a key that may only read queues."""
    state = AccountState()
    state.access_keys.append(
        AccessKey(
            READER_KEY,
            READER_SECRET,
            user_name="queue-reader",
            allowed_actions=["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:Get*"],
        )
    )
    return state


async def _error(call) -> dict:
    with pytest.raises(ClientError) as caught:
        await call
    return caught.value.response


async def _health(emulator: Emulator) -> dict[str, Any]:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{emulator.url}/_emulator/health") as resp,
    ):
        return await resp.json()


async def _signed(
    emulator: Emulator,
    service: str,
    *,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    method: str = "POST",
    path: str = "/",
    secret: str = DEMO_SECRET_ACCESS_KEY,
) -> tuple[int, str]:
    """Send a request signed by hand, as no botocore client would send it."""
    url = f"{emulator.url}{path}"
    request = AWSRequest(method=method, url=url, data=body, headers=headers or {})
    SigV4Auth(Credentials(DEMO_ACCESS_KEY_ID, secret), service, "us-east-1").add_auth(
        request
    )
    async with (
        aiohttp.ClientSession() as http,
        http.request(
            method, url, data=body, headers=dict(request.headers.items())
        ) as resp,
    ):
        return resp.status, await resp.text()


async def test_sns_sqs_s3_through_the_emulator(aws_client, emulator) -> None:
    """Topics, queues and buckets work, and queue URLs are the emulator's."""
    sns = await aws_client("sns")
    sqs = await aws_client("sqs")
    s3 = await aws_client("s3")

    topic_arn = (await sns.create_topic(Name="alerts"))["TopicArn"]
    assert topic_arn == "arn:aws:sns:us-east-1:123456789012:alerts"
    queue_url = (await sqs.create_queue(QueueName="alerts"))["QueueUrl"]
    assert queue_url == f"{emulator.url}/123456789012/alerts"
    queue_arn = (
        await sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])
    )["Attributes"]["QueueArn"]
    await sns.subscribe(
        TopicArn=topic_arn,
        Protocol="sqs",
        Endpoint=queue_arn,
        Attributes={"RawMessageDelivery": "true"},
    )
    await sns.publish(TopicArn=topic_arn, Message="raw text")

    # A client given only the queue URL uses it as its endpoint.
    async with AioSession().create_client(
        "sqs",
        region_name="us-east-1",
        endpoint_url=queue_url.rsplit("/", 2)[0],
        aws_access_key_id=DEMO_ACCESS_KEY_ID,
        aws_secret_access_key=DEMO_SECRET_ACCESS_KEY,
    ) as by_url:
        answer = await by_url.receive_message(QueueUrl=queue_url, WaitTimeSeconds=1)
    assert [m["Body"] for m in answer["Messages"]] == ["raw text"]

    await s3.create_bucket(Bucket="home-alerts")
    key = "photos/front door ü+1.jpg"
    await s3.put_object(Bucket="home-alerts", Key=key, Body=b"jpeg bytes")
    assert (await s3.head_object(Bucket="home-alerts", Key=key))["ContentLength"] == 10
    got = await s3.get_object(Bucket="home-alerts", Key=key)
    assert await got["Body"].read() == b"jpeg bytes"
    listed = await s3.list_objects_v2(Bucket="home-alerts", Prefix="photos/")
    assert [o["Key"] for o in listed["Contents"]] == [key]
    assert [b["Name"] for b in (await s3.list_buckets())["Buckets"]] == ["home-alerts"]
    await s3.delete_object(Bucket="home-alerts", Key=key)

    health = await _health(emulator)
    assert health["moto_requests"] >= 12


@pytest.mark.parametrize(
    ("service", "call"),
    [
        ("sqs", lambda c: c.list_queues()),
        ("sns", lambda c: c.list_topics()),
        ("s3", lambda c: c.list_buckets()),
    ],
)
async def test_bad_secret_is_refused_before_moto(
    aws_client, emulator, service, call
) -> None:
    """A wrong secret fails at the front door, in the service's protocol."""
    client = await aws_client(service, secret_access_key="wrong" * 8)
    error = await _error(call(client))
    assert error["Error"]["Code"] == "SignatureDoesNotMatch"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert (await _health(emulator))["moto_requests"] == 0


async def test_unknown_and_expired_keys(aws_client, emulator) -> None:
    """Unknown keys and expired tokens, as each service names them."""
    sqs = await aws_client("sqs", access_key_id="TESTKEYUNKNOWN")
    assert (await _error(sqs.list_queues()))["Error"]["Code"] == "InvalidClientTokenId"
    sns = await aws_client("sns", access_key_id="TESTKEYUNKNOWN")
    assert (await _error(sns.list_topics()))["Error"]["Code"] == "InvalidClientTokenId"
    s3 = await aws_client("s3", access_key_id="TESTKEYUNKNOWN")
    error = await _error(s3.list_buckets())
    assert error["Error"]["Code"] == "InvalidAccessKeyId"
    assert error["Error"]["Message"] == (
        "The AWS Access Key Id you provided does not exist in our records."
    )

    with emulator.lock:
        emulator.state.access_keys.append(
            AccessKey(
                "TESTKEYEXPIRED",
                "expiredsecret",
                session_token="token",
                expires=datetime(2020, 1, 1, tzinfo=UTC),
            )
        )
    for service, call in (
        ("sqs", lambda c: c.list_queues()),
        ("s3", lambda c: c.list_buckets()),
        ("sns", lambda c: c.list_topics()),
    ):
        client = await aws_client(
            service,
            access_key_id="TESTKEYEXPIRED",
            secret_access_key="expiredsecret",
            session_token="token",
        )
        error = await _error(call(client))
        assert error["Error"]["Code"] == "ExpiredToken", service
    assert (await _health(emulator))["moto_requests"] == 0


async def test_allowed_actions_are_enforced(aws_client, emulator) -> None:
    """A key that may read a queue may not send to it, nor publish, nor S3."""
    admin = await aws_client("sqs")
    queue_url = (await admin.create_queue(QueueName="events"))["QueueUrl"]
    await admin.send_message(QueueUrl=queue_url, MessageBody="one")

    reader = await aws_client(
        "sqs", access_key_id=READER_KEY, secret_access_key=READER_SECRET
    )
    answer = await reader.receive_message(QueueUrl=queue_url, WaitTimeSeconds=1)
    assert [m["Body"] for m in answer["Messages"]] == ["one"]
    await reader.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])

    error = await _error(reader.send_message(QueueUrl=queue_url, MessageBody="x"))
    assert error["Error"]["Code"] == "AccessDenied"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert error["Error"]["Message"] == (
        "User: arn:aws:iam::123456789012:user/queue-reader is not authorized to "
        "perform: sqs:SendMessage on resource: "
        "arn:aws:sqs:us-east-1:123456789012:events because no identity-based "
        "policy allows the sqs:SendMessage action"
    )
    # A batch needs the single call's permission, as in IAM.
    error = await _error(
        reader.send_message_batch(
            QueueUrl=queue_url, Entries=[{"Id": "1", "MessageBody": "x"}]
        )
    )
    assert "perform: sqs:SendMessage on" in error["Error"]["Message"]
    error = await _error(reader.create_queue(QueueName="other"))
    assert "arn:aws:sqs:us-east-1:123456789012:other" in error["Error"]["Message"]
    error = await _error(reader.list_queues())
    assert "arn:aws:sqs:us-east-1:123456789012:*" in error["Error"]["Message"]

    sns = await aws_client(
        "sns", access_key_id=READER_KEY, secret_access_key=READER_SECRET
    )
    error = await _error(
        sns.publish(TopicArn="arn:aws:sns:us-east-1:123456789012:t", Message="x")
    )
    assert error["Error"]["Code"] == "AuthorizationError"
    assert (
        "sns:Publish on resource: arn:aws:sns:us-east-1:123456789012:t"
        in (error["Error"]["Message"])
    )
    error = await _error(sns.list_topics())
    assert "arn:aws:sns:us-east-1:123456789012:*" in error["Error"]["Message"]

    s3 = await aws_client(
        "s3", access_key_id=READER_KEY, secret_access_key=READER_SECRET
    )
    error = await _error(s3.get_object(Bucket="home-alerts", Key="a b.txt"))
    assert error["Error"]["Code"] == "AccessDenied"
    assert (
        "s3:GetObject on resource: arn:aws:s3:::home-alerts/a b.txt"
        in (error["Error"]["Message"])
    )
    error = await _error(s3.head_object(Bucket="home-alerts", Key="a"))
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 403
    error = await _error(s3.list_buckets())
    assert "arn:aws:s3:::*" in error["Error"]["Message"]


async def test_a_region_restriction_is_an_explicit_deny(aws_client, emulator) -> None:
    """A key limited to us-east-1 may not use SQS or SNS in us-west-2."""
    with emulator.lock:
        emulator.state.access_keys.append(
            AccessKey(
                "TESTKEYUSEASTONLY",
                "useastonlyEXAMPLEKEYuseastonlyEXAMPLEKEY",
                user_name="us-east-only",
                allowed_regions=["us-east-1"],
            )
        )
    key = {
        "access_key_id": "TESTKEYUSEASTONLY",
        "secret_access_key": "useastonlyEXAMPLEKEYuseastonlyEXAMPLEKEY",
    }
    east = await aws_client("sqs", region="us-east-1", **key)
    assert "QueueUrls" not in await east.list_queues()
    before = (await _health(emulator))["moto_requests"]

    west = await aws_client("sqs", region="us-west-2", **key)
    error = await _error(west.list_queues())
    assert error["Error"]["Code"] == "AccessDenied"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert error["Error"]["Message"] == (
        "User: arn:aws:iam::123456789012:user/us-east-only is not authorized to "
        "perform: sqs:ListQueues on resource: arn:aws:sqs:us-west-2:123456789012:* "
        "with an explicit deny in an identity-based policy"
    )
    sns = await aws_client("sns", region="us-west-2", **key)
    error = await _error(sns.list_topics())
    assert error["Error"]["Code"] == "AuthorizationError"
    assert error["Error"]["Message"].endswith(
        "with an explicit deny in an identity-based policy"
    )
    # Refused at the front door: moto never saw them.
    assert (await _health(emulator))["moto_requests"] == before


async def test_topic_exists_creates_no_backend(emulator) -> None:
    """Asking about a topic (from the loop's thread) leaves moto's backends be."""
    arn = "arn:aws:sns:us-east-1:999999999999:nowhere"
    assert not emulator.gateway.topic_exists(arn)
    assert not emulator.gateway.topic_exists("not an ARN")
    assert "999999999999" not in sns_backends


@pytest.mark.parametrize(
    ("method", "path", "action"),
    [
        ("GET", "/", "ListAllMyBuckets"),
        ("PUT", "/b", "CreateBucket"),
        ("GET", "/b?list-type=2&prefix=x", "ListBucket"),
        ("HEAD", "/b", "ListBucket"),
        ("POST", "/b?delete", "DeleteObject"),
        ("GET", "/b?location", "GetBucketLocation"),
        ("PUT", "/b?policy", "PutBucketPolicy"),
        ("OPTIONS", "/b", "ListBucket"),
        ("GET", "/b/k", "GetObject"),
        ("PUT", "/b/k/l", "PutObject"),
        ("POST", "/b/k?uploads", "PutObject"),
        ("DELETE", "/b/k?uploadId=1", "AbortMultipartUpload"),
        ("GET", "/b/k?tagging", "GetObjectTagging"),
        ("PATCH", "/b/k", "ListBucket"),
    ],
)
def test_s3_actions(method, path, action) -> None:
    """S3 requests map to IAM actions by method, bucket, key and sub-resource."""
    raw_path, _, query = path.partition("?")
    assert _s3_action(method, raw_path, query) == action


def test_credential_service() -> None:
    """The service is read from the credential scope, when there is one."""
    assert credential_service(None) is None
    assert credential_service("Basic abc") is None
    assert credential_service("AWS4-HMAC-SHA256 Credential=K/d/r/aws4_request") is None
    header = "AWS4-HMAC-SHA256 Credential=K/20260101/us-east-1/sqs/aws4_request, X"
    assert credential_service(header) == "sqs"


async def test_query_protocol_sqs_and_sns(emulator) -> None:
    """Query-protocol (form) SQS and SNS requests, answered in XML."""
    form = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    status, text = await _signed(
        emulator,
        "sqs",
        body=urlencode(
            {"Action": "CreateQueue", "QueueName": "old", "Version": "2012-11-05"}
        ).encode(),
        headers=form,
    )
    assert status == 200
    assert f"<QueueUrl>{emulator.url}/123456789012/old</QueueUrl>" in text
    queue_url = f"{emulator.url}/123456789012/old"
    await _signed(
        emulator,
        "sqs",
        body=urlencode(
            {
                "Action": "SendMessage",
                "QueueUrl": queue_url,
                "MessageBody": "hello",
                "Version": "2012-11-05",
            }
        ).encode(),
        headers=form,
    )
    receive = urlencode(
        {
            "Action": "ReceiveMessage",
            "QueueUrl": queue_url,
            "WaitTimeSeconds": "5",
            "Version": "2012-11-05",
        }
    ).encode()
    status, text = await _signed(emulator, "sqs", body=receive, headers=form)
    assert status == 200
    assert "<Body>hello</Body>" in text

    status, text = await _signed(
        emulator, "sqs", body=receive, headers=form, secret="wrong"
    )
    assert status == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in text
    assert 'xmlns="http://queue.amazonaws.com/doc/2012-11-05/"' in text

    status, text = await _signed(
        emulator,
        "sns",
        body=b"Action=ListTopics&Version=2010-03-31",
        headers=form,
        secret="wrong",
    )
    assert (status, "<Type>Sender</Type>" in text) == (403, True)


async def test_payload_hash_must_match_the_body(emulator) -> None:
    """A signed x-amz-content-sha256 that is not the body's hash is refused."""
    wrong_hash = {"X-Amz-Content-SHA256": "0" * 64}
    status, text = await _signed(
        emulator, "s3", method="PUT", path="/bucket-one", headers=wrong_hash
    )
    assert status == 400
    assert "<Code>XAmzContentSHA256Mismatch</Code>" in text
    status, text = await _signed(
        emulator,
        "sns",
        body=b"Action=ListTopics&Version=2010-03-31",
        headers={
            **wrong_hash,
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    assert (status, "<Code>SignatureDoesNotMatch</Code>" in text) == (403, True)


async def test_long_poll_returns_when_a_message_arrives(aws_client, emulator) -> None:
    """A 20 s long poll is answered by a publish; other calls go on meanwhile."""
    sqs = await aws_client("sqs")
    sns = await aws_client("sns")
    sms = await aws_client()
    queue_url = (await sqs.create_queue(QueueName="waiting"))["QueueUrl"]
    other_url = (await sqs.create_queue(QueueName="other"))["QueueUrl"]
    topic_arn = (await sns.create_topic(Name="waiting"))["TopicArn"]
    queue_arn = (
        await sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])
    )["Attributes"]["QueueArn"]
    await sns.subscribe(
        TopicArn=topic_arn,
        Protocol="sqs",
        Endpoint=queue_arn,
        Attributes={"RawMessageDelivery": "true"},
    )

    started = time.monotonic()
    poll = asyncio.create_task(
        sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=MAX_WAIT)
    )
    await asyncio.sleep(1.2)  # past one of the emulator's 1 s re-checks
    assert not poll.done()
    # The emulator answers other calls while the poll waits.
    other_sqs = await aws_client("sqs")
    await other_sqs.send_message(QueueUrl=other_url, MessageBody="elsewhere")
    assert (await sms.describe_phone_numbers())["PhoneNumbers"]
    assert not poll.done()
    await sns.publish(TopicArn=topic_arn, Message="now")
    answer = await poll
    assert [m["Body"] for m in answer["Messages"]] == ["now"]
    # Answered by the message, not at the end of the wait.
    assert time.monotonic() - started < MAX_WAIT


async def test_long_poll_without_messages_waits_its_time(aws_client, emulator) -> None:
    """An empty queue answers after the wait: the request's, else the queue's."""
    sqs = await aws_client("sqs")
    queue_url = (
        await sqs.create_queue(
            QueueName="slow", Attributes={"ReceiveMessageWaitTimeSeconds": "1"}
        )
    )["QueueUrl"]
    started = time.monotonic()
    answer = await sqs.receive_message(QueueUrl=queue_url)
    assert "Messages" not in answer
    # The queue's 1 s, not no wait, nor the longest.
    assert 0.9 < time.monotonic() - started < MAX_WAIT
    # The request's 0 s, not the queue's (made the longest to tell them apart).
    await sqs.set_queue_attributes(
        QueueUrl=queue_url, Attributes={"ReceiveMessageWaitTimeSeconds": "20"}
    )
    started = time.monotonic()
    await sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=0)
    assert time.monotonic() - started < MAX_WAIT


async def test_a_long_poll_counts_as_one_request(aws_client, emulator) -> None:
    """A long poll asks moto again and again; the health counts it once."""
    sqs = await aws_client("sqs")
    queue_url = (await sqs.create_queue(QueueName="quiet"))["QueueUrl"]
    before = (await _health(emulator))["moto_requests"]
    answer = await sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=2)
    assert "Messages" not in answer
    assert (await _health(emulator))["moto_requests"] == before + 1


async def test_invalid_wait_is_moto_s_to_refuse(emulator) -> None:
    """A wait SQS does not accept is refused, without waiting."""
    started = time.monotonic()
    status, text = await _signed(
        emulator,
        "sqs",
        body=json.dumps(
            {"QueueUrl": f"{emulator.url}/123456789012/none", "WaitTimeSeconds": 21}
        ).encode(),
        headers={
            "X-Amz-Target": "AmazonSQS.ReceiveMessage",
            "Content-Type": "application/x-amz-json-1.0",
        },
    )
    assert status == 400
    assert "QueueDoesNotExist" in text
    status, _ = await _signed(
        emulator,
        "sqs",
        body=json.dumps({"QueueUrl": "x", "WaitTimeSeconds": "soon"}).encode(),
        headers={
            "X-Amz-Target": "AmazonSQS.ReceiveMessage",
            "Content-Type": "application/x-amz-json-1.0",
        },
    )
    assert status >= 400
    # Refused, not waited on (21 s would be past the longest wait).
    assert time.monotonic() - started < MAX_WAIT


async def test_stopping_ends_a_long_poll(socket_enabled) -> None:
    """Stopping the emulator does not wait for a 20 s poll to run out."""
    emulator = Emulator()
    emulator.start()
    async with AioSession().create_client(
        "sqs",
        region_name="us-east-1",
        endpoint_url=emulator.url,
        aws_access_key_id=DEMO_ACCESS_KEY_ID,
        aws_secret_access_key=DEMO_SECRET_ACCESS_KEY,
    ) as sqs:
        queue_url = (await sqs.create_queue(QueueName="q"))["QueueUrl"]
        # Told (across threads) when the emulator has the poll: stopping
        # before that would refuse the request rather than end the poll.
        polling = threading.Event()
        receive = emulator.gateway._receive

        async def noted_receive(call: Any) -> Any:
            polling.set()
            return await receive(call)

        emulator.gateway._receive = noted_receive
        poll = asyncio.create_task(
            sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=MAX_WAIT)
        )
        assert await asyncio.to_thread(polling.wait, PATIENCE)
        started = time.monotonic()
        await asyncio.to_thread(emulator.stop)
        answer = await poll
        assert "Messages" not in answer
        # The poll ended with the emulator; its 20 s were not waited out.
        assert time.monotonic() - started < MAX_WAIT / 2


async def test_faults_apply_to_named_moto_operations(aws_client, emulator) -> None:
    """A fault naming ReceiveMessage applies to it; a catch-all one does not."""
    sqs = await aws_client("sqs")
    queue_url = (await sqs.create_queue(QueueName="faulty"))["QueueUrl"]
    emulator.add_fault("error", operation="*", status=500)
    emulator.add_fault(
        "error", operation="ReceiveMessage", code="OverLimit", status=403
    )
    error = await _error(sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=0))
    assert error["Error"]["Code"] == "OverLimit"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert [f.operation for f in emulator.faults.pending()] == ["*"]

    # S3 requests are named by their IAM action (the request has no name).
    s3 = await aws_client("s3", config=NO_RETRIES)
    emulator.add_fault(
        "error", operation="ListAllMyBuckets", code="InvalidRequest", status=400
    )
    error = await _error(s3.list_buckets())
    assert error["Error"]["Code"] == "InvalidRequest"
    sns = await aws_client("sns", config=NO_RETRIES)
    emulator.add_fault("error", operation="ListTopics", status=500)
    error = await _error(sns.list_topics())
    assert error["Error"]["Code"] == "InternalServerException"
    assert error["Error"]["Type"] == "Receiver"


async def test_moto_failure_is_an_internal_failure(
    aws_client, emulator, monkeypatch
) -> None:
    """A moto failure is answered 500 InternalFailure, not a dropped request."""

    def broken(environ):
        raise RuntimeError("boom")

    monkeypatch.setattr("eum_emulator.gateway._call_moto", broken)
    sqs = await aws_client("sqs", config=NO_RETRIES)
    error = await _error(sqs.list_queues())
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert error["Error"]["Message"] == "The emulated service failed: RuntimeError"


async def test_other_paths_and_methods(emulator) -> None:
    """Unsigned requests off the SMS and STS endpoint are not AWS's."""
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{emulator.url}/") as resp:
            assert resp.status == 405
        async with http.post(f"{emulator.url}/somewhere") as resp:
            assert resp.status == 404


async def test_moto_state_is_per_emulator(socket_enabled) -> None:
    """A new emulator starts with no queues."""
    for expected in ([], []):
        with Emulator() as emulator:
            async with AioSession().create_client(
                "sqs",
                region_name="us-east-1",
                endpoint_url=emulator.url,
                aws_access_key_id=DEMO_ACCESS_KEY_ID,
                aws_secret_access_key=DEMO_SECRET_ACCESS_KEY,
            ) as sqs:
                assert (await sqs.list_queues()).get("QueueUrls", []) == expected
                await sqs.create_queue(QueueName="left-behind")
