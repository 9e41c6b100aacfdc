"""A Relay Hub device in asyncio: what the JavaScript SDK (relay-hub-client) does, in Python.

It registers (or reuses an id, or gets its registration back by name), holds the socket in
envelope mode, subscribes with `since` on every (re)connect so what it missed comes first
(`wait=subscribe`: no seam), publishes over the socket and waits for each ack, reconnects with
exponential backoff and full jitter, treats a silent connection as dead (the watchdog), and
queues publishes while offline.
"""
import asyncio
import collections
import json
import time

import websockets

from .backoff import Backoff
from .frames import message_of, publish_frame, split_binary
from .http import HubHttpError, register, socket_url

_UNREGISTERED, _REPLACED, _REVOKED = 4000, 4001, 4003


class RelayError(Exception):
    """A failure with a stable code: the hub's (`invalid_topic`...) or the library's own
    (`connection_lost`, `queue_full`, `closed`, `timeout`)."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def _status_of(error):
    """The HTTP status of a refused WebSocket upgrade (websockets 10 to 15), else None."""
    status = getattr(error, "status_code", None)
    response = getattr(error, "response", None)
    return status if status is not None else getattr(response, "status_code", None)


def _close_code(error):
    received = getattr(error, "rcvd", None)
    return received.code if received is not None else 1006


class _Pending:
    __slots__ = ("id", "topic", "frame", "future", "timer")

    def __init__(self, number, topic, frame, future):
        self.id, self.topic, self.frame, self.future, self.timer = number, topic, frame, future, None


class Client:
    """One device. `await client.start()` (or `async with Client(...)`) connects and keeps connecting.

    Events (`client.on(name, callback)`): state, message (a Message), error (a RelayError),
    registered (id), unregistered (id, revoked), replaced (id), reconnecting (attempt, delay,
    reason), recovery ({topic: {"recovered", "offset", "epoch"}}), dropped (topic).
    """

    def __init__(self, hub, user_id, *, topics=None, token=None, name=None, id=None, reregister=True,
                 backoff=None, heartbeat=15.0, timeout=10.0, queue_max=1000, will=None, ssl=None,
                 recover=True):
        if not isinstance(user_id, int) or user_id < 0:
            raise TypeError("user_id must be a non-negative integer")
        self.hub = hub.rstrip("/")
        self.user_id = user_id
        self.topics = None if topics is None else list(topics)
        self.token, self.name, self.id = token, name, id
        self.reregister = reregister
        self.backoff = backoff or Backoff()
        self.heartbeat, self.timeout = heartbeat, timeout
        #: Sent once open as `{"will": {...}}` ({"topic", "message", "retain"?}): published by the
        #: hub when this device vanishes without closing. Needs a hub that knows will frames.
        self.will = will
        self.ssl = ssl
        #: Ask on every (re)connect for what was published while away (`since`, `wait=subscribe`);
        #: False: live messages only, as a tutorial device gets them.
        self.recover = recover
        self.state = "connecting"
        self._positions = {}
        self._outbox = collections.deque()
        self._queue_max = max(1, queue_max)
        self._inflight = {}
        self._next_id = 1
        self._listeners = collections.defaultdict(list)
        self._ws = None
        self._task = None

    # -- public API ---------------------------------------------------------------------------

    def on(self, event, callback):
        """Calls `callback(payload)` on every `event`; returns the function that stops it."""
        self._listeners[event].append(callback)
        return lambda: self._listeners[event].remove(callback)

    async def start(self):
        """Starts connecting in the background (returns at once)."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    async def __aenter__(self):
        return await self.start()

    async def __aexit__(self, *exc):
        await self.close()

    async def wait_for_state(self, state, timeout=None):
        """Returns once the client is in `state`."""
        if self.state == state:
            return
        reached = asyncio.get_running_loop().create_future()
        off = self.on("state", lambda now: now == state and not reached.done() and reached.set_result(None))
        try:
            await asyncio.wait_for(reached, timeout)
        finally:
            off()

    async def wait_stopped(self):
        """Returns once the client has stopped for good (closed, unregistered, replaced...)."""
        if self._task is not None:
            await asyncio.shield(self._task)

    def position(self, topic):
        """The position ({"offset", "epoch"}) of the last message received on `topic`, or None."""
        position = self._positions.get(topic)
        return None if position is None else dict(position)

    def subscribe(self, topics):
        """Replaces the topic set (sent now when open, and on every reconnect)."""
        self.topics = list(topics)
        if self.state == "open" and self._ws is not None:
            asyncio.get_running_loop().create_task(self._send_topics(self._ws))

    async def publish(self, topic, message, *, user_id=None, echo=False, retain=False):
        """Publishes `message` (str, or bytes: a binary message) over the socket; returns how many
        sockets it reached. While offline it waits in the bounded queue and goes out on reconnect.
        Raises RelayError: the hub's code, `connection_lost` (dropped before the ack: it may or may
        not have been delivered), `queue_full`, `closed`, `timeout` (no ack in time)."""
        if self.state == "closed":
            raise RelayError("closed", "the client is closed")
        number = self._next_id
        self._next_id += 1
        frame = publish_frame(number, topic, message, user_id, echo, retain)
        item = _Pending(number, topic, frame, asyncio.get_running_loop().create_future())
        if self.state == "open" and self._ws is not None:
            try:
                await self._send(self._ws, item)
            except websockets.exceptions.ConnectionClosed:
                pass  # in flight: the connection's loss fails it with connection_lost
        else:
            self._outbox.append(item)
            while len(self._outbox) > self._queue_max:
                dropped = self._outbox.popleft()
                dropped.future.set_exception(RelayError("queue_full", "dropped from the offline queue"))
                self._emit("dropped", dropped.topic)
        return await item.future

    async def close(self):
        """Closes for good: no reconnect; waiting publishes fail with `closed`."""
        if self.state == "closed":
            return
        self._stop("closed")
        ws, self._ws = self._ws, None
        if ws is not None:
            await ws.close(1000, "client closed")
        if self._task is not None and not self._task.done():
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass

    # -- the connection loop ------------------------------------------------------------------

    async def _run(self):
        attempt = 0
        while self.state != "closed":
            retry_after = None
            if self.id is None:
                try:
                    self.id = await register(self.hub, self.user_id, self.token, self.name, self.timeout, self.ssl)
                    self._emit("registered", self.id)
                except HubHttpError as error:
                    self._emit("error", RelayError(error.code, str(error)))
                    if error.status in (400, 401, 403):
                        return self._stop(error.code)  # a wrong token or user id does not fix itself
                    retry_after, reason = error.retry_after, str(error)
                except (OSError, asyncio.TimeoutError) as error:
                    code = "timeout" if isinstance(error, asyncio.TimeoutError) else "network"
                    self._emit("error", RelayError(code, f"register: {error!r}"))
                    retry_after, reason = None, f"cannot register: {error!r}"
                else:
                    reason = None
                if self.id is None:
                    attempt = await self._wait(attempt + 1, reason, retry_after)
                    continue
            opened_at = None
            try:
                async with websockets.connect(self._url(), open_timeout=self.timeout, ping_interval=None,
                                              close_timeout=1, max_size=None, ssl=self.ssl) as ws:
                    opened_at = time.monotonic()
                    code = await self._hold(ws)
            except websockets.exceptions.ConnectionClosed as closed:
                code = _close_code(closed)
            except (websockets.exceptions.WebSocketException, OSError, asyncio.TimeoutError) as error:
                status = _status_of(error)
                if status == 404 and self.state != "closed":
                    if not self.reregister:
                        self._emit("error", RelayError("unknown_client", f"the hub no longer knows {self.id}"))
                        return self._stop("unknown_client")
                    self.id = None  # the hub forgot the registration: register again, at once
                    continue
                code = None
                if isinstance(error, asyncio.TimeoutError):
                    self._emit("error", RelayError("timeout", f"open the socket: no answer in {self.timeout} s"))
            self._lost()
            if self.state == "closed":
                return None
            if code in (_UNREGISTERED, _REVOKED):
                self._stop("unregistered")
                self._emit("unregistered", {"id": self.id, "revoked": code == _REVOKED})
                return None
            if code == _REPLACED:
                self._stop("replaced")
                self._emit("replaced", self.id)
                return None
            if opened_at is not None and time.monotonic() - opened_at >= self.backoff.reset_after:
                attempt = 0
            attempt = await self._wait(attempt + 1, f"connection closed ({code})", None)
        return None

    def _url(self):
        waits = self.topics is not None and self.recover
        query = "format=envelope&wait=subscribe" if waits else "format=envelope"
        return f"{socket_url(self.hub, self.id)}?{query}"

    async def _hold(self, ws):
        """One open connection: subscribe, flush the queue, ping, read until it ends; its close code."""
        self._ws = ws
        self._set_state("open")
        if self.will is not None:
            await ws.send(json.dumps({"will": self.will}))
        await self._send_topics(ws)
        while self._outbox:
            await self._send(ws, self._outbox.popleft())
        pinger = asyncio.get_running_loop().create_task(self._ping(ws))
        try:
            while True:
                try:
                    # The watchdog: any frame proves the connection alive; two heartbeats of silence, dead.
                    frame = await asyncio.wait_for(ws.recv(), 2 * self.heartbeat)
                except asyncio.TimeoutError:
                    ws.transport.abort()  # half-open TCP never closes by itself: cut it
                    return 1006
                self._on_frame(frame)
        finally:
            pinger.cancel()

    async def _ping(self, ws):
        number = 0
        while True:
            await asyncio.sleep(self.heartbeat)
            number += 1
            await ws.send(json.dumps({"ping": number}))

    async def _send_topics(self, ws):
        if self.topics is None:
            return
        frame = {"topics": self.topics, "format": "envelope"}
        if self.recover:
            frame["since"] = {t: self._positions.get(t, {"offset": 0, "epoch": ""}) for t in self.topics}
        await ws.send(json.dumps(frame))

    async def _send(self, ws, item):
        self._inflight[item.id] = item
        loop = asyncio.get_running_loop()
        item.timer = loop.call_later(self.timeout, self._expire, item.id)
        await ws.send(item.frame)

    def _expire(self, number):
        item = self._inflight.pop(number, None)
        if item is not None and not item.future.done():
            item.future.set_exception(RelayError("timeout", f"publish {number}: no ack within {self.timeout} s"))

    def _settle(self, number):
        item = self._inflight.pop(number, None) if isinstance(number, int) else None
        if item is not None and item.timer is not None:
            item.timer.cancel()
        return None if item is None or item.future.done() else item

    def _on_frame(self, frame):
        if isinstance(frame, bytes):
            split = split_binary(frame)
            if split is not None:
                self._on_envelope(*split)
            return
        try:
            value = json.loads(frame)
        except ValueError:
            return
        if not isinstance(value, dict):
            return
        if "topic" in value and "message" in value:
            self._on_envelope(value, None)
        elif "recovery" in value:
            for topic, result in value["recovery"].items():
                self._positions[topic] = {"offset": result["offset"], "epoch": result["epoch"]}
            self._emit("recovery", value["recovery"])
        elif "ack" in value:
            item = self._settle(value["ack"])
            if item is not None:
                item.future.set_result(value.get("delivered", 0))
        elif "error" in value:
            error = value["error"] if isinstance(value["error"], dict) else {}
            failure = RelayError(error.get("code", "error"), error.get("message", ""))
            item = self._settle(value.get("id"))
            if item is None:
                self._emit("error", failure)
            else:
                item.future.set_exception(failure)

    def _on_envelope(self, envelope, payload):
        message = message_of(envelope, payload)
        if message is None:
            return
        if not message.retained:
            known = self._positions.get(message.topic)
            # Already here (a message can come twice only across a seam): not again.
            if known is not None and known["epoch"] == message.epoch and message.offset <= known["offset"]:
                return
            self._positions[message.topic] = {"offset": message.offset, "epoch": message.epoch}
        self._emit("message", message)

    def _lost(self):
        self._ws = None
        for item in list(self._inflight.values()):
            self._settle(item.id)
            if not item.future.done():
                item.future.set_exception(RelayError("connection_lost", "the connection dropped before the ack"))

    async def _wait(self, attempt, reason, retry_after):
        self._set_state("reconnecting")
        delay = max(self.backoff.delay(attempt), retry_after or 0)
        self._emit("reconnecting", {"attempt": attempt, "delay": delay, "reason": reason})
        await asyncio.sleep(delay)
        return attempt

    def _stop(self, reason):
        self._set_state("closed")
        error = RelayError(reason, f"the client stopped: {reason}")
        for item in list(self._inflight.values()) + list(self._outbox):
            self._settle(item.id)
            if not item.future.done():
                item.future.set_exception(error)
        self._outbox.clear()

    def _set_state(self, state):
        if self.state != state:
            self.state = state
            self._emit("state", state)

    def _emit(self, event, payload):
        for callback in list(self._listeners[event]):
            callback(payload)


def connect(hub, user_id, **options):
    """A Client for `hub` (see Client); `await connect(...)` starts it."""
    return Client(hub, user_id, **options).start()
