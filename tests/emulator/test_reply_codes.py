"""The outbox's reply_code: the code a text's last line asks the reply to carry."""

import aiohttp
import pytest

from custom_components.aws_eum_x.acknowledgement import (
    acknowledgement_line,
    question_line,
)
from eum_emulator import Emulator
from eum_emulator.outbox import reply_code

ALICE = "+15555550123"
TOLL_FREE = "+18885550100"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("Water leak\nReply OK 4821 to acknowledge.", "4821"),
        ("Water leak\nReply ACK 0042 to acknowledge.", "0042"),
        ("Reply OK 4821 to acknowledge.", "4821"),
        ("Leak!\nReply 1 4821 for Disarm, 2 4821 for Call police.", "4821"),
        ("Leak!\nReply 1 4821 for Disarm.\n", "4821"),
        # A question that needs no code shows none.
        ("Leak!\nReply 1 for Disarm, 2 for Call police.", None),
        # The code must be on the last line, and four digits.
        ("Reply OK 4821 to acknowledge.\nThank you.", None),
        ("Water leak\nReply OK 48210 to acknowledge.", None),
        ("Water leak in the basement", None),
        ("", None),
    ],
)
def test_reply_code_reads_the_last_line(body: str, code: str | None) -> None:
    """The acknowledgement and question lines give their code; nothing else does."""
    assert reply_code(body) == code


def test_the_integrations_own_lines() -> None:
    """The lines the integration writes are the ones the emulator reads."""
    assert reply_code(f"Leak\n{acknowledgement_line('OK', '4821')}") == "4821"
    assert reply_code(f"Leak\n{acknowledgement_line('Yes', '0007')}") == "0007"
    asked = question_line(["Disarm", "Call police"], "4821", require_code=True)
    assert reply_code(f"Alarm\n{asked}") == "4821"
    not_asked = question_line(["Disarm", "Call police"], "4821", require_code=False)
    assert reply_code(f"Alarm\n{not_asked}") is None


async def test_outbox_items_carry_the_reply_code(
    aws_client, emulator: Emulator
) -> None:
    """Over HTTP and in Python; texts and MMS have it, calls do not."""
    sms = await aws_client()
    await sms.send_text_message(
        DestinationPhoneNumber=ALICE,
        MessageBody="Water leak in the basement\nReply OK 4821 to acknowledge.",
    )
    await sms.send_text_message(DestinationPhoneNumber=ALICE, MessageBody="Hello")
    await sms.send_media_message(
        DestinationPhoneNumber=ALICE,
        OriginationIdentity=TOLL_FREE,
        MessageBody="Front door\nReply 1 0815 for Open, 2 0815 for Ignore.",
    )
    await sms.send_voice_message(
        DestinationPhoneNumber=ALICE,
        OriginationIdentity=TOLL_FREE,
        MessageBody="Reply OK 4821 to acknowledge.",
    )
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{emulator.url}/_emulator/outbox") as resp,
    ):
        messages = (await resp.json())["messages"]
    assert [m.get("reply_code", "absent") for m in messages] == [
        "4821",
        None,
        "0815",
        "absent",
    ]
    # The code follows the body, for a person reading the outbox.
    keys = list(messages[0])
    assert keys[keys.index("body") + 1] == "reply_code"
    assert [m.reply_code for m in emulator.outbox] == ["4821", None, "0815", None]


async def test_the_code_the_last_message_asks_for(
    aws_client, emulator: Emulator
) -> None:
    """Emulator.reply_code: the last message sent there, not a dry run or a call."""
    sms = await aws_client()
    assert emulator.reply_code(ALICE) is None
    await sms.send_text_message(
        DestinationPhoneNumber=ALICE,
        MessageBody="Leak\nReply OK 1234 to acknowledge.",
    )
    await sms.send_text_message(
        DestinationPhoneNumber=ALICE,
        MessageBody="Check\nReply OK 9999 to acknowledge.",
        DryRun=True,
    )
    await sms.send_voice_message(
        DestinationPhoneNumber=ALICE,
        OriginationIdentity=TOLL_FREE,
        MessageBody="Water leak",
    )
    assert emulator.reply_code(ALICE) == "1234"
    assert emulator.reply_code("+15555550999") is None
    await sms.send_text_message(
        DestinationPhoneNumber=ALICE,
        MessageBody="OK 1234 received: the alert is acknowledged. Thank you.",
    )
    assert emulator.reply_code(ALICE) is None
