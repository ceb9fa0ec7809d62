"""Shared helpers for the end-to-end tests: run the real `sealbox` binary in a scratch data dir."""

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

SEALBOX = os.environ.get("SEALBOX_BIN", os.path.join(os.path.dirname(__file__), "../../build/sealbox"))

# Cheap Argon2id so that tests spend their time on behaviour, not on key stretching.
FAST_CONFIG = """
[server]
hostname = "mail.example.test"

[accounts]
argon2_opslimit = 1
argon2_memlimit = "8M"

[log]
level = "debug"
"""


LISTENERS = ["smtp", "submission", "submissions", "lmtp", "imap", "imaps", "pop3", "pop3s", "https"]


def free_ports(count):
    """Ports the kernel just handed out, so that tests running in parallel do not collide."""
    sockets = []
    for _ in range(count):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        sockets.append(s)
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def die_with_parent():
    """In the child before exec: the server gets SIGKILL when the test process dies, however it
    dies (a ctest timeout, a crash), so no server outlives its test."""
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


class SealboxTestCase(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="sealbox-e2e-")
        self.data = os.path.join(self.dir, "data")
        self.config = os.path.join(self.dir, "sealbox.toml")
        # Every test's own ports: `serve` binds its listeners, and ctest runs tests in parallel.
        self.ports = dict(zip(LISTENERS, free_ports(len(LISTENERS))))
        with open(self.config, "w") as f:
            f.write(FAST_CONFIG)
            for name, port in self.ports.items():
                f.write(f"\n[listeners.{name}]\nport = {port}\n")

        self.log = os.path.join(self.dir, "serve.log")
        self.server = None
        # A cleanup, not tearDown: it runs even when a subclass's setUp fails after this point.
        self.addCleanup(self._stop_and_remove)

    def _stop_and_remove(self):
        if self.server and self.server.poll() is None:
            self.server.kill()
            self.server.wait()
        shutil.rmtree(self.dir, ignore_errors=True)

    @staticmethod
    def close_quietly(client):
        """Logs an imaplib client out at the end of a test, whatever state the test left it in."""
        try:
            client.logout()
        except Exception:
            pass

    def ok(self, response):
        """The data of an imaplib (typ, data) reply that must be OK."""
        typ, data = response
        self.assertEqual(typ, "OK", data)
        return data

    def start_server(self):
        """`sealbox serve` with this test's config, logging to self.log; returns once it serves."""
        started_before = self.read_log().count("sealbox serving")
        with open(self.log, "ab") as log:
            self.server = subprocess.Popen([SEALBOX, "--config", self.config, "--data-dir", self.data,
                                            "serve"], stdout=subprocess.DEVNULL, stderr=log,
                                           preexec_fn=die_with_parent)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.server.poll() is not None:
                self.fail(f"serve exited {self.server.returncode}: {self.read_log()}")
            if self.read_log().count("sealbox serving") > started_before:
                return
            time.sleep(0.05)
        self.fail(f"serve never started: {self.read_log()}")

    def stop_server(self):
        self.server.send_signal(signal.SIGTERM)
        self.assertEqual(self.server.wait(timeout=30), 0, self.read_log())
        self.server = None

    def read_log(self):
        if not os.path.exists(self.log):
            return ""
        with open(self.log, errors="replace") as f:
            return f.read()

    def wait_for_log(self, needle, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if needle in self.read_log():
                return
            time.sleep(0.05)
        self.fail(f"never logged {needle!r}: {self.read_log()}")

    def inbox(self, address, password, folder="INBOX"):
        out = self.sealbox("mailbox", "count", address, "--password-stdin", stdin=password + "\n").stdout
        counts = dict(line.split("\t") for line in out.splitlines())
        return int(counts[folder])

    def sealbox(self, *args, stdin="", check=True, config=True):
        cmd = [SEALBOX]
        if config:
            cmd += ["--config", self.config]
        cmd += ["--data-dir", self.data, *args]
        data = stdin.encode() if isinstance(stdin, str) else stdin
        proc = subprocess.run(cmd, input=data, capture_output=True, timeout=120)
        proc.stdout = proc.stdout.decode(errors="replace")
        proc.stderr = proc.stderr.decode(errors="replace")
        if check and proc.returncode != 0:
            self.fail(f"{args} exited {proc.returncode}: {proc.stderr}")
        return proc

    def add_account(self, address, password):
        domain = address.split("@")[1]
        if domain not in self.sealbox("domain", "list").stdout.split():
            self.sealbox("domain", "add", domain)
        return self.sealbox("account", "add", address, "--password-stdin", stdin=password + "\n").stdout.strip()
