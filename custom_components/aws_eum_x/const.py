"""Constants for the AWS End User Messaging SMS integration."""

from datetime import timedelta
import logging
from typing import Final

DOMAIN: Final = "aws_eum_x"
LOGGER = logging.getLogger(__package__)

# Config entry data.
CONF_ACCESS_KEY_ID: Final = "access_key_id"
CONF_SECRET_ACCESS_KEY: Final = "secret_access_key"  # noqa: S105 - a key name
CONF_REGION: Final = "region"
CONF_ENDPOINT_URL: Final = "endpoint_url"
CONF_ACCOUNT_ID: Final = "account_id"
# How the entry authenticates: an access key, or a key that assumes a role.
CONF_AUTH_METHOD: Final = "auth_method"
AUTH_ACCESS_KEY: Final = "access_key"
AUTH_ASSUME_ROLE: Final = "assume_role"
# Home Assistant on AWS: botocore's default chain (task role, instance
# profile, environment); no key is stored.
AUTH_DEFAULT_CHAIN: Final = "default_chain"
CONF_ROLE_ARN: Final = "role_arn"
CONF_EXTERNAL_ID: Final = "external_id"
CONF_ROLE_SESSION_NAME: Final = "role_session_name"
# When the current access key was entered (ISO 8601), for the rotation reminder.
CONF_KEY_ADDED_AT: Final = "key_added_at"
DEFAULT_REGION: Final = "us-east-1"

# Options.
CONF_ORIGINATION_IDENTITY: Final = "origination_identity"
CONF_MESSAGE_TYPE: Final = "message_type"
CONF_CONFIGURATION_SET: Final = "configuration_set"
CONF_MAX_PRICE: Final = "max_price"
CONF_TIME_TO_LIVE: Final = "time_to_live"
CONF_MPS: Final = "messages_per_second"
CONF_DAILY_SEGMENT_CAP: Final = "daily_segment_cap"
# Days after which a repair issue asks to rotate the access key; 0: never.
# AWS's IAM best practices: rotate access keys regularly; 90 days is the
# figure of the project's IAM guide and of common compliance baselines.
CONF_KEY_ROTATION_DAYS: Final = "key_rotation_days"
DEFAULT_KEY_ROTATION_DAYS: Final = 90

# The message types as the options and the action take them (selector keys
# must be lower case), and AWS's name of each: the one place they map.
MESSAGE_TYPES: Final = {"transactional": "TRANSACTIONAL", "promotional": "PROMOTIONAL"}
DEFAULT_MESSAGE_TYPE: Final = "transactional"
# AWS's limits for TimeToLive, in seconds; AWS's own default is 72 hours.
MIN_TIME_TO_LIVE: Final = 5
MAX_TIME_TO_LIVE: Final = 259_200
# 0 means no daily cap.
DEFAULT_DAILY_SEGMENT_CAP: Final = 0
MAX_PRICE_PATTERN: Final = r"[0-9]{0,2}\.[0-9]{1,5}"

# The inventory changes only when someone leases or releases an identity in
# the AWS console. Every 30 minutes shows such a change within the hour for
# five Describe* calls a poll (240 a day), far below the service's quotas;
# the spend limit and tier change even more rarely.
UPDATE_INTERVAL: Final = timedelta(minutes=30)

# IAM actions: the minimal policy, and the optional reads that add sensors.
REQUIRED_ACTIONS: Final = (
    "sms-voice:SendTextMessage",
    "sms-voice:DescribePhoneNumbers",
    "sms-voice:DescribeSenderIds",
)
OPTIONAL_ACTIONS: Final = (
    "sms-voice:DescribePools",
    "sms-voice:DescribeAccountAttributes",
    "sms-voice:DescribeSpendLimits",
    "sms-voice:DescribeConfigurationSets",
    # Registration health and opt-outs nobody heard (compliance.py).
    "sms-voice:DescribeRegistrations",
    "sms-voice:DescribeRegistrationVersions",
    "sms-voice:DescribeOptedOutNumbers",
)
# Taking a recipient off an opt-out list from the opt-out repair issue.
OPT_OUT_REMOVAL_ACTIONS: Final = ("sms-voice:DeleteOptedOutNumber",)
# Verifying recipients while the account is in the SMS sandbox.
SANDBOX_VERIFICATION_ACTIONS: Final = (
    "sms-voice:DescribeVerifiedDestinationNumbers",
    "sms-voice:CreateVerifiedDestinationNumber",
    "sms-voice:SendDestinationNumberVerificationCode",
    "sms-voice:VerifyDestinationNumber",
)

ISSUE_MISSING_PERMISSIONS: Final = "missing_permissions"
ISSUE_REQUIRED_PERMISSION: Final = "required_permission_denied"
ISSUE_DAILY_CAP: Final = "daily_cap_reached"
ISSUE_DAILY_CALL_CAP: Final = "daily_call_cap_reached"
ISSUE_ROTATE_KEY: Final = "rotate_access_key"
ISSUE_QUEUE_UNAVAILABLE: Final = "queue_unavailable"
ISSUE_OPTED_OUT: Final = "recipient_opted_out"
# The SQS queue delivery events and replies arrive on (docs/aws/).
CONF_QUEUE_URL: Final = "queue_url"

# Recipients are config subentries.
SUBENTRY_RECIPIENT: Final = "recipient"
CONF_PHONE_NUMBER: Final = "phone_number"
# A recipient who is also called when an alert asks for a call.
CONF_CALL_CRITICAL: Final = "call_critical"

# Calls: the voice, a daily cap on call minutes (0: none), and a time to
# live short enough that a stale alarm does not ring an hour later.
CONF_VOICE: Final = "voice"
DEFAULT_VOICE: Final = "joanna"
CONF_DAILY_CALL_MINUTES_CAP: Final = "daily_call_minutes_cap"
DEFAULT_CALL_TIME_TO_LIVE: Final = 300
# Calls placed per second from one identity. AWS's voice limits page names
# an account quota "Calls per second" without a default value (and the
# sandbox allows five calls a minute): one a second is the cautious pace, and
# a throttled call is retried (AWS did not place it).
# https://docs.aws.amazon.com/end-user-messaging/latest/userguide/nx-voice-scale-limits.html
VOICE_CALLS_PER_SECOND: Final = 1.0

# Picture messages: local media is uploaded to this bucket, under the prefix
# (docs/aws/media.yaml; the bucket is in the entry's account and region).
CONF_MEDIA_BUCKET: Final = "media_bucket"
CONF_MEDIA_PREFIX: Final = "media_prefix"
DEFAULT_MEDIA_PREFIX: Final = "aws-eum-x/"
# A bucket name as SendMediaMessage's MediaUrls accept it, and a prefix of
# folders ending in "/" (docs/aws/media.yaml enforces the same).
MEDIA_BUCKET_PATTERN: Final = r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"
MEDIA_PREFIX_PATTERN: Final = r"([A-Za-z0-9_.-]+/)+"

# NumberCapabilities of a phone number (the API's enum).
CAPABILITY_VOICE: Final = "VOICE"
CAPABILITY_MMS: Final = "MMS"
CAPABILITY_LABELS: Final = {"SMS": "SMS", "VOICE": "voice calls", "MMS": "MMS"}

# Acknowledgement by reply (needs the event queue): the word the alert's
# line asks for ("Reply OK 4821 to acknowledge."), how long an alert stays
# open, and whether the replier gets a confirmation text.
CONF_ACK_WORD: Final = "acknowledgement_word"
CONF_ACK_EXPIRY: Final = "acknowledgement_expiry_minutes"
CONF_ACK_CONFIRM: Final = "acknowledgement_confirmation"
DEFAULT_ACK_EXPIRY_MINUTES: Final = 60
# A word a person types on a phone: letters only, short.
ACK_WORD_PATTERN: Final = r"[A-Za-z]{1,10}"
# The longest an action waits for an acknowledgement or an answer, in seconds.
MAX_WAIT_FOR_ACKNOWLEDGEMENT: Final = 3600

# The outbox: how long a message AWS could not be reached for is kept and
# sent again (0: it fails at once, as before). Per message: retry_for.
CONF_KEEP_UNSENT: Final = "keep_unsent_minutes"
DEFAULT_KEEP_UNSENT_MINUTES: Final = 60
