"""The account ``python -m eum_emulator`` (and so ``scripts/develop``) serves.

The demo account of :class:`~eum_emulator.state.AccountState` with more to
look at than the tests' default account has: a second toll-free number,
whose registration needs updates. The default account keeps the numbers
the integration's tests count.
"""

from datetime import timedelta

from .basics import DEMO_CREATED
from .records import (
    DEVELOP_DENIED_REGISTRATION_ID,
    DEVELOP_PENDING_NUMBER,
    denied_registration,
)
from .state import AccountState, PhoneNumber


def develop_state() -> AccountState:
    """Return the account ``python -m eum_emulator`` serves without ``--state``.

    It is the demo account (AccountState(), whose toll-free number
    +18885550100 is registered) with one more US toll-free number, still
    PENDING: its registration was denied and REQUIRES_UPDATES. The tests'
    default account leaves it out, so that their counts of the demo's
    numbers stay as they are.
    """
    state = AccountState()
    state.phone_numbers.insert(
        1,
        PhoneNumber(
            phone_number=DEVELOP_PENDING_NUMBER,
            iso_country_code="US",
            number_type="TOLL_FREE",
            status="PENDING",
            monthly_leasing_price="2.00",
            registration_id=DEVELOP_DENIED_REGISTRATION_ID,
            created=DEMO_CREATED + timedelta(days=18),
        ),
    )
    state.registrations.append(denied_registration())
    return state
