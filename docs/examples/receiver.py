#!/usr/bin/env python3
"""A minimal dossier webhook receiver: Python standard library + the `standardwebhooks` package.

    pip install standardwebhooks
    python3 docs/examples/receiver.py --secret-file secret --out events.jsonl [--host 127.0.0.1] [--port 8788]

POST /webhook: verifies the Standard Webhooks signature (401 if it fails), reads the batch
{"batch_id": ..., "events": [...]} (400 if it is not one), stores every new event as one JSON line in --out
(flushed and fsynced before answering), and answers 200 {"results": [...]} with one entry per event:
accepted (new), duplicate (its event_id is already stored) or rejected (with a reason). It prints one line per
batch and one per event. The first line on stdout is "listening on http://HOST:PORT" (--port 0 picks a free port).
Give --secret-file twice (new and old secret) while rotating the secret: a request signed with either is accepted.
See docs/webhooks.md for the contract.
"""

import argparse
import json
import os
import stat
import sys
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

EVENT_TYPES = {
    "mission_dossier_artifact_indexed",
    "mission_dossier_artifact_missing",
    "mission_dossier_snapshot_computed",
    "mission_dossier_parity_drift_detected",
}
MAX_BODY_BYTES = 1 << 20  # bigger requests get 413; dossier then splits the batch in two


def check_event(event):
    """The reason an event is rejected, or None. A real receiver would check it against dossier's schemas/."""
    if event.get("event_type") not in EVENT_TYPES:
        return "unknown event_type %r" % (event.get("event_type"),)
    if not isinstance(event.get("payload"), dict):
        return "payload is not an object"
    if not isinstance(event["payload"].get("feature_slug"), str):
        return "payload.feature_slug is not a string"
    return None


class Store:
    """Received events as JSON lines, deduplicated by event_id (the ids already stored are loaded at start)."""

    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()
        self.seen = set()
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                for line in f:
                    if line.strip():
                        self.seen.add(json.loads(line)["event"]["event_id"])
        self.file = open(path, "a", encoding="utf-8")

    def store(self, batch_id, events):
        """Stores the new events durably; returns one result per event that has an event_id."""
        results = []
        received_at = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        with self.lock:
            for event in events:
                event_id = event.get("event_id") if isinstance(event, dict) else None
                if not isinstance(event_id, str):
                    # Nothing to name it by: left out of the results, so dossier retries it later.
                    print("  (an event without an event_id: left out of the results)", flush=True)
                    continue
                reason = check_event(event)
                if reason is not None:
                    results.append({"event_id": event_id, "status": "rejected", "reason": reason})
                elif event_id in self.seen:
                    results.append({"event_id": event_id, "status": "duplicate"})
                else:
                    line = {"received_at": received_at, "batch_id": batch_id, "event": event}
                    self.file.write(json.dumps(line, sort_keys=True, separators=(",", ":")) + "\n")
                    self.seen.add(event_id)
                    results.append({"event_id": event_id, "status": "accepted"})
                result = results[-1]
                print("  %-9s %s %s %s" % (result["status"], event_id, event.get("event_type"),
                                            (event.get("payload") or {}).get("feature_slug")), flush=True)
            # Durable before we answer: an accepted event must survive a crash of this process.
            self.file.flush()
            os.fsync(self.file.fileno())
        return results


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: dossier sends its batches one after another on one connection
    webhooks = []  # one standardwebhooks.Webhook per accepted secret, set in main()
    store = None

    def answer(self, status, document):
        body = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        if self.path.split("?", 1)[0] != "/webhook":
            # 404 makes dossier pause the endpoint: the URL is wrong, nothing is consumed.
            self.close_connection = True
            return self.answer(404, {"error": "no webhook endpoint at %s" % self.path})
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self.close_connection = True
            return self.answer(411, {"error": "Content-Length required"})
        if length < 0 or length > MAX_BODY_BYTES:
            self.close_connection = True
            return self.answer(413, {"error": "body of %d bytes is over %d" % (length, MAX_BODY_BYTES)})
        body = self.rfile.read(length)
        error = verify(self.webhooks, body, dict(self.headers.items()))
        if error is not None:
            print("refused a request: signature verification failed: %s" % error, flush=True)
            return self.answer(401, {"error": "signature verification failed: %s" % error})
        try:
            batch = json.loads(body)
            batch_id, events = batch["batch_id"], batch["events"]
            if not isinstance(batch_id, str) or not isinstance(events, list):
                raise ValueError("batch_id must be a string and events an array")
        except (ValueError, KeyError, TypeError) as error:
            # 400 without "results": dossier bisects the batch to find the event it cannot take.
            return self.answer(400, {"error": "not a batch: %s" % error})
        print("batch %s (webhook-id %s): %d event(s)" % (batch_id, self.headers.get("webhook-id"), len(events)),
              flush=True)
        self.answer(200, {"results": self.store.store(batch_id, events)})

    def log_message(self, format, *args):  # the per-batch lines above say what happened
        pass


def verify(webhooks, body, headers):
    """None when the request is signed with one of the secrets, else why not.

    The raw body bytes as received: the signature covers "<webhook-id>.<webhook-timestamp>.<body>"; the library
    also refuses a webhook-timestamp more than 5 minutes from now.
    """
    error = None
    for webhook in webhooks:
        try:
            webhook.verify(body, headers, json_parse=False)
            return None
        except (WebhookVerificationError, ValueError) as failure:  # ValueError: a malformed signature entry
            error = failure
    return error


def read_secret(path):
    mode = os.stat(path).st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        sys.exit("secret file %s is readable by group or others (mode %o): chmod 600 it" % (path, mode & 0o777))
    with open(path, encoding="utf-8") as f:
        return f.read().strip()


def main():
    parser = argparse.ArgumentParser(description="A minimal dossier webhook receiver.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8788, help="0 picks a free port")
    parser.add_argument("--secret-file", required=True, action="append",
                        help="file holding the whsec_ secret (mode 600); twice while rotating")
    parser.add_argument("--out", required=True, help="JSON-lines file the events are appended to")
    args = parser.parse_args()

    Handler.webhooks = [Webhook(read_secret(path)) for path in args.secret_file]
    Handler.store = Store(args.out)
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    print("listening on http://%s:%d" % (args.host, server.server_address[1]), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
