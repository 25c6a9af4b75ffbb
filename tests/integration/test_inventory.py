"""Origination identities and their default messages per second."""

from custom_components.aws_eum_x.aws_models import (
    PhoneNumberInfo,
    PoolInfo,
    SenderIdInfo,
)
from custom_components.aws_eum_x.inventory import Inventory, phone_number_mps


def _number(number_type: str, country: str = "US", **kw: object) -> PhoneNumberInfo:
    defaults: dict[str, object] = {
        "phone_number_id": f"phone-{number_type}-{country}",
        "arn": f"arn:aws:sms-voice:us-east-1:1:phone-number/phone-{number_type}",
        "phone_number": "+12025550100",
        "status": "ACTIVE",
        "iso_country_code": country,
        "number_type": number_type,
        "message_type": "TRANSACTIONAL",
        "capabilities": ("SMS",),
        "monthly_leasing_price": "1.00",
        "two_way_enabled": False,
        "pool_id": None,
    }
    defaults.update(kw)
    return PhoneNumberInfo(**defaults)  # type: ignore[arg-type]


def test_default_mps_by_number_type() -> None:
    """The documented defaults: 10DLC 1, toll-free 3, short code 100, CA 1."""
    assert phone_number_mps(_number("TEN_DLC")) == 1.0
    assert phone_number_mps(_number("TOLL_FREE")) == 3.0
    assert phone_number_mps(_number("SHORT_CODE")) == 100.0
    assert phone_number_mps(_number("LONG_CODE", "GB")) == 10.0
    assert phone_number_mps(_number("LONG_CODE", "CA")) == 1.0
    assert phone_number_mps(_number("SOMETHING_NEW")) == 1.0


def test_identities_and_lookup() -> None:
    """Numbers, sender IDs and pools in one map; found by number, ID or ARN."""
    inventory = Inventory(
        phone_numbers=(
            _number("TOLL_FREE", pool_id="pool-1"),
            _number(
                "TEN_DLC",
                phone_number="+12025550101",
                pool_id="pool-1",
                monthly_leasing_price="n/a",
            ),
        ),
        sender_ids=(
            SenderIdInfo(
                sender_id="HOME",
                arn="arn:aws:sms-voice:us-east-1:1:sender-id/HOME/GB",
                iso_country_code="GB",
                message_types=("TRANSACTIONAL",),
                monthly_leasing_price="0.00",
                registered=True,
            ),
        ),
        pools=(
            PoolInfo(
                pool_id="pool-1",
                arn="arn:aws:sms-voice:us-east-1:1:pool/pool-1",
                status="ACTIVE",
                message_type="TRANSACTIONAL",
                two_way_enabled=False,
                shared_routes_enabled=False,
            ),
            PoolInfo(
                pool_id="pool-empty",
                arn="arn:aws:sms-voice:us-east-1:1:pool/pool-empty",
                status="CREATING",
                message_type="TRANSACTIONAL",
                two_way_enabled=False,
                shared_routes_enabled=False,
            ),
        ),
        account_tier="PRODUCTION",
        text_spend_limit=None,
        configuration_sets=None,
    )
    identities = inventory.identities
    assert identities["HOME/GB"].status == "registered"
    assert identities["HOME/GB"].name == "Sender ID HOME (GB)"
    # A pool may send from any member: the slowest member's rate is safe.
    assert identities["pool-1"].default_mps == 1.0
    assert identities["pool-empty"].default_mps == 1.0
    assert identities["phone-TEN_DLC-US"].monthly_leasing_price is None
    assert inventory.find_identity("+12025550101") is identities["phone-TEN_DLC-US"]
    assert inventory.find_identity("HOME").kind == "sender_id"
    assert (
        inventory.find_identity("arn:aws:sms-voice:us-east-1:1:pool/pool-1").key
        == "pool-1"
    )
    assert inventory.find_identity("+19999999999") is None
