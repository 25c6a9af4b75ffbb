"""The IAM policies under docs/: real actions, covering what the code calls.

S3 permissions (the MMS media bucket) are object-level and scoped to a key
prefix: nothing here lets Home Assistant's key write anywhere in a bucket.
"""

from fnmatch import fnmatchcase
from pathlib import Path
import re

import botocore.session
import pytest

from custom_components.aws_eum_x.const import (
    OPT_OUT_REMOVAL_ACTIONS,
    OPTIONAL_ACTIONS,
    REQUIRED_ACTIONS,
    SANDBOX_VERIFICATION_ACTIONS,
)

from .test_cloudformation import _as_list, _load, _policy

ROOT = Path(__file__).parents[1]
DOCS = ROOT / "docs"
IAM = DOCS / "iam"
ASSUME_ROLE = IAM / "assume-role"
SESSION = botocore.session.get_session()

# IAM action prefix -> botocore service name (the API's name in the SDKs).
SERVICES = {
    "sms-voice": "pinpoint-sms-voice-v2",
    "sts": "sts",
    "sqs": "sqs",
    "sns": "sns",
    "s3": "s3",
    "iam": "iam",
}
SMS_MODEL = SESSION.get_service_model("pinpoint-sms-voice-v2")
S3_MODEL = SESSION.get_service_model("s3")
OPERATIONS = set(SMS_MODEL.operation_names)
# Calls (SendVoiceMessage) and picture messages (SendMediaMessage) are
# optional features: in the recommended policy and the boundary, never in the
# minimal one.
FEATURE_ACTIONS = frozenset(
    {"sms-voice:SendVoiceMessage", "sms-voice:SendMediaMessage"}
)
SEND_OPERATIONS = frozenset(
    {"SendTextMessage"} | {a.split(":")[1] for a in FEATURE_ACTIONS}
)
MEDIA_POLICY = IAM / "media-policy.json"
# The media bucket's template sets the prefix the policy's placeholder uses.
MEDIA_TEMPLATE = DOCS / "aws" / "media.yaml"
# An S3 object ARN limited to a key prefix: bucket name as S3 (and
# SendMediaMessage's MediaUrls pattern) allow, then one or more "segment/"
# and a single trailing wildcard.
S3_PREFIX_ARN = re.compile(
    r"arn:aws:s3:::(?P<bucket>[a-z0-9][a-z0-9.-]{1,61}[a-z0-9])"
    r"/(?P<prefix>(?:[A-Za-z0-9_.-]+/)+)\*"
)
# The policies that grant SMS permissions; they name nothing but sms-voice.
SMS_POLICIES = (
    IAM / "minimal-policy.json",
    IAM / "recommended-policy.json",
    IAM / "scoped-policy-example.json",
    ASSUME_ROLE / "role-policy.json",
    ASSUME_ROLE / "permissions-boundary.json",
)
POLICIES = sorted(DOCS.rglob("*.json"))


def _actions(policy: Path) -> set[str]:
    actions: set[str] = set()
    for statement in _policy(policy)["Statement"]:
        actions.update(_as_list(statement["Action"]))
    return actions


def _operations(prefix: str) -> list[str]:
    return SESSION.get_service_model(SERVICES[prefix]).operation_names


def _matches(pattern: str) -> set[str]:
    """The ``prefix:Operation`` names a (possibly wildcard) action matches."""
    prefix, operation = pattern.split(":")
    return {
        f"{prefix}:{name}"
        for name in _operations(prefix)
        if fnmatchcase(name.lower(), operation.lower())
    }


def _called_operations() -> set[str]:
    """Every service operation api.py calls, by its botocore method name."""
    source = (ROOT / "custom_components" / "aws_eum_x" / "api.py").read_text()
    methods = set(re.findall(r"\._(?:describe|send)\.([a-z_]+)\(", source))
    methods.discard("get_paginator")  # a botocore helper, not an operation
    # Paginated calls name the operation as a string.
    methods |= set(re.findall(r'(?:_pages|get_paginator)\(\s*"([a-z_]+)"', source))
    return {"".join(part.title() for part in m.split("_")) for m in methods}


def test_every_policy_file_is_checked() -> None:
    """The recursive glob finds the policies of every directory under docs/."""
    names = {p.relative_to(DOCS).as_posix() for p in POLICIES}
    assert {
        "iam/minimal-policy.json",
        "iam/receiving-policy.json",
        "iam/assume-role/trust-policy.json",
        "iam/assume-role/role-policy.json",
        "iam/assume-role/permissions-boundary.json",
        "iam/assume-role/user-policy.json",
        "iam/media-policy.json",
    } <= names
    assert set(SMS_POLICIES) <= set(POLICIES)


@pytest.mark.parametrize(
    "policy", POLICIES, ids=[p.relative_to(DOCS).as_posix() for p in POLICIES]
)
def test_every_action_is_a_real_operation(policy: Path) -> None:
    """Each action names (or, with a wildcard, matches) a botocore operation."""
    document = _policy(policy)
    assert document["Version"] == "2012-10-17"
    assert document["Statement"], f"{policy.name} has no statement"
    for statement in document["Statement"]:
        assert statement["Effect"] in {"Allow", "Deny"}
        assert "NotAction" not in statement, "list actions explicitly"
        for action in _as_list(statement["Action"]):
            prefix, _, operation = action.partition(":")
            assert prefix in SERVICES, f"{action}: unknown IAM prefix {prefix!r}"
            assert operation.strip("*"), f"{action}: grants a whole service"
            assert _matches(action), f"{action} matches no {SERVICES[prefix]} call"


@pytest.mark.parametrize(
    "policy", POLICIES, ids=[p.relative_to(DOCS).as_posix() for p in POLICIES]
)
def test_principal_only_in_trust_policies(policy: Path) -> None:
    """A Principal makes a trust policy: it may only allow assuming the role.

    Identity policies (attached to a user or role) name a Resource instead.
    """
    for statement in _policy(policy)["Statement"]:
        if "Principal" in statement:
            assert _as_list(statement["Action"]) == ["sts:AssumeRole"]
            assert "Resource" not in statement
        else:
            assert statement["Resource"]


@pytest.mark.parametrize(
    "policy", SMS_POLICIES, ids=[p.relative_to(DOCS).as_posix() for p in SMS_POLICIES]
)
def test_sms_policies_name_only_sms_voice(policy: Path) -> None:
    """The SMS policies use the IAM prefix sms-voice, not the API's name."""
    for action in _actions(policy):
        prefix = action.split(":")[0]
        assert prefix == "sms-voice", f"{action}: the IAM prefix is sms-voice"
        assert _matches(action) <= {f"sms-voice:{o}" for o in OPERATIONS}


def test_minimal_policy_is_exactly_the_required_actions() -> None:
    """The minimal policy grants what sending needs, nothing more."""
    assert _actions(IAM / "minimal-policy.json") == set(REQUIRED_ACTIONS)


def test_recommended_policy_covers_every_call() -> None:
    """Every operation the integration calls is in the recommended policy.

    It grants the required and optional read actions, plus the send actions
    of calls and picture messages (whether or not const.py lists them).
    """
    called = _called_operations()
    assert {"SendTextMessage", "DescribePhoneNumbers", "DescribePools"} <= called
    granted = {a.split(":")[1] for a in _actions(IAM / "recommended-policy.json")}
    assert called <= granted
    assert granted == {
        a.split(":")[1]
        for a in set(
            REQUIRED_ACTIONS
            + OPTIONAL_ACTIONS
            + SANDBOX_VERIFICATION_ACTIONS
            + OPT_OUT_REMOVAL_ACTIONS
        )
        | FEATURE_ACTIONS
    }


def test_calls_and_picture_messages_are_optional() -> None:
    """Voice and MMS sending: real operations, recommended, never required."""
    for action in FEATURE_ACTIONS:
        operation = action.split(":")[1]
        assert operation in OPERATIONS
        # Both send to one destination from an origination identity.
        shape = SMS_MODEL.operation_model(operation).input_shape
        assert {"DestinationPhoneNumber", "OriginationIdentity"} <= set(
            shape.required_members
        )
    assert _actions(IAM / "recommended-policy.json") >= FEATURE_ACTIONS
    assert not _actions(IAM / "minimal-policy.json") & FEATURE_ACTIONS
    assert not set(REQUIRED_ACTIONS) & FEATURE_ACTIONS
    # In a statement of their own, so that removing it removes both features.
    statements = _policy(IAM / "recommended-policy.json")["Statement"]
    (features,) = [
        s for s in statements if set(_as_list(s["Action"])) & FEATURE_ACTIONS
    ]
    assert set(_as_list(features["Action"])) == FEATURE_ACTIONS


@pytest.mark.parametrize(
    "policy", POLICIES, ids=[p.relative_to(DOCS).as_posix() for p in POLICIES]
)
def test_s3_permissions_are_object_level_under_a_prefix(policy: Path) -> None:
    """No policy grants S3 bucket-wide: only objects under a key prefix."""
    for statement in _policy(policy)["Statement"]:
        s3_actions = [a for a in _as_list(statement["Action"]) if a.startswith("s3:")]
        if not s3_actions:
            continue
        assert statement["Effect"] == "Allow"
        for action in s3_actions:
            assert "*" not in action, f"{action}: list S3 actions explicitly"
            # Object-level operations take a Key: their resource is an object.
            shape = S3_MODEL.operation_model(action.split(":")[1]).input_shape
            assert "Key" in shape.required_members, f"{action} is not per object"
        for resource in _as_list(statement["Resource"]):
            match = S3_PREFIX_ARN.fullmatch(resource)
            assert match, f"{resource}: not an object ARN under a key prefix"
            assert "*" not in match["bucket"] + match["prefix"]


def test_media_policy_is_put_and_get_under_the_prefix() -> None:
    """Upload and read the MMS media, in one bucket, under the default prefix.

    AWS: "The identity used to call send-media-message must have read access
    to the Amazon S3 bucket that contains your media files"
    (https://docs.aws.amazon.com/sms-voice/latest/userguide/send-mms-message.html),
    hence s3:GetObject next to s3:PutObject.
    """
    assert _actions(MEDIA_POLICY) == {"s3:PutObject", "s3:GetObject"}
    (statement,) = _policy(MEDIA_POLICY)["Statement"]
    assert "Condition" not in statement
    (resource,) = _as_list(statement["Resource"])
    match = S3_PREFIX_ARN.fullmatch(resource)
    assert match
    # The placeholder prefix is the template's default, so the policy and
    # the lifecycle rule cover the same keys out of the box.
    template = _load(MEDIA_TEMPLATE)
    default = template["Parameters"]["MediaPrefix"]["Default"]
    assert match["prefix"] == default == "aws-eum-x/"
    # Bucket-wide, or a prefix without its "/", is not "under a prefix".
    for too_wide in (
        f"arn:aws:s3:::{match['bucket']}/*",
        f"arn:aws:s3:::{match['bucket']}/aws-eum-x*",
        "arn:aws:s3:::*/aws-eum-x/*",
    ):
        assert not S3_PREFIX_ARN.fullmatch(too_wide)
    # A media URL built from the placeholder fits SendMediaMessage's pattern.
    url_shape = SMS_MODEL.operation_model("SendMediaMessage").input_shape.members[
        "MediaUrls"
    ]
    media_url = f"s3://{match['bucket']}/{match['prefix']}2026-01-31/snapshot.jpg"
    assert re.fullmatch(url_shape.member.metadata["pattern"], media_url)
    assert url_shape.metadata["max"] == 1  # one picture per message


def test_receiving_policy_is_exactly_three_sqs_actions_on_one_queue() -> None:
    """Reading the events queue: receive, delete, attributes; that queue only."""
    policy = IAM / "receiving-policy.json"
    assert _actions(policy) == {
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
    }
    for statement in _policy(policy)["Statement"]:
        assert statement["Effect"] == "Allow"
        resources = _as_list(statement["Resource"])
        assert resources == ["arn:aws:sqs:us-east-1:123456789012:aws-eum-x-events"]
        assert "*" not in resources[0]


def test_assume_role_user_policy_is_exactly_assume_role() -> None:
    """The user's own policy lets it assume the SMS role and nothing else."""
    policy = ASSUME_ROLE / "user-policy.json"
    assert _actions(policy) == {"sts:AssumeRole"}
    (statement,) = _policy(policy)["Statement"]
    (resource,) = _as_list(statement["Resource"])
    assert re.fullmatch(r"arn:aws:iam::\d{12}:role/[\w+=,.@-]+", resource)


def test_assume_role_role_policy_equals_the_minimal_policy() -> None:
    """The role holds the minimal SMS actions, the same set as the key would."""
    assert _actions(ASSUME_ROLE / "role-policy.json") == _actions(
        IAM / "minimal-policy.json"
    )


def test_trust_policy_names_the_user_and_requires_the_external_id() -> None:
    """Only the Home Assistant user may assume the role, with the external ID."""
    user_policy = _policy(ASSUME_ROLE / "user-policy.json")
    role_arn = user_policy["Statement"][0]["Resource"]
    account = role_arn.split(":")[4]
    (statement,) = _policy(ASSUME_ROLE / "trust-policy.json")["Statement"]
    assert statement["Effect"] == "Allow"
    (principal,) = _as_list(statement["Principal"]["AWS"])
    assert re.fullmatch(rf"arn:aws:iam::{account}:user/[\w+=,.@-]+", principal)
    external_id = statement["Condition"]["StringEquals"]["sts:ExternalId"]
    assert isinstance(external_id, str)
    assert 2 <= len(external_id) <= 1224
    assert re.fullmatch(r"[\w+=,.@:/-]+", external_id)


def test_boundary_allows_the_role_policy_and_nothing_outside_sms_voice() -> None:
    """The permissions boundary caps the role without cutting what it needs."""
    boundary = _policy(ASSUME_ROLE / "permissions-boundary.json")
    allowed: set[str] = set()
    for statement in boundary["Statement"]:
        assert statement["Effect"] == "Allow"
        for pattern in _as_list(statement["Action"]):
            assert pattern.startswith("sms-voice:")
            allowed |= _matches(pattern)
        regions = statement["Condition"]["StringEquals"]["aws:RequestedRegion"]
        assert _as_list(regions), "the boundary limits the regions"
        assert set(_as_list(regions)) <= set(
            SESSION.get_available_regions("pinpoint-sms-voice-v2")
        )
    role_actions = _actions(ASSUME_ROLE / "role-policy.json")
    assert role_actions <= allowed
    # The optional actions fit too (read actions, calls and picture
    # messages), so the recommended policy can be attached to the role
    # without touching the boundary.
    assert set(OPTIONAL_ACTIONS) | FEATURE_ACTIONS <= allowed
    assert _actions(IAM / "recommended-policy.json") <= allowed
    # Reading and sending only: no Create/Update/Delete/Put/Release..., but
    # for verifying a destination in the SMS sandbox (adding a number to the
    # sandbox's list spends nothing and changes no identity).
    verification = {
        a.split(":")[1] for a in SANDBOX_VERIFICATION_ACTIONS + OPT_OUT_REMOVAL_ACTIONS
    }
    for action in allowed:
        operation = action.split(":")[1]
        assert (
            operation.startswith("Describe")
            or operation in SEND_OPERATIONS
            or operation in verification
        )
