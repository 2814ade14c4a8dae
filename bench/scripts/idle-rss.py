import asyncio, base64, os, subprocess, sys
# Usage: python3 bench/scripts/idle-rss.py N RELAY_BINARY [ENV=VALUE ...]: forwarder RSS per idle session (N <= 9000 here;
# 200 handshakes in flight, clients bound to 127.0.0.2-9, each session echo-checked). Needs python3 and ss.
N = int(sys.argv[1]); relay = sys.argv[2]; extra_env = dict(a.split('=',1) for a in sys.argv[3:])
def rss(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"): return int(line.split()[1])
async def main():
    held = []
    async def hold(r, w):
        held.append(w)
        while data := await r.read(65536):
            w.write(data); await w.drain()
    server = await asyncio.start_server(hold, "127.0.0.1", 0, backlog=4096)
    target = server.sockets[0].getsockname()[1]
    import socket
    s = socket.socket(); s.bind(("127.0.0.1", 0)); front = s.getsockname()[1]; s.close()
    env = dict(os.environ); env.update(extra_env)
    proc = subprocess.Popen([relay, "-q", "-b", "-E", f"ws-l:127.0.0.1:{front}", f"tcp:127.0.0.1:{target}"], env=env)
    for _ in range(200):
        if os.popen(f"ss -Hltn 'sport = :{front}'").read().strip(): break
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.3)
    base = rss(proc.pid)
    clients = []
    async def one(i):
        src = f"127.0.0.{2 + i % 8}"
        r, w = await asyncio.open_connection("127.0.0.1", front, local_addr=(src, 0))
        key = base64.b64encode(os.urandom(16)).decode()
        w.write(f"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode())
        head = await r.readuntil(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 101"), head
        w.write(bytes([0x82, 0x84, 0, 0, 0, 0]) + b"live")
        assert await r.readexactly(6) == bytes([0x82, 4]) + b"live"
        clients.append((r, w))
    for start in range(0, N, 200):
        await asyncio.gather(*(one(i) for i in range(start, min(N, start + 200))))
    await asyncio.sleep(2.0)
    held_rss = rss(proc.pid)
    print(f"N={N} env={extra_env} base={base} KiB held={held_rss} KiB per-session={(held_rss-base)/N:.2f} KiB")
    proc.terminate(); proc.wait()
asyncio.run(main())
