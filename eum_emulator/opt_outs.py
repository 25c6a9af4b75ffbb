"""Opt-out lists: DescribeOptedOutNumbers and DeleteOptedOutNumber.

The account's opt-out lists are those of :class:`~eum_emulator.state.AccountState`
(``opted_out`` is the Default list, ``opt_out_lists`` the others): a STOP
reply opts its sender out of the list of the number it was sent to (see
``SmsVoiceService.receive_inbound``), and a send is refused when the
destination is on the list of the number it would leave from.

AWS: "If you attempt to send a message to a destination number that is on
an opt-out list, and the opt-out list is associated with the phone number
used to send the message, AWS End User Messaging SMS doesn't attempt to send
the message" (OPT_OUT_LIST_URL).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Final

from .errors import validation_error
from .operations import (
    Handler,
    Params,
    Result,
    apply_filters,
    arn,
    e164,
    flag,
    not_found,
    paginate,
    timestamp,
)
from .state import PhoneNumber, in_region

if TYPE_CHECKING:
    from .service import SmsVoiceService
    from .sigv4 import Caller
    from .state import SenderId

OPT_OUT_LIST_URL: Final = (
    "https://docs.aws.amazon.com/sms-voice/latest/userguide/opt-out-list.html"
)
# DeleteOptedOutNumber: "Each destination phone number can only be deleted
# once every 30 days."
# https://docs.aws.amazon.com/pinpoint/latest/apireference_smsvoicev2/API_DeleteOptedOutNumber.html
DELETE_AGAIN_AFTER: Final = timedelta(days=30)
DEFAULT_LIST: Final = "Default"


@dataclass(frozen=True)
class OptOut:
    """When a number was opted out, and whether its owner asked to be."""

    time: datetime
    end_user: bool = True


class OptOutOperations:
    """The opt-out operations of one emulated account, and its opt-out times."""

    def __init__(self, service: SmsVoiceService) -> None:
        """Answer for ``service``'s account."""
        self._service = service
        # Numbers opted out since the emulator started, by (list, number).
        # The state's own opt-outs are as old as the emulator.
        self._opted_out: dict[tuple[str, str], OptOut] = {}
        self._since = service.wall_clock()
        # When each number was last removed from each list.
        self._removed: dict[tuple[str, str], datetime] = {}

    def operations(self) -> dict[str, Handler]:
        """Return the operations this module answers, by name."""
        return {
            "DescribeOptedOutNumbers": self.describe_opted_out_numbers,
            "DeleteOptedOutNumber": self.delete_opted_out_number,
        }

    # -- what the rest of the service asks -------------------------------------

    def find_list(self, ref: str, region: str) -> str:
        """Return the name of the opt-out list ``ref`` names (a name or an ARN).

        Default exists, and the lists of the region's numbers and pools.

        Raises:
            AwsError: ResourceNotFoundException: there is no such list.
        """
        state = self._service.state
        known = {DEFAULT_LIST}
        known.update(
            n.opt_out_list_name for n in in_region(state.phone_numbers, region)
        )
        known.update(p.opt_out_list_name for p in in_region(state.pools, region))
        name = ref.rsplit(":opt-out-list/", 1)[-1]
        if name not in known:
            raise not_found("opt-out-list", ref)
        return name

    def list_of(self, origin: PhoneNumber | SenderId) -> str:
        """Return the opt-out list a message from ``origin`` is checked against.

        A sender ID has no list of its own: the Default one.
        """
        return (
            origin.opt_out_list_name
            if isinstance(origin, PhoneNumber)
            else (DEFAULT_LIST)
        )

    def opt_out(self, list_name: str, number: str) -> None:
        """Put ``number`` on a list, as its owner's STOP does."""
        members = self._service.state.opt_out_members(list_name, create=True)
        if number not in members:
            members.append(number)
            self._opted_out[list_name, number] = OptOut(self._service.wall_clock())

    def opt_in(self, list_name: str, number: str) -> None:
        """Take ``number`` off a list, as its owner's START does."""
        members = self._service.state.opt_out_members(list_name)
        if number in members:
            members.remove(number)

    def _record(self, list_name: str, number: str) -> OptOut:
        return self._opted_out.get((list_name, number), OptOut(self._since))

    def _info(self, list_name: str, number: str) -> Result:
        record = self._record(list_name, number)
        return {
            "OptedOutNumber": number,
            "OptedOutTimestamp": timestamp(record.time),
            "EndUserOptedOut": record.end_user,
        }

    # -- operations --------------------------------------------------------------

    def describe_opted_out_numbers(self, params: Params, caller: Caller) -> Result:
        """DescribeOptedOutNumbers: the numbers on one list, or the ones asked for.

        "If you specify an opted out number that isn't valid, an exception
        is returned": a number asked for that is not on the list is a
        ResourceNotFoundException.
        """
        name = self.find_list(params["OptOutListName"], caller.region)
        members = self._service.state.opt_out_members(name)
        wanted = [e164(n) for n in params.get("OptedOutNumbers", [])]
        for number in wanted:
            if number not in members:
                raise not_found("opted-out-number", number)
        numbers = apply_filters(
            wanted or list(members),
            params.get("Filters", []),
            {"end-user-opted-out": lambda n: flag(self._record(name, n).end_user)},
        )
        page = paginate(
            "DescribeOptedOutNumbers",
            "OptedOutNumbers",
            [self._info(name, n) for n in numbers],
            params,
        )
        return {
            "OptOutListArn": arn(caller, f"opt-out-list/{name}"),
            "OptOutListName": name,
        } | page

    def delete_opted_out_number(self, params: Params, caller: Caller) -> Result:
        """DeleteOptedOutNumber: opt a number back in, at most once in 30 days.

        AWS names no error for a second removal within 30 days; the emulator
        answers with the model's ValidationException reason for a number
        that cannot be opted in (PHONE_NUMBER_CANNOT_BE_OPTED_IN).
        """
        name = self.find_list(params["OptOutListName"], caller.region)
        number = e164(params["OptedOutNumber"])
        members = self._service.state.opt_out_members(name)
        if number not in members:
            raise not_found("opted-out-number", number)
        now = self._service.wall_clock()
        last = self._removed.get((name, number))
        if last is not None and now - last < DELETE_AGAIN_AFTER:
            raise validation_error(
                f"{number} was removed from opt-out list {name} on "
                f"{last.date().isoformat()}; a number can be removed only once "
                "every 30 days.",
                reason="PHONE_NUMBER_CANNOT_BE_OPTED_IN",
            )
        record = self._record(name, number)
        members.remove(number)
        self._opted_out.pop((name, number), None)
        self._removed[name, number] = now
        # The API reference: OptedOutTimestamp is "The time that the number
        # was removed at".
        return {
            "OptOutListArn": arn(caller, f"opt-out-list/{name}"),
            "OptOutListName": name,
            "OptedOutNumber": number,
            "OptedOutTimestamp": timestamp(now),
            "EndUserOptedOut": record.end_user,
        }
