"""Provisioning docs/aws/receiving.yaml's resources in the emulator."""

import asyncio
import json
import runpy
import sys

from botocore.exceptions import ClientError
import pytest

from eum_emulator import (
    AccessKey,
    AccountState,
    Emulator,
    PhoneNumber,
    provision_media_bucket,
    provision_receiving,
)
from eum_emulator.provision import main
from eum_emulator.receiving import MATCHING_EVENT_TYPES


async def test_provision_creates_the_receiving_resources(
    aws_client, emulator, receiving
) -> None:
    """Topic, queue, raw subscription, event destination and two-way number."""
    assert receiving == {
        "QueueUrl": f"{emulator.url}/123456789012/aws-eum-x-events",
        "QueueArn": "arn:aws:sqs:us-east-1:123456789012:aws-eum-x-events",
        "TopicArn": "arn:aws:sns:us-east-1:123456789012:aws-eum-x-events",
        "SubscriptionArn": receiving["SubscriptionArn"],
        "ConfigurationSetName": "home-alerts",
        "EventDestinationName": "aws-eum-x-sns",
        "TwoWayPhoneNumber": "+18885550100",
        "PhoneNumberId": receiving["PhoneNumberId"],
        "Region": "us-east-1",
    }
    sns = await aws_client("sns")
    sqs = await aws_client("sqs")
    sms = await aws_client()

    topic = (await sns.get_topic_attributes(TopicArn=receiving["TopicArn"]))[
        "Attributes"
    ]
    [statement] = json.loads(topic["Policy"])["Statement"]
    assert statement["Principal"] == {"Service": "sms-voice.amazonaws.com"}
    assert statement["Condition"]["ArnLike"] == {
        "aws:SourceArn": "arn:aws:sms-voice:us-east-1:123456789012:*"
    }
    queue = (
        await sqs.get_queue_attributes(
            QueueUrl=receiving["QueueUrl"], AttributeNames=["All"]
        )
    )["Attributes"]
    assert queue["MessageRetentionPeriod"] == "345600"
    assert queue["ReceiveMessageWaitTimeSeconds"] == "20"
    [statement] = json.loads(queue["Policy"])["Statement"]
    assert statement["Condition"] == {
        "ArnEquals": {"aws:SourceArn": receiving["TopicArn"]}
    }
    subscription = (
        await sns.get_subscription_attributes(
            SubscriptionArn=receiving["SubscriptionArn"]
        )
    )["Attributes"]
    assert subscription["RawMessageDelivery"] == "true"
    assert subscription["Endpoint"] == receiving["QueueArn"]

    [config_set] = (
        await sms.describe_configuration_sets(ConfigurationSetNames=["home-alerts"])
    )["ConfigurationSets"]
    assert config_set["EventDestinations"] == [
        {
            "EventDestinationName": "aws-eum-x-sns",
            "Enabled": True,
            "MatchingEventTypes": list(MATCHING_EVENT_TYPES),
            "SnsDestination": {"TopicArn": receiving["TopicArn"]},
        }
    ]
    [number] = (
        await sms.describe_phone_numbers(PhoneNumberIds=[receiving["PhoneNumberId"]])
    )["PhoneNumbers"]
    assert number["PhoneNumber"] == "+18885550100"
    assert (number["TwoWayEnabled"], number["TwoWayChannelArn"]) == (
        True,
        receiving["TopicArn"],
    )


async def test_provisioning_again_changes_nothing(
    aws_client, emulator, receiving
) -> None:
    """A second run reuses every resource and re-enables the destination."""
    sms = await aws_client()
    await sms.update_event_destination(
        ConfigurationSetName="home-alerts",
        EventDestinationName="aws-eum-x-sns",
        Enabled=False,
    )
    again = await asyncio.to_thread(emulator.provision_receiving)
    assert again == receiving
    [config_set] = (await sms.describe_configuration_sets())["ConfigurationSets"]
    assert config_set["EventDestinations"][0]["Enabled"] is True
    sqs = await aws_client("sqs")
    assert (await sqs.list_queues())["QueueUrls"] == [receiving["QueueUrl"]]


@pytest.fixture
def account_state() -> AccountState:
    """A number outside any pool, and a key that may only read."""
    state = AccountState()
    state.phone_numbers.append(PhoneNumber("+12025550100", "US"))
    state.access_keys.insert(
        0, AccessKey("TESTKEYREADER", "secret", allowed_actions=["sms-voice:Describe*"])
    )
    return state


async def test_provision_other_names_and_a_number_outside_a_pool(
    aws_client, emulator
) -> None:
    """Other names and number; an unknown number or a refused call stop it."""
    outputs = await asyncio.to_thread(
        provision_receiving,
        emulator.url,
        configuration_set_name="garage",
        topic_name="garage",
        queue_name="garage",
        phone_number="+12025550100",
    )
    assert outputs["QueueUrl"].endswith("/garage")
    sms = await aws_client()
    [number] = (
        await sms.describe_phone_numbers(PhoneNumberIds=[outputs["PhoneNumberId"]])
    )["PhoneNumbers"]
    assert (number["PhoneNumber"], number["TwoWayChannelArn"]) == (
        "+12025550100",
        outputs["TopicArn"],
    )
    assert "PoolId" not in number

    with pytest.raises(LookupError, match="no phone number"):
        await asyncio.to_thread(
            provision_receiving, emulator.url, phone_number="+19995550100"
        )
    emulator.add_fault(
        "error", operation="CreateConfigurationSet", code="AccessDeniedException"
    )
    with pytest.raises(ClientError, match="AccessDenied"):
        await asyncio.to_thread(provision_receiving, emulator.url)
    emulator.add_fault(
        "error", operation="CreateEventDestination", code="AccessDeniedException"
    )
    with pytest.raises(ClientError, match="AccessDenied"):
        await asyncio.to_thread(provision_receiving, emulator.url)


def test_provision_needs_a_key_that_may_do_it(socket_enabled) -> None:
    """Without a long-term key allowed everything, the method says so."""
    state = AccountState(
        access_keys=[AccessKey("TESTKEYREADER", "s", allowed_actions=["sqs:*"])]
    )
    with Emulator(state) as emulator, pytest.raises(RuntimeError, match="no key"):
        emulator.provision_receiving()


async def test_command_line(emulator, capsys, monkeypatch) -> None:
    """``python -m eum_emulator.provision`` prints the outputs, or why not."""
    code = await asyncio.to_thread(main, ["--endpoint-url", emulator.url])
    assert code == 0
    lines = capsys.readouterr().out.splitlines()
    assert (
        lines[0]
        == f"QueueUrl               {emulator.url}/123456789012/aws-eum-x-events"
    )
    assert (
        await asyncio.to_thread(main, ["--endpoint-url", emulator.url, "--json"]) == 0
    )
    assert json.loads(capsys.readouterr().out)["ConfigurationSetName"] == "home-alerts"

    # Nothing listens on port 9 (discard) of the loopback; do not retry.
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    code = await asyncio.to_thread(main, ["--endpoint-url", "http://127.0.0.1:9"])
    assert code == 1
    assert "eum_emulator.provision:" in capsys.readouterr().err


async def test_provision_the_media_bucket(aws_client, emulator) -> None:
    """docs/aws/media.yaml's bucket: private, encrypted, uploads expire in a day."""
    outputs = await asyncio.to_thread(emulator.provision_media_bucket)
    assert outputs == {
        "MediaBucket": "aws-eum-x-media",
        "MediaPrefix": "aws-eum-x/",
        "MediaRegion": "us-east-1",
    }
    s3 = await aws_client("s3")
    [rule] = (await s3.get_bucket_lifecycle_configuration(Bucket="aws-eum-x-media"))[
        "Rules"
    ]
    assert rule["Filter"] == {"Prefix": "aws-eum-x/"}
    assert rule["Expiration"] == {"Days": 1}
    assert rule["Status"] == "Enabled"
    blocked = (await s3.get_public_access_block(Bucket="aws-eum-x-media"))[
        "PublicAccessBlockConfiguration"
    ]
    assert all(blocked.values())
    [encryption] = (await s3.get_bucket_encryption(Bucket="aws-eum-x-media"))[
        "ServerSideEncryptionConfiguration"
    ]["Rules"]
    assert encryption["ApplyServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "AES256"
    }
    ownership = await s3.get_bucket_ownership_controls(Bucket="aws-eum-x-media")
    assert ownership["OwnershipControls"]["Rules"] == [
        {"ObjectOwnership": "BucketOwnerEnforced"}
    ]
    # Again: nothing changes, whether S3 answers a second CreateBucket with
    # success (us-east-1) or with BucketAlreadyOwnedByYou (elsewhere).
    assert await asyncio.to_thread(emulator.provision_media_bucket) == outputs
    emulator.add_fault(
        "error", operation="CreateBucket", code="BucketAlreadyOwnedByYou", status=409
    )
    assert await asyncio.to_thread(emulator.provision_media_bucket) == outputs
    emulator.add_fault(
        "error", operation="CreateBucket", code="BucketAlreadyExists", status=409
    )
    with pytest.raises(ClientError, match="BucketAlreadyExists"):
        await asyncio.to_thread(emulator.provision_media_bucket)


async def test_a_media_bucket_in_another_region(aws_client, emulator) -> None:
    """Outside us-east-1 the bucket is created with its location constraint."""
    outputs = await asyncio.to_thread(
        provision_media_bucket,
        emulator.url,
        bucket="london-media",
        prefix="doorbell/",
        region="eu-west-2",
    )
    assert outputs["MediaRegion"] == "eu-west-2"
    s3 = await aws_client("s3", region="eu-west-2")
    location = await s3.get_bucket_location(Bucket="london-media")
    assert location["LocationConstraint"] == "eu-west-2"
    [rule] = (await s3.get_bucket_lifecycle_configuration(Bucket="london-media"))[
        "Rules"
    ]
    assert rule["Filter"] == {"Prefix": "doorbell/"}


async def test_command_line_with_a_media_bucket(emulator, capsys) -> None:
    """``--media-bucket`` adds the bucket and its prefix to the outputs."""
    code = await asyncio.to_thread(
        main, ["--endpoint-url", emulator.url, "--media-bucket", "aws-eum-x-media"]
    )
    assert code == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("QueueUrl ")
    assert "MediaBucket            aws-eum-x-media" in lines
    assert "MediaPrefix            aws-eum-x/" in lines


def test_module_runs_as_a_script(emulator, monkeypatch, capsys) -> None:
    """The module's ``__main__`` guard runs main and exits with its code."""
    monkeypatch.setattr(
        sys, "argv", ["provision", "--endpoint-url", emulator.url, "--json"]
    )
    monkeypatch.delitem(sys.modules, "eum_emulator.provision")
    with pytest.raises(SystemExit) as exited:
        runpy.run_module("eum_emulator.provision", run_name="__main__")
    assert exited.value.code == 0
    assert "QueueUrl" in capsys.readouterr().out
