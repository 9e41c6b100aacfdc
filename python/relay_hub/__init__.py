"""Relay Hub's device library for Python (asyncio, with `websockets`).

    import asyncio
    from relay_hub import Client

    async def main():
        async with Client("http://192.168.1.20:8000", 1, topics=["cats"]) as device:
            device.on("message", lambda m: print(m.topic, m.message))
            await device.wait_for_state("open")
            print("delivered to", await device.publish("cats", "hello from Python"))
            await asyncio.sleep(60)

    asyncio.run(main())
"""
from .backoff import Backoff
from .client import Client, RelayError, connect
from .frames import Message
from .http import HubHttpError

__all__ = ["Backoff", "Client", "HubHttpError", "Message", "RelayError", "connect"]
__version__ = "0.1.0"
