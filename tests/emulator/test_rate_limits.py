"""Messages per second per origination identity, counted in segments."""

from aiobotocore.config import AioConfig
from botocore.exceptions import ClientError
import pytest

from eum_emulator.service import TokenBucket

NO_RETRIES = AioConfig(retries={"total_max_attempts": 1})


@pytest.mark.usefixtures("rate_clock")
async def test_toll_free_number_is_throttled_past_3_segments(
    aws_client, emulator
) -> None:
    """A US toll-free number takes a burst of 3 segments, then throttles."""
    client = await aws_client(config=NO_RETRIES)
    for _ in range(3):
        await client.send_text_message(
            DestinationPhoneNumber="+15555550123",
            OriginationIdentity="+18885550100",
            MessageBody="hi",
        )
    with pytest.raises(ClientError) as caught:
        await client.send_text_message(
            DestinationPhoneNumber="+15555550123",
            OriginationIdentity="+18885550100",
            MessageBody="hi",
        )
    assert caught.value.response["Error"]["Code"] == "ThrottlingException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert len(emulator.outbox) == 3
    # The GB long code has its own 10 MPS budget.
    await client.send_text_message(
        DestinationPhoneNumber="+447700900456",
        OriginationIdentity="+447700900123",
        MessageBody="hi",
    )


@pytest.mark.usefixtures("rate_clock")
async def test_dry_runs_have_their_own_5_mps_budget(aws_client, emulator) -> None:
    """DryRun is limited to 5 MPS, or the identity's MPS when lower."""
    client = await aws_client(config=NO_RETRIES)
    outcomes = []
    for _ in range(7):
        try:
            await client.send_text_message(
                DestinationPhoneNumber="+447700900456",
                OriginationIdentity="+447700900123",
                MessageBody="hi",
                DryRun=True,
            )
            outcomes.append("sent")
        except ClientError as err:
            outcomes.append(err.response["Error"]["Code"])
    assert outcomes == ["sent"] * 5 + ["ThrottlingException"] * 2
    assert all(m.dry_run for m in emulator.outbox)


def test_token_bucket_refills_at_its_rate() -> None:
    """Tokens come back at ``rate`` per second, up to the burst."""
    now = [0.0]
    bucket = TokenBucket(2.0, lambda: now[0])
    assert bucket.take(1)
    assert bucket.take(1)
    assert not bucket.take(1)
    now[0] = 0.5
    assert bucket.take(1)
    assert not bucket.take(1)
    now[0] = 10.0
    # A message longer than the burst goes from a full bucket, into debt.
    assert bucket.take(5)
    now[0] = 11.0
    assert not bucket.take(1)
    now[0] = 12.0
    assert bucket.take(1)
