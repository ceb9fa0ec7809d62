"""bench/smtp_load against the real server: what it reports as accepted is in the mailboxes, and
what the server refuses is counted under the command and reply code that refused it."""

import os
import subprocess
import unittest

from harness import SEALBOX, SealboxTestCase

SMTP_LOAD = os.environ.get(
    "SMTP_LOAD_BIN", os.path.join(os.path.dirname(os.path.abspath(SEALBOX)), "bench", "smtp_load"))


@unittest.skipUnless(os.access(SMTP_LOAD, os.X_OK), "smtp_load is built only without sanitizers")
class SmtpLoadTest(SealboxTestCase):
    def setUp(self):
        super().setUp()
        self.add_account("user0@example.test", "pw0")
        self.add_account("user1@example.test", "pw1")
        self.start_server()

    def load(self, listener, *args):
        proc = subprocess.run([SMTP_LOAD, "--port", str(self.ports[listener]), *args],
                              capture_output=True, text=True, timeout=120)
        lines = [line for line in proc.stdout.splitlines() if line.startswith("result ")]
        self.assertEqual(len(lines), 1, proc.stdout + proc.stderr)
        return proc.returncode, dict(kv.split("=") for kv in lines[0].split()[1:]), proc.stdout

    def test_smtp_starttls_and_lmtp_messages_land_in_the_mailboxes(self):
        code, result, out = self.load("smtp", "--starttls", "--connections", "3", "--messages", "10",
                                      "--recipients", "user{0..1}@example.test")
        self.assertEqual((code, result["accepted"], result["errors"]), (0, "10", "0"), out)
        # LMTP answers once per recipient after the data: two here, for 64 KiB messages.
        code, result, out = self.load("lmtp", "--lmtp", "--connections", "2", "--messages", "6",
                                      "--size", "65536", "--recipients-per-message", "2",
                                      "--recipients", "user0@example.test,user1@example.test")
        self.assertEqual((code, result["accepted"], result["errors"]), (0, "6", "0"), out)
        self.stop_server()
        self.assertEqual(self.inbox("user0@example.test", "pw0"), 5 + 6)
        self.assertEqual(self.inbox("user1@example.test", "pw1"), 5 + 6)

    def test_refused_recipients_are_errors_named_by_reply(self):
        code, result, out = self.load("smtp", "--connections", "1", "--messages", "4",
                                      "--recipients", "user0@example.test,nobody@example.test")
        self.assertEqual(code, 1, out)
        self.assertEqual(result["accepted"], "2", out)
        self.assertIn("2 x RCPT 550 5.1.1", out)
        self.stop_server()
        self.assertEqual(self.inbox("user0@example.test", "pw0"), 2)


if __name__ == "__main__":
    unittest.main()
