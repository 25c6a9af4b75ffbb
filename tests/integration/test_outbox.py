"""The outbox's own rules: probe backoff, expiry, a call's deadline, the store."""

from datetime import UTC, datetime, timedelta

import pytest

from custom_components.aws_eum_x.outbox import (
    PROBE_FIRST_DELAY,
    PROBE_MAX_DELAY,
    QueuedMessage,
    oldest,
    probe_delay,
    without,
)

NOW = datetime(2026, 12, 3, 3, 0, tzinfo=UTC)


def _message(queued_id: str = "q1", **kwargs) -> QueuedMessage:
    defaults = {
        "queued_id": queued_id,
        "kind": "text",
        "target": "+15555550123",
        "body": "Water leak",
        "options": {"dry_run": False, "context": {"a": "b"}},
        "queued_at": NOW,
        "expires": NOW + timedelta(hours=1),
    }
    return QueuedMessage(**(defaults | kwargs))


@pytest.mark.parametrize(
    ("failures", "delay"),
    [(1, 15.0), (2, 30.0), (3, 60.0), (5, 240.0), (6, 300.0), (50, 300.0)],
)
def test_the_probe_backs_off_to_five_minutes(failures: int, delay: float) -> None:
    """Doubling from 15 s; never longer than the cap, jitter only shortens."""
    assert probe_delay(failures, jitter=0) == delay
    assert delay * 0.9 <= probe_delay(failures, jitter=1) <= delay


def test_at_the_cap_at_most_twelve_probes_an_hour() -> None:
    """The probe's rate while AWS stays away is bounded (issue 20)."""
    # Even with the most jitter, 5 minutes less 10 %: 13.3 an hour at most;
    # without jitter, exactly 12.
    assert 3600 / probe_delay(1000, jitter=0) == 12
    assert PROBE_MAX_DELAY == 300
    assert PROBE_FIRST_DELAY == 15


def test_expiry_and_a_calls_own_deadline() -> None:
    """A stale alarm must not ring: the call's time to live ends it first."""
    text = _message()
    assert text.drop_reason(NOW + timedelta(minutes=59)) is None
    assert text.drop_reason(NOW + timedelta(hours=1)) == "expired"
    call = _message(kind="call", call_deadline=NOW + timedelta(minutes=5))
    assert call.drop_reason(NOW + timedelta(minutes=4)) is None
    assert call.drop_reason(NOW + timedelta(minutes=5)) == "call_expired"
    assert call.queued_for(NOW + timedelta(seconds=90)) == 90


def test_order_and_removal() -> None:
    """The message that waits longest goes first."""
    first = _message("a")
    second = _message("b", queued_at=NOW + timedelta(seconds=1))
    assert oldest([second, first]) is first
    assert oldest([]) is None
    assert without([first, second], "a") == [second]


def test_a_message_survives_the_store() -> None:
    """What the store keeps reads back the same."""
    call = _message(
        kind="call",
        ssml=True,
        voice="JOANNA",
        call_deadline=NOW + timedelta(minutes=5),
    )
    picture = _message(kind="media", body=None, media_url="s3://b/k.jpg")
    for message in (_message(), call, picture):
        assert QueuedMessage.from_dict(message.as_dict()) == message
