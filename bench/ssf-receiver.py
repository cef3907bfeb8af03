#!/usr/bin/env python3
"""A Shared Signals push receiver (RFC 8935) for bench/outbox-burst.sh, on 127.0.0.1 only.

Usage: ssf-receiver.py PORT_FILE LOG AUTHORIZATION MAX_SECONDS

Listens on a free loopback port (written to PORT_FILE), takes POSTs of a SET, and appends one line per
delivery to LOG before answering 202: "<jti> <session id> <seconds since the epoch>". The session id is
the opaque session of the SET's complex subject ("-" when there is none). A POST without the expected
Authorization header gets 401 and is not recorded. The signature is not checked (the bench counts
deliveries; the test suite checks signatures). Exits by itself after MAX_SECONDS.
"""
import base64
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port_file, log_path, authorization, max_seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
lock = threading.Lock()
log = open(log_path, "a", buffering=1)


def claims(jwt):
    payload = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


class Receiver(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode("ascii", "replace")
        if self.headers.get("Authorization") != authorization:
            self.answer(401)
            return
        try:
            set_claims = claims(body.strip())
            session = set_claims.get("sub_id", {}).get("session", {}).get("id", "-")
            line = "%s %s %.6f\n" % (set_claims["jti"], session, time.time())
        except (ValueError, KeyError, IndexError, AttributeError):
            self.answer(400, b'{"err":"invalid_request","description":"not a SET"}')
            return
        with lock:
            log.write(line)
        self.answer(202)

    def answer(self, status, body=b""):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        if body:
            self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a connection the killed server left half-open: nothing to record


server = Server(("127.0.0.1", 0), Receiver)
server.daemon_threads = True
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.replace(port_file + ".tmp", port_file)
threading.Timer(max_seconds, lambda: os._exit(0)).start()
server.serve_forever()
