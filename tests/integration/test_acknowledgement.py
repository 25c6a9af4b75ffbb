"""Codes, lines and reply matching of acknowledgements and questions (pure)."""

from datetime import UTC, datetime, timedelta

from hypothesis import given, strategies as st
import pytest

from custom_components.aws_eum_x.acknowledgement import (
    Answer,
    PendingAlert,
    Reply,
    acknowledgement_line,
    codes_in_use,
    is_acknowledgement,
    match_answer,
    match_reply,
    new_code,
    question_line,
)

NOW = datetime(2026, 12, 3, 3, 0, tzinfo=UTC)
ALICE = "+15555550123"
BOB = "+15555550124"
DISARM = Answer("disarm", ("Disarm", "Turn it off"))
POLICE = Answer("police", ("Call police",))


def _alert(code: str = "4821", **kwargs) -> PendingAlert:
    defaults = {
        "alert_id": f"alert-{code}",
        "kind": "acknowledge",
        "code": code,
        "targets": {ALICE: f"msg-{code}"},
        "tag": "leak",
        "created": NOW,
        "expires": NOW + timedelta(hours=1),
    }
    return PendingAlert(**(defaults | kwargs))


def test_the_line_and_the_question_as_texted() -> None:
    """One line each, with the code where the reply must carry it."""
    assert acknowledgement_line("OK", "4821") == "Reply OK 4821 to acknowledge."
    assert (
        question_line(["Disarm", "Call police"], "4821", require_code=True)
        == "Reply 1 4821 for Disarm, 2 4821 for Call police."
    )
    assert (
        question_line(["Disarm", "Call police"], "4821", require_code=False)
        == "Reply 1 for Disarm, 2 for Call police."
    )


@pytest.mark.parametrize(
    "reply", ["OK 4821", "ok 4821", "OK4821", "4821", " Ok, 4821. ", "ok  4821!"]
)
def test_acknowledgement_forms(reply: str) -> None:
    """Case and spacing do not matter; the code alone is enough."""
    assert is_acknowledgement(reply, "OK", "4821")


@pytest.mark.parametrize("reply", ["OK", "OK 4822", "48210", "ACK 4821", "not ok"])
def test_what_does_not_acknowledge(reply: str) -> None:
    """The word alone, another code, or another word: nothing."""
    assert not is_acknowledgement(reply, "OK", "4821")


@given(st.sets(st.from_regex(r"\A\d{4}\Z"), max_size=200))
def test_a_new_code_is_never_one_in_use(taken: set[str]) -> None:
    """Two open alerts to one person never share a code."""
    code = new_code(taken)
    assert len(code) == 4
    assert code.isdigit()
    assert code not in taken


def test_no_code_left() -> None:
    """All 10,000 taken: refused rather than reused."""
    with pytest.raises(ValueError, match="taken"):
        new_code(f"{n:04d}" for n in range(10_000))


def test_codes_in_use_are_those_of_the_same_people_still_open() -> None:
    """Another person's code, or an expired one, may be given again."""
    alerts = [
        _alert("1111"),
        _alert("2222", targets={BOB: "m"}),
        _alert("3333", expires=NOW - timedelta(seconds=1)),
    ]
    assert codes_in_use(alerts, [ALICE], NOW) == {"1111"}


@pytest.mark.parametrize(
    ("reply", "require_code", "expected"),
    [
        ("1 4821", True, DISARM),
        ("4821 1", True, DISARM),
        ("disarm 4821", True, DISARM),
        ("Turn it off 4821", True, DISARM),
        ("2 4821", True, POLICE),
        ("call POLICE 4821.", True, POLICE),
        ("1", True, None),
        ("1 4822", True, None),
        ("3 4821", True, None),
        ("1", False, DISARM),
        ("Call police", False, POLICE),
        ("1 4821", False, DISARM),
        ("maybe", False, None),
    ],
)
def test_answer_forms(reply: str, require_code: bool, expected: Answer | None) -> None:
    """By number or sentence; the code must be there unless not required."""
    assert (
        match_answer(reply, [DISARM, POLICE], "4821", require_code=require_code)
        == expected
    )


def test_a_reply_settles_only_an_open_alert_sent_to_its_sender() -> None:
    """Strangers, expired alerts and wrong codes settle nothing."""
    alert = _alert()
    assert match_reply([alert], ALICE, "OK 4821", NOW).alert is alert
    assert match_reply([alert], BOB, "OK 4821", NOW) is None
    assert match_reply([alert], ALICE, "OK 4821", alert.expires) is None
    assert match_reply([alert], ALICE, "OK 1234", NOW) is None


def test_of_two_open_alerts_each_code_settles_its_own() -> None:
    """An older alert's code never acknowledges the newer one."""
    older = _alert("1111")
    newer = _alert("2222", created=NOW + timedelta(minutes=1))
    assert match_reply([older, newer], ALICE, "ok 1111", NOW).alert is older
    assert match_reply([older, newer], ALICE, "ok 2222", NOW).alert is newer


def test_a_second_reply_is_not_the_first() -> None:
    """Once settled, a valid reply is reported as not the first."""
    settled = _alert().settled(Reply(by="reply", at=NOW, target=ALICE))
    found = match_reply([settled], ALICE, "4821", NOW)
    assert found is not None
    assert found.first is False


def test_an_alert_survives_the_store() -> None:
    """What the store keeps reads back the same, settled or not."""
    question = _alert(
        kind="question",
        answers=(DISARM, POLICE),
        require_code=False,
        word="ACK",
    )
    assert PendingAlert.from_dict(question.as_dict()) == question
    settled = question.settled(
        Reply(by="reply", at=NOW, target=BOB, body="2", answer=POLICE)
    )
    assert PendingAlert.from_dict(settled.as_dict()) == settled
    assert settled.message_id_for(None) == "msg-4821"
    assert settled.message_id_for(ALICE) == "msg-4821"
