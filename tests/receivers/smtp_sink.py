#!/usr/bin/python3
"""A real SMTP server on loopback (Debian's python3-aiosmtpd) for the tests.

Every message it accepts is parsed with Python's email package (an
independent MIME and RFC 2047 decoder) and printed as one JSON line on
standard output, so a test reads deliveries as they happen.  The first
line is {"ready": PORT}.

    smtp_sink.py PORT
"""
import asyncio
import email
import email.policy
import json
import sys

from aiosmtpd.controller import Controller


def emit(record):
    sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    sys.stdout.flush()


class Handler:
    async def handle_DATA(self, server, session, envelope):
        raw = envelope.content
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        parts = {}
        for part in msg.walk():
            if part.get_content_type() in ("text/plain", "text/html"):
                parts[part.get_content_type()] = part.get_content()
        raw_headers = raw.split(b"\r\n\r\n", 1)[0].decode("ascii", "replace")
        emit({
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "from": str(msg["From"]),
            "to": str(msg["To"]),
            "subject": str(msg["Subject"]),
            "message_id": str(msg["Message-ID"]),
            "key": str(msg["X-Duban-Key"]),
            "date": str(msg["Date"]),
            "content_type": msg.get_content_type(),
            "text": parts.get("text/plain"),
            "html": parts.get("text/html"),
            "raw_headers": raw_headers,
        })
        return "250 OK"


def main():
    port = int(sys.argv[1])
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    emit({"ready": port})
    try:
        asyncio.get_event_loop().run_until_complete(asyncio.Event().wait())
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
