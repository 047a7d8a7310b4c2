"""Live updates under load, for bench/run and bench/live-nodes.

  live.py idle HOST PORT TOKEN STREAMS PID
      Opens STREAMS idle Server-Sent Events streams (/api/v1/events) to the
      node PID, then prints its resident memory with them open and how long
      it takes to answer a page meanwhile.

  live.py latency WRITE_BASE READ_BASE TOKEN TOPIC COUNT
      Reads TOPIC's stream from READ_BASE while posting COUNT replies to it
      on WRITE_BASE, one after the other; prints how long each reply took
      to arrive on the stream, from the moment its POST was sent.
"""

import asyncio
import http.client
import json
import os
import resource
import sys
import time
from urllib.parse import urlsplit

# How long idle streams are held to measure the CPU they cost (s).
IDLE_HOLD = 5


def request_bytes(host, path, token):
    return (
        f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
        "Accept: text/event-stream\r\n\r\n"
    ).encode()


async def open_stream(host, port, path, token):
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(request_bytes(host, path, token))
    await writer.drain()
    status = await reader.readline()
    if b" 200 " not in status:
        raise RuntimeError(f"GET {path}: {status!r}")
    while (await reader.readline()) not in (b"\r\n", b""):
        pass
    return reader, writer


def cpu_seconds(pid):
    """User and system CPU time of process PID so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid, field="VmRSS"):
    """Resident memory in all (VmRSS), or the process's own (RssAnon): the
    rest is files it maps, such as the database SQLite's readers map."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


async def idle(host, port, token, streams, pid):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    before = rss_mb(pid)
    opened = []
    failed = 0
    for start in range(0, streams, 500):
        batch = [open_stream(host, port, "/api/v1/events", token)
                 for _ in range(start, min(start + 500, streams))]
        for result in await asyncio.gather(*batch, return_exceptions=True):
            if isinstance(result, Exception):
                failed += 1
            else:
                opened.append(result)
    # Let the node settle, then read its memory, what holding the streams
    # costs it in CPU while nothing happens, and time a request.
    await asyncio.sleep(1)
    after = rss_mb(pid)
    own = rss_mb(pid, "RssAnon")
    cpu_before = cpu_seconds(pid)
    await asyncio.sleep(IDLE_HOLD)
    idle_cpu = (cpu_seconds(pid) - cpu_before) / IDLE_HOLD * 100
    conn = http.client.HTTPConnection(host, port, timeout=30)
    began = time.monotonic()
    conn.request("GET", "/spaces")
    conn.getresponse().read()
    page_ms = (time.monotonic() - began) * 1000
    for _, writer in opened:
        writer.close()
    print(f"{len(opened)} idle live streams ({failed} refused): resident {after:.0f} MB "
          f"(its own {own:.0f} MB; {before:.0f} MB before, target < 200 MB), {idle_cpu:.1f}% of a core while idle; "
          f"a page meanwhile in {page_ms:.1f} ms")


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


async def latency(write_base, read_base, token, topic, count):
    read = urlsplit(read_base)
    reader, writer = await open_stream(read.hostname, read.port,
                                       f"/api/v1/events?topic={topic}", token)
    write = urlsplit(write_base)
    conn = http.client.HTTPConnection(write.hostname, write.port, timeout=30)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    sent = {}
    arrived = {}

    async def listen():
        data = None
        while len(arrived) < count:
            line = await reader.readline()
            if not line:
                raise RuntimeError("the stream ended")
            if line.startswith(b"data:"):
                data = json.loads(line[5:])
            elif line in (b"\r\n", b"\n") and data:
                reply = data.get("reply_id")
                if reply is not None:
                    arrived[reply] = time.monotonic()
                data = None

    listener = asyncio.create_task(listen())
    loop = asyncio.get_running_loop()

    def post(i):
        began = time.monotonic()
        body = json.dumps({"body": f"Live latency probe {i}"})
        conn.request("POST", f"/api/v1/topics/{topic}/replies", body, headers)
        resp = conn.getresponse()
        payload = resp.read()
        if resp.status != 201:
            raise RuntimeError(f"POST: {resp.status} {payload[:200]!r}")
        return json.loads(payload)["id"], began

    for i in range(count):
        reply, began = await loop.run_in_executor(None, post, i)
        sent[reply] = began
        await asyncio.sleep(0.01)
    await asyncio.wait_for(listener, timeout=30)
    writer.close()
    waits = [(arrived[r] - sent[r]) * 1000 for r in sent]
    print(f"{count} replies posted on one node, read on the other: p50 "
          f"{percentile(waits, 0.5):.1f} ms, p99 {percentile(waits, 0.99):.1f} ms, "
          f"max {max(waits):.1f} ms (target p99 < 100 ms)")


def main():
    mode = sys.argv[1]
    if mode == "idle":
        host, port, token, streams, pid = sys.argv[2:7]
        asyncio.run(idle(host, int(port), token, int(streams), int(pid)))
    elif mode == "latency":
        write_base, read_base, token, topic, count = sys.argv[2:7]
        asyncio.run(latency(write_base, read_base, token, topic, int(count)))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
