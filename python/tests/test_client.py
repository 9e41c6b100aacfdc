"""relay_hub against a real hub: publish with ack, binary messages, registration by name,
reconnect after the hub is killed with kill -9, recovery with `since`, the watchdog (a hub frozen
with SIGSTOP), request deadlines, and the stops."""
import asyncio
import os
import signal
import socket
import sys

import pytest

import relay_hub
from relay_hub import Backoff, Client, RelayError


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, 60))


class Inbox:
    """Collects a client's messages and events; `await inbox.get()` the next message."""

    def __init__(self, client):
        self.messages = asyncio.Queue()
        self.events = []
        self.recovered = asyncio.Event()
        client.on("message", self.messages.put_nowait)
        client.on("recovery", lambda _: self.recovered.set())
        for event in ("recovery", "reconnecting", "error", "registered", "unregistered", "state"):
            client.on(event, lambda payload, event=event: self.events.append((event, payload)))

    async def subscribed(self, timeout=10):
        """Returns once the hub has taken the client's topics (its recovery frame came)."""
        await asyncio.wait_for(self.recovered.wait(), timeout)

    async def get(self, timeout=10):
        return await asyncio.wait_for(self.messages.get(), timeout)


def test_is_the_installed_package_when_asked():
    if os.environ.get("RELAY_HUB_EXPECT_INSTALLED") == "1":
        assert relay_hub.__file__.startswith(sys.prefix), relay_hub.__file__


def test_publishes_with_ack_and_receives_envelopes(hub):
    async def main():
        async with Client(hub.url, 1, topics=["cats"]) as reader, Client(hub.url, 2, topics=["dogs"]) as writer:
            inbox = Inbox(reader)
            await inbox.subscribed()
            await writer.wait_for_state("open", 10)
            assert await writer.publish("cats", "hello") == 1
            message = await inbox.get()
            assert (message.topic, message.message, message.offset) == ("cats", "hello", 1)
            assert reader.position("cats") == {"offset": 1, "epoch": message.epoch}
            with pytest.raises(RelayError) as refused:
                await writer.publish("", "no topic")
            assert refused.value.code == "invalid_topic"

    run(main())


def test_binary_messages_both_ways(hub):
    async def main():
        async with Client(hub.url, 1, topics=["bytes"]) as reader, Client(hub.url, 2) as writer:
            inbox = Inbox(reader)
            await inbox.subscribed()
            await writer.wait_for_state("open", 10)
            assert await writer.publish("bytes", b"\x00\xff\x10") == 1
            message = await inbox.get()
            assert message.message == b"\x00\xff\x10" and message.topic == "bytes"

    run(main())


def test_registers_by_name_and_gets_the_same_registration_back(hub):
    async def main():
        ids = []
        for _ in range(2):
            async with Client(hub.url, 1, name="greenhouse") as device:
                await device.wait_for_state("open", 10)
                ids.append(device.id)
        assert ids[0] == ids[1]

    run(main())


def test_reconnects_after_kill_9_and_recovers_what_it_missed(hub):
    async def main():
        # A fixed random source: the first retry waits the whole window (4 s), the hub is back before.
        backoff = Backoff(base=2.0, random=lambda: 0.999)
        async with Client(hub.url, 1, topics=["cats"], backoff=backoff, heartbeat=1) as device:
            inbox = Inbox(device)
            await inbox.subscribed()
            hub.publish("cats", "before")
            assert (await inbox.get()).message == "before"
            hub.kill9()
            await device.wait_for_state("reconnecting", 10)
            hub.restart()
            assert device.state == "reconnecting"
            hub.publish("cats", "while away 1")
            hub.publish("cats", "while away 2")
            await device.wait_for_state("open", 20)
            got = [(await inbox.get()).message, (await inbox.get()).message]
            assert got == ["while away 1", "while away 2"]
            hub.publish("cats", "live")
            assert (await inbox.get()).message == "live"
            recoveries = [payload for event, payload in inbox.events if event == "recovery"]
            assert recoveries[-1]["cats"]["recovered"] is True
            assert recoveries[-1]["cats"]["offset"] == 3
            assert [payload for event, payload in inbox.events if event == "registered"] == [device.id]

    run(main())


def test_a_publish_waiting_for_its_ack_fails_with_connection_lost_and_a_queued_one_goes_out_later(hub):
    async def main():
        backoff = Backoff(base=0.2)
        async with Client(hub.url, 1, topics=["cats"], backoff=backoff) as device:
            await device.wait_for_state("open", 10)
            hub.kill9()
            await device.wait_for_state("reconnecting", 10)
            queued = asyncio.ensure_future(device.publish("cats", "queued while away"))
            await asyncio.sleep(0.1)
            assert not queued.done()
            hub.restart()
            async with Client(hub.url, 2, topics=["cats"]) as reader:
                inbox = Inbox(reader)
                await reader.wait_for_state("open", 10)
                # The queued publish may go out before the reader subscribes: its receipt counts 0 or 1.
                assert await asyncio.wait_for(queued, 20) in (0, 1)

    run(main())


def test_the_watchdog_finds_a_hub_that_went_silent(hub):
    async def main():
        async with Client(hub.url, 1, topics=["cats"], heartbeat=0.3, backoff=Backoff(base=0.1)) as device:
            inbox = Inbox(device)
            await device.wait_for_state("open", 10)
            hub.process.send_signal(signal.SIGSTOP)  # the TCP connection stays open; nothing answers
            try:
                await device.wait_for_state("reconnecting", 5)
            finally:
                hub.process.send_signal(signal.SIGCONT)
            await device.wait_for_state("open", 10)
            assert any(event == "reconnecting" for event, _ in inbox.events)

    run(main())


def test_gives_up_on_a_hub_that_accepts_and_never_answers():
    async def main():
        silent = socket.socket()
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        try:
            device = Client(f"http://127.0.0.1:{port}", 1, timeout=0.3, backoff=Backoff(base=5))
            errors = []
            device.on("error", errors.append)
            await device.start()
            await device.wait_for_state("reconnecting", 5)
            assert errors[0].code == "timeout"
            await device.close()
        finally:
            silent.close()

    run(main())


def test_stops_for_good_when_the_operator_unregisters_it(hub):
    async def main():
        device = Client(hub.url, 3)
        stopped = []
        device.on("unregistered", stopped.append)
        await device.start()
        await device.wait_for_state("open", 10)
        assert hub.request("DELETE", f"/register/{device.id}") == 200
        await asyncio.wait_for(device.wait_stopped(), 10)
        assert device.state == "closed"
        assert stopped == [{"id": device.id, "revoked": False}]
        with pytest.raises(RelayError) as closed:
            await device.publish("cats", "too late")
        assert closed.value.code == "closed"

    run(main())


def test_registers_again_when_the_hub_has_forgotten_it(hub, tmp_path):
    async def main():
        async with Client(hub.url, 4, topics=["cats"], backoff=Backoff(base=0.2)) as device:
            inbox = Inbox(device)
            await device.wait_for_state("open", 10)
            first = device.id
            hub.kill9()
            await device.wait_for_state("reconnecting", 10)
            hub.data_dir = str(tmp_path / "fresh")  # a hub that never saw this registration
            os.makedirs(hub.data_dir)
            hub.restart()
            await device.wait_for_state("open", 20)
            await inbox.subscribed()
            assert device.id != first
            assert [payload for event, payload in inbox.events if event == "registered"] == [first, device.id]
            hub.publish("cats", "after")
            assert (await inbox.get()).message == "after"

    run(main())


def test_its_will_is_published_when_its_connection_is_cut_and_not_when_it_closes(hub):
    async def main():
        will = {"topic": "status", "message": "sensor-1 is gone"}
        async with Client(hub.url, 1, topics=["status"]) as reader:
            inbox = Inbox(reader)
            await inbox.subscribed()
            async with Client(hub.url, 2, topics=["cats"], will=will, backoff=Backoff(base=5)) as device:
                await device.wait_for_state("open", 10)
                # The will frame follows the open: a publish answered after it was taken.
                assert await device.publish("cats", "hello") == 0
                device._ws.transport.abort()  # a cut network: no close frame reaches the hub
                message = await inbox.get()
                assert (message.topic, message.message) == ("status", "sensor-1 is gone")
            async with Client(hub.url, 3, topics=["cats"], will=will) as polite:
                await polite.wait_for_state("open", 10)
                assert await polite.publish("cats", "hello") == 0
            # Closed normally (1000): no will. A publish after it arrives first, alone.
            async with Client(hub.url, 4, topics=["dogs"]) as writer:
                await writer.wait_for_state("open", 10)
                await writer.publish("status", "still here")
            message = await inbox.get()
            assert (message.topic, message.message) == ("status", "still here")

    run(main())
