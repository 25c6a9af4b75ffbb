"""Sensors: the account, its identities, today's usage, each recipient's delivery."""

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, Final

from homeassistant.components.sensor import (
    RestoreSensor,
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory
from homeassistant.core import callback
from homeassistant.util import dt as dt_util

from .compliance import REGISTRATION_STATUSES, denied_reasons_text
from .const import CONF_PHONE_NUMBER, SUBENTRY_RECIPIENT
from .entity import (
    AwsSmsEntity,
    IdentityEntity,
    add_entities_as_they_appear,
    recipient_device_info,
    service_device_info,
)
from .events import MESSAGE_CHANNELS, channel_statuses
from .inventory import number_label
from .phone import mask

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from datetime import datetime

    from homeassistant.config_entries import ConfigSubentry
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity import Entity
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
    from homeassistant.helpers.typing import StateType

    from .alerts import AlertTracker
    from .coordinator import AwsSmsConfigEntry
    from .events import DeliveryEvent
    from .inventory import Inventory, OriginIdentity
    from .receiver import EventReceiver
    from .usage import DailyUsage

# Coordinator entities: the coordinator serialises updates.
PARALLEL_UPDATES = 0

USD = "USD"
ACCOUNT_TIERS = ["sandbox", "production"]
IDENTITY_STATUSES = [
    # Phone numbers
    "pending",
    "active",
    "associating",
    "disassociating",
    "deleted",
    # Pools
    "creating",
    "deleting",
    # Sender IDs
    "registered",
    "unregistered",
]


@dataclass(frozen=True, kw_only=True)
class AccountSensorDescription(SensorEntityDescription):
    """A sensor of the service device."""

    value_fn: Callable[[Inventory], StateType]
    exists_fn: Callable[[Inventory], bool] = lambda _: True
    attributes_fn: Callable[[Inventory], dict[str, Any]] | None = None


@dataclass(frozen=True, kw_only=True)
class IdentitySensorDescription(SensorEntityDescription):
    """A sensor of an origination identity's device."""

    value_fn: Callable[[OriginIdentity], StateType]
    exists_fn: Callable[[OriginIdentity], bool] = lambda _: True
    attributes_fn: Callable[[OriginIdentity], dict[str, Any]] | None = None


def _phone_numbers(inventory: Inventory) -> dict[str, Any]:
    return {
        "phone_numbers": [
            {
                "phone_number": n.phone_number,
                "phone_number_id": n.phone_number_id,
                # Words, as on the number's device (AWS says TOLL_FREE, ACTIVE).
                "number_type": number_label(n.number_type),
                "status": n.status.lower(),
                "iso_country_code": n.iso_country_code,
                "capabilities": list(n.capabilities),
            }
            for n in inventory.phone_numbers
        ]
    }


def _sender_ids(inventory: Inventory) -> dict[str, Any]:
    return {
        "sender_ids": [
            {
                "sender_id": s.sender_id,
                "iso_country_code": s.iso_country_code,
                "registered": s.registered,
                "message_types": [t.lower() for t in s.message_types],
            }
            for s in inventory.sender_ids
        ]
    }


ACCOUNT_SENSORS: tuple[AccountSensorDescription, ...] = (
    AccountSensorDescription(
        key="phone_numbers",
        translation_key="phone_numbers",
        value_fn=lambda inv: len(inv.phone_numbers),
        attributes_fn=_phone_numbers,
    ),
    AccountSensorDescription(
        key="sender_ids",
        translation_key="sender_ids",
        value_fn=lambda inv: len(inv.sender_ids),
        attributes_fn=_sender_ids,
    ),
    AccountSensorDescription(
        key="account_tier",
        translation_key="account_tier",
        device_class=SensorDeviceClass.ENUM,
        options=ACCOUNT_TIERS,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda inv: inv.account_tier.lower() if inv.account_tier else None,
        exists_fn=lambda inv: inv.account_tier is not None,
    ),
    AccountSensorDescription(
        key="text_spend_limit",
        translation_key="text_spend_limit",
        device_class=SensorDeviceClass.MONETARY,
        native_unit_of_measurement=USD,
        suggested_display_precision=0,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda inv: (
            inv.text_spend_limit.enforced_limit if inv.text_spend_limit else None
        ),
        exists_fn=lambda inv: inv.text_spend_limit is not None,
    ),
)

IDENTITY_SENSORS: tuple[IdentitySensorDescription, ...] = (
    IdentitySensorDescription(
        key="status",
        translation_key="identity_status",
        device_class=SensorDeviceClass.ENUM,
        options=IDENTITY_STATUSES,
        value_fn=lambda identity: identity.status,
    ),
    IdentitySensorDescription(
        key="monthly_leasing_price",
        translation_key="monthly_leasing_price",
        device_class=SensorDeviceClass.MONETARY,
        native_unit_of_measurement=USD,
        suggested_display_precision=2,
        entity_category=EntityCategory.DIAGNOSTIC,
        # A fixed price: useful once, not worth a place on every dashboard.
        entity_registry_enabled_default=False,
        value_fn=lambda identity: identity.monthly_leasing_price,
        exists_fn=lambda identity: identity.monthly_leasing_price is not None,
    ),
    IdentitySensorDescription(
        key="registration",
        translation_key="registration",
        device_class=SensorDeviceClass.ENUM,
        options=REGISTRATION_STATUSES,
        # Unknown when the key may not read registrations.
        value_fn=lambda identity: (
            identity.registration.status if identity.registration else None
        ),
        exists_fn=lambda identity: identity.registration_id is not None,
        attributes_fn=lambda identity: {
            "registration_id": identity.registration_id,
            "registration_type": (
                identity.registration.registration_type
                if identity.registration
                else None
            ),
            "denied_reasons": denied_reasons_text(identity.registration) or None,
        },
    ),
)


class AccountSensor(AwsSmsEntity, SensorEntity):
    """A sensor of the account."""

    entity_description: AccountSensorDescription
    # The lists are long and their history says nothing the count does not.
    _unrecorded_attributes = frozenset({"phone_numbers", "sender_ids"})

    @property
    def native_value(self) -> StateType:
        """Return the value from the last refresh."""
        return self.entity_description.value_fn(self.coordinator.data)

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """List the items counted, where the sensor counts items."""
        if self.entity_description.attributes_fn is None:
            return None
        return self.entity_description.attributes_fn(self.coordinator.data)


class IdentitySensor(IdentityEntity, SensorEntity):
    """A sensor of one origination identity."""

    entity_description: IdentitySensorDescription

    @property
    def native_value(self) -> StateType:
        """Return the value from the last refresh."""
        identity = self.identity
        return self.entity_description.value_fn(identity) if identity else None

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Say more of the value, where the sensor has more to say."""
        identity = self.identity
        if self.entity_description.attributes_fn is None or identity is None:
            return None
        return self.entity_description.attributes_fn(identity)


@dataclass(frozen=True, kw_only=True)
class UsageSensorDescription(SensorEntityDescription):
    """A count of today's sending."""

    value_fn: Callable[[DailyUsage], int]
    attributes_fn: Callable[[DailyUsage], dict[str, Any]] | None = None


# What the carriers reported today; only with an event queue to hear it.
OUTCOME_SENSORS: tuple[UsageSensorDescription, ...] = (
    UsageSensorDescription(
        key="delivered_today",
        translation_key="delivered_today",
        state_class=SensorStateClass.TOTAL_INCREASING,
        value_fn=lambda usage: usage.delivered,
    ),
    UsageSensorDescription(
        key="carrier_failed_today",
        translation_key="carrier_failed_today",
        state_class=SensorStateClass.TOTAL_INCREASING,
        value_fn=lambda usage: usage.carrier_failed,
    ),
)

USAGE_SENSORS: tuple[UsageSensorDescription, ...] = (
    UsageSensorDescription(
        key="segments_today",
        translation_key="segments_today",
        # Counts up during the day and starts again at midnight.
        state_class=SensorStateClass.TOTAL_INCREASING,
        value_fn=lambda usage: usage.segments,
        # Segments of messages whose answer was lost: counted, as AWS may
        # have sent (and billed) them.
        attributes_fn=lambda usage: {"maybe_sent": usage.maybe_sent},
    ),
    UsageSensorDescription(
        key="call_minutes_today",
        translation_key="call_minutes_today",
        state_class=SensorStateClass.TOTAL_INCREASING,
        # Upper bounds of each call's length, as the daily cap counts them.
        value_fn=lambda usage: usage.call_minutes,
    ),
    UsageSensorDescription(
        key="failed_today",
        translation_key="failed_today",
        state_class=SensorStateClass.TOTAL_INCREASING,
        value_fn=lambda usage: usage.failed,
    ),
)


class UsageSensor(SensorEntity):
    """Segments sent or messages failed today (kept across restarts)."""

    _attr_has_entity_name = True
    _attr_should_poll = False
    entity_description: UsageSensorDescription

    def __init__(
        self, entry: AwsSmsConfigEntry, description: UsageSensorDescription
    ) -> None:
        """Count for ``entry``."""
        self.entity_description = description
        self._usage = entry.runtime_data.usage
        self._attr_unique_id = f"{entry.entry_id}_{description.key}"
        self._attr_device_info = service_device_info(entry)

    async def async_added_to_hass(self) -> None:
        """Update whenever the counts change."""
        self.async_on_remove(self._usage.async_add_listener(self.async_write_ha_state))

    @property
    def native_value(self) -> int:
        """Return today's count."""
        return self.entity_description.value_fn(self._usage)

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Say how many of today's segments may have been sent."""
        if self.entity_description.attributes_fn is None:
            return None
        return self.entity_description.attributes_fn(self._usage)


class UnacknowledgedAlertsSensor(SensorEntity):
    """How many alerts wait for acknowledgement (and questions for answers)."""

    _attr_has_entity_name = True
    _attr_should_poll = False
    _attr_translation_key = "unacknowledged_alerts"
    _attr_state_class = SensorStateClass.MEASUREMENT

    def __init__(self, entry: AwsSmsConfigEntry, tracker: AlertTracker) -> None:
        """Count the open alerts ``tracker`` keeps for ``entry``."""
        self._tracker = tracker
        self._attr_unique_id = f"{entry.entry_id}_unacknowledged_alerts"
        self._attr_device_info = service_device_info(entry)

    async def async_added_to_hass(self) -> None:
        """Update whenever an alert is sent, settled or expires."""
        self.async_on_remove(
            self._tracker.async_add_listener(self.async_write_ha_state)
        )

    @property
    def native_value(self) -> int:
        """Return how many alerts are open."""
        return len(self._tracker.open_alerts)

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Name each open alert by its tag (no number, no code)."""
        alerts = self._tracker.open_alerts
        return {
            "tags": [a.tag for a in alerts if a.tag],
            "alerts": [
                {
                    "tag": a.tag,
                    "kind": a.kind,
                    "sent": a.created.isoformat(),
                    "expires": a.expires.isoformat(),
                    "targets": [mask(t) for t in a.targets],
                }
                for a in alerts
            ],
        }


class QueuedMessagesSensor(SensorEntity):
    """How many messages wait in the outbox for AWS to be reachable."""

    _attr_has_entity_name = True
    _attr_should_poll = False
    _attr_translation_key = "queued_messages"
    _attr_state_class = SensorStateClass.MEASUREMENT

    def __init__(self, entry: AwsSmsConfigEntry) -> None:
        """Count ``entry``'s outbox."""
        self._outbox = entry.runtime_data.outbox
        self._attr_unique_id = f"{entry.entry_id}_queued_messages"
        self._attr_device_info = service_device_info(entry)

    async def async_added_to_hass(self) -> None:
        """Update whenever a message is queued, sent or dropped."""
        self.async_on_remove(self._outbox.async_add_listener(self.async_write_ha_state))

    @property
    def native_value(self) -> int:
        """Return how many messages are queued."""
        return len(self._outbox.messages)

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Say since when the oldest waits, and how many were dropped."""
        messages = self._outbox.messages
        return {
            "oldest_queued_at": messages[0].queued_at.isoformat() if messages else None,
            "dropped": self._outbox.dropped,
        }


# AWS's UNKNOWN (no final report from the carrier) as a state of its own:
# "unknown" is Home Assistant's state of a sensor without a value.
OUTCOME_UNKNOWN: Final = "outcome_unknown"
# Texts and picture messages; calls have statuses of their own.
DELIVERY_STATUSES: Final = [
    OUTCOME_UNKNOWN if status == "unknown" else status
    for status in channel_statuses("text", "media")
]
LAST_DELIVERY_STATUS = SensorEntityDescription(
    key="last_delivery_status",
    translation_key="last_delivery_status",
    device_class=SensorDeviceClass.ENUM,
    options=DELIVERY_STATUSES,
)
ATTR_MESSAGE_ID: Final = "message_id"
ATTR_TIME: Final = "time"
ATTR_DESCRIPTION: Final = "description"
ATTR_FINAL: Final = "final"
ATTR_SENT: Final = "sent"
ATTR_CHANNEL: Final = "channel"
ATTR_AWS_EVENT_TYPE: Final = "aws_event_type"


class LastDeliveryStatusSensor(RestoreSensor):
    """The latest status AWS reported for a message to one recipient."""

    _attr_has_entity_name = True
    _attr_should_poll = False
    entity_description = LAST_DELIVERY_STATUS

    def __init__(
        self,
        entry: AwsSmsConfigEntry,
        receiver: EventReceiver,
        subentry: ConfigSubentry,
    ) -> None:
        """Follow the delivery events of messages to ``subentry``'s number."""
        self._receiver = receiver
        self._number: str = subentry.data[CONF_PHONE_NUMBER]
        self._attr_unique_id = (
            f"{entry.entry_id}_{subentry.subentry_id}_{LAST_DELIVERY_STATUS.key}"
        )
        self._attr_device_info = recipient_device_info(entry, subentry)
        # When the shown message was sent, and when its status changed: a
        # late event of an older message must not hide a newer message's.
        self._order: tuple[datetime, datetime] | None = None

    async def async_added_to_hass(self) -> None:
        """Restore the last status, then follow new delivery events."""
        if (
            restored := await self.async_get_last_sensor_data()
        ) is not None and restored.native_value in DELIVERY_STATUSES:
            self._attr_native_value = str(restored.native_value)
        if (last := await self.async_get_last_state()) is not None:
            # Saved before this sensor kept its native value: the state is it.
            if self._attr_native_value is None and last.state in DELIVERY_STATUSES:
                self._attr_native_value = last.state
            self._attr_extra_state_attributes = dict(last.attributes)
            sent = dt_util.parse_datetime(str(last.attributes.get(ATTR_SENT, "")))
            time = dt_util.parse_datetime(str(last.attributes.get(ATTR_TIME, "")))
            if sent and time:
                self._order = (sent, time)
        self.async_on_remove(
            self._receiver.async_add_delivery_listener(self._async_delivery)
        )

    @callback
    def _async_delivery(self, event: DeliveryEvent) -> None:
        if event.destination != self._number or event.channel not in MESSAGE_CHANNELS:
            return
        order = (event.request_timestamp or event.timestamp, event.timestamp)
        if self._order is not None and order < self._order:
            return
        self._order = order
        status = OUTCOME_UNKNOWN if event.status == "unknown" else event.status
        known = status in DELIVERY_STATUSES
        self._attr_native_value = status if known else None
        self._attr_extra_state_attributes = {
            ATTR_MESSAGE_ID: event.message_id,
            ATTR_TIME: event.timestamp.isoformat(),
            ATTR_SENT: order[0].isoformat(),
            ATTR_DESCRIPTION: event.description,
            ATTR_FINAL: event.final,
            ATTR_CHANNEL: event.channel,
        }
        if not known:
            # A status AWS added after this release: unknown here, named as
            # AWS names it so that it can still be looked up.
            self._attr_extra_state_attributes[ATTR_AWS_EVENT_TYPE] = event.event_type
        self.async_write_ha_state()


def _candidates(
    entry: AwsSmsConfigEntry,
) -> Callable[[Inventory], Iterable[tuple[str, Callable[[], Entity]]]]:
    def candidates(inventory: Inventory) -> Iterable[tuple[str, Callable[[], Entity]]]:
        for account_description in ACCOUNT_SENSORS:
            if account_description.exists_fn(inventory):
                yield (
                    account_description.key,
                    partial(AccountSensor, entry, account_description),
                )
        for identity in inventory.identities.values():
            for description in IDENTITY_SENSORS:
                if description.exists_fn(identity):
                    yield (
                        f"{identity.key}_{description.key}",
                        partial(IdentitySensor, entry, description, identity),
                    )

    return candidates


async def async_setup_entry(
    hass: HomeAssistant,
    entry: AwsSmsConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors, and those of identities that appear later."""
    async_add_entities(UsageSensor(entry, description) for description in USAGE_SENSORS)
    async_add_entities([QueuedMessagesSensor(entry)])
    if (receiver := entry.runtime_data.receiver) is not None:
        async_add_entities(
            UsageSensor(entry, description) for description in OUTCOME_SENSORS
        )
        if (tracker := entry.runtime_data.alerts) is not None:
            async_add_entities([UnacknowledgedAlertsSensor(entry, tracker)])
        for subentry in entry.subentries.values():
            if subentry.subentry_type == SUBENTRY_RECIPIENT:
                async_add_entities(
                    [LastDeliveryStatusSensor(entry, receiver, subentry)],
                    config_subentry_id=subentry.subentry_id,
                )
    add_entities_as_they_appear(entry, async_add_entities, _candidates(entry))
