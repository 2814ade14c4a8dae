# Usage: python3 bench/scripts/startup.py RELAY_BINARY: ms from exec to the forwarder listening and to the client first byte.
import subprocess, time, socket, statistics, sys
R = sys.argv[1]
def port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p
lst = []
for i in range(15):
    p = port()
    t0 = time.perf_counter()
    proc = subprocess.Popen([R, "-b", "ws-l:127.0.0.1:%d" % p, "tcp:127.0.0.1:1"], stderr=subprocess.PIPE)
    proc.stderr.readline()
    lst.append((time.perf_counter() - t0) * 1000)
    proc.terminate(); proc.wait()
print("forwarder listening after: median %.1f ms, min %.1f ms" % (statistics.median(lst), min(lst)))
# client: time to first byte at a raw listener
ls = socket.socket(); ls.bind(("127.0.0.1", 0)); ls.listen(8); p = ls.getsockname()[1]
cl = []
for i in range(15):
    t0 = time.perf_counter()
    proc = subprocess.Popen([R, "-b", "-", "ws://127.0.0.1:%d/" % p], stdin=subprocess.PIPE, stderr=subprocess.DEVNULL)
    c, _ = ls.accept(); c.recv(1)
    cl.append((time.perf_counter() - t0) * 1000)
    c.close(); proc.kill(); proc.wait()
print("client first byte after: median %.1f ms, min %.1f ms" % (statistics.median(cl), min(cl)))
