"""Nothing of a message is readable at rest: every file under the data directory is scanned for
unique canaries placed in the subject, body, attachment name, sender and recipient display name."""

import base64
import os
import secrets
import signal
import string
import subprocess
import time
import unittest
from email.message import EmailMessage

from harness import SEALBOX, SealboxTestCase


def canary(kind):
    alphabet = string.ascii_letters + string.digits
    return kind + "".join(secrets.choice(alphabet) for _ in range(20))


def forms(text):
    """The canary as it could appear on disk: plain, lower/upper case, base64 at each of the three
    alignments (the stable middle of the encoding), quoted-printable (alphanumeric: itself)."""
    raw = text.encode()
    out = {raw, raw.lower(), raw.upper()}
    for pad in range(3):
        encoded = base64.b64encode(b"\0" * pad + raw)
        # Drop the characters the padding or the unknown following bytes influence.
        out.add(encoded[4 if pad else 0:-4])
    return out


class PlaintextAtRestTest(SealboxTestCase):
    def build_message(self, c):
        msg = EmailMessage()
        msg["From"] = f"Sender <{c['sender']}@remote.test>"
        msg["To"] = f"\"{c['display']} Person\" <alice@example.org>"
        msg["Subject"] = f"Quarterly report {c['subject']}"
        msg.set_content(f"Hello,\n\nthe secret word is {c['body']}.\n")
        msg.add_attachment(f"attachment text {c['attached']}\n".encode() * 50, maintype="application",
                           subtype="octet-stream", filename=f"report-{c['filename']}.bin")
        return msg.as_bytes().replace(b"\n", b"\r\n")

    def scan(self, canaries):
        needles = {name: forms(value) for name, value in canaries.items()}
        scanned = 0
        hits = []
        for root, _, files in os.walk(self.dir):
            for name in files:
                path = os.path.join(root, name)
                if path == self.message_file:
                    continue
                with open(path, "rb") as f:
                    data = f.read()
                scanned += 1
                for kind, variants in needles.items():
                    for v in variants:
                        if v in data:
                            hits.append((path, kind, v))
        return scanned, hits

    def test_delivered_mail_and_logs_carry_no_canary(self):
        canaries = {k: canary(k) for k in ("subject", "body", "filename", "sender", "display", "attached")}
        self.add_account("alice@example.org", "pw")
        message = self.build_message(canaries)
        self.message_file = os.path.join(self.dir, "message.eml")
        with open(self.message_file, "wb") as f:
            f.write(message)
        # The test's own copy proves the scan can see every canary.
        scanned, hits = self.scan(canaries)
        self.assertEqual(hits, [])

        log_file = os.path.join(self.data, "sealbox.log")
        with open(self.config) as f:
            config = f.read()
        with open(self.config, "w") as f:
            f.write(config.replace('level = "debug"', f'level = "trace"\nfile = "{log_file}"'))
        for _ in range(3):
            self.sealbox("deliver", "alice@example.org", stdin=message)
        proc = subprocess.Popen([SEALBOX, "--config", self.config, "--data-dir", self.data, "serve"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            deadline = time.time() + 60
            while time.time() < deadline and proc.poll() is None:
                if os.path.exists(log_file) and b"sealbox serving" in open(log_file, "rb").read():
                    break
                time.sleep(0.1)
            self.assertIn(b"sealbox serving", open(log_file, "rb").read())
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.communicate(timeout=30)

        scanned, hits = self.scan(canaries)
        self.assertEqual(hits, [])
        self.assertGreaterEqual(scanned, 4)  # directory db, its WAL, three spool entries, ...

        # Control: the scanner does find a canary written in the clear.
        with open(os.path.join(self.data, "control"), "wb") as f:
            f.write(base64.b64encode(b"xx" + canaries["body"].encode()))
        _, hits = self.scan(canaries)
        self.assertEqual([h[1] for h in hits][:1], ["body"])


if __name__ == "__main__":
    unittest.main()
