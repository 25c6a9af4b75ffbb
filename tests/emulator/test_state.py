"""Loading an account from a state file."""

import json
from typing import TYPE_CHECKING

import pytest

from eum_emulator import AccessKey, AccountState, StateError
from eum_emulator.state import DEMO_SECRET_ACCESS_KEY

if TYPE_CHECKING:
    from pathlib import Path


def test_demo_account() -> None:
    """The demo account: PRODUCTION, and an inventory in three regions.

    Two numbers, a sender ID and a pool in us-east-1; a GB long code in
    each of eu-west-2 and eu-west-1.
    """
    state = AccountState()
    assert state.tier == "PRODUCTION"
    assert [
        (n.region, n.number_type, n.messages_per_second) for n in state.phone_numbers
    ] == [
        ("us-east-1", "TOLL_FREE", 3.0),
        ("us-east-1", "LONG_CODE", 10.0),
        ("eu-west-2", "LONG_CODE", 10.0),
        ("eu-west-1", "LONG_CODE", 10.0),
    ]
    assert [(s.sender_id, s.region) for s in state.sender_ids] == [
        ("HOMEALERT", "us-east-1")
    ]
    assert state.sender_ids[0].messages_per_second == 10.0
    assert [p.region for p in state.pools] == ["us-east-1"]
    assert [c.region for c in state.configuration_sets] == ["us-east-1"]


def test_yaml_state_file_replaces_the_demo(tmp_path: Path) -> None:
    """A YAML file states keys, numbers, sandbox, opt-outs and limits."""
    path = tmp_path / "state.yaml"
    path.write_text(
        """
account_id: "210987654321"
tier: sandbox
access_keys:
  - access_key_id: TESTKEYOTHER
    secret_access_key: other-secret
    allowed_actions: ["sms-voice:Describe*"]
    expires: "2030-01-01T00:00:00"
phone_numbers:
  - phone_number: "+12025550100"
    iso_country_code: US
    number_type: TEN_DLC
  - phone_number: "+15145550100"
    iso_country_code: CA
  - phone_number: "+15145550101"
    iso_country_code: CA
    mps: 2.5
    created: "2025-05-05T00:00:00+00:00"
sender_ids: []
pools:
  - pool_id: pool-1
    created: "2025-05-05T00:00:00+00:00"
configuration_sets:
  - name: cs
    created: "2025-05-05T00:00:00+00:00"
verified_destinations: ["+15555550123"]
opted_out: ["+15555550124"]
spend_limits:
  TEXT_MESSAGE_MONTHLY_SPEND_LIMIT: {enforced_limit: 5, max_limit: 10, spent: 4.5}
""",
        encoding="utf-8",
    )
    state = AccountState.from_file(path)
    assert state.account_id == "210987654321"
    assert state.tier == "SANDBOX"
    assert state.access_keys[0].allowed_actions == ["sms-voice:Describe*"]
    assert state.access_keys[0].expires is not None
    assert state.access_keys[0].expires.tzinfo is not None
    assert [n.messages_per_second for n in state.phone_numbers] == [1.0, 1.0, 2.5]
    assert state.sender_ids == []
    assert state.spend_limits["TEXT_MESSAGE_MONTHLY_SPEND_LIMIT"].spent == 4.5
    assert state.spend_limits["VOICE_MESSAGE_MONTHLY_SPEND_LIMIT"].enforced_limit == 1
    assert state.find_pool("pool-1") is not None
    assert state.find_configuration_set("cs") is not None


def test_json_state_file(tmp_path: Path) -> None:
    """JSON works too; an empty file is the demo account."""
    path = tmp_path / "state.json"
    path.write_text(json.dumps({"tier": "PRODUCTION", "rate_limits": False}))
    assert AccountState.from_file(path).rate_limits is False
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    assert AccountState.from_file(empty).account_id == "123456789012"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"tier": "GOLD"}, "tier must be PRODUCTION or SANDBOX"),
        ({"colour": "blue"}, "unknown keys colour"),
        ({"phone_numbers": [{"phone_number": "+1"}]}, r"phone_numbers\[0\]"),
        ({"phone_numbers": ["+1"]}, "expected a mapping"),
        ({"spend_limits": {"BEER": {}}}, "unknown limit BEER"),
    ],
)
def test_invalid_state_is_explained(raw, message) -> None:
    """Mistakes in a state file name what is wrong and where."""
    with pytest.raises(StateError, match=message):
        AccountState.from_dict(raw)


def test_access_key_repr_hides_the_secret() -> None:
    """Secrets and tokens never show in a repr (logs, test failures)."""
    key = AccessKey("AKIAIOSFODNN7EXAMPLE", DEMO_SECRET_ACCESS_KEY, session_token="tok")
    assert DEMO_SECRET_ACCESS_KEY not in repr(key)
    assert "tok" not in repr(key)
    assert "AKIAIOSFODNN7EXAMPLE" in repr(key)


def test_find_by_arn() -> None:
    """Resources are found by ARN as AWS addresses shared ones."""
    state = AccountState()
    number = state.phone_numbers[0]
    arn = (
        "arn:aws:sms-voice:us-east-1:123456789012:phone-number/"
        f"{number.phone_number_id}"
    )
    assert state.find_phone_number(arn) is number
    sender_arn = "arn:aws:sms-voice:us-east-1:123456789012:sender-id/HOMEALERT/GB"
    assert state.find_sender_id(sender_arn) is state.sender_ids[0]
    assert state.key("AKIAUNKNOWN") is None
