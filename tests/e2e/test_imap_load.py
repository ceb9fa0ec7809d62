"""bench/imap_load.py against the real server: what it appends is what it lists, fetches, finds
and retrieves, so that its numbers measure a server that did the whole job."""

import json
import os
import subprocess
import unittest

from harness import SealboxTestCase

IMAP_LOAD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../bench/imap_load.py")
USER, PASSWORD = "bench@example.test", "bench-pw"


class ImapLoadTest(SealboxTestCase):
    def setUp(self):
        super().setUp()
        self.add_account(USER, PASSWORD)
        self.start_server()

    def load(self, listener, *args):
        # Options before the measurement's name belong to the generator as a whole (--pid).
        proc = subprocess.run(["/usr/bin/python3", IMAP_LOAD, "--port", str(self.ports[listener]),
                               "--user", USER, "--password", PASSWORD, *args],
                              capture_output=True, text=True, timeout=240)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        lines = proc.stdout.splitlines()
        self.assertEqual(len(lines), 1, proc.stdout + proc.stderr)
        return json.loads(lines[0])

    def test_every_measurement_sees_the_appended_messages(self):
        populated = self.load("imaps", "populate", "60", "--connections", "3")
        self.assertEqual(populated["messages"], 60)
        # The deterministic mix: some messages carry each needle word, not all.
        self.assertTrue(0 < populated["expected_hits"]["marmalade"] < 60, populated)

        headers = self.load("imaps", "fetch-headers", "--runs", "1")
        self.assertEqual(headers["messages"], 60)
        bodies = self.load("imaps", "fetch-bodies", "--batch", "7")
        self.assertEqual((bodies["messages"], bodies["bytes"]), (60, populated["bytes"]))
        search = self.load("imaps", "search-text", "marmalade", "--runs", "1")
        self.assertEqual(search["hits"], populated["expected_hits"]["marmalade"])
        pop3 = self.load("pop3s", "pop3-retr", "1000")
        self.assertEqual((pop3["messages"], pop3["bytes"]), (60, populated["bytes"]))

        mixed = self.load("imaps", "mixed", "--clients", "3", "--seconds", "2")
        self.assertEqual(mixed["errors"], 0, mixed)
        self.assertGreater(mixed["fetch_ops"], 0, mixed)
        # Open loop: 3 clients at 10 commands/s each for 2 s send about 60 commands (a round of
        # four may finish past the end), not as many as the server can answer.
        paced = self.load("imaps", "mixed", "--clients", "3", "--seconds", "2", "--rate", "10")
        self.assertEqual(paced["errors"], 0, paced)
        self.assertTrue(0 < paced["ops"] <= 80, paced)
        memory = self.load("imaps", "--pid", str(self.server.pid), "idle-memory", "--connections", "10",
                           "--login-connections", "3", "--settle", "0.5")
        self.assertEqual(memory["greeting"]["connections"], 10, memory)
        self.assertEqual(memory["selected"]["connections"], 3, memory)
        self.assertGreater(memory["selected"]["rss_kib"], 0, memory)


if __name__ == "__main__":
    unittest.main()
