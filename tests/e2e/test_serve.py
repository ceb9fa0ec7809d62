"""`sealbox serve`: first start on the embedded default, the demo account, and a clean stop."""

import os
import re
import signal
import subprocess
import time
import unittest

from harness import SEALBOX, SealboxTestCase


class ServeTest(SealboxTestCase):
    def start(self, *extra):
        proc = subprocess.Popen([SEALBOX, "--data-dir", self.data, *extra, "serve"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        return proc

    def wait_for_output(self, proc, needle, timeout=60):
        deadline = time.time() + timeout
        lines = []
        while time.time() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            lines.append(line)
            if needle in line:
                return lines
        self.fail(f"never logged {needle!r}: {''.join(lines)}")

    def stop(self, proc):
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, 0, err)
        return out, err

    def test_first_start_prints_the_demo_account_once_and_stops_on_sigterm(self):
        proc = self.start()
        self.wait_for_output(proc, "sealbox serving")
        out, _ = self.stop(proc)
        self.assertIn("address:      demo@example.test", out)
        password = re.search(r"password:\s+(\S+)", out).group(1)
        recovery = re.search(r"recovery key:\s+(\S+)", out).group(1)
        self.assertGreaterEqual(len(password), 16)
        self.assertRegex(recovery, r"^[A-Z2-7-]{64}$")
        self.assertTrue(os.path.exists(os.path.join(self.data, "tls", "self-signed.crt")))
        key_mode = os.stat(os.path.join(self.data, "tls", "self-signed.key")).st_mode & 0o777
        self.assertEqual(key_mode, 0o600)
        # The password works: it changes to another one.
        self.sealbox("account", "passwd", "demo@example.test", "--password-stdin",
                     stdin=f"{password}\nnew password\n", config=False)

        second = self.start()
        self.wait_for_output(second, "sealbox serving")
        out, _ = self.stop(second)
        self.assertNotIn("password", out)

    def test_certificate_is_valid_for_the_hostname(self):
        proc = self.start("--config", self.config)
        self.wait_for_output(proc, "sealbox serving")
        self.stop(proc)
        text = subprocess.run(["openssl", "x509", "-noout", "-text", "-in",
                               os.path.join(self.data, "tls", "self-signed.crt")],
                              capture_output=True, text=True, check=True).stdout
        self.assertIn("DNS:mail.example.test", text)
        self.assertIn("IP Address:127.0.0.1", text)
        self.assertIn("prime256v1", text)

    def test_bad_configuration_stops_start_with_a_clear_error(self):
        with open(self.config, "w") as f:
            f.write("[listeners.imap]\nport = 70000\n")
        proc = self.start("--config", self.config)
        _, err = proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("listeners.imap.port", err)

    def test_data_directory_is_private(self):
        proc = self.start("--config", self.config)
        self.wait_for_output(proc, "sealbox serving")
        self.stop(proc)
        self.assertEqual(os.stat(self.data).st_mode & 0o777, 0o700)


if __name__ == "__main__":
    unittest.main()
