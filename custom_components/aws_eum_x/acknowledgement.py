"""Alerts a person acknowledges, and questions a person answers, by reply.

Pure logic, no Home Assistant: each alert or question gets a random code
that its text asks for ("Reply OK 4821 to acknowledge."), so that a reply
to an older alert can never acknowledge a newer one, and a spoofed sender
must also know the code. A reply counts only from a number the alert was
sent to, only while the alert is open, and only once. alerts.py is the Home
Assistant glue: persistence, waiting, events and the confirmation text.
"""

from dataclasses import dataclass, replace
from datetime import datetime
import re
import secrets
from typing import TYPE_CHECKING, Any, Final, Literal

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

# Four digits: short enough to type on a lock screen, 10,000 possibilities
# for a spoofer to guess while the alert is open (an hour by default).
CODE_DIGITS: Final = 4
DEFAULT_WORD: Final = "OK"
# The most choices a question lists: one digit each ("Reply 1 for …").
MAX_ANSWERS: Final = 9

Kind = Literal["acknowledge", "question"]
# How an alert ended: by a reply, from Home Assistant, or it was withdrawn.
Resolution = Literal["reply", "home_assistant", "cancelled"]

_NOT_ALNUM = re.compile(r"[^0-9A-Z]+")
_SPACES = re.compile(r"\s+")


def new_code(taken: Iterable[str] = ()) -> str:
    """Return a random code that no open alert of the same people has."""
    taken = set(taken)
    if len(taken) >= 10**CODE_DIGITS:
        raise ValueError("every code is taken")
    while True:
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        if code not in taken:
            return code


def acknowledgement_line(word: str, code: str) -> str:
    """Return the line an alert's text ends with."""
    return f"Reply {word} {code} to acknowledge."


def confirmation_text(word: str, code: str) -> str:
    """Return the text the replier gets back: their reply was taken."""
    return f"{word} {code} received: the alert is acknowledged. Thank you."


def question_line(
    sentences: Sequence[str], code: str | None, *, require_code: bool
) -> str:
    """Return the line that lists a question's choices.

    ``sentences``: each answer's first sentence, in order (answer 1 first).
    With a required code each choice shows it, as it must be typed.
    """
    suffix = f" {code}" if require_code and code else ""
    choices = ", ".join(
        f"{number}{suffix} for {sentence}"
        for number, sentence in enumerate(sentences, start=1)
    )
    return f"Reply {choices}."


def _compact(text: str) -> str:
    """Upper case, letters and digits only: "ok, 4821!" is "OK4821"."""
    return _NOT_ALNUM.sub("", text.upper())


def _words(text: str) -> str:
    """Upper case, punctuation at the ends dropped, spaces folded."""
    return _SPACES.sub(" ", text.upper()).strip(" .,;:!?\"'")


def is_acknowledgement(body: str, word: str, code: str) -> bool:
    """Whether ``body`` acknowledges the alert of ``code``.

    Case and spacing do not matter: "ok 4821", "OK4821", "Ok, 4821." and a
    bare "4821" all acknowledge; "OK" alone or another code does not.
    """
    compact = _compact(body)
    return compact in {_compact(word) + code, code}


def match_answer(
    body: str,
    answers: Sequence[Answer],
    code: str | None,
    *,
    require_code: bool,
) -> Answer | None:
    """Return the answer ``body`` chooses, or None.

    An answer is chosen by its number ("1") or any of its sentences
    ("Disarm"), case- and spacing-insensitive. With ``require_code`` the
    question's code must stand in the reply too ("1 4821", "Disarm 4821",
    "4821 disarm"); without, it may.
    """
    text = _words(body)
    if code:
        tokens = text.split(" ")
        if code in tokens:
            tokens.remove(code)
            text = " ".join(tokens)
        elif require_code:
            return None
    elif require_code:
        return None
    for number, answer in enumerate(answers, start=1):
        if text == str(number) or text in (_words(s) for s in answer.sentences):
            return answer
    return None


@dataclass(frozen=True)
class Answer:
    """One choice of a question: its ID and the sentences that choose it."""

    id: str
    sentences: tuple[str, ...]

    def as_dict(self, sentence: str | None = None) -> dict[str, str]:
        """Return the answer as the response and event carry it."""
        return {"id": self.id, "sentence": sentence or self.sentences[0]}


@dataclass(frozen=True)
class Reply:
    """Who settled an alert, and how."""

    by: Resolution
    at: datetime
    # The number that replied (None from Home Assistant) and its message.
    target: str | None = None
    body: str | None = None
    answer: Answer | None = None


@dataclass(frozen=True, kw_only=True)
class PendingAlert:
    """An alert waiting for acknowledgement, or a question for an answer."""

    alert_id: str
    kind: Kind
    code: str
    # The numbers it was sent to (E.164) and the message ID each one got.
    targets: Mapping[str, str]
    tag: str | None
    created: datetime
    expires: datetime
    answers: tuple[Answer, ...] = ()
    require_code: bool = True
    # The word the text asked for (the option may change before the reply).
    word: str = DEFAULT_WORD
    # Kept, not dropped, once settled: a later reply is reported, not taken.
    reply: Reply | None = None

    def is_open(self, now: datetime) -> bool:
        """Whether a reply may still settle it."""
        return self.reply is None and now < self.expires

    def settled(self, reply: Reply) -> PendingAlert:
        """Return the alert as settled by ``reply``."""
        return replace(self, reply=reply)

    def message_id_for(self, target: str | None) -> str | None:
        """Return the alert's message ID to ``target`` (the first without one).

        None while AWS has not answered the send yet.
        """
        if target is not None and target in self.targets:
            return self.targets[target] or None
        return next((m for m in self.targets.values() if m), None)

    def as_dict(self) -> dict[str, Any]:
        """Return the alert as Home Assistant's store keeps it (JSON)."""
        reply = self.reply
        return {
            "alert_id": self.alert_id,
            "kind": self.kind,
            "code": self.code,
            "targets": dict(self.targets),
            "tag": self.tag,
            "created": self.created.isoformat(),
            "expires": self.expires.isoformat(),
            "answers": [
                {"id": a.id, "sentences": list(a.sentences)} for a in self.answers
            ],
            "require_code": self.require_code,
            "reply": None
            if reply is None
            else {
                "by": reply.by,
                "at": reply.at.isoformat(),
                "target": reply.target,
                "body": reply.body,
                "answer": reply.answer.id if reply.answer else None,
            },
            "word": self.word,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PendingAlert:
        """Read an alert back from the store."""
        answers = tuple(
            Answer(str(a["id"]), tuple(str(s) for s in a["sentences"]))
            for a in data.get("answers", ())
        )
        reply_data = data.get("reply")
        reply = None
        if reply_data is not None:
            chosen = next(
                (a for a in answers if a.id == reply_data.get("answer")), None
            )
            reply = Reply(
                by=reply_data["by"],
                at=datetime.fromisoformat(reply_data["at"]),
                target=reply_data.get("target"),
                body=reply_data.get("body"),
                answer=chosen,
            )
        return cls(
            alert_id=str(data["alert_id"]),
            kind=data["kind"],
            code=str(data["code"]),
            targets={str(k): str(v) for k, v in data["targets"].items()},
            tag=data.get("tag"),
            created=datetime.fromisoformat(data["created"]),
            expires=datetime.fromisoformat(data["expires"]),
            answers=answers,
            require_code=bool(data.get("require_code", True)),
            word=str(data.get("word", DEFAULT_WORD)),
            reply=reply,
        )


@dataclass(frozen=True)
class Match:
    """What a reply did: settled an open alert, or came after it was settled."""

    alert: PendingAlert
    answer: Answer | None
    # False for a valid reply to an alert someone already settled.
    first: bool


def match_reply(
    alerts: Iterable[PendingAlert], sender: str, body: str, now: datetime
) -> Match | None:
    """Return the alert a reply from ``sender`` settles, if any.

    Only alerts sent to ``sender`` that have not expired count; newest first,
    so that of two open alerts the one whose code the reply carries wins
    (codes of one person's open alerts differ, see :func:`new_code`).
    """
    candidates = sorted(
        (a for a in alerts if sender in a.targets and now < a.expires),
        key=lambda a: a.created,
        reverse=True,
    )
    for alert in candidates:
        if alert.kind == "acknowledge":
            if not is_acknowledgement(body, alert.word, alert.code):
                continue
            return Match(alert, None, first=alert.reply is None)
        answer = match_answer(
            body, alert.answers, alert.code, require_code=alert.require_code
        )
        if answer is not None:
            return Match(alert, answer, first=alert.reply is None)
    return None


def codes_in_use(
    alerts: Iterable[PendingAlert], targets: Iterable[str], now: datetime
) -> set[str]:
    """Return the codes of open alerts sent to any of ``targets``."""
    wanted = set(targets)
    return {a.code for a in alerts if a.expires > now and wanted & set(a.targets)}
