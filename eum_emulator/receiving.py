"""Create in the emulator what ``docs/aws/receiving.yaml`` creates in AWS.

The SNS topic ``aws-eum-x-events`` with a policy letting AWS End User
Messaging SMS publish to it; the SQS queue ``aws-eum-x-events`` (4 days'
retention, 20 s receive wait, SQS-managed encryption) that only the topic may
send to, subscribed to the topic with raw message delivery; the
configuration set ``home-alerts`` with the SNS event destination
``aws-eum-x-sns`` for the TEXT_, VOICE_ and MEDIA_ event types; and two-way
SMS on the demo toll-free number pointed at the topic. Every step is a real,
signed API call to the emulator (as in docs/aws/README.md, option 2), and
running it again changes nothing.

From Python: :func:`provision_receiving` or ``Emulator.provision_receiving``;
from a shell: ``python -m eum_emulator.provision --endpoint-url URL``.
"""

from contextlib import ExitStack
import json
from typing import Any, Final

from botocore.exceptions import ClientError
import botocore.session

from .simulator import MEDIA_EVENT_TYPES, TEXT_EVENT_TYPES, VOICE_EVENT_TYPES
from .state import DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY

TOPIC_NAME: Final = "aws-eum-x-events"
QUEUE_NAME: Final = "aws-eum-x-events"
CONFIGURATION_SET_NAME: Final = "home-alerts"
EVENT_DESTINATION_NAME: Final = "aws-eum-x-sns"
TWO_WAY_NUMBER: Final = "+18885550100"
# docs/aws/receiving.yaml: every TEXT_, VOICE_ and MEDIA_ value of the API's
# EventType except the ALL filters and TEXT_SENT ("The TEXT_SENT event type
# is not supported").
MATCHING_EVENT_TYPES: Final = tuple(
    sorted(TEXT_EVENT_TYPES | VOICE_EVENT_TYPES | MEDIA_EVENT_TYPES)
)
# docs/aws/receiving.yaml's Queue: 4 days, the longest long-polling wait.
QUEUE_ATTRIBUTES: Final = {
    "MessageRetentionPeriod": "345600",
    "ReceiveMessageWaitTimeSeconds": "20",
    "SqsManagedSseEnabled": "true",
}


def _topic_policy(topic_arn: str, region: str, account: str) -> str:
    """Return the topic policy of docs/aws/receiving.yaml (TopicPolicy)."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AllowEndUserMessagingSmsToPublish",
                    "Effect": "Allow",
                    "Principal": {"Service": "sms-voice.amazonaws.com"},
                    "Action": "sns:Publish",
                    "Resource": topic_arn,
                    "Condition": {
                        "StringEquals": {"aws:SourceAccount": account},
                        "ArnLike": {
                            "aws:SourceArn": f"arn:aws:sms-voice:{region}:{account}:*"
                        },
                    },
                }
            ],
        }
    )


def _queue_policy(queue_arn: str, topic_arn: str) -> str:
    """Return the queue policy of docs/aws/receiving.yaml (QueuePolicy)."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AllowOnlyTheTopic",
                    "Effect": "Allow",
                    "Principal": {"Service": "sns.amazonaws.com"},
                    "Action": "sqs:SendMessage",
                    "Resource": queue_arn,
                    "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}},
                }
            ],
        }
    )


def _error_code(err: ClientError) -> str:
    return str(err.response.get("Error", {}).get("Code", ""))


def _ensure_configuration_set(sms: Any, name: str, topic_arn: str) -> None:
    """Create the configuration set and its SNS event destination, or update them."""
    try:
        sms.create_configuration_set(ConfigurationSetName=name)
    except ClientError as err:
        if _error_code(err) != "ConflictException":
            raise
    destination: dict[str, Any] = {
        "ConfigurationSetName": name,
        "EventDestinationName": EVENT_DESTINATION_NAME,
        "MatchingEventTypes": list(MATCHING_EVENT_TYPES),
        "SnsDestination": {"TopicArn": topic_arn},
    }
    try:
        sms.create_event_destination(**destination)
    except ClientError as err:
        if _error_code(err) != "ConflictException":
            raise
        sms.update_event_destination(**destination, Enabled=True)


def _enable_two_way(sms: Any, phone_number: str, topic_arn: str) -> str:
    """Point the number's two-way channel at the topic; return the number's ID.

    A number in a pool takes its pool's settings: AWS refuses
    UpdatePhoneNumber for it, so the pool is updated (docs/aws/README.md).
    """
    numbers = sms.describe_phone_numbers()["PhoneNumbers"]
    number = next((n for n in numbers if n["PhoneNumber"] == phone_number), None)
    if number is None:
        raise LookupError(f"The account has no phone number {phone_number}")
    if "PoolId" in number:
        sms.update_pool(
            PoolId=number["PoolId"], TwoWayEnabled=True, TwoWayChannelArn=topic_arn
        )
    else:
        sms.update_phone_number(
            PhoneNumberId=number["PhoneNumberId"],
            TwoWayEnabled=True,
            TwoWayChannelArn=topic_arn,
        )
    return str(number["PhoneNumberId"])


def provision_receiving(
    endpoint_url: str,
    *,
    region: str = "us-east-1",
    access_key_id: str = DEMO_ACCESS_KEY_ID,
    secret_access_key: str = DEMO_SECRET_ACCESS_KEY,
    configuration_set_name: str = CONFIGURATION_SET_NAME,
    topic_name: str = TOPIC_NAME,
    queue_name: str = QUEUE_NAME,
    phone_number: str = TWO_WAY_NUMBER,
) -> dict[str, str]:
    """Create the receiving resources through the emulator's API.

    Args:
        endpoint_url: The emulator's URL.
        region: Where to create them (the region of the phone numbers).
        access_key_id: A key of the emulated account allowed to do it all.
        secret_access_key: Its secret.
        configuration_set_name: The configuration set to create or reuse.
        topic_name: The SNS topic.
        queue_name: The SQS queue.
        phone_number: The number to receive two-way SMS on.

    Returns:
        CloudFormation's outputs (``QueueUrl``, ``QueueArn``, ``TopicArn``,
        ``ConfigurationSetName``) and ``SubscriptionArn``,
        ``EventDestinationName``, ``TwoWayPhoneNumber``, ``PhoneNumberId``,
        ``Region``. The queue URL is on the emulator's URL.
    """
    session = botocore.session.get_session()
    options: dict[str, Any] = {
        "region_name": region,
        "endpoint_url": endpoint_url,
        "aws_access_key_id": access_key_id,
        "aws_secret_access_key": secret_access_key,
    }
    with ExitStack() as stack:
        # botocore's clients are built at run time: typed as Any.
        clients: list[Any] = [
            session.create_client(name, **options)
            for name in ("sns", "sqs", "pinpoint-sms-voice-v2", "sts")
        ]
        sns, sqs, sms, sts = clients
        for client in clients:
            stack.callback(client.close)
        account = sts.get_caller_identity()["Account"]
        topic_arn = sns.create_topic(Name=topic_name)["TopicArn"]
        sns.set_topic_attributes(
            TopicArn=topic_arn,
            AttributeName="Policy",
            AttributeValue=_topic_policy(topic_arn, region, account),
        )
        queue_url = sqs.create_queue(
            QueueName=queue_name, Attributes=dict(QUEUE_ATTRIBUTES)
        )["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(
            QueueUrl=queue_url, AttributeNames=["QueueArn"]
        )["Attributes"]["QueueArn"]
        sqs.set_queue_attributes(
            QueueUrl=queue_url,
            Attributes={"Policy": _queue_policy(queue_arn, topic_arn)},
        )
        # Subscribing again with the same endpoint returns the same one.
        subscription_arn = sns.subscribe(
            TopicArn=topic_arn,
            Protocol="sqs",
            Endpoint=queue_arn,
            Attributes={"RawMessageDelivery": "true"},
            ReturnSubscriptionArn=True,
        )["SubscriptionArn"]
        _ensure_configuration_set(sms, configuration_set_name, topic_arn)
        phone_number_id = _enable_two_way(sms, phone_number, topic_arn)
    return {
        "QueueUrl": queue_url,
        "QueueArn": queue_arn,
        "TopicArn": topic_arn,
        "SubscriptionArn": subscription_arn,
        "ConfigurationSetName": configuration_set_name,
        "EventDestinationName": EVENT_DESTINATION_NAME,
        "TwoWayPhoneNumber": phone_number,
        "PhoneNumberId": phone_number_id,
        "Region": region,
    }
