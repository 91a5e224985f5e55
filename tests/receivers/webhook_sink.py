#!/usr/bin/python3
"""A real HTTP receiver on loopback for webhook tests.

Every POST is printed as one JSON line on standard output: its path, its
X-Duban-Key header, its body parsed as JSON, and whether it was accepted.
While the file CONTROL contains "down" it answers 503; "slow N" makes it
wait N milliseconds before answering; "refuse" answers 200 with the
robots' error code 300001.  The first line is {"ready": PORT}.

    webhook_sink.py PORT CONTROL
"""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()


def emit(record):
    with LOCK:
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        sys.stdout.flush()


def mode():
    try:
        with open(sys.argv[2], encoding="utf-8") as f:
            return f.read().strip()
    except FileNotFoundError:
        return ""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        m = mode()
        if m.startswith("slow"):
            time.sleep(int(m.split()[1]) / 1000)
        try:
            body = json.loads(raw.decode("utf-8"))
        except ValueError:
            body = None
        accepted = m != "down" and m != "refuse" and body is not None
        emit({"path": self.path, "key": self.headers.get("X-Duban-Key"),
              "content_type": self.headers.get("Content-Type"),
              "bytes": len(raw), "body": body, "accepted": accepted})
        if m == "down":
            answer, status = b'{"error":"down"}', 503
        elif m == "refuse":
            answer, status = b'{"errcode":300001,"errmsg":"refused"}', 200
        else:
            answer, status = b'{"errcode":0,"errmsg":"ok"}', 200
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


def main():
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    server.daemon_threads = True
    emit({"ready": server.server_address[1]})
    server.serve_forever()


if __name__ == "__main__":
    main()
