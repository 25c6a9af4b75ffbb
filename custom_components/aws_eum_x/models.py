"""What a loaded config entry holds: the runtime data's own home.

Every part it names depends on nothing here, so dependencies point one way:
the platforms, services and setup import this module; the client, the
coordinator, the usage counter and the sender never do.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntry

if TYPE_CHECKING:
    from .api import SmsClient
    from .coordinator import InventoryCoordinator
    from .media import MediaStore
    from .receiver import EventReceiver
    from .sender import SmsSender
    from .usage import DailyUsage


@dataclass
class AwsSmsRuntimeData:
    """The parts of a loaded entry."""

    client: SmsClient
    coordinator: InventoryCoordinator
    # Device registry ID of the service device, parent of identity devices.
    service_device_id: str
    usage: DailyUsage
    sender: SmsSender
    # Where picture messages' media is checked and uploaded (S3).
    media: MediaStore
    # Delivery events and replies, when the options name a queue.
    receiver: EventReceiver | None = None


type AwsSmsConfigEntry = ConfigEntry[AwsSmsRuntimeData]
