"""A WebSocket peer made of python3-websockets (Debian's 10.4, asyncio API), for Relay's interop tests.

    /usr/bin/python3 websockets-peer.py client URL MODE [ARG]    connect to URL
    /usr/bin/python3 websockets-peer.py server 0 MODE [ARG]      listen on 127.0.0.1, an ephemeral port, until killed

Modes and the line protocol on stdout are those of ws-peer.mjs (docs/interop.md): listening PORT | open |
sent N SHA256 | received N SHA256 | pong HEX | close CODE [REASON] | error MESSAGE.
"""
import asyncio
import hashlib
import os
import random
import sys

import websockets

PING_PAYLOAD = b"relay-interop-ping"


def say(line):
    print(line, flush=True)


def message_sizes():
    """1 byte, 200 KiB, then by thirds tiny, around the 16-bit length boundary, and large (RFC 6455 §5.2 forms)."""
    yield 1
    yield 200 * 1024
    ranges = [(1, 17), (17, 70000), (70000, 200 * 1024 + 1)]
    i = 0
    while True:
        low, high = ranges[i % 3]
        yield random.randrange(low, high)
        i += 1


def say_close(ws):
    say(f"close {ws.close_code}" + (f" {ws.close_reason}" if ws.close_reason else ""))


async def send_stream(ws, data):
    sizes = message_sizes()
    view = memoryview(data)
    offset = 0
    while offset < len(data):
        size = min(next(sizes), len(data) - offset)
        await ws.send(view[offset:offset + size].tobytes())
        offset += size


async def receive_count(ws, total):
    digest = hashlib.sha256()
    received = 0
    while received < total:
        message = await ws.recv()
        digest.update(message)
        received += len(message)
    say(f"received {received} {digest.hexdigest()}")


async def run_client(url, mode, arg):
    # Defaults kept on purpose: websockets offers permessage-deflate, which the relay must decline.
    async with websockets.connect(url, max_size=None, ping_interval=None) as ws:
        say("open")
        if mode in ("stream", "close"):
            total = int(arg) if mode == "stream" else 1000
            data = os.urandom(total)
            say(f"sent {total} {hashlib.sha256(data).hexdigest()}")
            await asyncio.gather(send_stream(ws, data), receive_count(ws, total))
            if mode == "stream":
                await ws.close(1000, "done")
            else:
                await ws.close(int(arg), "peer-bye")
        elif mode == "ping":
            # The waiter resolves only on a Pong whose payload equals this Ping's (websockets matches them).
            waiter = await ws.ping(PING_PAYLOAD)
            await waiter
            say(f"pong {PING_PAYLOAD.hex()}")
            await ws.close(1000, "done")
        else:
            await ws.wait_closed()
    say_close(ws)


async def serve(ws, path, mode, arg):
    digest = hashlib.sha256()
    received = 0
    try:
        if mode == "close":
            await ws.close(int(arg), "peer-bye")
            return
        if mode == "ping":
            waiter = await ws.ping(PING_PAYLOAD)
            asyncio.ensure_future(report_pong(waiter))
        try:
            async for message in ws:
                digest.update(message)
                received += len(message)
                await ws.send(message)
        except websockets.ConnectionClosed:
            pass
        await ws.wait_closed()
    except Exception as error:  # noqa: BLE001 - reported to the test, which fails on it
        say(f"error {error!r}")
    finally:
        say(f"received {received} {digest.hexdigest()}")
        say_close(ws)


async def report_pong(waiter):
    await waiter
    say(f"pong {PING_PAYLOAD.hex()}")


async def run_server(port, mode, arg):
    async def handler(ws, path):
        await serve(ws, path, mode, arg)

    async with websockets.serve(handler, "127.0.0.1", port, max_size=None, ping_interval=None) as server:
        say(f"listening {server.sockets[0].getsockname()[1]}")
        await asyncio.Future()


def main():
    role, target, mode = sys.argv[1:4]
    arg = sys.argv[4] if len(sys.argv) > 4 else None
    try:
        if role == "client":
            asyncio.run(run_client(target, mode, arg))
        else:
            asyncio.run(run_server(int(target), mode, arg))
    except Exception as error:  # noqa: BLE001
        say(f"error {error!r}")
        sys.exit(1)


if __name__ == "__main__":
    main()
