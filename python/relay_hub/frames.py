"""The device protocol's frames: publishes (JSON text, or a binary frame for bytes) and deliveries."""
import json
import struct
from dataclasses import dataclass
from typing import Optional, Union


@dataclass
class Message:
    """A message delivered to the device."""

    topic: str
    #: The text, or the bytes of a binary message.
    message: Union[str, bytes]
    #: When the hub accepted it (ms since the epoch).
    ts: int
    #: Its place in the topic's stream (what a reconnect recovers from).
    offset: int
    epoch: str
    #: Set when it was published for this device's user only.
    user_id: Optional[int] = None
    #: The topic's retained message, sent because the device subscribed.
    retained: bool = False


def publish_frame(number, topic, message, user_id=None, echo=False, retain=False):
    """A publish with id `number`: JSON text for a str, for bytes `[4-byte length][JSON header][bytes]`."""
    publish = {"topic": topic}
    if user_id is not None:
        publish["user_id"] = user_id
    if retain:
        publish["retain"] = True
    extra = {"echo": True} if echo else {}
    if isinstance(message, str):
        return json.dumps({"publish": {**publish, "message": message}, "id": number, **extra})
    header = json.dumps({"publish": publish, "id": number, **extra}).encode()
    return struct.pack(">I", len(header)) + header + bytes(message)


def split_binary(frame):
    """A binary delivery: its JSON header (topic, offset...) and its bytes; None when malformed."""
    if len(frame) < 4:
        return None
    (length,) = struct.unpack(">I", frame[:4])
    if 4 + length > len(frame):
        return None
    try:
        header = json.loads(frame[4 : 4 + length])
    except ValueError:
        return None
    return (header, frame[4 + length :]) if isinstance(header, dict) else None


def message_of(envelope, payload=None):
    """A Message from an envelope (and, for a binary delivery, its bytes); None when it is not one."""
    try:
        message = Message(
            topic=envelope["topic"],
            message=envelope["message"] if payload is None else payload,
            ts=envelope["ts"],
            offset=envelope["offset"],
            epoch=envelope["epoch"],
            user_id=envelope.get("user_id"),
            retained=envelope.get("retained") is True,
        )
    except (KeyError, TypeError):
        return None
    return message
