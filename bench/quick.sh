#!/usr/bin/env bash
# Quick side-by-side numbers for the core issue, on loopback, in one run:
#   1 GiB upload and download through `relay` (client mode -> forwarder -> TCP) beside the same bytes through
#   socat (client -> socat relay -> TCP), and the forwarder's resident memory holding 1,000 idle sessions.
# Usage: bench/quick.sh [ROUNDS]   (needs socat and python3; run ./build.sh first)
set -euo pipefail
cd "$(dirname "$0")/.."
relay=${RELAY_BIN:-$PWD/artifacts/relay/relay}
rounds=${1:-3}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# Wait until something listens on the port, without connecting (a connection would be a session, or the one accept).
wait_port() { for _ in $(seq 1 200); do [ -n "$(ss -Hltn "sport = :$1")" ] && return 0; sleep 0.05; done; echo "nothing listens on $1" >&2; return 1; }
now() { date +%s.%N; }

size=$((1024 * 1024 * 1024))
head -c "$size" /dev/urandom > "$work/1g.bin"
cat "$work/1g.bin" > /dev/null   # warm the page cache

# One long-lived forwarder and one socat relay, each in front of a sink/source port chosen per run.
run_upload() {  # $1 = relay|socat
  local sink front; sink=$(port); front=$(port)
  socat -u TCP-LISTEN:"$sink",reuseaddr OPEN:/dev/null,wronly & local sp=$!
  wait_port "$sink"
  if [ "$1" = relay ]; then
    "$relay" -q -b -E ws-l:127.0.0.1:"$front" tcp:127.0.0.1:"$sink" & local rp=$!
  else
    socat -b 65536 TCP-LISTEN:"$front",reuseaddr TCP:127.0.0.1:"$sink" & local rp=$!
  fi
  wait_port "$front"
  local t0; t0=$(now)
  if [ "$1" = relay ]; then "$relay" -q -b - ws://127.0.0.1:"$front"/ < "$work/1g.bin" > /dev/null
  else socat -b 65536 -u OPEN:"$work/1g.bin" TCP:127.0.0.1:"$front"; fi
  wait "$sp" 2>/dev/null || true
  local t1; t1=$(now)
  kill "$rp" 2>/dev/null || true; wait "$rp" 2>/dev/null || true
  echo "$t0 $t1" | awk -v s="$size" '{ printf "%.0f", s / 1048576 / ($2 - $1) }'
}

run_download() {  # $1 = relay|socat
  local source front; source=$(port); front=$(port)
  socat -b 65536 -u OPEN:"$work/1g.bin" TCP-LISTEN:"$source",reuseaddr & local sp=$!
  wait_port "$source"
  if [ "$1" = relay ]; then
    "$relay" -q -b -E ws-l:127.0.0.1:"$front" tcp:127.0.0.1:"$source" & local rp=$!
  else
    socat -b 65536 TCP-LISTEN:"$front",reuseaddr TCP:127.0.0.1:"$source" & local rp=$!
  fi
  wait_port "$front"
  # The clock stops at stdout's EOF, which comes right after the last byte (the relay client closes stdout when the
  # server's Close arrives), not when the client has finished its close handshake.
  local t0; t0=$(now)
  if [ "$1" = relay ]; then "$relay" -q -b -E - ws://127.0.0.1:"$front"/ < <(sleep 3600) | { wc -c > "$work/count"; now > "$work/t1"; }
  else socat -b 65536 -u TCP:127.0.0.1:"$front" - | { wc -c > "$work/count"; now > "$work/t1"; }; fi
  local t1; t1=$(cat "$work/t1")
  wait "$sp" 2>/dev/null || true
  kill "$rp" 2>/dev/null || true; wait "$rp" 2>/dev/null || true
  local got; got=$(cat "$work/count")
  [ "$got" -eq "$size" ] || { echo "download through $1 delivered $got of $size bytes" >&2; exit 1; }
  echo "$t0 $t1" | awk -v s="$size" '{ printf "%.0f", s / 1048576 / ($2 - $1) }'
}

echo "1 GiB each way, MB/s (MiB/s), $rounds interleaved rounds"
echo "round  relay-up  socat-up  relay-down  socat-down"
for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) -eq 1 ]; then ru=$(run_upload relay); su=$(run_upload socat); rd=$(run_download relay); sd=$(run_download socat)
  else su=$(run_upload socat); ru=$(run_upload relay); sd=$(run_download socat); rd=$(run_download relay); fi
  printf "%5d  %8s  %8s  %10s  %10s\n" "$r" "$ru" "$su" "$rd" "$sd"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

# Idle sessions: 1,000 WebSocket clients held open through the forwarder to a target that holds its connections.
target=$(port); front=$(port)
python3 - "$target" "$front" "$relay" <<'PY'
import asyncio, base64, os, subprocess, sys
target, front, relay = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
N = 1000
def rss(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
async def main():
    held = []
    async def hold(r, w):
        held.append(w)
        while data := await r.read(65536):
            w.write(data)
            await w.drain()
    server = await asyncio.start_server(hold, "127.0.0.1", target, backlog=2048)
    proc = subprocess.Popen([relay, "-q", "-b", "-E", f"ws-l:127.0.0.1:{front}", f"tcp:127.0.0.1:{target}"])
    for _ in range(100):
        try:
            r, w = await asyncio.open_connection("127.0.0.1", front); w.close(); break
        except OSError:
            await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)
    base = rss(proc.pid)
    clients = []
    for i in range(N):
        r, w = await asyncio.open_connection("127.0.0.1", front)
        key = base64.b64encode(os.urandom(16)).decode()
        w.write(f"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode())
        head = await r.readuntil(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 101"), head
        clients.append((r, w))
    await asyncio.sleep(1.0)
    held_rss = rss(proc.pid)
    # Liveness: a masked 4-byte binary frame through every 10th session comes back from the echo target.
    live = 0
    for r, w in clients[::10]:
        w.write(bytes([0x82, 0x84, 0, 0, 0, 0]) + b"live")
        frame = await asyncio.wait_for(r.readexactly(6), 10)
        live += frame == bytes([0x82, 4]) + b"live"
    print(f"forwarder RSS: {base} KiB at start, {held_rss} KiB with {N} idle sessions "
          f"({(held_rss - base) / N:.1f} KiB per session); target connections: {len(held)}; live: {live}/{len(clients[::10])}")
    proc.terminate(); proc.wait()
    for r, w in clients: w.close()
    server.close()
asyncio.run(main())
PY
