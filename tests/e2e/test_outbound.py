"""The outbound queue against a real remote server: aiosmtpd (Debian's python3-aiosmtpd) plays the
MX of remote.test on 127.0.0.1, found through local DNS data; delivery over STARTTLS, retry after a
4xx, delivery reports after a 5xx, null MX and unknown domains, forwarding aliases, and
`sealbox queue`."""

import asyncio
import os
import re
import signal
import smtplib
import ssl
import subprocess
import threading
import time
import unittest
from email import policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from harness import SealboxTestCase, free_ports


def no_verify():
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def message(sender, to, body):
    m = EmailMessage()
    m["From"] = sender
    m["To"] = to
    m["Subject"] = "outbound test"
    m.set_content(body)
    return m.as_bytes(policy=policy.SMTP)


class RemoteServer:
    """What the remote MX saw, and how it answers: `replies` maps a recipient to the RCPT replies
    it gets in turn (the last one repeats)."""

    def __init__(self):
        self.received = []
        self.replies = {}
        self.attempts = {}
        self.slow = False
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            n = self.attempts.get(address, 0)
            self.attempts[address] = n + 1
            answers = self.replies.get(address, ["250 OK"])
        answer = answers[min(n, len(answers) - 1)]
        if answer.startswith("250"):
            envelope.rcpt_tos.append(address)
        return answer

    async def handle_DATA(self, server, session, envelope):
        if self.slow:
            await asyncio.sleep(0.3)
        with self.lock:
            self.received.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos),
                                  "content": envelope.original_content, "tls": session.ssl is not None,
                                  "options": list(envelope.mail_options)})
        return "250 2.0.0 Queued remotely"

    def wait_for(self, count, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.05)
        raise AssertionError(f"the remote server got {len(self.received)} of {count} messages")


def server_tls(directory, name):
    """A self-signed certificate for `name`, and a server context that presents it."""
    cert, key = os.path.join(directory, name + ".crt"), os.path.join(directory, name + ".key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=" + name,
                    "-addext", "subjectAltName=DNS:" + name, "-keyout", key, "-out", cert],
                   check=True, capture_output=True)
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)
    return cert, tls


class OutboundTest(SealboxTestCase):
    def setUp(self):
        super().setUp()
        _, tls = server_tls(self.dir, "mx.remote.test")
        self.remote = RemoteServer()
        port = free_ports(1)[0]
        self.controller = Controller(self.remote, hostname="127.0.0.1", port=port,
                                     tls_context=tls, enable_SMTPUTF8=True)
        self.controller.start()
        self.addCleanup(self.controller.stop)
        with open(self.config, "a") as f:
            f.write(f"""
[queue]
remote_port = {port}
first_retry = "1s"
max_retry_interval = "1s"

[dns]
local_zones = ["remote.test. static", "nullmx.test. static", "nowhere.test. static"]
local_data = ["remote.test. MX 10 mx.remote.test.", "mx.remote.test. A 127.0.0.1",
              "nullmx.test. MX 0 ."]
""")
        self.add_account("alice@example.test", "alice-pw")
        self.sealbox("alias", "add", "fwd@example.test", "carol@remote.test")
        self.start_server()

    def submit(self, recipients, body="hello\n"):
        with smtplib.SMTP("127.0.0.1", self.ports["submission"], timeout=30) as s:
            s.starttls(context=no_verify())
            s.login("alice@example.test", "alice-pw")
            return s.sendmail("alice@example.test", recipients,
                              message("alice@example.test", ", ".join(recipients), body))

    def queue(self, *args):
        return self.sealbox("queue", *args).stdout

    def wait_for_empty_queue(self, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.queue("list") == "":
                return
            time.sleep(0.1)
        self.fail("the queue never emptied: " + self.queue("list"))

    def test_submitted_mail_reaches_the_remote_server_over_starttls(self):
        body = "first line\n.a line that starts with a dot\nlast line\n"
        self.assertEqual(self.submit(["bob@remote.test"], body), {})
        got = self.remote.wait_for(1)[0]
        self.assertEqual(got["from"], "alice@example.test")
        self.assertEqual(got["to"], ["bob@remote.test"])
        self.assertTrue(got["tls"], "opportunistic STARTTLS was not used")
        content = got["content"]
        self.assertTrue(content.startswith(b"Received: from "), content[:200])
        self.assertIn(b"by mail.example.test (Sealbox) with ESMTPSA id ", content)
        self.assertNotIn(b"Return-Path:", content)
        self.assertIn(b"\r\nfirst line\r\n.a line that starts with a dot\r\nlast line\r\n", content)
        self.wait_for_empty_queue()
        self.assertIn("delivered (250 2.0.0 Queued remotely)", self.read_log())

    def test_temporary_failure_is_retried(self):
        self.remote.replies["later@remote.test"] = ["451 4.3.0 Try again later", "250 OK"]
        self.assertEqual(self.submit(["later@remote.test"]), {})
        self.remote.wait_for(1)
        self.assertEqual(self.remote.attempts["later@remote.test"], 2)
        self.wait_for_empty_queue()
        self.assertIn("deferred (451 4.3.0 Try again later)", self.read_log())

    def test_permanent_failures_are_reported_to_the_sender(self):
        self.remote.replies["nobody@remote.test"] = ["550 5.1.1 No such user"]
        self.assertEqual(self.submit(["nobody@remote.test", "x@nullmx.test", "y@nowhere.test"]), {})
        self.wait_for_empty_queue()
        log = self.read_log()
        self.assertIn("failed (550 5.1.1 No such user)", log)
        self.assertIn("failed (5.1.10 nullmx.test accepts no mail (null MX))", log)
        self.assertIn("failed (5.1.2 nowhere.test", log)
        self.stop_server()
        # One report per destination, in Alice's inbox.
        self.assertEqual(self.inbox("alice@example.test", "alice-pw"), 3)
        self.assertEqual(self.remote.received, [])
        reports = [self.sealbox("mailbox", "show", "alice@example.test", uid, "--password-stdin",
                                stdin="alice-pw\n").stdout
                   for uid in ["1", "2", "3"]]
        remote = next(r for r in reports if "Final-Recipient: rfc822; nobody@remote.test" in r)
        self.assertTrue(remote.startswith("Return-Path: <>\r\n"), remote[:100])
        self.assertIn("Subject: Undelivered Mail Returned to Sender\r\n", remote)
        self.assertIn("Content-Type: multipart/report; report-type=delivery-status;", remote)
        self.assertIn("Final-Recipient: rfc822; nobody@remote.test\r\nAction: failed\r\n"
                      "Status: 5.1.1\r\nRemote-MTA: dns; mx.remote.test\r\n"
                      "Diagnostic-Code: smtp; 550 5.1.1 No such user\r\n", remote)
        self.assertIn("Content-Type: message/rfc822\r\n", remote)
        self.assertIn("Subject: outbound test", remote)  # the returned message
        null_mx = next(r for r in reports if "Final-Recipient: rfc822; x@nullmx.test" in r)
        self.assertIn("Status: 5.1.10\r\n", null_mx)
        self.assertNotIn("Diagnostic-Code", null_mx)  # no server said anything

    def test_forwarding_alias_relays_inbound_mail_with_the_original_sender(self):
        with smtplib.SMTP("127.0.0.1", self.ports["smtp"], timeout=30) as s:
            self.assertEqual(s.sendmail("sender@elsewhere.test", ["fwd@example.test"],
                                        message("sender@elsewhere.test", "fwd@example.test", "hi\n")),
                             {})
        got = self.remote.wait_for(1)[0]
        self.assertEqual(got["from"], "sender@elsewhere.test")
        self.assertEqual(got["to"], ["carol@remote.test"])

    def test_kill_9_loses_no_queued_message(self):
        self.remote.slow = True  # so that deliveries are in flight when the server dies
        acknowledged = []
        for n in range(20):
            m = EmailMessage()
            m["From"] = "alice@example.test"
            m["To"] = "bob@remote.test"
            m["Message-ID"] = f"<kill-{n}@example.test>"
            m.set_content("queued\n")
            with smtplib.SMTP("127.0.0.1", self.ports["submission"], timeout=30) as s:
                s.starttls(context=no_verify())
                s.login("alice@example.test", "alice-pw")
                if s.sendmail("alice@example.test", ["bob@remote.test"],
                              m.as_bytes(policy=policy.SMTP)) == {}:
                    acknowledged.append(m["Message-ID"])
        self.server.send_signal(signal.SIGKILL)
        self.server.wait()
        with self.remote.lock:
            before_kill = len(self.remote.received)
        self.assertLess(before_kill, 20, "everything was delivered before the kill")
        self.start_server()
        self.wait_for_empty_queue(timeout=60)
        received = [re.search(rb"Message-ID: (<[^>]+>)", r["content"]).group(1).decode()
                    for r in self.remote.received]
        self.assertEqual(len(acknowledged), 20)
        # At least once each: a message in flight at the kill may arrive twice, never not at all.
        self.assertEqual(sorted(set(received)), sorted(acknowledged))

    def test_queue_commands_show_retry_and_delete(self):
        self.remote.replies["stuck@remote.test"] = ["452 4.2.2 Mailbox full"]
        self.assertEqual(self.submit(["stuck@remote.test"]), {})
        self.wait_for_log("deferred (452 4.2.2 Mailbox full)")
        listing = self.queue("list")
        self.assertEqual(len(listing.splitlines()), 1, listing)
        queue_id = listing.split("\t")[0]
        self.assertIn("<alice@example.test>", listing)
        self.assertIn("1 of 1 waiting", listing)
        shown = self.queue("show", queue_id)
        self.assertIn("<stuck@remote.test>\tqueued", shown)
        self.assertIn("mx.remote.test: 452 4.2.2 Mailbox full", shown)
        self.assertIn("1 recipient(s) will be tried now", self.queue("retry", queue_id))
        self.assertIn(f"deleted {queue_id}", self.queue("delete", queue_id))
        self.assertEqual(self.queue("list"), "")
        missing = self.sealbox("queue", "show", queue_id, check=False)
        self.assertEqual(missing.returncode, 1)
        self.assertIn("no queued message", missing.stderr)


class RelayTest(SealboxTestCase):
    """A smart host: everything goes there, over STARTTLS with a verified certificate and AUTH."""

    def setUp(self):
        super().setUp()
        self.remote = RemoteServer()
        self.logins = []

        def authenticate(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and session.ssl is not None and \
                (auth_data.login, auth_data.password) == (b"relay-user", b"relay-secret")
            self.logins.append(ok)
            return AuthResult(success=ok)

        self.cert, tls = server_tls(self.dir, "localhost")
        self.port = free_ports(1)[0]
        self.controller = Controller(self.remote, hostname="127.0.0.1", port=self.port,
                                     tls_context=tls, require_starttls=True, auth_required=True,
                                     authenticator=authenticate)
        self.controller.start()
        self.addCleanup(self.controller.stop)
        password_file = os.path.join(self.dir, "relay-password")
        with open(password_file, "w") as f:
            f.write("relay-secret\n")
        with open(self.config, "a") as f:
            f.write(f"""
[relay]
host = "localhost"
port = {self.port}
username = "relay-user"
password_file = "{password_file}"
ca_file = "{self.cert}"

[dns]
local_zones = ["nowhere.test. static"]
""")
        self.add_account("alice@example.test", "alice-pw")
        self.start_server()

    def test_everything_goes_through_the_smart_host(self):
        with smtplib.SMTP("127.0.0.1", self.ports["submission"], timeout=30) as s:
            s.starttls(context=no_verify())
            s.login("alice@example.test", "alice-pw")
            # No DNS knows nowhere.test: the smart host is asked, not the domain's MX.
            self.assertEqual(s.sendmail("alice@example.test", ["bob@nowhere.test"],
                                        message("alice@example.test", "bob@nowhere.test", "hi\n")),
                             {})
        got = self.remote.wait_for(1)[0]
        self.assertEqual(got["to"], ["bob@nowhere.test"])
        self.assertTrue(got["tls"])
        self.assertIn(True, self.logins)

    def test_an_untrusted_relay_certificate_defers_the_mail(self):
        with open(self.config) as f:
            config = f.read()
        with open(self.config, "w") as f:
            f.write(config.replace(f'ca_file = "{self.cert}"\n', ""))
        self.stop_server()
        self.start_server()
        with smtplib.SMTP("127.0.0.1", self.ports["submission"], timeout=30) as s:
            s.starttls(context=no_verify())
            s.login("alice@example.test", "alice-pw")
            s.sendmail("alice@example.test", ["bob@nowhere.test"],
                       message("alice@example.test", "bob@nowhere.test", "hi\n"))
        self.wait_for_log("deferred (4.7.5")
        self.assertEqual(self.remote.received, [])
        self.assertEqual(self.logins, [])


if __name__ == "__main__":
    unittest.main()
