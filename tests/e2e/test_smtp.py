"""SMTP (MX), submission, submissions and LMTP against the real binary; delivery checked in the
encrypted mailboxes with `sealbox mailbox count`."""

import signal
import smtplib
import socket
import ssl
import subprocess
import unittest
from email import policy
from email.message import EmailMessage

from harness import SEALBOX, SealboxTestCase

SECRET_SUBJECT = "subject-that-must-never-be-logged"


def no_verify():
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def message(sender, to, subject=SECRET_SUBJECT, body="hello\n"):
    m = EmailMessage()
    m["From"] = sender
    m["To"] = to
    m["Subject"] = subject
    m.set_content(body)
    return m.as_bytes(policy=policy.SMTP)  # CRLF line ends: bare LF is refused


class RawClient:
    """A line-level client for what smtplib cannot do: LMTP replies per recipient, smuggling."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.buffer = b""

    def send(self, data):
        self.sock.sendall(data if isinstance(data, bytes) else data.encode())

    def reply(self):
        lines = []
        while True:
            while b"\r\n" not in self.buffer:
                chunk = self.sock.recv(4096)
                if not chunk:
                    return "\n".join(lines + ["<closed>"])
                self.buffer += chunk
            line, self.buffer = self.buffer.split(b"\r\n", 1)
            lines.append(line.decode())
            if len(line) < 4 or line[3:4] != b"-":
                return "\n".join(lines)

    def cmd(self, line):
        self.send(line + "\r\n")
        return self.reply()

    def close(self):
        self.sock.close()


class SmtpTest(SealboxTestCase):
    def setUp(self):
        super().setUp()  # which gives every listener a free port
        with open(self.config, "a") as f:
            f.write("\n[smtp]\nmax_recipients = 3\n")
        self.add_account("alice@example.test", "alice-pw")
        self.add_account("bob@example.test", "bob-pw")
        self.sealbox("account", "add", "carol@example.test", "--quota", "2K", "--password-stdin",
                     stdin="carol-pw\n")
        self.sealbox("alias", "add", "team@example.test", "alice@example.test")
        self.sealbox("alias", "add", "team@example.test", "bob@example.test")
        self.sealbox("alias", "add", "sales@example.test", "alice@example.test")
        self.start_server()

    def test_mx_delivers_to_local_accounts_only(self):
        with smtplib.SMTP("127.0.0.1", self.ports["smtp"], timeout=30) as s:
            s.ehlo("client.example")
            for ext in ["pipelining", "size", "8bitmime", "smtputf8", "enhancedstatuscodes",
                        "chunking", "dsn", "starttls"]:
                self.assertTrue(s.has_extn(ext), ext)
            self.assertFalse(s.has_extn("auth"))
            refused = s.sendmail("sender@remote.test", ["alice@example.test", "team@example.test",
                                                        "nobody@example.test"],
                                 message("sender@remote.test", "team@example.test"))
            self.assertEqual(refused, {"nobody@example.test": (550, b"5.1.1 No such user here")})
            s.mail("sender@remote.test")
            self.assertEqual(s.rcpt("victim@elsewhere.test"), (554, b"5.7.1 Relay access denied"))
            s.rset()
            # carol's quota is 2K: the declared size is refused at RCPT.
            with self.assertRaises(smtplib.SMTPRecipientsRefused) as full:
                s.sendmail("sender@remote.test", ["carol@example.test"],
                           message("sender@remote.test", "carol@example.test", body="x" * 4000))
            self.assertEqual(full.exception.recipients["carol@example.test"][0], 452)
        self.stop_server()
        # One copy each: alice was named directly and through team@.
        self.assertEqual(self.inbox("alice@example.test", "alice-pw"), 1)
        self.assertEqual(self.inbox("bob@example.test", "bob-pw"), 1)
        self.assertEqual(self.inbox("carol@example.test", "carol-pw"), 0)
        log = self.read_log()
        self.assertIn("2 of 2 recipient(s) accepted", log)
        self.assertNotIn(SECRET_SUBJECT, log)

    def test_submission_needs_starttls_then_auth(self):
        with smtplib.SMTP("127.0.0.1", self.ports["submission"], timeout=30) as s:
            s.ehlo("laptop.example")
            self.assertFalse(s.has_extn("auth"))
            code, _ = s.mail("alice@example.test")
            self.assertEqual(code, 530)
            s.rset()
            s.starttls(context=no_verify())
            s.ehlo("laptop.example")
            self.assertEqual(s.esmtp_features["auth"].split(), ["PLAIN", "LOGIN"])
            with self.assertRaises(smtplib.SMTPAuthenticationError) as bad:
                s.login("alice@example.test", "wrong")
            self.assertEqual(bad.exception.smtp_code, 535)
            s.login("alice@example.test", "alice-pw")
            self.assertEqual(s.sendmail("alice@example.test", ["bob@example.test"],
                                        message("Alice <alice@example.test>", "bob@example.test")), {})
            # An alias of hers is hers too.
            self.assertEqual(s.sendmail("sales@example.test", ["bob@example.test"],
                                        message("sales@example.test", "bob@example.test")), {})
            with self.assertRaises(smtplib.SMTPSenderRefused) as sender:
                s.sendmail("bob@example.test", ["bob@example.test"], message("bob@example.test", "x"))
            self.assertEqual(sender.exception.smtp_code, 553)
            with self.assertRaises(smtplib.SMTPDataError) as forged:
                s.sendmail("alice@example.test", ["bob@example.test"],
                           message("Bob <bob@example.test>", "bob@example.test"))
            self.assertEqual(forged.exception.smtp_code, 550)
        self.stop_server()
        self.assertEqual(self.inbox("bob@example.test", "bob-pw"), 2)
        self.assertNotIn("alice-pw", self.read_log())

    def test_submissions_is_tls_from_the_start_and_auth_login_works(self):
        with smtplib.SMTP_SSL("127.0.0.1", self.ports["submissions"], timeout=30,
                              context=no_verify()) as s:
            s.ehlo("laptop.example")
            self.assertFalse(s.has_extn("starttls"))
            self.assertTrue(s.has_extn("requiretls"))
            s.user, s.password = "bob@example.test", "bob-pw"
            code, _ = s.auth("LOGIN", s.auth_login, initial_response_ok=False)
            self.assertEqual(code, 235)
            self.assertEqual(s.sendmail("bob@example.test", ["alice@example.test"],
                                        message("bob@example.test", "alice@example.test")), {})
        self.stop_server()
        self.assertEqual(self.inbox("alice@example.test", "alice-pw"), 1)

    def test_lmtp_replies_per_recipient(self):
        c = RawClient(self.ports["lmtp"])
        self.assertTrue(c.reply().startswith("220 "))
        self.assertIn("250-CHUNKING", c.cmd("LHLO mta.example"))
        c.send("MAIL FROM:<sender@remote.test>\r\nRCPT TO:<alice@example.test>\r\n"
               "RCPT TO:<nobody@example.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n")
        replies = [c.reply() for _ in range(5)]
        self.assertEqual([r[:3] for r in replies], ["250", "250", "550", "250", "354"])
        c.send("Subject: lmtp\r\n\r\nbody\r\n.\r\n")
        self.assertTrue(c.reply().startswith("250 2.0.0 Delivered as "))  # alice
        self.assertTrue(c.reply().startswith("250 2.0.0 Delivered as "))  # bob
        self.assertTrue(c.cmd("QUIT").startswith("221"))
        c.close()
        self.stop_server()
        self.assertEqual(self.inbox("alice@example.test", "alice-pw"), 1)
        self.assertEqual(self.inbox("bob@example.test", "bob-pw"), 1)

    def test_smuggled_message_is_refused_whole(self):
        c = RawClient(self.ports["smtp"])
        c.reply()
        c.cmd("EHLO client.example")
        c.send("MAIL FROM:<sender@remote.test>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n")
        self.assertEqual([c.reply()[:3] for _ in range(3)], ["250", "250", "354"])
        c.send("Subject: first\r\n\r\nfirst\n.\nMAIL FROM:<admin@example.test>\r\n"
               "RCPT TO:<bob@example.test>\r\nDATA\r\nSubject: smuggled\r\n\r\nx\r\n.\r\nNOOP\r\n")
        self.assertEqual(c.reply(), "550 5.6.0 Bare CR or LF in message data")
        self.assertEqual(c.reply(), "250 2.0.0 OK")
        c.close()
        self.stop_server()
        self.assertEqual(self.inbox("alice@example.test", "alice-pw"), 0)
        self.assertEqual(self.inbox("bob@example.test", "bob-pw"), 0)

    def test_sighup_reloads_tls_and_keeps_serving(self):
        self.server.send_signal(signal.SIGHUP)
        self.wait_for_log("TLS certificate reloaded", timeout=10)
        with smtplib.SMTP_SSL("127.0.0.1", self.ports["submissions"], timeout=30,
                              context=no_verify()) as s:
            self.assertEqual(s.noop()[0], 250)
        self.stop_server()


class PortInUseTest(SealboxTestCase):
    def test_a_port_in_use_stops_the_start_with_a_clear_error(self):
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            with open(self.config) as f:
                config = f.read()
            with open(self.config, "w") as f:
                f.write(config.replace(f"port = {self.ports['submission']}\n",
                                       f"port = {taken.getsockname()[1]}\n"))
            proc = self.sealbox("serve", check=False)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("listeners.submission: cannot listen on 127.0.0.1:", proc.stderr)


if __name__ == "__main__":
    unittest.main()
