#!/usr/bin/python3
"""A real SMTP server on loopback (Debian's python3-aiosmtpd) for the tests.

Every message it accepts is parsed with Python's email package (an
independent MIME and RFC 2047 decoder) and printed as one JSON line on
standard output, so a test reads deliveries as they happen.  It listens
on a port of 127.0.0.1 that the kernel picks (port 0), so no port is
guessed; the first line is {"ready": PORT}, the port it got.

    smtp_sink.py
"""
import asyncio
import email
import email.policy
import json
import sys

from aiosmtpd.smtp import SMTP


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
            # Each recipient as a reader parses the header (RFC 5322):
            # [display name, address].
            "to_addresses": [[a.display_name, a.addr_spec]
                             for a in msg["To"].addresses],
            "from_addresses": [[a.display_name, a.addr_spec]
                               for a in msg["From"].addresses],
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
    if len(sys.argv) != 1:
        sys.exit("usage: smtp_sink.py")
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    # aiosmtpd's SMTP is an asyncio protocol: served here directly, as its
    # documentation shows, so the listener reports the port it was given.
    server = loop.run_until_complete(loop.create_server(
        lambda: SMTP(Handler(), enable_SMTPUTF8=True),
        host="127.0.0.1", port=0, backlog=128))
    emit({"ready": server.sockets[0].getsockname()[1]})
    try:
        loop.run_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


if __name__ == "__main__":
    main()
