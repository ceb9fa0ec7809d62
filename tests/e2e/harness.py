"""Shared helpers for the end-to-end tests: run the real `sealbox` binary in a scratch data dir."""

import os
import shutil
import socket
import subprocess
import tempfile
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

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

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
