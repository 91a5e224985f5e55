#!/usr/bin/python3
"""A real HTTP receiver on loopback for webhook tests.

Every POST is printed as one JSON line on standard output: its path, its
X-Duban-Key header, its body parsed as JSON, and whether it was accepted.
While the file CONTROL contains "down" it answers 503; "slow N" makes it
wait N milliseconds before answering; "refuse" answers 200 with the
robots' error code 300001; "garbage" answers 500 with 2,000 bytes of
Chinese cut in the middle of a character and bytes that are not UTF-8.
It listens on a port of 127.0.0.1 that the
kernel picks (port 0), so no port is guessed; the first line is
{"ready": PORT}, the port it got.

    webhook_sink.py CONTROL
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
        with open(sys.argv[1], encoding="utf-8") as f:
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
        elif m == "garbage":
            answer, status = b"x" + "错".encode() * 600 + b"\xb9\xb4" * 100, 500
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


class Server(ThreadingHTTPServer):
    # socketserver's default backlog is 5: fewer than the connections two
    # duband instances open at once.  A real receiver's is the system's.
    request_queue_size = 128
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that went away (a duband killed in the middle of a
        # request, as one test does) is no fault of the receiver: one
        # line instead of a traceback that reads like one.
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionResetError, BrokenPipeError)):
            with LOCK:
                sys.stderr.write("webhook_sink: client %s:%d went away: %s\n"
                                 % (client_address[0], client_address[1], exc))
            return
        super().handle_error(request, client_address)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: webhook_sink.py CONTROL")
    server = Server(("127.0.0.1", 0), Handler)
    emit({"ready": server.server_address[1]})
    server.serve_forever()


if __name__ == "__main__":
    main()
