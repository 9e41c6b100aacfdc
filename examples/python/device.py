#!/usr/bin/env python3
"""A Relay Hub device in Python, on the relay_hub library (python/: `pip install ./python`).

It registers, subscribes in envelope mode, publishes over its socket (waiting for each ack), and
reconnects with backoff whenever the connection drops (with --recover, getting what it missed); the operator
unregistering it (close 4000) or another connection taking its place (4001) stops it for good.
Every event is printed as one JSON line on stdout, e.g.:

    /usr/bin/python3 examples/python/device.py --hub http://192.168.1.20:8000 --user 1 \
        --topics cats,dogs --publish 'cats=hello from python'

Run it with /usr/bin/python3 (Debian's python3-websockets); without `pip install ./python` it finds
the library beside this repository's examples.
"""
import argparse
import asyncio
import json
import os
import sys

sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
from relay_hub import Client, RelayError  # noqa: E402


def say(event, **fields):
    """Prints one event as a JSON line."""
    print(json.dumps({"event": event, **fields}), flush=True)


async def run(args):
    topics = [t for t in args.topics.split(",") if t]
    device = Client(args.hub, args.user, topics=topics, token=args.token, heartbeat=args.heartbeat,
                    recover=args.recover)
    done = asyncio.get_running_loop().create_future()
    received = 0

    def on_message(m):
        nonlocal received
        if isinstance(m.message, bytes):
            say("message", topic=m.topic, bytes_hex=m.message.hex(), offset=m.offset)
        else:
            say("message", topic=m.topic, message=m.message, ts=m.ts, offset=m.offset)
        received += 1
        if args.count is not None and received >= args.count and not done.done():
            done.set_result(0)

    def on_stop(event):
        return lambda payload: done.done() or (say(event, id=device.id), done.set_result(1))

    device.on("registered", lambda id: say("registered", id=id))
    device.on("state", lambda state: state == "open" and say("open"))
    device.on("reconnecting", lambda r: say("reconnecting", attempt=r["attempt"], delay_s=round(r["delay"], 3),
                                            reason=r["reason"]))
    device.on("message", on_message)
    device.on("unregistered", on_stop("unregistered"))
    device.on("replaced", on_stop("replaced"))

    async def publish(number, topic, message):
        try:
            say("ack", id=number, delivered=await device.publish(topic, message))
        except RelayError as error:
            say("error", id=number, code=error.code, message=str(error))

    publishes = [item.partition("=")[::2] for item in args.publish]
    publishes += [(topic, bytes.fromhex(hex_bytes)) for topic, hex_bytes in
                  (item.partition("=")[::2] for item in args.publish_hex)]
    await device.start()
    tasks = [asyncio.ensure_future(publish(n, t, m)) for n, (t, m) in enumerate(publishes, start=1)]
    code = await done
    for task in tasks:
        task.cancel()
    await device.close()
    return code


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
    parser.add_argument("--recover", action="store_true",
                        help="on reconnect, get what was published while away (its own publishes too)")
    parser.add_argument("--heartbeat", type=float, default=20, help="ping interval, seconds (default 20)")
    args = parser.parse_args()
    try:
        sys.exit(asyncio.run(run(args)))
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
