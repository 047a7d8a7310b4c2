"""Eight clients posting pathological bodies, for bench/run's "under attack"
row: each thread keeps one connection and posts, as replies, the largest
bodies Hearth takes of the kinds that are hardest to parse, until the file
named by STOP exists. Prints how many it posted and the slowest answer."""

import http.client
import json
import os
import sys
import threading
import time

host, port, token, topic, stop = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
N = 100_000
QUOTES = "> " * 98 + "a\n\n"
BODIES = [
    "http://a.b" + ")" * (N - 10),
    "[" * N,
    "*a" * (N // 2),
    "<" * N,
    QUOTES * (N // len(QUOTES)),
    "[a](" * (N // 4),
]
counts = []
slowest = [0.0]
lock = threading.Lock()


def attacker(n):
    conn = http.client.HTTPConnection(host, port, timeout=60)
    sent = 0
    while not os.path.exists(stop):
        body = json.dumps({"body": BODIES[(n + sent) % len(BODIES)]})
        started = time.monotonic()
        try:
            conn.request("POST", f"/api/v1/topics/{topic}/replies", body,
                         {"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
            conn.getresponse().read()
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=60)
        took = time.monotonic() - started
        with lock:
            slowest[0] = max(slowest[0], took)
        sent += 1
    with lock:
        counts.append(sent)


threads = [threading.Thread(target=attacker, args=(n,)) for n in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(f"{sum(counts)} pathological replies posted, the slowest answered in {slowest[0] * 1000:.0f} ms")
