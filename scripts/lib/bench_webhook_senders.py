"""Concurrent signed webhook senders for the receiver benchmarks.

usage: bench_webhook_senders.py QUEUE SECRET_FILE SENDERS URL [URL ...]

One sender per feature of QUEUE (a sender's queue.sqlite: SENDERS synthetic scans), each posting its feature's
events in Standard Webhooks-signed batches of 100 with one request in flight (like one `queue flush`); sender n
posts to URL[n % len(URL)]. Bodies are built and signed before the clock starts, so the figure is the receivers'.
Prints: accepted events, seconds, events/s, sender CPU seconds.
"""
import base64, hashlib, hmac, http.client, sqlite3, sys, threading, time, urllib.parse, uuid

queue, secret_path, senders, urls = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
key = base64.b64decode(open(secret_path).read().strip().removeprefix("whsec_"))
db = sqlite3.connect(queue)
slugs = [r[0] for r in db.execute("SELECT DISTINCT feature_slug FROM events ORDER BY feature_slug")]
assert len(slugs) == senders, slugs
now = str(int(time.time()))
work = []
for slug in slugs:
    bodies = [r[0] for r in db.execute("SELECT body FROM events WHERE feature_slug = ? ORDER BY seq", (slug,))]
    requests = []
    for i in range(0, len(bodies), 100):
        batch_id = "b_" + uuid.uuid4().hex
        body = b'{"batch_id":"' + batch_id.encode() + b'","events":[' + b",".join(bodies[i:i + 100]) + b"]}"
        mac = hmac.new(key, f"{batch_id}.{now}.".encode() + body, hashlib.sha256).digest()
        headers = {"webhook-id": batch_id, "webhook-timestamp": now, "content-type": "application/json",
                   "webhook-signature": "v1," + base64.b64encode(mac).decode()}
        requests.append((body, headers))
    work.append(requests)
accepted = [0] * senders
errors = []


def sender(n):
    target = urllib.parse.urlsplit(urls[n % len(urls)])
    conn = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
    for body, headers in work[n]:
        conn.request("POST", target.path, body, headers)
        response = conn.getresponse()
        answer = response.read()
        if response.status != 200:
            errors.append(f"HTTP {response.status}: {answer[:200]!r}")
            return
        accepted[n] += answer.count(b'"accepted"')


threads = [threading.Thread(target=sender, args=(n,)) for n in range(senders)]
cpu_start = time.process_time()
start = time.perf_counter()
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.perf_counter() - start
if errors:
    sys.exit("sender failed: " + errors[0])
print(sum(accepted), round(elapsed, 3), round(sum(accepted) / elapsed), round(time.process_time() - cpu_start, 3))
