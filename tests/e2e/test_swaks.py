"""swaks (Debian's Swiss Army Knife for SMTP) against the real server, as an administrator would
test a new mail server: pipelining, STARTTLS, implicit TLS, AUTH PLAIN and LOGIN, LMTP, and the
refusals a client must see (size, recipient count, AUTH before TLS, relaying)."""

import subprocess
import unittest

from harness import SealboxTestCase


class SwaksTest(SealboxTestCase):
    def setUp(self):
        super().setUp()
        with open(self.config, "a") as f:
            f.write('\n[smtp]\nmax_recipients = 3\n\n[delivery]\nmax_message_size = "20K"\n')
        self.add_account("alice@example.test", "alice-pw")
        self.add_account("bob@example.test", "bob-pw")
        self.start_server()

    def swaks(self, listener, *args, expect_ok=True):
        proc = subprocess.run(["swaks", "--server", f"127.0.0.1:{self.ports[listener]}",
                               "--helo", "client.example", "--timeout", "20", *args],
                              capture_output=True, text=True, timeout=60)
        if expect_ok:
            self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        return proc.stdout

    def test_pipelined_mail_over_starttls_is_delivered(self):
        out = self.swaks("smtp", "--pipeline", "-tls", "--from", "sender@remote.test",
                         "--to", "alice@example.test,bob@example.test",
                         "--body", "Hello from swaks\n")
        self.assertIn("PIPELINING", out)
        self.assertIn("<-  220 2.0.0 Ready to start TLS", out)
        self.assertRegex(out, r"<~  250 2\.0\.0 Delivered as [0-9A-F]{16}")
        self.stop_server()
        self.assertEqual(self.inbox("alice@example.test", "alice-pw"), 1)
        self.assertEqual(self.inbox("bob@example.test", "bob-pw"), 1)

    def test_submission_with_auth_plain_and_login(self):
        for mechanism, port in [("PLAIN", "submission"), ("LOGIN", "submissions")]:
            tls = "-tls" if port == "submission" else "--tls-on-connect"
            out = self.swaks(port, tls, "--auth", mechanism, "--auth-user", "alice@example.test",
                             "--auth-password", "alice-pw", "--from", "alice@example.test",
                             "--to", "bob@example.test", "--h-From", "alice@example.test")
            self.assertIn("235 2.7.0 Authentication successful", out)
        self.stop_server()
        self.assertEqual(self.inbox("bob@example.test", "bob-pw"), 2)

    def test_auth_is_not_offered_before_starttls(self):
        proc = subprocess.run(["swaks", "--server", f"127.0.0.1:{self.ports['submission']}",
                               "--auth", "PLAIN", "--auth-user", "alice@example.test",
                               "--auth-password", "alice-pw", "--to", "bob@example.test"],
                              capture_output=True, text=True, timeout=60)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("Host did not advertise authentication", proc.stdout + proc.stderr)

    def test_lmtp_answers_each_recipient(self):
        out = self.swaks("lmtp", "--protocol", "LMTP", "--from", "sender@remote.test",
                         "--to", "alice@example.test,bob@example.test")
        self.assertEqual(out.count("250 2.0.0 Delivered as"), 2, out)

    def test_refusals_a_client_must_see(self):
        out = self.swaks("smtp", "--from", "sender@remote.test", "--to", "alice@example.test",
                         "--body", "x" * 30000 + "\n", expect_ok=False)
        self.assertIn("552 5.3.4 Message size exceeds fixed maximum message size", out)
        out = self.swaks("smtp", "--from", "sender@remote.test",
                         "--to", "alice@example.test,bob@example.test,alice@example.test,"
                                 "bob@example.test", expect_ok=False)
        self.assertIn("452 4.5.3 Too many recipients", out)
        out = self.swaks("smtp", "--from", "sender@remote.test", "--to", "victim@elsewhere.test",
                         expect_ok=False)
        self.assertIn("554 5.7.1 Relay access denied", out)
        out = self.swaks("smtp", "--from", "sender@remote.test", "--to", "nobody@example.test",
                         expect_ok=False)
        self.assertIn("550 5.1.1 No such user here", out)


if __name__ == "__main__":
    unittest.main()
