#!/usr/bin/env python3
"""A Relay Hub device in Python, with nothing but Debian's python3-websockets.

It registers (or re-registers when the hub has forgotten it), connects in envelope mode so every
message says its topic, subscribes, publishes over its socket (and waits for each ack), and
reconnects with exponential backoff and full jitter whenever the connection drops. The operator
unregistering it (close 4000) or another connection taking its place (4001) stops it for good.

Every event is printed as one JSON line on stdout, e.g.:

    /usr/bin/python3 examples/python/device.py --hub http://192.168.1.20:8000 --user 1 \
        --topics cats,dogs --publish 'cats=hello from python'

Run it with /usr/bin/python3 (Debian's websockets package is installed for that interpreter).
"""
import argparse
import asyncio
import json
import random
import struct
import sys
import urllib.error
import urllib.request

import websockets

BACKOFF_BASE_S = 0.5
BACKOFF_CAP_S = 30.0


def say(event, **fields):
    """Prints one event as a JSON line."""
    print(json.dumps({"event": event, **fields}), flush=True)


def http(method, url, body=None, token=None):
    """One HTTP request; returns (status, parsed JSON body or None)."""
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as error:
        try:
            return error.code, json.loads(error.read() or b"null")
        except ValueError:
            return error.code, None


def register(hub, user, token):
    """Registers the device; returns (id, socket URL)."""
    status, body = http("POST", f"{hub}/register", {"user_id": user}, token)
    if status != 200:
        raise RuntimeError(f"register failed: HTTP {status} {body}")
    return body["id"], body["url"]


def publish_frame(number, publish):
    """A text publish frame, or for bytes a binary one: [4-byte length][JSON header][bytes]."""
    if "bytes" not in publish:
        return json.dumps({"publish": publish, "id": number})
    header = json.dumps({"publish": {"topic": publish["topic"]}, "id": number}).encode()
    return struct.pack(">I", len(header)) + header + publish["bytes"]


def split_binary(frame):
    """A binary delivery in envelope mode: its JSON header (topic, offset...) and its bytes."""
    (length,) = struct.unpack(">I", frame[:4])
    return json.loads(frame[4 : 4 + length]), frame[4 + length :]


def backoff(attempt):
    """The n-th retry waits a random time in [0, min(cap, base * 2^n))."""
    return random.uniform(0, min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** attempt))


class Device:
    def __init__(self, args):
        self.args = args
        self.hub = args.hub.rstrip("/")
        self.topics = [t for t in args.topics.split(",") if t]
        # Publishes not yet acknowledged, by id: sent again after a reconnect.
        self.unacked = {}
        for item in args.publish:
            topic, _, message = item.partition("=")
            self.unacked[len(self.unacked) + 1] = {"topic": topic, "message": message}
        for item in args.publish_hex:
            topic, _, hex_bytes = item.partition("=")
            self.unacked[len(self.unacked) + 1] = {"topic": topic, "bytes": bytes.fromhex(hex_bytes)}
        self.received = 0

    async def run(self):
        registration = None
        attempt = 0
        while True:
            if registration is None:
                try:
                    registration = await asyncio.to_thread(register, self.hub, self.args.user, self.args.token)
                    say("registered", id=registration[0])
                except (OSError, RuntimeError) as error:
                    attempt += 1
                    await self.wait(attempt, f"cannot register: {error}")
                    continue
            try:
                code = await self.connect(registration[1])
                attempt = 0
            except websockets.exceptions.InvalidStatusCode as error:
                if error.status_code == 404:
                    say("forgotten", id=registration[0])  # the hub lost the registration: register again
                    registration = None
                    continue
                code = None
            except websockets.exceptions.ConnectionClosed as closed:
                # 1000 and 1001 end the loop quietly; any other code (4000, 4001, 4002...) lands here.
                code = closed.rcvd.code if closed.rcvd is not None else None
            except (OSError, asyncio.TimeoutError, websockets.exceptions.WebSocketException):
                code = None
            if code == 4000:
                say("unregistered", id=registration[0])
                return 1
            if code == 4001:
                say("replaced", id=registration[0])
                return 1
            if code == "done":
                return 0
            attempt += 1
            await self.wait(attempt, f"connection closed ({code})")

    async def wait(self, attempt, reason):
        delay = backoff(attempt)
        say("reconnecting", attempt=attempt, delay_s=round(delay, 3), reason=reason)
        await asyncio.sleep(delay)

    async def connect(self, url):
        """Holds one connection; returns its close code, or "done" once --count messages arrived."""
        # websockets pings every `heartbeat` seconds and drops a connection that stops answering.
        heartbeat = self.args.heartbeat
        async with websockets.connect(f"{url}?format=envelope", ping_interval=heartbeat, ping_timeout=heartbeat) as ws:
            say("open")
            await ws.send(json.dumps({"topics": self.topics, "format": "envelope"}))
            for number, publish in sorted(self.unacked.items()):
                await ws.send(publish_frame(number, publish))
            async for frame in ws:
                if isinstance(frame, bytes):
                    header, payload = split_binary(frame)
                    done = self.handle({**header, "bytes": payload})
                else:
                    done = self.handle(json.loads(frame))
                if done:
                    return "done"
            return ws.close_code

    def handle(self, frame):
        """Handles one frame from the hub; True when --count messages have arrived."""
        if "topic" in frame and "bytes" in frame:
            say("message", topic=frame["topic"], bytes_hex=frame["bytes"].hex(), offset=frame["offset"])
            self.received += 1
            return self.args.count is not None and self.received >= self.args.count
        if "topic" in frame and "message" in frame:
            say("message", topic=frame["topic"], message=frame["message"], ts=frame["ts"], offset=frame["offset"])
            self.received += 1
            return self.args.count is not None and self.received >= self.args.count
        if "ack" in frame:
            self.unacked.pop(frame["ack"], None)
            say("ack", id=frame["ack"], delivered=frame["delivered"])
        elif "error" in frame:
            self.unacked.pop(frame.get("id"), None)  # refused: sending it again would not help
            say("error", id=frame.get("id"), code=frame["error"]["code"], message=frame["error"]["message"])
        return False


def main():
    parser = argparse.ArgumentParser(description="A Relay Hub device (register, subscribe, publish, reconnect).")
    parser.add_argument("--hub", required=True, help="the hub's base URL, e.g. http://192.168.1.20:8000")
    parser.add_argument("--user", type=int, default=1, help="the user id to register as (default 1)")
    parser.add_argument("--topics", default="cats", help="comma-separated topics (default cats)")
    parser.add_argument("--token", help="the hub's access token, when it requires one")
    parser.add_argument("--publish", action="append", default=[], metavar="TOPIC=MESSAGE",
                        help="publish MESSAGE to TOPIC over the socket once connected (repeatable)")
    parser.add_argument("--publish-hex", action="append", default=[], metavar="TOPIC=HEX",
                        help="publish the bytes HEX (e.g. 00ff10) to TOPIC as a binary message (repeatable)")
    parser.add_argument("--count", type=int, help="exit after receiving this many messages")
    parser.add_argument("--heartbeat", type=float, default=20, help="ping interval and timeout, seconds (default 20)")
    args = parser.parse_args()
    try:
        sys.exit(asyncio.run(Device(args).run()))
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
