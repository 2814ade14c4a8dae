#!/usr/bin/env bash
R=${R:-$(dirname "$0")/../../artifacts/relay/relay}
# Usage: R=artifacts/relay/relay bench/scripts/syscalls-upload.sh: strace -c of a forwarder relaying 256 MiB upstream
# (needs strace, socat, and /tmp/1g.bin: head -c 1G /dev/urandom > /tmp/1g.bin).
port() { python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])"; }
sink=$(port); fwd=$(port); tl=$(port)
head -c 268435456 /tmp/1g.bin > /tmp/256m.bin
socat -u TCP-LISTEN:$sink,reuseaddr OPEN:/dev/null,wronly & sp=$!
strace -f -c -o /tmp/strace.fwd $R -q -b -E ws-l:127.0.0.1:$fwd tcp:127.0.0.1:$sink & fp=$!
$R -q -b tcp-l:127.0.0.1:$tl ws://127.0.0.1:$fwd/ & tp=$!
for i in $(seq 200); do [ -n "$(ss -Hltn "sport = :$tl")" ] && [ -n "$(ss -Hltn "sport = :$fwd")" ] && break; sleep 0.02; done
socat -b 65536 -u OPEN:/tmp/256m.bin TCP:127.0.0.1:$tl
wait $sp
kill $tp; pkill -TERM -f -- "-q -b -E ws-l:127.0.0.1:$fwd"; wait $fp $tp 2>/dev/null
grep -E "calls|recvfrom|sendto|sendmsg|recvmsg|epoll_wait|write|read|futex|total" /tmp/strace.fwd | head -12
