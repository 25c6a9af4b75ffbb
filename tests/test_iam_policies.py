"""The IAM policies in docs/iam: real actions, covering what the code calls."""

import json
from pathlib import Path
import re

import botocore.session
import pytest

from custom_components.aws_eum_x.const import OPTIONAL_ACTIONS, REQUIRED_ACTIONS

ROOT = Path(__file__).parents[1]
IAM = ROOT / "docs" / "iam"
OPERATIONS = set(
    botocore.session.get_session()
    .get_service_model("pinpoint-sms-voice-v2")
    .operation_names
)


def _actions(policy: Path) -> set[str]:
    document = json.loads(policy.read_text(encoding="utf-8"))
    actions: set[str] = set()
    for statement in document["Statement"]:
        value = statement["Action"]
        actions.update([value] if isinstance(value, str) else value)
    return actions


def _called_operations() -> set[str]:
    """Every service operation api.py calls, by its botocore method name."""
    source = (ROOT / "custom_components" / "aws_eum_x" / "api.py").read_text()
    methods = set(re.findall(r"\._(?:describe|send)\.([a-z_]+)\(", source))
    methods.discard("get_paginator")  # a botocore helper, not an operation
    methods |= set(re.findall(r'_pages\(\s*"([a-z_]+)"', source))
    return {"".join(part.title() for part in m.split("_")) for m in methods}


@pytest.mark.parametrize("name", sorted(p.name for p in IAM.glob("*.json")))
def test_every_action_is_a_real_operation(name: str) -> None:
    """Each sms-voice: action names an operation of botocore's model."""
    for action in _actions(IAM / name):
        prefix, operation = action.split(":")
        assert prefix == "sms-voice", f"{action}: the IAM prefix is sms-voice"
        assert operation in OPERATIONS, f"{action} is not an operation"


def test_minimal_policy_is_exactly_the_required_actions() -> None:
    """The minimal policy grants what sending needs, nothing more."""
    assert _actions(IAM / "minimal-policy.json") == set(REQUIRED_ACTIONS)


def test_recommended_policy_covers_every_call() -> None:
    """Every operation the integration calls is in the recommended policy."""
    called = _called_operations()
    assert {"SendTextMessage", "DescribePhoneNumbers", "DescribePools"} <= called
    granted = {a.split(":")[1] for a in _actions(IAM / "recommended-policy.json")}
    assert called <= granted
    assert granted == {a.split(":")[1] for a in REQUIRED_ACTIONS + OPTIONAL_ACTIONS}
