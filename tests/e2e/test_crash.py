"""kill -9 at random moments while many clients deliver: every message that got its 250 is in
the store exactly once after a restart (RFC 5321 §4.1.1.4: 250 means responsibility), and
nothing is ever stored twice."""

import os
import random
import signal
import smtplib
import ssl
import threading
import time
import unittest
from collections import Counter
from email import policy
from email.message import EmailMessage

from harness import SealboxTestCase

CLIENTS = 8


def no_verify():
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


CYCLES = 4


class CrashTest(SealboxTestCase):
    def setUp(self):
        super().setUp()
        self.add_account("alice@example.test", "alice-pw")
        self.add_account("bob@example.test", "bob-pw")
        # bob logs in after every start, which unlocks his account: his copies go straight into
        # his encrypted database, alice's (locked) into her sealed spool.
        self.acked = []
        self.sent = []
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def client(self, number):
        n = 0
        while not self.stop.is_set():
            n += 1
            message_id = f"<crash-{number}-{n}-{random.randrange(1 << 30)}@example.test>"
            m = EmailMessage()
            m["From"] = "sender@remote.test"
            m["To"] = "alice@example.test, bob@example.test"
            m["Subject"] = "crash test"
            m["Message-ID"] = message_id
            m.set_content("x" * random.choice([100, 5000, 70000]))
            with self.lock:
                self.sent.append(message_id)
            try:
                with smtplib.SMTP("127.0.0.1", self.ports["smtp"], timeout=10) as s:
                    refused = s.sendmail("sender@remote.test",
                                         ["alice@example.test", "bob@example.test"],
                                         m.as_bytes(policy=policy.SMTP))
                if not refused:
                    with self.lock:
                        self.acked.append(message_id)
            except (OSError, smtplib.SMTPException):
                time.sleep(0.02)  # the server is down: try again when it is back

    def unlock_bob(self):
        with smtplib.SMTP("127.0.0.1", self.ports["submission"], timeout=10) as s:
            s.starttls(context=no_verify())
            s.login("bob@example.test", "bob-pw")

    def message_ids(self, address, password):
        out = self.sealbox("mailbox", "list", address, "--password-stdin",
                           stdin=password + "\n").stdout
        return Counter(line.split("\t")[2] for line in out.splitlines())

    def test_kill_9_loses_and_duplicates_nothing_acknowledged(self):
        self.start_server()
        self.unlock_bob()
        clients = [threading.Thread(target=self.client, args=(i,)) for i in range(CLIENTS)]
        for c in clients:
            c.start()
        try:
            for _ in range(CYCLES):
                time.sleep(random.uniform(0.5, 1.5))
                self.server.send_signal(signal.SIGKILL)
                self.server.wait()
                self.start_server()
                self.unlock_bob()
            time.sleep(0.5)
        finally:
            self.stop.set()
            for c in clients:
                c.join()
        self.stop_server()

        self.assertGreater(len(self.acked), 20, "too few deliveries to prove anything")
        sent = set(self.sent)
        for address, password in [("alice@example.test", "alice-pw"), ("bob@example.test", "bob-pw")]:
            stored = self.message_ids(address, password)
            lost = [m for m in self.acked if stored[m] == 0]
            doubled = [m for m, n in stored.items() if n > 1]
            strangers = [m for m in stored if m not in sent]
            self.assertEqual(lost, [], f"{address}: acknowledged messages lost")
            self.assertEqual(doubled, [], f"{address}: messages stored twice")
            self.assertEqual(strangers, [], f"{address}: messages nobody sent")


if __name__ == "__main__":
    unittest.main()
