"""An SMTP server on loopback for Hearth's tests and benchmark (aiosmtpd).

    smtp_sink.py DIR   # keeps each message as a JSON file in DIR
    smtp_sink.py -     # keeps nothing (the benchmark's sink)

Prints its port, then keeps each message it accepts: the envelope, every
header, and the decoded text and HTML parts, as Python's mail parser reads
them. Recipients decide how it answers: tempfail… gets 451, bounce… gets
550, drop… loses the connection. It stops when its standard input closes.
"""

import asyncio
import email
import email.policy
import json
import os
import sys
import uuid

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, out):
        self.out = out

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0]
        if local.startswith("tempfail"):
            return "451 4.3.0 try again later"
        if local.startswith("bounce"):
            return "550 5.1.1 no such mailbox"
        if local.startswith("drop"):
            server.transport.abort()
            return "421 4.3.0 closing"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.out == "-":
            return "250 2.0.0 accepted"
        raw = envelope.original_content or envelope.content
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        parts = {}
        for part in msg.walk():
            kind = part.get_content_type()
            if kind in ("text/plain", "text/html") and kind not in parts:
                parts[kind] = part.get_content()
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "content_type": msg.get_content_type(),
            "headers": [[k, str(v)] for k, v in msg.items()],
            "raw_headers": raw.split(b"\r\n\r\n", 1)[0].decode("ascii", "replace"),
            "text": parts.get("text/plain"),
            "html": parts.get("text/html"),
        }
        name = uuid.uuid4().hex
        tmp = os.path.join(self.out, name + ".tmp")
        with open(tmp, "w") as f:
            json.dump(record, f)
        os.rename(tmp, os.path.join(self.out, name + ".json"))
        return "250 2.0.0 accepted"


async def main(out):
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(Sink(out), hostname="sink.test"), "127.0.0.1", 0
    )
    print(server.sockets[0].getsockname()[1], flush=True)
    closed = loop.create_future()
    def on_input():
        if not closed.done() and not sys.stdin.buffer.read1(1):
            closed.set_result(None)

    loop.add_reader(sys.stdin, on_input)
    await closed


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
