"""The CloudFormation templates and AWS CLI commands under docs/.

Every template passes cfn-lint; the receiving, media and assume-role templates
are checked against what AWS documents and against the JSON policies next to
them; every ``aws ...`` command in the Markdown names a real operation and
real parameters of botocore's model. Nothing here calls AWS.
"""

from collections.abc import Iterator
import json
from pathlib import Path
import re
import shlex
from typing import Any

from botocore import xform_name
from botocore.model import ListShape, MapShape, Shape, StructureShape
import botocore.session
from botocore.validate import validate_parameters
from cfnlint.api import lint_file
import cfnlint.decode
import pytest

ROOT = Path(__file__).parents[1]
DOCS = ROOT / "docs"
RECEIVING = DOCS / "aws" / "receiving.yaml"
MEDIA = DOCS / "aws" / "media.yaml"
AWS_README = DOCS / "aws" / "README.md"
ASSUME_ROLE = DOCS / "iam" / "assume-role"
ROLE_TEMPLATE = ASSUME_ROLE / "template.yaml"
TEMPLATES = sorted(DOCS.rglob("*.yaml"))
MARKDOWN = sorted(DOCS.rglob("*.md"))
SESSION = botocore.session.get_session()
SMS_MODEL = SESSION.get_service_model("pinpoint-sms-voice-v2")
S3_MODEL = SESSION.get_service_model("s3")
EVENT_TYPES = set(SMS_MODEL.shape_for("EventType").enum)
# The channels a configuration set reports on: SMS, calls, MMS.
CHANNELS = ("TEXT_", "VOICE_", "MEDIA_")


def _ids(paths: list[Path]) -> list[str]:
    return [p.relative_to(DOCS).as_posix() for p in paths]


def _load(path: Path) -> dict[str, Any]:
    """Parse a template with cfn-lint's loader (it knows !Ref, !GetAtt, !Sub)."""
    template, errors = cfnlint.decode.decode(path)
    assert not errors, [str(e) for e in errors]
    assert template is not None
    return dict(template)


def _policy(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _actions(statements: list[dict[str, Any]]) -> set[str]:
    return {a for s in statements for a in _as_list(s["Action"])}


def _one(template: dict[str, Any], resource_type: str) -> tuple[str, dict[str, Any]]:
    """The only resource of a type: its logical ID and its properties."""
    found = [
        (name, resource.get("Properties", {}))
        for name, resource in template["Resources"].items()
        if resource["Type"] == resource_type
    ]
    assert len(found) == 1, f"expected one {resource_type}, found {len(found)}"
    return found[0]


def _ref(name: str) -> dict[str, str]:
    return {"Ref": name}


def _arn_of(name: str) -> dict[str, list[str]]:
    return {"Fn::GetAtt": [name, "Arn"]}


def _json_blocks(markdown: Path) -> list[Any]:
    """The JSON code blocks of a Markdown file, parsed."""
    text = markdown.read_text(encoding="utf-8")
    return [json.loads(b) for b in re.findall(r"```json\n(.*?)```", text, re.DOTALL)]


# -- every template --------------------------------------------------------------


def test_templates_are_found() -> None:
    """The recursive glob finds the templates this documentation ships."""
    assert {RECEIVING, MEDIA, ROLE_TEMPLATE} <= set(TEMPLATES)


@pytest.mark.parametrize("template", TEMPLATES, ids=_ids(TEMPLATES))
def test_template_passes_cfn_lint(template: Path) -> None:
    """cfn-lint (errors and warnings, its bundled schemas) finds nothing."""
    matches = lint_file(template)
    assert not matches, "\n".join(str(m) for m in matches)


@pytest.mark.parametrize("template", TEMPLATES, ids=_ids(TEMPLATES))
def test_template_creates_no_access_key(template: Path) -> None:
    """A secret access key would end up in the stack's outputs: none is made."""
    text = json.dumps(_load(template))
    assert "AWS::IAM::AccessKey" not in text
    assert "SecretAccessKey" not in text


# -- receiving.yaml ---------------------------------------------------------------


@pytest.fixture(name="receiving", scope="module")
def fixture_receiving() -> dict[str, Any]:
    """The receiving template, parsed."""
    return _load(RECEIVING)


def test_queue_keeps_events_four_days_and_long_polls(
    receiving: dict[str, Any],
) -> None:
    """Retention 345,600 s (4 days); ReceiveMessage waits the maximum 20 s."""
    _, queue = _one(receiving, "AWS::SQS::Queue")
    assert queue["MessageRetentionPeriod"] == 4 * 24 * 60 * 60 == 345_600
    assert queue["ReceiveMessageWaitTimeSeconds"] == 20
    assert "FifoQueue" not in queue


def test_subscription_delivers_raw_to_the_queue(receiving: dict[str, Any]) -> None:
    """The queue gets AWS's JSON itself, not wrapped in SNS's envelope."""
    topic, _ = _one(receiving, "AWS::SNS::Topic")
    queue, _ = _one(receiving, "AWS::SQS::Queue")
    _, subscription = _one(receiving, "AWS::SNS::Subscription")
    assert subscription["RawMessageDelivery"] is True
    assert subscription["Protocol"] == "sqs"
    assert subscription["TopicArn"] == _ref(topic)
    assert subscription["Endpoint"] == _arn_of(queue)


def test_topic_policy_lets_only_sms_voice_of_this_account_publish(
    receiving: dict[str, Any],
) -> None:
    """sms-voice.amazonaws.com may publish, scoped by aws:SourceAccount/Arn."""
    topic, _ = _one(receiving, "AWS::SNS::Topic")
    _, policy = _one(receiving, "AWS::SNS::TopicPolicy")
    assert policy["Topics"] == [_ref(topic)]
    (statement,) = policy["PolicyDocument"]["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Principal"] == {"Service": "sms-voice.amazonaws.com"}
    assert _as_list(statement["Action"]) == ["sns:Publish"]
    assert statement["Resource"] == _ref(topic)
    condition = statement["Condition"]
    assert condition["StringEquals"]["aws:SourceAccount"] == _ref("AWS::AccountId")
    source_arn = condition["ArnLike"]["aws:SourceArn"]["Fn::Sub"]
    assert source_arn == (
        "arn:${AWS::Partition}:sms-voice:${AWS::Region}:${AWS::AccountId}:*"
    )


def test_queue_policy_accepts_only_the_topic(receiving: dict[str, Any]) -> None:
    """Only SNS, and only for this topic (aws:SourceArn), may send to it."""
    topic, _ = _one(receiving, "AWS::SNS::Topic")
    queue, _ = _one(receiving, "AWS::SQS::Queue")
    _, policy = _one(receiving, "AWS::SQS::QueuePolicy")
    assert policy["Queues"] == [_ref(queue)]
    statements = policy["PolicyDocument"]["Statement"]
    assert statements
    for statement in statements:
        assert statement["Effect"] == "Allow"
        assert statement["Principal"] == {"Service": "sns.amazonaws.com"}
        assert _as_list(statement["Action"]) == ["sqs:SendMessage"]
        assert statement["Resource"] == _arn_of(queue)
        assert statement["Condition"] == {"ArnEquals": {"aws:SourceArn": _ref(topic)}}


def test_event_destination_sends_sms_call_and_mms_events_to_the_topic(
    receiving: dict[str, Any],
) -> None:
    """Every supported TEXT_/VOICE_/MEDIA_ type of botocore's EventType."""
    topic, _ = _one(receiving, "AWS::SNS::Topic")
    _, configuration_set = _one(receiving, "AWS::SMSVOICE::ConfigurationSet")
    assert configuration_set["ConfigurationSetName"] == _ref("ConfigurationSetName")
    (destination,) = configuration_set["EventDestinations"]
    assert destination["Enabled"] is True
    assert destination["SnsDestination"] == {"TopicArn": _ref(topic)}
    name_shape = SMS_MODEL.shape_for("EventDestinationName")
    assert re.fullmatch(
        name_shape.metadata["pattern"], destination["EventDestinationName"]
    )

    types = destination["MatchingEventTypes"]
    assert len(types) == len(set(types))
    assert set(types) <= EVENT_TYPES
    assert len(types) <= SMS_MODEL.shape_for("EventTypeList").metadata["max"]
    # The final states of each channel reach Home Assistant: delivered or
    # not, the call answered or not, the picture readable or not.
    assert {
        "TEXT_DELIVERED",
        "TEXT_CARRIER_UNREACHABLE",
        "TEXT_SUCCESSFUL",
        "VOICE_COMPLETED",
        "VOICE_NO_ANSWER",
        "VOICE_BUSY",
        "VOICE_FAILED",
        "MEDIA_DELIVERED",
        "MEDIA_FILE_INACCESSIBLE",
        "MEDIA_FILE_TYPE_UNSUPPORTED",
        "MEDIA_FILE_SIZE_EXCEEDED",
    } <= set(types)
    # The model says TEXT_SENT is not supported; the catch-alls (ALL,
    # TEXT_ALL, VOICE_ALL, MEDIA_ALL) would take types added later without
    # review. Every other type of the three channels is listed.
    doc = (
        SMS_MODEL.operation_model("CreateEventDestination")
        .input_shape.members["MatchingEventTypes"]
        .documentation
    )
    assert "TEXT_SENT" in doc
    assert "not supported" in doc
    catch_alls = {"ALL"} | {f"{channel}ALL" for channel in CHANNELS}
    assert catch_alls <= EVENT_TYPES
    channel_types = {t for t in EVENT_TYPES if t.startswith(CHANNELS)}
    assert set(types) == channel_types - catch_alls - {"TEXT_SENT"}
    for channel in CHANNELS:
        assert any(t.startswith(channel) for t in types)


def test_configuration_set_waits_for_the_topic_policy(
    receiving: dict[str, Any],
) -> None:
    """AWS may check it can publish when the destination is created."""
    policy, _ = _one(receiving, "AWS::SNS::TopicPolicy")
    name, _ = _one(receiving, "AWS::SMSVOICE::ConfigurationSet")
    assert policy in _as_list(receiving["Resources"][name]["DependsOn"])


def test_parameters_have_valid_defaults(receiving: dict[str, Any]) -> None:
    """Every parameter has a default; the names fit AWS's constraints."""
    parameters = receiving["Parameters"]
    assert all("Default" in p for p in parameters.values())
    assert parameters["ConfigurationSetName"]["Default"] == "home-alerts"
    model_pattern = SMS_MODEL.shape_for("ConfigurationSetName").metadata["pattern"]
    for name in ("ConfigurationSetName", "TopicName", "QueueName"):
        default = parameters[name]["Default"]
        assert re.fullmatch(parameters[name]["AllowedPattern"], default)
    assert re.fullmatch(model_pattern, parameters["ConfigurationSetName"]["Default"])


def test_home_assistant_policy_matches_receiving_policy_json(
    receiving: dict[str, Any],
) -> None:
    """The optional managed policy grants what receiving-policy.json does."""
    queue, properties = _one(receiving, "AWS::SQS::Queue")
    name, policy = _one(receiving, "AWS::IAM::ManagedPolicy")
    assert receiving["Resources"][name]["Condition"] == "CreatePolicy"
    statements = policy["PolicyDocument"]["Statement"]
    reference = _policy(DOCS / "iam" / "receiving-policy.json")["Statement"]
    assert _actions(statements) == _actions(reference)
    assert all(s["Resource"] == _arn_of(queue) for s in statements)
    # The placeholder ARN in the JSON names the template's default queue.
    queue_name = receiving["Parameters"]["QueueName"]["Default"]
    assert properties["QueueName"] == _ref("QueueName")
    assert all(s["Resource"].endswith(f":{queue_name}") for s in reference)


def test_outputs(receiving: dict[str, Any]) -> None:
    """The queue URL and ARN, topic ARN and configuration set name."""
    topic, _ = _one(receiving, "AWS::SNS::Topic")
    queue, _ = _one(receiving, "AWS::SQS::Queue")
    configuration_set, _ = _one(receiving, "AWS::SMSVOICE::ConfigurationSet")
    outputs = {k: v["Value"] for k, v in receiving["Outputs"].items()}
    assert outputs["QueueUrl"] == _ref(queue)  # Ref of a queue is its URL
    assert outputs["QueueArn"] == _arn_of(queue)
    assert outputs["TopicArn"] == _ref(topic)  # Ref of a topic is its ARN
    assert outputs["ConfigurationSetName"] == _ref(configuration_set)


# -- media.yaml ---------------------------------------------------------------------


@pytest.fixture(name="media", scope="module")
def fixture_media() -> dict[str, Any]:
    """The media bucket template, parsed."""
    return _load(MEDIA)


def _lifecycle_rule(media: dict[str, Any]) -> dict[str, Any]:
    _, bucket = _one(media, "AWS::S3::Bucket")
    (rule,) = bucket["LifecycleConfiguration"]["Rules"]
    return dict(rule)


def test_media_bucket_is_private_encrypted_and_unversioned(
    media: dict[str, Any],
) -> None:
    """Public access blocked, ACLs off, SSE-S3, no versioning."""
    _, bucket = _one(media, "AWS::S3::Bucket")
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert bucket["OwnershipControls"] == {
        "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]
    }
    (encryption,) = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert encryption["ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    # Expiration deletes for good only on an unversioned bucket.
    assert "VersioningConfiguration" not in bucket
    assert "AccessControl" not in bucket
    assert "WebsiteConfiguration" not in bucket


def test_media_expires_one_day_after_upload_under_the_prefix(
    media: dict[str, Any],
) -> None:
    """One enabled rule: the prefix only, 1 day, unfinished uploads too."""
    rule = _lifecycle_rule(media)
    assert rule["Status"] == "Enabled"
    assert rule["Prefix"] == _ref("MediaPrefix")
    assert rule["ExpirationInDays"] == 1
    assert rule["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 1}
    assert not {"Transitions", "Transition", "TagFilters"} & set(rule)


def test_media_bucket_policy_only_denies_plain_http(media: dict[str, Any]) -> None:
    """TLS only, bucket and objects; it allows nothing, to no one.

    AWS documents read access for the identity that calls SendMediaMessage
    (https://docs.aws.amazon.com/sms-voice/latest/userguide/send-mms-message.html),
    not a bucket-policy grant to sms-voice.amazonaws.com: none is made.
    """
    bucket, _ = _one(media, "AWS::S3::Bucket")
    _, policy = _one(media, "AWS::S3::BucketPolicy")
    assert policy["Bucket"] == _ref(bucket)
    (statement,) = policy["PolicyDocument"]["Statement"]
    assert statement["Effect"] == "Deny"
    assert statement["Principal"] == "*"
    assert _as_list(statement["Action"]) == ["s3:*"]
    assert statement["Resource"] == [
        _arn_of(bucket),
        {"Fn::Sub": f"${{{bucket}.Arn}}/*"},
    ]
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert "sms-voice.amazonaws.com" not in json.dumps(policy)


def test_media_home_assistant_policy_matches_media_policy_json(
    media: dict[str, Any],
) -> None:
    """PutObject and GetObject on BUCKET/PREFIX* only, as media-policy.json."""
    bucket, _ = _one(media, "AWS::S3::Bucket")
    name, policy = _one(media, "AWS::IAM::ManagedPolicy")
    assert media["Resources"][name]["Condition"] == "CreatePolicy"
    statements = policy["PolicyDocument"]["Statement"]
    reference = _policy(DOCS / "iam" / "media-policy.json")["Statement"]
    assert _actions(statements) == _actions(reference)
    assert _actions(statements) == {"s3:PutObject", "s3:GetObject"}
    for statement in statements:
        assert statement["Effect"] == "Allow"
        assert statement["Resource"] == {
            "Fn::Sub": f"arn:${{AWS::Partition}}:s3:::${{{bucket}}}/${{MediaPrefix}}*"
        }
    # The JSON's placeholder uses the template's default prefix.
    default = media["Parameters"]["MediaPrefix"]["Default"]
    assert all(s["Resource"].endswith(f"/{default}*") for s in reference)


def test_media_parameters_accept_only_safe_names(media: dict[str, Any]) -> None:
    """Prefixes end with "/" and hold no wildcard; bucket names fit MediaUrls."""
    parameters = media["Parameters"]
    assert all("Default" in p for p in parameters.values())
    prefix = parameters["MediaPrefix"]
    assert prefix["Default"] == "aws-eum-x/"
    for good in ("aws-eum-x/", "home/assistant/", "a.b_c-d/"):
        assert re.fullmatch(prefix["AllowedPattern"], good), good
    # No trailing "/" would let BUCKET/PREFIX* match "aws-eum-x-other/...";
    # "*" and "?" are IAM wildcards; empty would be the whole bucket.
    for bad in ("aws-eum-x", "", "/aws-eum-x/", "*/", "a?/", "a//", "a/b"):
        assert not re.fullmatch(prefix["AllowedPattern"], bad), bad

    bucket_name = parameters["BucketName"]
    assert bucket_name["Default"] == ""  # CloudFormation generates one
    url_pattern = (
        SMS_MODEL.operation_model("SendMediaMessage")
        .input_shape.members["MediaUrls"]
        .member.metadata["pattern"]
    )
    for good in ("aws-eum-x-media-123456789012", "abc"):
        assert re.fullmatch(bucket_name["AllowedPattern"], good), good
        assert re.fullmatch(url_pattern, f"s3://{good}/aws-eum-x/x.jpg")
    for bad in ("Upper-case", "ab", "under_score", "-dash", "dash-", "a" * 64):
        assert not re.fullmatch(bucket_name["AllowedPattern"], bad), bad


def test_media_outputs(media: dict[str, Any]) -> None:
    """The two values the integration's options take, and the URL prefix."""
    bucket, _ = _one(media, "AWS::S3::Bucket")
    outputs = media["Outputs"]
    values = {k: v["Value"] for k, v in outputs.items()}
    assert values["MediaBucket"] == _ref(bucket)  # Ref of a bucket is its name
    assert values["MediaPrefix"] == _ref("MediaPrefix")
    assert values["MediaUrlPrefix"] == {
        "Fn::Sub": f"s3://${{{bucket}}}/${{MediaPrefix}}"
    }
    assert values["MediaBucketArn"] == _arn_of(bucket)
    assert outputs["HomeAssistantPolicyArn"]["Condition"] == "CreatePolicy"


# -- assume-role/template.yaml ------------------------------------------------------


@pytest.fixture(name="role_template", scope="module")
def fixture_role_template() -> dict[str, Any]:
    """The assume-role template, parsed."""
    return _load(ROLE_TEMPLATE)


def test_role_template_parameters(role_template: dict[str, Any]) -> None:
    """ExternalId is hidden; regions are a list; defaults match the JSON."""
    parameters = role_template["Parameters"]
    assert parameters["ExternalId"]["NoEcho"] is True
    assert "Default" not in parameters["ExternalId"]
    assert parameters["AllowedRegions"]["Type"] == "CommaDelimitedList"
    regions = parameters["AllowedRegions"]["Default"].split(",")
    (boundary,) = _policy(ASSUME_ROLE / "permissions-boundary.json")["Statement"]
    assert regions == boundary["Condition"]["StringEquals"]["aws:RequestedRegion"]

    (trust,) = _policy(ASSUME_ROLE / "trust-policy.json")["Statement"]
    assert trust["Principal"]["AWS"].endswith(
        f":user/{parameters['UserName']['Default']}"
    )
    (assume,) = _policy(ASSUME_ROLE / "user-policy.json")["Statement"]
    assert assume["Resource"].endswith(f":role/{parameters['RoleName']['Default']}")


def test_role_trusts_the_user_with_the_external_id(
    role_template: dict[str, Any],
) -> None:
    """Only the stack's user, presenting the external ID, may assume the role."""
    user, _ = _one(role_template, "AWS::IAM::User")
    _, role = _one(role_template, "AWS::IAM::Role")
    assert role["RoleName"] == _ref("RoleName")
    (statement,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Effect"] == "Allow"
    assert _as_list(statement["Action"]) == ["sts:AssumeRole"]
    assert statement["Principal"] == {"AWS": _arn_of(user)}
    assert statement["Condition"] == {
        "StringEquals": {"sts:ExternalId": _ref("ExternalId")}
    }


def test_role_holds_the_minimal_policy_within_the_boundary(
    role_template: dict[str, Any],
) -> None:
    """Inline policy = role-policy.json; boundary = permissions-boundary.json."""
    _, role = _one(role_template, "AWS::IAM::Role")
    boundary_name, boundary = _one(role_template, "AWS::IAM::ManagedPolicy")
    assert role["PermissionsBoundary"] == _ref(boundary_name)

    inline = [s for p in role["Policies"] for s in p["PolicyDocument"]["Statement"]]
    role_policy = _policy(ASSUME_ROLE / "role-policy.json")["Statement"]
    minimal = _policy(DOCS / "iam" / "minimal-policy.json")["Statement"]
    assert _actions(inline) == _actions(role_policy) == _actions(minimal)

    statements = boundary["PolicyDocument"]["Statement"]
    reference = _policy(ASSUME_ROLE / "permissions-boundary.json")["Statement"]
    assert _actions(statements) == _actions(reference)
    for statement in statements:
        regions = statement["Condition"]["StringEquals"]["aws:RequestedRegion"]
        assert regions == _ref("AllowedRegions")


def test_user_may_only_assume_the_role(role_template: dict[str, Any]) -> None:
    """The user's policy is user-policy.json: sts:AssumeRole on the role."""
    user, _ = _one(role_template, "AWS::IAM::User")
    role, _ = _one(role_template, "AWS::IAM::Role")
    _, user_policy = _one(role_template, "AWS::IAM::UserPolicy")
    assert user_policy["UserName"] == _ref(user)
    statements = user_policy["PolicyDocument"]["Statement"]
    reference = _policy(ASSUME_ROLE / "user-policy.json")["Statement"]
    assert _actions(statements) == _actions(reference) == {"sts:AssumeRole"}
    assert all(s["Resource"] == _arn_of(role) for s in statements)
    outputs = {k: v["Value"] for k, v in role_template["Outputs"].items()}
    assert outputs["RoleArn"] == _arn_of(role)


# -- AWS CLI commands in the Markdown ---------------------------------------------

# Options of the aws command itself, valid with any operation.
GLOBAL_OPTIONS = frozenset(
    {"region", "output", "query", "profile", "endpoint-url", "no-cli-pager"}
)
# awscli commands that are not API operations (awscli customizations), with
# the options used here; `aws cloudformation deploy help` lists them.
CUSTOM_COMMANDS = {
    ("cloudformation", "deploy"): {
        "template-file",
        "stack-name",
        "capabilities",
        "parameter-overrides",
    },
}
# awscli renames a few parameters (awscli/customizations/argrename.py).
RENAMED = {("sns", "subscribe", "notification-endpoint"): "Endpoint"}
# awscli command names that are not botocore's service names: `aws s3api` is
# the S3 API (`aws s3` holds awscli's own high-level commands).
SERVICE_NAMES = {"s3api": "s3"}
SEPARATORS = frozenset({")", "|", "&&", "||", ";"})


def _shell_lines(markdown: Path) -> Iterator[str]:
    """The logical lines (continuations joined) of the shell code blocks."""
    text = markdown.read_text(encoding="utf-8")
    for block in re.findall(r"```(?:sh|bash|shell)\n(.*?)```", text, re.DOTALL):
        yield from block.replace("\\\n", " ").splitlines()


def _aws_commands(markdown: Path) -> Iterator[tuple[str, str, dict[str, list[str]]]]:
    """Every ``aws SERVICE COMMAND --option value...`` in the shell blocks."""
    for line in _shell_lines(markdown):
        tokens = shlex.split(line.replace("$(", " ").replace(")", " ) "))
        for start, token in enumerate(tokens):
            if token != "aws":
                continue
            service, command = tokens[start + 1], tokens[start + 2]
            options: dict[str, list[str]] = {}
            current: list[str] | None = None
            for arg in tokens[start + 3 :]:
                if arg in SEPARATORS:
                    break
                if arg.startswith("--"):
                    current = options.setdefault(arg[2:], [])
                else:
                    assert current is not None, f"stray argument {arg!r}: {line}"
                    current.append(arg)
            yield service, command, options


def _member(
    service: str, command: str, option: str, shape: StructureShape
) -> tuple[str, Shape] | None:
    """The input member an option sets, or None."""
    if (renamed := RENAMED.get((service, command, option))) is not None:
        return renamed, shape.members[renamed]
    by_option = {xform_name(name, "-"): name for name in shape.members}
    if option in by_option:
        return by_option[option], shape.members[by_option[option]]
    negated = by_option.get(option.removeprefix("no-"))
    if (
        option.startswith("no-")
        and negated is not None
        and shape.members[negated].type_name == "boolean"
    ):
        return negated, shape.members[negated]
    return None


def _check_values(option: str, member: Shape, values: list[str]) -> None:
    """Enum values must be the model's; booleans take no value."""
    if member.type_name == "boolean":
        assert not values, f"--{option} is a flag"
        return
    assert values, f"--{option} needs a value"
    if isinstance(member, MapShape):
        # Shorthand key=value,key=value: the keys must be the model's.
        (value,) = values
        keys = getattr(member.key, "enum", None)
        if keys and not value.startswith("file://"):
            for pair in value.split(","):
                assert pair.split("=")[0] in keys, f"--{option} {pair}: unknown key"
        return
    enum_shape = member.member if isinstance(member, ListShape) else member
    enum = getattr(enum_shape, "enum", None)
    if enum:
        for value in values:
            if not value.startswith("$"):
                assert value in enum, f"--{option} {value}: not in enum"


@pytest.mark.parametrize("markdown", MARKDOWN, ids=_ids(MARKDOWN))
def test_cli_commands_match_botocore(markdown: Path) -> None:
    """Real operations, real parameters, all required ones, valid enums."""
    for service, command, options in _aws_commands(markdown):
        given = set(options) - GLOBAL_OPTIONS
        if (service, command) in CUSTOM_COMMANDS:
            assert given <= CUSTOM_COMMANDS[service, command]
            continue
        model = SESSION.get_service_model(SERVICE_NAMES.get(service, service))
        operations = {xform_name(name, "-"): name for name in model.operation_names}
        assert command in operations, f"aws {service} {command}: no such operation"
        shape = model.operation_model(operations[command]).input_shape
        assert shape is not None or not given
        if shape is None:
            continue
        set_members = set()
        for option in given:
            found = _member(service, command, option, shape)
            assert found, f"aws {service} {command} --{option}: no such parameter"
            set_members.add(found[0])
            _check_values(option, found[1], options[option])
        missing = set(shape.required_members) - set_members
        assert not missing, f"aws {service} {command}: missing {missing}"


def _commands(markdown: Path, service: str, command: str) -> list[dict[str, list[str]]]:
    return [o for s, c, o in _aws_commands(markdown) if (s, c) == (service, command)]


def test_readme_cli_covers_the_setup() -> None:
    """docs/aws/README.md shows every step, consistent with the template."""
    readme = DOCS / "aws" / "README.md"
    receiving = _load(RECEIVING)
    for service, command in (
        ("sns", "create-topic"),
        ("sns", "set-topic-attributes"),
        ("sqs", "create-queue"),
        ("sqs", "set-queue-attributes"),
        ("pinpoint-sms-voice-v2", "create-configuration-set"),
        ("cloudformation", "deploy"),
    ):
        assert _commands(readme, service, command), f"aws {service} {command}"

    (subscribe,) = _commands(readme, "sns", "subscribe")
    assert subscribe["protocol"] == ["sqs"]
    assert subscribe["attributes"] == ["RawMessageDelivery=true"]

    (create_queue,) = _commands(readme, "sqs", "create-queue")
    (attributes,) = create_queue["attributes"]
    _, queue = _one(receiving, "AWS::SQS::Queue")
    assert dict(pair.split("=") for pair in attributes.split(",")) == {
        "MessageRetentionPeriod": str(queue["MessageRetentionPeriod"]),
        "ReceiveMessageWaitTimeSeconds": str(queue["ReceiveMessageWaitTimeSeconds"]),
        "SqsManagedSseEnabled": "true",
    }

    (destination,) = _commands(
        readme, "pinpoint-sms-voice-v2", "create-event-destination"
    )
    _, configuration_set = _one(receiving, "AWS::SMSVOICE::ConfigurationSet")
    (template_destination,) = configuration_set["EventDestinations"]
    assert (
        destination["matching-event-types"]
        == template_destination["MatchingEventTypes"]
    )
    assert destination["sns-destination"] == ["TopicArn=$TOPIC_ARN"]


def test_readme_turns_two_way_on_with_one_call_and_no_role() -> None:
    """update-phone-number with the topic; TwoWayChannelRole is optional."""
    (two_way,) = _commands(
        DOCS / "aws" / "README.md", "pinpoint-sms-voice-v2", "update-phone-number"
    )
    assert two_way["two-way-enabled"] == []
    assert two_way["two-way-channel-arn"] == ["$TOPIC_ARN"]
    assert "two-way-channel-role" not in two_way
    shape = SMS_MODEL.operation_model("UpdatePhoneNumber").input_shape
    assert "TwoWayChannelRole" in shape.members
    assert "TwoWayChannelRole" not in shape.required_members
    assert "optional" in shape.members["TwoWayChannelRole"].documentation.lower()


def test_readme_updates_an_existing_destination_with_every_type() -> None:
    """update-event-destination replaces the list: it names all 39 types."""
    (update,) = _commands(
        AWS_README, "pinpoint-sms-voice-v2", "update-event-destination"
    )
    (create,) = _commands(
        AWS_README, "pinpoint-sms-voice-v2", "create-event-destination"
    )
    assert update["matching-event-types"] == create["matching-event-types"]
    assert update["event-destination-name"] == create["event-destination-name"]
    assert update["configuration-set-name"] == create["configuration-set-name"]


def test_readme_capabilities_are_chosen_when_the_number_is_requested() -> None:
    """request-phone-number asks for VOICE and MMS; no update can add them."""
    (request,) = _commands(AWS_README, "pinpoint-sms-voice-v2", "request-phone-number")
    assert {"SMS", "VOICE", "MMS"} <= set(request["number-capabilities"])
    request_shape = SMS_MODEL.operation_model("RequestPhoneNumber").input_shape
    assert "NumberCapabilities" in request_shape.required_members
    for operation in ("UpdatePhoneNumber", "UpdatePool"):
        shape = SMS_MODEL.operation_model(operation).input_shape
        assert not any("Capabilit" in member for member in shape.members)


def test_readme_cli_builds_the_media_bucket_like_the_template() -> None:
    """create-bucket, public access block, SSE-S3, TLS policy, 1-day rule."""
    media = _load(MEDIA)
    _, bucket = _one(media, "AWS::S3::Bucket")
    for command in (
        "create-bucket",
        "put-public-access-block",
        "put-bucket-encryption",
        "put-bucket-policy",
        "put-bucket-lifecycle-configuration",
    ):
        assert _commands(AWS_README, "s3api", command), f"aws s3api {command}"
    # Outside us-east-1 the bucket names its region as location constraint.
    located = [
        c
        for c in _commands(AWS_README, "s3api", "create-bucket")
        if "create-bucket-configuration" in c
    ]
    assert [c["create-bucket-configuration"] for c in located] == [
        ["LocationConstraint=$REGION"]
    ]

    (block,) = _commands(AWS_README, "s3api", "put-public-access-block")
    (settings,) = block["public-access-block-configuration"]
    assert dict(pair.split("=") for pair in settings.split(",")) == {
        key: str(value).lower()
        for key, value in bucket["PublicAccessBlockConfiguration"].items()
    }

    (encryption,) = _commands(AWS_README, "s3api", "put-bucket-encryption")
    (configuration,) = encryption["server-side-encryption-configuration"]
    (rule,) = json.loads(configuration)["Rules"]
    (template_rule,) = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert (
        rule["ApplyServerSideEncryptionByDefault"]
        == template_rule["ServerSideEncryptionByDefault"]
    )

    (policy_command,) = _commands(AWS_README, "s3api", "put-bucket-policy")
    assert policy_command["policy"] == ["file://bucket-policy.json"]
    (lifecycle_command,) = _commands(
        AWS_README, "s3api", "put-bucket-lifecycle-configuration"
    )
    assert lifecycle_command["lifecycle-configuration"] == ["file://lifecycle.json"]


def test_readme_media_json_files_match_the_template() -> None:
    """bucket-policy.json and lifecycle.json: valid for S3, same as the template."""
    media = _load(MEDIA)
    template_rule = _lifecycle_rule(media)
    _, bucket_policy = _one(media, "AWS::S3::BucketPolicy")
    (template_statement,) = bucket_policy["PolicyDocument"]["Statement"]
    blocks = _json_blocks(AWS_README)

    (lifecycle,) = [b for b in blocks if "Rules" in b]
    shape = S3_MODEL.operation_model("PutBucketLifecycleConfiguration").input_shape
    validate_parameters(lifecycle, shape.members["LifecycleConfiguration"])
    (rule,) = lifecycle["Rules"]
    assert rule["Status"] == template_rule["Status"]
    assert rule["Filter"] == {"Prefix": media["Parameters"]["MediaPrefix"]["Default"]}
    assert rule["Expiration"] == {"Days": template_rule["ExpirationInDays"]}
    assert (
        rule["AbortIncompleteMultipartUpload"]
        == template_rule["AbortIncompleteMultipartUpload"]
    )

    (policy,) = [
        b
        for b in blocks
        if any(s.get("Sid") == "DenyInsecureTransport" for s in b.get("Statement", []))
    ]
    (statement,) = policy["Statement"]
    assert {k: v for k, v in statement.items() if k != "Resource"} == {
        k: v for k, v in template_statement.items() if k != "Resource"
    }
    bucket_arn, objects_arn = statement["Resource"]
    assert re.fullmatch(r"arn:aws:s3:::[a-z0-9-]{3,63}", bucket_arn)
    assert objects_arn == f"{bucket_arn}/*"
    # The placeholder bucket is the one media-policy.json names.
    (media_statement,) = _policy(DOCS / "iam" / "media-policy.json")["Statement"]
    assert media_statement["Resource"].startswith(f"{bucket_arn}/")


def test_readme_deploys_the_media_template() -> None:
    """The README deploys media.yaml with CAPABILITY_IAM (it makes a policy)."""
    deploys = [
        c
        for c in _commands(AWS_README, "cloudformation", "deploy")
        if c["template-file"] == ["docs/aws/media.yaml"]
    ]
    (deploy,) = deploys
    assert deploy["capabilities"] == ["CAPABILITY_IAM"]


def test_key_rotation_commands_in_order() -> None:
    """Create the new key, check the old one, deactivate it, then delete it."""
    order = [
        (service, command)
        for service, command, _ in _aws_commands(DOCS / "iam" / "README.md")
        if command.endswith("access-key") or command == "get-access-key-last-used"
    ]
    rotation = order[order.index(("iam", "get-access-key-last-used")) - 1 :]
    assert rotation == [
        ("iam", "create-access-key"),
        ("iam", "get-access-key-last-used"),
        ("iam", "update-access-key"),
        ("iam", "delete-access-key"),
    ]
    (deactivate,) = _commands(DOCS / "iam" / "README.md", "iam", "update-access-key")
    assert deactivate["status"] == ["Inactive"]


@pytest.mark.parametrize("markdown", MARKDOWN, ids=_ids(MARKDOWN))
def test_json_examples_parse(markdown: Path) -> None:
    """The JSON blocks (policies, attribute files) are valid, nested ones too."""
    text = markdown.read_text(encoding="utf-8")
    for block in re.findall(r"```json\n(.*?)```", text, re.DOTALL):
        document = json.loads(block)
        if isinstance(document.get("Policy"), str):
            document = json.loads(document["Policy"])
        if "Statement" in document:
            assert document["Version"] == "2012-10-17"
