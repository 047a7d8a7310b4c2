"""Makes the benchmark user follow what bench/run's activity and
notification rows assume: up to 200 spaces, 500 topics and 50 people of
the seeded store, through the API. Prints how many of each it followed."""

import http.client
import json
import sys

host, port, token = sys.argv[1], int(sys.argv[2]), sys.argv[3]
conn = http.client.HTTPConnection(host, port, timeout=60)
headers = {"Authorization": "Bearer " + token}


def get(path):
    conn.request("GET", path, headers=headers)
    resp = conn.getresponse()
    body = resp.read()
    if resp.status != 200:
        sys.exit(f"GET {path}: {resp.status} {body[:200]!r}")
    return json.loads(body)


def page_through(path, key, want):
    found, after = [], ""
    while len(found) < want:
        sep = "&" if "?" in path else "?"
        page = get(f"{path}{sep}limit=100" + (f"&after={after}" if after else ""))
        found += [item[key] for item in page["items"]]
        after = page.get("next")
        if not after:
            break
    return found[:want]


def follow(kind, key):
    conn.request("PUT", f"/api/v1/follows/{kind}/{key}", headers=headers)
    resp = conn.getresponse()
    resp.read()
    return resp.status == 204


spaces = page_through("/api/v1/spaces", "slug", 200)
people = page_through("/api/v1/users", "username", 51)
topics = []
for slug in spaces:
    if len(topics) >= 500:
        break
    topics += [t["id"] for t in get(f"/api/v1/spaces/{slug}/topics?limit=25")["items"]]
done = {
    "spaces": sum(follow("spaces", s) for s in spaces),
    "topics": sum(follow("topics", t) for t in topics[:500]),
    "people": sum(follow("people", p) for p in people if p != "bench"),
}
print(", ".join(f"{n} {k}" for k, n in done.items()))
