"""DescribeRegistrations and DescribeRegistrationVersions (issue 19)."""

from datetime import UTC, datetime

from botocore.exceptions import ClientError
import botocore.session
import pytest

from eum_emulator import AccountState, StateError
from eum_emulator.develop import develop_state
from eum_emulator.records import (
    DEMO_TOLL_FREE_REGISTRATION_ID,
    DEVELOP_DENIED_REGISTRATION_ID,
    DEVELOP_PENDING_NUMBER,
    HISTORY_STATUSES,
    REGISTRATION_HELP_URL,
    REGISTRATION_STATUSES,
    REGISTRATION_VERSION_STATUSES,
    VERIFICATION_STATUSES,
    Registration,
    RegistrationVersion,
    history_member,
)

TOLL_FREE = "+18885550100"
ACCOUNT = "123456789012"


async def _error(call) -> dict:
    with pytest.raises(ClientError) as caught:
        await call
    return caught.value.response


def test_statuses_are_the_models() -> None:
    """The records' enums and history members are botocore's."""
    model = botocore.session.get_session().get_service_model("pinpoint-sms-voice-v2")
    assert set(model.shape_for("RegistrationStatus").enum) == REGISTRATION_STATUSES
    assert (
        set(model.shape_for("RegistrationVersionStatus").enum)
        == REGISTRATION_VERSION_STATUSES
    )
    assert set(model.shape_for("VerificationStatus").enum) == VERIFICATION_STATUSES
    history = model.shape_for("RegistrationVersionStatusHistory").members
    assert {history_member(s) for s in HISTORY_STATUSES} == set(history)


async def test_the_default_account_registers_its_toll_free_number(
    aws_client,
) -> None:
    """The tests' default demo: one registration, the toll-free number's."""
    sms = await aws_client()
    numbers = (await sms.describe_phone_numbers())["PhoneNumbers"]
    assert {n["PhoneNumber"]: n.get("RegistrationId") for n in numbers} == {
        TOLL_FREE: DEMO_TOLL_FREE_REGISTRATION_ID,
        "+447700900123": None,
    }
    [registration] = (await sms.describe_registrations())["Registrations"]
    assert registration["RegistrationStatus"] == "COMPLETE"


class TestTheDevelopAccount:
    """What scripts/develop serves: a second toll-free number, denied twice."""

    @pytest.fixture
    def account_state(self) -> AccountState:
        """The account of `python -m eum_emulator` without --state."""
        return develop_state()

    async def test_the_demo_toll_free_number_is_registered(self, aws_client) -> None:
        """+18885550100 names its COMPLETE registration, approved in version 1."""
        sms = await aws_client()
        numbers = (await sms.describe_phone_numbers())["PhoneNumbers"]
        toll_free = next(n for n in numbers if n["PhoneNumber"] == TOLL_FREE)
        assert toll_free["RegistrationId"] == DEMO_TOLL_FREE_REGISTRATION_ID
        [registration] = (
            await sms.describe_registrations(
                RegistrationIds=[DEMO_TOLL_FREE_REGISTRATION_ID]
            )
        )["Registrations"]
        assert registration["RegistrationId"] == DEMO_TOLL_FREE_REGISTRATION_ID
        assert registration["RegistrationArn"] == (
            f"arn:aws:sms-voice:us-east-1:{ACCOUNT}:registration/"
            f"{DEMO_TOLL_FREE_REGISTRATION_ID}"
        )
        assert registration["RegistrationType"] == "US_TOLL_FREE_REGISTRATION"
        assert registration["RegistrationStatus"] == "COMPLETE"
        assert registration["CurrentVersionNumber"] == 1
        assert registration["ApprovedVersionNumber"] == 1
        assert "LatestDeniedVersionNumber" not in registration
        assert registration["CreatedTimestamp"] == datetime(
            2026, 1, 15, 9, 30, tzinfo=UTC
        )
        answer = await sms.describe_registration_versions(
            RegistrationId=DEMO_TOLL_FREE_REGISTRATION_ID
        )
        [version] = answer["RegistrationVersions"]
        assert answer["RegistrationArn"] == registration["RegistrationArn"]
        assert version["RegistrationVersionStatus"] == "APPROVED"
        assert set(version["RegistrationVersionStatusHistory"]) == {
            "DraftTimestamp",
            "SubmittedTimestamp",
            "ReviewingTimestamp",
            "ApprovedTimestamp",
        }
        assert "DeniedReasons" not in version
        # Registrations are regional, as numbers are.
        london = await aws_client(region="eu-west-2")
        assert (await london.describe_registrations())["Registrations"] == []
        error = await _error(
            london.describe_registrations(
                RegistrationIds=[DEMO_TOLL_FREE_REGISTRATION_ID]
            )
        )
        assert error["Error"]["Code"] == "ResourceNotFoundException"

    async def test_a_pending_number_and_its_denied_registration(
        self, aws_client
    ) -> None:
        """REQUIRES_UPDATES; the latest version DENIED, with AWS's kind of reasons."""
        sms = await aws_client()
        [number] = (
            await sms.describe_phone_numbers(
                Filters=[{"Name": "status", "Values": ["PENDING"]}]
            )
        )["PhoneNumbers"]
        assert number["PhoneNumber"] == DEVELOP_PENDING_NUMBER
        assert number["NumberType"] == "TOLL_FREE"
        [registration] = (
            await sms.describe_registrations(RegistrationIds=[number["RegistrationId"]])
        )["Registrations"]
        assert registration["RegistrationStatus"] == "REQUIRES_UPDATES"
        assert registration["CurrentVersionNumber"] == 2
        assert registration["LatestDeniedVersionNumber"] == 2
        assert "ApprovedVersionNumber" not in registration

        versions = (
            await sms.describe_registration_versions(
                RegistrationId=registration["RegistrationArn"]
            )
        )["RegistrationVersions"]
        # Newest first.
        assert [v["VersionNumber"] for v in versions] == [2, 1]
        assert {v["RegistrationVersionStatus"] for v in versions} == {"DENIED"}
        [reason] = versions[0]["DeniedReasons"]
        assert reason["Reason"] == "Opt-in workflow"
        assert "opt-in" in reason["ShortDescription"]
        assert "affirmative action" in reason["LongDescription"]
        assert reason["DocumentationTitle"] == "Opt-in requirements checklist"
        assert reason["DocumentationLink"] == REGISTRATION_HELP_URL
        history = versions[0]["RegistrationVersionStatusHistory"]
        assert history["DraftTimestamp"] < history["SubmittedTimestamp"]
        assert history["ReviewingTimestamp"] < history["DeniedTimestamp"]

    async def test_it_cannot_send_yet(self, aws_client) -> None:
        """A number whose registration is not complete is not ACTIVE."""
        sms = await aws_client()
        error = await _error(
            sms.send_text_message(
                DestinationPhoneNumber="+15555550123",
                OriginationIdentity=DEVELOP_PENDING_NUMBER,
                MessageBody="hi",
            )
        )
        assert error["Reason"] == "RESOURCE_NOT_ACTIVE"

    async def test_filters_version_numbers_and_pages(self, aws_client) -> None:
        """Filters by type and status; VersionNumbers; MaxResults and paginators."""
        sms = await aws_client()
        complete = await sms.describe_registrations(
            Filters=[{"Name": "registration-status", "Values": ["COMPLETE"]}]
        )
        assert [r["RegistrationId"] for r in complete["Registrations"]] == [
            DEMO_TOLL_FREE_REGISTRATION_ID
        ]
        brands = await sms.describe_registrations(
            Filters=[
                {
                    "Name": "registration-type",
                    "Values": ["US_TEN_DLC_BRAND_REGISTRATION"],
                }
            ]
        )
        assert brands["Registrations"] == []
        first = await sms.describe_registrations(MaxResults=1)
        second = await sms.describe_registrations(
            MaxResults=1, NextToken=first["NextToken"]
        )
        assert "NextToken" not in second
        assert [
            r["RegistrationId"]
            for r in first["Registrations"] + second["Registrations"]
        ] == [DEMO_TOLL_FREE_REGISTRATION_ID, DEVELOP_DENIED_REGISTRATION_ID]

        [version] = (
            await sms.describe_registration_versions(
                RegistrationId=DEVELOP_DENIED_REGISTRATION_ID, VersionNumbers=[1]
            )
        )["RegistrationVersions"]
        assert version["DeniedReasons"][0]["Reason"] == "Website"
        denied = await sms.describe_registration_versions(
            RegistrationId=DEVELOP_DENIED_REGISTRATION_ID,
            Filters=[{"Name": "registration-version-status", "Values": ["APPROVED"]}],
        )
        assert denied["RegistrationVersions"] == []
        paginator = sms.get_paginator("describe_registration_versions")
        pages = [
            page
            async for page in paginator.paginate(
                RegistrationId=DEVELOP_DENIED_REGISTRATION_ID,
                PaginationConfig={"PageSize": 1},
            )
        ]
        assert [len(p["RegistrationVersions"]) for p in pages] == [1, 1]
        assert {p["RegistrationId"] for p in pages} == {DEVELOP_DENIED_REGISTRATION_ID}

    async def test_what_it_does_not_have(self, aws_client) -> None:
        """Unknown registrations, versions and filter names are refused."""
        sms = await aws_client()
        error = await _error(sms.describe_registrations(RegistrationIds=["nope"]))
        assert (error["Error"]["Code"], error["ResourceType"]) == (
            "ResourceNotFoundException",
            "registration",
        )
        error = await _error(sms.describe_registration_versions(RegistrationId="nope"))
        assert error["ResourceId"] == "nope"
        error = await _error(
            sms.describe_registration_versions(
                RegistrationId=DEVELOP_DENIED_REGISTRATION_ID, VersionNumbers=[1, 7]
            )
        )
        assert (error["Error"]["Code"], error["Reason"]) == (
            "ValidationException",
            "UNKNOWN_REGISTRATION_VERSION",
        )
        # The model's enum of filter names, checked as AWS checks it.
        error = await _error(
            sms.describe_registrations(Filters=[{"Name": "status", "Values": ["X"]}])
        )
        assert error["Reason"] == "FIELD_VALIDATION_FAILED"


def test_a_state_file_states_registrations() -> None:
    """Mappings with ISO times; versions sorted; a bare registration is a draft."""
    state = AccountState.from_dict(
        {
            "registrations": [
                {
                    "registration_id": "registration-brand",
                    "registration_type": "US_TEN_DLC_BRAND_REGISTRATION",
                    "status": "REVIEWING",
                    "created": "2026-02-01T08:00:00",
                    "additional_attributes": {"BRAND_NAME": "Home"},
                    "versions": [
                        {
                            "version_number": 2,
                            "status": "REVIEWING",
                            "history": {"SUBMITTED": "2026-02-03T00:00:00Z"},
                            "feedback": "Looks fine",
                        },
                        {
                            "version_number": 1,
                            "status": "DENIED",
                            "denied_reasons": [
                                {"reason": "Brand", "short_description": "No EIN"}
                            ],
                        },
                    ],
                },
                {"registration_id": "registration-new", "registration_type": "X"},
            ]
        }
    )
    brand, new = state.registrations
    assert [v.version_number for v in brand.versions] == [1, 2]
    assert brand.created == datetime(2026, 2, 1, 8, tzinfo=UTC)
    assert brand.versions[1].history["SUBMITTED"] == datetime(2026, 2, 3, tzinfo=UTC)
    assert brand.versions[0].denied_reasons[0].short_description == "No EIN"
    assert brand.latest_denied_version_number == 1
    assert brand.approved_version_number is None
    assert new.current_version_number == 1
    assert new.versions[0].status == "DRAFT"
    assert state.find_registration("registration-new") is new
    assert (
        state.find_registration("arn:aws:sms-voice:us-east-1:1:registration/x") is None
    )


async def test_a_registrations_extras_are_described(aws_client, emulator) -> None:
    """AdditionalAttributes and Feedback appear when the state has them."""
    emulator.state.registrations.append(
        Registration(
            "registration-brand",
            "US_TEN_DLC_BRAND_REGISTRATION",
            status="REVIEWING",
            versions=[RegistrationVersion(1, "REVIEWING", feedback="In review")],
            additional_attributes={"BRAND_NAME": "Home"},
        )
    )
    sms = await aws_client()
    [registration] = (
        await sms.describe_registrations(RegistrationIds=["registration-brand"])
    )["Registrations"]
    assert registration["AdditionalAttributes"] == {"BRAND_NAME": "Home"}
    [version] = (
        await sms.describe_registration_versions(RegistrationId="registration-brand")
    )["RegistrationVersions"]
    assert version["Feedback"] == "In review"


@pytest.mark.parametrize(
    ("registration", "message"),
    [
        ({"registration_id": "r 1", "registration_type": "X"}, "registration_id"),
        ({"registration_id": "r", "registration_type": "US TOLL"}, "registration_type"),
        (
            {"registration_id": "r", "registration_type": "X", "status": "DONE"},
            "registration status 'DONE' is not one of",
        ),
        (
            {
                "registration_id": "r",
                "registration_type": "X",
                "versions": [{"version_number": 1}, {"version_number": 1}],
            },
            "each version_number may appear once",
        ),
        (
            {
                "registration_id": "r",
                "registration_type": "X",
                "versions": [{"version_number": 0}],
            },
            "version_number must be",
        ),
        (
            {
                "registration_id": "r",
                "registration_type": "X",
                "versions": [{"version_number": 1, "status": "LOST"}],
            },
            "version status 'LOST'",
        ),
        (
            {
                "registration_id": "r",
                "registration_type": "X",
                "versions": [
                    {
                        "version_number": 1,
                        "history": {"REQUIRES_OFFLINE_REVIEW": "2026-01-01"},
                    }
                ],
            },
            "history status",
        ),
        (
            {"registration_id": "r", "registration_type": "X", "region": "mars"},
            "not an AWS region name",
        ),
    ],
)
def test_registrations_the_model_would_not_have(registration, message: str) -> None:
    """A state file's registration is held to the model's values."""
    with pytest.raises(StateError, match=message):
        AccountState.from_dict({"registrations": [registration]})
